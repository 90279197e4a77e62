package mx

import "slices"

// normAxis returns axis as a non-negative index into ndim dimensions, or
// panics with *Error naming op.
func normAxis(op string, axis, ndim int) int {
	if axis < -ndim || axis >= ndim {
		panic(newError(op, "axis %d is out of bounds for an array of dimension %d", axis, ndim))
	}
	if axis < 0 {
		axis += ndim
	}
	return axis
}

// normAxes normalises axes, sorted, and panics on a repeated axis.
func normAxes(op string, axes []int, ndim int) []int {
	out := make([]int, len(axes))
	for i, ax := range axes {
		out[i] = normAxis(op, ax, ndim)
	}
	slices.Sort(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			panic(newError(op, "repeated axis %d in %v", out[i], axes))
		}
	}
	return out
}

// broadcastShapes returns the shape that shapes broadcast to under NumPy's
// rules, or panics with *Error naming op and the shapes.
func broadcastShapes(op string, shapes ...[]int) []int {
	nd := 0
	for _, s := range shapes {
		nd = max(nd, len(s))
	}
	out := make([]int, nd)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := nd - len(s)
		for i, d := range s {
			switch o := out[off+i]; {
			case o == d || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				strs := make([]any, len(shapes))
				msg := "shapes"
				for j, sh := range shapes {
					if j > 0 {
						msg += " and"
					}
					msg += " %s"
					strs[j] = shapeString(sh)
				}
				panic(newError(op, msg+" cannot be broadcast", strs...))
			}
		}
	}
	return out
}

// broadcastStrides returns the strides that view an array of shape and
// strides as the larger shape to (which it must broadcast to): zero strides
// on the broadcast dimensions.
func broadcastStrides(shape, strides, to []int) []int {
	out := make([]int, len(to))
	off := len(to) - len(shape)
	for i := range shape {
		if shape[i] != 1 || to[off+i] == 1 {
			out[off+i] = strides[i]
		}
	}
	return out
}

// checkShape panics with *Error if shape has a negative dimension.
func checkShape(op string, shape []int) {
	for _, d := range shape {
		if d < 0 {
			panic(newError(op, "negative dimension in shape %s", shapeString(shape)))
		}
	}
}
