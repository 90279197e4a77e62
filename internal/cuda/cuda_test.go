package cuda

import (
	"fmt"
	"math"
	"runtime"
	"testing"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// These tests run each kernel family on the GPU and on the CPU backend
// with the same inputs and compare the results. They skip on machines
// without a GPU.

// testStream returns a stream of GPU 0 for the calling test, whose
// goroutine it locks to its thread with the device's context current.
func testStream(t *testing.T) *Stream {
	t.Helper()
	if err := Load(); err != nil {
		t.Skip("no GPU: ", err)
	}
	if Count() == 0 {
		t.Skip("no GPU: none found")
	}
	d, err := DeviceAt(0)
	if err != nil {
		t.Fatal(err)
	}
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	if err := d.BindThread(); err != nil {
		t.Fatal(err)
	}
	s, err := d.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var testValues = []float64{-3.5, -2, -1, -0.5, math.Copysign(0, -1), 0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3.5,
	10, 0.1, -0.9, 0.999, 300, -300, 70000, 1e10, -1e10, math.NaN(), math.Inf(1), math.Inf(-1)}

// hostView returns a row-major host view of shape and type dt holding vals
// (cycled) converted by the CPU's Copy; complex numbers take vals as their
// real parts and vals shifted by three as their imaginary parts.
func hostView(t *testing.T, dt core.Dtype, shape []int, vals []float64) core.View {
	t.Helper()
	n := 1
	for _, d := range shape {
		n *= d
	}
	src := make([]float64, n)
	for i := range src {
		src[i] = vals[i%len(vals)]
	}
	out := newHost(t, dt, shape)
	if dt == core.Complex64 {
		parts := make([]float64, 2*n)
		for i := 0; i < n; i++ {
			parts[2*i], parts[2*i+1] = vals[i%len(vals)], vals[(i+3)%len(vals)]
		}
		f := out
		f.Dtype, f.Shape, f.Strides = core.Float32, []int{2 * n}, []int{1}
		mustCPU(t, cpu.Backend.Copy(f64View(t, parts), f))
		return out
	}
	flat := out
	flat.Shape, flat.Strides = []int{n}, []int{1}
	mustCPU(t, cpu.Backend.Copy(f64View(t, src), flat))
	return out
}

func f64View(t *testing.T, v []float64) core.View {
	buf, err := core.Host.Alloc(8 * len(v))
	if err != nil {
		t.Fatal(err)
	}
	copy(unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(buf.Bytes()))), len(v)), v)
	return core.View{Buf: buf, Dtype: core.Float64, Shape: []int{len(v)}, Strides: []int{1}}
}

func newHost(t *testing.T, dt core.Dtype, shape []int) core.View {
	n := 1
	for _, d := range shape {
		n *= d
	}
	buf, err := core.Host.Alloc(max(1, n) * dt.Size())
	if err != nil {
		t.Fatal(err)
	}
	return core.View{Buf: buf, Dtype: dt, Shape: shape, Strides: core.RowMajorStrides(shape)}
}

func newGPU(t *testing.T, s *Stream, dt core.Dtype, shape []int) core.View {
	n := 1
	for _, d := range shape {
		n *= d
	}
	buf, err := s.Alloc(max(1, n)*dt.Size(), core.Host)
	if err != nil {
		t.Fatal(err)
	}
	return core.View{Buf: buf, Dtype: dt, Shape: shape, Strides: core.RowMajorStrides(shape)}
}

func mustCPU(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// values reads a row-major view as float64 (complex as pairs of parts).
func values(t *testing.T, v core.View) []float64 {
	t.Helper()
	n := v.Size()
	if v.Dtype == core.Complex64 {
		v.Dtype, v.Shape, v.Strides, v.Offset, n = core.Float32, []int{2 * n}, []int{1}, 2*v.Offset, 2*n
	} else {
		v.Shape, v.Strides = []int{n}, []int{1}
	}
	out := f64View(t, make([]float64, n))
	mustCPU(t, cpu.Backend.Copy(v, out))
	return append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(out.Buf.Bytes()))), n)...)
}

// tolerance is the relative difference allowed between the backends for
// results of type dt computed by different functions.
func tolerance(dt core.Dtype) float64 {
	switch dt {
	case core.Float16:
		return 2e-3
	case core.Bfloat16:
		return 1.6e-2
	case core.Float32:
		return 5e-7
	case core.Complex64:
		return 2e-6
	case core.Float64:
		return 1e-14
	}
	return 0
}

// compare checks got against want within tol (relative to max(1, |want|));
// NaN matches NaN, infinities match exactly.
func compare(t *testing.T, what string, got, want core.View, tol float64) {
	t.Helper()
	g, w := values(t, got), values(t, want)
	for i := range w {
		a, b := g[i], w[i]
		ok := a == b || (a != a && b != b)
		if !ok && tol > 0 && !math.IsInf(b, 0) && !math.IsNaN(b) && !math.IsInf(a, 0) {
			ok = math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
		}
		if !ok {
			t.Errorf("%s: element %d is %v, want %v", what, i, a, b)
			return
		}
	}
}

