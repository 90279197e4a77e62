package mx

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"strconv"
	"strings"
	"testing"
)

// binaryFunc is the signature of every binary op.
type binaryFunc func(a, b any, opts ...Option) *Array

// binaryOps maps MLX's op names to the ops, for the golden file and the
// reference rows.
var binaryOps = map[string]binaryFunc{
	"add": Add, "subtract": Subtract, "multiply": Multiply, "divide": Divide,
	"floor_divide": FloorDivide, "remainder": Remainder, "power": Power,
	"maximum": Maximum, "minimum": Minimum, "arctan2": Arctan2, "logaddexp": Logaddexp,
	"equal": Equal, "not_equal": NotEqual, "less": Less, "less_equal": LessEqual,
	"greater": Greater, "greater_equal": GreaterEqual,
	"logical_and": LogicalAnd, "logical_or": LogicalOr, "logical_xor": LogicalXor,
	"bitwise_and": BitwiseAnd, "bitwise_or": BitwiseOr, "bitwise_xor": BitwiseXor,
	"left_shift": LeftShift, "right_shift": RightShift,
}

var allDtypes = []Dtype{Bool, Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64,
	Float16, Bfloat16, Float32, Float64, Complex64}

// arrOf returns an evaluated array of type dt holding vals (converted as
// AsType converts float64), with the given shape.
func arrOf(dt Dtype, vals []float64, shape ...int) *Array {
	return convertNow(NewArray(vals, shape...), dt)
}

// binaryRow makes a table row applying f to a and b.
func binaryRow(name string, f binaryFunc, a, b, want *Array, tol float64) opCase {
	return opCase{
		name: name, in: []*Array{a, b}, want: want, tol: tol,
		op: func(in []*Array, o ...Option) *Array { return f(in[0], in[1], o...) },
	}
}

// ---- Golden rows: NumPy's results (scripts/golden/binary.py). ----

type goldenFile struct {
	Inputs map[string]struct{ A, B []any } `json:"inputs"`
	Cases  []struct {
		Op, Dtype, Inputs string
		OutDtype          string `json:"out_dtype"`
		Out               []any
	} `json:"cases"`
}

// goldenArray builds an array of the dtype named dt from JSON values
// (numbers, bools, or "nan", "inf", "-inf").
func goldenArray(dt string, vals []any) (*Array, error) {
	d, ok := dtypeByName(dt)
	if !ok {
		return nil, fmt.Errorf("unknown dtype %q", dt)
	}
	switch {
	case d == Bool:
		b := make([]bool, len(vals))
		for i, v := range vals {
			b[i] = v.(bool)
		}
		return NewArray(b), nil
	case d.IsInteger():
		if d == Uint64 {
			u := make([]uint64, len(vals))
			for i, v := range vals {
				x, err := strconv.ParseUint(string(v.(json.Number)), 10, 64)
				if err != nil {
					return nil, err
				}
				u[i] = x
			}
			return NewArray(u), nil
		}
		s := make([]int64, len(vals))
		for i, v := range vals {
			x, err := strconv.ParseInt(string(v.(json.Number)), 10, 64)
			if err != nil {
				return nil, err
			}
			s[i] = x
		}
		return convertNow(NewArray(s), d), nil
	}
	f := make([]float64, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case string:
			switch x {
			case "nan":
				f[i] = math.NaN()
			case "inf":
				f[i] = math.Inf(1)
			case "-inf":
				f[i] = math.Inf(-1)
			default:
				return nil, fmt.Errorf("bad value %q", x)
			}
		case json.Number:
			y, err := x.Float64()
			if err != nil {
				return nil, err
			}
			f[i] = y
		default:
			return nil, fmt.Errorf("bad value %v", v)
		}
	}
	return arrOf(d, f), nil
}

func dtypeByName(name string) (Dtype, bool) {
	for _, d := range allDtypes {
		if d.String() == name {
			return d, true
		}
	}
	return 0, false
}

// goldenTol is the tolerance of the ops whose results depend on the math
// library (NumPy rounds through the C library in the operands' precision).
func goldenTol(op, dt string) float64 {
	switch op {
	case "power", "arctan2", "logaddexp":
		switch dt {
		case "float16":
			return 1e-3
		case "float32":
			return 1e-6
		}
		return 1e-14
	}
	return 0
}

func loadGolden() ([]opCase, error) {
	data, err := os.ReadFile("testdata/binary.json")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var g goldenFile
	if err := dec.Decode(&g); err != nil {
		return nil, err
	}
	var rows []opCase
	for _, c := range g.Cases {
		f, ok := binaryOps[c.Op]
		if !ok {
			return nil, fmt.Errorf("unknown op %q", c.Op)
		}
		in := g.Inputs[c.Inputs]
		a, err := goldenArray(c.Dtype, in.A)
		if err != nil {
			return nil, err
		}
		b, err := goldenArray(c.Dtype, in.B)
		if err != nil {
			return nil, err
		}
		want, err := goldenArray(c.OutDtype, c.Out)
		if err != nil {
			return nil, err
		}
		rows = append(rows, binaryRow(c.Op+"/numpy/"+c.Dtype, f, a, b, want, goldenTol(c.Op, c.Dtype)))
	}
	return rows, nil
}

var goldenErr error

func init() {
	rows, err := loadGolden()
	goldenErr = err
	addCases(rows...)
}

func TestBinaryGoldenLoads(t *testing.T) {
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
}

