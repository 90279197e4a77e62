package cuda

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Stream is a CUDA stream. Its methods that launch work or allocate must be
// called from one goroutine locked to its OS thread with the device's
// context current (see Device.BindThread): mx runs each stream's work on
// such a goroutine.
type Stream struct {
	dev    *Device
	id     int
	bit    uint64 // 1<<id, or 0 for streams numbered 64 or more
	handle uintptr
	event  uintptr // for waits on other streams, used by this stream's thread
	// peerEvents are its events on other devices, for waits on their
	// streams (guarded by errMu).
	peerEvents map[*Device]uintptr
	blasSt     *blasState
	errRec     *indexRecord // see ErrorRecord
	// indexOp names the op of the index kernels that follow, for their
	// errors (see SetIndexOp).
	indexOp string
	errMu   sync.Mutex
}

// NewStream makes a stream on d.
func (d *Device) NewStream() (*Stream, error) {
	s := &Stream{dev: d}
	err := onThread(d, func() error {
		if err := check("cuStreamCreate", drv.cuStreamCreate, ptr(&s.handle), 1 /* non-blocking */); err != nil {
			return err
		}
		return check("cuEventCreate", drv.cuEventCreate, ptr(&s.event), 2 /* no timing */)
	})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	s.id = len(d.streams)
	d.streams = append(d.streams, s)
	d.mu.Unlock()
	if s.id < 64 {
		s.bit = 1 << s.id
	}
	return s, nil
}

// Device returns the stream's device.
func (s *Stream) Device() *Device { return s.dev }

// Synchronize waits for the work queued on s so far. It may be called from
// any goroutine. It returns the first index error a kernel reported since
// the last call (see IndexError), clearing it.
func (s *Stream) Synchronize() error {
	if err := s.Drain(); err != nil {
		return err
	}
	return s.takeIndexError()
}

// Busy reports whether work queued on s has yet to finish. It must be
// called where s's other methods are.
func (s *Stream) Busy() bool {
	return call(drv.cuStreamQuery, s.handle) == cudaErrNotReady
}

// SetIndexOp names the op that the next index kernels on s serve, such as
// "take", so that an index error they report names it; "" gives the
// kernel's own name. Index errors come back after the fact, at the next
// synchronization, so the name travels with the kernel.
func (s *Stream) SetIndexOp(op string) { s.indexOp = op }

// Drain waits for the work queued on s so far, leaving any index error a
// kernel reported for the next Synchronize.
func (s *Stream) Drain() error {
	return onThread(s.dev, func() error {
		return check("cuStreamSynchronize", drv.cuStreamSynchronize, s.handle)
	})
}

// IndexError is an index out of range met by a kernel on the GPU. Kernels
// that read or write through indices never go out of bounds: they record
// the first bad index in their stream's error record and skip it, and the
// error comes back from the next synchronization (Eval, a host read). It
// wraps the *core.IndexError that the CPU's kernels return for the same
// index (errors.As finds either), adding the kernel's op.
type IndexError struct {
	Op string
	core.IndexError
}

func (e *IndexError) Error() string {
	if e.Op == "" {
		return e.IndexError.Error()
	}
	return e.Op + ": " + e.IndexError.Error()
}

// Unwrap returns the error as the CPU's kernels report it.
func (e *IndexError) Unwrap() error { return &e.IndexError }

// indexRecord is the error record kernels write (IndexRecord in
// kernels/common.cuh: keep the two in sync): code 0 means none, else one
// plus the op's number in indexOps; flags bit 0 says index holds an
// unsigned value.
type indexRecord struct {
	code  uint32
	axis  int32
	index int64
	size  int64
	block int64
	flags uint32
	_     uint32
}

// indexOps names the ops that report index errors, by code.
var (
	indexOpsMu sync.Mutex
	indexOps   []string
)

// indexOpCode returns the code kernels record for op.
func indexOpCode(op string) int32 {
	indexOpsMu.Lock()
	defer indexOpsMu.Unlock()
	for i, o := range indexOps {
		if o == op {
			return int32(i + 1)
		}
	}
	indexOps = append(indexOps, op)
	return int32(len(indexOps))
}

// ErrorRecord returns the device address of s's index error record, made
// on first use in pinned memory that the device writes and the host reads;
// it must be called from s's thread.
func (s *Stream) ErrorRecord() (uintptr, error) {
	if s.errRec != nil {
		return uintptr(unsafe.Pointer(s.errRec)), nil
	}
	var p *byte
	// Portable and mapped: with unified addressing the host address is the
	// device address.
	if err := check("cuMemHostAlloc", drv.cuMemHostAlloc, ptr(&p), unsafe.Sizeof(indexRecord{}), 0x1|0x2); err != nil {
		return 0, err
	}
	s.errRec = (*indexRecord)(unsafe.Pointer(p))
	*s.errRec = indexRecord{}
	return uintptr(unsafe.Pointer(p)), nil
}

