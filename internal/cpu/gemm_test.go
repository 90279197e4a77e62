package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// testOperand is a strided view filled with random values, and the float64
// value of each of its elements by logical index.
type testOperand struct {
	v    core.View
	vals []float64 // row-major over v.Shape
}

// layouts of a test operand's last two dimensions.
const (
	layoutRow      = iota // row-major, rows padded
	layoutCol             // column-major (a transposed view)
	layoutReversed        // row-major with the rows in reverse order (negative stride)
)

// newTestOperand makes a view of shape with the given layout of its matrix
// dimensions; batch dimensions listed in bcast have stride zero.
func newTestOperand(rng *rand.Rand, dt core.Dtype, shape []int, layout int, bcast map[int]bool) testOperand {
	nd := len(shape)
	r, c := shape[nd-2], shape[nd-1]
	strides := make([]int, nd)
	offset := 3
	var rs, cs, span int
	switch layout {
	case layoutRow:
		rs, cs, span = c+2, 1, r*(c+2)
	case layoutCol:
		rs, cs, span = 1, r+1, c*(r+1)
	case layoutReversed:
		rs, cs, span = -c, 1, r*c
		offset += (r - 1) * c
	}
	strides[nd-2], strides[nd-1] = rs, cs
	step := span + 1
	for d := nd - 3; d >= 0; d-- {
		if bcast[d] {
			continue
		}
		strides[d] = step
		step *= shape[d]
	}
	total := step + offset + span + 8
	buf, err := core.Host.Alloc(total * dt.Size())
	if err != nil {
		panic(err)
	}
	v := core.View{Buf: buf, Dtype: dt, Shape: shape, Strides: strides, Offset: offset}
	raw := make([]float64, total)
	for i := range raw {
		raw[i] = math.Round(rng.Float64()*16-8) / 4 // exact in every float type
	}
	for i, x := range raw {
		setElem(v, i, x)
	}
	n := v.Size()
	vals := make([]float64, n)
	idx := make([]int, nd)
	for t := range vals {
		o := offset
		for d := range idx {
			o += idx[d] * strides[d]
		}
		vals[t] = raw[o]
		for d := nd - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return testOperand{v, vals}
}

// setElem stores x at element i of v's buffer.
func setElem(v core.View, i int, x float64) {
	switch v.Dtype {
	case core.Float32:
		core.All[float32](v)[i] = float32(x)
	case core.Float64:
		core.All[float64](v)[i] = x
	case core.Float16:
		core.All[core.F16](v)[i] = core.F16FromFloat64(x)
	case core.Bfloat16:
		core.All[core.BF16](v)[i] = core.BF16FromFloat64(x)
	case core.Int32:
		core.All[int32](v)[i] = int32(x * 4)
	case core.Complex64:
		core.All[complex64](v)[i] = complex(float32(x), float32(-x/2))
	}
}

// getElem reads element i of a row-major view as float64 (complex: real part).
func getElem(v core.View, i int) complex128 {
	switch v.Dtype {
	case core.Float32:
		return complex(float64(core.All[float32](v)[i]), 0)
	case core.Float64:
		return complex(core.All[float64](v)[i], 0)
	case core.Float16:
		return complex(float64(core.All[core.F16](v)[i].Float32()), 0)
	case core.Bfloat16:
		return complex(float64(core.All[core.BF16](v)[i].Float32()), 0)
	case core.Int32:
		return complex(float64(core.All[int32](v)[i]), 0)
	case core.Complex64:
		return complex128(core.All[complex64](v)[i])
	}
	panic("dtype")
}

// elemValue is the value an operand's element holds in dtype dt.
func elemValue(dt core.Dtype, x float64) complex128 {
	switch dt {
	case core.Int32:
		return complex(x*4, 0)
	case core.Complex64:
		return complex(x, -x/2)
	}
	return complex(x, 0)
}

func newOut(dt core.Dtype, shape []int) core.View {
	n := 1
	for _, d := range shape {
		n *= d
	}
	buf, err := core.Host.Alloc(n * dt.Size())
	if err != nil {
		panic(err)
	}
	out := core.View{Buf: buf, Dtype: dt, Shape: shape, Strides: core.RowMajorStrides(shape)}
	for i := 0; i < n; i++ {
		setElem(out, i, math.NaN()) // garbage the kernel must not read
	}
	return out
}

type gemmCase struct {
	batch      []int
	m, n, k    int
	la, lb     int
	bcastA     map[int]bool
	bcastB     map[int]bool
	withC      bool
	alpha, bet float64
}

func runGemmCase(t *testing.T, rng *rand.Rand, dt core.Dtype, tc gemmCase) {
	t.Helper()
	sa := append(append([]int{}, tc.batch...), tc.m, tc.k)
	sb := append(append([]int{}, tc.batch...), tc.k, tc.n)
	so := append(append([]int{}, tc.batch...), tc.m, tc.n)
	a := newTestOperand(rng, dt, sa, tc.la, tc.bcastA)
	b := newTestOperand(rng, dt, sb, tc.lb, tc.bcastB)
	out := newOut(dt, so)
	var c *testOperand
	var cv *core.View
	if tc.withC {
		co := newTestOperand(rng, dt, so, layoutCol, nil)
		c, cv = &co, &co.v
	}
	if err := Backend.Matmul(a.v, b.v, out, cv, tc.alpha, tc.bet); err != nil {
		t.Fatal(err)
	}
	batches := 1
	for _, d := range tc.batch {
		batches *= d
	}
	tol := 1e-5
	switch dt {
	case core.Float16:
		tol = 2e-3
	case core.Bfloat16:
		tol = 1e-2
	case core.Float64, core.Int32:
		tol = 1e-12
	}
	for bt := 0; bt < batches; bt++ {
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				var s complex128
				for p := 0; p < tc.k; p++ {
					s += elemValue(dt, a.vals[(bt*tc.m+i)*tc.k+p]) * elemValue(dt, b.vals[(bt*tc.k+p)*tc.n+j])
				}
				want := complex(tc.alpha, 0) * s
				if c != nil && tc.bet != 0 {
					want += complex(tc.bet, 0) * elemValue(dt, c.vals[(bt*tc.m+i)*tc.n+j])
				}
				got := getElem(out, (bt*tc.m+i)*tc.n+j)
				scale := math.Max(1, math.Sqrt(float64(tc.k))*4)
				if math.Abs(real(got-want)) > tol*scale || math.Abs(imag(got-want)) > tol*scale {
					t.Fatalf("%v batch %d (%d,%d): got %v, want %v", tc, bt, i, j, got, want)
				}
			}
		}
	}
}

