package cuda

import (
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Allocator hands out device memory from plain device allocations
// (cuMemAlloc), keeping freed blocks in a size-bucketed cache. A block is
// reused first by the stream that last used it, in stream order; reusing it
// on another stream waits for that one through an event.
type Allocator struct {
	dev    *Device
	mu     sync.Mutex
	cache  map[int][]*block
	active int64
	peak   int64
	cached int64
	limit  int64 // 0: the device's memory
	// cacheLimit is the most bytes the cache keeps (negative: no limit).
	cacheLimit int64
	// others counts the bytes active elsewhere (the host) that the limit
	// covers too.
	others func() int64
	// activeNow is active, readable without the lock.
	activeNow atomic.Int64
}

// block is one device allocation.
type block struct {
	ptr    uintptr
	bucket int
	users  atomic.Uint64 // bit i: stream i used the block
	wide   atomic.Bool   // a stream numbered 64 or more used it
}

func newAllocator(d *Device) *Allocator {
	return &Allocator{dev: d, cache: map[int][]*block{}, cacheLimit: -1}
}

// deviceBucket rounds n up to the size class blocks are cached under:
// powers of two from 256 bytes to 1 MiB, then four classes per power of two.
func deviceBucket(n int) int {
	if n <= 256 {
		return 256
	}
	if n <= 1<<20 {
		return 1 << bits.Len(uint(n-1))
	}
	shift := bits.Len(uint(n-1)) - 3
	step := 1 << shift
	return (n + step - 1) / step * step
}

// OutOfMemoryError reports that the device had no memory for a request,
// even after the cache was cleared.
type OutOfMemoryError struct {
	Device            int
	Requested, Active int64
	Free, Total       int64
	Err               error
}

func (e *OutOfMemoryError) Error() string {
	return fmt.Sprintf("out of GPU memory on gpu %d: %d bytes requested with %d active (%d of %d free on the device)",
		e.Device, e.Requested, e.Active, e.Free, e.Total)
}

// Unwrap gives the driver's error and the core's out-of-memory error, so
// that errors.As finds either.
func (e *OutOfMemoryError) Unwrap() []error {
	return []error{e.Err, &core.OutOfMemoryError{Requested: e.Requested, Active: e.Active, Limit: e.Total}}
}

// get returns a block of at least n bytes for stream s, whose thread has
// the device's context current.
func (a *Allocator) get(s *Stream, n int) (*block, error) {
	size := deviceBucket(n)
	a.mu.Lock()
	if a.overLimit(size) {
		// Arrays nobody holds return their memory after a collection.
		a.mu.Unlock()
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		a.mu.Lock()
		if a.overLimit(size) {
			active := a.active
			a.mu.Unlock()
			return nil, &core.OutOfMemoryError{Requested: int64(n), Active: active + a.elsewhere(), Limit: a.limit}
		}
	}
	if blocks := a.cache[size]; len(blocks) > 0 {
		// Prefer a block this stream used last: no wait needed.
		pick := len(blocks) - 1
		for i := len(blocks) - 1; i >= 0 && i >= len(blocks)-8; i-- {
			if blocks[i].users.Load() == s.bit && !blocks[i].wide.Load() {
				pick = i
				break
			}
		}
		b := blocks[pick]
		blocks[pick] = blocks[len(blocks)-1]
		blocks[len(blocks)-1] = nil
		a.cache[size] = blocks[:len(blocks)-1]
		a.cached -= int64(size)
		a.grow(size)
		a.mu.Unlock()
		if err := s.afterUsers(b); err != nil {
			a.put(b)
			return nil, err
		}
		return b, nil
	}
	a.grow(size)
	// Device memory is invisible to Go's collector: count it towards the
	// collections the allocators start, so that arrays nobody holds give
	// their device memory back.
	core.NoteAllocated(int64(size))
	a.mu.Unlock()
	b := &block{bucket: size}
	err := check("cuMemAlloc", drv.cuMemAlloc, ptr(&b.ptr), uintptr(size))
	if e, ok := err.(*CUDAError); ok && e.IsOutOfMemory() {
		// Arrays nobody holds give their memory back after a garbage
		// collection: run one, give back what the cache holds, then try
		// once more.
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		a.ClearCache()
		err = check("cuMemAlloc", drv.cuMemAlloc, ptr(&b.ptr), uintptr(size))
	}
	if err != nil {
		a.mu.Lock()
		a.active -= int64(size)
		a.activeNow.Store(a.active)
		active := a.active
		a.mu.Unlock()
		if e, ok := err.(*CUDAError); ok && e.IsOutOfMemory() {
			var f, t uint64
			call(drv.cuMemGetInfo, ptr(&f), ptr(&t))
			return nil, &OutOfMemoryError{a.dev.Index, int64(n), active, int64(f), int64(t), err}
		}
		return nil, err
	}
	b.users.Store(s.bit)
	b.wide.Store(s.bit == 0)
	return b, nil
}

// elsewhere is the memory active outside the device that the limit
// covers.
func (a *Allocator) elsewhere() int64 {
	if a.others == nil {
		return 0
	}
	return a.others()
}

// Active returns the bytes active now, without waiting for the lock.
func (a *Allocator) Active() int64 { return a.activeNow.Load() }

// overLimit reports whether size more bytes would pass the memory limit;
// a.mu must be held.
func (a *Allocator) overLimit(size int) bool {
	if a.limit <= 0 {
		return false
	}
	return a.active+int64(size)+a.elsewhere() > a.limit
}

// grow counts size more bytes active; a.mu must be held.
func (a *Allocator) grow(size int) {
	a.active += int64(size)
	a.activeNow.Store(a.active)
	a.peak = max(a.peak, a.active)
}

// put returns a block to the cache, or frees it when the cache is full.
func (a *Allocator) put(b *block) {
	a.mu.Lock()
	a.active -= int64(b.bucket)
	a.activeNow.Store(a.active)
	if a.cacheLimit >= 0 && a.cached+int64(b.bucket) > a.cacheLimit {
		a.mu.Unlock()
		// Work still queued may read the block: wait for it first.
		onThread(a.dev, func() error {
			call(drv.cuCtxSynchronize)
			return check("cuMemFree", drv.cuMemFree, b.ptr)
		})
		return
	}
	a.cached += int64(b.bucket)
	a.cache[b.bucket] = append(a.cache[b.bucket], b)
	a.mu.Unlock()
}

// SetCacheLimit sets the most bytes the cache keeps (negative: no limit),
// freeing what is over it, and returns the previous limit.
func (a *Allocator) SetCacheLimit(n int64) int64 {
	a.mu.Lock()
	old := a.cacheLimit
	a.cacheLimit = n
	over := n >= 0 && a.cached > n
	a.mu.Unlock()
	if over {
		a.ClearCache()
	}
	return old
}

// SetElsewhere gives the count of bytes active outside the device that
// the memory limit covers too.
func (a *Allocator) SetElsewhere(f func() int64) {
	a.mu.Lock()
	a.others = f
	a.mu.Unlock()
}

// ClearCache waits for the device to finish its work and frees every
// cached block.
func (a *Allocator) ClearCache() {
	a.mu.Lock()
	cache := a.cache
	a.cache = map[int][]*block{}
	a.cached = 0
	a.mu.Unlock()
	if len(cache) == 0 {
		return
	}
	onThread(a.dev, func() error {
		call(drv.cuCtxSynchronize)
		for _, blocks := range cache {
			for _, b := range blocks {
				call(drv.cuMemFree, b.ptr)
			}
		}
		return nil
	})
}

// Stats returns the active, peak and cached bytes.
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

// SetLimit sets the most bytes that may be active (0: the device's memory)
// and returns the previous limit.
func (a *Allocator) SetLimit(n int64) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.limit
	a.limit = n
	return old
}

