package mx

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// printView returns a strided view of a's data (as view ops make them).
func printView(a *Array, shape, strides []int, offset int) *Array {
	if err := Eval(a); err != nil {
		panic(err)
	}
	v := &Array{shape: shape, dtype: a.dtype}
	v.shareView(a, strides, offset)
	v.status.Store(statusAvailable)
	return v
}

func iota32(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

func TestArrayString(t *testing.T) {
	f32 := func(x float64) float32 { return float32(x) }
	cases := []struct {
		name string
		a    *Array
		want string
	}{
		{"add", Add(NewArray([]int32{1, 2, 3, 4}), NewArray([]float32{1, 2, 3, 4})),
			"array([2, 4, 6, 8], dtype=float32)"},
		{"scalar", Scalar(-1.0), "array(-1, dtype=float32)"},
		{"bool scalar", Scalar(true), "array(True, dtype=bool)"},
		{"int scalar", Scalar(1), "array(1, dtype=int32)"},
		{"float scalar", Scalar(1.0), "array(1, dtype=float32)"},
		{"ints", NewArray([]int{1, 0, 1}), "array([1, 0, 1], dtype=int32)"},
		{"bools", NewArray([]bool{true, false}), "array([True, False], dtype=bool)"},
		{"six", NewArray([]int{1, 1, 1, 1, 1, 1}), "array([1, 1, 1, 1, 1, 1], dtype=int32)"},
		{"seven", NewArray([]int{1, 1, 1, 1, 1, 1, 1}), "array([1, 1, 1, ..., 1, 1, 1], dtype=int32)"},
		{"2d", NewArray([]int32{1, 2, 3, 4}, 2, 2), "array([[1, 2],\n       [3, 4]], dtype=int32)"},
		{"3 rows", NewArray([]int{1, 2, 1, 2, 1, 2}, 3, 2),
			"array([[1, 2],\n       [1, 2],\n       [1, 2]], dtype=int32)"},
		{"3d", NewArray([]int{1, 2, 1, 2, 1, 2, 1, 2}, 2, 2, 2),
			"array([[[1, 2],\n        [1, 2]],\n       [[1, 2],\n        [1, 2]]], dtype=int32)"},
		{"7 rows", NewArray([]int{1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}, 7, 2),
			"array([[1, 2],\n       [1, 2],\n       [1, 2],\n       ...,\n       [1, 2],\n       [1, 2],\n       [1, 2]], dtype=int32)"},
		{"8x8", NewArray(iota32(64), 8, 8), "array([[0, 1, 2, ..., 5, 6, 7],\n" +
			"       [8, 9, 10, ..., 13, 14, 15],\n" +
			"       [16, 17, 18, ..., 21, 22, 23],\n" +
			"       ...,\n" +
			"       [40, 41, 42, ..., 45, 46, 47],\n" +
			"       [48, 49, 50, ..., 53, 54, 55],\n" +
			"       [56, 57, 58, ..., 61, 62, 63]], dtype=int32)"},
		{"1000", NewArray(iota32(1000)), "array([0, 1, 2, ..., 997, 998, 999], dtype=int32)"},
		{"int8", NewArray([]int8{1, -128}), "array([1, -128], dtype=int8)"},
		{"int16", NewArray([]int16{1, -300}), "array([1, -300], dtype=int16)"},
		{"uint8", NewArray([]uint8{1, 255}), "array([1, 255], dtype=uint8)"},
		{"uint16", NewArray([]uint16{65535}), "array([65535], dtype=uint16)"},
		{"uint32", NewArray([]uint32{4294967295}), "array([4294967295], dtype=uint32)"},
		{"uint64", NewArray([]uint64{math.MaxUint64}), "array([18446744073709551615], dtype=uint64)"},
		{"int64", NewArray([]int64{math.MinInt64, math.MaxInt64}),
			"array([-9223372036854775808, 9223372036854775807], dtype=int64)"},
		{"float16", NewArray([]Float16Value{core.F16FromFloat32(1.2)}), "array([1.2002], dtype=float16)"},
		{"float16 big", NewArray([]Float16Value{core.F16FromFloat32(65504), core.F16FromFloat32(-0.5)}),
			"array([65504, -0.5], dtype=float16)"},
		{"bfloat16", NewArray([]Bfloat16Value{core.BF16FromFloat32(1.2), core.BF16FromFloat32(3)}),
			"array([1.20312, 3], dtype=bfloat16)"},
		{"complex", NewArray([]complex64{1 + 1i}), "array([1+1j], dtype=complex64)"},
		{"complex neg", NewArray([]complex64{1 - 1i}), "array([1-1j], dtype=complex64)"},
		{"complex mixed", NewArray([]complex64{1 + 2i, -1i, 2.5}), "array([1+2j, 0-1j, 2.5+0j], dtype=complex64)"},
		{"complex special", NewArray([]complex64{complex(f32(math.Inf(1)), f32(math.NaN())),
			complex(f32(math.NaN()), f32(math.Inf(-1)))}),
			"array([inf+nanj, nan-infj], dtype=complex64)"},
		{"complex scalar", Scalar(complex(0, -0.5)), "array(0-0.5j, dtype=complex64)"},
		{"floats", NewArray([]float32{1, 2.5, 3}), "array([1, 2.5, 3], dtype=float32)"},
		{"float g", NewArray([]float32{1e6, 1e-5, 0.0001, 100000, f32(1.0 / 3)}),
			"array([1e+06, 1e-05, 0.0001, 100000, 0.333333], dtype=float32)"},
		{"float32 rounding", NewArray([]float32{0.1, 0.3, 123456789, 3.4028234663852886e38}),
			"array([0.1, 0.3, 1.23457e+08, 3.40282e+38], dtype=float32)"},
		{"float special", NewArray([]float32{f32(math.NaN()), f32(math.Inf(1)), f32(math.Inf(-1)), f32(math.Copysign(0, -1))}),
			"array([nan, inf, -inf, -0], dtype=float32)"},
		{"negative nan", NewArray([]float32{math.Float32frombits(0xffc00000)}), "array([nan], dtype=float32)"},
		{"float64", NewArray([]float64{1e-300, -2.25, 1.0 / 3}), "array([1e-300, -2.25, 0.333333], dtype=float64)"},
		{"empty", NewArray([]float32{}), "array([], dtype=float32)"},
		{"empty 0x3", NewArray([]float32{}, 0, 3), "array([], dtype=float32)"},
		{"empty 2x0", NewArray([]int32{}, 2, 0), "array([[],\n       []], dtype=int32)"},
		{"empty 2x0x3", NewArray([]bool{}, 2, 0, 3), "array([[],\n       []], dtype=bool)"},
		{"transposed", printView(NewArray([]int32{1, 2, 3, 4, 5, 6}, 2, 3), []int{3, 2}, []int{1, 3}, 0),
			"array([[1, 4],\n       [2, 5],\n       [3, 6]], dtype=int32)"},
		{"broadcast", printView(NewArray([]float32{1, 2}), []int{3, 2}, []int{0, 1}, 0),
			"array([[1, 2],\n       [1, 2],\n       [1, 2]], dtype=float32)"},
		{"reversed", printView(NewArray(iota32(10)), []int{10}, []int{-1}, 9),
			"array([9, 8, 7, ..., 2, 1, 0], dtype=int32)"},
		{"sliced scalar", printView(NewArray([]int64{5, 6, 7}), []int{}, []int{}, 2), "array(7, dtype=int64)"},
		{"strided summarised", printView(NewArray(iota32(64), 8, 8), []int{8, 8}, []int{1, 8}, 0),
			"array([[0, 8, 16, ..., 40, 48, 56],\n" +
				"       [1, 9, 17, ..., 41, 49, 57],\n" +
				"       [2, 10, 18, ..., 42, 50, 58],\n" +
				"       ...,\n" +
				"       [5, 13, 21, ..., 45, 53, 61],\n" +
				"       [6, 14, 22, ..., 46, 54, 62],\n" +
				"       [7, 15, 23, ..., 47, 55, 63]], dtype=int32)"},
		{"nil", nil, "array(<nil>)"},
		{"zero", &Array{}, "array(<uninitialized>)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.a.String(); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
			if got := fmt.Sprint(c.a); got != c.want {
				t.Errorf("Sprint got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestArrayFormatVerbs(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	f := NewArray([]float32{1, 2.5, -3})
	cases := []struct {
		format string
		a      *Array
		want   string
	}{
		{"%v", f, "array([1, 2.5, -3], dtype=float32)"},
		{"%s", f, "array([1, 2.5, -3], dtype=float32)"},
		{"%+v", f, "array([1, 2.5, -3], dtype=float32)"},
		{"%#v", f, "array([1, 2.5, -3], dtype=float32)"},
		{"%q", Scalar(true), `"array(True, dtype=bool)"`},
		{"%30v|", Scalar(1), "         array(1, dtype=int32)|"},
		{"%-25v|", Scalar(1), "array(1, dtype=int32)    |"},
		{"%.3f", f, "array([1.000, 2.500, -3.000], dtype=float32)"},
		{"%.2e", f, "array([1.00e+00, 2.50e+00, -3.00e+00], dtype=float32)"},
		{"%g", NewArray([]float32{0.1, 1e7}), "array([0.1, 1e+07], dtype=float32)"},
		{"%g", NewArray([]float64{0.1, 1e21}), "array([0.1, 1e+21], dtype=float64)"},
		{"%G", NewArray([]float64{1e-7}), "array([1E-07], dtype=float64)"},
		{"%6.1f", f, "array([   1.0,    2.5,   -3.0], dtype=float32)"},
		{"%-6.1f|", f, "array([1.0   , 2.5   , -3.0  ], dtype=float32)|"},
		{"%06.1f", f, "array([0001.0, 0002.5, -003.0], dtype=float32)"},
		{"%+.1f", f, "array([+1.0, +2.5, -3.0], dtype=float32)"},
		{"%.1f", NewArray([]float32{nan, inf, -inf}), "array([nan, inf, -inf], dtype=float32)"},
		{"%+.1f", NewArray([]float32{inf}), "array([+inf], dtype=float32)"},
		{"%5.1f", NewArray([]float32{nan, inf}), "array([  nan,   inf], dtype=float32)"},
		{"%.2f", NewArray([]int32{1, -2}), "array([1.00, -2.00], dtype=int32)"},
		{"%.1f", NewArray([]uint64{7}), "array([7.0], dtype=uint64)"},
		{"%.1f", NewArray([]bool{true}), "array([True], dtype=bool)"},
		{"%.1f", NewArray([]complex64{1 + 2i, 3 - 0.25i}), "array([1.0+2.0j, 3.0-0.2j], dtype=complex64)"},
		{"%+.1f", NewArray([]complex64{1 + 2i}), "array([+1.0+2.0j], dtype=complex64)"},
		{"%10.1f", NewArray([]complex64{1 + 2i}), "array([  1.0+2.0j], dtype=complex64)"},
		{"%.1f", NewArray([]complex64{complex(inf, nan)}), "array([inf+nanj], dtype=complex64)"},
		{"%.1f", NewArray([]Float16Value{core.F16FromFloat32(1.2)}), "array([1.2], dtype=float16)"},
		{"%.3f", NewArray([]float32{1, 2, 3, 4, 5, 6, 7}), "array([1.000, 2.000, 3.000, ..., 5.000, 6.000, 7.000], dtype=float32)"},
		{"%.1f", NewArray([]float32{1, 2, 3, 4}, 2, 2), "array([[1.0, 2.0],\n       [3.0, 4.0]], dtype=float32)"},
		{"%.1f", Scalar(0.25), "array(0.2, dtype=float32)"},
		{"%d", NewArray([]int32{1, -2}), "array([1, -2], dtype=int32)"},
		{"%x", NewArray([]uint8{255, 16}), "array([ff, 10], dtype=uint8)"},
		{"%03d", NewArray([]int64{7}), "array([007], dtype=int64)"},
		{"%t", NewArray([]bool{true, false}), "array([true, false], dtype=bool)"},
		{"%.1f", NewArray([]float32{}), "array([], dtype=float32)"},
		{"%.1f", (*Array)(nil), "array(<nil>)"},
	}
	for _, c := range cases {
		if got := fmt.Sprintf(c.format, c.a); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.format, got, c.want)
		}
	}
}

// failPrim is a primitive whose evaluation always fails.
type failPrim struct{}

func (failPrim) Name() string { return "Fail" }

func (failPrim) Eval(s Stream, in, out []*Array) error { return errors.New("boom") }

func TestArrayStringError(t *testing.T) {
	bad := newArray(failPrim{}, DefaultStream(), nil, []int{2}, Float32)
	want := "array(<error: mx: Fail: boom>, shape=(2,), dtype=float32)"
	if got := bad.String(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// The error reaches arrays computed from the failing one; printing
	// them again gives the same text.
	c := Add(bad, 1)
	for range 2 {
		if got := fmt.Sprintf("%.2f", c); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

func TestArrayStringTraced(t *testing.T) {
	x := NewArray([]float32{1, 2})
	sc := newScope("vmap", []*Array{x})
	y := Add(x, 1)
	y.trace = sc
	z := Add(y, 1)
	want := "array(<traced by vmap>, shape=(2,), dtype=float32)"
	if got := z.String(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	sc.end()
	if got := z.String(); got != "array([3, 4], dtype=float32)" {
		t.Errorf("after the trace: got %s", got)
	}
}

func TestArrayStringEvaluates(t *testing.T) {
	c := Add(NewArray([]float32{1, 2}), 1)
	if c.IsAvailable() {
		t.Fatal("computed before printing")
	}
	if got := c.String(); got != "array([2, 3], dtype=float32)" {
		t.Fatalf("got %s", got)
	}
	if !c.IsAvailable() {
		t.Fatal("printing did not evaluate")
	}
}

func TestPrintOptions(t *testing.T) {
	x := NewArray([]float32{1.123456789})
	if got := x.String(); got != "array([1.12346], dtype=float32)" {
		t.Fatalf("default: got %s", got)
	}
	WithPrintOptions(PrintOptions{Precision: 4}, func() {
		if got := x.String(); got != "array([1.1235], dtype=float32)" {
			t.Errorf("precision 4: got %s", got)
		}
		if got := GetPrintOptions().Precision; got != 4 {
			t.Errorf("GetPrintOptions: %d", got)
		}
		for _, c := range []struct {
			a    *Array
			want string
		}{
			{NewArray([]int32{1, 2}), "array([1, 2], dtype=int32)"},
			{NewArray([]uint8{3}), "array([3], dtype=uint8)"},
			{NewArray([]bool{true}), "array([True], dtype=bool)"},
			{NewArray([]complex64{1 - 2i}), "array([1.0000-2.0000j], dtype=complex64)"},
			{NewArray([]float64{math.Inf(1), 2}), "array([inf, 2.0000], dtype=float64)"},
			{NewArray([]Bfloat16Value{core.BF16FromFloat32(0.5)}), "array([0.5000], dtype=bfloat16)"},
		} {
			if got := c.a.String(); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		}
		// An explicit verb still wins.
		if got := fmt.Sprintf("%.1f", x); got != "array([1.1], dtype=float32)" {
			t.Errorf("verb: got %s", got)
		}
	})
	if got := x.String(); got != "array([1.12346], dtype=float32)" {
		t.Fatalf("restored: got %s", got)
	}
	SetPrintOptions(PrintOptions{Precision: 2})
	got := x.String()
	SetPrintOptions(PrintOptions{Precision: -1})
	if got != "array([1.12], dtype=float32)" {
		t.Fatalf("precision 2: got %s", got)
	}
}

func TestArrayStringConcurrent(t *testing.T) {
	a := NewArray([]float32{1, 2, 3})
	c := Add(a, a)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := c.String(); got != "array([2, 4, 6], dtype=float32)" {
				t.Errorf("got %s", got)
			}
			// The zero-array check must not race with evaluation.
			d := Add(c, 1)
			go d.String()
			if !strings.HasPrefix(d.String(), "array([3, 5, 7]") {
				t.Errorf("got %s", d.String())
			}
		}()
	}
	wg.Wait()
}

func TestFormatG6MatchesC(t *testing.T) {
	// Values whose %g output in C is known (printf("%g")).
	for x, want := range map[float64]string{
		0: "0", 1: "1", 0.5: "0.5", 1234567: "1.23457e+06", 999999.5: "1e+06",
		0.000123456789: "0.000123457", 0.0000123: "1.23e-05", 1e100: "1e+100",
		5e-324: "4.94066e-324", -12.5: "-12.5", 100: "100", 1.5e-5: "1.5e-05",
	} {
		if got := formatG6(x); got != want {
			t.Errorf("formatG6(%v) = %s, want %s", x, got, want)
		}
	}
}
