package mx

import (
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// Gradient and vmap rows of the matmul family, and tests of its rules that
// the tables do not cover: complex inputs, the composites' primitives, the
// lowering of a vmapped matrix-vector product to one product.

func init() {
	r := rand.New(rand.NewPCG(21, 22))
	rnd := func(shape ...int) *Array { return randArray(r, -1, 1, shape...) }
	mm := func(in []*Array) *Array { return Matmul(in[0], in[1]) }
	row := func(name string, f func(in []*Array) *Array, in []*Array, axes ...int) gradCase {
		c := gradCase{name: name, f: f, in: in}
		if len(axes) > 0 {
			c.inAxes = axes
		}
		return c
	}
	addGradCases(
		// Matrices, with and without batch dimensions, and batch
		// broadcasting of either operand.
		row("matmul/[2,3][3,4]", mm, []*Array{rnd(2, 3), rnd(3, 4)}),
		row("matmul/[2,3][3,4] a mapped", mm, []*Array{rnd(2, 3), rnd(3, 4)}, 1, NoAxis),
		row("matmul/[2,3][3,4] b mapped", mm, []*Array{rnd(2, 3), rnd(3, 4)}, NoAxis, -1),
		row("matmul/[2,2,3][3,2] batch of a", mm, []*Array{rnd(2, 2, 3), rnd(3, 2)}, 0, NoAxis),
		row("matmul/[3,2][2,2,3] batch of b", mm, []*Array{rnd(3, 2), rnd(2, 2, 3)}, NoAxis, 1),
		row("matmul/[2,1,2,3][3,3,2] broadcast batch", mm, []*Array{rnd(2, 1, 2, 3), rnd(3, 3, 2)}, 1, 2),
		row("matmul/[2,2,3][2,3,2] same batch", mm, []*Array{rnd(2, 2, 3), rnd(2, 3, 2)}, 2, NoAxis),
		// 1-D operands: a row vector, a column vector, a dot product.
		row("matmul/[3][3,2] vector times matrix", mm, []*Array{rnd(3), rnd(3, 2)}, 0, NoAxis),
		row("matmul/[3][3,2] matrix mapped", mm, []*Array{rnd(3), rnd(3, 2)}, NoAxis, 1),
		row("matmul/[3][3,2] both mapped", mm, []*Array{rnd(3), rnd(3, 2)}, 0, 0),
		row("matmul/[3][2,3,2] batched matrix", mm, []*Array{rnd(3), rnd(2, 3, 2)}, 0, NoAxis),
		row("matmul/[2,3][3] matrix times vector", mm, []*Array{rnd(2, 3), rnd(3)}, NoAxis, 0),
		row("matmul/[2,3][3] matrix mapped", mm, []*Array{rnd(2, 3), rnd(3)}, 0, NoAxis),
		row("matmul/[2,3][3] both mapped", mm, []*Array{rnd(2, 3), rnd(3)}, -1, 0),
		row("matmul/[2,2,3][3] batched matrix", mm, []*Array{rnd(2, 2, 3), rnd(3)}, NoAxis, 0),
		row("matmul/[3][3] dot", mm, []*Array{rnd(3), rnd(3)}),
		row("matmul/[3][3] dot a mapped", mm, []*Array{rnd(3), rnd(3)}, 0, NoAxis),
		row("matmul/[3][3] dot b mapped", mm, []*Array{rnd(3), rnd(3)}, NoAxis, 0),
		// A zero inner dimension: the product is zeros.
		row("matmul/[2,0][0,3]", mm, []*Array{rnd(2, 0), rnd(0, 3)}, NoAxis, 1),
		// The same array on both sides.
		row("matmul/a@a", func(in []*Array) *Array { return Matmul(in[0], in[0]) }, []*Array{rnd(3, 3)}),
		// A second derivative: the gradient of sum(sin(a @ b)) in a.
		row("matmul/grad of grad", func(in []*Array) *Array {
			return Grad(func(a *Array) *Array { return Sum(Sin(Matmul(a, in[1]))) })(in[0])
		}, []*Array{rnd(2, 3), rnd(3, 2)}, 0, NoAxis),
		row("matmul/grad of grad vector", func(in []*Array) *Array {
			return Grad(func(a, b *Array) *Array { return Sum(Sin(Matmul(a, b))) }, 1)(in[0], in[1])
		}, []*Array{rnd(2, 3), rnd(3)}, NoAxis, 0),
	)

	// Addmm: inputs c, a, b.
	addmm := func(alpha, beta float64) func(in []*Array) *Array {
		return func(in []*Array) *Array { return Addmm(in[0], in[1], in[2], Alpha(alpha), Beta(beta)) }
	}
	addGradCases(
		row("addmm/[2,4][2,3][3,4]", addmm(1, 1), []*Array{rnd(2, 4), rnd(2, 3), rnd(3, 4)}),
		row("addmm/[2,4][2,3][3,4] alpha beta", addmm(0.5, -2), []*Array{rnd(2, 4), rnd(2, 3), rnd(3, 4)}, NoAxis, 1, NoAxis),
		row("addmm/c mapped only", addmm(0.5, 2), []*Array{rnd(2, 4), rnd(2, 3), rnd(3, 4)}, 1, NoAxis, NoAxis),
		row("addmm/c unmapped", addmm(1.5, 0.5), []*Array{rnd(2, 4), rnd(2, 3), rnd(3, 4)}, NoAxis, 0, -1),
		row("addmm/beta zero c mapped", addmm(2, 0), []*Array{rnd(2, 4), rnd(2, 3), rnd(3, 4)}, 0, NoAxis, NoAxis),
		row("addmm/beta zero", addmm(2, 0), []*Array{rnd(2, 4), rnd(2, 3), rnd(3, 4)}, 0, 1, NoAxis),
		row("addmm/c [4] broadcast over batch", addmm(0.5, 2), []*Array{rnd(4), rnd(2, 2, 3), rnd(3, 4)}, 0, 0, NoAxis),
		row("addmm/c 0-d", addmm(1, 3), []*Array{rnd(), rnd(2, 3), rnd(2, 3, 2)}, NoAxis, NoAxis, 2),
		row("addmm/c [2,1] broadcast batch", addmm(1, 1), []*Array{rnd(2, 1), rnd(2, 2, 3), rnd(3, 2)}, 1, 2, NoAxis),
		// Vector operands: c has the shape of the product without them.
		row("addmm/[2][2,3][3]", addmm(0.5, 2), []*Array{rnd(2), rnd(2, 3), rnd(3)}, NoAxis, NoAxis, 0),
		row("addmm/[2,2][2,2,3][3]", addmm(0.5, 2), []*Array{rnd(2, 2), rnd(2, 2, 3), rnd(3)}, NoAxis, NoAxis, 0),
		row("addmm/[2][2,3][3] all mapped", addmm(0.5, 2), []*Array{rnd(2), rnd(2, 3), rnd(3)}),
		row("addmm/[2,4][3][2,3,4]", addmm(2, 0.5), []*Array{rnd(2, 4), rnd(3), rnd(2, 3, 4)}, NoAxis, 0, NoAxis),
		row("addmm/[4][3][3,4]", addmm(2, 0.5), []*Array{rnd(4), rnd(3), rnd(3, 4)}, NoAxis, 0, NoAxis),
		row("addmm/[][3][3]", addmm(1, 1), []*Array{rnd(), rnd(3), rnd(3)}, NoAxis, 0, NoAxis),
		row("addmm/[][3][3] b mapped", addmm(1, 1), []*Array{rnd(), rnd(3), rnd(3)}, NoAxis, NoAxis, 0),
		row("addmm/[][3][3] c mapped", addmm(1, 2), []*Array{rnd(), rnd(3), rnd(3)}, 0, NoAxis, NoAxis),
	)

	// The composites, built from primitives with rules.
	addGradCases(
		row("inner/[2,3][4,3]", func(in []*Array) *Array { return Inner(in[0], in[1]) },
			[]*Array{rnd(2, 3), rnd(4, 3)}, 0, NoAxis),
		row("inner/[3][3]", func(in []*Array) *Array { return Inner(in[0], in[1]) },
			[]*Array{rnd(3), rnd(3)}, NoAxis, 0),
		row("inner/0-d", func(in []*Array) *Array { return Inner(in[0], in[1]) },
			[]*Array{rnd(), rnd(2, 2)}),
		row("outer/[3][2]", func(in []*Array) *Array { return Outer(in[0], in[1]) },
			[]*Array{rnd(3), rnd(2)}, 0, NoAxis),
		row("outer/[2,2][2]", func(in []*Array) *Array { return Outer(in[0], in[1]) },
			[]*Array{rnd(2, 2), rnd(2)}, 1, 0),
		row("tensordot/[2,3,2][3,2,2] axes 2", func(in []*Array) *Array { return Tensordot(in[0], in[1], 2) },
			[]*Array{rnd(2, 3, 2), rnd(3, 2, 2)}, 0, NoAxis),
		row("tensordot/lists", func(in []*Array) *Array {
			return Tensordot(in[0], in[1], [2][]int{{1, 0}, {0, 2}})
		}, []*Array{rnd(2, 3), rnd(3, 2, 2)}, NoAxis, 1),
		row("tensordot/axes 0", func(in []*Array) *Array { return Tensordot(in[0], in[1], 0) },
			[]*Array{rnd(2), rnd(3)}),
		row("kron/[2,2][2,1]", func(in []*Array) *Array { return Kron(in[0], in[1]) },
			[]*Array{rnd(2, 2), rnd(2, 1)}, 0, NoAxis),
		row("kron/[2][2,2]", func(in []*Array) *Array { return Kron(in[0], in[1]) },
			[]*Array{rnd(2), rnd(2, 2)}, NoAxis, -1),
		row("vecdot/[2,3][3]", func(in []*Array) *Array { return Vecdot(in[0], in[1]) },
			[]*Array{rnd(2, 3), rnd(3)}),
		row("vecdot/[2,3][3] a mapped", func(in []*Array) *Array { return Vecdot(in[0], in[1]) },
			[]*Array{rnd(2, 3), rnd(3)}, 1, NoAxis),
		row("vecdot/[2,3][3] b mapped", func(in []*Array) *Array { return Vecdot(in[0], in[1]) },
			[]*Array{rnd(2, 3), rnd(3)}, NoAxis, 0),
		row("vecdot/axis 0", func(in []*Array) *Array { return Vecdot(in[0], in[1], Axis(0)) },
			[]*Array{rnd(3, 2), rnd(3, 1)}, 2, NoAxis),
	)
}

// TestMatmulCompositePrims checks that the composites of the family are
// made only of primitives that have all three rules.
func TestMatmulCompositePrims(t *testing.T) {
	a, b := NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]float64{1, 2, 3}, 3)
	for name, out := range map[string]*Array{
		"inner":     Inner(a, a),
		"outer":     Outer(a, b),
		"tensordot": Tensordot(a, Reshape(a, []int{3, 2}), [2][]int{{0, 1}, {1, 0}}),
		"kron":      Kron(a, b),
		"vecdot":    Vecdot(a, b),
		"addmm":     Addmm(Sum(a, Axis(1)), a, b, Alpha(2), Beta(0.5)),
	} {
		seen := map[*Array]bool{}
		var walk func(x *Array)
		walk = func(x *Array) {
			if seen[x] || x.n == nil {
				return
			}
			seen[x] = true
			if missing := missingRules(x.n.prim); len(missing) > 0 {
				t.Errorf("%s: %v lacks a rule", name, missing)
			}
			for _, in := range x.n.inputs {
				walk(in)
			}
		}
		walk(out)
	}
}

