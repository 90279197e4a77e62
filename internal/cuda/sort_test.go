package cuda

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// randomValues returns n pseudo-random values in [-lim, lim), rounded to
// quarters so that many repeat.
func randomValues(n int, lim float64, seed uint64) []float64 {
	v := make([]float64, n)
	x := seed | 1
	for i := range v {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v[i] = math.Round((float64(x>>11)/(1<<53)*2-1)*lim*4) / 4
	}
	return v
}

// sortCase is an input to sort along one axis.
type sortCase struct {
	name  string
	shape []int
	axis  int
	vals  []float64
	trans bool // read the input through swapped last two axes
}

func sortCases() []sortCase {
	withNaN := append(randomValues(40, 100, 7), testValues...)
	return []sortCase{
		{"short rows", []int{7, 33}, 1, testValues, false},
		{"columns", []int{33, 7}, 0, testValues, false},
		{"middle axis", []int{2, 9, 4}, 1, withNaN, false},
		{"one element", []int{5, 1}, 1, testValues, false},
		{"transposed", []int{6, 10}, 1, testValues, true},
		{"block limit", []int{2, sortBlockMax}, 1, withNaN, false},
		{"radix rows", []int{3, 5000}, 1, withNaN, false},
		{"radix columns", []int{5000, 3}, 0, testValues, false},
		{"radix one line", []int{70000}, 0, randomValues(70000, 1e6, 3), false},
		{"radix transposed", []int{4, 6000}, 1, withNaN, true},
		{"radix just long", []int{5, sortBlockMax + 1}, 1, withNaN, false},
		{"radix tiles", []int{3, 20000}, 1, append(randomValues(59000, 1e3, 9), testValues...), false},
		{"radix whole tiles", []int{2, 16384}, 1, append(randomValues(3000, 50, 13), testValues...), false},
		{"radix tiles transposed", []int{2, 20000}, 1, withNaN, true},
		{"radix many tiles", []int{2, 1 << 19}, 1, randomValues(1<<20, 1e6, 21), false},
	}
}

// input makes the case's input of type dt on the host.
func (c sortCase) input(t *testing.T, dt core.Dtype) core.View {
	shape := append([]int(nil), c.shape...)
	if c.trans {
		nd := len(shape)
		shape[nd-1], shape[nd-2] = shape[nd-2], shape[nd-1]
	}
	v := hostView(t, dt, shape, c.vals)
	if c.trans {
		nd := len(shape)
		v.Shape = append([]int(nil), c.shape...)
		v.Strides = append([]int(nil), v.Strides...)
		v.Strides[nd-1], v.Strides[nd-2] = v.Strides[nd-2], v.Strides[nd-1]
	}
	return v
}

func TestSortAll(t *testing.T) {
	s := testStream(t)
	for _, c := range sortCases() {
		for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
			if c.shape[c.axis] > 1<<16 && dt.Size() < 4 {
				continue // few distinct values: the 4096 rows cases cover them
			}
			in := c.input(t, dt)
			n := c.shape[c.axis]
			for _, op := range []core.SortOp{core.SortValues, core.SortIndices, core.PartitionVals, core.PartitionIdx} {
				odt := dt
				if op == core.SortIndices || op == core.PartitionIdx {
					odt = core.Uint32
				}
				want, got := newHost(t, odt, c.shape), newGPU(t, s, odt, c.shape)
				mustCPU(t, cpu.Backend.Sort(op, c.axis, n/2, in, want))
				if err := s.Sort(op, c.axis, n/2, in, got); err != nil {
					t.Fatalf("sort %d of %s %s: %v", op, ctype[dt], c.name, err)
				}
				syncStream(t, s)
				compare(t, fmt.Sprintf("sort %d of %s, %s", op, ctype[dt], c.name), got, want, 0)
			}
		}
	}
}

func TestSearchsorted(t *testing.T) {
	s := testStream(t)
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		for _, n := range []int{0, 1, 17, 1000} {
			raw := hostView(t, dt, []int{max(n, 1)}, append(randomValues(n, 50, 11), testValues...))
			raw.Shape = []int{n}
			a := newHost(t, dt, []int{n})
			mustCPU(t, cpu.Backend.Sort(core.SortValues, 0, 0, raw, a))
			v := hostView(t, dt, []int{5, 8}, append(randomValues(15, 60, 5), testValues...))
			vt := v // transposed: an (8, 5) view
			vt.Shape, vt.Strides = []int{8, 5}, []int{1, 8}
			for _, x := range []core.View{v, vt} {
				for _, right := range []bool{false, true} {
					want, got := newHost(t, core.Uint32, x.Shape), newGPU(t, s, core.Uint32, x.Shape)
					mustCPU(t, cpu.Backend.Searchsorted(right, a, x, want))
					if err := s.Searchsorted(right, a, x, got); err != nil {
						t.Fatal(err)
					}
					compare(t, fmt.Sprintf("searchsorted right=%v of %s in %d", right, ctype[dt], n), got, want, 0)
				}
			}
		}
	}
}

