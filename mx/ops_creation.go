package mx

import (
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The creation ops make arrays from shapes and Go numbers. Like every op
// they are lazy: the values are written by a kernel when the array is
// evaluated, on the stream given as an option.

// fullPrim repeats its input, which broadcasts to the output's shape and
// has the output's dtype.
type fullPrim struct{}

func (fullPrim) Name() string { return "Full" }

func (fullPrim) Eval(s Stream, in, out []*Array) error {
	o := out[0]
	if in[0].Size() == 1 {
		k, err := kernelsFor[core.CreationKernels]("full", s)
		if err != nil {
			return err
		}
		if err := o.alloc(s); err != nil {
			return err
		}
		return k.Fill(in[0].view(), o.view())
	}
	k, err := kernelsFor[core.CopyKernels]("full", s)
	if err != nil {
		return err
	}
	if err := o.alloc(s); err != nil {
		return err
	}
	v := in[0].view()
	v.Strides = broadcastStrides(v.Shape, v.Strides, o.shape)
	v.Shape = o.shape
	return k.Copy(v, o.view())
}

// The rules of Full. Its input is the value, already of the output's
// dtype, with a shape that broadcasts to the output's; the output repeats
// it, so a cotangent sums back over the repeated dimensions.

func (fullPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{unbroadcast(cot[0], in[0].shape, s)}
}

func (fullPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{full("full", out[0].shape, tan[0], out[0].dtype, s)}
}

// Vmap fills the output's shape with the batch axis inserted where the
// value has it, counted from the end: broadcasting lines the value up with
// the output's last axes, batch axis included.
func (fullPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	v := in[0]
	ax := axes[0] + out[0].Ndim() - (v.Ndim() - 1)
	shape := slices.Insert(slices.Clone(out[0].shape), ax, v.shape[axes[0]])
	return []*Array{full("full", shape, v, out[0].dtype, s)}, []int{ax}
}

// generatePrim writes values that depend only on its parameters: ranges,
// identity and triangular matrices, windows.
type generatePrim struct {
	op   core.GenOp
	p    core.GenParams
	name string // MLX's spelling of the op, for errors
}

var genNames = map[core.GenOp]string{
	core.Arange: "Arange", core.Linspace: "Linspace", core.Eye: "Eye", core.Tri: "Tri",
	core.Hanning: "Hanning", core.Hamming: "Hamming", core.Bartlett: "Bartlett", core.Blackman: "Blackman",
}

func (p generatePrim) Name() string { return genNames[p.op] }

func (p generatePrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CreationKernels](p.name, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Generate(p.op, p.p, out[0].view())
}

func generateArray(name string, op core.GenOp, p core.GenParams, shape []int, dt Dtype, s Stream) *Array {
	checkShape(name, shape)
	return newArray(generatePrim{op: op, p: p, name: name}, s, nil, shape, dt)
}

// creationDtype returns the Dtype option of o, or def when none was given,
// and panics with *Error if it is not a valid dtype.
func creationDtype(op string, o options, def Dtype) Dtype {
	if o.set&optDtype == 0 {
		return def
	}
	if !o.dtype.valid() {
		panic(newError(op, "invalid dtype %v", o.dtype))
	}
	return o.dtype
}

// Zeros returns an array of the given shape filled with zeros, of type
// float32 unless a Dtype option says otherwise:
//
//	z := mx.Zeros([]int{2, 3}, mx.Int32)
//
// It panics with *Error if a dimension is negative.
func Zeros(shape []int, opts ...Option) *Array {
	o := parseOptions("zeros", optStream|optDtype, opts)
	dt := creationDtype("zeros", o, Float32)
	return full("zeros", shape, 0, dt, o.stream)
}

// Ones returns an array of the given shape filled with ones, of type
// float32 unless a Dtype option says otherwise. It panics with *Error if a
// dimension is negative.
func Ones(shape []int, opts ...Option) *Array {
	o := parseOptions("ones", optStream|optDtype, opts)
	dt := creationDtype("ones", o, Float32)
	return full("ones", shape, 1, dt, o.stream)
}

// Full returns an array of the given shape filled with value: a Go number,
// or an *Array (or Go slice) that broadcasts to shape and is repeated along
// the broadcast dimensions. The type is that of a Dtype option if given;
// otherwise a Go number takes MLX's default for a Python scalar (float32
// for floats, int32 for integers, int64 when they do not fit, bool for
// bools, complex64 for complex numbers) and an array keeps its own:
//
//	mx.Full([]int{2, 2}, 1.5)                    // float32
//	mx.Full([]int{2, 3}, mx.NewArray([]int32{1, 2, 3}))
//
// It panics with *Error if a dimension is negative or value does not
// broadcast to shape.
func Full(shape []int, value any, opts ...Option) *Array {
	o := parseOptions("full", optStream|optDtype, opts)
	if isWeak(value) {
		dt := creationDtype("full", o, weakScalar("full", value).dtype())
		return full("full", shape, value, dt, o.stream)
	}
	v := asArray("full", value)
	return full("full", shape, v, creationDtype("full", o, v.dtype), o.stream)
}

// full fills shape with value (a Go number or an *Array) as dtype dt.
func full(op string, shape []int, value any, dt Dtype, s Stream) *Array {
	shape = slices.Clone(shape)
	if shape == nil {
		shape = []int{}
	}
	checkShape(op, shape)
	var v *Array
	if isWeak(value) {
		v = weakScalar(op, value).array(dt)
	} else {
		v = value.(*Array)
		if !slices.Equal(broadcastShapes(op, v.shape, shape), shape) {
			panic(newError(op, "cannot broadcast a value of shape %s to shape %s",
				shapeString(v.shape), shapeString(shape)))
		}
		v = AsType(v, dt, s)
	}
	return newArray(fullPrim{}, s, []*Array{v}, shape, dt)
}

// ZerosLike returns an array of zeros with a's shape and dtype (or the
// dtype of a Dtype option).
func ZerosLike(a *Array, opts ...Option) *Array {
	return fullLike("zeros_like", a, 0, opts)
}

// OnesLike returns an array of ones with a's shape and dtype (or the dtype
// of a Dtype option).
func OnesLike(a *Array, opts ...Option) *Array {
	return fullLike("ones_like", a, 1, opts)
}

// FullLike returns an array filled with value, with a's shape and dtype (or
// the dtype of a Dtype option). value is a Go number, converted to that
// dtype, or an *Array; as in MLX, a and an array value are broadcast
// together, so the result has their broadcast shape. It panics with *Error
// if a and value do not broadcast.
func FullLike(a *Array, value any, opts ...Option) *Array {
	return fullLike("full_like", a, value, opts)
}

func fullLike(op string, a *Array, value any, opts []Option) *Array {
	o := parseOptions(op, optStream|optDtype, opts)
	checkArray(op, a)
	dt := creationDtype(op, o, a.dtype)
	if isWeak(value) {
		return full(op, a.shape, value, dt, o.stream)
	}
	v := asArray(op, value)
	return full(op, broadcastShapes(op, a.shape, v.shape), v, dt, o.stream)
}

// splitArgs separates the leading Go numbers of args from the Options that
// follow them, and panics with *Error on anything else, on a number after
// an option, or on more than maxNums numbers.
func splitArgs(op string, args []any, maxNums int) (nums []any, opts []Option) {
	for _, a := range args {
		if opt, ok := a.(Option); ok {
			opts = append(opts, opt)
			continue
		}
		if !isWeak(a) {
			panic(newError(op, "cannot use %T as a number or an option", a))
		}
		if len(opts) > 0 {
			panic(newError(op, "the numbers must come before the options"))
		}
		nums = append(nums, a)
	}
	if len(nums) > maxNums {
		panic(newError(op, "takes at most %d numbers, got %d", maxNums, len(nums)))
	}
	return nums, opts
}

// intArg converts an integer argument to int, and panics with *Error if it
// is not an integer.
func intArg(op, what string, v any) int {
	w := weakScalar(op, v)
	if w.kind != SignedInteger {
		panic(newError(op, "%s must be an integer, not %T", what, v))
	}
	return int(w.i)
}

// Arange returns the numbers from start up to (not including) stop, step
// apart, as a one-dimensional array, in the forms of MLX and NumPy:
//
//	mx.Arange(5)              // [0 1 2 3 4], int32
//	mx.Arange(2, 5)           // [2 3 4]
//	mx.Arange(0, 1, 0.25)     // [0 0.25 0.5 0.75], float32
//	mx.Arange(5, 0, -2)       // [5 3 1]
//	mx.Arange(4, mx.Float64)  // options follow the numbers
//
// The arguments are one to three Go numbers (stop; start, stop; or start,
// stop, step; step defaults to 1), then Options. The type is that of a
// Dtype option; otherwise float32 when any number is a float, else int32
// (int64 when a number does not fit in int32). The length is
// ceil((stop-start)/step), or 0 when that is negative. Floating types get
// start + i*step computed in float64 and rounded once; integer types follow
// NumPy: with s = int(start) and d = int(start+step) - s, element i is
// s + i*d, so a fractional step can give repeated values.
//
// It panics with *Error when there are no numbers or more than three, a
// number is not real, step is zero, start, stop or step is NaN, start or
// stop is infinite, the dtype is bool, or the length is too large.
func Arange(args ...any) *Array {
	nums, opts := splitArgs("arange", args, 3)
	o := parseOptions("arange", optStream|optDtype, opts)
	if len(nums) == 0 {
		panic(newError("arange", "needs a stop value"))
	}
	var dt Dtype
	vals := make([]float64, len(nums))
	for i, v := range nums {
		w := weakScalar("arange", v)
		if w.kind != SignedInteger && w.kind != Floating {
			panic(newError("arange", "cannot use %T as a bound or step", v))
		}
		vals[i] = w.f
		if i == 0 {
			dt = w.dtype()
		} else {
			dt = PromoteTypes(dt, w.dtype())
		}
	}
	dt = creationDtype("arange", o, dt)
	start, stop, step := 0.0, vals[0], 1.0
	if len(vals) > 1 {
		start, stop = vals[0], vals[1]
	}
	if len(vals) > 2 {
		step = vals[2]
	}
	return arange(start, stop, step, dt, o.stream)
}

func arange(start, stop, step float64, dt Dtype, s Stream) *Array {
	switch {
	case dt == Bool:
		panic(newError("arange", "bool is not supported"))
	case math.IsNaN(start) || math.IsNaN(stop) || math.IsNaN(step):
		panic(newError("arange", "cannot compute the length with NaN bounds or step"))
	case math.IsInf(start, 0) || math.IsInf(stop, 0):
		panic(newError("arange", "cannot compute the length with infinite bounds"))
	case step == 0:
		panic(newError("arange", "step must be nonzero"))
	}
	n := 0
	if math.IsInf(step, 0) {
		if step > 0 && start < stop || step < 0 && start > stop {
			n = 1 // just start
		}
		step = 0
	} else {
		size := math.Ceil((stop - start) / step)
		if size >= 1<<53 {
			panic(newError("arange", "maximum size exceeded (%g elements)", size))
		}
		n = max(int(size), 0)
	}
	p := core.GenParams{Start: start, Step: step, Stop: stop}
	return generateArray("arange", core.Arange, p, []int{n}, dt, s)
}

// Linspace returns num evenly spaced numbers from start to stop, both
// included, as a one-dimensional array of type float32 (or of a Dtype
// option). Element i is start + i*(stop-start)/(num-1), computed in float64
// and rounded once, and the last element is stop exactly; integer dtypes
// truncate toward zero as AsType does. One sample gives [start], zero an
// empty array. It panics with *Error if num is negative.
func Linspace(start, stop float64, num int, opts ...Option) *Array {
	o := parseOptions("linspace", optStream|optDtype, opts)
	if num < 0 {
		panic(newError("linspace", "number of samples, %d, must be non-negative", num))
	}
	dt := creationDtype("linspace", o, Float32)
	p := core.GenParams{Start: start, Stop: stop}
	if num > 1 {
		p.Step = (stop - start) / float64(num-1)
	}
	return generateArray("linspace", core.Linspace, p, []int{num}, dt, o.stream)
}

// matrixArgs parses n and the optional m and k of Eye and Tri (numbers
// after n, then Options).
func matrixArgs(op string, n int, args []any) (m, k int, dt Dtype, s Stream) {
	nums, opts := splitArgs(op, args, 2)
	o := parseOptions(op, optStream|optDtype, opts)
	m = n
	if len(nums) > 0 {
		m = intArg(op, "m", nums[0])
	}
	if len(nums) > 1 {
		k = intArg(op, "k", nums[1])
	}
	if n < 0 || m < 0 {
		panic(newError(op, "n and m must be non-negative, got %d and %d", n, m))
	}
	return m, k, creationDtype(op, o, Float32), o.stream
}

// Eye returns an n×m matrix with ones on its k-th diagonal and zeros
// elsewhere, of type float32 (or of a Dtype option). The optional integers
// after n are m (default n) and k (default 0: the main diagonal; k > 0 is
// above it, k < 0 below), then Options:
//
//	mx.Eye(3)                 // 3×3 identity
//	mx.Eye(2, 4, 1, mx.Int32) // 2×4, ones at (0,1) and (1,2)
//
// A diagonal that lies outside the matrix gives all zeros. It panics with
// *Error if n or m is negative or an argument is not an integer or Option.
func Eye(n int, args ...any) *Array {
	m, k, dt, s := matrixArgs("eye", n, args)
	return generateArray("eye", core.Eye, core.GenParams{K: k}, []int{n, m}, dt, s)
}

// Identity returns the n×n identity matrix, of type float32 (or of a Dtype
// option). It panics with *Error if n is negative.
func Identity(n int, opts ...Option) *Array {
	o := parseOptions("identity", optStream|optDtype, opts)
	if n < 0 {
		panic(newError("identity", "n must be non-negative, got %d", n))
	}
	return generateArray("identity", core.Eye, core.GenParams{}, []int{n, n},
		creationDtype("identity", o, Float32), o.stream)
}

// Tri returns an n×m matrix with ones at and below the k-th diagonal
// (element (i, j) is one where j <= i + k) and zeros elsewhere, of type
// float32 (or of a Dtype option). The optional integers after n are m
// (default n) and k (default 0), then Options, as for Eye. It panics with
// *Error if n or m is negative or an argument is not an integer or Option.
func Tri(n int, args ...any) *Array {
	m, k, dt, s := matrixArgs("tri", n, args)
	return generateArray("tri", core.Tri, core.GenParams{K: k}, []int{n, m}, dt, s)
}

func window(op string, kind core.GenOp, m int, opts []Option) *Array {
	o := parseOptions(op, optStream|optDtype, opts)
	return generateArray(op, kind, core.GenParams{}, []int{max(m, 0)},
		creationDtype(op, o, Float32), o.stream)
}

// Hanning returns NumPy's Hanning window of m points,
// 0.5 - 0.5cos(2πn/(m-1)) for n = 0 … m-1, as float32 (or a Dtype option).
// One point gives [1]; m < 1 gives an empty array.
func Hanning(m int, opts ...Option) *Array { return window("hanning", core.Hanning, m, opts) }

// Hamming returns NumPy's Hamming window of m points,
// 0.54 - 0.46cos(2πn/(m-1)) for n = 0 … m-1, as float32 (or a Dtype
// option). One point gives [1]; m < 1 gives an empty array.
func Hamming(m int, opts ...Option) *Array { return window("hamming", core.Hamming, m, opts) }

// Bartlett returns NumPy's Bartlett (triangular) window of m points,
// 1 - |2n/(m-1) - 1| for n = 0 … m-1, as float32 (or a Dtype option). One
// point gives [1]; m < 1 gives an empty array.
func Bartlett(m int, opts ...Option) *Array { return window("bartlett", core.Bartlett, m, opts) }

// Blackman returns NumPy's Blackman window of m points,
// 0.42 - 0.5cos(2πn/(m-1)) + 0.08cos(4πn/(m-1)) for n = 0 … m-1, as float32
// (or a Dtype option). One point gives [1]; m < 1 gives an empty array.
func Blackman(m int, opts ...Option) *Array { return window("blackman", core.Blackman, m, opts) }

// Meshgrid returns coordinate arrays for the grid spanned by the given
// one-dimensional coordinate vectors (arrays of other shapes are flattened),
// as NumPy's and MLX's meshgrid. With n arrays of sizes s1 … sn, result i
// holds arrays[i] repeated over the others: with indexing "ij" (matrix
// indexing) every result has shape (s1, …, sn); with "xy" (Cartesian
// indexing, the default; "" means "xy") the first two dimensions are
// swapped, (s2, s1, s3, …). With sparse true the results are not
// broadcast: result i keeps size one on every dimension but its own. The
// results are views of the inputs. It panics with *Error for another
// indexing, a nil array, or (unless sparse) a grid too large to count.
func Meshgrid(arrays []*Array, sparse bool, indexing string, opts ...Option) []*Array {
	o := parseOptions("meshgrid", optStream, opts)
	switch indexing {
	case "":
		indexing = "xy"
	case "xy", "ij":
	default:
		panic(newError("meshgrid", "invalid indexing %q: valid values are \"xy\" and \"ij\"", indexing))
	}
	n := len(arrays)
	out := make([]*Array, n)
	grid := make([]int, n) // the shape of the results
	for i, a := range arrays {
		checkArray("meshgrid", a)
		grid[i] = a.Size()
	}
	if !sparse {
		checkShape("meshgrid", grid)
	}
	for i, a := range arrays {
		shape := make([]int, n)
		for d := range shape {
			shape[d] = 1
		}
		shape[i] = a.Size()
		if indexing == "xy" && i < 2 && n > 1 {
			shape[i] = 1
			shape[1-i] = a.Size()
		}
		out[i] = Reshape(a, shape, o.stream)
	}
	if !sparse && n > 0 {
		out = BroadcastArrays(out, o.stream)
	}
	return out
}
