package random

import (
	"math"
	"math/bits"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/mx"
)

// The samplers are written with mx ops in the order MLX applies them, so
// that a key gives the same samples as in MLX.

// isNumber reports whether v is a Go number (what mx takes as a scalar).
func isNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, complex64, complex128:
		return true
	}
	return false
}

// param returns a sampler's parameter (an *mx.Array or a Go number) as an
// array; Go numbers get MLX's default types (float32 for floats, int32 for
// integers).
func param(op, name string, v any) *mx.Array {
	switch x := v.(type) {
	case *mx.Array:
		if x == nil {
			panic(errorf(op, "nil array for %s", name))
		}
		return x
	case bool:
		return mx.Scalar(x)
	}
	if !isNumber(v) {
		panic(errorf(op, "cannot use %T as %s: want an *mx.Array or a Go number", v, name))
	}
	return mx.Scalar(v)
}

// paramAs returns a parameter converted to dt.
func paramAs(op, name string, v any, dt mx.Dtype, s mx.Stream) *mx.Array {
	if isNumber(v) {
		return mx.Scalar(v, dt)
	}
	return mx.AsType(param(op, name, v), dt, s)
}

// isValue reports whether v is the Go number x (such as a loc of 0).
func isValue(v any, x float64) bool {
	if !isNumber(v) {
		return false
	}
	switch n := v.(type) {
	case complex64, complex128:
		return false
	case float32:
		return float64(n) == x
	case float64:
		return n == x
	}
	return mx.Item[float64](mx.Scalar(v, mx.Float64)) == x
}

// shapeArg returns a copy of a sampler's shape, nil meaning def, and panics
// with *mx.Error on a negative dimension or a shape too large to count
// (with room for a last axis of two, which complex samples add).
func shapeArg(op string, shape, def []int) []int {
	if shape == nil {
		shape = def
	}
	shape = slices.Clone(shape)
	if shape == nil {
		shape = []int{}
	}
	for _, d := range shape {
		if d < 0 {
			panic(errorf(op, "negative dimension in shape %v", shape))
		}
	}
	n := 32 // bytes of two elements of the largest type
	for _, d := range shape {
		if d == 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if hi != 0 || lo > math.MaxInt {
			panic(errorf(op, "shape %v is too large", shape))
		}
		n = int(lo)
	}
	return shape
}

// broadcast returns the shape that a and b broadcast to, and panics with
// *mx.Error if they do not.
func broadcast(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range out {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panic(errorf(op, "shapes %v and %v cannot be broadcast", a, b))
		}
	}
	return out
}

// checkFits panics with *mx.Error unless a parameter of shape p broadcasts
// to the sample shape.
func checkFits(op string, shape, p []int) {
	if !slices.Equal(broadcast(op, shape, p), shape) {
		panic(errorf(op, "cannot generate samples of shape %v from parameters of shape %v", shape, p))
	}
}

// dtypeOf returns the dtype option of o, or def.
func dtypeOf(o mx.Options, def mx.Dtype) mx.Dtype {
	if o.HasDtype {
		return o.Dtype
	}
	return def
}

// belowOne is the largest number below one in dt that uniform samples may
// reach, as a float32 (float64 samples are float32 numbers too).
func belowOne(dt mx.Dtype) float32 {
	switch dt {
	case mx.Float16:
		return core.F16(0x3BFF).Float32()
	case mx.Bfloat16:
		return core.BF16(0x3F7F).Float32()
	}
	return math.Nextafter32(1, 0)
}

// Uniform returns samples of the given shape drawn uniformly from
// [low, high). low and high are Go numbers or arrays that broadcast to
// shape; nil shape means a scalar. The type is float32, or the Dtype option,
// which must be a real floating type. Each sample takes 32 random bits, so
// float64 samples are float32 numbers.
//
// It panics with *mx.Error if the dtype is not floating, low and high do not
// broadcast to shape, a dimension is negative, or the key is not a key.
func Uniform(low, high any, shape []int, opts ...mx.Option) *mx.Array {
	const op = "uniform"
	o := parse(op, opts, allowDtype)
	dt := dtypeOf(o, mx.Float32)
	if !dt.IsFloating() {
		panic(errorf(op, "can only generate uniform numbers of a real floating type, not %v", dt))
	}
	shape = shapeArg(op, shape, nil)
	lo := paramAs(op, "low", low, dt, o.Stream)
	hi := paramAs(op, "high", high, dt, o.Stream)
	return uniform(op, lo, hi, shape, dt, keyOf(op, o), o.Stream)
}