// TestMatmulComplexGrad checks the rules on complex64 matrices against
// finite differences in the conjugate convention (see TestUnaryComplexGrad):
// for L = Re(sum(conj(c) f(a, b))), the cotangent of z = x+iy is
// dL/dx + i dL/dy.
func TestMatmulComplexGrad(t *testing.T) {
	av := []complex64{0.7 + 0.4i, -0.6 + 1.2i, 1.3 - 0.3i, 0.2 + 0.9i, -1 - 0.5i, 0.4 + 0.1i}
	bv := []complex64{0.3 - 0.8i, -1 + 0.5i, 0.6 + 0.2i, 1.1 - 0.4i, -0.2 + 0.7i, 0.5 + 0.5i}
	cv := []complex128{0.3 - 0.8i, -1 + 0.5i, 0.6 + 0.2i, 1 + 1i}
	arr := func(v []complex64, shape ...int) *Array { return NewArray(append([]complex64(nil), v...), shape...) }
	f := func(in []*Array) []*Array { return []*Array{Matmul(in[0], in[1])} }
	a, b := arr(av, 2, 3), arr(bv, 3, 2)
	loss := func(a, b *Array) float64 {
		w := ToSlice[complex128](Matmul(a, b))
		s := 0.0
		for i := range w {
			s += real(cmplx.Conj(cv[i]) * w[i])
		}
		return s
	}
	_, vjps := VJP(f, []*Array{a, b}, []*Array{NewArray([]complex64{0.3 - 0.8i, -1 + 0.5i, 0.6 + 0.2i, 1 + 1i}, 2, 2)})
	const h = 1e-2
	for i, v := range [][]complex64{av, bv} {
		got := ToSlice[complex128](vjps[i])
		for k := range v {
			shift := func(d complex64) float64 {
				w := append([]complex64(nil), v...)
				w[k] += d
				if i == 0 {
					return loss(arr(w, 2, 3), b)
				}
				return loss(a, arr(w, 3, 2))
			}
			dx := (shift(h) - shift(-h)) / (2 * h)
			dy := (shift(1i*h) - shift(-1i*h)) / (2 * h)
			if !closeEnough(got[k], complex(dx, dy), 2e-3) {
				t.Errorf("vjp of input %d element %d: got %v, finite differences %v", i, k, got[k], complex(dx, dy))
			}
		}
	}
	// The JVP is holomorphic: ta@b + a@tb.
	ta, tb := arr(bv, 2, 3), arr(av, 3, 2)
	_, jvps := JVP(f, []*Array{a, b}, []*Array{ta, tb})
	want := Add(Matmul(ta, b), Matmul(a, tb))
	if msg := compareArrays(jvps[0], want, 1e-5); msg != "" {
		t.Error(msg)
	}
}

