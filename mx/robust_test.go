package mx

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The robustness sweep calls every exported function of the package with
// hostile arguments: nil arrays and options, empty and 0-d arrays, every
// dtype and invalid ones, axes out of range, negative and enormous sizes,
// NaN where integers are expected, streams and devices that do not exist,
// arrays whose evaluation failed. Each call must either succeed (its results
// then evaluate, or fail with an error from Eval) or panic with an *Error
// that names an op. Anything else (a runtime error, a panic with a string,
// a kernel's internal error, a hang) is reported with the op and arguments.

// robustTimeout is how long one call may take before it counts as a hang.
const robustTimeout = 60 * time.Second

// prober runs calls and collects the failures.
type prober struct {
	t     *testing.T
	calls int
	fails map[string]int  // failures per op
	seen  map[string]bool // failures reported, by op and cause
	hangs int
}

// newProber returns a prober for t. Until t ends, a memory limit makes
// evaluations of large arrays fail quickly instead of filling the machine.
func newProber(t *testing.T) *prober {
	old := SetMemoryLimit(robustMemoryLimit)
	t.Cleanup(func() { SetMemoryLimit(old) })
	return &prober{t: t, fails: map[string]int{}, seen: map[string]bool{}}
}

const robustMemoryLimit = 256 << 20

// probe runs f, a call of op with the arguments described by args, and
// records a failure unless it behaves as promised. f returns the arrays the
// call made (an *Array, a []*Array or a [2]*Array), or anything else.
func (p *prober) probe(op, args string, f func() any) {
	p.t.Helper()
	if p.hangs > 0 {
		return // a hang may hold a lock every later call needs
	}
	p.calls++
	done := make(chan string, 1)
	go func() { done <- robustCall(robustOpName(op), f) }()
	timer := time.NewTimer(robustTimeout)
	defer timer.Stop()
	select {
	case why := <-done:
		if why != "" {
			p.fail(op, args, why)
		}
	case <-timer.C:
		p.hangs++
		p.fail(op, args, "hang: no result after "+robustTimeout.String())
	}
}

// fail reports a failure, once per op and cause.
func (p *prober) fail(op, args, why string) {
	p.t.Helper()
	p.fails[op]++
	if key := op + "\x00" + why; !p.seen[key] {
		p.seen[key] = true
		p.t.Errorf("%s(%s): %s", op, args, why)
	}
}

// report logs how many calls ran and how many failed.
func (p *prober) report() {
	p.t.Helper()
	for _, op := range robustKeys(p.fails) {
		p.t.Errorf("%s: %d failing calls", op, p.fails[op])
	}
	p.t.Logf("%d calls", p.calls)
}

// robustCall runs f and says what went wrong, or "". An argument error must
// name op (unless op is ""); errors of evaluation may name any op.
func robustCall(op string, f func() any) (why string) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if err, ok := r.(error); ok {
			var e *Error
			if errors.As(err, &e) {
				why = checkRobustError(e)
				if why == "" && op != "" && e.Op != op && !robustEvalError(e) {
					why = fmt.Sprintf("error names %q, not %q: %v", e.Op, op, e)
				}
				return
			}
		}
		why = fmt.Sprintf("panic %T: %v\n%s", r, r, shortStack())
	}()
	var arrays []*Array
	switch v := f().(type) {
	case *Array:
		arrays = []*Array{v}
	case []*Array:
		arrays = v
	case [2]*Array:
		arrays = v[:]
	}
	for i, a := range arrays {
		if a == nil {
			return fmt.Sprintf("result %d is a nil array", i)
		}
		if why := checkRobustShape(a.shape); why != "" {
			return fmt.Sprintf("result %d: %s", i, why)
		}
	}
	err := Eval(arrays...)
	for i, a := range arrays {
		if a.IsAvailable() {
			if why := checkRobustView(a); why != "" {
				return fmt.Sprintf("result %d: %s", i, why)
			}
		}
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return fmt.Sprintf("eval failed with %T, not *Error: %v", err, err)
		}
		return checkRobustError(e)
	}
	return ""
}

// checkRobustShape says what is wrong with the shape of an array: a
// negative dimension, or more elements than an int counts.
func checkRobustShape(shape []int) string {
	n := big.NewInt(1)
	for _, d := range shape {
		if d < 0 {
			return "negative dimension in shape " + shapeString(shape)
		}
		if d != 0 { // zero dimensions do not hide an overflow of the others
			n.Mul(n, big.NewInt(int64(d)))
		}
	}
	if n.Cmp(big.NewInt(math.MaxInt)) > 0 {
		return fmt.Sprintf("shape %s has %v elements", shapeString(shape), n)
	}
	return ""
}

// checkRobustView says what is wrong with an evaluated array's view of its
// buffer: elements that lie outside it.
func checkRobustView(a *Array) string {
	if shapeSize(a.shape) == 0 {
		return ""
	}
	if len(a.strides) != len(a.shape) {
		return fmt.Sprintf("%d strides for shape %s", len(a.strides), shapeString(a.shape))
	}
	lo, hi := big.NewInt(int64(a.offset)), big.NewInt(int64(a.offset))
	for i, d := range a.shape {
		step := new(big.Int).Mul(big.NewInt(int64(d-1)), big.NewInt(int64(a.strides[i])))
		if step.Sign() < 0 {
			lo.Add(lo, step)
		} else {
			hi.Add(hi, step)
		}
	}
	elems := big.NewInt(int64(a.buf.Size() / a.dtype.Size()))
	if lo.Sign() < 0 || hi.Cmp(elems) >= 0 {
		return fmt.Sprintf("view of shape %s, strides %v, offset %d reaches elements %v to %v of a buffer of %v",
			shapeString(a.shape), a.strides, a.offset, lo, hi, elems)
	}
	return ""
}

// robustOpNames maps the names of the sweep to the op names of errors,
// where they are not the name in snake case.
var robustOpNames = map[string]string{
	"AllClose": "allclose", "IsClose": "isclose", "IsFinite": "isfinite", "IsInf": "isinf",
	"IsNaN": "isnan", "IsNegInf": "isneginf", "IsPosInf": "isposinf", "AsType": "astype",
	"Atleast1d": "atleast_1d", "Atleast2d": "atleast_2d", "Atleast3d": "atleast_3d",
	"MoveAxis": "moveaxis", "SwapAxes": "swapaxes", "Conj": "conjugate", "NewArray": "array",
	"DefaultStreamFor": "default_stream", "NewCustomFunction": "custom_function",
	"CustomFunction.Call": "custom_function", "CustomFunction.WithVJP": "custom_function",
	// Errors of the functions these apply (ops of the test) name those ops.
	"TreeMap": "", "TreeMap2": "", "TreeMapWithPath": "", "TreeReduce": "", "ParseOptions": "op", "AsyncEval": "eval", "Dtype.Size": "size", "ToFP8": "to_fp8", "FromFP8": "from_fp8",
	// The calls of these run functions of the test, whose errors name their own ops.
	"VJP": "", "JVP": "", "Vmap": "", "Grad": "", "ValueAndGrad": "",
}

