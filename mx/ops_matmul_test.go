package mx

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// mmValues returns n deterministic values, multiples of 1/4 in [-2, 2]:
// exact in every floating type, and so are their products and the sums
// the tests make of them.
func mmValues(n, seed int) []complex128 {
	out := make([]complex128, n)
	x := uint32(seed*7919 + 17)
	for i := range out {
		x = x*1664525 + 1013904223
		out[i] = complex(float64(int(x>>24)%17-8)/4, 0)
	}
	return out
}

// mmArray returns an evaluated array of dtype dt holding vals (row-major
// over shape); a complex dtype gets an imaginary part too. With swapped,
// the array is a view whose last two dimensions are stored transposed.
func mmArray(vals []complex128, dt Dtype, shape []int, swapped bool) *Array {
	if dt == Complex64 {
		vals = slices.Clone(vals)
		for i := range vals {
			vals[i] += complex(0, real(vals[(i+1)%len(vals)]))
		}
	}
	if !swapped || len(shape) < 2 {
		return convertNow(NewArray(vals, shape...), dt)
	}
	nd := len(shape)
	r, c := shape[nd-2], shape[nd-1]
	phys := make([]complex128, len(vals))
	for t := 0; t < len(vals)/max(1, r*c); t++ {
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				phys[t*r*c+j*r+i] = vals[t*r*c+i*c+j]
			}
		}
	}
	ps := slices.Clone(shape)
	ps[nd-2], ps[nd-1] = c, r
	return swapLastView(convertNow(NewArray(phys, ps...), dt))
}

// swapLastView returns a view of an evaluated array with its last two
// dimensions swapped (a transpose that shares the buffer).
func swapLastView(x *Array) *Array {
	nd := x.Ndim()
	shape, strides := slices.Clone(x.shape), slices.Clone(x.strides)
	shape[nd-2], shape[nd-1] = shape[nd-1], shape[nd-2]
	strides[nd-2], strides[nd-1] = strides[nd-1], strides[nd-2]
	v := &Array{shape: shape, dtype: x.dtype}
	x.buf.Retain()
	v.setData(x.buf, strides, x.offset)
	v.status.Store(statusAvailable)
	return v
}

// refMatmul is numpy.matmul by definition, in complex128: 1-D operands
// become a row (a) or column (b), batch dimensions broadcast, and the added
// dimensions are dropped from the result.
func refMatmul(a, b []complex128, sa, sb []int) ([]complex128, []int) {
	ea, eb := slices.Clone(sa), slices.Clone(sb)
	if len(sa) == 1 {
		ea = []int{1, sa[0]}
	}
	if len(sb) == 1 {
		eb = []int{sb[0], 1}
	}
	na, nb := len(ea), len(eb)
	m, k, n := ea[na-2], ea[na-1], eb[nb-1]
	batch, ok := broadcastBatch(ea[:na-2], eb[:nb-2])
	if !ok {
		panic("shapes")
	}
	nbatch := shapeSize(batch)
	out := make([]complex128, nbatch*m*n)
	// index of batch element t in an operand with batch shape bs
	src := func(bs []int, t int) int {
		idx, off, mul := t, 0, 1
		coords := make([]int, len(batch))
		for d := len(batch) - 1; d >= 0; d-- {
			coords[d] = idx % batch[d]
			idx /= batch[d]
		}
		for d := len(bs) - 1; d >= 0; d-- {
			c := coords[d+len(batch)-len(bs)]
			if bs[d] == 1 {
				c = 0
			}
			off += c * mul
			mul *= bs[d]
		}
		return off
	}
	for t := 0; t < nbatch; t++ {
		ta, tb := src(ea[:na-2], t), src(eb[:nb-2], t)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s complex128
				for p := 0; p < k; p++ {
					s += a[(ta*m+i)*k+p] * b[(tb*k+p)*n+j]
				}
				out[(t*m+i)*n+j] = s
			}
		}
	}
	shape := slices.Clone(batch)
	if len(sa) > 1 {
		shape = append(shape, m)
	}
	if len(sb) > 1 {
		shape = append(shape, n)
	}
	return out, shape
}

func mmTol(dt Dtype) float64 {
	switch dt {
	case Float16:
		return 1e-3
	case Bfloat16:
		return 1e-2
	case Float64:
		return 1e-12
	}
	return 1e-5
}

