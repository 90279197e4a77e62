package mx

// Option is an optional argument of an op. Every op takes its optional
// arguments the same way, as trailing Options in any order:
//
//	mx.Sum(a, mx.Axis(-1), mx.KeepDims)   // axes and keepdims
//	mx.Add(a, b, mx.GPU)                  // a device: its default stream
//	mx.Add(a, b, s)                       // a Stream
//	mx.Zeros([]int{2, 3}, mx.Int32)       // a Dtype
//
// An op given an Option it has no use for panics with *Error.
type Option interface {
	apply(*options)
}

type optionKind uint32

const (
	optStream optionKind = 1 << iota
	optAxes
	optKeepDims
	optDtype
	optDdof
	optKey
	optTolerance
	optStartAxis
	optEndAxis
	optDecimals
	optNanValue
	optPosInfValue
	optNegInfValue
	optPad
	optAlpha
	optBeta
	optReverse   // scans (ops_scan.go)
	optExclusive // scans (ops_scan.go)
	optSide      // Searchsorted (ops_sort.go)
)

var optionNames = map[optionKind]string{
	optStream: "stream/device", optAxes: "axis", optKeepDims: "keepdims",
	optDtype: "dtype", optDdof: "ddof", optKey: "key", optTolerance: "tolerance",
	optStartAxis: "start axis", optEndAxis: "end axis", optDecimals: "decimals",
	optNanValue: "nan value", optPosInfValue: "posinf value", optNegInfValue: "neginf value",
	optPad: "pad mode", optAlpha: "alpha", optBeta: "beta",
	optReverse: "reverse", optExclusive: "exclusive", optSide: "side",
}

// options is the parsed form of an op's Options.
type options struct {
	set      optionKind
	stream   Stream
	axes     []int
	keepDims bool
	dtype    Dtype
	ddof     int
	key      *Array
	tol      tolerance              // Rtol, Atol, EqualNaN (ops_binary.go)
	ints     map[optionKind]int     // values of integer options such as StartAxis (ops_view.go)
	floats   map[optionKind]float64 // values of float options such as NanValue (ops_unary.go)
	pad      padOption              // Pad's mode and constant (ops_shape.go)
}

func (d Dtype) apply(o *options)  { o.set |= optDtype; o.dtype = d }
func (d Device) apply(o *options) { o.set |= optStream; o.stream = DefaultStreamFor(d) }
func (s Stream) apply(o *options) { o.set |= optStream; o.stream = s }

type axesOption []int

func (a axesOption) apply(o *options) { o.set |= optAxes; o.axes = append(o.axes[:0], a...) }

// Axis selects one axis (negative counts from the end).
func Axis(axis int) Option { return axesOption{axis} }

// Axes selects several axes (negative count from the end). Axes() with no
// arguments selects none: a reduction over no axes returns its input.
func Axes(axes ...int) Option {
	if axes == nil {
		axes = []int{}
	}
	return axesOption(axes)
}

type keepDimsOption bool

func (k keepDimsOption) apply(o *options) { o.set |= optKeepDims; o.keepDims = bool(k) }

// KeepDims asks a reduction to keep the reduced axes with size one.
var KeepDims Option = keepDimsOption(true)

type ddofOption int

func (d ddofOption) apply(o *options) { o.set |= optDdof; o.ddof = int(d) }

// Ddof sets the delta degrees of freedom of Var and Std: the divisor is N - ddof.
func Ddof(ddof int) Option { return ddofOption(ddof) }

type keyOption struct{ k *Array }

func (k keyOption) apply(o *options) { o.set |= optKey; o.key = k.k }

// WithKey passes an explicit PRNG key to a random sampler.
func WithKey(key *Array) Option { return keyOption{key} }

// parseOptions applies opts and panics with *Error when one of them is not
// in allowed. The stream defaults to the default stream.
func parseOptions(op string, allowed optionKind, opts []Option) options {
	var o options
	for _, opt := range opts {
		before := o.set
		// The common options are applied by their own type, so that o
		// stays on the stack: an apply through the interface would move
		// it to the heap on every call.
		switch v := opt.(type) {
		case nil:
			panic(newError(op, "nil option"))
		case Stream:
			if _, err := v.lookup(); err != nil {
				panic(&Error{Op: op, Msg: err.Error(), Err: err})
			}
			v.apply(&o)
		case Device:
			if err := deviceError(v); err != nil {
				panic(&Error{Op: op, Msg: err.Error(), Err: err})
			}
			v.apply(&o)
		case Dtype:
			if !v.valid() {
				panic(newError(op, "invalid dtype %v", v))
			}
			v.apply(&o)
		default:
			o = applyOption(o, opt)
		}
		if added := o.set &^ before; added&^allowed != 0 {
			panic(newError(op, "does not take a %s option", optionNames[added&^allowed]))
		}
	}
	if o.set&optStream == 0 {
		o.stream = DefaultStream()
	}
	return o
}

// applyOption returns o with opt applied.
func applyOption(o options, opt Option) options {
	opt.apply(&o)
	return o
}

// Options is the parsed form of a list of Options, for packages built on mx
// (random, nn, fast, ...) whose functions take Options too.
type Options struct {
	Stream   Stream // the default stream when none was given
	Axes     []int
	HasAxes  bool
	KeepDims bool
	Dtype    Dtype
	HasDtype bool
	Ddof     int
	Key      *Array // nil when none was given
}

// ParseOptions parses opts for the op named op (used in error messages).
// It panics with *Error on an option that Options cannot hold (such as
// Rtol or a pad mode), rather than dropping it.
func ParseOptions(op string, opts ...Option) Options {
	o := parseOptions(op, optStream|optAxes|optKeepDims|optDtype|optDdof|optKey, opts)
	return Options{
		Stream: o.stream, Axes: o.axes, HasAxes: o.set&optAxes != 0, KeepDims: o.keepDims,
		Dtype: o.dtype, HasDtype: o.set&optDtype != 0, Ddof: o.ddof, Key: o.key,
	}
}
