package cuda

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// convCase is a convolution of an input of shape in by a weight of shape
// w; a transposed input or weight is stored with its channels (the
// weight's output channels) outermost after the batch and viewed back.
type convCase struct {
	name            string
	in, w           []int
	stride, lo, hi  []int
	kdil, idil      []int
	groups          int
	flip            bool
	transIn, transW bool
	chunkBytes      int // a smaller patch matrix, to cut the batch
	dtypes          []core.Dtype
	implicit        bool // Conv takes the implicit GEMM (conv_gemm.go)
	large           bool // too large for the host emulations
}

func (c convCase) params() core.ConvParams {
	nd := len(c.in) - 2
	or := func(v []int, d int) []int {
		if v != nil {
			return v
		}
		r := make([]int, nd)
		for i := range r {
			r[i] = d
		}
		return r
	}
	return core.ConvParams{Stride: or(c.stride, 1), PadLo: or(c.lo, 0), PadHi: or(c.hi, 0),
		KernelDilation: or(c.kdil, 1), InputDilation: or(c.idil, 1), Groups: max(c.groups, 1), Flip: c.flip}
}

// outShape is the convolution's output shape, as mx computes it.
func (c convCase) outShape(p core.ConvParams) []int {
	nd := len(c.in) - 2
	out := []int{c.in[0]}
	for j := 0; j < nd; j++ {
		span := (c.in[j+1]-1)*p.InputDilation[j] + 1 + p.PadLo[j] + p.PadHi[j] - ((c.w[j+1]-1)*p.KernelDilation[j] + 1)
		out = append(out, max(0, span/p.Stride[j]+1))
	}
	return append(out, c.w[0])
}

// noise returns n values in [-1, 1) from a fixed sequence.
func noise(n int, seed uint32) []float64 {
	v := make([]float64, n)
	x := seed*2654435761 + 12345
	for i := range v {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		v[i] = float64(x%2048)/1024 - 1
	}
	return v
}

// stored returns a host view of shape holding values, stored with
// dimension 1 and the last one swapped when trans (a strided view).
func stored(t *testing.T, dt core.Dtype, shape []int, vals []float64, trans bool) core.View {
	if !trans {
		return hostView(t, dt, shape, vals)
	}
	nd := len(shape)
	sw := append([]int(nil), shape...)
	sw[1], sw[nd-1] = sw[nd-1], sw[1]
	v := hostView(t, dt, sw, vals)
	v.Shape = shape
	v.Strides = append([]int(nil), v.Strides...)
	v.Strides[1], v.Strides[nd-1] = v.Strides[nd-1], v.Strides[1]
	return v
}

