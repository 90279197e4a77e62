package cuda

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// gatherCase is one gather: index views (of any integer type and strides),
// the axes they index and the block's shape.
type gatherCase struct {
	name       string
	idx        func(t *testing.T) []core.View
	axes       []int
	sliceSizes []int
}

func idxView(t *testing.T, dt core.Dtype, shape []int, vals ...float64) core.View {
	return gView(t, dt, shape, vals)
}

// gView is a row-major host view of shape and type dt holding vals
// (cycled), made by hostView as one dimension.
func gView(t *testing.T, dt core.Dtype, shape []int, vals []float64) core.View {
	v := hostView(t, dt, []int{shapeSize(shape)}, vals)
	v.Shape, v.Strides = shape, core.RowMajorStrides(shape)
	return v
}

func gatherCases() []gatherCase {
	return []gatherCase{
		{"rows", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Int32, []int{7}, 0, 4, -1, 2, 2, -5, 3)}
		}, []int{0}, []int{1, 6, 4}},
		{"rows of a 2-d index", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Uint16, []int{2, 3}, 4, 0, 1, 1, 3, 2)}
		}, []int{0}, []int{1, 6, 4}},
		{"two axes, broadcast index", func(t *testing.T) []core.View {
			a := idxView(t, core.Int64, []int{3, 2}, 0, -1, 2, 4, -5, 1)
			b := idxView(t, core.Uint8, []int{2}, 3, 0)
			b.Shape, b.Strides = []int{3, 2}, []int{0, 1}
			return []core.View{a, b}
		}, []int{0, 2}, []int{1, 6, 1}},
		{"blocks of several runs", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Int16, []int{3}, 0, 3, -3)}
		}, []int{1}, []int{5, 3, 4}},
		{"one element each, reversed index", func(t *testing.T) []core.View {
			a := idxView(t, core.Int8, []int{4}, 1, -2, 3, 0)
			a.Strides, a.Offset = []int{-1}, 3
			b := idxView(t, core.Uint64, []int{4}, 5, 0, 2, 4)
			c := idxView(t, core.Uint32, []int{4}, 3, 1, 0, 2)
			return []core.View{a, b, c}
		}, []int{0, 1, 2}, []int{1, 1, 1}},
		{"no index arrays", func(t *testing.T) []core.View { return nil }, nil, []int{2, 3, 4}},
	}
}

// gatherSources returns a (5, 6, 4) source of type dt: packed, and as a
// view of a (4, 6, 5) array with its axes reversed, from offset 0.
func gatherSources(t *testing.T, dt core.Dtype) []core.View {
	vals := make([]float64, 120)
	for i := range vals {
		vals[i] = testValues[i%len(testValues)] + float64(i/len(testValues))
	}
	a := gView(t, dt, []int{5, 6, 4}, vals)
	b := gView(t, dt, []int{4, 6, 5}, vals)
	b.Shape, b.Strides = []int{5, 6, 4}, []int{1, 5, 30}
	// A source at an odd offset, so that rows cannot move in 16 bytes.
	c := gView(t, dt, []int{121}, append([]float64{9}, vals...))
	c.Shape, c.Strides, c.Offset = []int{5, 6, 4}, []int{24, 4, 1}, 1
	return []core.View{a, b, c}
}

func TestGather(t *testing.T) {
	s := testStream(t)
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		for si, src := range gatherSources(t, dt) {
			for _, c := range gatherCases() {
				idx := c.idx(t)
				var ishape []int
				if len(idx) > 0 {
					ishape = idx[0].Shape
				}
				shape := append(slices.Clone(ishape), c.sliceSizes...)
				want, got := newHost(t, dt, shape), newGPU(t, s, dt, shape)
				mustCPU(t, cpu.Backend.Gather(src, idx, c.axes, c.sliceSizes, want))
				if err := s.Gather(src, idx, c.axes, c.sliceSizes, got); err != nil {
					t.Fatalf("gather %s of %s: %v", c.name, ctype[dt], err)
				}
				syncStream(t, s)
				compare(t, fmt.Sprintf("gather %s of %s (source %d)", c.name, ctype[dt], si), got, want, 0)
			}
		}
	}
}