// ---- Reference rows: every op over every dtype it takes, computed in
// float64, int64 or complex128 here. The operands are a column (n, 1) and a
// row (m,) so that every row also broadcasts. ----

type refOp struct {
	name   string
	dtypes []Dtype
	out    func(Dtype) Dtype // the result type; nil: the operands' type
	i      func(a, b int64) int64
	f      func(a, b float64) float64
	c      func(a, b complex128) complex128
	cmp    func(a, b float64) bool
	ccmp   func(a, b complex128) bool
	bvals  []float64 // the values of b when they differ from a's
	finite bool      // float operands exclude NaN and infinities
	tol    float64   // for float results computed through the math library
}

var (
	intTypes   = []Dtype{Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64}
	floatTypes = []Dtype{Float16, Bfloat16, Float32, Float64}
	realTypes  = append(append([]Dtype{Bool}, intTypes...), floatTypes...)
	bitTypes   = append([]Dtype{Bool}, intTypes...)
)

func toBool(Dtype) Dtype { return Bool }

func pyFloorDiv(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func pyMod(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	return a - b*pyFloorDiv(a, b)
}

func ipow(a, b int64) int64 {
	if b < 0 {
		return 0
	}
	r := int64(1)
	for range b {
		r *= a
	}
	return r
}

func nanMax(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	return math.Max(a, b)
}

func nanMin(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	return math.Min(a, b)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

var refOps = []refOp{
	{name: "add", dtypes: allDtypes, i: func(a, b int64) int64 { return a + b },
		f: func(a, b float64) float64 { return a + b }, c: func(a, b complex128) complex128 { return a + b }},
	{name: "subtract", dtypes: allDtypes, i: func(a, b int64) int64 { return a - b },
		f: func(a, b float64) float64 { return a - b }, c: func(a, b complex128) complex128 { return a - b }},
	{name: "multiply", dtypes: allDtypes, i: func(a, b int64) int64 { return a * b },
		f: func(a, b float64) float64 { return a * b }, c: func(a, b complex128) complex128 { return a * b }},
	{name: "divide", dtypes: allDtypes, out: atLeastFloat,
		f: func(a, b float64) float64 { return a / b }, c: func(a, b complex128) complex128 { return a / b }, tol: 1e-7},
	{name: "floor_divide", dtypes: realTypes, i: pyFloorDiv, finite: true,
		f: func(a, b float64) float64 {
			if b == 0 {
				return a / b
			}
			return math.Floor(a / b)
		}},
	{name: "remainder", dtypes: realTypes, i: pyMod, finite: true,
		f: func(a, b float64) float64 {
			if b == 0 {
				return math.NaN()
			}
			return a - b*math.Floor(a/b)
		}},
	{name: "power", dtypes: allDtypes, i: ipow, f: math.Pow, c: cmplx.Pow, tol: 1e-6},
	{name: "maximum", dtypes: realTypes, i: func(a, b int64) int64 { return max(a, b) }, f: nanMax},
	{name: "minimum", dtypes: realTypes, i: func(a, b int64) int64 { return min(a, b) }, f: nanMin},
	{name: "arctan2", dtypes: realTypes, out: atLeastFloat, f: math.Atan2, tol: 1e-6},
	{name: "logaddexp", dtypes: realTypes, out: atLeastFloat, tol: 1e-6,
		f: func(a, b float64) float64 {
			if a != a || b != b {
				return math.NaN()
			}
			hi, lo := math.Max(a, b), math.Min(a, b)
			if math.IsInf(lo, -1) || math.IsInf(hi, 1) {
				return hi
			}
			return math.Log(math.Exp(a-hi)+math.Exp(b-hi)) + hi
		}},
	{name: "equal", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a == b },
		ccmp: func(a, b complex128) bool { return a == b }},
	{name: "not_equal", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a != b },
		ccmp: func(a, b complex128) bool { return a != b }},
	{name: "less", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a < b },
		ccmp: func(a, b complex128) bool { return real(a) < real(b) || real(a) == real(b) && imag(a) < imag(b) }},
	{name: "less_equal", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a <= b },
		ccmp: func(a, b complex128) bool { return real(a) < real(b) || real(a) == real(b) && imag(a) <= imag(b) }},
	{name: "greater", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a > b },
		ccmp: func(a, b complex128) bool { return real(a) > real(b) || real(a) == real(b) && imag(a) > imag(b) }},
	{name: "greater_equal", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a >= b },
		ccmp: func(a, b complex128) bool { return real(a) > real(b) || real(a) == real(b) && imag(a) >= imag(b) }},
	{name: "logical_and", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a != 0 && b != 0 },
		ccmp: func(a, b complex128) bool { return a != 0 && b != 0 }},
	{name: "logical_or", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return a != 0 || b != 0 },
		ccmp: func(a, b complex128) bool { return a != 0 || b != 0 }},
	{name: "logical_xor", dtypes: allDtypes, out: toBool, cmp: func(a, b float64) bool { return (a != 0) != (b != 0) },
		ccmp: func(a, b complex128) bool { return (a != 0) != (b != 0) }},
	{name: "bitwise_and", dtypes: bitTypes, i: func(a, b int64) int64 { return a & b }},
	{name: "bitwise_or", dtypes: bitTypes, i: func(a, b int64) int64 { return a | b }},
	{name: "bitwise_xor", dtypes: bitTypes, i: func(a, b int64) int64 { return a ^ b }},
	{name: "left_shift", dtypes: intTypes, i: func(a, b int64) int64 { return a << b },
		bvals: []float64{0, 1, 2, 3, 5, 7, 9}},
	{name: "right_shift", dtypes: intTypes, i: func(a, b int64) int64 { return a >> b },
		bvals: []float64{0, 1, 2, 3, 5, 7, 9}},
}