func convCases() []convCase {
	all := []core.Dtype{core.Float32, core.Float16, core.Bfloat16, core.Float64}
	f32h := []core.Dtype{core.Float32, core.Float16}
	return []convCase{
		{name: "1d_stride_pad", in: []int{2, 9, 3}, w: []int{4, 3, 3}, stride: []int{2}, lo: []int{1}, hi: []int{2}, dtypes: all},
		{name: "2d_resnet_like", in: []int{2, 7, 6, 8}, w: []int{8, 3, 3, 8}, lo: []int{1, 1}, hi: []int{1, 1}, dtypes: all},
		{name: "2d_crop_dilations", in: []int{2, 8, 7, 3}, w: []int{5, 2, 3, 3}, stride: []int{1, 2},
			lo: []int{-1, 2}, hi: []int{1, -1}, kdil: []int{2, 1}, idil: []int{1, 2}, dtypes: f32h},
		{name: "2d_groups_flip", in: []int{2, 5, 5, 4}, w: []int{6, 2, 2, 2}, groups: 2, flip: true, lo: []int{0, 1}, hi: []int{1, 0}, dtypes: f32h},
		{name: "2d_depthwise", in: []int{1, 6, 6, 4}, w: []int{4, 3, 3, 1}, groups: 4, lo: []int{1, 1}, hi: []int{1, 1}, dtypes: f32h},
		{name: "3d_flip_idil", in: []int{1, 4, 5, 3, 2}, w: []int{3, 2, 2, 2, 2}, stride: []int{1, 2, 1}, idil: []int{2, 1, 1},
			lo: []int{1, 0, 1}, hi: []int{0, 1, 1}, flip: true, dtypes: f32h},
		{name: "2d_strided_operands", in: []int{3, 5, 4, 8}, w: []int{4, 3, 2, 8}, transIn: true, transW: true, lo: []int{1, 0}, dtypes: f32h},
		{name: "2d_chunks", in: []int{5, 6, 5, 4}, w: []int{6, 3, 3, 2}, groups: 2, stride: []int{2, 1}, lo: []int{1, 1}, hi: []int{1, 1},
			chunkBytes: 1, dtypes: f32h},
		{name: "1d_empty_channels", in: []int{2, 4, 0}, w: []int{3, 2, 0}, dtypes: []core.Dtype{core.Float32}},

		// The implicit GEMM: partial tiles of positions, output channels
		// and the reduction; one kernel position per reduction tile (cg a
		// multiple of 16) or several; vector and single output stores.
		{name: "gemm_resnet", in: []int{2, 56, 56, 64}, w: []int{64, 3, 3, 64}, lo: []int{1, 1}, hi: []int{1, 1},
			dtypes: []core.Dtype{core.Float32, core.Float16, core.Bfloat16}, implicit: true, large: true},
		{name: "gemm_resnet_small", in: []int{1, 9, 10, 64}, w: []int{64, 3, 3, 64}, lo: []int{1, 1}, hi: []int{1, 1},
			dtypes: all, implicit: true},
		{name: "gemm_partial_tiles", in: []int{3, 7, 9, 12}, w: []int{70, 3, 2, 12}, lo: []int{2, 0}, hi: []int{0, 1},
			dtypes: all, implicit: true},
		{name: "gemm_stride2_dilated", in: []int{2, 11, 13, 32}, w: []int{20, 3, 3, 32}, stride: []int{2, 2},
			lo: []int{1, 3}, hi: []int{2, 0}, kdil: []int{2, 1}, dtypes: f32h, implicit: true},
		{name: "gemm_crop", in: []int{2, 9, 8, 16}, w: []int{9, 2, 3, 16}, stride: []int{1, 3},
			lo: []int{-1, 2}, hi: []int{1, -2}, kdil: []int{1, 2}, dtypes: f32h, implicit: true},
		{name: "gemm_1d", in: []int{3, 37, 8}, w: []int{5, 4, 8}, stride: []int{3}, kdil: []int{2}, lo: []int{2}, hi: []int{1},
			dtypes: all, implicit: true},
		{name: "gemm_3d_flip", in: []int{2, 5, 4, 6, 8}, w: []int{12, 3, 2, 3, 8}, lo: []int{1, 0, 2}, hi: []int{1, 1, 0},
			stride: []int{1, 2, 1}, flip: true, dtypes: f32h, implicit: true},
		{name: "gemm_groups", in: []int{2, 6, 7, 16}, w: []int{12, 3, 3, 4}, groups: 4, lo: []int{1, 1}, hi: []int{1, 1},
			dtypes: f32h, implicit: true},
		{name: "gemm_strided_weight", in: []int{2, 6, 5, 8}, w: []int{7, 3, 3, 8}, transW: true, lo: []int{1, 1}, hi: []int{1, 1},
			flip: true, dtypes: f32h, implicit: true},
		{name: "gemm_groups4", in: []int{2, 5, 6, 8}, w: []int{8, 3, 3, 4}, groups: 2, stride: []int{2, 1}, lo: []int{1, 1}, hi: []int{1, 1},
			dtypes: f32h, implicit: true},
		{name: "gemm_many_rows", in: []int{3, 17, 19, 4}, w: []int{68, 3, 3, 4}, lo: []int{1, 1}, hi: []int{1, 1},
			dtypes: []core.Dtype{core.Float32}, implicit: true},
		{name: "gemm_empty_input", in: []int{2, 0, 3, 8}, w: []int{4, 1, 2, 8}, lo: []int{1, 0}, hi: []int{1, 0},
			dtypes: []core.Dtype{core.Float32}, implicit: true},
	}
}