// TestGatherWide gathers rows of several lengths and alignments, from an
// index of more than eight arrays, and with many positions.
func TestGatherWide(t *testing.T) {
	s := testStream(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cols := range []int{1, 3, 64, 1000, 1027} {
		rows := 300
		vals := make([]float64, rows*cols)
		for i := range vals {
			vals[i] = float64(i)
		}
		src := gView(t, core.Float32, []int{rows, cols}, vals)
		iv := make([]float64, 5000)
		for i := range iv {
			iv[i] = float64(rng.IntN(2*rows) - rows)
		}
		idx := []core.View{idxView(t, core.Int64, []int{len(iv)}, iv...)}
		shape := []int{len(iv), 1, cols}
		want, got := newHost(t, core.Float32, shape), newGPU(t, s, core.Float32, shape)
		mustCPU(t, cpu.Backend.Gather(src, idx, []int{0}, []int{1, cols}, want))
		if err := s.Gather(src, idx, []int{0}, []int{1, cols}, got); err != nil {
			t.Fatal(err)
		}
		compare(t, fmt.Sprintf("gather of rows of %d", cols), got, want, 0)
	}
	// Ten axes, each indexed.
	shape := slices.Repeat([]int{2}, 10)
	vals := make([]float64, 1024)
	for i := range vals {
		vals[i] = float64(i)
	}
	src := gView(t, core.Int32, shape, vals)
	var idx []core.View
	for k := range 10 {
		idx = append(idx, idxView(t, core.Int32, []int{6}, float64(k%2), 1, 0, -1, -2, float64((k/2)%2)))
	}
	axes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	ones := slices.Repeat([]int{1}, 10)
	oshape := append([]int{6}, ones...)
	want, got := newHost(t, core.Int32, oshape), newGPU(t, s, core.Int32, oshape)
	mustCPU(t, cpu.Backend.Gather(src, idx, axes, ones, want))
	if err := s.Gather(src, idx, axes, ones, got); err != nil {
		t.Fatal(err)
	}
	compare(t, "gather with ten index arrays", got, want, 0)
}

// scatterCase is one scatter into a (5, 6) array.
type scatterCase struct {
	name  string
	idx   func(t *testing.T) []core.View
	axes  []int
	block []int
	bcast bool // updates broadcast along the index dimensions
}

func scatterCases() []scatterCase {
	return []scatterCase{
		{"rows with repeats", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Int32, []int{8}, 1, 3, 1, -1, 0, 3, 3, 2)}
		}, []int{0}, []int{1, 6}, false},
		{"overlapping blocks", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Uint8, []int{4}, 0, 2, 1, 2)}
		}, []int{1}, []int{5, 3}, false},
		{"elements with repeats", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Int64, []int{2, 3}, 0, 4, 0, -1, 4, 0),
				idxView(t, core.Int16, []int{2, 3}, 5, 1, 5, 2, 1, -1)}
		}, []int{0, 1}, []int{1, 1}, false},
		{"broadcast updates", func(t *testing.T) []core.View {
			return []core.View{idxView(t, core.Uint32, []int{5}, 2, 2, 0, 4, 2)}
		}, []int{0}, []int{1, 6}, true},
	}
}

