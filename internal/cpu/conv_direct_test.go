package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

func f32View(v []float64, shape []int) core.View {
	buf, err := core.Host.Alloc(max(len(v), 1) * 4)
	if err != nil {
		panic(err)
	}
	d := core.Data[float32](core.View{Buf: buf, Dtype: core.Float32})
	for i, x := range v {
		d[i] = float32(x)
	}
	return core.View{Buf: buf, Dtype: core.Float32, Shape: shape, Strides: core.RowMajorStrides(shape)}
}

// TestConvDirect checks the float32 convolution and its weight's
// cotangent against the definition on shapes that reach the edges of the
// direct kernels (padding on every side, partial tiles of rows and
// channels, groups, batch one, strides, flipped kernels, input dilation)
// and shapes that fall back to the GEMM path (few or odd channels), with
// the direct kernels and without them.
func TestConvDirect(t *testing.T) {
	if convKernels == nil {
		t.Log("no direct kernels on this machine: the GEMM path only")
	}
	cur, kb := convKernels, convKBytes
	defer func() { convKernels, convKBytes = cur, kb }()
	for _, set := range convKernelSets {
		convKernels, convKBytes = set, kb
		t.Run(set.name, testConvDirect)
		// The inner dimension in blocks of one kernel position.
		convKBytes = 1
		t.Run(set.name+"-blocked", testConvDirect)
		// The last kernels of each list only.
		convKernels = &convKernelSet{name: set.name, tiles: set.tiles[len(set.tiles)-1:],
			weights: set.weights[len(set.weights)-1:]}
		t.Run(set.name+"-last-blocked", testConvDirect)
	}
	convKernels, convKBytes = nil, kb
	t.Run("gemm", testConvDirect)
}

func testConvDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	p2 := func(stride, padLo, padHi, idil, groups int, flip bool) core.ConvParams {
		return core.ConvParams{Stride: []int{stride, stride}, PadLo: []int{padLo, padLo}, PadHi: []int{padHi, padHi},
			KernelDilation: []int{1, 1}, InputDilation: []int{idil, idil}, Groups: groups, Flip: flip}
	}
	cases := []struct {
		xs, ws []int
		p      core.ConvParams
	}{
		{[]int{2, 7, 9, 64}, []int{64, 3, 3, 64}, p2(1, 1, 1, 1, 1, false)},    // rows cross image rows and batches
		{[]int{1, 5, 5, 32}, []int{40, 3, 3, 32}, p2(1, 2, 2, 1, 1, true)},     // batch 1, wide padding, partial channel tile
		{[]int{1, 4, 6, 16}, []int{33, 3, 3, 16}, p2(1, 1, 0, 1, 1, false)},    // uneven padding
		{[]int{2, 6, 6, 64}, []int{16, 3, 3, 32}, p2(1, 1, 1, 1, 2, false)},    // groups
		{[]int{1, 9, 8, 32}, []int{8, 3, 3, 32}, p2(2, 1, 1, 1, 1, false)},     // stride
		{[]int{1, 4, 4, 32}, []int{32, 3, 3, 32}, p2(1, 2, 2, 2, 1, true)},     // input dilation
		{[]int{1, 6, 6, 9}, []int{12, 3, 3, 9}, p2(1, 1, 1, 1, 1, false)},      // odd channels
		{[]int{2, 5, 5, 3}, []int{8, 3, 3, 3}, p2(1, 1, 1, 1, 1, false)},       // too few channels
		{[]int{3, 8, 8, 64}, []int{64, 1, 1, 64}, p2(1, 0, 0, 1, 1, false)},    // 1x1
		{[]int{1, 13, 1, 128}, []int{24, 3, 1, 128}, p2(1, 1, 1, 1, 1, false)}, // long runs
		{[]int{2, 3, 5, 64}, []int{13, 2, 3, 64}, p2(1, 1, 0, 1, 1, false)},    // output channels past whole tiles
		{[]int{1, 3, 3, 128}, []int{14, 3, 3, 64}, p2(1, 1, 1, 1, 2, true)},    // groups of wide tiles
	}
	for _, cs := range cases {
		nd := len(cs.xs) - 2
		os := []int{cs.xs[0]}
		for j := 0; j < nd; j++ {
			d := (cs.xs[j+1]-1)*cs.p.InputDilation[j] + 1 + cs.p.PadLo[j] + cs.p.PadHi[j] - cs.ws[j+1]
			os = append(os, d/cs.p.Stride[j]+1)
		}
		os = append(os, cs.ws[0])
		rnd := func(s []int) []float64 {
			v := make([]float64, shapeSize(s))
			for i := range v {
				v[i] = float64(float32(rng.Float64()*2 - 1))
			}
			return v
		}
		x, w, g := rnd(cs.xs), rnd(cs.ws), rnd(os)
		want := naiveConv(x, w, cs.xs, cs.ws, os, cs.p)
		out := f32View(make([]float64, len(want)), os)
		if err := Backend.Conv(f32View(x, cs.xs), f32View(w, cs.ws), out, cs.p); err != nil {
			t.Fatal(err)
		}
		kred := float64(shapeSize(cs.ws[1:]))
		for i, v := range core.Data[float32](out)[:len(want)] {
			if math.Abs(float64(v)-want[i]) > 1e-5*kred {
				t.Fatalf("%v by %v: element %d is %v, want %v", cs.xs, cs.ws, i, v, want[i])
			}
		}
		// The weight's cotangent against its definition, element by
		// element: dW[o, k, c] = Σ g · (conv of x by the unit weight).
		dw := f32View(make([]float64, len(w)), cs.ws)
		if err := Backend.ConvWeights(f32View(x, cs.xs), f32View(g, os), dw, cs.p); err != nil {
			t.Fatal(err)
		}
		wantDW := naiveConvWeights(x, g, cs.xs, cs.ws, os, cs.p)
		npos := float64(shapeSize(os[:nd+1]))
		for i, v := range core.Data[float32](dw)[:len(w)] {
			if math.Abs(float64(v)-wantDW[i]) > 1e-5*npos {
				t.Fatalf("%v by %v: weight cotangent element %d is %v, want %v", cs.xs, cs.ws, i, v, wantDW[i])
			}
		}
	}
}