// TestVmapMatvecLowering checks that a vmapped matrix-vector product with
// an unmapped matrix is one matrix product, with no copies of the batch.
func TestVmapMatvecLowering(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	m, vs := randArray(r, -1, 1, 4, 3), randArray(r, -1, 1, 5, 3)
	for _, inAxes := range [][]int{{NoAxis, 0}, {NoAxis, 1}} {
		x := vs
		if inAxes[1] == 1 {
			x = Transpose(vs)
		}
		out := Vmap(func(in []*Array) []*Array { return []*Array{Matmul(in[0], in[1])} }, inAxes, nil)([]*Array{m, x})[0]
		count := 0
		seen := map[*Array]bool{}
		var walk func(x *Array)
		walk = func(x *Array) {
			if seen[x] || x.n == nil {
				return
			}
			seen[x] = true
			if p, ok := x.n.prim.(matmulPrim); ok {
				count++
				if p.vecA || p.vecB {
					t.Errorf("in_axes %v: the product is matrix-vector", inAxes)
				}
			}
			for _, in := range x.n.inputs {
				walk(in)
			}
		}
		walk(out)
		if count != 1 {
			t.Errorf("in_axes %v: %d products, want 1", inAxes, count)
		}
		if msg := compareArrays(out, Matmul(vs, Transpose(m)), 1e-12); msg != "" {
			t.Errorf("in_axes %v: %s", inAxes, msg)
		}
	}
}