// robustOpName returns the op name that errors of the sweep's op must give.
func robustOpName(name string) string {
	if strings.Contains(name, "/") {
		return "" // a transform of an op: either may complain
	}
	name, _, _ = strings.Cut(name, "[")
	if n, ok := robustOpNames[name]; ok {
		return n
	}
	name = strings.TrimPrefix(name, "Array.")
	var b strings.Builder
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(rune(name[i-1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// robustEvalError reports whether e comes from an evaluation (of a failed
// array, or an allocation the memory limit refused) rather than from
// checking arguments.
func robustEvalError(e *Error) bool {
	var oom *core.OutOfMemoryError
	return e.Op == "RobustFail" || errors.As(e, &oom)
}

// checkRobustError says what is wrong with e: an op must be named, and an
// internal error (a kernel's runtime panic caught by Eval) is a bug.
func checkRobustError(e *Error) string {
	switch {
	case e.Op == "":
		return "error names no op: " + e.Error()
	case strings.Contains(e.Msg, "internal error"):
		msg, _, _ := strings.Cut(e.Error(), "\n")
		return msg + "\n" + robustStackOf(e.Msg)
	}
	return ""
}

// robustStackOf returns the frames of a stack trace inside mlxgo's code.
func robustStackOf(s string) string {
	var keep []string
	lines := strings.Split(s, "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], "mlxgo/") && !strings.Contains(lines[i+1], "robust_test") &&
			!strings.Contains(lines[i], "mx.(*node).call") {
			fn := strings.TrimSpace(lines[i])
			if j := strings.LastIndex(fn, "("); j > 0 {
				fn = fn[:j]
			}
			at, _, _ := strings.Cut(strings.TrimSpace(lines[i+1]), " ")
			keep = append(keep, "    "+fn+" "+at)
			i++
		}
		if len(keep) == 4 {
			break
		}
	}
	return strings.Join(keep, "\n")
}

func shortStack() string { return robustStackOf(string(debug.Stack())) }

// named is a hostile argument with its description.
type named[T any] struct {
	name string
	v    T
}

// robustFailPrim is a primitive whose evaluation always fails.
type robustFailPrim struct{}

func (robustFailPrim) Name() string { return "RobustFail" }

func (robustFailPrim) Eval(s Stream, in, out []*Array) error {
	return errors.New("deliberate failure")
}

// failedArray returns an array of shape (2, 3) whose evaluation fails.
func failedArray() *Array {
	return newArray(robustFailPrim{}, DefaultStream(), nil, []int{2, 3}, Float32)
}

var robustDtypes = []Dtype{Bool, Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64,
	Float16, Bfloat16, Float32, Float64, Complex64}

// robustArrays returns the hostile arrays. all gives every dtype too.
func robustArrays(all bool) []named[*Array] {
	f := NewArray([]float32{1, -2, 3.5, 0, 5, -6}, 2, 3)
	out := []named[*Array]{
		{"nil", nil},
		{"f32(2,3)", f},
		{"f32()", Scalar(1.5)},
		{"i32()", Scalar(3)},
		{"f32(0)", Zeros([]int{0})},
		{"f32(2,0,3)", Zeros([]int{2, 0, 3})},
		{"i32(0,2)", Zeros([]int{0, 2}, Int32)},
		{"f32[nan,inf,-inf,0]", NewArray([]float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0})},
		{"f32(3,2)^T", Transpose(f)},
		{"f32(2,3)[:, ::-1]", Index(f, Colon, Colon.Step(-1))},
		{"f32(4,2,3) broadcast", BroadcastTo(f, []int{4, 2, 3})},
		{"i32(5)", Arange(5)},
		{"u32 key", NewArray([]uint32{0, 42})},
		{"failed(2,3)", failedArray()},
		{"zero Array", new(Array)},
	}
	if all {
		big := Reshape(Arange(33*1031, Float32), []int{33, 1031})
		out = append(out,
			named[*Array]{"f32(4,2) windows", AsStrided(f, []int{4, 2}, []int{1, 1}, 0)},
			named[*Array]{"f32(2,3)[::-1, ::2]", Index(f, Colon.Step(-1), Colon.Step(2))},
			named[*Array]{"f32(2,3) broadcast from (3,)", BroadcastTo(Index(f, 0), []int{2, 3})},
			named[*Array]{"f32(33,1031)", big},
			named[*Array]{"f32(1031,33)^T", Transpose(big)},
			named[*Array]{"i8[-128,-1,0,127]", NewArray([]int8{-128, -1, 0, 127})},
			named[*Array]{"u8[0,255]", NewArray([]uint8{0, 255})},
			named[*Array]{"f32 of 1000 axes", Reshape(f, append(make1s(998), 2, 3))},
			named[*Array]{"f32 (2,)*16 permuted", PermuteDims(Reshape(Arange(1<<16, Float32), make2s(16)), Axes(perm16()...))},
		)
		for _, dt := range robustDtypes {
			out = append(out, named[*Array]{dt.String() + "(2,3)", AsType(f, dt)})
		}
	}
	for _, a := range out {
		if a.v != nil && a.v.n != nil && a.name != "failed(2,3)" && a.name != "zero Array" {
			Eval(a.v)
		}
	}
	return out
}

func make1s(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func make2s(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 2
	}
	return s
}

// perm16 is a permutation of 16 axes that leaves no two in order.
func perm16() []int {
	p := make([]int, 16)
	for i := range p {
		p[i] = (i*7 + 3) % 16
	}
	return p
}

// robustOptions returns hostile options.
func robustOptions() []named[Option] {
	return []named[Option]{
		{"nil option", nil},
		{"Axis(0)", Axis(0)},
		{"Axis(-1)", Axis(-1)},
		{"Axis(5)", Axis(5)},
		{"Axis(-5)", Axis(-5)},
		{"Axis(MaxInt)", Axis(math.MaxInt)},
		{"Axis(MinInt)", Axis(math.MinInt)},
		{"Axis(NoAxis)", Axis(NoAxis)},
		{"Axes()", Axes()},
		{"Axes(0,0)", Axes(0, 0)},
		{"Axes(0,-2)", Axes(0, -2)},
		{"Axes(0,1,2,3)", Axes(0, 1, 2, 3)},
		{"KeepDims", KeepDims},
		{"Dtype(200)", Dtype(200)},
		{"Dtype(14)", numDtypes},
		{"Bool", Bool},
		{"Int32", Int32},
		{"Uint64", Uint64},
		{"Float16", Float16},
		{"Complex64", Complex64},
		{"Stream(1<<30)", Stream{Index: 1 << 30}},
		{"Stream(-1)", Stream{Index: -1}},
		{"Stream(0 on gpu)", Stream{Index: 0, Device: GPU}},
		{"GPU", GPU},
		{"Device(cpu,3)", Device{CPUType, 3}},
		{"Device(type 7)", Device{7, 0}},
		{"Ddof(-3)", Ddof(-3)},
		{"Ddof(MaxInt)", Ddof(math.MaxInt)},
		{"Ddof(MinInt)", Ddof(math.MinInt)},
		{"Decimals(MaxInt)", Decimals(math.MaxInt)},
		{"Decimals(MinInt)", Decimals(math.MinInt)},
		{"Decimals(400)", Decimals(400)},
		{"Rtol(NaN)", Rtol(math.NaN())},
		{"Atol(-Inf)", Atol(math.Inf(-1))},
		{"EqualNaN", EqualNaN},
		{"StartAxis(9)", StartAxis(9)},
		{"EndAxis(-9)", EndAxis(-9)},
		{"StartAxis(MinInt)", StartAxis(math.MinInt)},
		{"NanValue(NaN)", NanValue(math.NaN())},
		{"PosInfValue(1e300)", PosInfValue(1e300)},
		{"NegInfValue(-Inf)", NegInfValue(math.Inf(-1))},
		{"PadConstant(nil)", PadConstant(nil)},
		{"PadConstant(nil array)", PadConstant((*Array)(nil))},
		{"PadConstant(string)", PadConstant("x")},
		{"PadConstant(NaN)", PadConstant(math.NaN())},
		{"PadConstant(failed)", PadConstant(failedArray())},
		{"PadConstant(f32(2,3))", PadConstant(NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3))},
		{"PadEdge", PadEdge},
		{"PadReflect", PadReflect},
		{"PadSymmetric", PadSymmetric},
		{"WithKey(nil)", WithKey(nil)},
		{"WithKey(f32)", WithKey(Scalar(1.5))},
		{"WithKey(failed)", WithKey(failedArray())},
	}
}

// A few options to try with every array.
func robustFewOptions() [][]Option {
	return [][]Option{nil, {Axis(0)}, {Axis(-1)}, {KeepDims}, {Axes(0, 1)}}
}

var robustInts = []int{0, 1, -1, 2, -3, 7, 1 << 40, -(1 << 40), math.MaxInt, math.MinInt, math.MaxInt32 + 1}

// robustShapes returns hostile shapes.
func robustShapes() []named[[]int] {
	return []named[[]int]{
		{"nil", nil},
		{"()", []int{}},
		{"(0,)", []int{0}},
		{"(3,)", []int{3}},
		{"(2,3)", []int{2, 3}},
		{"(3,2)", []int{3, 2}},
		{"(6,)", []int{6}},
		{"(-1,)", []int{-1}},
		{"(2,-1)", []int{2, -1}},
		{"(-1,-1)", []int{-1, -1}},
		{"(-5,)", []int{-5}},
		{"(0,-5)", []int{0, -5}},
		{"(MinInt,)", []int{math.MinInt}},
		{"(1<<31,1<<31)", []int{1 << 31, 1 << 31}},
		{"(1<<40,1<<40)", []int{1 << 40, 1 << 40}},
		{"(MaxInt,)", []int{math.MaxInt}},
		{"(MaxInt,2)", []int{math.MaxInt, 2}},
		{"(0,MaxInt,MaxInt)", []int{0, math.MaxInt, math.MaxInt}},
		{"(MaxInt,MaxInt,0)", []int{math.MaxInt, math.MaxInt, 0}},
		{"(1<<20,1<<20)", []int{1 << 20, 1 << 20}},
		{"(1<<62,)", []int{1 << 62}},
		// Products that wrap around to 6 elements (or to 0) in an int.
		{"(3,0x5555555555555556)", []int{3, 0x5555555555555556}},
		{"(0x5555555555555556,3)", []int{0x5555555555555556, 3}},
		{"(2,3,0x4000000000000001,4)", []int{2, 3, 0x4000000000000001, 4}},
		{"(-1,3,0x5555555555555556)", []int{-1, 3, 0x5555555555555556}},
		{"(1<<32,1<<32)", []int{1 << 32, 1 << 32}},
		{"(1<<32,1<<32,0)", []int{1 << 32, 1 << 32, 0}},
	}
}

// robustValues returns hostile values for parameters of type any.
func robustValues(arrays []named[*Array]) []named[any] {
	out := []named[any]{
		{"untyped nil", nil},
		{"NaN", math.NaN()},
		{"+Inf", math.Inf(1)},
		{"-Inf", math.Inf(-1)},
		{"1e300", 1e300},
		{"MaxUint64", uint64(math.MaxUint64)},
		{"MinInt64", int64(math.MinInt64)},
		{"int8(-3)", int8(-3)},
		{"2", 2},
		{"0", 0},
		{"-1", -1},
		{"0.5", 0.5},
		{"true", true},
		{"1+2i", complex(1, 2)},
		{"string", "x"},
		{"struct", struct{}{}},
		{"[]int{}", []int{}},
		{"[]int{1,2,3}", []int{1, 2, 3}},
		{"[]int{-1,MaxInt}", []int{-1, math.MaxInt}},
		{"[]float32{}", []float32{}},
		{"[]float64{NaN}", []float64{math.NaN()}},
		{"[]bool{true}", []bool{true}},
		{"[]uint8{1}", []uint8{1}},
		{"[][]int", [][]int{{1}}},
		{"[2]int", [2]int{1, 2}},
		{"[][2]int", [][2]int{{1, 2}}},
		{"[][2]int{{-1,0}}", [][2]int{{-1, 0}}},
		{"[]*Array{nil}", []*Array{nil}},
		{"Colon", Colon},
		{"NewAxis", NewAxis},
		{"Float32", Float32},
		{"Option", KeepDims},
	}
	for _, a := range arrays {
		out = append(out, named[any]{a.name, a.v})
	}
	return out
}

func optsString(opts []Option) string {
	s := make([]string, len(opts))
	for i, o := range opts {
		s[i] = fmt.Sprintf("%v", o)
	}
	return strings.Join(s, ", ")
}

// unaryLike are the ops of the form f(a *Array, opts ...Option).
var unaryLike = map[string]func(*Array, ...Option) *Array{
	"Abs": Abs, "All": All, "Any": Any, "Arccos": Arccos, "Arccosh": Arccosh, "Arcsin": Arcsin,
	"Arcsinh": Arcsinh, "Arctan": Arctan, "Arctanh": Arctanh, "Argmax": Argmax, "Argmin": Argmin,
	"Atleast1d": Atleast1d, "Atleast2d": Atleast2d, "Atleast3d": Atleast3d,
	"BitwiseInvert": BitwiseInvert, "Ceil": Ceil, "Conj": Conj, "Conjugate": Conjugate,
	"Contiguous": Contiguous, "Cos": Cos, "Cosh": Cosh, "CountNonzero": CountNonzero,
	"Degrees": Degrees, "Erf": Erf, "Erfinv": Erfinv, "Exp": Exp, "Expm1": Expm1,
	"Flatten": Flatten, "Flip": Flip, "Floor": Floor, "FromFP8": FromFP8, "Imag": Imag,
	"IsFinite": IsFinite, "IsInf": IsInf, "IsNaN": IsNaN, "IsNegInf": IsNegInf,
	"IsPosInf": IsPosInf, "Log": Log, "Log10": Log10, "Log1p": Log1p, "Log2": Log2,
	"LogicalNot": LogicalNot, "Logsumexp": Logsumexp, "Max": Max, "Mean": Mean,
	"Median": Median, "Min": Min, "NanToNum": NanToNum, "Negative": Negative,
	"OnesLike": OnesLike, "PermuteDims": PermuteDims, "Positive": Positive, "Prod": Prod,
	"Radians": Radians, "Real": Real, "Reciprocal": Reciprocal, "Round": Round, "Rsqrt": Rsqrt,
	"Sigmoid": Sigmoid, "Sign": Sign, "Sin": Sin, "Sinh": Sinh, "Softmax": Softmax,
	"Sqrt": Sqrt, "Square": Square, "Squeeze": Squeeze, "Std": Std,
	"StopGradient": StopGradient, "Sum": Sum, "Tan": Tan, "Tanh": Tanh, "ToFP8": ToFP8,
	"Transpose": Transpose, "Trunc": Trunc, "Var": Var, "ZerosLike": ZerosLike,
	"Unstack": func(a *Array, opts ...Option) *Array {
		parts := Unstack(a, opts...)
		if len(parts) == 0 {
			return Scalar(0)
		}
		for i, p := range parts {
			if p == nil {
				panic(fmt.Sprintf("part %d is nil", i))
			}
		}
		return parts[len(parts)-1]
	},
}

// binaryLike are the ops of the form f(a, b any, opts ...Option).
var binaryLike = map[string]func(a, b any, opts ...Option) *Array{
	"Add": Add, "Arctan2": Arctan2, "ArrayEqual": ArrayEqual, "AllClose": AllClose,
	"BitwiseAnd": BitwiseAnd, "BitwiseOr": BitwiseOr, "BitwiseXor": BitwiseXor,
	"Divide": Divide, "Equal": Equal, "FloorDivide": FloorDivide, "Greater": Greater,
	"GreaterEqual": GreaterEqual, "IsClose": IsClose, "LeftShift": LeftShift, "Less": Less,
	"LessEqual": LessEqual, "Logaddexp": Logaddexp, "LogicalAnd": LogicalAnd,
	"LogicalOr": LogicalOr, "LogicalXor": LogicalXor, "Maximum": Maximum, "Minimum": Minimum,
	"Multiply": Multiply, "NotEqual": NotEqual, "Power": Power, "Remainder": Remainder,
	"RightShift": RightShift, "Subtract": Subtract,
	"Divmod": func(a, b any, opts ...Option) *Array {
		q, r := Divmod(a, b, opts...)
		if q == nil || r == nil {
			panic("Divmod returned a nil array")
		}
		return Add(q, r)
	},
}

func TestRobustUnaryLike(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(true)
	options := robustOptions()
	for _, name := range robustKeys(unaryLike) {
		f := unaryLike[name]
		for _, a := range arrays {
			for _, opts := range robustFewOptions() {
				p.probe(name, a.name+", "+optsString(opts), func() any { return f(a.v, opts...) })
			}
		}
		for _, o := range options {
			for _, a := range arrays[1:4] {
				p.probe(name, a.name+", "+o.name, func() any { return f(a.v, o.v) })
			}
		}
	}
	p.report()
}

func TestRobustBinaryLike(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(true)
	values := robustValues(arrays)
	options := robustOptions()
	f32 := arrays[1].v
	for _, name := range robustKeys(binaryLike) {
		f := binaryLike[name]
		for _, v := range values {
			p.probe(name, v.name+", f32(2,3)", func() any { return f(v.v, f32) })
			p.probe(name, "f32(2,3), "+v.name, func() any { return f(f32, v.v) })
			p.probe(name, "2, "+v.name, func() any { return f(2, v.v) })
		}
		for _, a := range arrays {
			for _, b := range arrays {
				p.probe(name, a.name+", "+b.name, func() any { return f(a.v, b.v) })
			}
		}
		for _, o := range options {
			p.probe(name, "f32(2,3), 2, "+o.name, func() any { return f(f32, 2, o.v) })
		}
	}
	p.report()
}

func robustKeys[F any](m map[string]F) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestRobustArrayArgs covers the ops that take an array and other arguments.
func TestRobustArrayArgs(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(false)
	values := robustValues(arrays)
	shapes := robustShapes()
	options := robustOptions()
	withInt := map[string]func(*Array, int, ...Option) *Array{
		"Diag": Diag, "Diagonal": Diagonal, "Diff": Diff, "Repeat": Repeat, "Trace": Trace,
		"Tril": Tril, "Triu": Triu,
	}
	for _, name := range robustKeys(withInt) {
		f := withInt[name]
		for _, a := range arrays {
			for _, k := range robustInts {
				for _, opts := range robustFewOptions() {
					p.probe(name, fmt.Sprintf("%s, %d, %s", a.name, k, optsString(opts)), func() any { return f(a.v, k, opts...) })
				}
			}
		}
		for _, o := range options {
			p.probe(name, "f32(2,3), 1, "+o.name, func() any { return f(arrays[1].v, 1, o.v) })
		}
	}
	withTwoInts := map[string]func(*Array, int, int, ...Option) *Array{"MoveAxis": MoveAxis, "SwapAxes": SwapAxes}
	for _, name := range robustKeys(withTwoInts) {
		f := withTwoInts[name]
		for _, a := range arrays {
			for _, i := range robustInts {
				for _, j := range robustInts[:5] {
					p.probe(name, fmt.Sprintf("%s, %d, %d", a.name, i, j), func() any { return f(a.v, i, j) })
					p.probe(name, fmt.Sprintf("%s, %d, %d", a.name, j, i), func() any { return f(a.v, j, i) })
				}
			}
		}
	}
	dtypes := append(append([]Dtype(nil), robustDtypes...), numDtypes, 200, 255)
	for _, a := range robustArrays(true) {
		for _, dt := range dtypes {
			p.probe("AsType", a.name+", "+dt.String(), func() any { return AsType(a.v, dt) })
			p.probe("View", a.name+", "+dt.String(), func() any { return View(a.v, dt) })
		}
	}
	for _, a := range arrays {
		for _, s := range shapes {
			p.probe("Reshape", a.name+", "+s.name, func() any { return Reshape(a.v, s.v) })
			p.probe("Tile", a.name+", "+s.name, func() any { return Tile(a.v, s.v) })
			p.probe("BroadcastTo", a.name+", "+s.name, func() any { return BroadcastTo(a.v, s.v) })
			for _, ax := range robustInts[:6] {
				p.probe("Unflatten", fmt.Sprintf("%s, %d, %s", a.name, ax, s.name), func() any { return Unflatten(a.v, ax, s.v) })
			}
			for _, st := range shapes {
				for _, off := range robustInts {
					p.probe("AsStrided", fmt.Sprintf("%s, %s, %s, %d", a.name, s.name, st.name, off), func() any { return AsStrided(a.v, s.v, st.v, off) })
				}
			}
		}
		for _, v := range values {
			p.probe("BroadcastTo", v.name+", (2,3)", func() any { return BroadcastTo(v.v, []int{2, 3}) })
			p.probe("ExpandDims", a.name+", "+v.name, func() any { return ExpandDims(a.v, v.v) })
			p.probe("Split", a.name+", "+v.name, func() any { return Split(a.v, v.v) })
			p.probe("Split", a.name+", "+v.name+", Axis(1)", func() any { return Split(a.v, v.v, Axis(1)) })
			p.probe("Pad", a.name+", "+v.name, func() any { return Pad(a.v, v.v) })
			p.probe("Pad", a.name+", "+v.name+", PadReflect", func() any { return Pad(a.v, v.v, PadReflect) })
			p.probe("Pad", a.name+", "+v.name+", PadEdge", func() any { return Pad(a.v, v.v, PadEdge) })
			p.probe("Roll", a.name+", "+v.name, func() any { return Roll(a.v, v.v) })
			p.probe("Roll", a.name+", "+v.name+", Axes(0,1)", func() any { return Roll(a.v, v.v, Axes(0, 1)) })
			p.probe("Clip", a.name+", "+v.name+", 1", func() any { return Clip(a.v, v.v, 1) })
			p.probe("Clip", a.name+", nil, "+v.name, func() any { return Clip(a.v, nil, v.v) })
			p.probe("Where", a.name+", "+v.name+", 1", func() any { return Where(a.v, v.v, 1) })
			p.probe("Where", v.name+", "+a.name+", f32(2,3)", func() any { return Where(v.v, a.v, arrays[1].v) })
			p.probe("FullLike", a.name+", "+v.name, func() any { return FullLike(a.v, v.v) })
			p.probe("Full", "(2,3), "+v.name, func() any { return Full([]int{2, 3}, v.v) })
			p.probe("Scalar", v.name, func() any { return Scalar(v.v) })
		}
		for _, k := range robustInts {
			for _, w := range robustInts[:6] {
				widths := []any{k, [2]int{k, w}, [][2]int{{k, w}, {w, k}}, [][2]int{{k, w}, {w, k}, {0, 0}}}
				for _, wd := range widths {
					for _, mode := range []Option{PadConstant(1), PadEdge, PadReflect, PadSymmetric} {
						p.probe("Pad", fmt.Sprintf("%s, %v, %v", a.name, wd, mode), func() any { return Pad(a.v, wd, mode) })
					}
				}
			}
			p.probe("Split", fmt.Sprintf("%s, %d", a.name, k), func() any { return Split(a.v, k) })
			p.probe("Split", fmt.Sprintf("%s, []int{%d, 1}", a.name, k), func() any { return Split(a.v, []int{k, 1}) })
			p.probe("Roll", fmt.Sprintf("%s, %d", a.name, k), func() any { return Roll(a.v, k) })
			p.probe("Roll", fmt.Sprintf("%s, %d, Axis(-1)", a.name, k), func() any { return Roll(a.v, k, Axis(-1)) })
			p.probe("Roll", fmt.Sprintf("%s, []int{%d,1}, Axes(0,0)", a.name, k), func() any { return Roll(a.v, []int{k, 1}, Axes(0, 0)) })
			p.probe("ExpandDims", fmt.Sprintf("%s, %d", a.name, k), func() any { return ExpandDims(a.v, k) })
			p.probe("ExpandDims", fmt.Sprintf("%s, []int{0, %d}", a.name, k), func() any { return ExpandDims(a.v, []int{0, k}) })
			p.probe("Repeat", fmt.Sprintf("%s, %d, Axis(0)", a.name, k), func() any { return Repeat(a.v, k, Axis(0)) })
			p.probe("Tile", fmt.Sprintf("%s, []int{%d, 2}", a.name, k), func() any { return Tile(a.v, []int{k, 2}) })
		}
		for _, o := range options {
			p.probe("Pad", a.name+", 1, "+o.name, func() any { return Pad(a.v, 1, o.v) })
			p.probe("Split", a.name+", 2, "+o.name, func() any { return Split(a.v, 2, o.v) })
			p.probe("Roll", a.name+", 1, "+o.name, func() any { return Roll(a.v, 1, o.v) })
			p.probe("Clip", a.name+", 0, 1, "+o.name, func() any { return Clip(a.v, 0, 1, o.v) })
			p.probe("Where", a.name+", 0, 1, "+o.name, func() any { return Where(a.v, 0, 1, o.v) })
			p.probe("FullLike", a.name+", 1, "+o.name, func() any { return FullLike(a.v, 1, o.v) })
			p.probe("Reshape", a.name+", (-1,), "+o.name, func() any { return Reshape(a.v, []int{-1}, o.v) })
			p.probe("AsType", a.name+", Int32, "+o.name, func() any { return AsType(a.v, Int32, o.v) })
			p.probe("View", a.name+", Uint8, "+o.name, func() any { return View(a.v, Uint8, o.v) })
			p.probe("Tile", a.name+", (2,), "+o.name, func() any { return Tile(a.v, []int{2}, o.v) })
			p.probe("ExpandDims", a.name+", 0, "+o.name, func() any { return ExpandDims(a.v, 0, o.v) })
			p.probe("BroadcastTo", a.name+", (2,3), "+o.name, func() any { return BroadcastTo(a.v, []int{2, 3}, o.v) })
			p.probe("AsStrided", a.name+", nil, nil, 0, "+o.name, func() any { return AsStrided(a.v, nil, nil, 0, o.v) })
			p.probe("Unflatten", a.name+", 0, (-1,), "+o.name, func() any { return Unflatten(a.v, 0, []int{-1}, o.v) })
		}
	}
	p.report()
}

// TestRobustIndex covers Index and Span.
func TestRobustIndex(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(false)
	values := robustValues(arrays)
	entries := []named[any]{}
	for _, k := range robustInts {
		entries = append(entries,
			named[any]{fmt.Sprint(k), k},
			named[any]{fmt.Sprintf("S(%d,%d)", k, -k), S(k, -k)},
			named[any]{fmt.Sprintf("From(%d)", k), From(k)},
			named[any]{fmt.Sprintf("To(%d)", k), To(k)},
			named[any]{fmt.Sprintf("Colon.Step(%d)", k), Colon.Step(k)},
			named[any]{fmt.Sprintf("S(%d,%d).Step(%d)", -k, k, k), S(-k, k).Step(k)},
		)
	}
	entries = append(entries, named[any]{"int8(-1)", int8(-1)}, named[any]{"uint64(MaxUint64)", uint64(math.MaxUint64)},
		named[any]{"Ellipsis", Ellipsis}, named[any]{"IndexMarker(9)", IndexMarker(9)}, named[any]{"IndexMarker(0)", IndexMarker(0)})
	entries = append(entries, values...)
	for _, a := range arrays {
		for _, e := range entries {
			p.probe("Index", a.name+", "+e.name, func() any { return Index(a.v, e.v) })
			p.probe("Index", a.name+", Ellipsis, "+e.name, func() any { return Index(a.v, Ellipsis, e.v) })
			p.probe("Index", a.name+", "+e.name+", NewAxis, Ellipsis, Ellipsis", func() any { return Index(a.v, e.v, NewAxis, Ellipsis, Ellipsis) })
			p.probe("Index", a.name+", Colon, "+e.name, func() any { return Index(a.v, Colon, e.v) })
			p.probe("Span.String", e.name, func() any { _ = fmt.Sprint(e.v); return nil })
		}
		p.probe("Index", a.name+", nil...", func() any { return Index(a.v, nil...) })
		for _, o := range robustOptions() {
			p.probe("Index", a.name+", 0, "+o.name, func() any { return Index(a.v, 0, o.v) })
		}
	}
	p.report()
}

// TestRobustLists covers the ops that take lists of arrays.
func TestRobustLists(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(false)
	f32 := arrays[1].v
	lists := []named[[]*Array]{{"nil", nil}, {"[]", []*Array{}}, {"[nil]", []*Array{nil}}, {"[f32(2,3), nil]", []*Array{f32, nil}}}
	for _, a := range arrays {
		lists = append(lists,
			named[[]*Array]{"[" + a.name + "]", []*Array{a.v}},
			named[[]*Array]{"[f32(2,3), " + a.name + "]", []*Array{f32, a.v}},
			named[[]*Array]{"[" + a.name + ", " + a.name + "]", []*Array{a.v, a.v}},
		)
	}
	options := append([]named[Option]{{"none", Axis(0)}}, robustOptions()...)
	for _, l := range lists {
		for _, o := range options {
			args := l.name + ", " + o.name
			p.probe("Concatenate", args, func() any { return Concatenate(l.v, o.v) })
			p.probe("Stack", args, func() any { return Stack(l.v, o.v) })
			p.probe("BroadcastArrays", args, func() any { return BroadcastArrays(l.v, o.v) })
			p.probe("Meshgrid", args, func() any { return Meshgrid(l.v, false, "xy", o.v) })
		}
		for _, idx := range []string{"", "ij", "xy", "zz"} {
			for _, sparse := range []bool{false, true} {
				p.probe("Meshgrid", fmt.Sprintf("%s, %v, %q", l.name, sparse, idx), func() any { return Meshgrid(l.v, sparse, idx) })
			}
		}
		p.probe("Eval", l.name, func() any { return Eval(l.v...) })
		p.probe("AsyncEval", l.name, func() any { AsyncEval(l.v...); return nil })
	}
	many := make([]*Array, 100)
	for i := range many {
		many[i] = Scalar(float32(i))
	}
	p.probe("Stack", "100 scalars", func() any { return Stack(many) })
	p.probe("Concatenate", "100 scalars", func() any { return Concatenate(many) })
	p.report()
}

// TestRobustCreation covers the creation ops.
func TestRobustCreation(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(false)
	values := robustValues(arrays)
	shapes := robustShapes()
	options := robustOptions()
	for _, s := range shapes {
		for _, o := range append([]named[Option]{{"Float32", Float32}}, options...) {
			args := s.name + ", " + o.name
			p.probe("Zeros", args, func() any { return Zeros(s.v, o.v) })
			p.probe("Ones", args, func() any { return Ones(s.v, o.v) })
			p.probe("Full", s.name+", 1, "+o.name, func() any { return Full(s.v, 1, o.v) })
		}
		for _, v := range values {
			p.probe("Full", s.name+", "+v.name, func() any { return Full(s.v, v.v) })
		}
		for _, w := range robustInts {
			p.probe("RandomBits", fmt.Sprintf("key, %s, %d", s.name, w), func() any { return RandomBits(arrays[12].v, s.v, w) })
		}
		for _, a := range arrays {
			p.probe("RandomBits", a.name+", "+s.name+", 4", func() any { return RandomBits(a.v, s.v, 4) })
		}
		p.probe("NewArray", "[]float32{}, "+s.name, func() any { return NewArray([]float32{}, s.v...) })
		p.probe("NewArray", "[]int{1..6}, "+s.name, func() any { return NewArray([]int{1, 2, 3, 4, 5, 6}, s.v...) })
		p.probe("NewArray", "nil []bool, "+s.name, func() any { return NewArray([]bool(nil), s.v...) })
	}
	for _, n := range robustInts {
		for _, o := range append([]named[Option]{{"Float32", Float32}}, options...) {
			args := fmt.Sprintf("%d, %s", n, o.name)
			p.probe("Identity", args, func() any { return Identity(n, o.v) })
			p.probe("Bartlett", args, func() any { return Bartlett(n, o.v) })
			p.probe("Blackman", args, func() any { return Blackman(n, o.v) })
			p.probe("Hamming", args, func() any { return Hamming(n, o.v) })
			p.probe("Hanning", args, func() any { return Hanning(n, o.v) })
			p.probe("Linspace", "0, 1, "+args, func() any { return Linspace(0, 1, n, o.v) })
			p.probe("Eye", args, func() any { return Eye(n, o.v) })
			p.probe("Tri", args, func() any { return Tri(n, o.v) })
		}
		for _, m := range robustInts {
			for _, k := range robustInts[:6] {
				args := fmt.Sprintf("%d, %d, %d", n, m, k)
				p.probe("Eye", args, func() any { return Eye(n, m, k) })
				p.probe("Tri", args, func() any { return Tri(n, m, k) })
			}
		}
		for _, v := range values {
			p.probe("Eye", fmt.Sprintf("%d, %s", n, v.name), func() any { return Eye(n, v.v) })
			p.probe("Tri", fmt.Sprintf("%d, 2, %s", n, v.name), func() any { return Tri(n, 2, v.v) })
		}
		for _, x := range []float64{0, 1, -1, math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308} {
			p.probe("Linspace", fmt.Sprintf("%v, 1, %d", x, n), func() any { return Linspace(x, 1, n) })
			p.probe("Linspace", fmt.Sprintf("0, %v, %d, Int32", x, n), func() any { return Linspace(0, x, n, Int32) })
		}
	}
	p.probe("Eye", "2, 3, 1, 5 (too many)", func() any { return Eye(2, 3, 1, 5) })
	numbers := []named[any]{{"0", 0}, {"1", 1}, {"-1", -1}, {"0.5", 0.5}, {"5", 5}, {"NaN", math.NaN()},
		{"Inf", math.Inf(1)}, {"-Inf", math.Inf(-1)}, {"1e300", 1e300}, {"-1e300", -1e300},
		{"1e-300", 1e-300}, {"MaxInt64", int64(math.MaxInt64)}, {"MinInt64", int64(math.MinInt64)},
		{"MaxUint64", uint64(math.MaxUint64)}, {"1<<40", 1 << 40}, {"1+1i", complex(1, 1)},
		{"true", true}, {"nil", nil}, {"string", "x"}, {"f32 array", arrays[1].v}, {"Float32", Float32},
		{"nil option", Option(nil)}, {"Dtype(200)", Dtype(200)}, {"Bool", Bool}, {"Uint8", Uint8}, {"Int64", Int64},
		{"Float16", Float16}, {"Complex64", Complex64}, {"Stream(1<<30)", Stream{Index: 1 << 30}}}
	p.probe("Arange", "", func() any { return Arange() })
	for _, a := range numbers {
		p.probe("Arange", a.name, func() any { return Arange(a.v) })
		for _, b := range numbers {
			p.probe("Arange", a.name+", "+b.name, func() any { return Arange(a.v, b.v) })
			for _, c := range numbers {
				p.probe("Arange", a.name+", "+b.name+", "+c.name, func() any { return Arange(a.v, b.v, c.v) })
			}
		}
	}
	p.probe("Arange", "1, 2, 3, 4", func() any { return Arange(1, 2, 3, 4) })
	p.probe("Arange", "0, 1, 1e-300, Float64", func() any { return Arange(0, 1, 1e-300, Float64) })
	p.probe("Arange", "0, 1e18, 1, Int64", func() any { return Arange(0, int64(1e18), 1, Int64) })
	p.probe("Arange", "MinInt64, MaxInt64", func() any { return Arange(int64(math.MinInt64), int64(math.MaxInt64)) })
	p.probe("Arange", "0, 1<<40, Uint8", func() any { return Arange(0, 1<<40, Uint8) })
	p.report()
}

// TestRobustReaders covers reading values and the methods of Array.
func TestRobustReaders(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(true)
	for _, a := range arrays {
		p.probe("Item", a.name, func() any { return Item[float32](a.v) })
		p.probe("Array.Item", a.name, func() any { return a.v.Item() })
		p.probe("ToSlice", a.name, func() any { return ToSlice[float64](a.v) })
		p.probe("ToSlice[int]", a.name, func() any { return ToSlice[int](a.v) })
		p.probe("ToSlice[complex128]", a.name, func() any { return ToSlice[complex128](a.v) })
		p.probe("ToSlice[bool]", a.name, func() any { return ToSlice[bool](a.v) })
		p.probe("Array.Shape", a.name, func() any { return a.v.Shape() })
		p.probe("Array.Ndim", a.name, func() any { return a.v.Ndim() })
		p.probe("Array.Size", a.name, func() any { return a.v.Size() })
		p.probe("Array.Nbytes", a.name, func() any { return a.v.Nbytes() })
		p.probe("Array.Dtype", a.name, func() any { return a.v.Dtype() })
		p.probe("Array.IsAvailable", a.name, func() any { return a.v.IsAvailable() })
		for _, i := range robustInts {
			p.probe("Array.Dim", fmt.Sprintf("%s, %d", a.name, i), func() any { return a.v.Dim(i) })
		}
	}
	for _, dt := range []Dtype{Bool, Float32, Complex64, numDtypes, 200, 255} {
		p.probe("Dtype.Size", dt.String(), func() any { return dt.Size() })
		p.probe("Dtype.String", dt.String(), func() any { return dt.String() })
		p.probe("Dtype.IsFloating", dt.String(), func() any { return dt.IsFloating() && dt.IsInteger() && dt.IsComplex() && dt.IsInexact() })
		for _, k := range []DtypeKind{Generic, Floating, BoolKind, 9, 200} {
			p.probe("IsSubDtype", fmt.Sprintf("%v, %d", dt, k), func() any { return IsSubDtype(dt, k) })
		}
		for _, d2 := range []Dtype{Bool, Float32, 200} {
			p.probe("PromoteTypes", fmt.Sprintf("%v, %v", dt, d2), func() any { return PromoteTypes(dt, d2) })
			p.probe("CanCast", fmt.Sprintf("%v, %v", dt, d2), func() any { return CanCast(dt, d2) })
		}
	}
	p.probe("Catch", "nil", func() any { return Catch(nil) })
	p.probe("ParseOptions", "nil option", func() any { return ParseOptions("op", nil) })
	p.probe("ParseOptions", "Dtype(200)", func() any { return ParseOptions("op", Dtype(200)) })
	p.probe("ParseOptions", "bad stream", func() any { return ParseOptions("op", Stream{Index: 1 << 30}) })
	p.report()
}

// TestRobustDevices covers devices, streams and the memory API.
func TestRobustDevices(t *testing.T) {
	p := newProber(t)
	devices := []named[Device]{{"CPU", CPU}, {"GPU", GPU}, {"Device(cpu,3)", Device{CPUType, 3}},
		{"Device(cpu,-1)", Device{CPUType, -1}}, {"Device(type 7)", Device{7, 0}}, {"Device(gpu,-1)", Device{GPUType, -1}}}
	streams := []named[Stream]{{"Stream(1<<30)", Stream{Index: 1 << 30}}, {"Stream(-1)", Stream{Index: -1}},
		{"Stream(0 on gpu)", Stream{Index: 0, Device: GPU}}, {"Stream(0, type 7)", Stream{Index: 0, Device: Device{7, 0}}}}
	for _, d := range devices {
		p.probe("IsAvailable", d.name, func() any { return IsAvailable(d.v) })
		p.probe("Device.String", d.name, func() any { return d.v.String() })
		p.probe("NewStream", d.name, func() any { return NewStream(d.v) })
		p.probe("DefaultStreamFor", d.name, func() any { return DefaultStreamFor(d.v) })
		p.probe("WithDevice", d.name, func() any {
			var out *Array
			WithDevice(d.v, func() { out = Add(Scalar(1), Scalar(2)) })
			return out
		})
		p.probe("SetDefaultDevice", d.name, func() any {
			defer SetDefaultDevice(CPU)
			SetDefaultDevice(d.v)
			return Add(Scalar(1), Scalar(2))
		})
	}
	for _, s := range streams {
		p.probe("Stream.String", s.name, func() any { return s.v.String() })
		p.probe("Synchronize", s.name, func() any { Synchronize(s.v); return nil })
		p.probe("WithStream", s.name, func() any {
			var out *Array
			WithStream(s.v, func() { out = Add(Scalar(1), Scalar(2)) })
			return out
		})
		p.probe("SetDefaultStream", s.name, func() any {
			defer SetDefaultStream(DefaultStreamFor(CPU))
			SetDefaultStream(s.v)
			return Add(Scalar(1), Scalar(2))
		})
	}
	p.probe("WithStream", "nil func", func() any { WithStream(DefaultStream(), nil); return nil })
	p.probe("WithDevice", "nil func", func() any { WithDevice(CPU, nil); return nil })
	p.probe("Synchronize", "", func() any { Synchronize(); return nil })
	for _, n := range []int64{-1, 0, 1, math.MaxInt64, math.MinInt64} {
		p.probe("SetCacheLimit", fmt.Sprint(n), func() any {
			defer SetCacheLimit(SetCacheLimit(n))
			return Eval(Add(Zeros([]int{100}), 1))
		})
		p.probe("SetMemoryLimit", fmt.Sprint(n), func() any {
			defer SetMemoryLimit(SetMemoryLimit(n))
			return Eval(Add(Zeros([]int{100}), 1))
		})
	}
	p.probe("GetActiveMemory", "", func() any { return GetActiveMemory() + GetPeakMemory() + GetCacheMemory() })
	p.probe("ResetPeakMemory", "", func() any { ResetPeakMemory(); ClearCache(); return nil })
	p.report()
}

// TestRobustTransforms covers Grad, ValueAndGrad, VJP, JVP and Vmap.
func TestRobustTransforms(t *testing.T) {
	p := newProber(t)
	arrays := robustArrays(false)
	f32 := arrays[1].v
	// first is the first input, or a constant when there is none (so that
	// the functions themselves never panic).
	first := func(a []*Array) *Array {
		if len(a) == 0 {
			return Scalar(1.5)
		}
		return a[0]
	}
	sum := func(a []*Array) []*Array { return []*Array{Sum(Sin(first(a)))} }
	fns := []named[func([]*Array) []*Array]{
		{"nil func", nil},
		{"sum(sin)", sum},
		{"returns nil", func([]*Array) []*Array { return nil }},
		{"returns [nil]", func([]*Array) []*Array { return []*Array{nil} }},
		{"returns input", func(a []*Array) []*Array { return a }},
		{"returns constant", func([]*Array) []*Array { return []*Array{Scalar(1.5)} }},
		{"returns failed", func([]*Array) []*Array { return []*Array{failedArray()} }},
		{"panics with *Error", func(a []*Array) []*Array { return []*Array{Add(first(a), []int{1, 2, 3, 4, 5})} }},
		{"reads a value", func(a []*Array) []*Array { return []*Array{Scalar(Item[float32](Sum(first(a))))} }},
	}
	lists := []named[[]*Array]{{"nil", nil}, {"[nil]", []*Array{nil}}, {"[f32(2,3)]", []*Array{f32}}, {"[f32(2,3), f32(2,3)]", []*Array{f32, f32}}}
	for _, a := range arrays {
		lists = append(lists, named[[]*Array]{"[" + a.name + "]", []*Array{a.v}})
	}
	for _, f := range fns {
		for _, prim := range lists {
			for _, tan := range lists[:6] {
				args := f.name + ", " + prim.name + ", " + tan.name
				p.probe("VJP", args, func() any { o, v := VJP(f.v, prim.v, tan.v); return append(o, v...) })
				p.probe("JVP", args, func() any { o, v := JVP(f.v, prim.v, tan.v); return append(o, v...) })
			}
			axes := [][]int{nil, {}, {0}, {1}, {-1}, {5}, {NoAxis}, {0, 0}, {math.MinInt}, {math.MaxInt}}
			for _, in := range axes {
				for _, out := range axes {
					args := fmt.Sprintf("%s, %s, %v, %v", f.name, prim.name, in, out)
					p.probe("Vmap", args, func() any { return Vmap(f.v, in, out)(prim.v) })
				}
			}
		}
	}
	p.probe("Vmap", "batch sizes differ", func() any {
		return Vmap(func(a []*Array) []*Array { return []*Array{Add(a[0], a[1])} }, []int{0, 0}, nil)([]*Array{f32, Zeros([]int{3})})
	})
	p.probe("Vmap", "empty batch", func() any { return Vmap(sum, nil, nil)([]*Array{Zeros([]int{0, 3})}) })
	type f1 = func(*Array) *Array
	for _, a := range arrays {
		for _, argnums := range [][]int{nil, {0}, {1}, {-1}, {0, 0}, {math.MaxInt}} {
			args := fmt.Sprintf("Sum, %v, %s", argnums, a.name)
			p.probe("Grad", args, func() any { return Grad(f1(func(x *Array) *Array { return Sum(x) }), argnums...)(a.v) })
			p.probe("ValueAndGrad", args, func() any {
				v, g := ValueAndGrad(f1(func(x *Array) *Array { return Sum(x) }), argnums...)(a.v)
				return append([]*Array{v}, g...)
			})
		}
		p.probe("Grad", "nil func, "+a.name, func() any { return Grad(f1(nil))(a.v) })
		p.probe("Grad", "returns nil, "+a.name, func() any { return Grad(f1(func(*Array) *Array { return nil }))(a.v) })
		p.probe("Grad", "Sin (not scalar), "+a.name, func() any { return Grad(Sin)(a.v) })
		p.probe("Grad", "variadic, "+a.name, func() any {
			return Grad(func(x ...*Array) *Array { return Sum(x[0]) })(a.v, nil)
		})
		p.probe("ValueAndGrad", "variadic no args", func() any {
			v, g := ValueAndGrad(func(x ...*Array) *Array { return Scalar(1.0) })()
			return append([]*Array{v}, g...)
		})
	}
	p.report()
}

// TestRobustTransformRules runs the transforms over every op of the
// unary and binary forms, with empty, 0-d and strided inputs, so that their
// VJP, JVP and vmap rules meet those too.
func TestRobustTransformRules(t *testing.T) {
	p := newProber(t)
	f := NewArray([]float32{1, -2, 3.5, 0.25, 5, -6}, 2, 3)
	inputs := []named[*Array]{
		{"f32(2,3)", f},
		{"f32()", Scalar(0.5)},
		{"f32(0)", Zeros([]int{0})},
		{"f32(2,0,3)", Zeros([]int{2, 0, 3})},
		{"f32(0,3)", Zeros([]int{0, 3})},
		{"f32(3,2)^T", Transpose(f)},
		{"f64(2,3)", AsType(f, Float64)},
		{"c64(2,3)", AsType(f, Complex64)},
		{"i32(2,3)", AsType(f, Int32)},
	}
	optSets := [][]Option{nil, {Axis(0)}, {Axis(-1)}, {KeepDims}}
	type f1 = func(*Array) *Array
	for _, name := range robustKeys(unaryLike) {
		op := unaryLike[name]
		for _, in := range inputs {
			for _, opts := range optSets {
				args := in.name + ", " + optsString(opts)
				g := func(x *Array) *Array { return Sum(op(x, opts...)) }
				p.probe(name+"/grad", args, func() any { return Grad(f1(g))(in.v) })
				p.probe(name+"/jvp", args, func() any {
					o, d := JVP(func(a []*Array) []*Array { return []*Array{op(a[0], opts...)} }, []*Array{in.v}, []*Array{OnesLike(in.v)})
					return append(o, d...)
				})
				for _, ax := range []int{0, -1, NoAxis} {
					p.probe(name+"/vmap", fmt.Sprintf("%s, in axis %d", args, ax), func() any {
						return Vmap(func(a []*Array) []*Array { return []*Array{op(a[0], opts...)} }, []int{ax}, nil)([]*Array{in.v})
					})
				}
			}
		}
	}
	for _, name := range robustKeys(binaryLike) {
		op := binaryLike[name]
		for _, a := range inputs {
			for _, b := range inputs[:5] {
				args := a.name + ", " + b.name
				g := func(x, y *Array) *Array { return Sum(op(x, y)) }
				p.probe(name+"/grad", args, func() any {
					_, gs := ValueAndGrad(g, 0, 1)(a.v, b.v)
					return gs
				})
				p.probe(name+"/jvp", args, func() any {
					o, d := JVP(func(x []*Array) []*Array { return []*Array{op(x[0], x[1])} }, []*Array{a.v, b.v}, []*Array{OnesLike(a.v), OnesLike(b.v)})
					return append(o, d...)
				})
				for _, axes := range [][]int{{0, 0}, {-1, NoAxis}, {NoAxis, 0}} {
					p.probe(name+"/vmap", fmt.Sprintf("%s, in axes %v", args, axes), func() any {
						return Vmap(func(x []*Array) []*Array { return []*Array{op(x[0], x[1])} }, axes, nil)([]*Array{a.v, b.v})
					})
				}
			}
		}
	}
	p.report()
}

// reductions are the ops of unaryLike whose result is small: over a huge
// input they compute for as long as the input is large.
var reductions = map[string]bool{
	"All": true, "Any": true, "Argmax": true, "Argmin": true, "CountNonzero": true,
	"Logsumexp": true, "Max": true, "Mean": true, "Median": true, "Min": true, "Prod": true,
	"Std": true, "Sum": true, "Var": true,
}

// TestRobustHugeInputs runs the ops over arrays of enormous shapes that hold
// little data: broadcast views of a few elements, and empty arrays with
// large dimensions. Their results must be refused (at the call, or by the
// memory limit at evaluation) or be views and empty arrays.
func TestRobustHugeInputs(t *testing.T) {
	p := newProber(t)
	f := NewArray([]float32{1, 2, 3})
	huge := []named[*Array]{
		{"broadcast (1<<40,)", BroadcastTo(Scalar(float32(1)), []int{1 << 40})},
		{"broadcast (1<<30,1<<20,3)", BroadcastTo(f, []int{1 << 30, 1 << 20, 3})},
		{"broadcast (1<<29,1<<29)", BroadcastTo(Scalar(int32(1)), []int{1 << 29, 1 << 29})},
		{"empty (0,1<<40)", Zeros([]int{0, 1 << 40})},
		{"empty (1<<58,0)", BroadcastTo(Zeros([]int{1, 0}), []int{1 << 58, 0})},
		{"broadcast (1<<40,1)", BroadcastTo(Scalar(float32(1)), []int{1 << 40, 1})},
		{"broadcast (1,1<<40)", BroadcastTo(Scalar(float32(1)), []int{1, 1 << 40})},
	}
	for _, name := range robustKeys(unaryLike) {
		op := unaryLike[name]
		for _, h := range huge {
			if reductions[name] && h.v.Size() > 0 {
				continue
			}
			for _, opts := range robustFewOptions() {
				p.probe(name, h.name+", "+optsString(opts), func() any { return op(h.v, opts...) })
			}
		}
	}
	for _, name := range robustKeys(binaryLike) {
		if name == "ArrayEqual" || name == "AllClose" {
			continue // reductions
		}
		op := binaryLike[name]
		for _, h := range huge {
			p.probe(name, h.name+", 2", func() any { return op(h.v, 2) })
			p.probe(name, h.name+", f32(3)", func() any { return op(h.v, f) })
			for _, g := range huge {
				p.probe(name, h.name+", "+g.name, func() any { return op(h.v, g.v) })
			}
		}
	}
	for _, h := range huge {
		a := h.v
		calls := map[string]func() any{
			"Reshape":         func() any { return Reshape(a, []int{-1}) },
			"Reshape/2":       func() any { return Reshape(a, []int{2, -1}) },
			"Pad":             func() any { return Pad(a, 1) },
			"Pad/edge":        func() any { return Pad(a, 1, PadEdge) },
			"Concatenate":     func() any { return Concatenate([]*Array{a, a}) },
			"Concatenate/-1":  func() any { return Concatenate([]*Array{a, a}, Axis(-1)) },
			"Stack":           func() any { return Stack([]*Array{a, a}) },
			"Tile":            func() any { return Tile(a, []int{2, 2}) },
			"Repeat":          func() any { return Repeat(a, 2) },
			"Repeat/0":        func() any { return Repeat(a, 3, Axis(0)) },
			"Split":           func() any { return Split(a, 2) },
			"Split/list":      func() any { return Split(a, []int{1, 5}) },
			"ExpandDims":      func() any { return ExpandDims(a, []int{0, -1}) },
			"Index":           func() any { return Index(a, S(0, 10)) },
			"Index/-1":        func() any { return Index(a, Ellipsis, -1) },
			"Diag":            func() any { return Diag(a, 0) },
			"Diag/k":          func() any { return Diag(a, 1<<40) },
			"Diagonal":        func() any { return Diagonal(a, 0) },
			"Trace":           func() any { return Trace(a, 0) },
			"Tril":            func() any { return Tril(a, 0) },
			"Diff":            func() any { return Diff(a, 1) },
			"Roll":            func() any { return Roll(a, 1) },
			"Roll/0":          func() any { return Roll(a, 1, Axis(0)) },
			"Meshgrid":        func() any { return Meshgrid([]*Array{a, a}, false, "xy") },
			"Meshgrid/sparse": func() any { return Meshgrid([]*Array{a, a, a}, true, "ij") },
			"BroadcastArrays": func() any { return BroadcastArrays([]*Array{a, Scalar(1)}) },
			"BroadcastTo":     func() any { return BroadcastTo(a, append([]int{1 << 20}, a.shape...)) },
			"Where":           func() any { return Where(a, 1, 0) },
			"Clip":            func() any { return Clip(a, 0, 1) },
			"AsType":          func() any { return AsType(a, Int8) },
			"View":            func() any { return View(a, Uint8) },
			"FullLike":        func() any { return FullLike(a, 1) },
			"MoveAxis":        func() any { return MoveAxis(a, 0, -1) },
			"SwapAxes":        func() any { return SwapAxes(a, 0, -1) },
			"Unflatten":       func() any { return Unflatten(a, 0, []int{-1, 1 << 10}) },
			"AsStrided":       func() any { return AsStrided(a, []int{1 << 40, 1 << 40}, []int{0, 0}, 0) },
			"Item":            func() any { return Item[float32](a) },
			"ToSlice":         func() any { return ToSlice[float32](a) },
			"Vmap": func() any {
				return Vmap(func(x []*Array) []*Array { return []*Array{Sin(x[0])} }, nil, nil)([]*Array{a})
			},
		}
		for _, name := range robustKeys(calls) {
			p.probe(strings.Split(name, "/")[0], h.name, calls[name])
		}
	}
	p.report()
}

// TestRobustProber checks that the sweep sees failures.
func TestRobustProber(t *testing.T) {
	bad := map[string]func() any{
		"index out of range": func() any { var a []int; return a[len(a)+3] },
		"string panic":       func() any { panic("plain") },
		"kernel panic":       func() any { return newArray(robustPanicPrim{}, DefaultStream(), nil, []int{2}, Float32) },
		"wrong op":           func() any { return Add(Zeros([]int{2}), Zeros([]int{3})) },
		"overflowing shape":  func() any { return &Array{shape: []int{3, 0x5555555555555556}} },
	}
	for _, name := range robustKeys(bad) {
		if robustCall("sub", bad[name]) == "" {
			t.Errorf("%s: not reported", name)
		}
	}
	if why := robustCall("add", func() any { return Add(Zeros([]int{2}), Zeros([]int{3})) }); why != "" {
		t.Errorf("an error naming the op was reported: %s", why)
	}
	if why := robustCall("sum", func() any { return Sum(failedArray()) }); why != "" {
		t.Errorf("a failed evaluation was reported: %s", why)
	}
}

// robustPanicPrim is a primitive whose kernel has a bug.
type robustPanicPrim struct{}

func (robustPanicPrim) Name() string { return "RobustPanic" }

func (robustPanicPrim) Eval(s Stream, in, out []*Array) error {
	var a []int
	_ = a[len(in)+5]
	return nil
}

// TestRobustLaterAPIs covers the matmul family, printing, custom
// functions, checkpoints, trees and dtype information.
func TestRobustLaterAPIs(t *testing.T) {
	p := newProber(t)
	// The arrays of robustArrays but the largest, which only slow it down.
	var arrays []named[*Array]
	for _, a := range robustArrays(true) {
		if a.v == nil || a.v.status.Load() == statusUnmade || a.v.Size() <= 1000 {
			arrays = append(arrays, a)
		}
	}
	arrays = append(arrays, named[*Array]{"f32(3,2)", NewArray([]float32{1, 2, 3, 4, 5, 6}, 3, 2)},
		named[*Array]{"f32(2,2,3)", Reshape(Arange(12, Float32), []int{2, 2, 3})})
	// Products of broadcast views of enormous shapes: those that would be
	// enormous are refused at the call, and kernels refuse scratch that
	// grows with the inner dimension (products over a real inner dimension
	// of 1<<40 would only take long, and are left out).
	for _, dt := range []Dtype{Float32, Float16, Bfloat16, Complex64, Int32} {
		row := BroadcastTo(Scalar(1, dt), []int{1, 1 << 40})
		col := BroadcastTo(Scalar(1, dt), []int{1 << 40, 1})
		name := fmt.Sprintf("%v broadcast", dt)
		for fname, f := range map[string]func(a, b *Array, opts ...Option) *Array{"Matmul": Matmul, "Outer": Outer, "Kron": Kron} {
			p.probe(fname, name+" (1<<40,1) and (1,1<<40)", func() any { return f(col, row) })
			if fname == "Matmul" && dt == Float32 {
				continue // 1<<40 multiply-adds, and no scratch to refuse
			}
			p.probe(fname, name+" (1,1<<40) and (1<<40,1)", func() any { return f(row, col) })
		}
		p.probe("Tensordot", name+" (1<<40,1), (1,1<<40), 0", func() any { return Tensordot(col, row, 0) })
		p.probe("Median", name+" (1,1<<40)", func() any { return Median(row) })
		p.probe("Median", name+" (1<<40,1), Axis(0)", func() any { return Median(col, Axis(0)) })
	}
	pairs := map[string]func(a, b *Array, opts ...Option) *Array{
		"Matmul": Matmul, "Outer": Outer, "Inner": Inner, "Kron": Kron, "Vecdot": Vecdot,
	}
	for _, name := range robustKeys(pairs) {
		f := pairs[name]
		for _, a := range arrays {
			for _, b := range arrays {
				p.probe(name, a.name+", "+b.name, func() any { return f(a.v, b.v) })
			}
		}
		for _, o := range robustOptions() {
			p.probe(name, "f32(2,3), f32(3,2), "+o.name, func() any { return f(arrays[1].v, arrays[len(arrays)-2].v, o.v) })
		}
	}
	for _, a := range arrays {
		for _, b := range arrays {
			for _, axes := range []any{0, 1, 2, -1, 1 << 40, nil, "x", [2][]int{{0}, {0}}, [2][]int{{-1}, {0}},
				[2][]int{{0, 0}, {0, 1}}, [2][]int{{5}, {0}}, [2][]int{{0}, {}}, [][]int{{0}}, [][]int{{1}, {0}, {1}}, [2][]int{nil, nil}} {
				p.probe("Tensordot", fmt.Sprintf("%s, %s, %v", a.name, b.name, axes), func() any { return Tensordot(a.v, b.v, axes) })
			}
		}
		for _, c := range arrays[:6] {
			for _, opts := range [][]Option{nil, {Alpha(math.NaN())}, {Beta(0)}, {Alpha(math.Inf(1)), Beta(-1)}, {Axis(0)}} {
				p.probe("Addmm", fmt.Sprintf("%s, %s, f32(3,2), %s", c.name, a.name, optsString(opts)), func() any {
					return Addmm(c.v, a.v, arrays[len(arrays)-2].v, opts...)
				})
			}
		}
	}
	// Printing never panics: errors and odd arrays print in the repr.
	verbs := []string{"%v", "%s", "%q", "%10v", "%-40v", "%.3f", "%e", "%g", "%d", "%x", "%t", "%c", "%U", "%p", "%T", "%+v", "%#v", "%08.2f", "%.1000f", "%*d"}
	for _, a := range arrays {
		for _, prec := range []int{-5, -1, 3, 1000, math.MaxInt} {
			for _, verb := range verbs {
				args := fmt.Sprintf("%s, precision %d, %s", a.name, prec, verb)
				p.probe("Array.Format", args, func() any {
					var s string
					WithPrintOptions(PrintOptions{Precision: prec}, func() { s = fmt.Sprintf(verb, a.v) })
					if s == "" {
						panic("empty string")
					}
					return nil
				})
			}
		}
		p.probe("Array.String", a.name, func() any { return a.v.String() })
	}
	p.probe("WithPrintOptions", "nil func", func() any { WithPrintOptions(PrintOptions{}, nil); return nil })
	// Custom functions and checkpoints.
	f32 := arrays[1].v
	fns := []named[func([]*Array) []*Array]{
		{"nil", nil},
		{"sin", func(a []*Array) []*Array {
			if len(a) == 0 {
				return []*Array{Scalar(1.5)}
			}
			return []*Array{Sin(a[0])}
		}},
		{"returns nil", func([]*Array) []*Array { return nil }},
		{"returns [nil]", func([]*Array) []*Array { return []*Array{nil} }},
		{"returns zero Array", func([]*Array) []*Array { return []*Array{new(Array)} }},
	}
	rules := []named[*CustomFunction]{}
	for _, f := range fns {
		p.probe("NewCustomFunction", f.name, func() any { NewCustomFunction(f.v); return nil })
		p.probe("Checkpoint", f.name, func() any { Checkpoint(f.v); return nil })
		if f.v != nil {
			c := NewCustomFunction(f.v)
			rules = append(rules,
				named[*CustomFunction]{f.name, c},
				named[*CustomFunction]{f.name + " with bad rules", c.WithVJP(func(p, c, o []*Array) []*Array { return nil }).
					WithJVP(func(p, t []*Array) []*Array { return []*Array{nil, nil} }).
					WithVmap(func(in []*Array, ax []int) ([]*Array, []int) { return in, nil })},
				named[*CustomFunction]{f.name + " with rules of wrong shapes", c.WithVJP(func(p, c, o []*Array) []*Array { return []*Array{Zeros([]int{7})} }).
					WithJVP(func(p, t []*Array) []*Array { return []*Array{Zeros([]int{7})} }).
					WithVmap(func(in []*Array, ax []int) ([]*Array, []int) { return []*Array{Zeros([]int{7})}, []int{5} })})
		}
	}
	var nilCustom *CustomFunction
	p.probe("CustomFunction.Call", "nil *CustomFunction", func() any { return nilCustom.Call([]*Array{f32}) })
	p.probe("CustomFunction.WithVJP", "nil *CustomFunction", func() any { nilCustom.WithVJP(nil); return nil })
	p.probe("CustomFunction.Call", "zero CustomFunction", func() any { return new(CustomFunction).Call([]*Array{f32}) })
	for _, c := range rules {
		for _, in := range [][]*Array{nil, {nil}, {f32}, {new(Array)}, {arrays[13].v}} {
			args := fmt.Sprintf("%s, %d inputs", c.name, len(in))
			p.probe("CustomFunction.Call", args, func() any { return c.v.Call(in) })
			p.probe("CustomFunction/grad", args, func() any {
				_, g := VJP(c.v.Call, in, []*Array{Ones([]int{2, 3})})
				return g
			})
			p.probe("CustomFunction/jvp", args, func() any { _, g := JVP(c.v.Call, in, in); return g })
			p.probe("CustomFunction/vmap", args, func() any { return Vmap(c.v.Call, nil, nil)(in) })
		}
	}
	// Trees.
	type cyc struct {
		W    *Array
		Next *cyc
	}
	loop := &cyc{W: f32}
	loop.Next = loop
	selfSlice := []any{f32, nil}
	selfSlice[1] = selfSlice
	trees := []named[any]{
		{"nil", nil}, {"nil *Array", (*Array)(nil)}, {"zero Array", new(Array)}, {"f32", f32},
		{"cycle of pointers", loop}, {"slice holding itself", selfSlice},
		{"map[int]*Array", map[int]*Array{1: f32}}, {"map[string]any", map[string]any{"a": f32, "b": []any{nil, f32, 3}}},
		{"chan", make(chan int)}, {"func", func() {}}, {"[]*Array{nil, zero}", []*Array{nil, new(Array)}},
		{"struct with zero Array", struct{ W *Array }{new(Array)}},
		{"map with dotted keys", map[string]*Array{"a.b": f32, "a": f32}},
	}
	for _, tr := range trees {
		p.probe("TreeFlatten", tr.name, func() any { return len(TreeFlatten(tr.v)) })
		p.probe("TreeMap", tr.name, func() any { _ = TreeMap(tr.v, Negative); return nil })
		p.probe("TreeMap", tr.name+", nil func", func() any { _ = TreeMap(tr.v, (func(*Array) *Array)(nil)); return nil })
		p.probe("TreeMapWithPath", tr.name, func() any { _ = TreeMapWithPath(tr.v, func(string, *Array) *Array { return nil }); return nil })
		p.probe("TreeMap2", tr.name, func() any { _ = TreeMap2(tr.v, tr.v, Add); return nil })
		p.probe("TreeMerge", tr.name, func() any { _ = TreeMerge(tr.v, tr.v); return nil })
		p.probe("TreeReduce", tr.name, func() any { return TreeReduce(tr.v, func(n int, a *Array) int { return n + a.Size() }, 0) })
		p.probe("TreeUpdate", tr.name, func() any { return TreeUpdate(tr.v, []TreeLeaf{{"a", f32}, {"0", nil}}) })
		p.probe("TreeUpdate", "&"+tr.name, func() any { v := tr.v; return TreeUpdate(&v, []TreeLeaf{{"a", f32}, {"W", f32}}) })
		p.probe("GradTree", tr.name, func() any {
			_ = GradTree(func(x any) *Array {
				return TreeReduce(x, func(s *Array, a *Array) *Array { return Add(s, Sum(a)) }, Scalar(0.0))
			})(tr.v)
			return nil
		})
	}
	paths := []string{"", ".", "..", "a..b", "0", "a.0", "a.b", "99999999999999999999", "a.1099511627776", "a.-1", "a.01", "a.0.b"}
	for _, path := range paths {
		for _, other := range paths {
			p.probe("TreeUnflatten", fmt.Sprintf("%q, %q", path, other), func() any {
				return TreeUnflatten([]TreeLeaf{{path, f32}, {other, nil}})
			})
		}
	}
	p.probe("GradTree", "nil func", func() any { GradTree[any](nil); return nil })
	// Dtype information.
	for _, dt := range append(append([]Dtype(nil), robustDtypes...), numDtypes, 200) {
		p.probe("Finfo", dt.String(), func() any { return Finfo(dt).String() })
		p.probe("Iinfo", dt.String(), func() any { return Iinfo(dt).String() })
	}
	for _, v := range robustValues(arrays[:5]) {
		p.probe("ResultType", v.name, func() any { return ResultType(v.v) })
		p.probe("ResultType", v.name+", Dtype(200)", func() any { return ResultType(v.v, Dtype(200)) })
		p.probe("ResultType", "f32(2,3), "+v.name, func() any { return ResultType(f32, v.v) })
	}
	p.probe("ResultType", "", func() any { return ResultType() })
	p.report()
}

// TestRobustEvalFailure checks that arrays computed from a failed array
// fail too, from any stream, without hanging.
func TestRobustEvalFailure(t *testing.T) {
	s := NewStream(CPU)
	bad := failedArray()
	c := Exp(Add(bad, 1), s)
	d := Sum(Multiply(c, bad))
	for range 2 {
		for _, a := range []*Array{bad, c, d} {
			done := make(chan error, 1)
			go func() { done <- Eval(a) }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("eval of an array whose input failed succeeded")
				}
				if !strings.Contains(err.Error(), "deliberate failure") {
					t.Fatalf("error %v does not give the cause", err)
				}
			case <-time.After(robustTimeout):
				t.Fatal("eval of an array whose input failed hangs")
			}
		}
	}
	if err := Catch(func() { Item[float32](d) }); err == nil {
		t.Fatal("Item of a failed array did not panic")
	}
}