func syncStream(t *testing.T, s *Stream) {
	t.Helper()
	if err := s.Synchronize(); err != nil {
		t.Fatal(err)
	}
}

func TestCopyAllPairs(t *testing.T) {
	s := testStream(t)
	shape := []int{5, 5}
	for src := core.Dtype(0); src < core.NumDtypes; src++ {
		in := hostView(t, src, shape, testValues)
		// A transposed input, and an output that is a strided sub-view.
		tr := in
		tr.Strides = []int{1, 5}
		for dst := core.Dtype(0); dst < core.NumDtypes; dst++ {
			for _, c := range []struct {
				name string
				in   core.View
			}{{"contiguous", in}, {"transposed", tr}} {
				want := newHost(t, dst, shape)
				mustCPU(t, cpu.Backend.Copy(c.in, want))
				got := newGPU(t, s, dst, shape)
				if err := s.Copy(c.in, got); err != nil {
					t.Fatalf("copy %s to %s: %v", ctype[src], ctype[dst], err)
				}
				compare(t, fmt.Sprintf("copy %s %s to %s", c.name, ctype[src], ctype[dst]), got, want, 0)
			}
			// Into every other column of a (5, 10) output, from offset 1.
			wantBig, gotBig := newHost(t, dst, []int{5, 10}), newGPU(t, s, dst, []int{5, 10})
			mustCPU(t, cpu.Backend.Fill(hostView(t, dst, nil, []float64{7}), wantBig))
			if err := s.Fill(hostView(t, dst, nil, []float64{7}), gotBig); err != nil {
				t.Fatal(err)
			}
			sub := func(v core.View) core.View {
				v.Shape, v.Strides, v.Offset = shape, []int{10, 2}, 1
				return v
			}
			mustCPU(t, cpu.Backend.Copy(tr, sub(wantBig)))
			if err := s.Copy(tr, sub(gotBig)); err != nil {
				t.Fatal(err)
			}
			compare(t, fmt.Sprintf("copy %s into a strided %s", ctype[src], ctype[dst]), gotBig, wantBig, 0)
		}
	}
}

func TestUnaryAll(t *testing.T) {
	s := testStream(t)
	shape := []int{5, 10}
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		vals := testValues
		if dt == core.Uint8 {
			vals = make([]float64, 256)
			for i := range vals {
				vals[i] = float64(i)
			}
			shape = []int{16, 16}
		}
		in := hostView(t, dt, shape, vals)
		rev := in // rows reversed
		rev.Strides = []int{-shape[1], 1}
		rev.Offset = (shape[0] - 1) * shape[1]
		for op := core.UnaryOp(0); op < core.NumUnaryOps; op++ {
			for _, odt := range unaryOutputs(op, dt) {
				for _, p := range []core.UnaryParams{{Decimals: 0, Nan: 1, PosInf: 2, NegInf: -3}, {Decimals: 2}, {Decimals: -1}} {
					if p.Decimals != 0 && op != core.Round {
						continue
					}
					for _, x := range []core.View{in, rev} {
						want := newHost(t, odt, shape)
						if err := cpu.Backend.Unary(op, p, x, want); err != nil {
							t.Fatalf("cpu %v of %s to %s: %v", op, ctype[dt], ctype[odt], err)
						}
						got := newGPU(t, s, odt, shape)
						if err := s.Unary(op, p, x, got); err != nil {
							t.Fatalf("%v of %s to %s: %v", op, ctype[dt], ctype[odt], err)
						}
						compare(t, fmt.Sprintf("%v(decimals %d) of %s to %s", op, p.Decimals, ctype[dt], ctype[odt]), got, want, tolerance(odt))
					}
				}
			}
		}
	}
	if err := s.Unary(core.BitwiseInvert, core.UnaryParams{}, hostView(t, core.Float32, []int{2}, testValues), newGPU(t, s, core.Float32, []int{2})); err == nil {
		t.Error("bitwise_invert of float32 gave no error")
	}
}

