package cpu

import (
	"math"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// TestF16Conversions checks the kernels' float16 conversions against
// core's: every half to float32, and float32 values over the whole range
// of bit patterns plus every half value, midpoint and their neighbours
// back to half (bit for bit, NaN payloads included).
func TestF16Conversions(t *testing.T) {
	for code := 0; code < 1<<16; code++ {
		h := core.F16(code)
		if got, want := f16ToFloat32(uint16(code)), h.Float32(); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("%#04x: float32 %v (%#x), want %v (%#x)", code, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	check := func(x float32) {
		if got, want := f16FromFloat32(x), uint16(core.F16FromFloat32(x)); got != want {
			t.Fatalf("float32 %v (%#08x): %#04x, want %#04x", x, math.Float32bits(x), got, want)
		}
	}
	for b := uint64(0); b < 1<<32; b += 997 {
		check(math.Float32frombits(uint32(b)))
	}
	for code := 0; code < 0x7c00; code++ {
		lo := float64(core.F16(code).Float32())
		hi := float64(core.F16(code + 1).Float32())
		if code+1 == 0x7c00 {
			hi = 65536
		}
		mid := float32((lo + hi) / 2)
		for _, x := range []float32{float32(lo), mid, math.Nextafter32(mid, 0), math.Nextafter32(mid, 1e6),
			math.Nextafter32(float32(lo), 1e6)} {
			check(x)
			check(-x)
		}
	}
}

// TestFP8 checks the fp8 (e4m3) codes: every value converts back to its
// code, and float32 values round to the nearest code, ties to the even
// code, saturating at ±448 from 464 on.
func TestFP8(t *testing.T) {
	// The non-negative finite values in code order, from the definition.
	var ladder []float64
	for c := 0; c < 0x7f; c++ {
		e, m := c>>3, c&7
		v := math.Ldexp(float64(8+m), e-10)
		if e == 0 {
			v = math.Ldexp(float64(m), -9)
		}
		ladder = append(ladder, v)
		if got := fp8Values[c]; float64(got) != v || float64(fp8Values[c|0x80]) != -v {
			t.Fatalf("code %#02x: %v, want %v", c, got, v)
		}
		if toFP8(float32(v)) != uint8(c) || toFP8(float32(-v)) != uint8(c|0x80) {
			t.Fatalf("%v: code %#02x, want %#02x", v, toFP8(float32(v)), c)
		}
	}
	if fp8Values[0x7f] == fp8Values[0x7f] || fp8Values[0xff] == fp8Values[0xff] {
		t.Fatal("0x7f and 0xff are not NaN")
	}
	ref := func(x float32) uint8 {
		var sign uint8
		a := float64(x)
		if math.Signbit(a) {
			sign, a = 0x80, -a
		}
		if a >= 464 {
			return sign | 0x7e
		}
		for c := 0; c+1 < len(ladder); c++ {
			lo, hi := ladder[c], ladder[c+1]
			if a >= hi {
				continue
			}
			switch {
			case a-lo < hi-a: // exact: a has 24 bits, lo and hi 4, all near each other
				return sign | uint8(c)
			case a-lo > hi-a:
				return sign | uint8(c+1)
			case c%2 == 0:
				return sign | uint8(c)
			}
			return sign | uint8(c+1)
		}
		return sign | 0x7e // between 448 and 464
	}
	check := func(x float32) {
		got := toFP8(x)
		if x != x {
			if got&0x7f != 0x7f {
				t.Fatalf("NaN: %#02x", got)
			}
			return
		}
		if want := ref(x); got != want {
			t.Fatalf("%v: %#02x, want %#02x", x, got, want)
		}
	}
	for b := uint64(0); b < 1<<32; b += 65521 {
		check(math.Float32frombits(uint32(b)))
	}
	for c := 0; c+1 < len(ladder); c++ {
		mid := float32((ladder[c] + ladder[c+1]) / 2)
		for _, x := range []float32{mid, math.Nextafter32(mid, 0), math.Nextafter32(mid, 1000), float32(ladder[c]) / 3} {
			check(x)
			check(-x)
		}
	}
	for _, x := range []float32{448, 455.99, 456, 463.9, 464, 500, float32(math.Inf(1)), 1e-30, 0x1p-10, 0x1p-11} {
		check(x)
		check(-x)
	}
	// float64 rounds once: just past a midpoint, but at it in float32.
	mid := (ladder[10] + ladder[11]) / 2
	if got, want := toFP8(roundToOdd(mid+mid*0x1p-40)), uint8(11); got != want {
		t.Errorf("float64 past a midpoint: %#02x, want %#02x", got, want)
	}
}
