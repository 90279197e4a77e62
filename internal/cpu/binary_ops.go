package cpu

import (
	"math"
	"math/cmplx"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The operations of the binary kernels, one type each (see blockOp). Each
// apply reslices x and y to z's length first, so that the loop runs without
// bounds checks.

type addOp[T number] struct{}

func (addOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] + y[i]
	}
}

type subOp[T number] struct{}

func (subOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] - y[i]
	}
}

type mulOp[T number] struct{}

func (mulOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] * y[i]
	}
}

// divOp divides floating-point numbers (division by zero gives ±Inf or NaN).
type divOp[T float | ~complex64] struct{}

func (divOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] / y[i]
	}
}

// floorDivInt rounds the quotient toward -Inf; division by zero gives 0.
type floorDivInt[T integer] struct{}

func (floorDivInt[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		if b == 0 {
			z[i] = 0
			continue
		}
		q := a / b
		if a%b != 0 && (a < 0) != (b < 0) {
			q--
		}
		z[i] = q
	}
}

// remInt is the remainder with the sign of the divisor; by zero it gives 0.
type remInt[T integer] struct{}

func (remInt[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		if b == 0 {
			z[i] = 0
			continue
		}
		r := a % b
		if r != 0 && (r < 0) != (b < 0) {
			r += b
		}
		z[i] = r
	}
}

// floorDivFloat is NumPy's floor_divide of floats.
type floorDivFloat[T float] struct{}

func (floorDivFloat[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		if y[i] == 0 {
			z[i] = x[i] / y[i]
			continue
		}
		z[i], _ = divmodFloat(x[i], y[i])
	}
}

// remFloat is NumPy's remainder of floats.
type remFloat[T float] struct{}

func (remFloat[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		_, z[i] = divmodFloat(x[i], y[i])
	}
}

// divmodFloat returns the floored quotient and the remainder of a and b as
// NumPy computes them, in T's precision: a == b*div + mod with mod of b's
// sign, and div snapped to the nearest integer.
func divmodFloat[T float](a, b T) (div, mod T) {
	mod = T(math.Mod(float64(a), float64(b)))
	if b == 0 {
		return a / b, mod
	}
	q := (a - mod) / b
	if mod != 0 {
		if (b < 0) != (mod < 0) {
			mod += b
			q--
		}
	} else {
		mod = T(math.Copysign(0, float64(b)))
	}
	if q != 0 {
		div = T(math.Floor(float64(q)))
		if q-div > 0.5 {
			div++
		}
	} else {
		div = T(math.Copysign(0, float64(a/b)))
	}
	return div, mod
}

// powInt raises integers to integer powers, wrapping on overflow; negative
// exponents give 0, as in MLX.
type powInt[T integer] struct{}

func (powInt[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		base, exp := x[i], y[i]
		if exp < 0 {
			z[i] = 0
			continue
		}
		r := T(1)
		for exp != 0 {
			if exp&1 != 0 {
				r *= base
			}
			exp >>= 1
			base *= base
		}
		z[i] = r
	}
}

type powFloat[T float] struct{}

func (powFloat[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = T(math.Pow(float64(x[i]), float64(y[i])))
	}
}

type powComplex struct{}

func (powComplex) apply(x, y, z []complex64) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = complex64(cmplx.Pow(complex128(x[i]), complex128(y[i])))
	}
}

// maxOp is the larger of two numbers; a NaN operand gives NaN (x != x is
// false for integers, and the compiler drops it).
type maxOp[T integer | float] struct{}

func (maxOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		if a > b || a != a {
			z[i] = a
		} else {
			z[i] = b
		}
	}
}

type minOp[T integer | float] struct{}

func (minOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		if a < b || a != a {
			z[i] = a
		} else {
			z[i] = b
		}
	}
}

type atan2Op[T float] struct{}

func (atan2Op[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = T(math.Atan2(float64(x[i]), float64(y[i])))
	}
}

// logAddExpOp is log(exp(a) + exp(b)) without overflow: the larger operand
// plus log1p(exp(smaller - larger)); infinities give the larger operand.
type logAddExpOp[T float] struct{}

func (logAddExpOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := float64(x[i]), float64(y[i])
		hi, lo := a, b
		if lo > hi {
			hi, lo = lo, hi
		}
		switch {
		case a != a || b != b:
			z[i] = T(a + b)
		case math.IsInf(lo, -1) || math.IsInf(hi, 1):
			z[i] = T(hi)
		default:
			z[i] = T(hi + math.Log1p(math.Exp(lo-hi)))
		}
	}
}

