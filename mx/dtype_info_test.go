package mx

import (
	"errors"
	"math"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

func TestResultType(t *testing.T) {
	arr := func(d Dtype) *Array { return Scalar(0, d) }
	cases := []struct {
		name string
		args []any
		want Dtype
	}{
		{"int32 array, float", []any{arr(Int32), 2.5}, Float32},
		{"float16 array, float", []any{arr(Float16), 2.5}, Float16},
		{"bfloat16 array, int", []any{arr(Bfloat16), 1}, Bfloat16},
		{"uint8 array, big int", []any{arr(Uint8), 300}, Uint8},
		{"bool array, int", []any{arr(Bool), 1}, Int32},
		{"bool array, bool", []any{arr(Bool), true}, Bool},
		{"int32 array, complex", []any{arr(Int32), 1 + 2i}, Complex64},
		{"float64 array, float32", []any{arr(Float64), float32(1)}, Float64},
		{"int64 array, int", []any{arr(Int64), 1}, Int64},
		{"int8 and uint8 arrays", []any{arr(Int8), arr(Uint8)}, Int16},
		{"uint64 and int8 arrays", []any{arr(Uint64), arr(Int8)}, Float32},
		{"three arrays", []any{arr(Uint8), arr(Int8), arr(Float16)}, Float16},
		{"dtypes", []any{Int32, Float16}, Float16},
		{"float16, bfloat16", []any{Float16, Bfloat16}, Float32},
		{"dtype and scalar", []any{Uint16, 2.5}, Float32},
		{"one dtype", []any{Complex64}, Complex64},
		{"int", []any{1}, Int32},
		{"big int", []any{1 << 40}, Int64},
		{"uint", []any{uint64(5)}, Int32},
		{"float", []any{2.5}, Float32},
		{"float32", []any{float32(2.5)}, Float32},
		{"bool", []any{true}, Bool},
		{"bool, int", []any{true, 1}, Int32},
		{"int, float", []any{1, 2.5}, Float32},
		{"float, int", []any{2.5, 1}, Float32},
		{"complex", []any{complex64(1i)}, Complex64},
		{"scalar first", []any{2.5, arr(Float16)}, Float16},
		{"float64 slice, int", []any{[]float64{1}, 1}, Float64},
		{"int slice, float", []any{[]int{1}, 2.5}, Float32},
		{"bool slice", []any{[]bool{true}}, Bool},
	}
	for _, c := range cases {
		if got := ResultType(c.args...); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestResultTypeMatchesOps(t *testing.T) {
	scalars := []any{true, 1, -3, 1 << 40, uint(7), 2.5, float32(0.5), 1 + 1i}
	for d := Dtype(0); d < numDtypes; d++ {
		for e := Dtype(0); e < numDtypes; e++ {
			if got, want := ResultType(d, e), PromoteTypes(d, e); got != want {
				t.Errorf("ResultType(%v, %v) = %v, want %v", d, e, got, want)
			}
			if got, want := ResultType(Scalar(0, d), Scalar(0, e)), Add(Scalar(0, d), Scalar(0, e)).Dtype(); got != want {
				t.Errorf("ResultType of %v and %v arrays = %v, Add gives %v", d, e, got, want)
			}
		}
		for _, s := range scalars {
			a := Scalar(0, d)
			if got, want := ResultType(a, s), Add(a, s).Dtype(); got != want {
				t.Errorf("ResultType(%v array, %T %v) = %v, Add gives %v", d, s, s, got, want)
			}
			if got, want := ResultType(s, a), Add(s, a).Dtype(); got != want {
				t.Errorf("ResultType(%T %v, %v array) = %v, Add gives %v", s, s, d, got, want)
			}
		}
	}
	for _, s := range scalars {
		for _, r := range scalars {
			if got, want := ResultType(s, r), Add(s, r).Dtype(); got != want {
				t.Errorf("ResultType(%T, %T) = %v, Add gives %v", s, r, got, want)
			}
		}
	}
}

func TestResultTypeErrors(t *testing.T) {
	for name, args := range map[string][]any{
		"none":          nil,
		"nil array":     {(*Array)(nil)},
		"nil":           {nil},
		"string":        {"float32"},
		"bad dtype":     {Dtype(200)},
		"array, string": {Scalar(1), "x"},
	} {
		err := Catch(func() { ResultType(args...) })
		var e *Error
		if !errors.As(err, &e) || e.Op != "result_type" {
			t.Errorf("%s: got %v, want an *Error naming result_type", name, err)
		}
	}
}

func TestFinfo(t *testing.T) {
	f64 := func(x float32) float64 { return float64(x) }
	cases := []struct {
		dt   Dtype
		want FloatInfo
	}{
		{Float16, FloatInfo{Float16, 16, -f64(core.F16(0x7bff).Float32()), f64(core.F16(0x7bff).Float32()),
			f64(core.F16(0x3c01).Float32()) - 1, f64(core.F16(0x0400).Float32())}},
		{Bfloat16, FloatInfo{Bfloat16, 16, -f64(core.BF16(0x7f7f).Float32()), f64(core.BF16(0x7f7f).Float32()),
			f64(core.BF16(0x3f81).Float32()) - 1, f64(core.BF16(0x0080).Float32())}},
		{Float32, FloatInfo{Float32, 32, -f64(math.Float32frombits(0x7f7fffff)), f64(math.Float32frombits(0x7f7fffff)),
			f64(math.Nextafter32(1, 2)) - 1, f64(math.Float32frombits(0x00800000))}},
		{Complex64, FloatInfo{Float32, 32, -f64(math.Float32frombits(0x7f7fffff)), f64(math.Float32frombits(0x7f7fffff)),
			f64(math.Nextafter32(1, 2)) - 1, f64(math.Float32frombits(0x00800000))}},
		{Float64, FloatInfo{Float64, 64, -math.Float64frombits(0x7fefffffffffffff), math.Float64frombits(0x7fefffffffffffff),
			math.Nextafter(1, 2) - 1, math.Float64frombits(0x0010000000000000)}},
	}
	for _, c := range cases {
		if got := Finfo(c.dt); got != c.want {
			t.Errorf("Finfo(%v) = %+v, want %+v", c.dt, got, c.want)
		}
	}
	for dt, want := range map[Dtype]string{
		Float16:   "finfo(min=-65504, max=65504, dtype=float16)",
		Bfloat16:  "finfo(min=-3.38953e+38, max=3.38953e+38, dtype=bfloat16)",
		Float32:   "finfo(min=-3.40282e+38, max=3.40282e+38, dtype=float32)",
		Complex64: "finfo(min=-3.40282e+38, max=3.40282e+38, dtype=float32)",
		Float64:   "finfo(min=-1.79769e+308, max=1.79769e+308, dtype=float64)",
	} {
		if got := Finfo(dt).String(); got != want {
			t.Errorf("Finfo(%v).String() = %s, want %s", dt, got, want)
		}
	}
	for _, dt := range []Dtype{Bool, Uint8, Int32, Int64, Dtype(99)} {
		err := Catch(func() { Finfo(dt) })
		var e *Error
		if !errors.As(err, &e) || e.Op != "finfo" {
			t.Errorf("Finfo(%v): got %v, want an *Error naming finfo", dt, err)
		}
	}
}

func TestIinfo(t *testing.T) {
	cases := []struct {
		dt   Dtype
		min  int64
		max  uint64
		repr string
	}{
		{Uint8, 0, 1<<8 - 1, "iinfo(min=0, max=255, dtype=uint8)"},
		{Uint16, 0, 1<<16 - 1, "iinfo(min=0, max=65535, dtype=uint16)"},
		{Uint32, 0, 1<<32 - 1, "iinfo(min=0, max=4294967295, dtype=uint32)"},
		{Uint64, 0, 1<<64 - 1, "iinfo(min=0, max=18446744073709551615, dtype=uint64)"},
		{Int8, -1 << 7, 1<<7 - 1, "iinfo(min=-128, max=127, dtype=int8)"},
		{Int16, -1 << 15, 1<<15 - 1, "iinfo(min=-32768, max=32767, dtype=int16)"},
		{Int32, -1 << 31, 1<<31 - 1, "iinfo(min=-2147483648, max=2147483647, dtype=int32)"},
		{Int64, -1 << 63, 1<<63 - 1, "iinfo(min=-9223372036854775808, max=9223372036854775807, dtype=int64)"},
	}
	for _, c := range cases {
		got := Iinfo(c.dt)
		if got != (IntInfo{c.dt, c.min, c.max}) {
			t.Errorf("Iinfo(%v) = %+v, want min %d max %d", c.dt, got, c.min, c.max)
		}
		if got.String() != c.repr {
			t.Errorf("Iinfo(%v).String() = %s, want %s", c.dt, got.String(), c.repr)
		}
	}
	for _, dt := range []Dtype{Bool, Float16, Float32, Complex64, Dtype(99)} {
		err := Catch(func() { Iinfo(dt) })
		var e *Error
		if !errors.As(err, &e) || e.Op != "iinfo" {
			t.Errorf("Iinfo(%v): got %v, want an *Error naming iinfo", dt, err)
		}
	}
}