func (s *Stream) takeIndexError() error {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	r := s.errRec
	if r == nil {
		return nil
	}
	code := atomic.LoadUint32(&r.code)
	if code == 0 {
		return nil
	}
	index := strconv.FormatInt(r.index, 10)
	if r.flags&1 != 0 {
		index = strconv.FormatUint(uint64(r.index), 10)
	}
	e := &IndexError{IndexError: core.IndexError{Index: index, Axis: int(r.axis), Size: int(r.size), Block: int(r.block)}}
	indexOpsMu.Lock()
	if int(code) <= len(indexOps) {
		e.Op = indexOps[code-1]
	}
	indexOpsMu.Unlock()
	r.axis, r.index, r.size, r.block, r.flags = 0, 0, 0, 0, 0
	atomic.StoreUint32(&r.code, 0)
	return e
}

// waitFor orders the work queued on s from now on after the work queued so
// far on t.
func (s *Stream) waitFor(t *Stream) error {
	if err := check("cuEventRecord", drv.cuEventRecord, s.event, t.handle); err != nil {
		return err
	}
	return check("cuStreamWaitEvent", drv.cuStreamWaitEvent, s.handle, s.event, 0)
}

// afterUsers orders s after every other stream that used block b, so that
// s may overwrite it.
func (s *Stream) afterUsers(b *block) error {
	if b.wide.Load() {
		if err := check("cuCtxSynchronize", drv.cuCtxSynchronize); err != nil {
			return err
		}
	} else if users := b.users.Load() &^ s.bit; users != 0 {
		s.dev.mu.Lock()
		streams := s.dev.streams
		s.dev.mu.Unlock()
		for id := 0; users != 0; id++ {
			if users&(1<<id) != 0 {
				users &^= 1 << id
				if err := s.waitFor(streams[id]); err != nil {
					return err
				}
			}
		}
	}
	b.users.Store(s.bit)
	b.wide.Store(s.bit == 0)
	return nil
}

// Alloc returns a buffer of n bytes whose only copy is on the device,
// written by work on s. Its host copy comes from host, on the first read.
func (s *Stream) Alloc(n int, host *core.Allocator) (*core.Buffer, error) {
	blk, err := s.dev.alloc.get(s, n)
	if err != nil {
		return nil, err
	}
	db := &devBuf{blk: blk, size: n, dev: s.dev, writer: s}
	db.seen.Store(s.bit)
	return core.NewDeviceBuffer(host, n, db), nil
}

// Ptr returns the device address of buf's data for work on s: it copies the
// host copy to the device first if there is no device copy, and orders s
// after the work that writes the device copy.
func (s *Stream) Ptr(buf *core.Buffer) (uintptr, error) {
	dc := buf.Device()
	if dc == nil {
		var err error
		dc, err = buf.AttachDevice(func(host []byte) (core.DeviceCopy, error) {
			blk, err := s.dev.alloc.get(s, len(host))
			if err != nil {
				return nil, err
			}
			if err := s.dev.staging.toDevice(s, blk.ptr, host); err != nil {
				s.dev.alloc.put(blk)
				return nil, err
			}
			db := &devBuf{blk: blk, size: len(host), dev: s.dev, writer: s}
			db.seen.Store(s.bit)
			return db, nil
		})
		if err != nil {
			return 0, err
		}
	}
	db, ok := dc.(*devBuf)
	if !ok {
		return 0, fmt.Errorf("cuda: an array held elsewhere cannot be used on gpu %d", s.dev.Index)
	}
	if db.dev != s.dev {
		var err error
		if db, err = s.replica(db); err != nil {
			return 0, err
		}
	}
	if s.bit == 0 || db.seen.Load()&s.bit == 0 {
		if db.writer != s {
			if err := s.waitFor(db.writer); err != nil {
				return 0, err
			}
		}
		db.seen.Or(s.bit)
	}
	if db.blk.users.Load()&s.bit == 0 || s.bit == 0 {
		db.blk.users.Or(s.bit)
		if s.bit == 0 {
			db.blk.wide.Store(true)
		}
	}
	return db.blk.ptr, nil
}