// naiveConvWeights is the weight's cotangent by its definition:
// dW[co, k, ci] sums g[n, o, co] times the input element that kernel
// position k and channel ci meet at output position o of batch n.
func naiveConvWeights(x, g []float64, xs, ws, os []int, p core.ConvParams) []float64 {
	nd := len(xs) - 2
	cg, og := xs[nd+1]/p.Groups, ws[0]/p.Groups
	xst, wst, ost := core.RowMajorStrides(xs), core.RowMajorStrides(ws), core.RowMajorStrides(os)
	res := make([]float64, shapeSize(ws))
	o := make([]int, nd)
	k := make([]int, nd)
	for n := 0; n < xs[0]; n++ {
		for op := 0; op < shapeSize(os[1:nd+1]); op++ {
			r := op
			for j := nd - 1; j >= 0; j-- {
				o[j] = r % os[j+1]
				r /= os[j+1]
			}
			for kp := 0; kp < shapeSize(ws[1:nd+1]); kp++ {
				r := kp
				for j := nd - 1; j >= 0; j-- {
					k[j] = r % ws[j+1]
					r /= ws[j+1]
				}
				xo, wo, ok := n*xst[0], 0, true
				for j := 0; j < nd; j++ {
					e := k[j]
					if p.Flip {
						e = ws[j+1] - 1 - e
					}
					pos := o[j]*p.Stride[j] + e*p.KernelDilation[j] - p.PadLo[j]
					if pos < 0 || pos%p.InputDilation[j] != 0 || pos/p.InputDilation[j] >= xs[j+1] {
						ok = false
						break
					}
					xo += pos / p.InputDilation[j] * xst[j+1]
					wo += k[j] * wst[j+1]
				}
				if !ok {
					continue
				}
				gofs := n*ost[0] + op*os[nd+1]
				for co := 0; co < ws[0]; co++ {
					gv := g[gofs+co]
					for ci := 0; ci < cg; ci++ {
						res[co*wst[0]+wo+ci] += gv * x[xo+co/og*cg+ci]
					}
				}
			}
		}
	}
	return res
}

func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// BenchmarkConvResNet times the float32 kernels of a ResNet 3x3 layer
// (batch 32, 64 to 64 channels, 56x56, padding 1), in wall and in CPU
// time (GFLOP per core-second), with each set of direct kernels this
// machine has and with the GEMM path: the forward
// convolution, the input's cotangent (a convolution with the flipped,
// transposed weight) and the weight's cotangent.
func BenchmarkConvResNet(b *testing.B) {
	const n, s, c = 32, 56, 64
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := func(shape ...int) core.View {
		v := make([]float64, shapeSize(shape))
		for i := range v {
			v[i] = rng.Float64()
		}
		return f32View(v, shape)
	}
	x, w, g := rnd(n, s, s, c), rnd(c, 3, 3, c), rnd(n, s, s, c)
	out := rnd(n, s, s, c)
	dw := rnd(c, 3, 3, c)
	p := core.ConvParams{Stride: []int{1, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 1},
		KernelDilation: []int{1, 1}, InputDilation: []int{1, 1}, Groups: 1}
	// The input's cotangent convolves g with the weight's channels
	// swapped and its kernel flipped.
	wt := w
	wt.Shape = []int{c, 3, 3, c}
	wt.Strides = []int{1, 3 * c, c, 3 * 3 * c}
	pt := p
	pt.Flip = true
	flops := 2.0 * n * s * s * c * c * 9
	cur := convKernels
	defer func() { convKernels = cur }()
	sets := append([]*convKernelSet{nil}, convKernelSets...)
	for _, set := range sets {
		name := "gemm-" + sgemm.name
		if set != nil {
			name = set.name
		}
		convKernels = set
		for _, bc := range []struct {
			name string
			fn   func() error
		}{
			{"forward", func() error { return Backend.Conv(x, w, out, p) }},
			{"input", func() error { return Backend.Conv(g, wt, out, pt) }},
			{"weight", func() error { return Backend.ConvWeights(x, g, dw, p) }},
		} {
			b.Run(name+"/"+bc.name, func(b *testing.B) {
				c0 := processCPU()
				for b.Loop() {
					if err := bc.fn(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu := processCPU() - c0; cpu > 0 {
					b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/core-s")
				}
			})
		}
	}
}