// devBuf is the device copy of a core.Buffer.
type devBuf struct {
	blk    *block
	size   int
	dev    *Device
	writer *Stream       // the stream whose work writes the copy
	seen   atomic.Uint64 // streams ordered after the writer's work

	// Copies on other devices, made on first use there (arrays never
	// change once computed, so a copy stays true), by device index.
	replicaMu sync.Mutex
	replicas  []*devBuf
}

var _ core.DeviceCopy = (*devBuf)(nil)

// CopyToHost waits for the writer's work and copies the device memory to dst.
func (b *devBuf) CopyToHost(dst []byte) error {
	if len(dst) == 0 {
		return nil
	}
	return onThread(b.dev, func() error {
		if err := b.writer.Synchronize(); err != nil {
			return err
		}
		return b.dev.staging.toHost(dst, b.blk.ptr)
	})
}

// Free returns the block, and the copies on other devices, to their
// caches. The work already queued that reads them stays ordered before any
// reuse (see Allocator).
func (b *devBuf) Free() {
	b.dev.alloc.put(b.blk)
	for _, r := range b.replicas {
		if r != nil {
			r.dev.alloc.put(r.blk)
		}
	}
}

// Ptr returns the device address.
func (b *devBuf) Ptr() uintptr { return b.blk.ptr }
