package mx

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlxgo/mlxgo/internal/cuda"
)

// Stream is an ordered queue of work on one device. Ops on one stream run in
// the order they are evaluated, one at a time, by the stream's own worker;
// ops on different streams run concurrently, and an op waits for inputs made
// on other streams. A Stream is also an Option: passing it to an op runs the
// op there.
type Stream struct {
	Index  int
	Device Device
}

func (s Stream) String() string { return fmt.Sprintf("Stream(%v, %d)", s.Device, s.Index) }

// streamState is a stream's queue and worker.
type streamState struct {
	dev   Device
	mu    sync.Mutex
	cond  *sync.Cond
	queue []*node
	head  int
	idle  *sync.Cond // signalled when the queue drains
	busy  bool
	gpu   *cuda.Stream // the CUDA stream of a GPU stream
	// queued counts the nodes ever queued, for a worker that polls.
	queued atomic.Uint64
}

var (
	streamsMu sync.RWMutex
	streams   []*streamState
)

// NewStream makes a new stream on device d, with its own worker. It panics
// with *Error if d is not available.
func NewStream(d Device) Stream {
	if err := deviceError(d); err != nil {
		panic(&Error{Op: "new_stream", Msg: err.Error(), Err: err})
	}
	return newStream(d)
}

func newStream(d Device) Stream {
	st := &streamState{dev: d}
	if d.Type == GPUType {
		gs, err := newGPUStream(d)
		if err != nil {
			panic(&Error{Op: "new_stream", Msg: err.Error(), Err: err})
		}
		st.gpu = gs
	}
	st.cond = sync.NewCond(&st.mu)
	st.idle = sync.NewCond(&st.mu)
	streamsMu.Lock()
	s := Stream{Index: len(streams), Device: d}
	streams = append(streams, st)
	streamsMu.Unlock()
	go st.work(s)
	return s
}

func (s Stream) state() *streamState { return s.stateFor("stream") }

// stateFor returns the state of s, and panics with *Error naming op if s
// was never made.
func (s Stream) stateFor(op string) *streamState {
	st, err := s.lookup()
	if err != nil {
		panic(&Error{Op: op, Msg: err.Error(), Err: err})
	}
	return st
}

// lookup returns the state of s, or an error if s was never made.
func (s Stream) lookup() (*streamState, error) {
	streamsMu.RLock()
	defer streamsMu.RUnlock()
	if s.Index < 0 || s.Index >= len(streams) || streams[s.Index].dev != s.Device {
		return nil, fmt.Errorf("%v was never made (use NewStream)", s)
	}
	return streams[s.Index], nil
}

// enqueue appends nodes to the stream's queue.
func (st *streamState) enqueue(ns []*node) {
	st.mu.Lock()
	st.queue = append(st.queue, ns...)
	st.queued.Add(uint64(len(ns)))
	st.mu.Unlock()
	st.cond.Signal()
}

// work is the stream's worker: it runs queued nodes in order, forever. A
// GPU stream's worker keeps one OS thread, on which the device's context
// is current.
func (st *streamState) work(s Stream) {
	if st.gpu != nil {
		runtime.LockOSThread()
		if err := st.gpu.Device().BindThread(); err != nil {
			panic(err) // the context was usable a moment ago, in newStream
		}
	}
	for {
		st.mu.Lock()
		for st.head == len(st.queue) {
			st.busy = false
			st.idle.Broadcast()
			if st.gpu != nil && st.poll() {
				break
			}
			st.cond.Wait()
		}
		st.busy = true
		n := st.queue[st.head]
		st.queue[st.head] = nil
		st.head++
		if st.head == len(st.queue) {
			st.queue, st.head = st.queue[:0], 0
		}
		st.mu.Unlock()
		n.run(s)
	}
}

// pollTime is how long an idle GPU stream's worker watches its queue after
// its GPU work has finished, before it sleeps; Eval watches a GPU array
// for as long before it sleeps. Waking a sleeping goroutine costs tens of
// microseconds, which would delay each launch and each return from Eval by
// as much (a kernel often runs for less than that); watching costs a core
// while the GPU is busy and for pollTime after, as CUDA's own spinning
// wait does.
const pollTime = 200 * time.Microsecond

// poll watches the queue while the stream's GPU work runs and for
// pollTime after, with st.mu held on entry and on return, and reports
// whether work came.
func (st *streamState) poll() bool {
	seen := st.queued.Load()
	st.mu.Unlock()
	for last, asked := time.Now(), time.Now(); st.queued.Load() == seen; {
		for i := 0; i < 256 && st.queued.Load() == seen; i++ {
		}
		// Ask the device every 20µs at most: each question takes the
		// driver's lock.
		if now := time.Now(); now.Sub(asked) >= 20*time.Microsecond {
			asked = now
			if st.gpu.Busy() {
				last = now
			} else if now.Sub(last) > pollTime {
				break
			}
		}
	}
	st.mu.Lock()
	return st.head < len(st.queue)
}

// Synchronize waits until every op queued on the streams so far has run: all
// streams when none are named. It panics with *Error on a stream that was
// never made.
func Synchronize(ss ...Stream) {
	if len(ss) == 0 {
		streamsMu.RLock()
		all := append([]*streamState(nil), streams...)
		streamsMu.RUnlock()
		for _, st := range all {
			st.drain()
		}
		return
	}
	for _, s := range ss {
		s.stateFor("synchronize").drain()
	}
}

// gpuStream returns the CUDA stream of a GPU stream.
func (s Stream) gpuStream() *cuda.Stream { return s.state().gpu }

func (st *streamState) drain() {
	st.mu.Lock()
	for st.busy || st.head < len(st.queue) {
		st.idle.Wait()
	}
	st.mu.Unlock()
	if st.gpu != nil {
		// The device runs what the worker queued: wait for that too. An
		// index error stays for the Eval or read of the arrays involved,
		// and a device failure shows again on the next use of the device.
		st.gpu.Drain()
	}
}
