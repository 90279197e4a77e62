package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// naiveConv is the convolution of x ([N, S..., C]) by w ([O, K..., C/g])
// by its definition, in float64, out row-major with shape oshape.
func naiveConv(x, w []float64, xs, ws, oshape []int, p core.ConvParams) []float64 {
	nd := len(xs) - 2
	cg, og := xs[nd+1]/p.Groups, ws[0]/p.Groups
	out := make([]float64, 0)
	xst, wst := core.RowMajorStrides(xs), core.RowMajorStrides(ws)
	var rec func(idx []int)
	rec = func(idx []int) {
		if len(idx) < len(oshape) {
			for i := 0; i < oshape[len(idx)]; i++ {
				rec(append(idx, i))
			}
			return
		}
		co := idx[nd+1]
		sum := 0.0
		var krec func(k []int)
		krec = func(k []int) {
			if len(k) < nd {
				for i := 0; i < ws[len(k)+1]; i++ {
					krec(append(k, i))
				}
				return
			}
			xo := idx[0] * xst[0]
			for j := 0; j < nd; j++ {
				e := k[j]
				if p.Flip {
					e = ws[j+1] - 1 - e
				}
				pos := idx[j+1]*p.Stride[j] + e*p.KernelDilation[j] - p.PadLo[j]
				if pos < 0 || pos%p.InputDilation[j] != 0 || pos/p.InputDilation[j] >= xs[j+1] {
					return
				}
				xo += pos / p.InputDilation[j] * xst[j+1]
			}
			wo := co * wst[0]
			for j := 0; j < nd; j++ {
				wo += k[j] * wst[j+1]
			}
			for ci := 0; ci < cg; ci++ {
				sum += x[xo+co/og*cg+ci] * w[wo+ci]
			}
		}
		krec(nil)
		out = append(out, sum)
	}
	rec(nil)
	return out
}

func f64View(v []float64, shape []int) core.View {
	buf, err := core.Host.Alloc(len(v) * 8)
	if err != nil {
		panic(err)
	}
	copy(core.Data[float64](core.View{Buf: buf, Dtype: core.Float64}), v)
	return core.View{Buf: buf, Dtype: core.Float64, Shape: shape, Strides: core.RowMajorStrides(shape)}
}

// TestConvKernels runs Conv and ConvWeights with every GEMM kernel this
// machine has (each with its own tile shape and so its own packing path)
// against the definition.
func TestConvKernels(t *testing.T) { forEachKernel(t, testConvKernels) }

func testConvKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type c struct {
		xs, ws []int
		p      core.ConvParams
	}
	one := func(nd, v int) []int {
		s := make([]int, nd)
		for i := range s {
			s[i] = v
		}
		return s
	}
	params := func(nd int, stride, pad, kdil, idil, groups int, flip bool) core.ConvParams {
		return core.ConvParams{Stride: one(nd, stride), PadLo: one(nd, pad), PadHi: one(nd, pad+1),
			KernelDilation: one(nd, kdil), InputDilation: one(nd, idil), Groups: groups, Flip: flip}
	}
	cases := []c{
		{[]int{2, 9, 70}, []int{40, 3, 70}, params(1, 1, 1, 1, 1, 1, false)},
		{[]int{3, 7, 6, 4}, []int{6, 3, 2, 2}, params(2, 2, 1, 1, 1, 2, true)},
		{[]int{1, 5, 5, 3}, []int{5, 2, 3, 3}, params(2, 1, 2, 2, 2, 1, false)},
		{[]int{2, 3, 4, 3, 2}, []int{3, 2, 2, 2, 2}, params(3, 1, 1, 1, 1, 1, false)},
		{[]int{1, 40, 8}, []int{8, 5, 1}, params(1, 1, 2, 1, 1, 8, false)},
		{[]int{2, 6, 5, 4}, []int{8, 3, 2, 1}, params(2, 2, 1, 1, 2, 4, true)},
	}
	for _, cs := range cases {
		nd := len(cs.xs) - 2
		os := []int{cs.xs[0]}
		for j := 0; j < nd; j++ {
			d := (cs.xs[j+1]-1)*cs.p.InputDilation[j] + 1 + cs.p.PadLo[j] + cs.p.PadHi[j] - ((cs.ws[j+1]-1)*cs.p.KernelDilation[j] + 1)
			os = append(os, d/cs.p.Stride[j]+1)
		}
		os = append(os, cs.ws[0])
		rnd := func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = rng.Float64()*2 - 1
			}
			return v
		}
		size := func(s []int) int {
			n := 1
			for _, d := range s {
				n *= d
			}
			return n
		}
		x, w := rnd(size(cs.xs)), rnd(size(cs.ws))
		want := naiveConv(x, w, cs.xs, cs.ws, os, cs.p)
		out := f64View(make([]float64, size(os)), os)
		if err := Backend.Conv(f64View(x, cs.xs), f64View(w, cs.ws), out, cs.p); err != nil {
			t.Fatal(err)
		}
		for i, v := range core.Data[float64](out)[:len(want)] {
			if math.Abs(v-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
				t.Fatalf("%v by %v: element %d is %v, want %v", cs.xs, cs.ws, i, v, want[i])
			}
		}
		// The weight's cotangent: dW · w summed must equal g · conv(x, w)
		// for any g, conv being linear in w.
		g := rnd(size(os))
		dw := f64View(make([]float64, size(cs.ws)), cs.ws)
		if err := Backend.ConvWeights(f64View(x, cs.xs), f64View(g, os), dw, cs.p); err != nil {
			t.Fatal(err)
		}
		lhs, rhs := 0.0, 0.0
		for i, v := range core.Data[float64](dw)[:len(w)] {
			lhs += v * w[i]
		}
		for i, v := range want {
			rhs += v * g[i]
		}
		if math.Abs(lhs-rhs) > 1e-9*math.Max(1, math.Abs(rhs)) {
			t.Fatalf("%v by %v: <dW, w> = %v, <g, conv> = %v", cs.xs, cs.ws, lhs, rhs)
		}
	}
}
