package cpu

import "math"

// Fast elementwise functions for float32 slices. Each but erf works in
// float64 registers, which cost the same as float32 ones in scalar code, with a
// polynomial that is far more accurate than float32 needs, so that the one
// rounding to float32 at the end dominates the error (about half an ulp;
// the tests assert the bound). The loop bodies are straight-line code with
// a rarely taken branch at most, so that the processor overlaps iterations;
// they are several times faster than calling the math package per element.

const (
	log2e   = math.Log2E
	ln2     = math.Ln2
	shifter = 0x1.8p52 // adding it rounds a float64 below 2^51 to an integer
)

// The exponential works as e^x = 2^k * e^r with k = round(x/ln2) and
// r = x - k*ln2, |r| <= ln2/2: 2^k comes from the exponent bits and e^r - 1
// from a polynomial of degree 7. Every exponential of float32 data goes
// this way: the unary functions below, the softmax and logsumexp kernels
// (reduce_softmax.go), and the assembly loops (exp_amd64.h), which use the
// same constants. The helpers are small enough for the compiler to inline
// them into the loops.

// The coefficients of expPoly: e^r - 1 = r + r^2 (expC0 + expC1 r + ... +
// expC5 r^5) interpolated at the Chebyshev points of [-ln2/2, ln2/2],
// within 2.2e-10 of e^r (about 1/250 of a float32 ulp).
const (
	expC0 = 0.50000000134658096
	expC1 = 0.16666666681623254
	expC2 = 0.04166646492528351
	expC3 = 0.0083333109254721833
	expC4 = 0.0013933649996536825
	expC5 = 0.00019890990831237059
)

// expMax bounds the arguments: beyond ±expMax the float32 result is 0 or
// +Inf whatever the exact value, so callers clamp to it, which keeps k
// within the range of pow2.
const expMax = 110

// expReduce returns t, which holds k in the low bits of its mantissa, and
// r, for |x| <= expMax (NaN gives NaN).
func expReduce(x float64) (t, r float64) {
	t = x*log2e + shifter
	return t, x - (t-shifter)*ln2
}

// expPoly returns e^r - 1 for |r| <= ln2/2.
func expPoly(r float64) float64 {
	// Estrin's scheme: shorter chains of dependent operations than
	// Horner's rule, so more of them overlap.
	r2 := r * r
	q := (expC0 + expC1*r) + r2*((expC2+expC3*r)+r2*(expC4+expC5*r))
	return r + r2*q
}

// pow2 returns 2^k for the k held in t's low bits (-1022 <= k <= 1023):
// shifting t's bits left by 52 leaves k<<52, which is added to the
// exponent of 1.
func pow2(t float64) float64 {
	return math.Float64frombits(math.Float64bits(t)<<52 + oneBits)
}

// oneBits are the bits of 1.
const oneBits = 0x3ff0000000000000

// expClamped returns e^x for |x| <= expMax; NaN gives NaN. (It is too
// large to be inlined: the loops spell it out.)
func expClamped(x float64) float64 {
	t, r := expReduce(x)
	return pow2(t) * (1 + expPoly(r))
}

// clamp limits x to [lo, hi]; NaN stays NaN.
func clamp(x, lo, hi float64) float64 {
	if x < lo {
		x = lo
	}
	if x > hi {
		x = hi
	}
	return x
}

// expGo sets dst[i] = e^src[i].
func expGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		t, r := expReduce(clamp(float64(x), -expMax, expMax))
		dst[i] = float32(pow2(t) * (1 + expPoly(r)))
	}
}

// expm1Go sets dst[i] = e^src[i] - 1.
func expm1Go(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		v := clamp(float64(x), -expMax, expMax)
		t, r := expReduce(v)
		s := pow2(t)
		// expm1 has x's sign; copying it makes expm1(-0) = -0.
		dst[i] = float32(math.Copysign(s*expPoly(r)+(s-1), v))
	}
}

// sigmoidGo sets dst[i] = 1 / (1 + e^-src[i]).
func sigmoidGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		t, r := expReduce(clamp(-float64(x), -expMax, expMax))
		dst[i] = float32(1 / (1 + pow2(t)*(1+expPoly(r))))
	}
}

// tanhGo sets dst[i] = tanh(src[i]) as u/(u+2) with u = e^(2|x|) - 1,
// which keeps the relative accuracy of expm1 for small |x|; from |x| = 20
// on, tanh rounds to ±1.
func tanhGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		v := float64(x)
		t, r := expReduce(2 * min(math.Abs(v), 20))
		s := pow2(t)
		u := s*expPoly(r) + (s - 1)
		dst[i] = float32(math.Copysign(u/(u+2), v))
	}
}