type mmSpec struct {
	sa, sb     []int
	dt         Dtype
	swA, swB   bool
	withC      []int // shape of Addmm's c (nil: Matmul)
	alpha, bet float64
}

func (sp mmSpec) String() string {
	s := fmt.Sprintf("%v_%v@%v", sp.dt, strings.ReplaceAll(shapeString(sp.sa), " ", ""), strings.ReplaceAll(shapeString(sp.sb), " ", ""))
	if sp.swA {
		s += "_aT"
	}
	if sp.swB {
		s += "_bT"
	}
	if sp.withC != nil {
		s += fmt.Sprintf("_c%s_%g_%g", strings.ReplaceAll(shapeString(sp.withC), " ", ""), sp.alpha, sp.bet)
	}
	return s
}

// mmCase builds a table row for Matmul (or Addmm when withC is set).
func mmCase(sp mmSpec) opCase {
	va, vb := mmValues(shapeSize(sp.sa), 1), mmValues(shapeSize(sp.sb), 2)
	a, b := mmArray(va, sp.dt, sp.sa, sp.swA), mmArray(vb, sp.dt, sp.sb, sp.swB)
	if sp.dt == Complex64 { // what mmArray stored
		va, vb = ToSlice[complex128](a), ToSlice[complex128](b)
	}
	want, shape := refMatmul(va, vb, sp.sa, sp.sb)
	name := "matmul/" + sp.String()
	in := []*Array{a, b}
	op := func(in []*Array, o ...Option) *Array { return Matmul(in[0], in[1], o...) }
	if sp.withC != nil {
		name = "addmm/" + sp.String()
		vc := mmValues(shapeSize(sp.withC), 3)
		c := mmArray(vc, sp.dt, sp.withC, false)
		vc = ToSlice[complex128](c)
		bc := broadcastShapes("test", sp.withC, shape)
		for i := range want {
			// element i of want in c's broadcast layout
			idx, off, mul := i, 0, 1
			for d := len(bc) - 1; d >= 0; d-- {
				coord := idx % bc[d]
				idx /= bc[d]
				if cd := d - (len(bc) - len(sp.withC)); cd >= 0 {
					if sp.withC[cd] != 1 {
						off += coord * mul
					}
					mul *= sp.withC[cd]
				}
			}
			want[i] = complex(sp.alpha, 0)*want[i] + complex(sp.bet, 0)*vc[off]
		}
		in = append(in, c)
		alpha, beta := sp.alpha, sp.bet
		op = func(in []*Array, o ...Option) *Array {
			return Addmm(in[2], in[0], in[1], append(o, Alpha(alpha), Beta(beta))...)
		}
	}
	return opCase{name: name, in: in, op: op, want: convertNow(NewArray(want, shape...), sp.dt), tol: mmTol(sp.dt)}
}

