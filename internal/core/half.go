package core

import "math"

// F16FromFloat32 rounds f to the nearest half-precision value (ties to even).
// Values too large become ±Inf, NaN stays NaN (quiet), tiny values become
// subnormals or ±0.
func F16FromFloat32(f float32) F16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	man := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if man != 0 {
			return F16(sign | 0x7e00 | uint16(man>>13))
		}
		return F16(sign | 0x7c00)
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return F16(sign | 0x7c00)
	}
	if e <= 0 {
		// Subnormal or zero in half precision.
		if e < -10 {
			return F16(sign)
		}
		m := man | 0x800000 // implicit leading one
		shift := uint32(14 - e)
		half := uint32(1) << (shift - 1)
		r := m >> shift
		rem := m & (1<<shift - 1)
		if rem > half || (rem == half && r&1 == 1) {
			r++
		}
		return F16(sign | uint16(r))
	}
	r := uint32(e)<<10 | man>>13
	rem := man & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && r&1 == 1) {
		r++ // may carry into the exponent, up to Inf, which is right
	}
	return F16(sign | uint16(r))
}

// Float32 returns h as a float32; every half value is exact in float32.
func (h F16) Float32() float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp == 0:
		if man == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: normalise.
		e := uint32(127 - 15 + 1)
		for man&0x400 == 0 {
			man <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}

// F16FromFloat64 rounds f to the nearest half-precision value, rounding once
// (not through float32, which could round twice).
func F16FromFloat64(f float64) F16 {
	f32 := float32(f)
	if float64(f32) == f || math.IsNaN(f) || math.IsInf(f, 0) {
		return F16FromFloat32(f32)
	}
	// Round to odd in float32 keeps the later rounding to half correct.
	b := math.Float32bits(f32)
	if b&1 == 0 {
		if math.Abs(float64(f32)) < math.Abs(f) {
			b++
		} else {
			b--
		}
	}
	return F16FromFloat32(math.Float32frombits(b))
}

// BF16FromFloat32 rounds f to the nearest bfloat16 value (ties to even);
// NaN stays a quiet NaN.
func BF16FromFloat32(f float32) BF16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return BF16(b>>16 | 0x40)
	}
	b += 0x7fff + (b>>16)&1
	return BF16(b >> 16)
}

// BF16FromFloat64 rounds f to the nearest bfloat16 value, rounding once.
func BF16FromFloat64(f float64) BF16 {
	f32 := float32(f)
	if float64(f32) == f || math.IsNaN(f) || math.IsInf(f, 0) {
		return BF16FromFloat32(f32)
	}
	b := math.Float32bits(f32)
	if b&1 == 0 {
		if math.Abs(float64(f32)) < math.Abs(f) {
			b++
		} else {
			b--
		}
	}
	return BF16FromFloat32(math.Float32frombits(b))
}

// Float32 returns b as a float32 (exact).
func (b BF16) Float32() float32 { return math.Float32frombits(uint32(b) << 16) }