// forEachKernel runs f once with each pair of float32 and float64 GEMM
// kernels this machine can run in use.
func forEachKernel(t *testing.T, f func(t *testing.T)) {
	s, d := sgemm, dgemm
	defer func() { sgemm, dgemm = s, d }()
	for i := range sgemmAll {
		sgemm, dgemm = *sgemmAll[i], *dgemmAll[i]
		t.Run(sgemm.name, f)
	}
}

func TestGemmShapes(t *testing.T) { forEachKernel(t, testGemmShapes) }

func testGemmShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 17, 33, 64, 129}
	for _, dt := range []core.Dtype{core.Float32, core.Float64} {
		for _, m := range sizes {
			for _, n := range sizes {
				k := sizes[rng.IntN(len(sizes))]
				la, lb := rng.IntN(3), rng.IntN(3)
				runGemmCase(t, rng, dt, gemmCase{m: m, n: n, k: k, la: la, lb: lb, alpha: 1})
			}
		}
	}
}

func TestGemmBlocking(t *testing.T) { forEachKernel(t, testGemmBlocking) }

func testGemmBlocking(t *testing.T) {
	// Sizes past the cache blocks (mc, kc, nc) with edges in every block.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dt := range []core.Dtype{core.Float32, core.Float64, core.Float16, core.Bfloat16, core.Complex64} {
		for _, tc := range []gemmCase{
			{m: 300, n: 37, k: 600, la: layoutRow, lb: layoutRow, alpha: 1},
			{m: 13, n: 2100, k: 257, la: layoutCol, lb: layoutRow, alpha: 1},
			{m: 257, n: 130, k: 300, la: layoutReversed, lb: layoutCol, alpha: 0.5, withC: true, bet: 2},
			// Matrix times vector, split over the cores.
			{m: 1000, n: 1, k: 300, la: layoutRow, lb: layoutRow, alpha: 1},
			{m: 1000, n: 1, k: 300, la: layoutCol, lb: layoutCol, alpha: 2, withC: true, bet: 1},
			{m: 1, n: 1000, k: 300, la: layoutRow, lb: layoutRow, alpha: 1, withC: true, bet: -1},
			{m: 1, n: 1000, k: 300, la: layoutReversed, lb: layoutCol, alpha: 1},
		} {
			t.Run(fmt.Sprint(dt, tc.m, tc.n, tc.k), func(t *testing.T) { runGemmCase(t, rng, dt, tc) })
		}
	}
}