// uniform is MLX's uniform of lo and hi, already of type dt.
func uniform(op string, lo, hi *mx.Array, shape []int, dt mx.Dtype, key *mx.Array, s mx.Stream) *mx.Array {
	checkFits(op, shape, broadcast(op, lo.Shape(), hi.Shape()))
	rng := mx.Subtract(hi, lo, s)
	bits := mx.RandomBits(key, shape, 4, s)
	u := mx.Divide(bits, mx.Scalar(float32(math.MaxUint32)), s)
	u = mx.AsType(mx.Minimum(u, mx.Scalar(belowOne(dt)), s), dt, s)
	return mx.Add(mx.Multiply(rng, u, s), lo, s)
}

// standardUniform is uniform over [0, 1) in dt.
func standardUniform(op string, shape []int, dt mx.Dtype, key *mx.Array, s mx.Stream) *mx.Array {
	return uniform(op, mx.Scalar(0.0, dt), mx.Scalar(1.0, dt), shape, dt, key, s)
}

// symmetricUniform is uniform over (-1, 1) in float32, the start of the
// normal and Laplace samplers.
func symmetricUniform(op string, shape []int, key *mx.Array, s mx.Stream) *mx.Array {
	return uniform(op, mx.Scalar(math.Nextafter32(-1, 0)), mx.Scalar(float32(1)), shape, mx.Float32, key, s)
}

// Bernoulli returns booleans of the given shape, each true with probability
// p: a floating Go number or array that broadcasts to shape. A nil shape
// means p's shape. p <= 0 gives false and p >= 1 true.
//
// It panics with *mx.Error if p is not floating, p does not broadcast to
// shape, a dimension is negative, or the key is bad.
func Bernoulli(p any, shape []int, opts ...mx.Option) *mx.Array {
	const op = "bernoulli"
	o := parse(op, opts, 0)
	pa := param(op, "p", p)
	if !pa.Dtype().IsFloating() {
		panic(errorf(op, "the probability must be of a floating type, not %v", pa.Dtype()))
	}
	shape = shapeArg(op, shape, pa.Shape())
	checkFits(op, shape, pa.Shape())
	s := o.Stream
	// p on the scale of the bits, [0, just above 2^32 - 1].
	upper := mx.Scalar(math.Nextafter32(float32(math.MaxUint32), math.MaxFloat32))
	return mx.Less(mx.RandomBits(keyOf(op, o), shape, 4, s), mx.Multiply(pa, upper, s), s)
}

// Normal returns samples of the given shape from the normal distribution
// with mean loc and standard deviation scale (Go numbers or arrays that
// broadcast to shape); nil shape means a scalar:
//
//	z := random.Normal(0, 1, []int{3, 4})
//
// The type is float32, or the Dtype option: a real floating type, or
// complex64 for complex normal samples whose real and imaginary parts each
// have variance one half, scaled by scale and shifted by loc.
//
// It panics with *mx.Error for another dtype, parameters that do not
// broadcast to shape, a negative dimension, or a bad key.
func Normal(loc, scale any, shape []int, opts ...mx.Option) *mx.Array {
	const op = "normal"
	o := parse(op, opts, allowDtype)
	dt := dtypeOf(o, mx.Float32)
	shape = shapeArg(op, shape, nil)
	s := o.Stream
	if dt == mx.Complex64 {
		return complexNormal(loc, scale, shape, keyOf(op, o), s)
	}
	if !dt.IsFloating() {
		panic(errorf(op, "can only generate samples of a floating type or complex64, not %v", dt))
	}
	var locA, scaleA *mx.Array
	if !isValue(loc, 0) {
		locA = paramAs(op, "loc", loc, dt, s)
		checkFits(op, shape, locA.Shape())
	}
	applied := mx.Scalar(math.Sqrt2, dt)
	if !isValue(scale, 1) {
		scaleA = paramAs(op, "scale", scale, dt, s)
		checkFits(op, shape, scaleA.Shape())
		applied = mx.Multiply(applied, scaleA, s)
	}
	u := symmetricUniform(op, shape, keyOf(op, o), s)
	out := mx.Multiply(applied, mx.AsType(mx.Erfinv(u, s), dt, s), s)
	if locA != nil {
		out = mx.Add(locA, out, s)
	}
	return out
}