func TestScatter(t *testing.T) {
	s := testStream(t)
	srcVals := []float64{1, -2, 3, 0.5, math.NaN(), 4, -1, 2, math.Inf(-1), 0, 7}
	updVals := []float64{2, -1, 0.5, 3, 1, math.NaN(), -4, 2, 5, math.Inf(1), -0.5, 1}
	// Complex products with infinities depend on the order of the factors.
	finite := []float64{1, -2, 3, 0.5, 4, -1, 2, 0, 7, 1.5}
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		for r := core.ScatterNone; r <= core.ScatterMin; r++ {
			if !scatterSupports(r, dt) {
				continue
			}
			srcVals, updVals := srcVals, updVals
			if dt == core.Complex64 && r == core.ScatterProd {
				srcVals, updVals = finite, finite[2:]
			}
			src := gView(t, dt, []int{5, 6}, srcVals)
			for _, c := range scatterCases() {
				idx := c.idx(t)
				ishape := idx[0].Shape
				ushape := append(slices.Clone(ishape), c.block...)
				upd := gView(t, dt, ushape, updVals)
				if c.bcast {
					upd = gView(t, dt, c.block, updVals)
					upd.Shape = ushape
					upd.Strides = append(make([]int, len(ishape)), upd.Strides...)
				}
				want, got := newHost(t, dt, src.Shape), newGPU(t, s, dt, src.Shape)
				mustCPU(t, cpu.Backend.Scatter(r, src, idx, upd, c.axes, want))
				if err := s.Scatter(r, src, idx, upd, c.axes, got); err != nil {
					t.Fatalf("scatter %v %s of %s: %v", r, c.name, ctype[dt], err)
				}
				syncStream(t, s)
				compare(t, fmt.Sprintf("scatter %v %s of %s", r, c.name, ctype[dt]), got, want, tolerance(dt))
			}
		}
	}
	c64 := gView(t, core.Complex64, []int{2}, finite)
	idx := []core.View{idxView(t, core.Int32, []int{1}, 0)}
	if err := s.Scatter(core.ScatterMax, c64, idx, gView(t, core.Complex64, []int{1, 1}, finite), []int{0}, newGPU(t, s, core.Complex64, []int{2})); err == nil {
		t.Error("scatter max of complex64 gave no error")
	}
}

// TestScatterNoneLastWins scatters many updates onto few rows: the last in
// row-major order must win every time.
func TestScatterNoneLastWins(t *testing.T) {
	s := testStream(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const rows, cols, n = 7, 33, 20000
	iv := make([]float64, n)
	for i := range iv {
		iv[i] = float64(rng.IntN(rows))
	}
	uv := make([]float64, n*cols)
	for i := range uv {
		uv[i] = float64(i)
	}
	src := gView(t, core.Float32, []int{rows, cols}, []float64{-1})
	idx := []core.View{idxView(t, core.Int32, []int{n}, iv...)}
	upd := gView(t, core.Float32, []int{n, 1, cols}, uv)
	want, got := newHost(t, core.Float32, src.Shape), newGPU(t, s, core.Float32, src.Shape)
	mustCPU(t, cpu.Backend.Scatter(core.ScatterNone, src, idx, upd, []int{0}, want))
	for range 3 {
		if err := s.Scatter(core.ScatterNone, src, idx, upd, []int{0}, got); err != nil {
			t.Fatal(err)
		}
		compare(t, "scatter of repeated rows", got, want, 0)
	}
	// Sums of many repeats, exact in float32.
	for i := range uv {
		uv[i] = float64(i % 4096)
	}
	upd = gView(t, core.Float32, []int{n, 1, cols}, uv)
	mustCPU(t, cpu.Backend.Scatter(core.ScatterSum, src, idx, upd, []int{0}, want))
	if err := s.Scatter(core.ScatterSum, src, idx, upd, []int{0}, got); err != nil {
		t.Fatal(err)
	}
	compare(t, "scatter sum of repeated rows", got, want, 0)
}

func TestMaskCount(t *testing.T) {
	s := testStream(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		shape []int
		inner int
		tr    bool
	}{{[]int{3, 37}, 37, false}, {[]int{4, 10000}, 10000, false}, {[]int{1, 100003}, 100003, false},
		{[]int{6, 7}, 42, true}, {[]int{2, 3, 5}, 15, true}, {[]int{1000, 3}, 3, false}} {
		n := shapeSize(c.shape)
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = float64(rng.IntN(2))
		}
		mask := gView(t, core.Bool, c.shape, vals)
		if c.tr { // the same elements read with the axes reversed
			rev := slices.Clone(c.shape)
			slices.Reverse(rev)
			mask = gView(t, core.Bool, rev, vals)
			mask.Shape = c.shape
			mask.Strides = slices.Clone(mask.Strides)
			slices.Reverse(mask.Strides)
		}
		want, got := newHost(t, core.Int32, c.shape), newGPU(t, s, core.Int32, c.shape)
		mustCPU(t, cpu.Backend.MaskCount(mask, c.inner, want))
		if err := s.MaskCount(mask, c.inner, got); err != nil {
			t.Fatal(err)
		}
		compare(t, fmt.Sprintf("mask count %v in rows of %d", c.shape, c.inner), got, want, 0)
	}
}

