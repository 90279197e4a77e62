package mx

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The reduction rows of the op table. Every expected value is computed here
// in float64 from the input's stored values (read back, so that half types
// are rounded as stored), over the reduced elements gathered by index.

// refReduce applies f to the elements of x (row-major, of shape) over axes,
// once per output in row-major order over the kept axes. The elements come
// in row-major order over the reduced axes.
func refReduce(x []float64, shape, axes []int, f func([]float64) float64) []float64 {
	kOff, rOff := refOffsets(shape, axes)
	out := make([]float64, len(kOff))
	buf := make([]float64, len(rOff))
	for o, kb := range kOff {
		for r, ro := range rOff {
			buf[r] = x[kb+ro]
		}
		out[o] = f(buf)
	}
	return out
}

// refOffsets returns the flat offsets of the elements of the kept and of
// the reduced sub-arrays of shape, each in row-major order.
func refOffsets(shape, axes []int) (kept, red []int) {
	var kd, rd []int
	for d := range shape {
		if slices.Contains(axes, d) {
			rd = append(rd, d)
		} else {
			kd = append(kd, d)
		}
	}
	strides := rowMajor(shape)
	offsets := func(dims []int) []int {
		o := make([]int, prodOf(shape, dims))
		for i := range o {
			o[i] = flatIndex(i, shape, dims, strides)
		}
		return o
	}
	return offsets(kd), offsets(rd)
}

// refSoftmax applies softmax over axes of x (row-major, of shape).
func refSoftmax(x []float64, shape, axes []int) []float64 {
	kOff, rOff := refOffsets(shape, axes)
	out := make([]float64, len(x))
	for _, kb := range kOff {
		m := math.Inf(-1)
		for _, ro := range rOff {
			if v := x[kb+ro]; v != v || v > m {
				m = v
			}
		}
		var s float64
		for _, ro := range rOff {
			s += math.Exp(x[kb+ro] - m)
		}
		for _, ro := range rOff {
			out[kb+ro] = math.Exp(x[kb+ro]-m) / s
		}
	}
	return out
}

func rowMajor(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

func prodOf(shape, dims []int) int {
	n := 1
	for _, d := range dims {
		n *= shape[d]
	}
	return n
}

// flatIndex returns the flat offset of the i-th element (row-major) of the
// sub-array spanned by dims.
func flatIndex(i int, shape, dims, strides []int) int {
	off := 0
	for k := len(dims) - 1; k >= 0; k-- {
		d := dims[k]
		off += (i % shape[d]) * strides[d]
		i /= shape[d]
	}
	return off
}

// The float64 references.

func refSum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func refProd(v []float64) float64 {
	p := 1.0
	for _, x := range v {
		p *= x
	}
	return p
}

func refMax(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if x != x {
			return x
		}
		m = math.Max(m, x)
	}
	return m
}

func refMin(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		if x != x {
			return x
		}
		m = math.Min(m, x)
	}
	return m
}

func refMean(v []float64) float64 { return refSum(v) / float64(len(v)) }

func refVar(ddof int) func([]float64) float64 {
	return func(v []float64) float64 {
		m := refMean(v)
		s := 0.0
		for _, x := range v {
			s += (x - m) * (x - m)
		}
		return s / math.Max(float64(len(v)-ddof), 0)
	}
}

func refStd(ddof int) func([]float64) float64 {
	return func(v []float64) float64 { return math.Sqrt(refVar(ddof)(v)) }
}

func refAll(v []float64) float64 {
	for _, x := range v {
		if x == 0 {
			return 0
		}
	}
	return 1
}

func refAny(v []float64) float64 {
	for _, x := range v {
		if x != 0 {
			return 1
		}
	}
	return 0
}

func refCount(v []float64) float64 {
	n := 0.0
	for _, x := range v {
		if x != 0 {
			n++
		}
	}
	return n
}

