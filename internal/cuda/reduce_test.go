package cuda_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
	"github.com/mlxgo/mlxgo/internal/cuda"
)

// gpuStream returns a stream on GPU 0 with the calling goroutine locked to
// its thread and the context bound, or skips the test.
func gpuStream(tb testing.TB) *cuda.Stream {
	tb.Helper()
	if err := cuda.Load(); err != nil {
		tb.Skip("no GPU: ", err)
	}
	if cuda.Count() == 0 {
		tb.Skip("no GPU: no device found")
	}
	runtime.LockOSThread()
	tb.Cleanup(runtime.UnlockOSThread)
	dev, err := cuda.DeviceAt(0)
	if err != nil {
		tb.Fatal(err)
	}
	if err := dev.BindThread(); err != nil {
		tb.Fatal(err)
	}
	s, err := dev.NewStream()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// bindThread locks a sub-benchmark's goroutine to its thread and binds the
// stream's context there.
func bindThread(b *testing.B, s *cuda.Stream) {
	runtime.LockOSThread()
	b.Cleanup(runtime.UnlockOSThread)
	if err := s.Device().BindThread(); err != nil {
		b.Fatal(err)
	}
}

// putVal stores v (re, im for complex64) as element i of type dt.
func putVal(b []byte, i int, dt core.Dtype, re, im float64) {
	switch dt {
	case core.Bool, core.Uint8:
		b[i] = uint8(re)
	case core.Int8:
		b[i] = uint8(int8(re))
	case core.Uint16:
		binary.LittleEndian.PutUint16(b[2*i:], uint16(re))
	case core.Int16:
		binary.LittleEndian.PutUint16(b[2*i:], uint16(int16(re)))
	case core.Uint32:
		binary.LittleEndian.PutUint32(b[4*i:], uint32(re))
	case core.Int32:
		binary.LittleEndian.PutUint32(b[4*i:], uint32(int32(re)))
	case core.Uint64:
		binary.LittleEndian.PutUint64(b[8*i:], uint64(re))
	case core.Int64:
		binary.LittleEndian.PutUint64(b[8*i:], uint64(int64(re)))
	case core.Float16:
		binary.LittleEndian.PutUint16(b[2*i:], uint16(core.F16FromFloat64(re)))
	case core.Bfloat16:
		binary.LittleEndian.PutUint16(b[2*i:], uint16(core.BF16FromFloat64(re)))
	case core.Float32:
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(re)))
	case core.Float64:
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(re))
	case core.Complex64:
		binary.LittleEndian.PutUint32(b[8*i:], math.Float32bits(float32(re)))
		binary.LittleEndian.PutUint32(b[8*i+4:], math.Float32bits(float32(im)))
	}
}

// getVal reads element i of type dt.
func getVal(b []byte, i int, dt core.Dtype) (re, im float64) {
	switch dt {
	case core.Bool, core.Uint8:
		return float64(b[i]), 0
	case core.Int8:
		return float64(int8(b[i])), 0
	case core.Uint16:
		return float64(binary.LittleEndian.Uint16(b[2*i:])), 0
	case core.Int16:
		return float64(int16(binary.LittleEndian.Uint16(b[2*i:]))), 0
	case core.Uint32:
		return float64(binary.LittleEndian.Uint32(b[4*i:])), 0
	case core.Int32:
		return float64(int32(binary.LittleEndian.Uint32(b[4*i:]))), 0
	case core.Uint64:
		return float64(binary.LittleEndian.Uint64(b[8*i:])), 0
	case core.Int64:
		return float64(int64(binary.LittleEndian.Uint64(b[8*i:]))), 0
	case core.Float16:
		return float64(core.F16(binary.LittleEndian.Uint16(b[2*i:])).Float32()), 0
	case core.Bfloat16:
		return float64(core.BF16(binary.LittleEndian.Uint16(b[2*i:])).Float32()), 0
	case core.Float32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))), 0
	case core.Float64:
		return math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])), 0
	case core.Complex64:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[8*i:]))),
			float64(math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:])))
	}
	return 0, 0
}

// input is a random array of base shape (row-major), seen through a
// permutation of its axes and optionally reversed along one axis.
type input struct {
	base []int
	perm []int // nil: identity
	rev  int   // axis of the view to reverse, or -1
}

func (in input) String() string { return fmt.Sprintf("%v/perm%v/rev%d", in.base, in.perm, in.rev) }

// special makes the inputs of prod near one, and puts NaN and infinities
// in some floating inputs.
type valueKind int

