package mx

import "reflect"

// Func is a function form that Grad and ValueAndGrad accept besides the
// canonical func([]*Array) []*Array: one, two or three arrays in (an op
// such as mx.Sin, whose options are passed through, fits too) or a variadic
// list, and one array out.
type Func interface {
	~func(*Array) *Array |
		~func(*Array, ...Option) *Array |
		~func(*Array, *Array) *Array |
		~func(*Array, *Array, *Array) *Array |
		~func(...*Array) *Array
}

// canonical returns f as a function of a slice of arrays with one output,
// and the number of arrays it takes (-1: any).
func canonical[F Func](op string, f F) (func(args []*Array, opts []Option) *Array, int) {
	if reflect.ValueOf(f).IsNil() {
		panic(newError(op, "nil function"))
	}
	switch g := any(f).(type) {
	case func(*Array) *Array:
		return func(a []*Array, _ []Option) *Array { return g(a[0]) }, 1
	case func(*Array, ...Option) *Array:
		return func(a []*Array, o []Option) *Array { return g(a[0], o...) }, 1
	case func(*Array, *Array) *Array:
		return func(a []*Array, _ []Option) *Array { return g(a[0], a[1]) }, 2
	case func(*Array, *Array, *Array) *Array:
		return func(a []*Array, _ []Option) *Array { return g(a[0], a[1], a[2]) }, 3
	case func(...*Array) *Array:
		return func(a []*Array, _ []Option) *Array { return g(a...) }, -1
	}
	panic(newError(op, "unsupported function type %T", f))
}

// fromCanonical turns h back into the form F.
func fromCanonical[F Func](h func(args []*Array, opts []Option) *Array) F {
	var f F
	var out any
	switch any(f).(type) {
	case func(*Array) *Array:
		out = func(a *Array) *Array { return h([]*Array{a}, nil) }
	case func(*Array, ...Option) *Array:
		out = func(a *Array, o ...Option) *Array { return h([]*Array{a}, o) }
	case func(*Array, *Array) *Array:
		out = func(a, b *Array) *Array { return h([]*Array{a, b}, nil) }
	case func(*Array, *Array, *Array) *Array:
		out = func(a, b, c *Array) *Array { return h([]*Array{a, b, c}, nil) }
	case func(...*Array) *Array:
		out = func(a ...*Array) *Array { return h(a, nil) }
	}
	return out.(F)
}

// Grad returns a function that computes the gradient of f, which must
// return a scalar, with respect to its argument number argnum (0 when
// not given), at the same arguments:
//
//	dfdx := mx.Grad(mx.Sin)          // cos
//	dw := mx.Grad(loss)(w, x, y)     // d loss / d w
//	dx := mx.Grad(loss, 1)(w, x, y)  // d loss / d x
//
// For several arguments at once, or the value as well, use ValueAndGrad.
// It panics with *Error for a nil f; the function it returns panics with
// *Error for a wrong number of arguments, a nil array, an argnum out of
// range, or a result of f that is not one element.
func Grad[F Func](f F, argnum ...int) F {
	if len(argnum) > 1 {
		panic(newError("grad", "Grad takes one argnum; use ValueAndGrad for several"))
	}
	arg := 0
	if len(argnum) == 1 {
		arg = argnum[0]
	}
	vg := valueAndGrad("grad", f, []int{arg})
	return fromCanonical[F](func(args []*Array, opts []Option) *Array {
		_, g := vg(args, opts)
		return g[0]
	})
}

// ValueAndGrad returns a function that computes f's value and its gradients
// with respect to the arguments argnums (argument 0 when none are given),
// in the order of argnums:
//
//	loss, grads := mx.ValueAndGrad(lossFn, 0, 1)(w, x, y)
//
// It panics as Grad does, and on an argnum given twice.
func ValueAndGrad[F Func](f F, argnums ...int) func(args ...*Array) (*Array, []*Array) {
	if len(argnums) == 0 {
		argnums = []int{0}
	}
	vg := valueAndGrad("value_and_grad", f, argnums)
	return func(args ...*Array) (*Array, []*Array) { return vg(args, nil) }
}

func valueAndGrad[F Func](op string, f F, argnums []int) func([]*Array, []Option) (*Array, []*Array) {
	g, arity := canonical(op, f)
	return func(args []*Array, opts []Option) (*Array, []*Array) {
		if arity >= 0 && len(args) != arity {
			panic(newError(op, "function takes %d arrays, got %d", arity, len(args)))
		}
		seen := map[int]bool{}
		for _, a := range argnums {
			if a < 0 || a >= len(args) {
				panic(newError(op, "argnum %d out of range for %d arguments", a, len(args)))
			}
			if seen[a] {
				panic(newError(op, "repeated argnum %d", a))
			}
			seen[a] = true
		}
		for i, a := range args {
			if a == nil {
				panic(newError(op, "argument %d is a nil array", i))
			}
		}
		primals := make([]*Array, len(argnums))
		for i, a := range argnums {
			primals[i] = args[a]
		}
		var value *Array
		inner := func(p []*Array) []*Array {
			full := append([]*Array(nil), args...)
			for i, a := range argnums {
				full[a] = p[i]
			}
			value = g(full, opts)
			if value == nil {
				panic(newError(op, "the function returned a nil array"))
			}
			if value.Size() != 1 {
				panic(newError(op, "the function must return a scalar, not an array of shape %s", shapeString(value.shape)))
			}
			return []*Array{value}
		}
		outs, grads := vjpWith(inner, primals, func(o []*Array) []*Array {
			return []*Array{BroadcastTo(weakScalar(op, 1).array(o[0].dtype), o[0].shape)}
		})
		return outs[0], grads
	}
}