// refValues returns the operand values used for dtype dt.
func refValues(dt Dtype, finite bool) []float64 {
	switch {
	case dt == Bool:
		return []float64{0, 1}
	case IsSubDtype(dt, UnsignedInteger):
		return []float64{0, 1, 2, 3, 5, 7, 9}
	case dt.IsInteger():
		return []float64{-7, -3, -1, 0, 1, 2, 5}
	case finite:
		return []float64{-2.5, -1, 0, 0.5, 3}
	}
	return []float64{math.Inf(-1), -2.5, -1, math.Copysign(0, -1), 0, 0.5, 3, math.Inf(1), math.NaN()}
}

var refComplex = []complex128{1 + 2i, -1.5 + 0.5i, 0, 2 - 3i, 1 + 2i}

// refRows makes the reference rows of one op and dtype.
func refRows(r refOp, dt Dtype) opCase {
	f := binaryOps[r.name]
	outType := dt
	if r.out != nil {
		outType = r.out(dt)
	}
	name := r.name + "/" + dt.String()
	if dt == Complex64 {
		av, bv := refComplex, refComplex[1:]
		want := make([]complex128, 0, len(av)*len(bv))
		for _, a := range av {
			for _, b := range bv {
				if r.ccmp != nil {
					want = append(want, complex(b2f(r.ccmp(a, b)), 0))
				} else {
					want = append(want, r.c(a, b))
				}
			}
		}
		a := NewArray(av, len(av), 1)
		b := NewArray(bv)
		w := convertNow(NewArray(want, len(av), len(bv)), outType)
		return binaryRow(name, f, a, b, w, max(r.tol, 1e-6))
	}
	av := refValues(dt, r.finite)
	bv := av
	if r.bvals != nil {
		bv = r.bvals
	}
	n, m := len(av), len(bv)
	a, b := arrOf(dt, av, n, 1), arrOf(dt, bv, m)
	tol := 0.0
	switch {
	case r.cmp != nil:
		want := make([]bool, 0, n*m)
		for _, x := range av {
			for _, y := range bv {
				want = append(want, r.cmp(x, y))
			}
		}
		return binaryRow(name, f, a, b, NewArray(want, n, m), 0)
	case r.i != nil && (dt.IsInteger() || dt == Bool):
		want := make([]int64, 0, n*m)
		for _, x := range av {
			for _, y := range bv {
				want = append(want, r.i(int64(x), int64(y)))
			}
		}
		return binaryRow(name, f, a, b, convertNow(NewArray(want, n, m), outType), 0)
	}
	want := make([]float64, 0, n*m)
	for _, x := range av {
		for _, y := range bv {
			want = append(want, r.f(x, y))
		}
	}
	if r.tol > 0 {
		switch outType {
		case Float16:
			tol = 1e-3
		case Bfloat16:
			tol = 1e-2
		case Float32:
			tol = r.tol
		default:
			tol = 1e-14
		}
	}
	return binaryRow(name, f, a, b, arrOf(outType, want, n, m), tol)
}

func init() {
	for _, r := range refOps {
		for _, dt := range r.dtypes {
			addCases(refRows(r, dt))
		}
	}
}

// ---- Targeted rows: promotion, broadcasting, special values. ----