func TestConvAgainstCPU(t *testing.T) {
	s := testStream(t)
	for ci, c := range convCases() {
		for _, dt := range c.dtypes {
			t.Run(fmt.Sprintf("%s/%s", c.name, dtypeTag[dt]), func(t *testing.T) {
				if c.chunkBytes > 0 {
					old := convChunkBytes
					convChunkBytes = c.chunkBytes
					defer func() { convChunkBytes = old }()
				}
				p := c.params()
				oshape := c.outShape(p)
				in := stored(t, dt, c.in, noise(max(1, prod(c.in)), uint32(ci)), c.transIn)
				w := stored(t, dt, c.w, noise(max(1, prod(c.w)), uint32(ci+100)), c.transW)
				want := newHost(t, dt, oshape)
				mustCPU(t, cpu.Backend.Conv(in, w, want, p))
				got := newGPU(t, s, dt, oshape)
				tiles := []int{convTileUsed}
				if c.implicit && dt != core.Float64 {
					cs, err := newConvShape("conv", in, w, got, p)
					if err != nil {
						t.Fatal(err)
					}
					if !cs.convGemmFits(in, p) {
						t.Fatal("the implicit GEMM does not take it")
					}
					tiles = tiles[:0]
					for i := range convTiles {
						tiles = append(tiles, i)
					}
				}
				for _, tile := range tiles {
					old := convTileUsed
					convTileUsed = tile
					err := s.Conv(in, w, got, p)
					convTileUsed = old
					if err != nil {
						t.Fatal(err)
					}
					syncStream(t, s)
					compareRows(t, fmt.Sprintf("conv (tiling %v)", convTiles[tile]), got, want, convTolerance(dt, c.w))
				}

				// The weight's cotangent from a cotangent of the output's shape.
				cot := hostView(t, dt, oshape, noise(max(1, prod(oshape)), uint32(ci+200)))
				wantW := newHost(t, dt, c.w)
				mustCPU(t, cpu.Backend.ConvWeights(in, cot, wantW, p))
				gotW := newGPU(t, s, dt, c.w)
				variants := []int{convWeightsUsed}
				if c.implicit && dt != core.Float64 {
					variants = variants[:0]
					for i := range convWeightsMinBlocks {
						variants = append(variants, i)
					}
				}
				for _, v := range variants {
					old := convWeightsUsed
					convWeightsUsed = v
					err := s.ConvWeights(in, cot, gotW, p)
					convWeightsUsed = old
					if err != nil {
						t.Fatal(err)
					}
					syncStream(t, s)
					compareRows(t, "conv weights", gotW, wantW, convTolerance(dt, oshape))
				}
			})
		}
	}
}

// compareRows compares two row-major views of any shape, element by
// element (as compare does one-dimensional ones).
func compareRows(t *testing.T, what string, got, want core.View, tol float64) {
	t.Helper()
	n := prod(want.Shape)
	got.Shape, got.Strides = []int{n}, []int{1}
	want.Shape, want.Strides = []int{n}, []int{1}
	compare(t, what, got, want, tol)
}

func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// convTolerance allows for sums in another order: the terms are at most
// one, and the sums of up to a few hundred of them.
func convTolerance(dt core.Dtype, shape []int) float64 {
	terms := float64(prod(shape[1:]))
	switch dt {
	case core.Float16:
		return 2e-3 + 1e-5*terms
	case core.Bfloat16:
		return 1.6e-2 + 1e-4*terms
	case core.Float32:
		return 1e-6 * terms
	}
	return 1e-14 * terms
}

func TestHadamardAgainstCPU(t *testing.T) {
	s := testStream(t)
	dts := []core.Dtype{core.Float32, core.Float16, core.Bfloat16, core.Float64}
	for _, dt := range dts {
		for _, shape := range [][]int{{3, 1}, {5, 2}, {4, 16}, {3, 1024}, {2, 8192}, {2, 16384}, {1, 1 << 16}, {2, 3, 64}} {
			for _, scale := range []float64{1, 1 / math.Sqrt(float64(shape[len(shape)-1]))} {
				t.Run(fmt.Sprintf("%s/%v/%g", dtypeTag[dt], shape, scale), func(t *testing.T) {
					vals := noise(prod(shape), uint32(len(shape)))
					if shape[len(shape)-1] == 16 {
						vals = testValues // NaN and infinities
					}
					in := hostView(t, dt, shape, vals)
					want := newHost(t, dt, shape)
					mustCPU(t, cpu.Backend.Hadamard(in, want, scale))
					got := newGPU(t, s, dt, shape)
					if err := s.Hadamard(in, got, scale); err != nil {
						t.Fatal(err)
					}
					syncStream(t, s)
					// The same operations in the same order: equal results.
					compareRows(t, "hadamard", got, want, 0)
				})
			}
		}
	}
}

