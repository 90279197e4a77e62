package core

import (
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Buffer is a reference-counted block of element memory. It holds a host
// copy today; a device copy and validity flags join it with a GPU backend.
// A buffer returns to its allocator's cache when its last reference goes.
type Buffer struct {
	host  []byte // len is the requested size; cap the bucket size
	refs  atomic.Int32
	alloc *Allocator
}

// Bytes returns the host memory of b, len(Bytes()) being its requested size.
func (b *Buffer) Bytes() []byte { return b.host }

// Ptr returns the address of the first byte (nil for an empty buffer).
func (b *Buffer) Ptr() unsafe.Pointer {
	if cap(b.host) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(b.host))
}

// Retain adds a reference to b.
func (b *Buffer) Retain() { b.refs.Add(1) }

// Release drops a reference to b; the last one returns it to the cache.
func (b *Buffer) Release() {
	switch n := b.refs.Add(-1); {
	case n == 0:
		if b.alloc != nil {
			b.alloc.free(b)
		}
	case n < 0:
		panic("core: buffer released more often than retained")
	}
}

// Allocator hands out host buffers from a size-bucketed cache and keeps the
// statistics of the memory API: active, peak and cached bytes, and limits.
type Allocator struct {
	mu         sync.Mutex
	cache      map[int][][]byte // bucket size -> free blocks
	active     int64
	peak       int64
	cached     int64
	limit      int64 // 0: no limit
	cacheLimit int64 // <0: no limit

	// Arrays give their buffers back when the garbage collector finds them
	// unreachable, but Go's collector paces itself by the heap, which
	// cached buffers inflate: left alone it would run ever more rarely as
	// the cache grows. So the allocator starts a collection itself once
	// enough new memory has been taken since the last one.
	sinceGC    int64
	collecting atomic.Bool
}

// gcBytes is the new memory taken between collections started by the
// allocator. Collections are cheap here, since array data holds no
// pointers for the collector to trace: a fixed amount keeps the garbage
// bounded whatever the size of the live arrays.
const gcBytes = 64 << 20

// NewAllocator returns an allocator with no memory limit and an unlimited cache.
func NewAllocator() *Allocator {
	return &Allocator{cache: map[int][][]byte{}, cacheLimit: -1}
}

// Host is the process-wide allocator for host memory.
var Host = NewAllocator()

// bucket rounds n up to the size class it is cached under: powers of two up
// to 4 KiB, then four classes per power of two (at most 25% slack).
func bucket(n int) int {
	if n <= 64 {
		return 64
	}
	if n <= 4096 {
		return 1 << bits.Len(uint(n-1))
	}
	shift := bits.Len(uint(n-1)) - 3
	step := 1 << shift
	return (n + step - 1) / step * step
}

// OutOfMemoryError reports an allocation that the memory limit refused.
type OutOfMemoryError struct {
	Requested, Active, Limit int64
}

func (e *OutOfMemoryError) Error() string {
	return fmt.Sprintf("out of memory: %d bytes requested with %d active and a limit of %d", e.Requested, e.Active, e.Limit)
}

// machineMemory is the most bytes that can be active at once: the
// machine's memory and swap, or 1<<47 bytes when that is unknown. It holds
// when no memory limit is set, so that an impossible request fails with an
// error instead of bringing the Go runtime down.
var machineMemory = func() int64 {
	if n := physicalMemory(); n > 0 {
		return n
	}
	return 1 << 47
}()