func init() {
	f32 := func(v ...float32) *Array { return NewArray(v) }
	addCases(
		// Weak scalars take the array's type.
		opCase{name: "add/weak-float16", in: []*Array{arrOf(Float16, []float64{1, 2.5})},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], 1.5, o...) },
			want: arrOf(Float16, []float64{2.5, 4})},
		opCase{name: "add/weak-int32-float", in: []*Array{NewArray([]int32{1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], 1.5, o...) },
			want: f32(2.5, 3.5)},
		opCase{name: "add/weak-int8-int", in: []*Array{NewArray([]int8{1, 127})},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], 1, o...) },
			want: NewArray([]int8{2, -128})},
		opCase{name: "add/weak-bool-int", in: []*Array{NewArray([]bool{true, false})},
			op:   func(in []*Array, o ...Option) *Array { return Add(1, in[0], o...) },
			want: NewArray([]int32{2, 1})},
		opCase{name: "add/weak-both", in: nil,
			op:   func(in []*Array, o ...Option) *Array { return Add(2, 3.5, o...) },
			want: Scalar(float32(5.5))},
		opCase{name: "subtract/weak-uint8-left", in: []*Array{NewArray([]uint8{1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Subtract(10, in[0], o...) },
			want: NewArray([]uint8{9, 8})},
		opCase{name: "divide/weak-int-int", in: []*Array{NewArray([]int32{1, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Divide(in[0], 2, o...) },
			want: f32(0.5, 1.5)},
		opCase{name: "divide/int64-float32", in: []*Array{NewArray([]int64{1, 3}), NewArray([]int64{4, 4})},
			op:   func(in []*Array, o ...Option) *Array { return Divide(in[0], in[1], o...) },
			want: f32(0.25, 0.75)},
		opCase{name: "multiply/weak-complex", in: []*Array{f32(1, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Multiply(in[0], 1i, o...) },
			want: NewArray([]complex64{1i, 2i})},
		opCase{name: "maximum/promote-int8-uint8", in: []*Array{NewArray([]int8{-1, 5}), NewArray([]uint8{200, 1})},
			op:   func(in []*Array, o ...Option) *Array { return Maximum(in[0], in[1], o...) },
			want: NewArray([]int16{200, 5})},
		opCase{name: "less/weak-float-int", in: []*Array{NewArray([]int32{1, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Less(in[0], 1.5, o...) },
			want: NewArray([]bool{true, false})},
		opCase{name: "add/slice-operand", in: []*Array{f32(1, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], []float32{10, 20}, o...) },
			want: f32(11, 22)},
		// Broadcasting: 0-d, empty, size-one dimensions on both sides.
		opCase{name: "add/0d-0d", in: []*Array{Scalar(float32(1)), Scalar(float32(2))},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
			want: Scalar(float32(3))},
		opCase{name: "multiply/0d-3d", in: []*Array{Scalar(int32(3)), NewArray([]int32{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Multiply(in[0], in[1], o...) },
			want: NewArray([]int32{3, 6, 9, 12, 15, 18, 21, 24}, 2, 2, 2)},
		opCase{name: "add/empty", in: []*Array{NewArray([]float32{}, 0, 3), f32(1, 2, 3)},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
			want: NewArray([]float32{}, 0, 3)},
		opCase{name: "add/empty-broadcast", in: []*Array{NewArray([]float32{}, 2, 0), NewArray([]float32{1, 2}, 2, 1)},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
			want: NewArray([]float32{}, 2, 0)},
		opCase{name: "equal/empty", in: []*Array{NewArray([]int32{}), NewArray([]int32{1})},
			op:   func(in []*Array, o ...Option) *Array { return Equal(in[0], in[1], o...) },
			want: NewArray([]bool{})},
		opCase{name: "subtract/both-broadcast", in: []*Array{NewArray([]float64{1, 2}, 2, 1, 1), NewArray([]float64{10, 20, 30}, 1, 3)},
			op:   func(in []*Array, o ...Option) *Array { return Subtract(in[0], in[1], o...) },
			want: NewArray([]float64{-9, -19, -29, -8, -18, -28}, 2, 1, 3)},
		// Special values.
		opCase{name: "maximum/nan-either", in: []*Array{f32(nan32(), 1, 2, nan32()), f32(1, nan32(), 1, nan32())},
			op:   func(in []*Array, o ...Option) *Array { return Maximum(in[0], in[1], o...) },
			want: f32(nan32(), nan32(), 2, nan32())},
		opCase{name: "minimum/nan-either", in: []*Array{f32(nan32(), 1, 2, inf32(-1)), f32(1, nan32(), 1, 0)},
			op:   func(in []*Array, o ...Option) *Array { return Minimum(in[0], in[1], o...) },
			want: f32(nan32(), nan32(), 1, inf32(-1))},
		opCase{name: "logaddexp/stable", in: []*Array{f32(1000, -1000, inf32(-1), inf32(-1), inf32(1)), f32(1000, -1000, 3, inf32(-1), inf32(-1))},
			op:   func(in []*Array, o ...Option) *Array { return Logaddexp(in[0], in[1], o...) },
			want: f32(1000+float32(math.Ln2), -1000+float32(math.Ln2), 3, inf32(-1), inf32(1)), tol: 1e-6},
		opCase{name: "power/int-negative-exponent", in: []*Array{NewArray([]int32{2, 1, -1, 0, 3}), NewArray([]int32{-1, -2, -3, -1, 0})},
			op:   func(in []*Array, o ...Option) *Array { return Power(in[0], in[1], o...) },
			want: NewArray([]int32{0, 0, 0, 0, 1})},
		opCase{name: "power/int-weak-float-exponent", in: []*Array{NewArray([]int32{4, 9})},
			op:   func(in []*Array, o ...Option) *Array { return Power(in[0], 0.5, o...) },
			want: f32(2, 3)},
		opCase{name: "floor_divide/int-by-zero", in: []*Array{NewArray([]int64{7, -7, 0, math.MinInt64}), NewArray([]int64{0, 0, 0, -1})},
			op:   func(in []*Array, o ...Option) *Array { return FloorDivide(in[0], in[1], o...) },
			want: NewArray([]int64{0, 0, 0, math.MinInt64})},
		opCase{name: "remainder/int-by-zero", in: []*Array{NewArray([]int8{7, -7, -128}), NewArray([]int8{0, 0, -1})},
			op:   func(in []*Array, o ...Option) *Array { return Remainder(in[0], in[1], o...) },
			want: NewArray([]int8{0, 0, 0})},
		opCase{name: "left_shift/bool-uint8", in: []*Array{NewArray([]bool{true, true, false}), NewArray([]bool{true, false, true})},
			op:   func(in []*Array, o ...Option) *Array { return LeftShift(in[0], in[1], o...) },
			want: NewArray([]uint8{2, 1, 0})},
		opCase{name: "right_shift/bool-int", in: []*Array{NewArray([]bool{true, false})},
			op:   func(in []*Array, o ...Option) *Array { return RightShift(in[0], 1, o...) },
			want: NewArray([]int32{0, 0})},
		opCase{name: "bitwise_and/weak-int", in: []*Array{NewArray([]uint16{0xff0f, 0x00f0})},
			op:   func(in []*Array, o ...Option) *Array { return BitwiseAnd(in[0], 0x0ff0, o...) },
			want: NewArray([]uint16{0x0f00, 0x00f0})},
		opCase{name: "maximum/complex", in: []*Array{NewArray([]complex64{1 + 1i, 2, complex(nan32(), 0)}), NewArray([]complex64{1 + 2i, 1 + 5i, 1})},
			op:   func(in []*Array, o ...Option) *Array { return Maximum(in[0], in[1], o...) },
			want: NewArray([]complex64{1 + 2i, 2, complex(nan32(), 0)})},
		opCase{name: "minimum/complex", in: []*Array{NewArray([]complex64{1 + 1i, 2, 1}), NewArray([]complex64{1 + 2i, 1 + 5i, complex(0, nan32())})},
			op:   func(in []*Array, o ...Option) *Array { return Minimum(in[0], in[1], o...) },
			want: NewArray([]complex64{1 + 1i, 1 + 5i, complex(0, nan32())})},
	)
}

func nan32() float32         { return float32(math.NaN()) }
func inf32(sign int) float32 { return float32(math.Inf(sign)) }

// ---- Strided operands: views with strides other than row-major. ----

// stridedView returns an available array that views a's buffer (a must be
// available) with the given shape, strides and offset.
func stridedView(a *Array, shape, strides []int, offset int) *Array {
	if err := Eval(a); err != nil {
		panic(err)
	}
	v := &Array{shape: shape, dtype: a.dtype}
	a.buf.Retain()
	v.setData(a.buf, strides, offset)
	v.status.Store(statusAvailable)
	return v
}

func init() {
	base := NewArray([]float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)
	// Transposed (4, 3), a reversed row, and every other element.
	tr := stridedView(base, []int{4, 3}, []int{1, 4}, 0)
	rev := stridedView(base, []int{4}, []int{-1}, 11)
	every := stridedView(base, []int{6}, []int{2}, 0)
	h := convertNow(base, Float16)
	htr := stridedView(h, []int{4, 3}, []int{1, 4}, 0)
	b := stridedView(NewArray([]bool{true, false, false, true, true, false}), []int{3}, []int{2}, 0)
	col1 := stridedView(base, []int{3}, []int{4}, 1)
	rev3 := stridedView(base, []int{3}, []int{-1}, 11)
	addCases(
		opCase{name: "add/strided-transposed", in: []*Array{tr, NewArray([]float32{100, 200, 300})},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
			want: NewArray([]float32{100, 204, 308, 101, 205, 309, 102, 206, 310, 103, 207, 311}, 4, 3)},
		opCase{name: "subtract/strided-negative", in: []*Array{rev, NewArray([]float32{1, 1, 1, 1})},
			op:   func(in []*Array, o ...Option) *Array { return Subtract(in[0], in[1], o...) },
			want: NewArray([]float32{10, 9, 8, 7})},
		opCase{name: "multiply/strided-both", in: []*Array{every, every},
			op:   func(in []*Array, o ...Option) *Array { return Multiply(in[0], in[1], o...) },
			want: NewArray([]float32{0, 4, 16, 36, 64, 100})},
		opCase{name: "greater/strided-float16", in: []*Array{htr, Scalar(float32(5))},
			op:   func(in []*Array, o ...Option) *Array { return Greater(in[0], in[1], o...) },
			want: NewArray([]bool{false, false, true, false, false, true, false, true, true, false, true, true}, 4, 3)},
		opCase{name: "add/strided-bool", in: []*Array{b, NewArray([]bool{false, false, true})},
			op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
			want: NewArray([]bool{true, false, true})},
		opCase{name: "where/strided", in: []*Array{b, col1, rev3},
			op: func(in []*Array, o ...Option) *Array {
				return Where(in[0], in[1], Subtract(in[2], 100), o...)
			},
			want: NewArray([]float32{1, -90, 9})},
	)
}

// ---- Large arrays: several blocks, several cores, rows that end inside
// a block. ----

func init() {
	const n = 3*1024 + 77
	x, y := make([]float32, n), make([]float32, 5*n)
	for i := range x {
		x[i] = float32(i%97) - 40
	}
	want := make([]float32, 5*n)
	wantCmp := make([]bool, 5*n)
	for r := range 5 {
		for i := range n {
			y[r*n+i] = float32(r) * 0.5
			want[r*n+i] = x[i] * float32(r) * 0.5
			wantCmp[r*n+i] = x[i] < float32(r)*0.5
		}
	}
	big := make([]int32, 1<<17)
	bigWant := make([]int32, 1<<17)
	for i := range big {
		big[i] = int32(i) - 1000
		bigWant[i] = int32(pyFloorDiv(int64(big[i]), 7))
	}
	col := NewArray([]float32{0, 0.5, 1, 1.5, 2}, 5, 1)
	addCases(
		opCase{name: "multiply/large-broadcast", in: []*Array{NewArray(x), col},
			op:   func(in []*Array, o ...Option) *Array { return Multiply(in[0], in[1], o...) },
			want: NewArray(want, 5, n)},
		opCase{name: "less/large-broadcast-half", in: []*Array{convertNow(NewArray(x), Float16), col},
			op:   func(in []*Array, o ...Option) *Array { return Less(in[0], in[1], o...) },
			want: NewArray(wantCmp, 5, n)},
		opCase{name: "floor_divide/large-parallel", in: []*Array{NewArray(big)},
			op:   func(in []*Array, o ...Option) *Array { return FloorDivide(in[0], 7, o...) },
			want: NewArray(bigWant)},
	)
}

// ---- Divmod, Where, Clip, IsClose, AllClose, ArrayEqual. ----

func init() {
	f32 := func(v ...float32) *Array { return NewArray(v) }
	nan, inf := nan32(), inf32(1)
	addCases(
		opCase{name: "divmod/quotient", in: []*Array{NewArray([]int32{-7, 7, -7, 7, 3}), NewArray([]int32{2, -2, -2, 2, 0})},
			op: func(in []*Array, o ...Option) *Array {
				q, _ := Divmod(in[0], in[1], o...)
				return q
			},
			want: NewArray([]int32{-4, -4, 3, 3, 0})},
		opCase{name: "divmod/remainder", in: []*Array{NewArray([]int32{-7, 7, -7, 7, 3}), NewArray([]int32{2, -2, -2, 2, 0})},
			op: func(in []*Array, o ...Option) *Array {
				_, r := Divmod(in[0], in[1], o...)
				return r
			},
			want: NewArray([]int32{1, -1, -1, 1, 0})},
		opCase{name: "divmod/float-remainder", in: []*Array{f32(-7.5, 7.5, 1), f32(2, -2, 0)},
			op: func(in []*Array, o ...Option) *Array {
				_, r := Divmod(in[0], in[1], o...)
				return r
			},
			want: f32(0.5, -0.5, nan)},
		opCase{name: "where/broadcast-three", in: []*Array{NewArray([]bool{true, false}, 2, 1), f32(1, 2, 3), Scalar(float32(-1))},
			op:   func(in []*Array, o ...Option) *Array { return Where(in[0], in[1], in[2], o...) },
			want: NewArray([]float32{1, 2, 3, -1, -1, -1}, 2, 3)},
		opCase{name: "where/weak-scalars", in: []*Array{NewArray([]int32{0, 3, -1})},
			op:   func(in []*Array, o ...Option) *Array { return Where(in[0], 1.5, arrOf(Float16, []float64{1}), o...) },
			want: arrOf(Float16, []float64{1, 1.5, 1.5})},
		opCase{name: "where/int-cond-weak-both", in: []*Array{NewArray([]int32{0, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Where(in[0], 1, 2, o...) },
			want: NewArray([]int32{2, 1})},
		opCase{name: "where/complex", in: []*Array{NewArray([]bool{true, false})},
			op:   func(in []*Array, o ...Option) *Array { return Where(in[0], 1i, 2, o...) },
			want: NewArray([]complex64{1i, 2})},
		opCase{name: "where/empty", in: []*Array{NewArray([]bool{}, 0, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Where(in[0], 1.5, 2.5, o...) },
			want: NewArray([]float32{}, 0, 2)},
		opCase{name: "clip/both", in: []*Array{NewArray([]int8{-100, 0, 50, 127})},
			op:   func(in []*Array, o ...Option) *Array { return Clip(in[0], -10, 100, o...) },
			want: NewArray([]int8{-10, 0, 50, 100})},
		opCase{name: "clip/min-only-float-promotes", in: []*Array{NewArray([]int32{-1, 0, 2})},
			op:   func(in []*Array, o ...Option) *Array { return Clip(in[0], 0.5, nil, o...) },
			want: f32(0.5, 0.5, 2)},
		opCase{name: "clip/max-only-nil-array", in: []*Array{f32(-1, nan, 5)},
			op:   func(in []*Array, o ...Option) *Array { return Clip(in[0], (*Array)(nil), 2, o...) },
			want: f32(-1, nan, 2)},
		opCase{name: "clip/array-bounds-broadcast", in: []*Array{f32(1, 5, 9), NewArray([]float32{0, 6}, 2, 1), Scalar(float32(8))},
			op:   func(in []*Array, o ...Option) *Array { return Clip(in[0], in[1], in[2], o...) },
			want: NewArray([]float32{1, 5, 8, 6, 6, 8}, 2, 3)},
		opCase{name: "isclose/defaults", in: []*Array{f32(1, 1, 0, inf, inf, nan, 1e-7, -inf), f32(1+1e-6, 1.001, 1e-9, inf, -inf, nan, 0, -inf)},
			op:   func(in []*Array, o ...Option) *Array { return IsClose(in[0], in[1], o...) },
			want: NewArray([]bool{true, false, true, true, false, false, false, true})},
		opCase{name: "isclose/options", in: []*Array{f32(1, nan, 100), f32(1.01, nan, 101)},
			op: func(in []*Array, o ...Option) *Array {
				return IsClose(in[0], in[1], append(o, Rtol(0.02), EqualNaN, Atol(0))...)
			},
			want: NewArray([]bool{true, true, true})},
		opCase{name: "isclose/inf-not-close-to-finite", in: []*Array{f32(inf, 1)},
			op:   func(in []*Array, o ...Option) *Array { return IsClose(in[0], 1e30, append(o, Rtol(10))...) },
			want: NewArray([]bool{false, true})},
		opCase{name: "isclose/int", in: []*Array{NewArray([]int64{math.MaxInt64, 100, math.MinInt64}), NewArray([]int64{math.MaxInt64 - 1, 101, math.MaxInt64})},
			op:   func(in []*Array, o ...Option) *Array { return IsClose(in[0], in[1], append(o, Rtol(0.01))...) },
			want: NewArray([]bool{true, true, false})},
		opCase{name: "isclose/float16-broadcast", in: []*Array{arrOf(Float16, []float64{1, 2}, 2, 1), arrOf(Float16, []float64{1, 2.001})},
			op:   func(in []*Array, o ...Option) *Array { return IsClose(in[0], in[1], append(o, Rtol(1e-3))...) },
			want: NewArray([]bool{true, false, false, true}, 2, 2)},
		opCase{name: "isclose/complex", in: []*Array{NewArray([]complex64{1 + 1i, 1 + 1i, complex(nan, 0)})},
			op: func(in []*Array, o ...Option) *Array {
				return IsClose(in[0], NewArray([]complex64{1 + 1.000001i, 1 + 2i, complex(0, nan)}), append(o, EqualNaN)...)
			},
			want: NewArray([]bool{true, false, true})},
		opCase{name: "allclose/true", in: []*Array{f32(1, 2, 3), f32(1, 2, 3.00001)},
			op:   func(in []*Array, o ...Option) *Array { return AllClose(in[0], in[1], o...) },
			want: Scalar(true)},
		opCase{name: "allclose/false-broadcast", in: []*Array{NewArray([]float64{1, 2}, 2, 1), NewArray([]float64{1, 1})},
			op:   func(in []*Array, o ...Option) *Array { return AllClose(in[0], in[1], o...) },
			want: Scalar(false)},
		opCase{name: "allclose/empty", in: []*Array{NewArray([]float32{}, 0, 3), f32(1, 2, 3)},
			op:   func(in []*Array, o ...Option) *Array { return AllClose(in[0], in[1], o...) },
			want: Scalar(true)},
		opCase{name: "allclose/nan", in: []*Array{f32(1, nan), f32(1, nan)},
			op:   func(in []*Array, o ...Option) *Array { return AllClose(in[0], in[1], o...) },
			want: Scalar(false)},
		opCase{name: "allclose/large-late-mismatch", in: []*Array{NewArray(make([]float32, 200000))},
			op: func(in []*Array, o ...Option) *Array {
				return AllClose(in[0], Where(Equal(NewArray(iotaInt32(200000)), 199999), 1, 0), o...)
			},
			want: Scalar(false)},
		opCase{name: "array_equal/true", in: []*Array{NewArray([]int32{1, 2, 3}), f32(1, 2, 3)},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], o...) },
			want: Scalar(true)},
		opCase{name: "array_equal/int64-exact", in: []*Array{NewArray([]int64{math.MaxInt64}), NewArray([]int64{math.MaxInt64 - 1})},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], o...) },
			want: Scalar(false)},
		opCase{name: "array_equal/shapes-differ", in: []*Array{f32(1, 1), NewArray([]float32{1, 1}, 2, 1)},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], o...) },
			want: Scalar(false)},
		opCase{name: "array_equal/nan", in: []*Array{f32(1, nan), f32(1, nan)},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], o...) },
			want: Scalar(false)},
		opCase{name: "array_equal/equal-nan", in: []*Array{f32(1, nan, inf), f32(1, nan, inf)},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], append(o, EqualNaN)...) },
			want: Scalar(true)},
		opCase{name: "array_equal/close-is-not-equal", in: []*Array{f32(1), f32(1 + 1e-7)},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], o...) },
			want: Scalar(false)},
		opCase{name: "array_equal/empty", in: []*Array{NewArray([]float32{}), NewArray([]int8{})},
			op:   func(in []*Array, o ...Option) *Array { return ArrayEqual(in[0], in[1], o...) },
			want: Scalar(true)},
	)
}