// replica returns the copy on s's device of db, which lives on another
// device, making it on s first: s waits for db's writer through an event
// of that device, then copies device to device, and the caller waits for
// the copy.
func (s *Stream) replica(db *devBuf) (*devBuf, error) {
	db.replicaMu.Lock()
	defer db.replicaMu.Unlock()
	if i := s.dev.Index; i < len(db.replicas) && db.replicas[i] != nil {
		return db.replicas[i], nil
	}
	if err := s.waitForPeer(db.writer); err != nil {
		return nil, err
	}
	blk, err := s.dev.alloc.get(s, db.size)
	if err != nil {
		return nil, err
	}
	err = check("cuMemcpyPeerAsync", drv.cuMemcpyPeerAsync, blk.ptr, s.dev.ctx, db.blk.ptr, db.dev.ctx, uintptr(db.size), s.handle)
	if err != nil {
		s.dev.alloc.put(blk)
		return nil, err
	}
	// The source's device knows nothing of s: wait for the copy here, so
	// that the source block may be freed and reused there at any time.
	if err := s.Drain(); err != nil {
		return nil, err
	}
	r := &devBuf{blk: blk, size: db.size, dev: s.dev, writer: s}
	r.seen.Store(s.bit)
	for len(db.replicas) <= s.dev.Index {
		db.replicas = append(db.replicas, nil)
	}
	db.replicas[s.dev.Index] = r
	return r, nil
}

// waitForPeer orders s after the work queued so far on t, a stream of
// another device, through an event of t's device.
func (s *Stream) waitForPeer(t *Stream) error {
	ev, err := s.peerEvent(t.dev)
	if err != nil {
		return err
	}
	err = s.onDevice(t.dev, func() error { return check("cuEventRecord", drv.cuEventRecord, ev, t.handle) })
	if err != nil {
		return err
	}
	return check("cuStreamWaitEvent", drv.cuStreamWaitEvent, s.handle, ev, 0)
}

// onDevice runs f, on s's thread, with the context of device d current,
// then makes s's current again.
func (s *Stream) onDevice(d *Device, f func() error) error {
	if err := d.makeCurrent(); err != nil {
		return err
	}
	err := f()
	if e := s.dev.makeCurrent(); err == nil {
		err = e
	}
	return err
}

// peerEvent returns s's event on device d, made on first use.
func (s *Stream) peerEvent(d *Device) (uintptr, error) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if ev, ok := s.peerEvents[d]; ok {
		return ev, nil
	}
	var ev uintptr
	err := s.onDevice(d, func() error { return check("cuEventCreate", drv.cuEventCreate, ptr(&ev), 2 /* no timing */) })
	if err != nil {
		return 0, err
	}
	if s.peerEvents == nil {
		s.peerEvents = map[*Device]uintptr{}
	}
	s.peerEvents[d] = ev
	return ev, nil
}

// Launch runs kernel f over grid blocks of block threads with shared bytes
// of dynamic shared memory and the arguments in p.
func (s *Stream) Launch(f uintptr, grid, block [3]int, shared int, p *Params) error {
	var kp uintptr
	if p != nil && p.n > 0 {
		for i := 0; i < p.n; i++ {
			if p.refs[i] == nil {
				p.ptrs[i] = unsafe.Pointer(&p.vals[i])
			} else {
				p.ptrs[i] = p.refs[i]
			}
		}
		kp = uintptr(unsafe.Pointer(&p.ptrs[0]))
	}
	return check("cuLaunchKernel", drv.cuLaunchKernel, f, uintptr(grid[0]), uintptr(grid[1]), uintptr(grid[2]),
		uintptr(block[0]), uintptr(block[1]), uintptr(block[2]), uintptr(shared), s.handle, kp, 0)
}

// Memset sets n bytes at the device address p to v, in order on s.
func (s *Stream) Memset(p uintptr, v byte, n int) error {
	return check("cuMemsetD8Async", drv.cuMemsetD8Async, p, uintptr(v), uintptr(n), s.handle)
}

// CopyDevice copies n bytes between device addresses, in order on s.
func (s *Stream) CopyDevice(dst, src uintptr, n int) error {
	if n == 0 {
		return nil
	}
	return check("cuMemcpyDtoDAsync", drv.cuMemcpyDtoDAsync, dst, src, uintptr(n), s.handle)
}

// Params are the arguments of a kernel launch, at most 24.
type Params struct {
	n    int
	vals [24]uint64
	refs [24]unsafe.Pointer // set for arguments passed by address
	ptrs [24]unsafe.Pointer
}

// Reset empties p for reuse.
func (p *Params) Reset() { p.n = 0; clear(p.refs[:]) }

// Ptr adds a device address.
func (p *Params) Ptr(v uintptr) *Params { p.vals[p.n] = uint64(v); p.n++; return p }

// Int adds a 64-bit integer.
func (p *Params) Int(v int) *Params { p.vals[p.n] = uint64(int64(v)); p.n++; return p }

// Int32 adds a 32-bit integer.
func (p *Params) Int32(v int32) *Params { p.vals[p.n] = uint64(uint32(v)); p.n++; return p }