// Alloc returns a buffer of n bytes with one reference. Its contents are
// undefined (a reused block is not cleared). When the memory limit (or,
// without one, the machine's memory) would be passed it frees the cache,
// lets the garbage collector return unreachable arrays, and tries again a
// few times before it fails; a request larger than the limit fails at once.
func (a *Allocator) Alloc(n int) (*Buffer, error) {
	if n < 0 {
		return nil, fmt.Errorf("core: negative allocation of %d bytes", n)
	}
	for try := 0; ; try++ {
		a.mu.Lock()
		limit := a.limitLocked()
		if int64(n) > limit {
			active := a.active
			a.mu.Unlock()
			return nil, &OutOfMemoryError{int64(n), active, limit}
		}
		size := bucket(n)
		if a.active+int64(size) <= limit {
			if blocks := a.cache[size]; len(blocks) > 0 {
				blk := blocks[len(blocks)-1]
				a.cache[size] = blocks[:len(blocks)-1]
				a.cached -= int64(size)
				a.grow(size)
				a.mu.Unlock()
				return a.wrap(blk[:n]), nil
			}
			a.grow(size)
			a.mu.Unlock()
			return a.wrap(make([]byte, n, size)), nil
		}
		active := a.active
		a.mu.Unlock()
		if try == 4 {
			return nil, &OutOfMemoryError{int64(n), active, limit}
		}
		// Unreachable arrays give their buffers back through cleanups,
		// which run after a collection: give them a moment.
		a.ClearCache()
		runtime.GC()
		time.Sleep(time.Millisecond << try)
	}
}

// collect starts a garbage collection in the background, unless one the
// allocator started is still running.
func (a *Allocator) collect() {
	if a.collecting.CompareAndSwap(false, true) {
		go func() {
			runtime.GC()
			a.collecting.Store(false)
		}()
	}
}

// Limit returns the most bytes that may be active at once: the memory
// limit, or the machine's memory without one. Kernels check the scratch
// they make for themselves against it.
func (a *Allocator) Limit() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.limitLocked()
}

// limitLocked is the memory limit, or the machine's memory without one;
// a.mu must be held.
func (a *Allocator) limitLocked() int64 {
	if a.limit <= 0 || a.limit > machineMemory {
		return machineMemory
	}
	return a.limit
}

func (a *Allocator) wrap(host []byte) *Buffer {
	b := &Buffer{host: host, alloc: a}
	b.refs.Store(1)
	return b
}

// grow counts size more bytes active, and starts a collection when
// enough has been taken since the last one (see sinceGC).
func (a *Allocator) grow(size int) {
	a.active += int64(size)
	if a.active > a.peak {
		a.peak = a.active
	}
	a.sinceGC += int64(size)
	if a.sinceGC >= gcBytes {
		a.sinceGC = 0
		a.collect()
	}
}

func (a *Allocator) free(b *Buffer) {
	blk := b.host[:cap(b.host)]
	size := cap(blk)
	b.host = nil
	a.mu.Lock()
	defer a.mu.Unlock()
	a.active -= int64(size)
	if a.cacheLimit >= 0 && a.cached+int64(size) > a.cacheLimit {
		a.trim(a.cacheLimit - int64(size))
		if a.cached+int64(size) > a.cacheLimit {
			return // dropped: the garbage collector takes it
		}
	}
	a.cache[size] = append(a.cache[size], blk)
	a.cached += int64(size)
}

// trim drops cached blocks until at most keep bytes stay cached.
func (a *Allocator) trim(keep int64) {
	for size, blocks := range a.cache {
		for len(blocks) > 0 && a.cached > keep {
			blocks[len(blocks)-1] = nil
			blocks = blocks[:len(blocks)-1]
			a.cached -= int64(size)
		}
		if len(blocks) == 0 {
			delete(a.cache, size)
		} else {
			a.cache[size] = blocks
		}
		if a.cached <= keep {
			return
		}
	}
}

// Stats returns active, peak and cached bytes.
func (a *Allocator) Stats() (active, peak, cached int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.active, a.peak, a.cached
}

// ResetPeak sets the peak to the bytes active now.
func (a *Allocator) ResetPeak() {
	a.mu.Lock()
	a.peak = a.active
	a.mu.Unlock()
}

// SetLimit sets the memory limit (0: none) and returns the previous one.
func (a *Allocator) SetLimit(n int64) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.limit
	a.limit = n
	return old
}

// SetCacheLimit sets the cache limit (negative: none) and returns the previous one.
func (a *Allocator) SetCacheLimit(n int64) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.cacheLimit
	a.cacheLimit = n
	if n >= 0 {
		a.trim(n)
	}
	return old
}

// ClearCache drops every cached block.
func (a *Allocator) ClearCache() {
	a.mu.Lock()
	a.trim(0)
	a.mu.Unlock()
}