// positions returns a uint32 host view of shape holding ps (cycled).
func positions(t *testing.T, shape []int, ps []uint32) core.View {
	v := newHost(t, core.Uint32, shape)
	x := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(v.Buf.Bytes()))), v.Size())
	for i := range x {
		x[i] = ps[i%len(ps)]
	}
	return v
}

func TestTakeScatterAlong(t *testing.T) {
	s := testStream(t)
	ps := []uint32{3, 0, 5, 5, 1, 2, 4, 0, 3}
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		for _, axis := range []int{0, 1} {
			shape := []int{4, 6}  // in and out of scatter
			ishape := []int{4, 6} // positions: 3 along axis
			ishape[axis] = 3
			in := hostView(t, dt, shape, testValues)
			idx := positions(t, ishape, ps)
			if axis == 0 {
				idx = positions(t, ishape, []uint32{3, 0, 2, 1, 1, 2})
			}
			want, got := newHost(t, dt, ishape), newGPU(t, s, dt, ishape)
			mustCPU(t, cpu.Backend.TakeAlong(axis, in, idx, want))
			if err := s.TakeAlong(axis, in, idx, got); err != nil {
				t.Fatal(err)
			}
			syncStream(t, s)
			compare(t, fmt.Sprintf("take along %d of %s", axis, ctype[dt]), got, want, 0)

			upd := hostView(t, dt, ishape, []float64{1, 2, 0.5, -1, 3})
			want, got = newHost(t, dt, shape), newGPU(t, s, dt, shape)
			mustCPU(t, cpu.Backend.ScatterAddAlong(axis, upd, idx, want))
			if err := s.ScatterAddAlong(axis, upd, idx, got); err != nil {
				t.Fatal(err)
			}
			syncStream(t, s)
			compare(t, fmt.Sprintf("scatter add along %d of %s", axis, ctype[dt]), got, want, tolerance(dt))
		}
	}
	// A position out of range is skipped and reported by Synchronize.
	in := hostView(t, core.Float32, []int{2, 6}, testValues)
	bad := positions(t, []int{2, 2}, []uint32{1, 7, 0, 2})
	if err := s.TakeAlong(1, in, bad, newGPU(t, s, core.Float32, []int{2, 2})); err != nil {
		t.Fatal(err)
	}
	var ie *IndexError
	if err := s.Synchronize(); !errors.As(err, &ie) || ie.Op != "take_along" || ie.Index != "7" || ie.Size != 6 || ie.Axis != 1 {
		t.Fatalf("take along a bad position: got %v", err)
	}
	upd := hostView(t, core.Float32, []int{2, 2}, []float64{1})
	if err := s.ScatterAddAlong(1, upd, bad, newGPU(t, s, core.Float32, []int{2, 6})); err != nil {
		t.Fatal(err)
	}
	if err := s.Synchronize(); !errors.As(err, &ie) || ie.Op != "scatter_add_along" || ie.Index != "7" {
		t.Fatalf("scatter add along a bad position: got %v", err)
	}
	syncStream(t, s) // the record was cleared
}

// nanBits reports whether u, the bits of an element of type dt, is a NaN.
func nanBits(dt core.Dtype, u uint64) bool {
	switch dt {
	case core.Float16:
		return u&0x7fff > 0x7c00
	case core.Bfloat16:
		return u&0x7fff > 0x7f80
	case core.Float32:
		return u&0x7fffffff > 0x7f800000
	case core.Float64:
		return u&(1<<63-1) > 0x7ff0000000000000
	}
	return false
}

