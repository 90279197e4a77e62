package cpu

import (
	"math"

	"github.com/mlxgo/mlxgo/internal/core"
)

// halfFormat describes float16 or bfloat16 for the unary kernels, which
// work on the bits where they can (sign, predicates, NanToNum) and
// otherwise through float32, rounding once at the end.
type halfFormat struct {
	expMask uint16 // the exponent field; the rest below it is the mantissa
	load    func(dst []float32, src []uint16)
	store   func(dst []uint16, src []float32)
	fromF64 func(float64) uint16
}

var f16Format = &halfFormat{
	expMask: 0x7c00,
	load: func(dst []float32, src []uint16) {
		dst = dst[:len(src)]
		for i, b := range src {
			dst[i] = f16ToFloat32(b)
		}
	},
	store: func(dst []uint16, src []float32) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = f16FromFloat32(x)
		}
	},
	fromF64: func(x float64) uint16 { return uint16(core.F16FromFloat64(x)) },
}

// f16ToFloat32 is core.F16.Float32 without a loop: the half's exponent and
// mantissa, placed in a float32 and scaled by 2^112, give its value, the
// subnormals included; only Inf and NaN need their exponent set apart.
func f16ToFloat32(h uint16) float32 {
	b := uint32(h&0x7fff) << 13
	f := math.Float32frombits(b) * 0x1p112
	if h&0x7c00 == 0x7c00 {
		f = math.Float32frombits(b | 0x7f800000)
	}
	return math.Float32frombits(math.Float32bits(f) | uint32(h&0x8000)<<16)
}

// f16FromFloat32 is core.F16FromFloat32 with straight-line code for the
// common cases: normal results round to nearest even by adding half an
// ulp (less one, plus the lowest kept bit) before dropping 13 bits;
// subnormal results come from a float32 addition, which rounds them in
// hardware. Large values, Inf and NaN go through core.
func f16FromFloat32(x float32) uint16 {
	b := math.Float32bits(x)
	sign := uint16(b>>16) & 0x8000
	a := b & 0x7fffffff
	switch {
	case a >= 0x477ff000: // 65520 and above round to Inf; Inf; NaN
		return uint16(core.F16FromFloat32(x))
	case a < 0x38800000: // below 2^-14: a subnormal half or zero
		// Adding 0.5 leaves the value's bits at the half-subnormal unit.
		f := math.Float32frombits(a) + 0.5
		return sign | uint16(math.Float32bits(f)-0x3f000000)
	}
	// Rebias the exponent from 127 to 15 and round.
	a += 0xc8000fff + (a>>13)&1
	return sign | uint16(a>>13)
}

var bf16Format = &halfFormat{
	expMask: 0x7f80,
	load: func(dst []float32, src []uint16) {
		dst = dst[:len(src)]
		for i, b := range src {
			dst[i] = core.BF16(b).Float32()
		}
	},
	store: func(dst []uint16, src []float32) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = uint16(core.BF16FromFloat32(x))
		}
	},
	fromF64: func(x float64) uint16 { return uint16(core.BF16FromFloat64(x)) },
}

// unaryHalf runs op on a float16 or bfloat16 input.
func unaryHalf(op core.UnaryOp, p core.UnaryParams, l layout, in, out core.View, h *halfFormat) bool {
	em := h.expMask
	if out.Dtype == core.Bool {
		var pred func(b uint16) bool
		switch op {
		case core.IsNaN:
			pred = func(b uint16) bool { return b&0x7fff > em }
		case core.IsInf:
			pred = func(b uint16) bool { return b&0x7fff == em }
		case core.IsFinite:
			pred = func(b uint16) bool { return b&em != em }
		case core.IsPosInf:
			pred = func(b uint16) bool { return b == em }
		case core.IsNegInf:
			pred = func(b uint16) bool { return b == em|0x8000 }
		case core.LogicalNot:
			pred = func(b uint16) bool { return b&0x7fff == 0 }
		default:
			return false
		}
		unaryRun(l, in, out, 2, func(dst []bool, src []uint16) {
			dst = dst[:len(src)]
			for i, b := range src {
				dst[i] = pred(b)
			}
		})
		return true
	}
	switch op {
	case core.Abs:
		unaryRun(l, in, out, 1, func(dst, src []uint16) {
			dst = dst[:len(src)]
			for i, b := range src {
				dst[i] = b &^ 0x8000
			}
		})
	case core.Negative:
		unaryRun(l, in, out, 1, func(dst, src []uint16) {
			dst = dst[:len(src)]
			for i, b := range src {
				dst[i] = b ^ 0x8000
			}
		})
	case core.NanToNum:
		nan, pos, neg := h.fromF64(p.Nan), h.fromF64(p.PosInf), h.fromF64(p.NegInf)
		unaryRun(l, in, out, 1, func(dst, src []uint16) {
			dst = dst[:len(src)]
			for i, b := range src {
				switch {
				case b&0x7fff > em:
					b = nan
				case b == em:
					b = pos
				case b == em|0x8000:
					b = neg
				}
				dst[i] = b
			}
		})
	case core.Real, core.Conjugate:
		unaryRun(l, in, out, 1, copyF[uint16])
	case core.Imag:
		unaryRun(l, in, out, 1, zeroF[uint16])
	default:
		f, cost := fast32(op)
		if f == nil {
			f, cost = floatFunc[float32](op, p)
		}
		if f == nil {
			return false
		}
		halfRun(l, in, out, cost+2, h, f)
	}
	return true
}

