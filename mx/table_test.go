package mx

import (
	"fmt"
	"math"
	"testing"
)

// opCase is one row of the shared op table: an op applied to inputs, and
// the result computed independently (float64 Go code, or a golden file made
// by NumPy). Every row runs on every device of testDevices.
type opCase struct {
	name string
	in   []*Array
	// op applies the op under test; opts carries the stream to run on.
	op   func(in []*Array, opts ...Option) *Array
	want *Array
	// tol is the allowed error, relative to max(1, |want|); 0 asks for an
	// exact match. NaN must meet NaN, and infinities their own sign.
	tol float64
}

// opTable holds every family's rows; each family's test file adds its own
// in an init function.
var opTable []opCase

func addCases(cs ...opCase) { opTable = append(opTable, cs...) }

// testDevices returns the devices the table runs on: the CPU through its
// default stream and through a second stream, and the GPU where there is one.
func testDevices() []Option {
	devs := []Option{CPU, NewStream(CPU)}
	if IsAvailable(GPU) {
		devs = append(devs, GPU)
	}
	return devs
}

func TestOpTable(t *testing.T) {
	for _, dev := range testDevices() {
		for _, c := range opTable {
			t.Run(fmt.Sprintf("%v/%s", dev, c.name), func(t *testing.T) {
				got := c.op(c.in, dev)
				if err := Eval(got); err != nil {
					t.Fatalf("eval: %v", err)
				}
				if msg := compareArrays(got, c.want, c.tol); msg != "" {
					t.Fatal(msg)
				}
			})
		}
	}
}

// compareArrays returns "" when got matches want in shape, dtype and values
// within tol (see opCase), and otherwise says what differs.
func compareArrays(got, want *Array, tol float64) string {
	if got.Dtype() != want.Dtype() {
		return fmt.Sprintf("dtype %v, want %v", got.Dtype(), want.Dtype())
	}
	if shapeString(got.Shape()) != shapeString(want.Shape()) {
		return fmt.Sprintf("shape %v, want %v", got.Shape(), want.Shape())
	}
	switch got.Dtype() {
	case Uint64, Int64:
		gi, wi := ToSlice[int64](got), ToSlice[int64](want)
		for i := range gi {
			if gi[i] != wi[i] {
				return fmt.Sprintf("element %d: got %d, want %d", i, gi[i], wi[i])
			}
		}
		return ""
	case Complex64:
		g, w := ToSlice[complex128](got), ToSlice[complex128](want)
		for i := range g {
			if !closeEnough(g[i], w[i], tol) {
				return fmt.Sprintf("element %d: got %v, want %v (tol %g)\ngot  %v\nwant %v", i, g[i], w[i], tol, g, w)
			}
		}
		return ""
	}
	g, w := ToSlice[float64](got), ToSlice[float64](want)
	for i := range g {
		if !closeReal(g[i], w[i], tol) {
			return fmt.Sprintf("element %d: got %v, want %v (tol %g)\ngot  %v\nwant %v", i, g[i], w[i], tol, g, w)
		}
	}
	return ""
}

func closeEnough(g, w complex128, tol float64) bool {
	return closeReal(real(g), real(w), tol) && closeReal(imag(g), imag(w), tol)
}

func closeReal(g, w, tol float64) bool {
	switch {
	case math.IsNaN(w):
		return math.IsNaN(g)
	case math.IsInf(w, 0):
		return g == w
	case math.IsNaN(g) || math.IsInf(g, 0):
		return false
	}
	return math.Abs(g-w) <= tol*math.Max(1, math.Abs(w))
}

func init() {
	addCases(opCase{
		name: "add/int32+float32",
		in:   []*Array{NewArray([]int32{1, 2, 3, 4}), NewArray([]float32{1, 2, 3, 4})},
		op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
		want: NewArray([]float32{2, 4, 6, 8}),
	}, opCase{
		name: "add/broadcast",
		in:   []*Array{NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]float64{10, 20, 30})},
		op:   func(in []*Array, o ...Option) *Array { return Add(in[0], in[1], o...) },
		want: NewArray([]float64{11, 22, 33, 14, 25, 36}, 2, 3),
	})
}