// sqrtHalf is the bits of sqrt(1/2): subtracting it from a positive
// float64's bits leaves in the exponent field the power of two that brings
// the number into [sqrt(1/2), sqrt(2)).
const sqrtHalfBits = 0x3fe6a09e667f3bcd

// logReduce returns k and f with x = 2^k * (1 + f), 1 + f in
// [sqrt(1/2), sqrt(2)), for a positive normal float64 x.
func logReduce(x float64) (k, f float64) {
	b := math.Float64bits(x)
	e := int64(b-sqrtHalfBits) >> 52
	return float64(e), math.Float64frombits(b-uint64(e)<<52) - 1
}

// logPoly returns log(1 + f) for 1 + f in [sqrt(1/2), sqrt(2)) as 2 atanh(s)
// with s = f/(2+f), |s| <= 0.1716: the series 2s (1 + s^2/3 + s^4/5 + ...)
// to s^8/9 leaves a relative error below 3e-9.
func logPoly(f float64) float64 {
	s := f / (2 + f)
	z := s * s
	p := 1.0 / 9
	p = p*z + 1.0/7
	p = p*z + 1.0/5
	p = p*z + 1.0/3
	return 2*s + 2*s*z*p
}

// logSpecial is log of the float32 values that are not positive and finite.
func logSpecial(x float32) float64 {
	switch {
	case x == 0:
		return math.Inf(-1)
	case x > 0: // +Inf
		return float64(x)
	}
	return math.NaN() // negative or NaN
}

// logGo sets dst[i] = log(src[i]).
func logGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		if !(x > 0 && x <= math.MaxFloat32) {
			dst[i] = float32(logSpecial(x))
			continue
		}
		k, f := logReduce(float64(x)) // float32 subnormals are normal in float64
		dst[i] = float32(k*ln2 + logPoly(f))
	}
}

// log2Go sets dst[i] = log2(src[i]); powers of two give exact results.
func log2Go(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		if !(x > 0 && x <= math.MaxFloat32) {
			dst[i] = float32(logSpecial(x))
			continue
		}
		k, f := logReduce(float64(x))
		dst[i] = float32(k + logPoly(f)*log2e)
	}
}

// log10Go sets dst[i] = log10(src[i]).
func log10Go(dst, src []float32) {
	const log10of2, log10e = math.Ln2 / math.Ln10, 1 / math.Ln10
	dst = dst[:len(src)]
	for i, x := range src {
		if !(x > 0 && x <= math.MaxFloat32) {
			dst[i] = float32(logSpecial(x))
			continue
		}
		k, f := logReduce(float64(x))
		dst[i] = float32(k*log10of2 + logPoly(f)*log10e)
	}
}

// log1pGo sets dst[i] = log(1 + src[i]). For |x| >= 2^-29 the sum 1 + x is
// exact in float64, so log of it is log1p(x) to log's accuracy; below,
// log1p(x) rounds to x in float32.
func log1pGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		if !(x > -1 && x <= math.MaxFloat32) || math.Abs(float64(x)) < 0x1p-29 {
			switch {
			case x == -1:
				dst[i] = float32(math.Inf(-1))
			case x > -1: // tiny, or +Inf
				dst[i] = x
			default: // below -1, or NaN
				dst[i] = float32(math.NaN())
			}
			continue
		}
		k, f := logReduce(1 + float64(x))
		dst[i] = float32(k*ln2 + logPoly(f))
	}
}

// The split of pi/2 used to reduce sin and cos arguments: pio2hi is pi/2
// rounded to float32, so n*pio2hi is exact in float64 for |n| < 2^29, and
// pio2lo is the rest, so that pio2hi + pio2lo is pi/2 to about 77 bits.
const (
	pio2hi = 1.57079637050628662109375
	pio2lo = math.Pi/2 - pio2hi
	twoopi = 2 / math.Pi
	// sinCosFast bounds the arguments reduced this way; larger ones go
	// through the math package, which reduces them exactly.
	sinCosFast = 1 << 20
)

// sinPoly and cosPoly return the sine and cosine of r, |r| <= pi/4 (a
// little beyond is fine), given z = r*r, by their Taylor series to r^9/9!
// and r^10/10!: relative errors below 3e-10.
func sinPoly(r, z float64) float64 {
	p := 1.0 / 362880
	p = p*z - 1.0/5040
	p = p*z + 1.0/120
	p = p*z - 1.0/6
	return r + r*z*p
}