func iotaInt32(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

// ---- Dtypes of results, and errors. ----

func TestBinaryResultTypes(t *testing.T) {
	i8, u8 := NewArray([]int8{1}), NewArray([]uint8{1})
	b := NewArray([]bool{true})
	h := arrOf(Float16, []float64{1})
	c := NewArray([]complex64{1})
	cases := []struct {
		got  *Array
		want Dtype
	}{
		{Add(h, 1.5), Float16},
		{Add(NewArray([]int32{1}), 1.5), Float32},
		{Add(i8, 1), Int8},
		{Add(b, 1), Int32},
		{Add(b, b), Bool},
		{Add(b, true), Bool},
		{Add(i8, u8), Int16},
		{Divide(i8, i8), Float32},
		{Divide(b, b), Float32},
		{Divide(h, 2), Float16},
		{Divide(c, 2), Complex64},
		{FloorDivide(i8, 2), Int8},
		{FloorDivide(i8, 2.0), Float32},
		{Power(i8, 2), Int8},
		{Arctan2(u8, u8), Float32},
		{Logaddexp(NewArray([]int64{1}), 1), Float32},
		{Less(h, 1), Bool},
		{Equal(c, c), Bool},
		{LogicalAnd(h, 1), Bool},
		{LogicalXor(c, 0), Bool},
		{BitwiseOr(b, b), Bool},
		{BitwiseOr(b, 1), Int32},
		{LeftShift(b, b), Uint8},
		{RightShift(u8, 1), Uint8},
		{Where(b, i8, u8), Int16},
		{Where(b, h, 2.5), Float16},
		{Clip(i8, 0, 1.5), Float32},
		{IsClose(i8, i8), Bool},
	}
	for i, c := range cases {
		if c.got.Dtype() != c.want {
			t.Errorf("case %d: dtype %v, want %v", i, c.got.Dtype(), c.want)
		}
	}
	q, r := Divmod(NewArray([]uint16{7}), 2)
	if q.Dtype() != Uint16 || r.Dtype() != Uint16 {
		t.Errorf("divmod: dtypes %v, %v", q.Dtype(), r.Dtype())
	}
	if AllClose(i8, i8).Ndim() != 0 || ArrayEqual(i8, i8).Ndim() != 0 {
		t.Errorf("allclose and array_equal must be 0-d")
	}
}

func TestBinaryErrors(t *testing.T) {
	f := NewArray([]float32{1, 2, 3})
	c := NewArray([]complex64{1})
	cases := []struct {
		name string
		call func()
		want []string // substrings of the message
	}{
		{"add shapes", func() { Add(f, NewArray([]float32{1, 2})) }, []string{"add", "(3,)", "(2,)"}},
		{"less shapes 2d", func() { Less(NewArray([]int32{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]int32{1, 2}, 2)) }, []string{"less", "(2, 3)", "(2,)"}},
		{"divmod shapes", func() { Divmod(f, []float32{1, 2}) }, []string{"divmod", "(3,)", "(2,)"}},
		{"where shapes", func() { Where(NewArray([]bool{true, false}), f, 1) }, []string{"where", "(2,)", "(3,)"}},
		{"clip shapes", func() { Clip(f, NewArray([]float32{1, 2}), nil) }, []string{"clip", "(3,)", "(2,)"}},
		{"isclose shapes", func() { IsClose(f, NewArray([]float32{1, 2})) }, []string{"isclose", "(3,)", "(2,)"}},
		{"bitwise_and float", func() { BitwiseAnd(f, 1) }, []string{"bitwise_and", "float32"}},
		{"bitwise_or float16", func() { BitwiseOr(NewArray([]int32{1}), arrOf(Float16, []float64{1})) }, []string{"bitwise_or", "float16"}},
		{"bitwise_xor weak float", func() { BitwiseXor(NewArray([]int32{1}), 1.5) }, []string{"bitwise_xor", "float32"}},
		{"left_shift float", func() { LeftShift(f, f) }, []string{"left_shift", "float32"}},
		{"right_shift complex", func() { RightShift(c, 1) }, []string{"right_shift", "complex64"}},
		{"floor_divide complex", func() { FloorDivide(c, c) }, []string{"floor_divide", "complex64"}},
		{"remainder complex", func() { Remainder(c, 1) }, []string{"remainder", "complex64"}},
		{"divmod complex", func() { Divmod(c, 1) }, []string{"divmod", "complex64"}},
		{"arctan2 complex", func() { Arctan2(c, 1) }, []string{"arctan2", "complex64"}},
		{"logaddexp complex", func() { Logaddexp(f, c) }, []string{"logaddexp", "complex64"}},
		{"clip no bounds", func() { Clip(f, nil, nil) }, []string{"clip", "nil"}},
		{"clip nil array", func() { Clip(nil, 1, 2) }, []string{"clip", "nil"}},
		{"add nil", func() { Add(f, nil) }, []string{"add", "nil"}},
		{"add nil array", func() { Add((*Array)(nil), f) }, []string{"add", "nil"}},
		{"add string", func() { Add(f, "x") }, []string{"add", "string"}},
		{"add axis option", func() { Add(f, f, Axis(0)) }, []string{"add", "axis"}},
		{"add tolerance option", func() { Add(f, f, Rtol(1)) }, []string{"add", "tolerance"}},
		{"isclose negative tolerance", func() { IsClose(f, f, Atol(-1)) }, []string{"isclose", "tolerance"}},
		{"isclose NaN tolerance", func() { IsClose(f, f, Rtol(math.NaN())) }, []string{"isclose", "tolerance"}},
		{"array_equal rtol", func() { ArrayEqual(f, f, Rtol(1)) }, []string{"array_equal", "tolerance"}},
	}
	for _, c := range cases {
		err := Catch(c.call)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", c.name, err)
			continue
		}
		for _, s := range c.want {
			if !strings.Contains(e.Error(), s) {
				t.Errorf("%s: %q does not mention %q", c.name, e.Error(), s)
			}
		}
	}
}

