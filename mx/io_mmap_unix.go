//go:build linux || darwin || freebsd || netbsd || openbsd

package mx

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the first size bytes of f read-only, or returns nil when
// the system refuses.
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil
	}
	return data
}

func unmapFile(data []byte) { unix.Munmap(data) }

// adviseSequential tells the system that data will be read once, in order.
func adviseSequential(data []byte) { unix.Madvise(data, unix.MADV_SEQUENTIAL) }