func cosPoly(z float64) float64 {
	p := -1.0 / 3628800
	p = p*z + 1.0/40320
	p = p*z - 1.0/720
	p = p*z + 1.0/24
	p = p*z - 0.5
	return 1 + z*p
}

// sinReduce returns t, which holds n = round(x*2/pi) in its low bits, and
// r = x - n*pi/2, for |x| <= sinCosFast.
func sinReduce(x float64) (t, r float64) {
	t = x*twoopi + shifter
	n := t - shifter
	return t, (x - n*pio2hi) - n*pio2lo
}

// sinQuadrant returns sin(r + q*pi/2) from the sine and cosine of r:
// quadrants 1 and 3 take the cosine, 2 and 3 flip the sign. It selects
// by bits, with no branch.
func sinQuadrant(s, c float64, q uint64) float64 {
	swap := -(q & 1) // all ones in quadrants 1 and 3
	b := math.Float64bits(s)&^swap | math.Float64bits(c)&swap
	return math.Float64frombits(b ^ (q&2)<<62)
}

// sin32 sets dst[i] = sin(src[i]).
func sin32(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		v := float64(x)
		if !(math.Abs(v) <= sinCosFast) || v == 0 {
			dst[i] = float32(math.Sin(v)) // large, Inf, NaN, or ±0 (keeping its sign)
			continue
		}
		t, r := sinReduce(v)
		z := r * r
		dst[i] = float32(sinQuadrant(sinPoly(r, z), cosPoly(z), math.Float64bits(t)))
	}
}

// cos32 sets dst[i] = cos(src[i]) = sin(src[i] + pi/2).
func cos32(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		v := float64(x)
		if !(math.Abs(v) <= sinCosFast) {
			dst[i] = float32(math.Cos(v))
			continue
		}
		t, r := sinReduce(v)
		z := r * r
		dst[i] = float32(sinQuadrant(sinPoly(r, z), cosPoly(z), math.Float64bits(t)+1))
	}
}

// erf is a piecewise polynomial in float32 precision, with the table
// erf32Tab made by scripts/erf_coeffs.py. For a = |x| in the piece
// k = floor(4a) of [0, 4),
//
//	d = a - ctr[k]                  (exact)
//	h = c6 d^5 + c5 d^4 + ... + c1  (Horner's rule)
//	erf(a) = h*d + (d*m[k] + c0[k])
//
// Piece 0 has ctr = 0, m = 1 and c0 = 0 (erf(a) = a + a*h, with the large
// part a exact); the others have m = 0 and c0 = erf(ctr), where ctr is
// picked so that its erf is very nearly a float32. The vector loop works
// in float32 registers, 16 elements to a 512-bit vector, each step a fused
// multiply-add rounded to float32; the form keeps those roundings small
// beside the result's. erfGo evaluates the same polynomial in float64 and
// rounds once, so it is as accurate or slightly more, and the two differ
// by one ulp at most. Both stay below one ulp and never exceed 1
// (TestErfAllFloat32 checks every float32 with MLXGO_EXHAUSTIVE=1). From
// erfMax on, the result rounds to 1; the sign is x's, so erf(±0) = ±0,
// erf(±Inf) = ±1, and NaN stays NaN.

// erfMax is the largest float32 below 4: |x| is clamped to it, keeping the
// piece index below 16.
const erfMax = 0x1.fffffep1

// erfGo sets dst[i] = erf(src[i]) as above.
func erfGo(dst, src []float32) {
	t := &erf32Tab
	dst = dst[:len(src)]
	for i, x := range src {
		bits := math.Float32bits(x)
		a := math.Float32frombits(bits &^ (1 << 31))
		if a > erfMax { // false for NaN, which stays NaN
			a = erfMax
		}
		k := int(a*4) & 15 // NaN gives any index; & 15 keeps it in range
		d := float64(a - t[0][k])
		h := float64(t[3][k])*d + float64(t[4][k])
		h = h*d + float64(t[5][k])
		h = h*d + float64(t[6][k])
		h = h*d + float64(t[7][k])
		h = h*d + float64(t[8][k])
		y := float32(h*d + (d*float64(t[1][k]) + float64(t[2][k])))
		dst[i] = math.Float32frombits(math.Float32bits(y) | bits&(1<<31))
	}
}