func complexNormal(loc, scale any, shape []int, key *mx.Array, s mx.Stream) *mx.Array {
	const op = "normal"
	// Pairs of float32 samples, viewed as the parts of complex numbers.
	u := symmetricUniform(op, append(slices.Clone(shape), 2), key, s)
	out := mx.Squeeze(mx.View(mx.Erfinv(u, s), mx.Complex64, s), mx.Axis(-1), s)
	if !isValue(scale, 1) {
		sc := param(op, "scale", scale)
		checkFits(op, shape, sc.Shape())
		out = mx.Multiply(sc, out, s)
	}
	if !isValue(loc, 0) {
		l := param(op, "loc", loc)
		checkFits(op, shape, l.Shape())
		out = mx.Add(l, out, s)
	}
	return out
}

// Randint returns integers of the given shape drawn uniformly from
// [low, high) (Go numbers or arrays that broadcast to shape; nil shape means
// a scalar), of type int32 or of the Dtype option, which must be an integer
// type or bool. Where high <= low every sample is low. Samples come from
// float32 uniforms, as in MLX, and are clamped to [low, high-1].
//
// It panics with *mx.Error for a floating dtype, bounds that do not broadcast
// to shape, a negative dimension, or a bad key.
func Randint(low, high any, shape []int, opts ...mx.Option) *mx.Array {
	const op = "randint"
	o := parse(op, opts, allowDtype)
	dt := dtypeOf(o, mx.Int32)
	if dt.IsInexact() {
		panic(errorf(op, "only integer types and bool are supported, not %v", dt))
	}
	shape = shapeArg(op, shape, nil)
	s := o.Stream
	lo, hi := param(op, "low", low), param(op, "high", high)
	u := uniform(op, mx.AsType(lo, mx.Float32, s), mx.AsType(hi, mx.Float32, s), shape, mx.Float32, keyOf(op, o), s)
	out := mx.AsType(mx.Floor(u, s), dt, s)
	top := mx.AsType(mx.Subtract(hi, mx.Scalar(1, hi.Dtype()), s), dt, s)
	return mx.Maximum(mx.Minimum(out, top, s), mx.AsType(lo, dt, s), s)
}

// TruncatedNormal returns samples of the given shape from the standard
// normal distribution cut to [lower, upper] (Go numbers or arrays that
// broadcast to shape; nil shape means their broadcast shape), of type
// float32 or the Dtype option, a real floating type. The samples are
// clipped to the bounds, so where upper < lower every sample is lower.
//
// It panics with *mx.Error for a dtype that is not floating, bounds that do
// not broadcast to shape, a negative dimension, or a bad key.
func TruncatedNormal(lower, upper any, shape []int, opts ...mx.Option) *mx.Array {
	const op = "truncated_normal"
	o := parse(op, opts, allowDtype)
	dt := dtypeOf(o, mx.Float32)
	if !dt.IsFloating() {
		panic(errorf(op, "only real floating types are supported, not %v", dt))
	}
	s := o.Stream
	lo := paramAs(op, "lower", lower, dt, s)
	hi := paramAs(op, "upper", upper, dt, s)
	shape = shapeArg(op, shape, broadcast(op, lo.Shape(), hi.Shape()))
	sqrt2 := mx.Scalar(math.Sqrt2, dt)
	a := mx.Erf(mx.Divide(lo, sqrt2, s), s)
	b := mx.Erf(mx.Divide(hi, sqrt2, s), s)
	u := uniform(op, a, b, shape, dt, keyOf(op, o), s)
	out := mx.Multiply(sqrt2, mx.Erfinv(u, s), s)
	return mx.Maximum(mx.Minimum(hi, out, s), lo, s)
}

// Gumbel returns samples of the given shape (nil: a scalar) from the
// standard Gumbel distribution, -log(-log(u)) for u uniform on [0, 1), of
// type float32 or the Dtype option, a real floating type. It panics with
// *mx.Error for another dtype, a negative dimension, or a bad key.
func Gumbel(shape []int, opts ...mx.Option) *mx.Array {
	const op = "gumbel"
	o := parse(op, opts, allowDtype)
	dt := dtypeOf(o, mx.Float32)
	if !dt.IsFloating() {
		panic(errorf(op, "only real floating types are supported, not %v", dt))
	}
	return gumbel(op, shapeArg(op, shape, nil), dt, keyOf(op, o), o.Stream)
}

func gumbel(op string, shape []int, dt mx.Dtype, key *mx.Array, s mx.Stream) *mx.Array {
	u := standardUniform(op, shape, dt, key, s)
	return mx.Negative(mx.Log(mx.Negative(mx.Log(u, s), s), s), s)
}

