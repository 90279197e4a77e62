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
		f, cost := fast32(op), 8
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