// TestIndexOutOfRange checks that bad indices are skipped and come back
// from the next Synchronize as the CPU's error.
func TestIndexOutOfRange(t *testing.T) {
	s := testStream(t)
	src := gView(t, core.Float32, []int{5, 3}, []float64{1, 2, 3})
	out := newGPU(t, s, core.Float32, []int{3, 1, 3})
	for _, c := range []struct {
		idx    core.View
		block  []int
		axis   int
		scat   bool
		prefix string
		want   string
	}{
		{idxView(t, core.Int32, []int{3}, 0, 7, 1), []int{1, 3}, 0, false, "gather", "index 7 is out of range for axis 0 of size 5"},
		{idxView(t, core.Int64, []int{3}, -6, 0, 1), []int{1, 3}, 0, false, "gather", "index -6 is out of range for axis 0 of size 5"},
		{idxView(t, core.Uint64, []int{3}, 1, 2, math.MaxUint64), []int{1, 3}, 0, false, "gather", "index 18446744073709551615 is out of range for axis 0 of size 5"},
		{idxView(t, core.Int8, []int{3}, 0, 1, 2), []int{1, 2}, 1, false, "gather", "index 2 with a block of 2 elements is out of range for axis 1 of size 3"},
		{idxView(t, core.Int32, []int{3}, 0, 1, 5), []int{1, 3}, 0, true, "scatter", "index 5 is out of range for axis 0 of size 5"},
	} {
		var err error
		if c.scat {
			upd := gView(t, core.Float32, []int{3, 1, 3}, []float64{4})
			err = s.Scatter(core.ScatterSum, src, []core.View{c.idx}, upd, []int{c.axis}, newGPU(t, s, core.Float32, []int{5, 3}))
		} else {
			o := out
			o.Shape = append([]int{3}, c.block...)
			o.Strides = core.RowMajorStrides(o.Shape)
			err = s.Gather(src, []core.View{c.idx}, []int{c.axis}, c.block, o)
		}
		if err != nil {
			t.Fatal(err)
		}
		err = s.Synchronize()
		var ce *core.IndexError
		var ge *IndexError
		if !errors.As(err, &ce) || !errors.As(err, &ge) {
			t.Fatalf("%s: Synchronize gave %v, want an index error", c.want, err)
		}
		if ce.Error() != c.want || ge.Op != c.prefix || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("got %q (op %q), want %q", err, ge.Op, c.want)
		}
		if err := s.Synchronize(); err != nil {
			t.Errorf("the error came back twice: %v", err)
		}
	}
}

// BenchmarkGatherRows takes 1M rows of a (50000, 1024) float32 table; the
// bytes counted are those read and written.
func BenchmarkGatherRows(b *testing.B) {
	s := smokeStream(b)
	const rows, cols, n = 50000, 1024, 1 << 20
	table, err := s.Alloc(rows*cols*4, core.Host)
	if err != nil {
		b.Fatal(err)
	}
	src := core.View{Buf: table, Dtype: core.Float32, Shape: []int{rows, cols}, Strides: []int{cols, 1}}
	if err := s.Fill(core.View{Buf: hostF32(b, []float32{1}).Buf, Dtype: core.Float32}, src); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	iv := make([]int32, n)
	for i := range iv {
		iv[i] = int32(rng.IntN(rows))
	}
	ib, err := core.Host.Alloc(4 * n)
	if err != nil {
		b.Fatal(err)
	}
	for i, v := range iv {
		ib.Bytes()[4*i], ib.Bytes()[4*i+1], ib.Bytes()[4*i+2], ib.Bytes()[4*i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	idx := []core.View{{Buf: ib, Dtype: core.Int32, Shape: []int{n}, Strides: []int{1}}}
	ob, err := s.Alloc(n*cols*4, core.Host)
	if err != nil {
		b.Fatal(err)
	}
	out := core.View{Buf: ob, Dtype: core.Float32, Shape: []int{n, 1, cols}, Strides: []int{cols, cols, 1}}
	run := func() {
		if err := s.Gather(src, idx, []int{0}, []int{1, cols}, out); err != nil {
			b.Fatal(err)
		}
	}
	run()
	if err := s.Synchronize(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(2 * n * cols * 4)
	b.ResetTimer()
	for range b.N {
		run()
	}
	if err := s.Synchronize(); err != nil {
		b.Fatal(err)
	}
}
