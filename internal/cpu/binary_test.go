package cpu

import (
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// viewOf returns a contiguous 1-d float32 view of n elements.
func viewOf(tb testing.TB, n int) core.View {
	buf, err := core.Host.Alloc(4 * n)
	if err != nil {
		tb.Fatal(err)
	}
	v := core.View{Buf: buf, Dtype: core.Float32, Shape: []int{n}, Strides: []int{1}}
	data := core.All[float32](v)[:n]
	for i := range data {
		data[i] = float32(i % 100)
	}
	return v
}

// closureAdd is the plain way: one call of a function value per element.
// It is kept as the baseline the block kernels are measured against.
func closureAdd(l layout, a, b, out core.View, f func(x, y float32) float32) {
	x, y, z := core.All[float32](a), core.All[float32](b), core.All[float32](out)
	l.forEach(1, func(off []int, n int) {
		xs, ys, zs := x[off[0]:off[0]+n], y[off[1]:off[1]+n], z[off[2]:off[2]+n]
		for t := range zs {
			zs[t] = f(xs[t], ys[t])
		}
	})
}

const benchN = 1 << 24

func benchViews(b *testing.B) (x, y, z core.View, l layout) {
	b.Helper()
	x, y, z = viewOf(b, benchN), viewOf(b, benchN), viewOf(b, benchN)
	l = newLayout(z.Shape, []int{0, 0, 0}, x.Strides, y.Strides, z.Strides)
	b.SetBytes(3 * 4 * benchN)
	b.ResetTimer()
	return
}

// BenchmarkBinaryAddBlock is the float32 add kernel on 16M contiguous
// elements, output already allocated.
func BenchmarkBinaryAddBlock(b *testing.B) {
	x, y, z, l := benchViews(b)
	_ = l
	for b.Loop() {
		if err := Backend.Binary(core.Add, x, y, z); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBinaryAddClosure is the same with a function value per element.
func BenchmarkBinaryAddClosure(b *testing.B) {
	x, y, z, l := benchViews(b)
	for b.Loop() {
		closureAdd(l, x, y, z, func(p, q float32) float32 { return p + q })
	}
}

// BenchmarkBinarySmall measures the fixed cost of one kernel call.
func BenchmarkBinarySmall(b *testing.B) {
	x, y, z := viewOf(b, 4), viewOf(b, 4), viewOf(b, 4)
	b.ReportAllocs()
	for b.Loop() {
		if err := Backend.Binary(core.Add, x, y, z); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBinaryStridedOutput writes results through a strided output view,
// which the front end never passes but the kernels accept: with and
// without a conversion of the results.
func TestBinaryStridedOutput(t *testing.T) {
	mk := func(dt core.Dtype, n int) core.View {
		buf, err := core.Host.Alloc(dt.Size() * n)
		if err != nil {
			t.Fatal(err)
		}
		clear(buf.Bytes())
		return core.View{Buf: buf, Dtype: dt, Shape: []int{n}, Strides: []int{1}}
	}
	// float32: out is every other element of 2*n, written backwards.
	const n = 2*blockLen + 3
	a, b := mk(core.Float32, n), mk(core.Float32, n)
	for i := range n {
		core.All[float32](a)[i] = float32(i)
		core.All[float32](b)[i] = 1
	}
	out := mk(core.Float32, 2*n)
	out.Shape, out.Strides, out.Offset = []int{n}, []int{-2}, 2*n-2
	if err := Backend.Binary(core.Add, a, b, out); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if got := core.All[float32](out)[2*n-2-2*i]; got != float32(i)+1 {
			t.Fatalf("float32 element %d: got %v", i, got)
		}
	}
	// float16 results (converted from float32) into a strided output.
	h := mk(core.Float16, n)
	for i := range n {
		core.All[core.F16](h)[i] = core.F16FromFloat32(float32(i % 40))
	}
	hout := mk(core.Float16, 2*n)
	hout.Shape, hout.Strides = []int{n}, []int{2}
	if err := Backend.Binary(core.Multiply, h, h, hout); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		want := float32((i % 40) * (i % 40))
		if got := core.All[core.F16](hout)[2*i].Float32(); got != want {
			t.Fatalf("float16 element %d: got %v, want %v", i, got, want)
		}
	}
	// bool arithmetic through int8 into a strided bool output.
	p, q := mk(core.Bool, 4), mk(core.Bool, 4)
	copy(core.All[bool](p), []bool{true, true, false, false})
	copy(core.All[bool](q), []bool{true, false, true, false})
	bout := mk(core.Bool, 8)
	bout.Shape, bout.Strides = []int{4}, []int{2}
	if err := Backend.Binary(core.Subtract, p, q, bout); err != nil {
		t.Fatal(err)
	}
	if got := core.All[bool](bout)[:8]; got[0] || !got[2] || !got[4] || got[6] {
		t.Fatalf("bool xor: got %v", got)
	}
	if got := core.All[uint8](bout)[2]; got != 1 {
		t.Fatalf("bool stored as %d, want 1", got)
	}
}

// TestBinaryNotImplemented checks the error for an op a type lacks.
func TestBinaryNotImplemented(t *testing.T) {
	v := viewOf(t, 2)
	v.Dtype = core.Complex64
	v.Shape = []int{1}
	if err := Backend.Binary(core.BitwiseAnd, v, v, v); err == nil {
		t.Fatal("bitwise_and on complex64: no error")
	}
	if err := Backend.Binary(core.NumBinaryOps, v, v, v); err == nil {
		t.Fatal("unknown op: no error")
	}
}