const (
	plain valueKind = iota
	nearOne
	withNaN
	withInf
)

func makeInput(t testing.TB, spec input, dt core.Dtype, kind valueKind, seed uint64) core.View {
	n := 1
	for _, d := range spec.base {
		n *= d
	}
	buf, err := core.Host.Alloc(max(n, 1) * dt.Size())
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	r := rand.New(rand.NewPCG(seed, 7))
	isFloat := dt == core.Float16 || dt == core.Bfloat16 || dt == core.Float32 || dt == core.Float64 || dt == core.Complex64
	for i := 0; i < n; i++ {
		var re, im float64
		switch {
		case dt == core.Bool:
			re = float64(r.IntN(2))
			if r.IntN(8) != 0 {
				re = 1
			}
		case !isFloat && kind == nearOne:
			re = float64(r.IntN(3))
		case dt == core.Uint8 || dt == core.Uint16 || dt == core.Uint32 || dt == core.Uint64:
			re = float64(r.IntN(100))
		case !isFloat:
			re = float64(r.IntN(201) - 100)
		case kind == nearOne:
			re, im = 0.9+0.2*r.Float64(), 0.1*r.Float64()-0.05
		default:
			re, im = 4*r.Float64()-2, 4*r.Float64()-2
			if r.IntN(16) == 0 {
				re = 0
			}
		}
		if isFloat && kind == withNaN && r.IntN(50) == 0 {
			re = math.NaN()
		}
		if isFloat && kind == withInf && r.IntN(50) == 0 {
			re = math.Inf(1 - 2*r.IntN(2))
		}
		putVal(b, i, dt, re, im)
	}
	st := core.RowMajorStrides(spec.base)
	v := core.View{Buf: buf, Dtype: dt, Shape: append([]int(nil), spec.base...), Strides: st}
	if spec.perm != nil {
		for i, p := range spec.perm {
			v.Shape[i], v.Strides[i] = spec.base[p], st[p]
		}
	}
	if spec.rev >= 0 && v.Shape[spec.rev] > 0 {
		v.Offset += (v.Shape[spec.rev] - 1) * v.Strides[spec.rev]
		v.Strides[spec.rev] = -v.Strides[spec.rev]
	}
	return v
}

func outView(t testing.TB, shape []int, dt core.Dtype, s *cuda.Stream) core.View {
	n := 1
	for _, d := range shape {
		n *= d
	}
	var buf *core.Buffer
	var err error
	if s == nil {
		buf, err = core.Host.Alloc(max(n, 1) * dt.Size())
	} else {
		buf, err = s.Alloc(max(n, 1)*dt.Size(), core.Host)
	}
	if err != nil {
		t.Fatal(err)
	}
	return core.View{Buf: buf, Dtype: dt, Shape: shape, Strides: core.RowMajorStrides(shape)}
}

// tolerance is the relative error allowed for results of type dt.
func tolerance(dt core.Dtype) float64 {
	switch dt {
	case core.Float16:
		return 2e-3
	case core.Bfloat16:
		return 1.6e-2
	case core.Float32, core.Complex64:
		return 2e-5
	case core.Float64:
		return 1e-11
	}
	return 0
}