// TestRobustHugeAllocation checks that allocations of impossible sizes are
// refused with an error from Eval, not a crash of the Go runtime.
func TestRobustHugeAllocation(t *testing.T) {
	p := newProber(t)
	big := BroadcastTo(Scalar(float32(1)), []int{1 << 25, 1 << 25}) // 2^50 elements, one stored
	p.probe("Exp", "broadcast (1<<25, 1<<25)", func() any { return Exp(big) })
	p.probe("Add", "broadcast (1<<25, 1<<25), 1", func() any { return Add(big, 1) })
	p.probe("Contiguous", "broadcast (1<<25, 1<<25)", func() any { return Contiguous(big) })
	p.probe("Zeros", "(1<<40, 1<<20)", func() any { return Zeros([]int{1 << 40, 1 << 20}) })
	p.probe("Eye", "1<<40", func() any { return Eye(1 << 40) })
	p.probe("Zeros", "(1<<31, 1<<31)", func() any { return Zeros([]int{1 << 31, 1 << 31}) })
	p.probe("Arange", "0, 1<<50", func() any { return Arange(0, 1<<50, Int64) })
	p.probe("Linspace", "0, 1, 1<<50", func() any { return Linspace(0, 1, 1<<50) })
	p.probe("Tile", "scalar, (1<<30, 1<<30)", func() any { return Tile(Scalar(1), []int{1 << 30, 1 << 30}) })
	p.probe("Repeat", "f32(2,3), 1<<50", func() any { return Repeat(NewArray([]float32{1, 2}), 1<<50) })
	p.probe("Pad", "scalar, 1<<40", func() any { return Pad(Ones([]int{2}), 1<<40) })
	p.probe("RandomBits", "(1<<30, 1<<30)", func() any { return RandomBits(NewArray([]uint32{0, 1}), []int{1 << 30, 1 << 30}, 4) })
	for _, a := range []*Array{Exp(big), Zeros([]int{1 << 20, 1 << 20})} {
		if err := Eval(a); err == nil {
			t.Errorf("eval of an array of shape %s succeeded", shapeString(a.shape))
		}
	}
	p.report()
}

// TestRobustConcurrent runs ops, evaluations and failures from many
// goroutines at once (for the race detector).
func TestRobustConcurrent(t *testing.T) {
	s := NewStream(CPU)
	x := NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	bad := failedArray()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				var opt Option = CPU
				if (g+i)%2 == 0 {
					opt = s
				}
				y := Sum(Exp(Multiply(x, float32(i))), Axis(-1), opt)
				z := Add(y, Sum(bad, Axis(1)), opt)
				if err := Eval(y, z); err == nil {
					t.Error("eval of an array depending on a failed array succeeded")
					return
				}
				if y.Size() != 2 || !y.IsAvailable() {
					t.Error("y was not computed")
					return
				}
				if err := Catch(func() { Add(x, []int{1, 2}, opt) }); err == nil {
					t.Error("Add of shapes (2, 3) and (2,) did not panic")
					return
				}
				_ = ToSlice[float32](Flip(y, opt))
			}
		}()
	}
	wg.Wait()
}