func init() {
	var specs []mmSpec
	// Plain matrices of sizes around the micro-kernel tile and the cache blocks.
	for _, mkn := range [][3]int{{1, 1, 1}, {2, 3, 4}, {7, 5, 3}, {33, 17, 9}, {129, 33, 65}, {1, 129, 7}, {130, 1, 3}, {9, 300, 1}} {
		m, k, n := mkn[0], mkn[1], mkn[2]
		specs = append(specs, mmSpec{sa: []int{m, k}, sb: []int{k, n}, dt: Float32})
	}
	for _, dt := range []Dtype{Float32, Float64, Float16, Bfloat16, Complex64} {
		specs = append(specs,
			mmSpec{sa: []int{17, 33}, sb: []int{33, 10}, dt: dt},
			mmSpec{sa: []int{17, 33}, sb: []int{33, 10}, dt: dt, swA: true},
			mmSpec{sa: []int{17, 33}, sb: []int{33, 10}, dt: dt, swB: true},
			mmSpec{sa: []int{2, 3, 7, 5}, sb: []int{3, 5, 6}, dt: dt, swA: true, swB: true},
			mmSpec{sa: []int{5}, sb: []int{5}, dt: dt},
		)
	}
	specs = append(specs,
		// Batches with broadcasting, and the stack folded into one tall GEMM.
		mmSpec{sa: []int{1, 4, 5}, sb: []int{3, 5, 2}, dt: Float32},
		mmSpec{sa: []int{3, 4, 5}, sb: []int{5, 6}, dt: Float32},
		mmSpec{sa: []int{2, 3, 4, 5}, sb: []int{5, 6}, dt: Float64, swA: true},
		mmSpec{sa: []int{5, 6}, sb: []int{3, 6, 2}, dt: Float32},
		mmSpec{sa: []int{2, 1, 9, 7}, sb: []int{1, 3, 7, 8}, dt: Float32, swB: true},
		// 1-D operands.
		mmSpec{sa: []int{5}, sb: []int{5, 3}, dt: Float32},
		mmSpec{sa: []int{4, 5}, sb: []int{5}, dt: Float32},
		mmSpec{sa: []int{5}, sb: []int{2, 5, 3}, dt: Float32},
		mmSpec{sa: []int{2, 4, 5}, sb: []int{5}, dt: Float16},
		mmSpec{sa: []int{300}, sb: []int{300}, dt: Float64},
		// Empty dimensions: k = 0 gives zeros.
		mmSpec{sa: []int{3, 0}, sb: []int{0, 4}, dt: Float32},
		mmSpec{sa: []int{2, 3, 0}, sb: []int{0, 4}, dt: Bfloat16},
		mmSpec{sa: []int{0}, sb: []int{0}, dt: Float64},
		mmSpec{sa: []int{0, 5}, sb: []int{5, 3}, dt: Float32},
		mmSpec{sa: []int{0, 4, 5}, sb: []int{5, 3}, dt: Float32},
		mmSpec{sa: []int{4, 5}, sb: []int{2, 5, 0}, dt: Float32},
		// Addmm.
		mmSpec{sa: []int{3, 5}, sb: []int{5, 4}, dt: Float32, withC: []int{4}, alpha: 1, bet: 1},
		mmSpec{sa: []int{3, 5}, sb: []int{5, 4}, dt: Float64, withC: []int{3, 4}, alpha: 0.5, bet: 2},
		mmSpec{sa: []int{3, 5}, sb: []int{5, 4}, dt: Float16, withC: []int{3, 1}, alpha: 2, bet: -1, swA: true},
		mmSpec{sa: []int{2, 3, 5}, sb: []int{5, 4}, dt: Bfloat16, withC: []int{1}, alpha: 1, bet: 0.5},
		mmSpec{sa: []int{2, 3, 5}, sb: []int{2, 5, 4}, dt: Complex64, withC: []int{3, 4}, alpha: 2, bet: 1},
		mmSpec{sa: []int{5}, sb: []int{5, 4}, dt: Float32, withC: []int{4}, alpha: 1, bet: 1},
		mmSpec{sa: []int{3, 5}, sb: []int{5}, dt: Float32, withC: []int{3}, alpha: 3, bet: 1},
		mmSpec{sa: []int{5}, sb: []int{5}, dt: Float32, withC: []int{}, alpha: 1, bet: 1},
		mmSpec{sa: []int{4, 0}, sb: []int{0, 2}, dt: Float32, withC: []int{4, 2}, alpha: 1, bet: 3},
		mmSpec{sa: []int{70, 80}, sb: []int{80, 90}, dt: Float32, withC: []int{70, 90}, alpha: -1, bet: 0.25},
	)
	for _, sp := range specs {
		addCases(mmCase(sp))
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	addCases(opCase{
		name: "matmul/int32@float32",
		in:   []*Array{NewArray([]int32{1, 2, 3, 4}, 2, 2), NewArray([]float32{1, 0, 0, 1}, 2, 2)},
		op:   func(in []*Array, o ...Option) *Array { return Matmul(in[0], in[1], o...) },
		want: NewArray([]float32{1, 2, 3, 4}, 2, 2),
	}, opCase{
		name: "matmul/nan_inf",
		in:   []*Array{NewArray([]float32{nan, 1, 1, inf, 2, 0}, 3, 2), NewArray([]float32{1, 2, 3, 4, -5, 0}, 2, 3)},
		op:   func(in []*Array, o ...Option) *Array { return Matmul(in[0], in[1], o...) },
		want: NewArray([]float32{nan, nan, nan, inf, -inf, nan, 2, 4, 6}, 3, 3),
	}, opCase{
		name: "addmm/beta0_ignores_c",
		in:   []*Array{NewArray([]float32{nan, inf}), NewArray([]float32{1, 2, 3, 4}, 2, 2), NewArray([]float32{1, 0, 0, 1}, 2, 2)},
		op: func(in []*Array, o ...Option) *Array {
			return Addmm(in[0], in[1], in[2], append(o, Beta(0))...)
		},
		want: NewArray([]float32{1, 2, 3, 4}, 2, 2),
	}, opCase{
		name: "addmm/defaults",
		in:   []*Array{NewArray([]float32{10, 20}), NewArray([]float32{1, 2, 3, 4}, 2, 2), NewArray([]float32{1, 0, 0, 1}, 2, 2)},
		op:   func(in []*Array, o ...Option) *Array { return Addmm(in[0], in[1], in[2], o...) },
		want: NewArray([]float32{11, 22, 13, 24}, 2, 2),
	})
}

func TestMatmulErrors(t *testing.T) {
	f := func(shape ...int) *Array { return Zeros(shape, Float32) }
	for _, tc := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"0-d", func() { Matmul(f(), f(3)) }, "matmul: inputs must have at least one dimension, got shapes () and (3,)"},
		{"inner", func() { Matmul(f(2, 3), f(4, 5)) }, "(2, 3)"},
		{"inner 1-D", func() { Matmul(f(2, 3), f(4)) }, "only dimension of the second input, of shape (4,)"},
		{"batch", func() { Matmul(f(2, 3, 4), f(5, 4, 6)) }, "batch dimensions of shapes (2, 3, 4) and (5, 4, 6)"},
		{"int", func() { Matmul(Zeros([]int{2, 2}, Int32), Zeros([]int{2, 2}, Int32)) }, "got int32 and int32"},
		{"bool", func() { Matmul(Zeros([]int{2, 2}, Bool), Zeros([]int{2, 2}, Bool)) }, "floating-point"},
		{"nil", func() { Matmul(nil, f(2)) }, "matmul: nil array"},
		{"option", func() { Matmul(f(2, 2), f(2, 2), Alpha(2)) }, "alpha option"},
		{"addmm c", func() { Addmm(f(3), f(2, 3), f(3, 2)) }, "addmm: c of shape (3,) does not broadcast to the product's shape (2, 2)"},
		{"addmm c bigger", func() { Addmm(f(4, 2, 2), f(2, 3), f(3, 2)) }, "(4, 2, 2)"},
		{"addmm int", func() { Addmm(Zeros([]int{2}, Int32), Zeros([]int{2, 2}, Int32), Zeros([]int{2, 2}, Int8)) }, "got int32, int32 and int8"},
		{"addmm inner", func() { Addmm(f(2), f(2, 3), f(2, 2)) }, "addmm: the last dimension"},
	} {
		err := Catch(tc.f)
		if err == nil {
			t.Errorf("%s: no panic", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.msg)
		}
	}
}

