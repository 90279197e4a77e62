package cuda

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// ctype is the CUDA C++ name of each element type (see kernels/common.cuh).
var ctype = [core.NumDtypes]string{"bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "bf16", "float", "double", "c64"}

// dtypeTag names element types in module and kernel names.
var dtypeTag = [core.NumDtypes]string{"b", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64", "c64"}

// fnKey identifies a kernel: a family, an op, element types and a variant.
type fnKey struct {
	family  string
	op      int
	dt, dt2 core.Dtype
	variant int
}

// fnCache maps keys to loaded kernels, per device.
type fnCache struct {
	mu sync.RWMutex
	m  map[fnKey]uintptr
}

func (c *fnCache) get(k fnKey) (uintptr, bool) {
	c.mu.RLock()
	f, ok := c.m[k]
	c.mu.RUnlock()
	return f, ok
}

func (c *fnCache) put(k fnKey, f uintptr) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[fnKey]uintptr{}
	}
	c.m[k] = f
	c.mu.Unlock()
}

// kernel returns the kernel of key k: function name in the module called
// module, built from src on first use.
func (s *Stream) kernel(k fnKey, module string, src func() string, name string) (uintptr, error) {
	if f, ok := s.dev.fns.get(k); ok {
		return f, nil
	}
	f, err := s.dev.jit.function(module, src, name)
	if err != nil {
		return 0, err
	}
	s.dev.fns.put(k, f)
	return f, nil
}

// operand is a view's device address and element size.
func (s *Stream) operand(v core.View) (uintptr, error) {
	p, err := s.Ptr(v.Buf)
	if err != nil {
		return 0, err
	}
	return p + uintptr(v.Offset*v.Dtype.Size()), nil
}

// layoutN is Layout<N> of common.cuh for N up to 4.
const maxDims = 10

type layout1 struct {
	shape   [maxDims]int64
	strides [1][maxDims]int64
	ndim    int32
	_       int32
}
type layout2 struct {
	shape   [maxDims]int64
	strides [2][maxDims]int64
	ndim    int32
	_       int32
}
type layout3 struct {
	shape   [maxDims]int64
	strides [3][maxDims]int64
	ndim    int32
	_       int32
}

// mergeDims drops dimensions of size one and merges neighbours that every
// operand steps through as one, returning the shape and strides left.
func mergeDims(shape []int, strides ...[]int) ([]int, [][]int) {
	var sh []int
	st := make([][]int, len(strides))
	for d := range shape {
		if shape[d] == 1 {
			continue
		}
		if n := len(sh); n > 0 {
			merge := true
			for k := range strides {
				if st[k][n-1] != strides[k][d]*shape[d] {
					merge = false
					break
				}
			}
			if merge {
				sh[n-1] *= shape[d]
				for k := range strides {
					st[k][n-1] = strides[k][d]
				}
				continue
			}
		}
		sh = append(sh, shape[d])
		for k := range strides {
			st[k] = append(st[k], strides[k][d])
		}
	}
	return sh, st
}

func errTooManyDims(op string, n int) error {
	return fmt.Errorf("%s: an operand with %d dimensions that cannot be merged (at most %d on cuda)", op, n, maxDims)
}

// fillLayout writes shape and strides, already merged, into a Layout<N>'s
// fields.
func fillLayout(shape []int, strides [][]int, dst *[maxDims]int64, dstStrides [][maxDims]int64) {
	for d, n := range shape {
		dst[d] = int64(n)
		for k := range strides {
			dstStrides[k][d] = int64(strides[k][d])
		}
	}
}

// mergeLayout merges the dimensions of shape for the operands' strides and
// writes the result into a Layout<N>'s fields; more than maxDims
// dimensions left after merging is an error naming op.
func mergeLayout(op string, shape []int, strides [][]int, dst *[maxDims]int64, dstStrides [][maxDims]int64, ndim *int32) error {
	sh, st := mergeDims(shape, strides...)
	if len(sh) > maxDims {
		return errTooManyDims(op, len(sh))
	}
	fillLayout(sh, st, dst, dstStrides)
	*ndim = int32(len(sh))
	return nil
}

// makeLayout1, makeLayout2 and makeLayout3 describe one, two or three
// operands over shape for the strided kernels.
func makeLayout1(op string, shape []int, a []int) (*layout1, error) {
	l := &layout1{}
	return l, mergeLayout(op, shape, [][]int{a}, &l.shape, l.strides[:], &l.ndim)
}

func makeLayout2(op string, shape []int, a, b []int) (*layout2, error) {
	l := &layout2{}
	return l, mergeLayout(op, shape, [][]int{a, b}, &l.shape, l.strides[:], &l.ndim)
}

func makeLayout3(op string, shape []int, a, b, c []int) (*layout3, error) {
	l := &layout3{}
	return l, mergeLayout(op, shape, [][]int{a, b, c}, &l.shape, l.strides[:], &l.ndim)
}

// layoutWords is a Layout<len(strides)> as 64-bit words, for kernels whose
// number of operands is known only at run time (the fused ones).
func layoutWords(op string, shape []int, strides [][]int) ([]int64, error) {
	w := make([]int64, maxDims*(1+len(strides))+1)
	rows := make([][maxDims]int64, len(strides))
	var ndim int32
	if err := mergeLayout(op, shape, strides, (*[maxDims]int64)(w[:maxDims]), rows, &ndim); err != nil {
		return nil, err
	}
	for k := range rows {
		copy(w[maxDims*(1+k):], rows[k][:])
	}
	*(*int32)(unsafe.Pointer(&w[len(w)-1])) = ndim
	return w, nil
}

// gridFor returns the blocks of 256 threads for n threads.
func gridFor(n int) [3]int { return [3]int{max(1, (n+255)/256), 1, 1} }

// stridedGrid returns the blocks of a grid-stride loop over n elements.
func (s *Stream) stridedGrid(n int) [3]int {
	return [3]int{max(1, min((n+255)/256, s.dev.info.Multiprocessors*32)), 1, 1}
}

var block256 = [3]int{256, 1, 1}

// vecWidth is how many elements of dt one thread moves at once: 16 bytes.
func vecWidth(dt core.Dtype) int { return max(1, 16/dt.Size()) }

// aligned reports whether every address is a multiple of n.
func aligned(n uintptr, ps ...uintptr) bool {
	for _, p := range ps {
		if p%n != 0 {
			return false
		}
	}
	return true
}

// source builds a module's source: the shared header, family files and the
// generated entry points.
func source(entries string, files ...string) func() string {
	return func() string {
		return kernelSource(append([]string{"common.cuh"}, files...)...) + "\n" + entries
	}
}

// entryList accumulates extern "C" kernels.
type entryList struct{ strings.Builder }

func (e *entryList) add(format string, args ...any) { fmt.Fprintf(&e.Builder, format+"\n", args...) }

// moduleSources lists every module the backend can build, for checks and
// warm-up: name and source.
var moduleSources = map[string]func() string{}

// registerModule records a module for AllModules.
func registerModule(name string, src func() string) { moduleSources[name] = src }

// AllModules returns the names and sources of every module.
func AllModules() map[string]func() string { return moduleSources }
