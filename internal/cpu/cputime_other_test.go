//go:build !unix

package cpu

import "time"

// processCPU returns zero where the process's CPU time is not read.
func processCPU() time.Duration { return 0 }