func TestMatmulLazyAndShape(t *testing.T) {
	a := NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := NewArray([]float32{1, 2, 3}, 3)
	c := Matmul(a, b)
	if c.IsAvailable() {
		t.Fatal("matmul ran at the call")
	}
	if !slices.Equal(c.Shape(), []int{2}) || c.Dtype() != Float32 {
		t.Fatalf("shape %v dtype %v", c.Shape(), c.Dtype())
	}
	if got := ToSlice[float32](c); !slices.Equal(got, []float32{14, 32}) {
		t.Fatalf("got %v", got)
	}
}

// BenchmarkMatmul1024 multiplies two 1024×1024 float32 matrices.
func BenchmarkMatmul1024(b *testing.B) {
	n := 1024
	x := make([]float32, n*n)
	for i := range x {
		x[i] = float32(i%13) / 13
	}
	a, c := NewArray(x, n, n), NewArray(x, n, n)
	for b.Loop() {
		if err := Eval(Matmul(a, c)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// refTensordot contracts axes axA of a (shape sa) with axes axB of b by
// definition, in complex128: the result has a's free axes then b's.
func refTensordot(a []complex128, sa []int, b []complex128, sb []int, axA, axB []int) ([]complex128, []int) {
	norm := func(axes []int, nd int) []int {
		out := make([]int, len(axes))
		for i, ax := range axes {
			out[i] = (ax + nd) % nd
		}
		return out
	}
	axA, axB = norm(axA, len(sa)), norm(axB, len(sb))
	var freeA, freeB, shape []int
	for d := range sa {
		if !slices.Contains(axA, d) {
			freeA = append(freeA, d)
			shape = append(shape, sa[d])
		}
	}
	for d := range sb {
		if !slices.Contains(axB, d) {
			freeB = append(freeB, d)
			shape = append(shape, sb[d])
		}
	}
	csize := 1
	for _, d := range axA {
		csize *= sa[d]
	}
	offset := func(shape, idx []int) int {
		o := 0
		for d := range shape {
			o = o*shape[d] + idx[d]
		}
		return o
	}
	out := make([]complex128, shapeSize(shape))
	ia, ib := make([]int, len(sa)), make([]int, len(sb))
	for t := range out {
		rem := t
		for i := len(freeB) - 1; i >= 0; i-- {
			ib[freeB[i]] = rem % sb[freeB[i]]
			rem /= sb[freeB[i]]
		}
		for i := len(freeA) - 1; i >= 0; i-- {
			ia[freeA[i]] = rem % sa[freeA[i]]
			rem /= sa[freeA[i]]
		}
		var s complex128
		for c := 0; c < csize; c++ {
			rem := c
			for i := len(axA) - 1; i >= 0; i-- {
				ia[axA[i]] = rem % sa[axA[i]]
				ib[axB[i]] = ia[axA[i]]
				rem /= sa[axA[i]]
			}
			s += a[offset(sa, ia)] * b[offset(sb, ib)]
		}
		out[t] = s
	}
	if shape == nil {
		shape = []int{}
	}
	return out, shape
}

// tdCase is a table row for Tensordot (or Inner, with inner set).
func tdCase(name string, dt Dtype, sa, sb []int, axA, axB []int, op func(a, b *Array, o ...Option) *Array) opCase {
	va, vb := mmValues(shapeSize(sa), 4), mmValues(shapeSize(sb), 5)
	a, b := mmArray(va, dt, sa, false), mmArray(vb, dt, sb, len(sb) >= 2)
	va, vb = ToSlice[complex128](a), ToSlice[complex128](b)
	want, shape := refTensordot(va, sa, vb, sb, axA, axB)
	return opCase{
		name: name, in: []*Array{a, b},
		op:   func(in []*Array, o ...Option) *Array { return op(in[0], in[1], o...) },
		want: AsType(Reshape(NewArray(want), shape), dt), tol: mmTol(dt),
	}
}

func init() {
	td := func(axes any) func(a, b *Array, o ...Option) *Array {
		return func(a, b *Array, o ...Option) *Array { return Tensordot(a, b, axes, o...) }
	}
	addCases(
		tdCase("tensordot/int2", Float32, []int{2, 3, 4}, []int{3, 4, 5}, []int{1, 2}, []int{0, 1}, td(2)),
		tdCase("tensordot/int1_f64", Float64, []int{2, 3, 4}, []int{4, 5}, []int{2}, []int{0}, td(1)),
		tdCase("tensordot/int0_outer", Float32, []int{2, 3}, []int{4}, nil, nil, td(0)),
		tdCase("tensordot/pairs", Float32, []int{3, 4, 5}, []int{4, 3, 2}, []int{1, 0}, []int{0, 1}, td([2][]int{{1, 0}, {0, 1}})),
		tdCase("tensordot/pairs_negative", Float16, []int{3, 4, 5}, []int{5, 2, 3}, []int{-1, 0}, []int{0, -1}, td([][]int{{-1, 0}, {0, -1}})),
		tdCase("tensordot/all_axes", Complex64, []int{2, 3}, []int{2, 3}, []int{0, 1}, []int{0, 1}, td(2)),
		tdCase("tensordot/empty", Float32, []int{2, 0}, []int{0, 3}, []int{1}, []int{0}, td(1)),
		tdCase("inner/2d", Float32, []int{2, 3}, []int{4, 3}, []int{-1}, []int{-1}, Inner),
		tdCase("inner/1d", Float64, []int{5}, []int{5}, []int{-1}, []int{-1}, Inner),
		tdCase("inner/3d_bf16", Bfloat16, []int{2, 2, 3}, []int{3}, []int{-1}, []int{-1}, Inner),
		opCase{
			name: "inner/0d",
			in:   []*Array{Scalar(int32(3)), NewArray([]int32{1, 2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Inner(in[0], in[1], o...) },
			want: NewArray([]int32{3, 6, 9}),
		},
		opCase{
			name: "outer/float32_int32",
			in:   []*Array{NewArray([]float32{1, 2, 3}), NewArray([]int32{1, -1, 2, 0}, 2, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Outer(in[0], in[1], o...) },
			want: NewArray([]float32{1, -1, 2, 0, 2, -2, 4, 0, 3, -3, 6, 0}, 3, 4),
		},
		opCase{
			name: "outer/int_0d",
			in:   []*Array{Scalar(int32(2)), NewArray([]int32{4, 5})},
			op:   func(in []*Array, o ...Option) *Array { return Outer(in[0], in[1], o...) },
			want: NewArray([]int32{8, 10}, 1, 2),
		},
		opCase{
			name: "outer/empty",
			in:   []*Array{NewArray([]float32{}), NewArray([]float32{1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Outer(in[0], in[1], o...) },
			want: NewArray([]float32{}, 0, 2),
		},
		opCase{
			name: "kron/2x2_2x3",
			in:   []*Array{NewArray([]int32{1, 2, 3, 4}, 2, 2), NewArray([]int32{0, 1, 2, 3, 4, 5}, 2, 3)},
			op:   func(in []*Array, o ...Option) *Array { return Kron(in[0], in[1], o...) },
			want: NewArray([]int32{
				0, 1, 2, 0, 2, 4,
				3, 4, 5, 6, 8, 10,
				0, 3, 6, 0, 4, 8,
				9, 12, 15, 12, 16, 20}, 4, 6),
		},
		opCase{
			name: "kron/1d_2d_float",
			in:   []*Array{NewArray([]float32{1, 10}), NewArray([]float64{1, 2, 3, 4}, 2, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Kron(in[0], in[1], o...) },
			want: NewArray([]float64{1, 2, 10, 20, 3, 4, 30, 40}, 2, 4),
		},
		opCase{
			name: "kron/0d",
			in:   []*Array{Scalar(float32(2)), NewArray([]float32{1, 2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Kron(in[0], in[1], o...) },
			want: NewArray([]float32{2, 4, 6}),
		},
		opCase{
			name: "vecdot/last_axis",
			in:   []*Array{NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]float32{1, 0, -1, 2, 2, 2}, 2, 3)},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], o...) },
			want: NewArray([]float32{-2, 30}),
		},
		opCase{
			name: "vecdot/axis0",
			in:   []*Array{NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]float64{1, 2}, 2, 1)},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], append(o, Axis(0))...) },
			want: NewArray([]float64{9, 12, 15}),
		},
		opCase{
			name: "vecdot/broadcast",
			in:   []*Array{NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]float32{1, 1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], append(o, Axis(-1))...) },
			want: NewArray([]float32{9, 21}),
		},
		opCase{
			name: "vecdot/complex_conjugates_a",
			in:   []*Array{NewArray([]complex64{1 + 2i, 3i}), NewArray([]complex64{1, 1 + 1i})},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], o...) },
			want: Scalar(complex64((1 - 2i) + (-3i)*(1+1i))),
		},
		opCase{
			name: "vecdot/int8_sums_in_int32",
			in:   []*Array{NewArray([]int8{100, 100, 3}), NewArray([]int8{100, 1, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], o...) },
			want: Scalar(int32(16 + 100 + 9)), // 100*100 wraps to 16 in int8
		},
		opCase{
			name: "vecdot/bool",
			in:   []*Array{NewArray([]bool{true, true, false, true}), NewArray([]bool{true, false, false, true})},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], o...) },
			want: Scalar(int32(2)),
		},
		opCase{
			name: "vecdot/uint64",
			in:   []*Array{NewArray([]uint64{1 << 40, 2}), NewArray([]uint64{4, 5})},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], o...) },
			want: Reshape(NewArray([]uint64{1<<42 + 10}), []int{}),
		},
		opCase{
			name: "vecdot/empty_axis",
			in:   []*Array{NewArray([]float32{}, 2, 0), NewArray([]float32{}, 2, 0)},
			op:   func(in []*Array, o ...Option) *Array { return Vecdot(in[0], in[1], o...) },
			want: NewArray([]float32{0, 0}),
		},
	)
}

