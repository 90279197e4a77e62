package cuda

import (
	"fmt"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// scanValues are inputs whose float sums and products are exact in any
// order (quarters; powers of two whose runs of four multiply to one;
// complex numbers of parts -1, 0 and 1), so that the GPU's order of
// combining matches the CPU's sequential one; max and min get NaN and
// infinities too, as does log-add-exp on short lines.
func scanValues(op core.ScanOp, dt core.Dtype, long bool) []float64 {
	switch {
	case op == core.ScanSum:
		return []float64{0.25, -1.5, 2, 3.75, -0.5, 1, 0, -3}
	case op == core.ScanProd && dt == core.Complex64:
		return []float64{1, 0, -1, 1}
	case op == core.ScanProd:
		return []float64{2, -0.5, 0.5, -2}
	case op == core.ScanLogAddExp && long:
		return randomValues(37, 5, 9)
	}
	return testValues
}

type scanCase struct {
	name  string
	shape []int
	axis  int
	trans bool // read the input through swapped last two axes
}

var scanCases = []scanCase{
	{"warp rows", []int{7, 50}, 1, false},
	{"block rows", []int{7, 300}, 1, false},
	{"columns", []int{300, 7}, 0, false},
	{"middle axis", []int{3, 4, 5}, 1, false},
	{"transposed", []int{9, 40}, 1, true},
	{"long row", []int{1, 100000}, 1, false},
	{"long columns", []int{100000, 3}, 0, false},
	{"long transposed", []int{2, 30000}, 1, true},
}

func TestScanAll(t *testing.T) {
	s := testStream(t)
	for _, c := range scanCases {
		for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
			for op := core.ScanSum; op <= core.ScanLogAddExp; op++ {
				if !scanSupports(op, dt) {
					continue
				}
				n := c.shape[c.axis]
				if dt == core.Complex64 && op == core.ScanProd && n > 64 {
					continue // the products' parts would no longer be exact
				}
				in := sortCase{shape: c.shape, axis: c.axis, vals: scanValues(op, dt, n > 1000), trans: c.trans}.input(t, dt)
				odt := scanOutType(op, dt)
				tol := tolerance(odt)
				if op == core.ScanLogAddExp && dt == core.Float64 {
					tol = 1e-11 // rounding errors add up differently along long lines
				}
				for _, reverse := range []bool{false, true} {
					for _, inclusive := range []bool{true, false} {
						want, got := newHost(t, odt, c.shape), newGPU(t, s, odt, c.shape)
						mustCPU(t, cpu.Backend.Scan(op, c.axis, reverse, inclusive, in, want))
						if err := s.Scan(op, c.axis, reverse, inclusive, in, got); err != nil {
							t.Fatalf("scan %d of %s, %s: %v", op, ctype[dt], c.name, err)
						}
						compare(t, fmt.Sprintf("scan %d of %s, %s, reverse %v inclusive %v", op, ctype[dt], c.name, reverse, inclusive), got, want, tol)
					}
				}
			}
		}
	}
	if err := s.Scan(core.ScanMax, 0, false, true, hostView(t, core.Complex64, []int{3}, testValues), newGPU(t, s, core.Complex64, []int{3})); err == nil {
		t.Error("cummax of complex64 gave no error")
	}
}

// BenchmarkScanGPU16M is the running sum of one line of 16M float32.
func BenchmarkScanGPU16M(b *testing.B) {
	s := smokeStream(b)
	const n = 1 << 24
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(i%7) * 0.25
	}
	in := hostF32(b, xs)
	buf, err := s.Alloc(4*n, core.Host)
	if err != nil {
		b.Fatal(err)
	}
	out := core.View{Buf: buf, Dtype: core.Float32, Shape: []int{n}, Strides: []int{1}}
	run := func() {
		if err := s.Scan(core.ScanSum, 0, false, true, in, out); err != nil {
			b.Fatal(err)
		}
		if err := s.Synchronize(); err != nil {
			b.Fatal(err)
		}
	}
	run()
	b.SetBytes(8 * n)
	b.ResetTimer()
	for range b.N {
		run()
	}
}
