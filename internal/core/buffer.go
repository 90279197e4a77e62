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

// Buffer is a reference-counted block of element memory shared by the CPU
// and a GPU: it holds a host copy, a device copy, or both. Buffers are
// written once, by the op that makes them, and only read after that, so a
// copy once made stays valid: the host copy of a buffer made on the GPU is
// made on its first host read (Bytes), and a GPU backend makes the device
// copy of a host buffer on its first use there (AttachDevice). A buffer
// returns its memory to the caches when its last reference goes.
type Buffer struct {
	host   []byte // len is the size; cap the bucket size; valid once hostOK
	size   int
	hostOK atomic.Bool
	refs   atomic.Int32
	alloc  *Allocator // the host side's allocator

	mu  sync.Mutex // guards the making of either copy
	dev atomic.Pointer[deviceSide]
}

// deviceSide boxes a DeviceCopy for atomic access.
type deviceSide struct{ DeviceCopy }

// DeviceCopy is the device side of a buffer, kept by a GPU backend.
type DeviceCopy interface {
	// CopyToHost fills dst, of the buffer's size, from the device copy,
	// once every write to the device copy has finished.
	CopyToHost(dst []byte) error
	// Free gives the device memory back to its backend; it is called once,
	// when the buffer's last reference goes.
	Free()
}

// Size returns the buffer's size in bytes.
func (b *Buffer) Size() int { return b.size }

// Bytes returns the host memory of b, of b's size, making the host copy from
// the device copy first if there is none yet. It panics with the error of a
// failed copy (out of host memory, a device failure); kernels may let that
// panic go, since their callers turn panics into errors. Host returns the
// error instead.
func (b *Buffer) Bytes() []byte {
	if b.hostOK.Load() {
		return b.host
	}
	h, err := b.syncHost()
	if err != nil {
		panic(err)
	}
	return h
}

// Host is Bytes returning an error instead of panicking.
func (b *Buffer) Host() ([]byte, error) {
	if b.hostOK.Load() {
		return b.host, nil
	}
	return b.syncHost()
}

// HostValid reports whether b has a host copy.
func (b *Buffer) HostValid() bool { return b.hostOK.Load() }

func (b *Buffer) syncHost() ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hostOK.Load() {
		return b.host, nil
	}
	d := b.dev.Load()
	if d == nil {
		return nil, fmt.Errorf("core: buffer has neither a host nor a device copy")
	}
	blk, err := b.alloc.allocBlock(b.size)
	if err != nil {
		return nil, err
	}
	if err := d.CopyToHost(blk); err != nil {
		b.alloc.freeBlock(blk)
		return nil, err
	}
	b.host = blk
	b.hostOK.Store(true)
	return blk, nil
}

// Device returns the device copy of b, or nil when there is none.
func (b *Buffer) Device() DeviceCopy {
	if d := b.dev.Load(); d != nil {
		return d.DeviceCopy
	}
	return nil
}

// AttachDevice returns the device copy of b, calling make with the host
// copy to make one when there is none. Concurrent callers make one copy:
// the others get it.
func (b *Buffer) AttachDevice(make func(host []byte) (DeviceCopy, error)) (DeviceCopy, error) {
	if d := b.dev.Load(); d != nil {
		return d.DeviceCopy, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := b.dev.Load(); d != nil {
		return d.DeviceCopy, nil
	}
	if !b.hostOK.Load() {
		return nil, fmt.Errorf("core: buffer has no copy to make a device copy from")
	}
	d, err := make(b.host)
	if err != nil {
		return nil, err
	}
	b.dev.Store(&deviceSide{d})
	return d, nil
}

// NewDeviceBuffer returns a buffer of size bytes with one reference whose
// only copy is d; its host copy, made on the first host read, comes from a.
func NewDeviceBuffer(a *Allocator, size int, d DeviceCopy) *Buffer {
	b := &Buffer{size: size, alloc: a}
	b.dev.Store(&deviceSide{d})
	b.refs.Store(1)
	return b
}

// Ptr returns the address of the first byte of the host copy (nil for an
// empty buffer), making the host copy as Bytes does.
func (b *Buffer) Ptr() unsafe.Pointer {
	h := b.Bytes()
	if cap(h) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(h))
}