func TestGemmBatches(t *testing.T) { forEachKernel(t, testGemmBatches) }

func testGemmBatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dt := range []core.Dtype{core.Float32, core.Float64, core.Float16, core.Bfloat16, core.Int32, core.Complex64} {
		for _, tc := range []gemmCase{
			{batch: []int{3}, m: 5, n: 6, k: 7, alpha: 1},
			{batch: []int{2, 3}, m: 33, n: 9, k: 17, la: layoutCol, lb: layoutReversed, alpha: 1},
			{batch: []int{4, 2}, m: 8, n: 9, k: 10, bcastB: map[int]bool{0: true, 1: true}, alpha: 1},                // one tall GEMM
			{batch: []int{4, 2}, m: 8, n: 9, k: 10, la: layoutCol, bcastB: map[int]bool{0: true, 1: true}, alpha: 1}, // not foldable
			{batch: []int{5, 3}, m: 70, n: 80, k: 90, bcastA: map[int]bool{1: true}, bcastB: map[int]bool{0: true}, alpha: 1},
			{batch: []int{3}, m: 200, n: 100, k: 50, la: layoutCol, alpha: 1}, // each matrix split
			{batch: []int{3}, m: 7, n: 300, k: 200, lb: layoutCol, alpha: 1},
			{batch: []int{3}, m: 4, n: 5, k: 0, withC: true, alpha: 1, bet: 3},
			{batch: []int{2}, m: 4, n: 5, k: 0, alpha: 1},
			{batch: []int{2}, m: 9, n: 10, k: 11, withC: true, alpha: 2, bet: 0.5},
			{batch: []int{2}, m: 9, n: 10, k: 11, withC: true, alpha: 1, bet: 0},
		} {
			if dt == core.Int32 && tc.bet != math.Trunc(tc.bet) {
				continue // integer kernels take integer scales
			}
			t.Run(fmt.Sprint(dt, tc.batch, tc.m, tc.n, tc.k), func(t *testing.T) { runGemmCase(t, rng, dt, tc) })
		}
	}
}

func TestGemmVectorKernels(t *testing.T) {
	for i := range sgemmAll {
		s, d := sgemmAll[i], dgemmAll[i]
		for n := 0; n < 70; n++ {
			x32, y32 := make([]float32, n+1), make([]float32, n+1)
			x64, y64 := make([]float64, n+1), make([]float64, n+1)
			var want float64
			for j := 0; j < n; j++ {
				x32[j], y32[j] = float32(j%5)-2, float32(j%7)+1
				x64[j], y64[j] = float64(x32[j]), float64(y32[j])
				want += x64[j] * y64[j]
			}
			if got := s.dot(x32[:n], y32); float64(got) != want {
				t.Errorf("%s sdot n=%d: got %v, want %v", s.name, n, got, want)
			}
			if got := d.dot(x64[:n], y64); got != want {
				t.Errorf("%s ddot n=%d: got %v, want %v", d.name, n, got, want)
			}
			s.axpy(2, x32[:n], y32)
			d.axpy(2, x64[:n], y64)
			for j := 0; j <= n; j++ {
				w := float64(j%7) + 1
				if j < n {
					w += 2 * (float64(j%5) - 2)
				}
				if j == n {
					w = 0 // past the end: untouched
				}
				if float64(y32[j]) != w || y64[j] != w {
					t.Fatalf("%s axpy n=%d element %d: got %v and %v, want %v", s.name, n, j, y32[j], y64[j], w)
				}
			}
		}
	}
}