func TestComposeErrors(t *testing.T) {
	f := func(shape ...int) *Array { return Zeros(shape, Float32) }
	for _, tc := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"inner last", func() { Inner(f(2, 3), f(2, 4)) }, "inner: the last dimensions of shapes (2, 3) and (2, 4) differ"},
		{"inner int", func() { Inner(Zeros([]int{3}, Int32), Zeros([]int{3}, Int32)) }, "inner: only floating-point"},
		{"tensordot negative", func() { Tensordot(f(2, 3), f(3, 2), -1) }, "cannot contract -1 axes"},
		{"tensordot too many", func() { Tensordot(f(2, 3), f(3), 2) }, "cannot contract 2 axes"},
		{"tensordot type", func() { Tensordot(f(2, 3), f(3), "x") }, "axes must be an int"},
		{"tensordot lengths", func() { Tensordot(f(2, 3), f(3, 2), [2][]int{{0}, {0, 1}}) }, "differ in length"},
		{"tensordot sizes", func() { Tensordot(f(2, 3), f(3, 2), [2][]int{{0}, {0}}) }, "differ on the contracted axes"},
		{"tensordot repeat", func() { Tensordot(f(2, 2), f(2, 2), [2][]int{{0, 0}, {0, 1}}) }, "repeated axis"},
		{"tensordot range", func() { Tensordot(f(2, 2), f(2, 2), [2][]int{{2}, {0}}) }, "out of bounds"},
		{"tensordot lists", func() { Tensordot(f(2, 2), f(2, 2), [][]int{{0}}) }, "two lists"},
		{"kron empty", func() { Kron(f(0), f(2)) }, "kron: the inputs cannot be empty"},
		{"vecdot 0-d", func() { Vecdot(f(), f(2)) }, "vecdot: inputs must have at least one dimension"},
		{"vecdot size", func() { Vecdot(f(2, 3), f(2, 4)) }, "differ in size along axis -1"},
		{"vecdot axis", func() { Vecdot(f(2, 3), f(2, 3), Axis(2)) }, "out of bounds"},
		{"vecdot broadcast", func() { Vecdot(f(2, 3), f(4, 3)) }, "cannot be broadcast"},
		{"outer nil", func() { Outer(nil, f(2)) }, "outer: nil array"},
	} {
		err := Catch(tc.f)
		if err == nil {
			t.Errorf("%s: no panic", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.msg)
		}
	}
}