func TestSelectFillTriangle(t *testing.T) {
	s := testStream(t)
	shape := []int{3, 4, 5}
	cond := hostView(t, core.Bool, shape, []float64{1, 0, 0, 1, 1, 0, 1})
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		a := hostView(t, dt, shape, testValues)
		b := hostView(t, dt, shape, []float64{5, 6, 7})
		bcast := b // a scalar broadcast
		bcast.Strides = []int{0, 0, 0}
		tr := a // the last two axes swapped, as a (3, 4, 5) view of a (3, 5, 4) array
		tr.Strides = []int{20, 1, 4}
		for _, c := range [][3]core.View{{cond, a, b}, {cond, a, bcast}, {cond, tr, b}} {
			want, got := newHost(t, dt, shape), newGPU(t, s, dt, shape)
			mustCPU(t, cpu.Backend.Select(c[0], c[1], c[2], want))
			if err := s.Select(c[0], c[1], c[2], got); err != nil {
				t.Fatal(err)
			}
			compare(t, "select of "+ctype[dt], got, want, 0)
		}
		val := hostView(t, dt, nil, []float64{-2.5})
		want, got := newHost(t, dt, []int{1001}), newGPU(t, s, dt, []int{1001})
		mustCPU(t, cpu.Backend.Fill(val, want))
		if err := s.Fill(val, got); err != nil {
			t.Fatal(err)
		}
		compare(t, "fill of "+ctype[dt], got, want, 0)
		for _, k := range []int{-2, 0, 1, 7} {
			for _, upper := range []bool{false, true} {
				for _, x := range []core.View{a, tr} {
					want, got := newHost(t, dt, shape), newGPU(t, s, dt, shape)
					mustCPU(t, cpu.Backend.Triangle(x, want, k, upper))
					if err := s.Triangle(x, got, k, upper); err != nil {
						t.Fatal(err)
					}
					compare(t, fmt.Sprintf("triangle k=%d upper=%v of %s", k, upper, ctype[dt]), got, want, 0)
				}
			}
		}
	}
}

func TestGenerate(t *testing.T) {
	s := testStream(t)
	params := []core.GenParams{{Start: 0, Step: 1, Stop: 9, K: 0}, {Start: -2.5, Step: 0.7, Stop: 3, K: 1}, {Start: 1e3, Step: -37.25, Stop: -1, K: -2}}
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		for op := core.Arange; op <= core.Blackman; op++ {
			for _, p := range params {
				for _, shape := range [][]int{{7, 9}, {1, 1}, {10, 3}} {
					if op != core.Eye && op != core.Tri {
						shape = []int{shape[0] * shape[1]}
					}
					want, got := newHost(t, dt, shape), newGPU(t, s, dt, shape)
					mustCPU(t, cpu.Backend.Generate(op, p, want))
					if err := s.Generate(op, p, got); err != nil {
						t.Fatal(err)
					}
					tol := 0.0
					if op >= core.Hanning {
						tol = tolerance(dt)
					}
					compare(t, fmt.Sprintf("generator %d %+v of %s %v", op, p, ctype[dt], shape), got, want, tol)
				}
			}
		}
	}
}

func TestRandomBits(t *testing.T) {
	s := testStream(t)
	keys := hostView(t, core.Uint32, []int{3, 2}, []float64{0, 42, 1 << 31, 7, 123456789, 4000000000})
	tk := keys // keys read through other strides: a (3, 2) view of a (2, 3) array
	tk.Strides = []int{1, 3}
	for _, c := range []struct {
		dt    core.Dtype
		shape []int
	}{{core.Uint32, []int{3, 10}}, {core.Uint8, []int{3, 7}}, {core.Uint16, []int{3, 3}}, {core.Uint64, []int{3, 1001}}, {core.Uint8, []int{3, 1}}} {
		for _, k := range []core.View{keys, tk} {
			want, got := newHost(t, c.dt, c.shape), newGPU(t, s, c.dt, c.shape)
			mustCPU(t, cpu.Backend.RandomBits(k, want))
			if err := s.RandomBits(k, got); err != nil {
				t.Fatal(err)
			}
			syncStream(t, s)
			n := want.Size() * c.dt.Size()
			g, w := got.Buf.Bytes()[:n], want.Buf.Bytes()[:n]
			for i := range w {
				if g[i] != w[i] {
					t.Fatalf("random bits of %s %v: byte %d is %d, want %d", ctype[c.dt], c.shape, i, g[i], w[i])
				}
			}
		}
	}
}

func TestScatterAdd(t *testing.T) {
	s := testStream(t)
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		// Two sources: the second (3, 4) adds onto overlapping positions
		// (stride 1 along both axes), the first is a plain (2, 5) block.
		srcs := []core.View{hostView(t, dt, []int{2, 5}, []float64{1, 2, 3}), hostView(t, dt, []int{3, 4}, []float64{0.5, 1, -1, 2})}
		strides := [][]int{{6, 1}, {1, 1}}
		offsets := []int{0, 10}
		want, got := newHost(t, dt, []int{4, 5}), newGPU(t, s, dt, []int{4, 5})
		mustCPU(t, cpu.Backend.ScatterAdd(srcs, strides, offsets, want))
		if err := s.ScatterAdd(srcs, strides, offsets, got); err != nil {
			t.Fatal(err)
		}
		compare(t, "scatter add of "+ctype[dt], got, want, tolerance(dt))
	}
}