// BenchmarkVmapMatvec compares three ways to multiply a [256,256] matrix by
// 1000 vectors of 256 float32s: f(M, v) = Matmul(M, v) vmapped over the
// vectors (the rows of vs), one batched Matmul(vs, Mᵀ), and a Go loop that
// calls f once per vector, evaluating each product as it goes or all of
// them with one Eval at the end.
func BenchmarkVmapMatvec(b *testing.B) {
	const n, batch = 256, 1000
	r := rand.New(rand.NewPCG(25, 26))
	rnd := func(shape ...int) *Array { return AsType(randArray(r, -1, 1, shape...), Float32) }
	m, vs := rnd(n, n), rnd(batch, n)
	if err := Eval(m, vs); err != nil {
		b.Fatal(err)
	}
	f := func(in []*Array) []*Array { return []*Array{Matmul(in[0], in[1])} }
	b.Run("vmap", func(b *testing.B) {
		g := Vmap(f, []int{NoAxis, 0}, nil)
		for b.Loop() {
			if err := Eval(g([]*Array{m, vs})[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("batched", func(b *testing.B) {
		for b.Loop() {
			if err := Eval(Matmul(vs, Transpose(m))); err != nil {
				b.Fatal(err)
			}
		}
	})
	rows := Unstack(vs)
	if err := Eval(rows...); err != nil {
		b.Fatal(err)
	}
	b.Run("loop eval each", func(b *testing.B) {
		for b.Loop() {
			for _, v := range rows {
				if err := Eval(f([]*Array{m, v})[0]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("loop eval all", func(b *testing.B) {
		outs := make([]*Array, batch)
		for b.Loop() {
			for i, v := range rows {
				outs[i] = f([]*Array{m, v})[0]
			}
			if err := Eval(outs...); err != nil {
				b.Fatal(err)
			}
		}
	})
}
