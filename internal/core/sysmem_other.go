//go:build !linux && !darwin

package core

// physicalMemory returns the bytes of memory of the machine, or 0 if unknown.
func physicalMemory() int64 { return 0 }
