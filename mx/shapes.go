package mx

import (
	"math"
	"math/bits"
	"slices"
)

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
	checkShape(op, out) // (n, 1) and (1, n) make n*n
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

// checkShape panics with *Error if shape has a negative dimension, or if
// its nonzero dimensions multiply to more bytes than an int counts (as
// NumPy, even when another dimension is zero): every shape an op makes
// passes it, so that sizes, strides and byte counts never overflow.
func checkShape(op string, shape []int) {
	n := 16 // the largest element size, so byte counts fit too
	for _, d := range shape {
		if d < 0 {
			panic(newError(op, "negative dimension in shape %s", shapeString(shape)))
		}
	}
	for _, d := range shape {
		if d == 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if hi != 0 || lo > math.MaxInt {
			panic(newError(op, "shape %s is too large", shapeString(shape)))
		}
		n = int(lo)
	}
}

// checkInferShape is checkShape for a shape in which one -1 (a dimension
// to infer) may stand for any size: it checks the other dimensions.
func checkInferShape(op string, shape []int) {
	known := make([]int, 0, len(shape))
	for _, d := range shape {
		if d != -1 {
			known = append(known, d)
		}
	}
	checkShape(op, known)
}

// shapeBytes returns the bytes of an array of shape with elements of size
// elem, and false when that does not fit in an int.
func shapeBytes(shape []int, elem int) (int, bool) {
	n := elem
	for _, d := range shape {
		if d == 0 {
			return 0, true
		}
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if d < 0 || hi != 0 || lo > math.MaxInt {
			return 0, false
		}
		n = int(lo)
	}
	return n, true
}

// addSize and mulSize compute dimensions, panicking with *Error on overflow.
func addSize(op string, a, b int) int {
	if a > math.MaxInt-b {
		panic(newError(op, "dimension %d + %d is too large", a, b))
	}
	return a + b
}

func mulSize(op string, a, b int) int {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		panic(newError(op, "dimension %d * %d is too large", a, b))
	}
	return int(lo)
}

// checkArray panics with *Error naming op if a is nil or a zero Array that
// no op made. Every op checks its array arguments with it (or checkArrays)
// before it looks at them.
func checkArray(op string, a *Array) {
	if a == nil {
		panic(newError(op, "nil array"))
	}
	if a.status.Load() == statusUnmade {
		panic(newError(op, "the zero Array holds nothing: make arrays with NewArray or an op"))
	}
}

// checkArrays panics with *Error naming op if arrays is empty or holds a
// nil array.
func checkArrays(op string, arrays []*Array) {
	if len(arrays) == 0 {
		panic(newError(op, "no arrays given"))
	}
	checkEach(op, "", arrays)
}

// checkEach panics with *Error naming op if arrays holds a nil array; what
// says which arrays they are ("primal", "output"), if it matters.
func checkEach(op, what string, arrays []*Array) {
	for i, a := range arrays {
		if a == nil {
			if what == "" {
				panic(newError(op, "nil array at position %d", i))
			}
			panic(newError(op, "%s %d is a nil array", what, i))
		}
		checkArray(op, a)
	}
}

// maxOutputs is the most arrays one op returns (Split, Unstack): each is a
// Go value of a few hundred bytes, so a million of them is already a lot.
const maxOutputs = 1 << 20

// checkOutputs panics with *Error naming op when n arrays are too many to
// return.
func checkOutputs(op string, n int) {
	if n > maxOutputs {
		panic(newError(op, "cannot return %d arrays (at most %d)", n, maxOutputs))
	}
}