func closeTo(a, b, tol float64) bool {
	if a == b || (a != a && b != b) {
		return true
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) || a != a || b != b {
		return false
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// compare checks got against want, element by element.
func compare(t *testing.T, what string, got, want core.View, tol float64) {
	t.Helper()
	gb, wb := got.Buf.Bytes(), want.Buf.Bytes()
	bad := 0
	for i := 0; i < want.Size(); i++ {
		gr, gi := getVal(gb, i, got.Dtype)
		wr, wi := getVal(wb, i, want.Dtype)
		if !closeTo(gr, wr, tol) || !closeTo(gi, wi, tol) {
			if bad < 5 {
				t.Errorf("%s: element %d: got %v%+vi, want %v%+vi", what, i, gr, gi, wr, wi)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements differ", what, bad, want.Size())
	}
}

func keptShape(shape []int, axes []int) []int {
	out := append([]int(nil), shape...)
	for _, a := range axes {
		out[a] = 1
	}
	return out
}

var reduceCases = []struct {
	in   input
	axes [][]int
}{
	{input{[]int{7, 33}, nil, -1}, [][]int{{1}, {0}, {0, 1}, {}}},
	{input{[]int{4, 5000}, nil, -1}, [][]int{{1}, {0}}},
	{input{[]int{3, 50, 70}, nil, -1}, [][]int{{0, 2}, {1}, {0, 1, 2}, {2}}},
	{input{[]int{3, 50, 70}, []int{2, 0, 1}, -1}, [][]int{{0}, {1, 2}, {2}}},
	{input{[]int{40, 300}, nil, 1}, [][]int{{1}, {0}}},
	{input{[]int{1 << 20}, nil, -1}, [][]int{{0}}},
	{input{[]int{2, 3 << 18}, nil, 1}, [][]int{{1}, {0, 1}}},
	{input{[]int{20000, 3}, nil, -1}, [][]int{{0}}},
	{input{[]int{0, 5}, nil, -1}, [][]int{{0}, {1}}},
}

var reduceDtypes = []core.Dtype{core.Bool, core.Uint8, core.Int8, core.Int16, core.Uint32, core.Int32, core.Int64,
	core.Uint64, core.Float16, core.Bfloat16, core.Float32, core.Float64, core.Complex64}

var reduceOps = []core.ReduceOp{core.ReduceSum, core.ReduceProd, core.ReduceMax, core.ReduceMin, core.ReduceAll,
	core.ReduceAny, core.ReduceCountNonzero, core.ReduceMean, core.ReduceVar, core.ReduceStd,
	core.ReduceLogSumExp, core.ReduceMedian}

var opNames = map[core.ReduceOp]string{core.ReduceSum: "sum", core.ReduceProd: "prod", core.ReduceMax: "max",
	core.ReduceMin: "min", core.ReduceAll: "all", core.ReduceAny: "any", core.ReduceCountNonzero: "count",
	core.ReduceMean: "mean", core.ReduceVar: "var", core.ReduceStd: "std", core.ReduceLogSumExp: "logsumexp",
	core.ReduceMedian: "median", core.ReduceArgMax: "argmax", core.ReduceArgMin: "argmin"}

// outType is the result type mx gives op on dt, false when the op does not
// take dt.
func outType(op core.ReduceOp, dt core.Dtype) (core.Dtype, bool) {
	isFloat := dt == core.Float16 || dt == core.Bfloat16 || dt == core.Float32 || dt == core.Float64
	float := dt
	if !isFloat && dt != core.Complex64 {
		float = core.Float32
	}
	switch op {
	case core.ReduceSum, core.ReduceProd:
		switch dt {
		case core.Bool, core.Int8, core.Int16, core.Int32:
			return core.Int32, true
		case core.Uint8, core.Uint16, core.Uint32:
			return core.Uint32, true
		}
		return dt, true
	case core.ReduceMean:
		return float, true
	case core.ReduceAll, core.ReduceAny:
		return core.Bool, true
	case core.ReduceCountNonzero:
		return core.Int32, true
	case core.ReduceVar, core.ReduceStd:
		if dt == core.Complex64 {
			return core.Float32, true
		}
		return float, true
	case core.ReduceLogSumExp:
		return dt, isFloat
	case core.ReduceArgMax, core.ReduceArgMin:
		return core.Uint32, dt != core.Complex64
	}
	return float, dt != core.Complex64 // max, min (same type), median
}

func TestReduce(t *testing.T) {
	s := gpuStream(t)
	seed := uint64(1)
	for _, c := range reduceCases {
		for _, dt := range reduceDtypes {
			for _, op := range reduceOps {
				od, ok := outType(op, dt)
				if !ok {
					continue
				}
				if op == core.ReduceMax || op == core.ReduceMin {
					od = dt
				}
				kinds := []valueKind{plain}
				switch {
				case op == core.ReduceProd:
					kinds = []valueKind{nearOne}
				case dt == core.Float32 && c.in.base[0] == 7:
					kinds = append(kinds, withNaN, withInf)
				}
				for _, kind := range kinds {
					seed++
					in := makeInput(t, c.in, dt, kind, seed)
					for _, axes := range c.axes {
						empty := false
						for _, a := range axes {
							empty = empty || in.Shape[a] == 0
						}
						if empty && (op == core.ReduceMax || op == core.ReduceMin) {
							continue
						}
						if op == core.ReduceMedian && c.in.base[0] == 1<<20 {
							continue
						}
						for _, ddof := range []int{0, 1} {
							if ddof == 1 && op != core.ReduceVar && op != core.ReduceStd {
								continue
							}
							what := fmt.Sprintf("%s/%v/%v/axes%v/kind%d/ddof%d", opNames[op], dt, c.in, axes, kind, ddof)
							shape := keptShape(in.Shape, axes)
							want := outView(t, shape, od, nil)
							if err := cpu.Backend.Reduce(op, axes, ddof, in, want); err != nil {
								t.Fatalf("%s: cpu: %v", what, err)
							}
							got := outView(t, shape, od, s)
							if err := s.Reduce(op, axes, ddof, in, got); err != nil {
								t.Fatalf("%s: %v", what, err)
							}
							tol := tolerance(od)
							if op == core.ReduceLogSumExp || op == core.ReduceVar || op == core.ReduceStd {
								tol *= 4
							}
							compare(t, what, got, want, tol)
							got.Buf.Release()
							want.Buf.Release()
						}
					}
					in.Buf.Release()
				}
			}
		}
	}
}

func TestArgReduce(t *testing.T) {
	s := gpuStream(t)
	seed := uint64(1000)
	for _, c := range reduceCases {
		for _, dt := range []core.Dtype{core.Bool, core.Uint8, core.Int32, core.Int64, core.Float16, core.Bfloat16, core.Float32, core.Float64} {
			kinds := []valueKind{plain}
			if dt == core.Float32 {
				kinds = append(kinds, withNaN)
			}
			for _, kind := range kinds {
				seed++
				in := makeInput(t, c.in, dt, kind, seed)
				for axis := range in.Shape {
					if in.Shape[axis] == 0 {
						continue
					}
					for _, op := range []core.ReduceOp{core.ReduceArgMax, core.ReduceArgMin} {
						what := fmt.Sprintf("%s/%v/%v/axis%d/kind%d", opNames[op], dt, c.in, axis, kind)
						shape := keptShape(in.Shape, []int{axis})
						want := outView(t, shape, core.Uint32, nil)
						if err := cpu.Backend.ArgReduce(op, axis, in, want); err != nil {
							t.Fatalf("%s: cpu: %v", what, err)
						}
						got := outView(t, shape, core.Uint32, s)
						if err := s.ArgReduce(op, axis, in, got); err != nil {
							t.Fatalf("%s: %v", what, err)
						}
						compare(t, what, got, want, 0)
						got.Buf.Release()
						want.Buf.Release()
					}
				}
				in.Buf.Release()
			}
		}
	}
}

func TestSoftmax(t *testing.T) {
	s := gpuStream(t)
	cases := []struct {
		in   input
		axes [][]int
	}{
		{input{[]int{16, 100}, nil, -1}, [][]int{{1}, {0}, {0, 1}}},
		{input{[]int{5, 3001}, nil, -1}, [][]int{{1}}},
		{input{[]int{3, 20000}, nil, 1}, [][]int{{1}}},
		{input{[]int{2, 70000}, nil, -1}, [][]int{{1}}},
		// Long rows, one not a whole number of 16-byte vectors.
		{input{[]int{2, 8200}, nil, -1}, [][]int{{1}}},
		{input{[]int{3, 20000}, nil, -1}, [][]int{{1}}},
		{input{[]int{3, 65536}, nil, -1}, [][]int{{1}}},
		{input{[]int{2, 10001}, nil, -1}, [][]int{{1}}},
		{input{[]int{300, 1100}, []int{1, 0}, -1}, [][]int{{0}, {1}}},
		{input{[]int{5, 6, 7}, nil, -1}, [][]int{{0, 2}, {1}, {2}}},
		{input{[]int{3, 1}, nil, -1}, [][]int{{1}, {0}}},
	}
	seed := uint64(2000)
	for _, c := range cases {
		for _, dt := range []core.Dtype{core.Float16, core.Bfloat16, core.Float32, core.Float64} {
			kinds := []valueKind{plain}
			if dt == core.Float32 {
				kinds = append(kinds, withNaN, withInf)
			}
			for _, kind := range kinds {
				seed++
				in := makeInput(t, c.in, dt, kind, seed)
				for _, axes := range c.axes {
					what := fmt.Sprintf("softmax/%v/%v/axes%v/kind%d", dt, c.in, axes, kind)
					want := outView(t, in.Shape, dt, nil)
					if err := cpu.Backend.Softmax(axes, in, want); err != nil {
						t.Fatalf("%s: cpu: %v", what, err)
					}
					got := outView(t, in.Shape, dt, s)
					if err := s.Softmax(axes, in, got); err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					compare(t, what, got, want, 4*tolerance(dt))
					got.Buf.Release()
					want.Buf.Release()
				}
				in.Buf.Release()
			}
		}
	}
}

// TestSoftmaxLongRows checks long rows where stretches of thousands of
// elements hold nothing but -inf, or a row holds +inf near its end only.
func TestSoftmaxLongRows(t *testing.T) {
	s := gpuStream(t)
	const L = 3 * 8192
	for _, dt := range []core.Dtype{core.Float32, core.Float16, core.Bfloat16} {
		in := makeInput(t, input{[]int{5, L}, nil, -1}, dt, plain, 77)
		h := in.Buf.Bytes()
		for j := 0; j < L; j++ {
			putVal(h, j, dt, math.Inf(-1), 0) // row 0: only -inf
			if j < 8192 || j >= 2*8192 {
				putVal(h, L+j, dt, math.Inf(-1), 0) // row 1: -inf but its middle chunk
			}
			if j%7 == 0 {
				putVal(h, 3*L+j, dt, math.Inf(-1), 0) // row 3: -inf here and there
			}
		}
		putVal(h, 2*L+L-5, dt, math.Inf(1), 0) // row 2: +inf in the last chunk
		putVal(h, 4*L+100, dt, 60, 0)          // row 4: one large value
		want := outView(t, in.Shape, dt, nil)
		if err := cpu.Backend.Softmax([]int{1}, in, want); err != nil {
			t.Fatal(err)
		}
		got := outView(t, in.Shape, dt, s)
		if err := s.Softmax([]int{1}, in, got); err != nil {
			t.Fatal(err)
		}
		compare(t, fmt.Sprintf("softmax long rows %v", dt), got, want, 4*tolerance(dt))
	}
}

func BenchmarkSum256M(b *testing.B) {
	s := gpuStream(b)
	const n = 256 << 20
	in := deviceArray(b, s, n, core.Float32)
	out := outView(b, []int{1}, core.Float32, s)
	b.SetBytes(4 * n)
	sumLoop(b, s, in, out)
}

// sumLoop times a float32 sum of in into out, after one untimed run that
// compiles the kernels.
func sumLoop(b *testing.B, s *cuda.Stream, in, out core.View) {
	for i := -1; i < b.N; i++ {
		if i == 0 {
			b.ResetTimer()
		}
		if err := s.Reduce(core.ReduceSum, []int{0}, 0, in, out); err != nil {
			b.Fatal(err)
		}
		if err := s.Synchronize(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSum1M shows the fixed cost of a reduction: launches and the
// synchronization.
func BenchmarkSum1M(b *testing.B) {
	s := gpuStream(b)
	const n = 1 << 20
	in := deviceArray(b, s, n, core.Float32)
	out := outView(b, []int{1}, core.Float32, s)
	b.SetBytes(4 * n)
	sumLoop(b, s, in, out)
}

func BenchmarkSoftmax4096x32768(b *testing.B) {
	s := gpuStream(b)
	const rows, cols = 4096, 32768
	in := deviceArray(b, s, rows*cols, core.Float32)
	in.Shape, in.Strides = []int{rows, cols}, []int{cols, 1}
	out := outView(b, []int{rows, cols}, core.Float32, s)
	b.Logf("memory bandwidth %.3g B/s", cuda.MemoryBandwidth(s))
	for _, v := range []struct {
		name    string
		threads int
		cluster bool
	}{{"threads1024", 1024, false}, {"threads512", 512, false}, {"rows", 0, false}, {"cluster", 0, true}} {
		b.Run(v.name, func(b *testing.B) {
			bindThread(b, s)
			cuda.SetSoftmaxThreads(v.threads)
			cuda.SetSoftmaxCluster(v.cluster)
			defer cuda.SetSoftmaxThreads(0)
			defer cuda.SetSoftmaxCluster(true)
			b.SetBytes(2 * 4 * rows * cols) // one read and one write
			for i := -1; i < b.N; i++ {
				if i == 0 {
					b.ResetTimer()
				}
				if err := s.Softmax([]int{1}, in, out); err != nil {
					b.Fatal(err)
				}
				if err := s.Synchronize(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// deviceArray returns n elements of dt on the device: a sum over a small
// pattern, copied up once.
func deviceArray(b *testing.B, s *cuda.Stream, n int, dt core.Dtype) core.View {
	buf, err := core.Host.Alloc(n * dt.Size())
	if err != nil {
		b.Fatal(err)
	}
	h := buf.Bytes()
	for i := 0; i < n; i++ {
		putVal(h, i, dt, float64(i%1000)/1000-0.5, 0)
	}
	v := core.View{Buf: buf, Dtype: dt, Shape: []int{n}, Strides: []int{1}}
	if _, err := s.Ptr(buf); err != nil {
		b.Fatal(err)
	}
	if err := s.Synchronize(); err != nil {
		b.Fatal(err)
	}
	return v
}