// BenchmarkConvResNet is a ResNet convolution: batch 32, 56×56, 64 to 64
// channels, 3×3 kernel, padding 1, float32; each op is synchronized.
// conv runs the forward product with each tiling of the implicit GEMM and
// through im2col; input_cotangent is the convolution that gives the
// input's cotangent (the weight's channels swapped, as a strided view,
// and flipped); weights is the weight's cotangent, with each launch
// bound of its implicit GEMM and through im2col.
func BenchmarkConvResNet(b *testing.B) {
	s := smokeStream(b)
	gpu := func(shape []int) core.View {
		n := prod(shape)
		buf, err := s.Alloc(4*n, core.Host)
		if err != nil {
			b.Fatal(err)
		}
		v := core.View{Buf: buf, Dtype: core.Float32, Shape: shape, Strides: core.RowMajorStrides(shape)}
		p, err := s.operand(v)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Memset(p, 0, 4*n); err != nil {
			b.Fatal(err)
		}
		return v
	}
	in, w, out := gpu([]int{32, 56, 56, 64}), gpu([]int{64, 3, 3, 64}), gpu([]int{32, 56, 56, 64})
	p := core.ConvParams{Stride: []int{1, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 1},
		KernelDilation: []int{1, 1}, InputDilation: []int{1, 1}, Groups: 1}
	// The input's cotangent: out convolved with w's channels swapped, flipped.
	wT := w
	wT.Shape = []int{64, 3, 3, 64}
	wT.Strides = []int{1, 3 * 64, 64, 9 * 64}
	pT := p
	pT.Flip = true
	type bench struct {
		name          string
		tile, weights int  // indices in convTiles and convWeightsMinBlocks
		im2col        bool // the implicit GEMMs off
		run           func() error
	}
	conv := func() error { return s.Conv(in, w, out, p) }
	inputCot := func() error { return s.Conv(out, wT, in, pT) }
	weights := func() error { return s.ConvWeights(in, out, w, p) }
	var cases []bench
	for i, t := range convTiles {
		cases = append(cases, bench{fmt.Sprintf("conv/bk%d_mb%d", t.bk, t.minBlocks), i, convWeightsUsed, false, conv})
	}
	cases = append(cases,
		bench{"conv/im2col", convTileUsed, convWeightsUsed, true, conv},
		bench{"input_cotangent/gemm", convTileUsed, convWeightsUsed, false, inputCot},
		bench{"input_cotangent/im2col", convTileUsed, convWeightsUsed, true, inputCot},
		bench{"weights/im2col", convTileUsed, convWeightsUsed, true, weights},
	)
	for i, mb := range convWeightsMinBlocks {
		cases = append(cases, bench{fmt.Sprintf("weights/gemm_mb%d", mb), convTileUsed, i, false, weights})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			// A sub-benchmark runs on its own goroutine: bind it too.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if err := s.Device().BindThread(); err != nil {
				b.Fatal(err)
			}
			oldTile, oldWeights, oldIm2 := convTileUsed, convWeightsUsed, convIm2colOnly
			convTileUsed, convWeightsUsed, convIm2colOnly = c.tile, c.weights, c.im2col
			defer func() { convTileUsed, convWeightsUsed, convIm2colOnly = oldTile, oldWeights, oldIm2 }()
			run := func() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
				if err := s.Synchronize(); err != nil {
					b.Fatal(err)
				}
			}
			run()
			b.ResetTimer()
			for range b.N {
				run()
			}
			b.ReportMetric(2*32*56*56*64*9*64*float64(b.N)/b.Elapsed().Seconds()/1e12, "TFLOP/s")
		})
	}
}
