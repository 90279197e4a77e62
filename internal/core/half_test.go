package core

import (
	"math"
	"math/big"
	"math/rand/v2"
	"sort"
	"testing"
)

// halfLadder is a reference for one half format: every non-negative
// finite value in order of its code, computed from the format's definition
// (not by the conversions under test), followed by the power of two the
// largest value would round up to, which stands for +Inf.
type halfLadder struct {
	name   string
	man    int // mantissa bits
	inf    uint16
	values []float64 // values[code] for code 0 .. inf (inclusive)
}

func newLadder(name string, manBits, expBits int) *halfLadder {
	bias := 1<<(expBits-1) - 1
	inf := uint16((1<<expBits - 1) << manBits)
	l := &halfLadder{name: name, man: manBits, inf: inf, values: make([]float64, int(inf)+1)}
	for code := 0; code <= int(inf); code++ {
		e, m := code>>manBits, code&(1<<manBits-1)
		if e == 0 { // zero and subnormals: m * 2^(1-bias-manBits)
			l.values[code] = math.Ldexp(float64(m), 1-bias-manBits)
		} else {
			l.values[code] = math.Ldexp(float64(1<<manBits+m), e-bias-manBits)
		}
	}
	return l
}

var (
	f16Ladder  = newLadder("float16", 10, 5)
	bf16Ladder = newLadder("bfloat16", 7, 8)
)

// round returns the code nearest to x (any float64), ties to the even
// code, as IEEE round-to-nearest-even defines it: exact comparisons in
// math/big. NaN gives 0xffff (checked separately).
func (l *halfLadder) round(x float64) uint16 {
	if math.IsNaN(x) {
		return 0xffff
	}
	var sign uint16
	if math.Signbit(x) {
		sign, x = 0x8000, -x
	}
	if math.IsInf(x, 1) || x >= l.values[l.inf] {
		return sign | l.inf
	}
	// The largest code whose value is <= x.
	i := sort.Search(len(l.values), func(i int) bool { return l.values[i] > x }) - 1
	lo, hi := l.values[i], l.values[i+1]
	if x == lo {
		return sign | uint16(i)
	}
	exact := func(v float64) *big.Float { return new(big.Float).SetPrec(2000).SetFloat64(v) }
	dLo := new(big.Float).SetPrec(2000).Sub(exact(x), exact(lo))
	dHi := new(big.Float).SetPrec(2000).Sub(exact(hi), exact(x))
	switch dLo.Cmp(dHi) {
	case -1:
		return sign | uint16(i)
	case 1:
		return sign | uint16(i+1)
	}
	if i%2 == 0 {
		return sign | uint16(i)
	}
	return sign | uint16(i+1)
}

func (l *halfLadder) isNaN(code uint16) bool { return code&0x7fff > l.inf }

// trialValues returns float64 values to round: for every pair of adjacent
// codes, the values themselves, the midpoint, the neighbours of the
// midpoint at float32's and at float64's resolution, and a random value
// between; plus values below the smallest subnormal, around the overflow
// threshold, and both signs of everything.
func (l *halfLadder) trialValues(r *rand.Rand) []float64 {
	var xs []float64
	for i := 0; i+1 < len(l.values); i++ {
		lo, hi := l.values[i], l.values[i+1]
		mid := (lo + hi) / 2 // exact: both have few bits
		m32 := float32(mid)
		xs = append(xs, lo, mid,
			float64(math.Nextafter32(m32, 0)), float64(math.Nextafter32(m32, float32(math.Inf(1)))),
			math.Nextafter(mid, 0), math.Nextafter(mid, math.Inf(1)),
			lo+(hi-lo)*r.Float64())
	}
	tiny := l.values[1]
	xs = append(xs, tiny/2, math.Nextafter(tiny/2, 0), math.Nextafter(tiny/2, 1), tiny/3, tiny*0.75,
		math.SmallestNonzeroFloat64, 1e-300, float64(math.SmallestNonzeroFloat32),
		l.values[l.inf], math.Nextafter(l.values[l.inf], 0), 1e300, math.MaxFloat32, math.MaxFloat64,
		math.Inf(1), 0)
	n := len(xs)
	for _, x := range xs[:n] {
		xs = append(xs, -x)
	}
	return xs
}