func refLSE(v []float64) float64 {
	m := refMax(v)
	if m != m || math.IsInf(m, 0) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

func refMedian(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	for _, x := range v {
		if x != x {
			return x
		}
	}
	v = slices.Clone(v)
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func refArg(isMax bool) func([]float64) float64 {
	return func(v []float64) float64 {
		bi := 0
		for i, x := range v {
			if x != x {
				return float64(i)
			}
			if isMax && x > v[bi] || !isMax && x < v[bi] {
				bi = i
			}
		}
		return float64(bi)
	}
}

// redOp describes one reduction for the generated rows.
type redOp struct {
	name    string
	tag     string // told apart in row names: ddof
	fn      func(a *Array, opts ...Option) *Array
	ref     func([]float64) float64
	outType func(Dtype) Dtype
	complex bool // accepts complex64 (checked in its own rows)
	noEmpty bool // panics on an empty reduced axis
	arg     bool // one axis or the flattened array
}

func same(d Dtype) Dtype { return d }

var redOps = []redOp{
	{name: "sum", fn: Sum, ref: refSum, outType: sumType, complex: true},
	{name: "prod", fn: Prod, ref: refProd, outType: sumType, complex: true},
	{name: "max", fn: Max, ref: refMax, outType: same, noEmpty: true},
	{name: "min", fn: Min, ref: refMin, outType: same, noEmpty: true},
	{name: "mean", fn: Mean, ref: refMean, outType: atLeastFloat, complex: true},
	{name: "var", fn: Var, ref: refVar(0), outType: atLeastFloat},
	{name: "var", tag: "/ddof1", fn: func(a *Array, o ...Option) *Array { return Var(a, append(o, Ddof(1))...) }, ref: refVar(1), outType: atLeastFloat},
	{name: "std", fn: Std, ref: refStd(0), outType: atLeastFloat},
	{name: "std", tag: "/ddof2", fn: func(a *Array, o ...Option) *Array { return Std(a, append(o, Ddof(2))...) }, ref: refStd(2), outType: atLeastFloat},
	{name: "all", fn: All, ref: refAll, outType: func(Dtype) Dtype { return Bool }, complex: true},
	{name: "any", fn: Any, ref: refAny, outType: func(Dtype) Dtype { return Bool }, complex: true},
	{name: "count_nonzero", fn: CountNonzero, ref: refCount, outType: func(Dtype) Dtype { return Int32 }, complex: true},
	{name: "logsumexp", fn: Logsumexp, ref: refLSE, outType: atLeastFloat},
	{name: "median", fn: Median, ref: refMedian, outType: atLeastFloat},
	{name: "argmax", fn: Argmax, ref: refArg(true), outType: func(Dtype) Dtype { return Uint32 }, noEmpty: true, arg: true},
	{name: "argmin", fn: Argmin, ref: refArg(false), outType: func(Dtype) Dtype { return Uint32 }, noEmpty: true, arg: true},
}

var realDtypes = []Dtype{Bool, Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64, Float16, Bfloat16, Float32, Float64}

// testInput returns an array of shape and type dt with values that suit op:
// small integers, two-decimal floats, products that stay small.
func testInput(op string, shape []int, dt Dtype, seed uint64) *Array {
	r := rand.New(rand.NewPCG(seed, 7))
	n := shapeSize(shape)
	v := make([]float64, n)
	for i := range v {
		switch {
		case dt == Bool:
			v[i] = float64(r.IntN(2))
		case op == "prod":
			v[i] = []float64{1, -1, 2, 1, 1, 0.5}[r.IntN(6)]
			if dt.IsInteger() {
				v[i] = math.Abs(math.Round(v[i] + 0.1))
			}
		case dt.IsFloating():
			v[i] = float64(r.IntN(601)-300) / 100
		case dt.kind() == UnsignedInteger:
			v[i] = float64(r.IntN(10))
		default:
			v[i] = float64(r.IntN(11) - 5)
		}
	}
	return AsType(NewArray(v, slices.Clone(shape)...), dt)
}

// axesChoices returns the axis options worth testing for ndim dimensions,
// with a label: none (every axis), Axes() (no axis), each axis by a positive
// and a negative index, pairs, and all explicitly.
func axesChoices(ndim int, arg bool) (labels []string, opts [][]Option, axes [][]int) {
	add := func(l string, ax []int, o ...Option) {
		labels, opts, axes = append(labels, l), append(opts, o), append(axes, ax)
	}
	all := make([]int, ndim)
	for i := range all {
		all[i] = i
	}
	add("all", all)
	if arg {
		for d := 0; d < ndim; d++ {
			add(fmt.Sprintf("axis%d", d), []int{d}, Axis(d))
			add(fmt.Sprintf("axis%d", d-ndim), []int{d}, Axis(d-ndim))
		}
		return
	}
	add("none", []int{}, Axes())
	for d := 0; d < ndim; d++ {
		add(fmt.Sprintf("axis%d", d), []int{d}, Axis(d))
		if d == ndim-1 {
			add("axis-1", []int{d}, Axis(-1))
		}
	}
	if ndim >= 2 {
		add("axes-1,0", []int{0, ndim - 1}, Axes(-1, 0))
	}
	if ndim >= 3 {
		add("axes0,1", []int{0, 1}, Axes(0, 1))
		add("axes1,2", []int{1, 2}, Axes(1, 2))
		add("axes0,1,2", all, Axes(0, 1, 2))
	}
	return
}

// tolFor is the tolerance for results of type dt.
func tolFor(dt Dtype) float64 {
	switch dt {
	case Float16, Bfloat16:
		return 1e-2
	case Float32, Complex64:
		return 2e-5
	case Float64:
		return 1e-12
	}
	return 0
}

// reduceRow builds a row applying op to in over axes (with opts), the
// expected value computed from in's stored values.
func reduceRow(op redOp, label string, in *Array, axes []int, keep bool, opts ...Option) opCase {
	x := ToSlice[float64](in)
	vals := refReduce(x, in.Shape(), axes, op.ref)
	shape := keptShape(in.Shape(), axes, keep)
	if op.arg && len(axes) == in.Ndim() && len(opts) == 0 {
		// Flattened: the index over all elements; KeepDims keeps ndim ones.
		shape = []int{}
		if keep {
			shape = keptShape(in.Shape(), axes, true)
		}
	}
	if keep {
		opts = append(opts, KeepDims)
	}
	od := op.outType(in.Dtype())
	return opCase{
		name: fmt.Sprintf("%s%s/%s", op.name, op.tag, label),
		in:   []*Array{in},
		op:   func(in []*Array, o ...Option) *Array { return op.fn(in[0], append(slices.Clone(opts), o...)...) },
		want: AsType(NewArray(vals, shape...), od),
		tol:  tolFor(od),
	}
}

func init() {
	shapes := [][]int{{}, {5}, {3, 4}, {2, 3, 4}, {0, 3}, {2, 0, 3}, {1, 3, 1}}
	seed := uint64(1)
	for _, op := range redOps {
		for _, dt := range []Dtype{Float32, Float64} {
			for _, sh := range shapes {
				labels, opts, axes := axesChoices(len(sh), op.arg)
				for i := range labels {
					empty := prodOf(sh, axes[i]) == 0
					if op.noEmpty && (empty || op.arg && shapeSize(sh) == 0) {
						continue
					}
					for _, keep := range []bool{false, true} {
						seed++
						in := testInput(op.name, sh, dt, seed)
						label := fmt.Sprintf("%v/%s/%s", dt, shapeString(sh), labels[i])
						if keep {
							label += "/keepdims"
						}
						addCases(reduceRow(op, label, in, axes[i], keep, opts[i]...))
					}
				}
			}
		}
		// Every other type, on one shape.
		for _, dt := range realDtypes {
			sh := []int{2, 3, 4}
			for _, c := range []struct {
				label string
				axes  []int
				opts  []Option
			}{{"all", []int{0, 1, 2}, nil}, {"axis1", []int{1}, []Option{Axis(1)}}, {"axis-1", []int{2}, []Option{Axis(-1)}}} {
				seed++
				in := testInput(op.name, sh, dt, seed)
				addCases(reduceRow(op, fmt.Sprintf("%v/%s", dt, c.label), in, c.axes, false, c.opts...))
			}
		}
	}
	addSpecialReduceRows()
}

// addSpecialReduceRows adds the rows of NaN and infinities, strided inputs,
// complex inputs, large inputs (split over the cores, column order), and
// softmax.
func addSpecialReduceRows() {
	nan, inf := math.NaN(), math.Inf(1)
	special := map[string][]float64{
		"nan":    {1, nan, 3, -2, 5, nan, 0, 4},
		"inf":    {1, inf, 3, -2, -inf, 2, 0, 4},
		"neginf": {-inf, -inf, -inf, -inf, 1, 2, -inf, 0},
	}
	for name, v := range special {
		for _, dt := range []Dtype{Float32, Float64, Float16, Bfloat16} {
			in := AsType(NewArray(v, 2, 4), dt)
			for _, op := range redOps {
				addCases(reduceRow(op, fmt.Sprintf("%s/%v/all", name, dt), in, []int{0, 1}, false))
				addCases(reduceRow(op, fmt.Sprintf("%s/%v/axis1", name, dt), in, []int{1}, false, Axis(1)))
				addCases(reduceRow(op, fmt.Sprintf("%s/%v/axis0", name, dt), in, []int{0}, false, Axis(0)))
			}
			addCases(softmaxRow(fmt.Sprintf("%s/%v/axis-1", name, dt), in, []int{1}, Axis(-1)))
		}
	}

	// Special values in column order: a [5, 24] array over axis 0, with a
	// NaN, +Inf and -Inf in some columns, and a column all -Inf.
	sv := make([]float64, 5*24)
	for i := range sv {
		sv[i] = float64(i%11) - 4
	}
	sv[2*24+3], sv[4*24+9], sv[0*24+17], sv[3*24+17] = nan, inf, -inf, nan
	for r := 0; r < 5; r++ {
		sv[r*24+20] = -inf
	}
	for _, dt := range []Dtype{Float32, Float64} {
		in := AsType(NewArray(sv, 5, 24), dt)
		for _, op := range redOps {
			addCases(reduceRow(op, fmt.Sprintf("special-cols/%v/axis0", dt), in, []int{0}, false, Axis(0)))
		}
		addCases(softmaxRow(fmt.Sprintf("special-cols/%v/axis0", dt), in, []int{0}, Axis(0)))
	}

	// Strided views of a [6, 8] float32 base (and of its int32 copy).
	base := testInput("sum", []int{6, 8}, Float32, 99)
	ibase := testInput("sum", []int{6, 8}, Int32, 98)
	views := map[string]func(b *Array) *Array{
		"transposed": func(b *Array) *Array { return stridedView(b, []int{8, 6}, []int{1, 8}, 0) },
		"reversed":   func(b *Array) *Array { return stridedView(b, []int{6, 8}, []int{-8, -1}, 47) },
		"broadcast0": func(b *Array) *Array { return stridedView(b, []int{5, 8}, []int{0, 1}, 8) },
		"broadcast1": func(b *Array) *Array { return stridedView(b, []int{6, 5}, []int{8, 0}, 3) },
		"sliced":     func(b *Array) *Array { return stridedView(b, []int{3, 4}, []int{16, 2}, 1) },
		"3d":         func(b *Array) *Array { return stridedView(b, []int{4, 3, 2}, []int{1, 16, 8}, 4) },
	}
	for vname, view := range views {
		for _, b := range []*Array{base, ibase} {
			in := view(b)
			labels, opts, axes := axesChoices(in.Ndim(), false)
			for _, op := range redOps {
				if op.arg {
					for d := 0; d < in.Ndim(); d++ {
						addCases(reduceRow(op, fmt.Sprintf("strided/%s/%v/axis%d", vname, b.Dtype(), d), in, []int{d}, false, Axis(d)))
					}
					addCases(reduceRow(op, fmt.Sprintf("strided/%s/%v/flat", vname, b.Dtype()), in, axes[0], false))
					continue
				}
				for i := range labels {
					addCases(reduceRow(op, fmt.Sprintf("strided/%s/%v/%s", vname, b.Dtype(), labels[i]), in, axes[i], false, opts[i]...))
				}
			}
			for i := range labels {
				addCases(softmaxRow(fmt.Sprintf("strided/%s/%v/%s", vname, b.Dtype(), labels[i]), in, axes[i], opts[i]...))
			}
		}
	}

	// Large inputs: the work is split over the cores, by outputs, tiles
	// or parts of one output's reduction, in row and column order.
	large := map[string]bool{"sum": true, "max": true, "mean": true, "var": true, "any": true,
		"logsumexp": true, "argmax": true, "median": true}
	for _, sh := range [][]int{{70001}, {3, 25000}, {25000, 3}, {300, 250}, {2, 12000, 3}} {
		in := testInput("sum", sh, Float32, uint64(len(sh)*sh[0]))
		axes := [][]int{{0}, {len(sh) - 1}}
		if len(sh) == 3 {
			axes = append(axes, []int{0, 2}, []int{1})
		}
		for _, op := range redOps {
			if !large[op.name] || op.tag != "" || op.name == "median" && len(sh) != 2 {
				continue
			}
			for _, ax := range axes {
				if op.arg && len(ax) > 1 {
					continue
				}
				opts := []Option{Axes(ax...)}
				if op.arg {
					opts = []Option{Axis(ax[0])}
				}
				addCases(reduceRow(op, fmt.Sprintf("large/%s/axes%v", shapeString(sh), ax), in, ax, false, opts...))
			}
			all := make([]int, len(sh))
			for i := range all {
				all[i] = i
			}
			addCases(reduceRow(op, fmt.Sprintf("large/%s/all", shapeString(sh)), in, all, false))
		}
		for _, ax := range axes {
			addCases(softmaxRow(fmt.Sprintf("large/%s/axes%v", shapeString(sh), ax), in, ax, Axes(ax...)))
		}
	}
	// Booleans and integers in large column reductions.
	for _, dt := range []Dtype{Bool, Int8, Uint16, Int64} {
		in := testInput("sum", []int{5000, 20}, dt, 5)
		for _, op := range redOps {
			if op.name != "prod" {
				addCases(reduceRow(op, fmt.Sprintf("large/%v/axis0", dt), in, []int{0}, false, Axis(0)))
			}
		}
	}

	// Complex sums, products and means, and the logical reductions.
	c := NewArray([]complex64{1 + 2i, 3 - 1i, 0, -2 + 0.5i, 1i, 2}, 2, 3)
	cRows := []struct {
		name string
		fn   func(*Array, ...Option) *Array
		want *Array
	}{
		{"sum/complex64/axis1", Sum, NewArray([]complex64{4 + 1i, 1.5i})},
		{"prod/complex64/axis1", Prod, NewArray([]complex64{0, (-2 + 0.5i) * 1i * 2})},
		{"mean/complex64/axis1", Mean, NewArray([]complex64{(4 + 1i) / 3, 0.5i})},
		{"all/complex64/axis1", All, NewArray([]bool{false, true})},
		{"any/complex64/axis1", Any, NewArray([]bool{true, true})},
		{"count_nonzero/complex64/axis1", CountNonzero, NewArray([]int32{2, 3})},
		{"var/complex64/axis1", Var, NewArray([]float32{cvar(c64row0, 0), cvar(c64row1, 0)})},
		{"std/complex64/axis1", Std, NewArray([]float32{float32(math.Sqrt(float64(cvar(c64row0, 0)))), float32(math.Sqrt(float64(cvar(c64row1, 0))))})},
	}
	for _, r := range cRows {
		addCases(opCase{name: r.name, in: []*Array{c},
			op:   func(in []*Array, o ...Option) *Array { return r.fn(in[0], append([]Option{Axis(1)}, o...)...) },
			want: r.want, tol: 1e-6})
	}
	// Complex variance in column order: a [40, 16] array over axis 0.
	cv := make([]complex64, 40*16)
	cols := make([][]complex128, 16)
	for i := range cv {
		cv[i] = complex(float32(i%7)-3, float32(i%5)*0.5)
		cols[i%16] = append(cols[i%16], complex128(cv[i]))
	}
	want := make([]float32, 16)
	for j := range want {
		want[j] = cvar(cols[j], 1)
	}
	addCases(opCase{name: "var/complex64/ddof1/axis0", in: []*Array{NewArray(cv, 40, 16)},
		op:   func(in []*Array, o ...Option) *Array { return Var(in[0], append([]Option{Axis(0), Ddof(1)}, o...)...) },
		want: NewArray(want), tol: 1e-5})
	addCases(opCase{name: "sum/complex64/all", in: []*Array{c},
		op:   func(in []*Array, o ...Option) *Array { return Sum(in[0], o...) },
		want: Scalar(complex64(4 + 2.5i)), tol: 1e-6})

	// Softmax over the usual shapes and axes, every floating type and ints.
	for _, dt := range []Dtype{Float32, Float64, Float16, Bfloat16, Int32, Bool} {
		for _, sh := range [][]int{{}, {5}, {3, 4}, {2, 3, 4}, {0, 3}, {1, 3, 1}} {
			labels, opts, axes := axesChoices(len(sh), false)
			for i := range labels {
				in := testInput("softmax", sh, dt, uint64(i+7*len(sh)))
				addCases(softmaxRow(fmt.Sprintf("%v/%s/%s", dt, shapeString(sh), labels[i]), in, axes[i], opts[i]...))
			}
		}
	}
	// Integer overflow wraps in the 32-bit result, as in MLX.
	addCases(opCase{name: "sum/int32/wrap", in: []*Array{NewArray([]int32{math.MaxInt32, 1})},
		op:   func(in []*Array, o ...Option) *Array { return Sum(in[0], o...) },
		want: Scalar(math.MinInt32, Int32)})
	addCases(opCase{name: "sum/uint8/widen", in: []*Array{NewArray([]uint8{200, 100})},
		op:   func(in []*Array, o ...Option) *Array { return Sum(in[0], o...) },
		want: Scalar(300, Uint32)})
	addCases(opCase{name: "sum/int64/large", in: []*Array{NewArray([]int64{1 << 40, 1 << 41, -3})},
		op:   func(in []*Array, o ...Option) *Array { return Sum(in[0], o...) },
		want: NewArray([]int64{1<<40 + 1<<41 - 3}, []int{}...)})
}

var (
	c64row0 = []complex128{1 + 2i, 3 - 1i, 0}
	c64row1 = []complex128{-2 + 0.5i, 1i, 2}
)

// cvar is the variance of complex values: the mean squared magnitude of
// their deviations from the mean, divided by N - ddof.
func cvar(v []complex128, ddof int) float32 {
	var m complex128
	for _, x := range v {
		m += x
	}
	m /= complex(float64(len(v)), 0)
	s := 0.0
	for _, x := range v {
		d := x - m
		s += real(d)*real(d) + imag(d)*imag(d)
	}
	return float32(s / float64(len(v)-ddof))
}

// softmaxRow builds a softmax row over axes.
func softmaxRow(label string, in *Array, axes []int, opts ...Option) opCase {
	vals := refSoftmax(ToSlice[float64](in), in.Shape(), axes)
	od := atLeastFloat(in.Dtype())
	return opCase{
		name: "softmax/" + label,
		in:   []*Array{in},
		op:   func(in []*Array, o ...Option) *Array { return Softmax(in[0], append(slices.Clone(opts), o...)...) },
		want: AsType(NewArray(vals, append([]int{}, in.Shape()...)...), od),
		tol:  max(tolFor(od), 1e-6),
	}
}

func TestReduceErrors(t *testing.T) {
	a := NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	empty := testZeros([]int{2, 0})
	c := NewArray([]complex64{1, 2})
	cases := []struct {
		op string
		f  func()
	}{
		{"sum", func() { Sum(a, Axis(2)) }},
		{"sum", func() { Sum(a, Axis(-3)) }},
		{"sum", func() { Sum(a, Axes(0, -2)) }},
		{"sum", func() { Sum(a, Ddof(1)) }},
		{"sum", func() { Sum(nil) }},
		{"mean", func() { Mean(a, Axes(1, 1)) }},
		{"var", func() { Var(a, Axis(5)) }},
		{"max", func() { Max(empty, Axis(1)) }},
		{"max", func() { Max(empty) }},
		{"min", func() { Min(empty, Axes(0, 1)) }},
		{"max", func() { Max(c) }},
		{"all", func() { All(a, Axis(3)) }},
		{"any", func() { Any(nil) }},
		{"argmax", func() { Argmax(empty) }},
		{"argmax", func() { Argmax(empty, Axis(1)) }},
		{"argmin", func() { Argmin(a, Axes(0, 1)) }},
		{"argmin", func() { Argmin(a, Axes()) }},
		{"argmax", func() { Argmax(a, Axis(2)) }},
		{"argmax", func() { Argmax(c) }},
		{"logsumexp", func() { Logsumexp(a, Axis(-3)) }},
		{"logsumexp", func() { Logsumexp(c) }},
		{"median", func() { Median(a, Axes(0, 0)) }},
		{"softmax", func() { Softmax(a, Axis(2)) }},
		{"softmax", func() { Softmax(a, KeepDims) }},
		{"softmax", func() { Softmax(c) }},
		{"count_nonzero", func() { CountNonzero(a, Axis(9)) }},
	}
	for i, c := range cases {
		err := Catch(c.f)
		var e *Error
		if !errors.As(err, &e) || e.Op != c.op {
			t.Errorf("case %d (%s): got %v, want an *Error from %s", i, c.op, err, c.op)
			continue
		}
		if strings.Contains(e.Msg, "internal") {
			t.Errorf("case %d: %v", i, e)
		}
	}
}

// testZeros returns a float32 array of zeros.
func testZeros(shape []int) *Array {
	return NewArray(make([]float32, shapeSize(shape)), shape...)
}

func TestSumAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	const n = 1 << 24
	v := make([]float32, n)
	for i := range v {
		v[i] = 0.1
	}
	got := Item[float32](Sum(NewArray(v)))
	want := float64(float32(0.1)) * n
	if rel := math.Abs(float64(got)-want) / want; rel > 1e-6 {
		t.Fatalf("sum of %d times 0.1: %v, want %v (relative error %g)", n, got, want, rel)
	}
	m := Item[float32](Mean(NewArray(v)))
	if rel := math.Abs(float64(m)-0.1) / 0.1; rel > 1e-6 {
		t.Fatalf("mean: %v", m)
	}
	// Variance of values far from zero keeps its precision.
	for i := range v {
		v[i] = 10000 + float32(i%2)
	}
	if got := Item[float32](Var(NewArray(v))); math.Abs(float64(got)-0.25) > 1e-6 {
		t.Fatalf("var: %v, want 0.25", got)
	}
}

func TestReduceShapes(t *testing.T) {
	a := NewArray(make([]float32, 24), 2, 3, 4)
	cases := []struct {
		got  *Array
		want []int
		dt   Dtype
	}{
		{Sum(a), []int{}, Float32},
		{Sum(a, KeepDims), []int{1, 1, 1}, Float32},
		{Sum(a, Axis(1)), []int{2, 4}, Float32},
		{Sum(a, Axes(-1, 0), KeepDims), []int{1, 3, 1}, Float32},
		{Sum(a, Axes()), []int{2, 3, 4}, Float32},
		{Argmax(a), []int{}, Uint32},
		{Argmax(a, KeepDims), []int{1, 1, 1}, Uint32},
		{Argmin(a, Axis(-2), KeepDims), []int{2, 1, 4}, Uint32},
		{Mean(AsType(a, Int8)), []int{}, Float32},
		{Sum(AsType(a, Bool)), []int{}, Int32},
		{Sum(AsType(a, Uint16)), []int{}, Uint32},
		{Prod(AsType(a, Int64)), []int{}, Int64},
		{Sum(AsType(a, Float16)), []int{}, Float16},
		{Var(AsType(a, Int32), Axis(0)), []int{3, 4}, Float32},
		{Softmax(AsType(a, Int32), Axis(0)), []int{2, 3, 4}, Float32},
		{Logsumexp(AsType(a, Bfloat16), Axis(0)), []int{3, 4}, Bfloat16},
		{Median(a, Axes(0, 2)), []int{3}, Float32},
		{CountNonzero(a, Axis(2)), []int{2, 3}, Int32},
		{All(a, Axis(0), KeepDims), []int{1, 3, 4}, Bool},
		{Argmax(testZeros([]int{0, 3}), Axis(1)), []int{0}, Uint32},
		{Max(testZeros([]int{0, 3}), Axis(1)), []int{0}, Float32},
		{Median(testZeros([]int{2, 0}), Axis(0)), []int{0}, Float32},
		{Var(testZeros([]int{0, 3}), Axis(0), KeepDims), []int{1, 3}, Float32},
	}
	for i, c := range cases {
		if !slices.Equal(c.got.Shape(), c.want) || c.got.Dtype() != c.dt {
			t.Errorf("case %d: %v %v, want %v %v", i, c.got.Shape(), c.got.Dtype(), c.want, c.dt)
		}
		if err := Eval(c.got); err != nil {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

func BenchmarkSum(b *testing.B) {
	const n = 1 << 24
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i%1000) * 0.001
	}
	a := NewArray(v)
	b.SetBytes(4 * n)
	b.ResetTimer()
	for b.Loop() {
		if err := Eval(Sum(a)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSoftmax(b *testing.B) {
	const rows, cols = 4096, 1024
	v := make([]float32, rows*cols)
	for i := range v {
		v[i] = float32(i%997)*0.01 - 5
	}
	a := NewArray(v, rows, cols)
	b.SetBytes(2 * 4 * rows * cols) // read and written
	b.ResetTimer()
	for b.Loop() {
		if err := Eval(Softmax(a, Axis(-1))); err != nil {
			b.Fatal(err)
		}
	}
}