func TestGemmEmpty(t *testing.T) {
	for _, shape := range [][3]int{{0, 3, 4}, {3, 0, 4}} {
		a := newOut(core.Float32, []int{shape[0], shape[2]})
		b := newOut(core.Float32, []int{shape[2], shape[1]})
		out := newOut(core.Float32, []int{shape[0], shape[1]})
		if err := Backend.Matmul(a, b, out, nil, 1, 0); err != nil {
			t.Fatal(err)
		}
	}
}

func benchGemm[T gemmFloat](b *testing.B, cfg *gemmConfig[T], n int) {
	data := func() []T {
		x := make([]T, n*n)
		for i := range x {
			x[i] = T(i%7) - 3
		}
		return x
	}
	a := matrix[T]{data: data(), rs: n, cs: 1}
	bm := matrix[T]{data: data(), rs: n, cs: 1}
	c := make([]T, n*n)
	j := &gemmJob[T, T]{cfg: cfg, m: n, n: n, k: n, alpha: 1, a: a, b: bm, aOffs: []int{0}, bOffs: []int{0}, c: c}
	for b.Loop() {
		j.run()
	}
	b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm1024 measures the blocked float32 GEMM on both cores, with
// each micro-kernel this machine can run.
func BenchmarkSgemm1024(b *testing.B) {
	for _, cfg := range sgemmAll {
		b.Run(cfg.name, func(b *testing.B) { benchGemm(b, cfg, 1024) })
	}
}

// BenchmarkDgemm1024 measures the blocked float64 GEMM on both cores.
func BenchmarkDgemm1024(b *testing.B) {
	for _, cfg := range dgemmAll {
		b.Run(cfg.name, func(b *testing.B) { benchGemm(b, cfg, 1024) })
	}
}

// BenchmarkSgemmKernel measures each float32 micro-kernel alone, its
// panels in the L1 cache.
func BenchmarkSgemmKernel(b *testing.B) {
	for _, cfg := range sgemmAll {
		b.Run(cfg.name, func(b *testing.B) {
			kc := cfg.kc
			ap := make([]float32, cfg.mr*kc)
			bp := make([]float32, cfg.nr*kc)
			c := make([]float32, cfg.mr*cfg.nr)
			for b.Loop() {
				cfg.kernel(kc, ap, bp, c, cfg.nr, 1, 0)
			}
			b.ReportMetric(2*float64(cfg.mr*cfg.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkPack measures packing a 1024×256 block of a row-major
// 1024×1024 matrix as A (rows of mr) and as B (columns of nr) for the
// float32 kernel in use.
func BenchmarkPack(b *testing.B) {
	const n, kc = 1024, 256
	x := make([]float32, n*n)
	dst := make([]float32, roundUp(n, 96)*kc)
	b.Run("A", func(b *testing.B) {
		m := matrix[float32]{data: x, rs: n, cs: 1}
		for b.Loop() {
			packPanels(dst, m, n, kc, sgemm.mr)
		}
		b.ReportMetric(float64(n*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
	})
	b.Run("B", func(b *testing.B) {
		m := matrix[float32]{data: x, rs: n, cs: 1}
		for b.Loop() {
			packPanels(dst, m.t(), n, kc, sgemm.nr)
		}
		b.ReportMetric(float64(n*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
	})
}