// TestHalfRoundTrip converts every one of the 65536 codes of each format
// to float32 and back: finite values and infinities come back exactly
// (the sign of zero too), NaNs stay NaN; the float32 is the value the
// format defines.
func TestHalfRoundTrip(t *testing.T) {
	for code := 0; code < 1<<16; code++ {
		h, b := F16(code), BF16(code)
		hf, bf := h.Float32(), b.Float32()
		for _, c := range []struct {
			l    *halfLadder
			f    float32
			back uint16
		}{
			{f16Ladder, hf, uint16(F16FromFloat32(hf))},
			{bf16Ladder, bf, uint16(BF16FromFloat32(bf))},
		} {
			if c.l.isNaN(uint16(code)) {
				if c.f == c.f || !c.l.isNaN(c.back) {
					t.Fatalf("%s %#04x: NaN became %v and %#04x", c.l.name, code, c.f, c.back)
				}
				continue
			}
			if c.back != uint16(code) {
				t.Fatalf("%s %#04x: float32 %v converts back to %#04x", c.l.name, code, c.f, c.back)
			}
			want := c.l.values[code&0x7fff]
			if code&0x7fff == int(c.l.inf) {
				want = math.Inf(1)
			}
			if code&0x8000 != 0 {
				want = -want
			}
			if float64(c.f) != want || math.Signbit(float64(c.f)) != (code&0x8000 != 0) {
				t.Fatalf("%s %#04x: float32 %v, want %v", c.l.name, code, c.f, want)
			}
		}
	}
}

// TestHalfFromFloat32 checks that float32 values round to the nearest
// half value, ties to even, against the exact reference, including
// subnormals, overflow to Inf and NaN.
func TestHalfFromFloat32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		l    *halfLadder
		conv func(float32) uint16
	}{
		{f16Ladder, func(f float32) uint16 { return uint16(F16FromFloat32(f)) }},
		{bf16Ladder, func(f float32) uint16 { return uint16(BF16FromFloat32(f)) }},
	} {
		xs := c.l.trialValues(r)
		// A sweep over all float32 bit patterns, NaNs included.
		for b := uint64(0); b < 1<<32; b += 65537 {
			xs = append(xs, float64(math.Float32frombits(uint32(b))))
		}
		for _, x := range xs {
			f := float32(x) // the value under test is the float32 one
			got, want := c.conv(f), c.l.round(float64(f))
			if f != f {
				if !c.l.isNaN(got) || got&(1<<(c.l.man-1)) == 0 {
					t.Fatalf("%s(%v): %#04x is not a quiet NaN", c.l.name, f, got)
				}
				continue
			}
			if got != want {
				t.Fatalf("%s(float32 %v = %#08x): got %#04x, want %#04x", c.l.name, f, math.Float32bits(f), got, want)
			}
		}
	}
}

// TestHalfFromFloat64 checks that float64 values round to the nearest half
// value once: a value just past a midpoint must not round to the
// midpoint in float32 first and then to even.
func TestHalfFromFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		l    *halfLadder
		conv func(float64) uint16
	}{
		{f16Ladder, func(f float64) uint16 { return uint16(F16FromFloat64(f)) }},
		{bf16Ladder, func(f float64) uint16 { return uint16(BF16FromFloat64(f)) }},
	} {
		xs := c.l.trialValues(r)
		xs = append(xs, math.NaN(), -math.NaN())
		traps := 0
		for _, x := range xs {
			got, want := c.conv(x), c.l.round(x)
			if x != x {
				if !c.l.isNaN(got) {
					t.Fatalf("%s(NaN): %#04x", c.l.name, got)
				}
				continue
			}
			if got != want {
				t.Fatalf("%s(%v): got %#04x, want %#04x", c.l.name, x, got, want)
			}
			// Count the values where rounding through float32 would be wrong.
			if x == x && c.l.round(float64(float32(x))) != want {
				traps++
			}
		}
		if traps < 1000 {
			t.Errorf("%s: only %d values where rounding twice differs: the trial values miss the point", c.l.name, traps)
		}
	}
}
