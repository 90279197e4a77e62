package mx

import (
	"github.com/mlxgo/mlxgo/internal/core"
)

// Scans (cumulative sums, products, maxima, minima and log-sum-exps) run
// along one axis given by mx.Axis, or along the flattened array when none
// is given, as MLX's axis=None does. Two options change them:
//
//	mx.Cumsum(a)                          // flattened: a 1-D result
//	mx.Cumsum(a, mx.Axis(1))              // along axis 1, a's shape
//	mx.Cumsum(a, mx.Axis(1), mx.Reverse)  // from the end of each line
//	mx.Cumsum(a, mx.Axis(1), mx.Exclusive) // each output leaves its own element out
//
// An exclusive scan's first output is the op's identity: 0, 1, the lowest
// or highest value of the type, or -Inf.

type scanFlag optionKind

func (f scanFlag) apply(o *options) { o.set |= optionKind(f) }

// Reverse makes a scan run from the end of each line to its start.
var Reverse Option = scanFlag(optReverse)

// Exclusive makes a scan leave each element out of its own output (MLX's
// inclusive=False): output i combines the elements before i.
var Exclusive Option = scanFlag(optExclusive)

var scanNames = [...][2]string{
	core.ScanSum:       {"cumsum", "CumSum"},
	core.ScanProd:      {"cumprod", "CumProd"},
	core.ScanMax:       {"cummax", "CumMax"},
	core.ScanMin:       {"cummin", "CumMin"},
	core.ScanLogAddExp: {"logcumsumexp", "LogCumSumExp"},
}

// scanPrim scans its input along axis.
type scanPrim struct {
	op                 core.ScanOp
	axis               int
	reverse, inclusive bool
}

func (p scanPrim) Name() string { return scanNames[p.op][1] }

func (p scanPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.ScanKernels](scanNames[p.op][0], s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Scan(p.op, p.axis, p.reverse, p.inclusive, in[0].view(), out[0].view())
}

// scan records scan op of a with its options; allowed may add optDtype.
func scan(op core.ScanOp, a *Array, opts []Option, allowed optionKind) *Array {
	name := scanNames[op][0]
	checkArray(name, a)
	o := parseOptions(name, optStream|optAxes|optReverse|optExclusive|allowed, opts)
	if o.set&optAxes == 0 {
		a = Reshape(a, []int{a.Size()}, o.stream)
	}
	ax := normAxis(name, singleAxis(name, o, 0), a.Ndim())
	if o.set&optDtype != 0 {
		a = AsType(a, o.dtype, o.stream)
	}
	dt := a.dtype
	switch op {
	case core.ScanSum:
		if dt == Bool {
			dt = Int32
		}
	case core.ScanMax, core.ScanMin:
		noComplex(name, a)
	case core.ScanLogAddExp:
		noComplex(name, a)
		dt = atLeastFloat(dt)
		a = AsType(a, dt, o.stream)
	}
	p := scanPrim{op: op, axis: ax, reverse: o.set&optReverse != 0, inclusive: o.set&optExclusive == 0}
	return newArray(p, o.stream, []*Array{a}, a.shape, dt)
}

// Cumsum returns the running sum of a along the axis of mx.Axis, or of the
// flattened array without one, with mx.Reverse and mx.Exclusive as
// described above. A Dtype option converts a to that type first. The
// result has a's type (integers wrap on overflow, as in MLX), except that
// bool sums to int32. It panics with *Error for an axis out of range or
// more than one axis.
func Cumsum(a *Array, opts ...Option) *Array { return scan(core.ScanSum, a, opts, optDtype) }

// Cumprod returns the running product of a, with the options and types of
// Cumsum (bool stays bool: a running logical and). It panics as Cumsum
// does.
func Cumprod(a *Array, opts ...Option) *Array { return scan(core.ScanProd, a, opts, optDtype) }

// Cummax returns the running maximum of a along the axis of mx.Axis (the
// flattened array without one), with mx.Reverse and mx.Exclusive, of a's
// type; once a NaN is met the result stays NaN. It panics with *Error for
// complex64, an axis out of range or more than one axis.
func Cummax(a *Array, opts ...Option) *Array { return scan(core.ScanMax, a, opts, 0) }

// Cummin returns the running minimum of a, as Cummax does the maximum.
func Cummin(a *Array, opts ...Option) *Array { return scan(core.ScanMin, a, opts, 0) }

// Logcumsumexp returns the running log(sum(exp(a))) along the axis of
// mx.Axis (the flattened array without one), with mx.Reverse and
// mx.Exclusive, computed without overflow. Integers and bool are converted
// to float32 first; floats keep their type. It panics with *Error for
// complex64, an axis out of range or more than one axis.
func Logcumsumexp(a *Array, opts ...Option) *Array { return scan(core.ScanLogAddExp, a, opts, 0) }