// specialBits are bit patterns of type dt that a sort must place by their
// bits: both zeros, both infinities and NaNs of both signs with several
// payloads.
func specialBits(dt core.Dtype) []uint64 {
	switch dt {
	case core.Float16:
		return []uint64{0x8000, 0, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7c01, 0xffff, 0x7fff, 0xfc01, 0x8001, 0x0001}
	case core.Bfloat16:
		return []uint64{0x8000, 0, 0x7f80, 0xff80, 0x7fc0, 0xffc0, 0x7f81, 0xffff, 0x7fff, 0xff81, 0x8001, 0x0001}
	case core.Float32:
		return []uint64{0x80000000, 0, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xffffffff,
			0x7fffffff, 0xff800001, 0x80000001, 0x00000001}
	case core.Float64:
		return []uint64{1 << 63, 0, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
			0x7ff0000000000001, 1<<64 - 1, 1<<63 - 1, 0xfff0000000000001, 1<<63 + 1, 1}
	}
	return nil
}

// elemBits returns the bits of the n row-major elements of a view of type
// dt (not complex).
func elemBits(t *testing.T, v core.View) []uint64 {
	t.Helper()
	b := v.Buf.Bytes()
	size := v.Dtype.Size()
	out := make([]uint64, v.Size())
	for i := range out {
		var u uint64
		for k := size - 1; k >= 0; k-- {
			u = u<<8 | uint64(b[(v.Offset+i)*size+k])
		}
		out[i] = u
	}
	return out
}

// setBits writes u as the bits of element i of the buffer of v.
func setBits(v core.View, i int, u uint64) {
	b := v.Buf.Bytes()
	size := v.Dtype.Size()
	for k := range size {
		b[i*size+k] = byte(u >> (8 * k))
	}
}

// TestSortRadixBits sorts long lines whose elements include both zeros,
// both infinities and NaNs of both signs with several payloads, and checks
// every bit of the result against the CPU's: values sorts keep -0 before
// +0 and every element's bits, NaNs come last (ordered by their bits on
// cuda, while the CPU writes one NaN: only their bits as a whole are
// compared); argsorts match the CPU's stable order exactly.
func TestSortRadixBits(t *testing.T) {
	s := testStream(t)
	cases := []sortCase{
		{"one line", []int{50000}, 0, randomValues(50000, 1e3, 21), false},
		{"rows", []int{3, 20000}, 1, randomValues(60000, 200, 22), false},
		{"columns", []int{20000, 3}, 0, randomValues(60000, 200, 23), false},
		{"transposed", []int{3, 9000}, 1, randomValues(27000, 1e3, 24), true},
	}
	if !testing.Short() {
		cases = append(cases, sortCase{"many tiles", []int{5_000_000}, 0, randomValues(5_000_000, 1e5, 25), false})
	}
	dts := []core.Dtype{core.Float32, core.Float16, core.Bfloat16, core.Float64, core.Int32, core.Uint32, core.Int64,
		core.Uint64, core.Int16, core.Uint8, core.Bool}
	for _, c := range cases {
		for _, dt := range dts {
			if c.shape[c.axis] > 1<<16 && dt != core.Float32 {
				continue
			}
			what := fmt.Sprintf("%s %s", ctype[dt], c.name)
			in := c.input(t, dt)
			sp := specialBits(dt)
			for i := 0; len(sp) > 0 && i < in.Size(); i += 5 {
				setBits(in, i, sp[(i/5)%len(sp)])
			}
			inBits := elemBits(t, core.View{Buf: in.Buf, Dtype: dt, Shape: []int{in.Size()}, Strides: []int{1}})
			for _, op := range []core.SortOp{core.SortValues, core.SortIndices} {
				odt := dt
				if op == core.SortIndices {
					odt = core.Uint32
				}
				want, got := newHost(t, odt, c.shape), newGPU(t, s, odt, c.shape)
				mustCPU(t, cpu.Backend.Sort(op, c.axis, 0, in, want))
				if err := s.Sort(op, c.axis, 0, in, got); err != nil {
					t.Fatalf("sort %d of %s: %v", op, what, err)
				}
				syncStream(t, s)
				if op == core.SortIndices {
					compare(t, "argsort of "+what, got, want, 0)
					continue
				}
				g, w := elemBits(t, got), elemBits(t, want)
				var gotNaN, inNaN []uint64
				for i := range w {
					if nanBits(dt, w[i]) {
						if !nanBits(dt, g[i]) {
							t.Fatalf("sort of %s: element %d is %#x, want a NaN", what, i, g[i])
						}
						gotNaN = append(gotNaN, g[i])
					} else if g[i] != w[i] {
						t.Fatalf("sort of %s: element %d is %#x, want %#x", what, i, g[i], w[i])
					}
				}
				for _, u := range inBits {
					if nanBits(dt, u) {
						inNaN = append(inNaN, u)
					}
				}
				slices.Sort(gotNaN)
				slices.Sort(inNaN)
				if !slices.Equal(gotNaN, inNaN) {
					t.Fatalf("sort of %s: the NaNs' bits changed", what)
				}
			}
		}
	}
}