// Laplace returns samples of the given shape (nil: a scalar) from the
// Laplace distribution with location loc and scale scale (Go numbers or
// arrays that broadcast to shape), of type float32 or the Dtype option, a
// real floating type. It panics with *mx.Error for another dtype,
// parameters that do not broadcast to shape, a negative dimension, or a bad
// key.
func Laplace(loc, scale any, shape []int, opts ...mx.Option) *mx.Array {
	const op = "laplace"
	o := parse(op, opts, allowDtype)
	dt := dtypeOf(o, mx.Float32)
	if !dt.IsFloating() {
		panic(errorf(op, "only real floating types are supported, not %v", dt))
	}
	shape = shapeArg(op, shape, nil)
	s := o.Stream
	var locA, scaleA *mx.Array
	if !isValue(loc, 0) {
		locA = paramAs(op, "loc", loc, dt, s)
		checkFits(op, shape, locA.Shape())
	}
	if !isValue(scale, 1) {
		scaleA = paramAs(op, "scale", scale, dt, s)
		checkFits(op, shape, scaleA.Shape())
	}
	u := symmetricUniform(op, shape, keyOf(op, o), s)
	// The inverse of the distribution function: sign(u) * log(1 - |u|).
	out := mx.Multiply(mx.Sign(u, s), mx.Log1p(mx.Multiply(mx.Scalar(-1.0, dt), mx.Abs(u, s), s), s), s)
	out = mx.AsType(out, dt, s)
	if scaleA != nil {
		out = mx.Multiply(scaleA, out, s)
	}
	if locA != nil {
		out = mx.Add(locA, out, s)
	}
	return out
}

// Categorical returns samples from the categorical distributions whose
// unnormalized log-probabilities lie along an axis of logits (the mx.Axis
// option; default -1): each sample is the index of a category, as uint32.
// shape is the shape of the samples; it must broadcast with logits' shape
// without that axis, and nil means that shape (one sample per
// distribution). It panics with *mx.Error on a bad axis or shape, an axis
// of no categories, or a bad key.
func Categorical(logits *mx.Array, shape []int, opts ...mx.Option) *mx.Array {
	const op = "categorical"
	o := parse(op, opts, allowAxis)
	if logits == nil {
		panic(errorf(op, "nil logits"))
	}
	axis := categoricalAxis(op, logits, o)
	reduced := slices.Delete(slices.Clone(logits.Shape()), axis, axis+1)
	shape = shapeArg(op, shape, reduced)
	if !slices.Equal(broadcast(op, shape, reduced), shape) {
		panic(errorf(op, "the sample shape %v does not broadcast with the shape of the logits without axis %d, %v", shape, axis, reduced))
	}
	return categorical(logits, axis, shape, keyOf(op, o), o.Stream)
}

// CategoricalSamples returns num samples from each of the categorical
// distributions along an axis of logits (the mx.Axis option; default -1),
// as uint32 indices: the shape is that of logits without the axis,
// followed by num. It panics with *mx.Error on a bad axis, an axis of no
// categories, negative num, or a bad key.
func CategoricalSamples(logits *mx.Array, num int, opts ...mx.Option) *mx.Array {
	const op = "categorical"
	o := parse(op, opts, allowAxis)
	if logits == nil {
		panic(errorf(op, "nil logits"))
	}
	if num < 0 {
		panic(errorf(op, "number of samples must be non-negative, got %d", num))
	}
	axis := categoricalAxis(op, logits, o)
	x := mx.ExpandDims(logits, -1, o.Stream)
	shape := slices.Delete(slices.Clone(x.Shape()), axis, axis+1)
	shape[len(shape)-1] = num
	return categorical(x, axis, shape, keyOf(op, o), o.Stream)
}

func categoricalAxis(op string, logits *mx.Array, o mx.Options) int {
	axis := -1
	if o.HasAxes {
		axis = o.Axes[0]
	}
	nd := logits.Ndim()
	if axis < -nd || axis >= nd {
		panic(errorf(op, "axis %d is out of bounds for logits of dimension %d", axis, nd))
	}
	if axis < 0 {
		axis += nd
	}
	if logits.Dim(axis) == 0 {
		panic(errorf(op, "no categories: axis %d of the logits of shape %v is empty", axis, logits.Shape()))
	}
	return axis
}

// categorical draws with the Gumbel-max trick: the argmax over the axis of
// logits plus Gumbel noise.
func categorical(logits *mx.Array, axis int, shape []int, key *mx.Array, s mx.Stream) *mx.Array {
	gshape := slices.Clone(shape)
	off := axis + len(shape) - logits.Ndim() + 1
	gshape = shapeArg("categorical", slices.Insert(gshape, off, logits.Dim(axis)), nil)
	g := gumbel("categorical", gshape, mx.Float32, key, s)
	return mx.Argmax(mx.Add(g, logits, s), mx.Axis(off), s)
}