// halfRun applies f, a float32 function, to half-precision elements: each
// chunk is widened to float32, computed, and rounded back once.
func halfRun(l layout, in, out core.View, cost int, h *halfFormat, f func(dst, src []float32)) {
	src, dst := core.All[uint16](in), core.All[uint16](out)
	_, st := l.inner()
	si, so := st[0], st[1]
	parallelFor(l.size(), cost, func(lo, hi int) {
		k := min(gatherChunk, hi-lo)
		xs, ys, raw := make([]float32, k), make([]float32, k), make([]uint16, k)
		l.rows(lo, hi, func(off []int, n int) {
			a, b := off[0], off[1]
			for n > 0 {
				m := min(n, k)
				if si == 1 {
					h.load(xs[:m], src[a:a+m])
					a += m
				} else {
					for t := range raw[:m] {
						raw[t] = src[a]
						a += si
					}
					h.load(xs[:m], raw[:m])
				}
				f(ys[:m], xs[:m])
				if so == 1 {
					h.store(dst[b:b+m], ys[:m])
					b += m
				} else {
					h.store(raw[:m], ys[:m])
					for _, v := range raw[:m] {
						dst[b] = v
						b += so
					}
				}
				n -= m
			}
		})
	})
}

// fp8 (e4m3, the "fn" variant of the OCP format): a sign, 4 exponent bits
// with bias 7, 3 mantissa bits, no infinities, and NaN only as S.1111.111;
// the largest finite value is 448.

// fp8Values holds the float32 value of every fp8 code.
var fp8Values = func() (t [256]float32) {
	for c := range t {
		e, m := c>>3&15, c&7
		v := math.Ldexp(float64(8+m), e-10) // (1 + m/8) * 2^(e-7)
		switch {
		case e == 15 && m == 7:
			v = math.NaN()
		case e == 0:
			v = math.Ldexp(float64(m), -9)
		}
		if c&0x80 != 0 {
			v = -v
		}
		t[c] = float32(v)
	}
	return t
}()

// toFP8 rounds x to the nearest fp8 code, ties to even. Magnitudes from
// 464 (halfway between 448 and the next power of the format), infinities
// included, saturate to ±448, as in MLX; NaN gives NaN.
func toFP8(x float32) uint8 {
	b := math.Float32bits(x)
	sign := uint8(b>>24) & 0x80
	a := b & 0x7fffffff
	switch {
	case a > 0x7f800000:
		return sign | 0x7f
	case a >= 0x43e80000: // 464
		return sign | 0x7e
	case a < 0x3c800000: // below 2^-6: subnormal or zero
		// Adding 2^14 leaves the value's bits at the fp8 subnormal unit, 2^-9.
		f := math.Float32frombits(a) + 0x1p14
		return sign | uint8(math.Float32bits(f)-0x46800000)
	}
	// Rebias the exponent from 127 to 7 and round to 3 mantissa bits.
	a += 0xc407ffff + (a>>20)&1
	return sign | uint8(a>>20)
}

// roundToOdd returns x rounded to float32 with inexact results made odd
// (round to odd), so that rounding it again to a narrower format rounds x
// once.
func roundToOdd(x float64) float32 {
	f := float32(x)
	if float64(f) == x || x != x || math.IsInf(x, 0) {
		return f
	}
	b := math.Float32bits(f)
	if b&1 == 0 {
		if math.Abs(float64(f)) < math.Abs(x) {
			b++
		} else {
			b--
		}
	}
	return math.Float32frombits(b)
}

// unaryFP8 runs ToFP8 and FromFP8.
func unaryFP8(op core.UnaryOp, l layout, in, out core.View) bool {
	if op == core.FromFP8 {
		if in.Dtype != core.Uint8 {
			return false
		}
		switch out.Dtype {
		case core.Float32:
			unaryRun(l, in, out, 1, func(dst []float32, src []uint8) {
				dst = dst[:len(src)]
				for i, c := range src {
					dst[i] = fp8Values[c]
				}
			})
		case core.Float64:
			unaryRun(l, in, out, 1, func(dst []float64, src []uint8) {
				dst = dst[:len(src)]
				for i, c := range src {
					dst[i] = float64(fp8Values[c])
				}
			})
		case core.Float16, core.Bfloat16:
			// Every fp8 value is exact in both.
			conv := f16FromFloat32
			if out.Dtype == core.Bfloat16 {
				conv = func(x float32) uint16 { return uint16(core.BF16FromFloat32(x)) }
			}
			var tab [256]uint16
			for c, v := range fp8Values {
				tab[c] = conv(v)
			}
			unaryRun(l, in, out, 1, func(dst []uint16, src []uint8) {
				dst = dst[:len(src)]
				for i, c := range src {
					dst[i] = tab[c]
				}
			})
		default:
			return false
		}
		return true
	}
	if out.Dtype != core.Uint8 {
		return false
	}
	switch in.Dtype {
	case core.Float32:
		unaryRun(l, in, out, 1, func(dst []uint8, src []float32) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = toFP8(x)
			}
		})
	case core.Float64:
		unaryRun(l, in, out, 1, func(dst []uint8, src []float64) {
			dst = dst[:len(src)]
			for i, x := range src {
				dst[i] = toFP8(roundToOdd(x))
			}
		})
	case core.Float16:
		unaryRun(l, in, out, 1, func(dst []uint8, src []uint16) {
			dst = dst[:len(src)]
			for i, b := range src {
				dst[i] = toFP8(f16ToFloat32(b))
			}
		})
	case core.Bfloat16:
		unaryRun(l, in, out, 1, func(dst []uint8, src []uint16) {
			dst = dst[:len(src)]
			for i, b := range src {
				dst[i] = toFP8(core.BF16(b).Float32())
			}
		})
	default:
		return false
	}
	return true
}