// benchSort sorts n random float32 on the GPU per iteration.
func benchSort(b *testing.B, n int, op core.SortOp) {
	s := smokeStream(b)
	xs := make([]float32, n)
	for i, v := range randomValues(n, 1e6, 1) {
		xs[i] = float32(v) + float32(i%97)*1e-3
	}
	in := hostF32(b, xs)
	odt := core.Float32
	if op == core.SortIndices {
		odt = core.Uint32
	}
	buf, err := s.Alloc(n*4, core.Host)
	if err != nil {
		b.Fatal(err)
	}
	out := core.View{Buf: buf, Dtype: odt, Shape: []int{n}, Strides: []int{1}}
	run := func() {
		if err := s.Sort(op, 0, 0, in, out); err != nil {
			b.Fatal(err)
		}
		if err := s.Synchronize(); err != nil {
			b.Fatal(err)
		}
	}
	run() // uploads the input and compiles the kernels
	b.SetBytes(int64(4 * n))
	b.ResetTimer()
	for range b.N {
		run()
	}
}

// BenchmarkSortLong sorts one line of 16M float32 (torch.sort's benchmark
// size): its values, and its positions (argsort).
func BenchmarkSortLong(b *testing.B) {
	b.Run("values", func(b *testing.B) { benchSort(b, 1<<24, core.SortValues) })
	b.Run("argsort", func(b *testing.B) { benchSort(b, 1<<24, core.SortIndices) })
}

// BenchmarkSortLongParts times the kernels of the radix sort of one line
// of 16M float32 one at a time: zeroing the scratch state (reset: all of
// it; state: the tile counters and published words only), counting the
// digits of every pass (counts, after a reset), and each pass (sweep<p>,
// after a state reset), for the values sort and the argsort.
func BenchmarkSortLongParts(b *testing.B) {
	for _, op := range []core.SortOp{core.SortValues, core.SortIndices} {
		name := "values"
		if op == core.SortIndices {
			name = "argsort"
		}
		b.Run(name, func(b *testing.B) { benchSortParts(b, 1<<24, op) })
	}
}

func benchSortParts(b *testing.B, n int, op core.SortOp) {
	s := smokeStream(b)
	xs := make([]float32, n)
	for i, v := range randomValues(n, 1e6, 1) {
		xs[i] = float32(v) + float32(i%97)*1e-3
	}
	in := hostF32(b, xs)
	indices := op == core.SortIndices
	odt := core.Float32
	if indices {
		odt = core.Uint32
	}
	buf, err := s.Alloc(n*4, core.Host)
	if err != nil {
		b.Fatal(err)
	}
	defer buf.Release()
	out := core.View{Buf: buf, Dtype: odt, Shape: []int{n}, Strides: []int{1}}
	g, err := newLineGeom("sort", 0, in, out)
	if err != nil {
		b.Fatal(err)
	}
	pin, err := s.operand(in)
	if err != nil {
		b.Fatal(err)
	}
	pout, err := s.operand(out)
	if err != nil {
		b.Fatal(err)
	}
	r, err := s.newRadixSort(in.Dtype, pin, pout, g, indices, indices)
	if err != nil {
		b.Fatal(err)
	}
	defer r.release()
	step := func(f func() error) {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	whole := func() error {
		step(func() error { return r.reset(true) })
		step(func() error { return r.count(0, 1) })
		for p := range r.passes {
			step(func() error { return r.sweep(0, 1, p) })
		}
		return s.Synchronize()
	}
	// One whole sort first: the scratch keys of every pass are then
	// orderings of the line's keys, which the counts describe, so that any
	// pass may run again on them.
	step(whole)
	part := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				step(f)
				step(s.Synchronize)
			}
		})
	}
	part("state", func() error { return r.reset(false) })
	for p := range r.passes {
		part(fmt.Sprintf("sweep%d", p), func() error {
			if err := r.reset(false); err != nil {
				return err
			}
			return r.sweep(0, 1, p)
		})
	}
	part("reset", func() error { return r.reset(true) })
	part("counts", func() error {
		if err := r.reset(true); err != nil {
			return err
		}
		return r.count(0, 1)
	})
	part("whole", whole)
}
