package mx

import "github.com/mlxgo/mlxgo/internal/core"

// binaryPrim is an elementwise operation of two arrays.
type binaryPrim struct {
	op   core.BinaryOp
	name string
}

func (p binaryPrim) Name() string { return p.name }

func (p binaryPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.BinaryKernels](p.name, s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	o := out[0]
	a, b := in[0].view(), in[1].view()
	a.Strides = broadcastStrides(a.Shape, a.Strides, o.shape)
	b.Strides = broadcastStrides(b.Shape, b.Strides, o.shape)
	a.Shape, b.Shape = o.shape, o.shape
	return k.Binary(p.op, a, b, o.view())
}

// binary builds an elementwise op of two operands (arrays or Go scalars)
// whose inputs are promoted to one type; outType maps that type to the
// output's.
func binary(name string, op core.BinaryOp, a, b any, opts []Option, outType func(Dtype) Dtype) *Array {
	o := parseOptions(name, optStream, opts)
	xs, dt := asArrays(name, a, b)
	x, y := xs[0], xs[1]
	shape := broadcastShapes(name, x.shape, y.shape)
	x, y = AsType(x, dt, o.stream), AsType(y, dt, o.stream)
	od := dt
	if outType != nil {
		od = outType(dt)
	}
	return newArray(binaryPrim{op, name}, o.stream, []*Array{x, y}, shape, od)
}

// Add returns a + b elementwise, with broadcasting. Either operand may be a
// Go number, which takes the array's type as a Python scalar does in MLX.
func Add(a, b any, opts ...Option) *Array { return binary("add", core.Add, a, b, opts, nil) }