// Comparisons.

type eqOp[T comparable] struct{}

func (eqOp[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] == y[i]
	}
}

type neOp[T comparable] struct{}

func (neOp[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] != y[i]
	}
}

type ltOp[T integer | float] struct{}

func (ltOp[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] < y[i]
	}
}

type leOp[T integer | float] struct{}

func (leOp[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] <= y[i]
	}
}

type gtOp[T integer | float] struct{}

func (gtOp[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] > y[i]
	}
}

type geOp[T integer | float] struct{}

func (geOp[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] >= y[i]
	}
}

// Complex numbers order lexicographically: by real part, then imaginary.

func complexLess(a, b complex64) bool {
	return real(a) < real(b) || real(a) == real(b) && imag(a) < imag(b)
}

func complexIsNaN(a complex64) bool { return real(a) != real(a) || imag(a) != imag(a) }

// complexCmp compares complex numbers; which selects <, <=, > or >=.
type complexCmp struct{ op core.BinaryOp }

func (c complexCmp) apply(x, y []complex64, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		switch c.op {
		case core.Less:
			z[i] = complexLess(a, b)
		case core.LessEqual:
			z[i] = complexLess(a, b) || a == b
		case core.Greater:
			z[i] = complexLess(b, a)
		default:
			z[i] = complexLess(b, a) || a == b
		}
	}
}

// complexMax is the lexicographic maximum (or minimum when min is set);
// an operand with a NaN part wins.
type complexMax struct{ min bool }

func (c complexMax) apply(x, y, z []complex64) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		switch {
		case complexIsNaN(a):
			z[i] = a
		case complexIsNaN(b):
			z[i] = b
		case complexLess(a, b) != c.min:
			z[i] = b
		default:
			z[i] = a
		}
	}
}

// Logical and bitwise operations.

type andOp struct{}

func (andOp) apply(x, y, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] && y[i]
	}
}

type orOp struct{}

func (orOp) apply(x, y, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] || y[i]
	}
}

type bitAndOp[T integer] struct{}

func (bitAndOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] & y[i]
	}
}

type bitOrOp[T integer] struct{}

func (bitOrOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] | y[i]
	}
}

type bitXorOp[T integer] struct{}

func (bitXorOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] ^ y[i]
	}
}

// shlOp shifts left. The count is taken as unsigned, so negative counts act
// as counts past the width, which give 0 (NumPy's rule); Go defines such
// shifts where C does not.
type shlOp[T integer] struct{}

func (shlOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] << uint64(y[i])
	}
}

// shrOp shifts right, arithmetically for signed types; counts past the
// width (or negative) give 0, or -1 for negative signed numbers.
type shrOp[T integer] struct{}

func (shrOp[T]) apply(x, y, z []T) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] >> uint64(y[i])
	}
}

// Closeness tests (see core.Tolerance).

type closeFloat[T float] struct{ tol core.Tolerance }

func (c closeFloat[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		switch {
		case a == b:
			z[i] = true
		case a != a || b != b:
			z[i] = c.tol.EqualNaN && a != a && b != b
		default:
			fa, fb := float64(a), float64(b)
			z[i] = !math.IsInf(fa, 0) && !math.IsInf(fb, 0) &&
				math.Abs(fa-fb) <= c.tol.Atol+c.tol.Rtol*math.Abs(fb)
		}
	}
}

type closeInt[T integer] struct{ tol core.Tolerance }

func (c closeInt[T]) apply(x, y []T, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := x[i], y[i]
		if a == b {
			z[i] = true
			continue
		}
		// The distance, exact in uint64 for every pair.
		var d uint64
		if a > b {
			d = uint64(int64(a)) - uint64(int64(b))
		} else {
			d = uint64(int64(b)) - uint64(int64(a))
		}
		z[i] = float64(d) <= c.tol.Atol+c.tol.Rtol*math.Abs(float64(b))
	}
}

type closeComplex struct{ tol core.Tolerance }

func (c closeComplex) apply(x, y []complex64, z []bool) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		a, b := complex128(x[i]), complex128(y[i])
		switch {
		case a == b:
			z[i] = true
		case cmplx.IsNaN(a) || cmplx.IsNaN(b):
			z[i] = c.tol.EqualNaN && cmplx.IsNaN(a) && cmplx.IsNaN(b)
		case cmplx.IsInf(a) || cmplx.IsInf(b):
			z[i] = false
		default:
			z[i] = cmplx.Abs(a-b) <= c.tol.Atol+c.tol.Rtol*cmplx.Abs(b)
		}
	}
}