// Float64 adds a double.
func (p *Params) Float64(v float64) *Params {
	*(*float64)(unsafe.Pointer(&p.vals[p.n])) = v
	p.n++
	return p
}

// Float32 adds a float.
func (p *Params) Float32(v float32) *Params {
	p.vals[p.n] = 0
	*(*float32)(unsafe.Pointer(&p.vals[p.n])) = v
	p.n++
	return p
}

// Ref adds an argument passed by value from the memory at v (a struct laid
// out as the kernel declares it); v must stay alive until the launch.
func (p *Params) Ref(v unsafe.Pointer) *Params { p.refs[p.n] = v; p.n++; return p }

// staging copies between pageable host memory and the device through two
// pinned buffers, so that transfers run at the bus's speed.
type staging struct {
	dev    *Device
	mu     sync.Mutex
	slots  [2][]byte
	events [2]uintptr
	busy   [2]bool
	cur    int     // the buffer uploads fill
	fill   int     // bytes of it in use
	copier uintptr // a stream for downloads
}

const stagingChunk = 8 << 20

// setup makes the pinned buffers; the device's context must be current.
func (st *staging) setup() error {
	if st.slots[0] != nil {
		return nil
	}
	if err := check("cuStreamCreate", drv.cuStreamCreate, ptr(&st.copier), 1); err != nil {
		return err
	}
	for i := range st.slots {
		var p *byte
		if err := check("cuMemHostAlloc", drv.cuMemHostAlloc, ptr(&p), stagingChunk, 0); err != nil {
			return err
		}
		st.slots[i] = unsafe.Slice(p, stagingChunk)
		if err := check("cuEventCreate", drv.cuEventCreate, ptr(&st.events[i]), 2); err != nil {
			return err
		}
	}
	return nil
}

// toDevice copies src to the device address dst, in order on s (whose
// context is current on this thread). Copies go through the pinned
// buffers: small ones are packed one after another into the current
// buffer, large ones in chunks that alternate between the two, so that
// filling one overlaps the transfer of the other.
func (st *staging) toDevice(s *Stream, dst uintptr, src []byte) error {
	if len(src) == 0 {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.setup(); err != nil {
		return err
	}
	for off := 0; off < len(src); {
		n := min(stagingChunk, len(src)-off)
		at := (st.fill + 255) &^ 255
		if at+n > stagingChunk {
			// Move to the other buffer once its transfers are done.
			st.cur = 1 - st.cur
			if st.busy[st.cur] {
				if err := check("cuEventSynchronize", drv.cuEventSynchronize, st.events[st.cur]); err != nil {
					return err
				}
				st.busy[st.cur] = false
			}
			at = 0
		}
		i := st.cur
		copy(st.slots[i][at:], src[off:off+n])
		if err := check("cuMemcpyHtoDAsync", drv.cuMemcpyHtoDAsync, dst+uintptr(off), ptr(&st.slots[i][at]), uintptr(n), s.handle); err != nil {
			return err
		}
		if err := check("cuEventRecord", drv.cuEventRecord, st.events[i], s.handle); err != nil {
			return err
		}
		st.busy[i] = true
		st.fill = at + n
		off += n
	}
	return nil
}

// toHost copies len(dst) bytes from the device address src, whose writes
// have finished; the device's context is current on this thread.
func (st *staging) toHost(dst []byte, src uintptr) error {
	if len(dst) <= 1<<16 {
		return check("cuMemcpyDtoH", drv.cuMemcpyDtoH, ptr(&dst[0]), src, uintptr(len(dst)))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.setup(); err != nil {
		return err
	}
	for i := range st.busy {
		if st.busy[i] {
			if err := check("cuEventSynchronize", drv.cuEventSynchronize, st.events[i]); err != nil {
				return err
			}
			st.busy[i] = false
		}
	}
	st.fill = stagingChunk // uploads start afresh in a buffer
	issue := func(off, i int) error {
		n := min(stagingChunk, len(dst)-off)
		if err := check("cuMemcpyDtoHAsync", drv.cuMemcpyDtoHAsync, ptr(&st.slots[i][0]), src+uintptr(off), uintptr(n), st.copier); err != nil {
			return err
		}
		return check("cuEventRecord", drv.cuEventRecord, st.events[i], st.copier)
	}
	if err := issue(0, 0); err != nil {
		return err
	}
	for off, i := 0, 0; off < len(dst); off, i = off+stagingChunk, (i+1)%2 {
		if next := off + stagingChunk; next < len(dst) {
			if err := issue(next, (i+1)%2); err != nil {
				return err
			}
		}
		if err := check("cuEventSynchronize", drv.cuEventSynchronize, st.events[i]); err != nil {
			return err
		}
		copy(dst[off:], st.slots[i][:min(stagingChunk, len(dst)-off)])
	}
	return nil
}