// Retain adds a reference to b.
func (b *Buffer) Retain() { b.refs.Add(1) }

// Release drops a reference to b; the last one returns its memory.
func (b *Buffer) Release() {
	switch n := b.refs.Add(-1); {
	case n == 0:
		if d := b.dev.Swap(nil); d != nil {
			d.Free()
		}
		if b.alloc != nil && b.host != nil {
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

	others    func() int64 // see SetElsewhere
	activeNow atomic.Int64 // active, readable without the lock
}

// Active returns the bytes active now, without waiting for the allocator's
// lock.
func (a *Allocator) Active() int64 { return a.activeNow.Load() }

// Arrays give their buffers back when the garbage collector finds them
// unreachable, but Go's collector paces itself by the heap, which cached
// host buffers inflate and device memory does not touch at all: left alone
// it would run ever more rarely as the cache grows. So allocators start a
// collection themselves once gcBytes of new memory (host and device
// together) have been handed out since the last one.
var gcPacing struct {
	since      atomic.Int64
	collecting atomic.Bool
}

// gcBytes is the new memory taken between collections started by the
// allocators. Collections are cheap here, since array data holds no
// pointers for the collector to trace: a fixed amount keeps the garbage
// bounded whatever the size of the live arrays.
const gcBytes = 64 << 20

// NoteAllocated counts n bytes newly handed out by an allocator (the
// host's or a GPU's) and starts a garbage collection in the background
// when gcBytes have been handed out since the last one, unless one is
// still running.
func NoteAllocated(n int64) {
	if gcPacing.since.Add(n) < gcBytes {
		return
	}
	gcPacing.since.Store(0)
	if gcPacing.collecting.CompareAndSwap(false, true) {
		go func() {
			runtime.GC()
			gcPacing.collecting.Store(false)
		}()
	}
}

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
	blk, err := a.allocBlock(n)
	if err != nil {
		return nil, err
	}
	return a.wrap(blk), nil
}

// allocBlock is Alloc's block of memory, of length n.
func (a *Allocator) allocBlock(n int) ([]byte, error) {
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
		if a.active+a.elsewhere()+int64(size) <= limit {
			if blocks := a.cache[size]; len(blocks) > 0 {
				blk := blocks[len(blocks)-1]
				a.cache[size] = blocks[:len(blocks)-1]
				a.cached -= int64(size)
				a.grow(size)
				a.mu.Unlock()
				return blk[:n], nil
			}
			a.grow(size)
			a.mu.Unlock()
			return make([]byte, n, size), nil
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

// SetElsewhere gives a the count of bytes active in other allocators (the
// GPUs') that its memory limit covers too: with a limit set, the sum of
// all of them stays within it.
func (a *Allocator) SetElsewhere(f func() int64) {
	a.mu.Lock()
	a.others = f
	a.mu.Unlock()
}

// elsewhere is the memory active in the other allocators when a limit is
// set; a.mu must be held.
func (a *Allocator) elsewhere() int64 {
	if a.limit <= 0 || a.others == nil {
		return 0
	}
	return a.others()
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
	b := &Buffer{host: host, size: len(host), alloc: a}
	b.hostOK.Store(true)
	b.refs.Store(1)
	return b
}

// grow counts size more bytes active, and starts a collection when
// enough has been taken since the last one (see NoteAllocated).
func (a *Allocator) grow(size int) {
	a.active += int64(size)
	a.activeNow.Store(a.active)
	if a.active > a.peak {
		a.peak = a.active
	}
	NoteAllocated(int64(size))
}

func (a *Allocator) free(b *Buffer) {
	blk := b.host
	b.host = nil
	a.freeBlock(blk)
}

// freeBlock returns a block of allocBlock to the cache.
func (a *Allocator) freeBlock(blk []byte) {
	blk = blk[:cap(blk)]
	size := cap(blk)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.active -= int64(size)
	a.activeNow.Store(a.active)
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
