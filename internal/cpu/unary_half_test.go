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