func init() {
	// Operands that are views made by the view ops: a strided slice, a
	// reversed one, a transpose and a broadcast (a zero row stride).
	const rows, cols, m, k, n = 80, 70, 40, 60, 50
	va, vb, vr := mmValues(rows*cols, 6), mmValues(n*k, 7), mmValues(n, 8)
	a0, b0 := NewArray(va, rows, cols), NewArray(vb, n, k)
	row := NewArray(vr)
	at := func(i, p int) complex128 { return va[(2*i)*cols+1+p] }         // a0[::2, 1:k+1]
	rev := func(i, p int) complex128 { return va[(rows-1-2*i)*cols+1+p] } // a0[::-1][::2, 1:k+1]
	want := func(a func(i, p int) complex128, b func(p, j int) complex128) *Array {
		out := make([]complex128, m*n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				for p := 0; p < k; p++ {
					out[i*n+j] += a(i, p) * b(p, j)
				}
			}
		}
		return AsType(NewArray(out, m, n), Float32)
	}
	bt := func(p, j int) complex128 { return vb[j*k+p] }
	bb := func(p, j int) complex128 { return vr[j] }
	slice := func(x *Array) *Array { return Index(x, Colon.Step(2), S(1, k+1)) }
	addCases(opCase{
		name: "matmul/views_slice_transpose",
		in:   []*Array{AsType(a0, Float32), AsType(b0, Float32)},
		op: func(in []*Array, o ...Option) *Array {
			return Matmul(slice(in[0]), Transpose(in[1]), o...)
		},
		want: want(at, bt), tol: 1e-5,
	}, opCase{
		name: "matmul/views_reversed_broadcast",
		in:   []*Array{AsType(a0, Float32), AsType(row, Float32)},
		op: func(in []*Array, o ...Option) *Array {
			return Matmul(slice(Index(in[0], Colon.Step(-1))), BroadcastTo(in[1], []int{k, n}), o...)
		},
		want: want(rev, bb), tol: 1e-5,
	})
}