// TestBinaryLazy checks that ops record nodes and compute nothing until
// asked, and that Divmod's outputs come from one node.
func TestBinaryLazy(t *testing.T) {
	a, b := NewArray([]int32{7, -7}), NewArray([]int32{2, 2})
	q, r := Divmod(a, b)
	if q.IsAvailable() || r.IsAvailable() {
		t.Fatal("divmod evaluated eagerly")
	}
	if q.n != r.n || q.n.prim.Name() != "DivMod" {
		t.Fatal("divmod outputs are not siblings of one node")
	}
	if err := Eval(q); err != nil {
		t.Fatal(err)
	}
	if got := ToSlice[int32](r); got[0] != 1 || got[1] != 1 {
		t.Fatalf("remainder %v", got)
	}
	if name := Add(a, b).n.prim.Name(); name != "Add" {
		t.Fatalf("primitive name %q", name)
	}
}

// BenchmarkAdd adds two contiguous float32 arrays of 16M elements, end to
// end (node, evaluation, allocation of the result).
func BenchmarkAdd(b *testing.B) {
	const n = 1 << 24
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i % 1000)
	}
	a, c := NewArray(x), NewArray(x)
	b.SetBytes(3 * 4 * n)
	b.ResetTimer()
	for b.Loop() {
		if err := Eval(Add(a, c)); err != nil {
			b.Fatal(err)
		}
	}
}
