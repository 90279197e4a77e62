//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package mx

import "os"

// mapFile maps nothing here: files are read with ReadAt.
func mapFile(f *os.File, size int64) []byte { return nil }

func unmapFile(data []byte) {}

func adviseSequential(data []byte) {}
