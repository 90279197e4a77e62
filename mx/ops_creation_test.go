package mx

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// wantAs returns vals (float64 references) as an array of type dt.
func wantAs(vals []float64, dt Dtype, shape ...int) *Array {
	a := NewArray(vals, shape...)
	if dt == Float64 {
		return a
	}
	return convertNow(a, dt)
}

// genCase is a table row for a creation op, which has no inputs.
func genCase(name string, f func(o ...Option) *Array, want *Array, tol float64) opCase {
	return opCase{name: name, op: func(_ []*Array, o ...Option) *Array { return f(o...) }, want: want, tol: tol}
}

// repeat returns n copies of v.
func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// rangeRef is NumPy's arange in float64.
func rangeRef(start, stop, step float64) []float64 {
	n := max(int(math.Ceil((stop-start)/step)), 0)
	out := make([]float64, n)
	for i := range out {
		out[i] = start + float64(i)*step
	}
	return out
}

func eyeRef(n, m, k int, tri bool) []float64 {
	out := make([]float64, n*m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if j-i == k || tri && j-i <= k {
				out[i*m+j] = 1
			}
		}
	}
	return out
}

// windowRef is NumPy's definition of the windows, with n = 0 … m-1.
func windowRef(kind string, m int) []float64 {
	out := make([]float64, max(m, 0))
	for n := range out {
		if m == 1 {
			out[n] = 1
			continue
		}
		t := 2 * math.Pi * float64(n) / float64(m-1)
		switch kind {
		case "hanning":
			out[n] = 0.5 - 0.5*math.Cos(t)
		case "hamming":
			out[n] = 0.54 - 0.46*math.Cos(t)
		case "blackman":
			out[n] = 0.42 - 0.5*math.Cos(t) + 0.08*math.Cos(2*t)
		case "bartlett":
			out[n] = 1 - math.Abs(2*float64(n)/float64(m-1)-1)
		}
	}
	return out
}

func init() {
	const f32 = 1e-6
	big := 100003 // more than one goroutine's share
	addCases(
		genCase("zeros/float32", func(o ...Option) *Array { return Zeros([]int{2, 3}, o...) }, wantAs(repeat(0, 6), Float32, 2, 3), 0),
		genCase("zeros/int32", func(o ...Option) *Array { return Zeros([]int{4}, append(o, Int32)...) }, wantAs(repeat(0, 4), Int32), 0),
		genCase("zeros/bool", func(o ...Option) *Array { return Zeros([]int{3}, append(o, Bool)...) }, wantAs(repeat(0, 3), Bool), 0),
		genCase("zeros/complex64", func(o ...Option) *Array { return Zeros([]int{2}, append(o, Complex64)...) }, wantAs(repeat(0, 2), Complex64), 0),
		genCase("zeros/empty", func(o ...Option) *Array { return Zeros([]int{0, 3}, o...) }, wantAs(nil, Float32, 0, 3), 0),
		genCase("zeros/0d", func(o ...Option) *Array { return Zeros(nil, o...) }, wantAs([]float64{0}, Float32, []int{}...), 0),
		genCase("zeros/float16large", func(o ...Option) *Array { return Zeros([]int{big}, append(o, Float16)...) }, wantAs(repeat(0, big), Float16), 0),
		genCase("ones/float32", func(o ...Option) *Array { return Ones([]int{2, 2}, o...) }, wantAs(repeat(1, 4), Float32, 2, 2), 0),
		genCase("ones/bfloat16", func(o ...Option) *Array { return Ones([]int{3}, append(o, Bfloat16)...) }, wantAs(repeat(1, 3), Bfloat16), 0),
		genCase("ones/uint8", func(o ...Option) *Array { return Ones([]int{3}, append(o, Uint8)...) }, wantAs(repeat(1, 3), Uint8), 0),
		genCase("ones/int64large", func(o ...Option) *Array { return Ones([]int{big}, append(o, Int64)...) }, wantAs(repeat(1, big), Int64), 0),
		genCase("ones/complex64", func(o ...Option) *Array { return Ones([]int{2}, append(o, Complex64)...) }, wantAs(repeat(1, 2), Complex64), 0),
		genCase("full/float", func(o ...Option) *Array { return Full([]int{2, 3}, 1.5, o...) }, wantAs(repeat(1.5, 6), Float32, 2, 3), 0),
		genCase("full/int", func(o ...Option) *Array { return Full([]int{3}, 7, o...) }, wantAs(repeat(7, 3), Int32), 0),
		genCase("full/int64", func(o ...Option) *Array { return Full([]int{2}, 1<<40, o...) }, wantAs(repeat(1<<40, 2), Int64), 0),
		genCase("full/bool", func(o ...Option) *Array { return Full([]int{2}, true, o...) }, wantAs(repeat(1, 2), Bool), 0),
		genCase("full/nan", func(o ...Option) *Array { return Full([]int{2}, math.NaN(), o...) }, wantAs(repeat(math.NaN(), 2), Float32), 0),
		genCase("full/-inf", func(o ...Option) *Array { return Full([]int{2}, math.Inf(-1), append(o, Float16)...) }, wantAs(repeat(math.Inf(-1), 2), Float16), 0),
		genCase("full/float_as_int32", func(o ...Option) *Array { return Full([]int{2}, -2.7, append(o, Int32)...) }, wantAs(repeat(-2, 2), Int32), 0),
		genCase("full/float64large", func(o ...Option) *Array { return Full([]int{big}, math.Pi, append(o, Float64)...) }, wantAs(repeat(math.Pi, big), Float64), 0),
		genCase("full/complex", func(o ...Option) *Array { return Full([]int{2}, complex(1, 2), o...) },
			NewArray([]complex64{complex(1, 2), complex(1, 2)}), 0),
		genCase("full/empty", func(o ...Option) *Array { return Full([]int{2, 0}, 3, o...) }, wantAs(nil, Int32, 2, 0), 0),
		opCase{name: "full/array_row", in: []*Array{NewArray([]int32{1, 2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Full([]int{2, 3}, in[0], o...) },
			want: NewArray([]int32{1, 2, 3, 1, 2, 3}, 2, 3)},
		opCase{name: "full/array_column_as_float64", in: []*Array{NewArray([]int32{1, 2}, 2, 1)},
			op:   func(in []*Array, o ...Option) *Array { return Full([]int{2, 3}, in[0], append(o, Float64)...) },
			want: wantAs([]float64{1, 1, 1, 2, 2, 2}, Float64, 2, 3)},
		opCase{name: "full/array_0d", in: []*Array{Scalar(2.5, Float16)},
			op:   func(in []*Array, o ...Option) *Array { return Full([]int{2, 2}, in[0], o...) },
			want: wantAs(repeat(2.5, 4), Float16, 2, 2)},
		opCase{name: "full/array_same_shape", in: []*Array{NewArray([]float32{1, 2, 3, 4}, 2, 2)},
			op:   func(in []*Array, o ...Option) *Array { return Full([]int{2, 2}, in[0], o...) },
			want: NewArray([]float32{1, 2, 3, 4}, 2, 2)},
		opCase{name: "full/array_transposed", in: []*Array{Transpose(NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3))},
			op:   func(in []*Array, o ...Option) *Array { return Full([]int{2, 3, 2}, in[0], o...) },
			want: NewArray([]float32{1, 4, 2, 5, 3, 6, 1, 4, 2, 5, 3, 6}, 2, 3, 2)},
		opCase{name: "full/array_broadcast_view", in: []*Array{BroadcastTo(NewArray([]int32{7, 8}, 2, 1), []int{2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return Full([]int{2, 3}, in[0], append(o, Float16)...) },
			want: wantAs([]float64{7, 7, 7, 8, 8, 8}, Float16, 2, 3)},
		opCase{name: "full_like/transposed", in: []*Array{Transpose(NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3))},
			op:   func(in []*Array, o ...Option) *Array { return FullLike(in[0], -1, o...) },
			want: wantAs(repeat(-1, 6), Float32, 3, 2)},
		opCase{name: "zeros_like/float16", in: []*Array{NewArray([]float32{1, 2, 3}).astypeNow(Float16)},
			op:   func(in []*Array, o ...Option) *Array { return ZerosLike(in[0], o...) },
			want: wantAs(repeat(0, 3), Float16)},
		opCase{name: "zeros_like/dtype", in: []*Array{NewArray([]float32{1, 2, 3, 4}, 2, 2)},
			op:   func(in []*Array, o ...Option) *Array { return ZerosLike(in[0], append(o, Int8)...) },
			want: wantAs(repeat(0, 4), Int8, 2, 2)},
		opCase{name: "ones_like/int32", in: []*Array{NewArray([]int32{5, 6, 7, 8, 9, 10}, 3, 2)},
			op:   func(in []*Array, o ...Option) *Array { return OnesLike(in[0], o...) },
			want: wantAs(repeat(1, 6), Int32, 3, 2)},
		opCase{name: "ones_like/empty", in: []*Array{NewArray([]bool{}, 0, 4)},
			op:   func(in []*Array, o ...Option) *Array { return OnesLike(in[0], o...) },
			want: wantAs(nil, Bool, 0, 4)},
		opCase{name: "full_like/weak_truncates", in: []*Array{NewArray([]int32{1, 2, 3})},
			op:   func(in []*Array, o ...Option) *Array { return FullLike(in[0], 2.9, o...) },
			want: wantAs(repeat(2, 3), Int32)},
		opCase{name: "full_like/broadcast", in: []*Array{NewArray([]float32{0, 0, 0}), NewArray([]float64{4, 5}, 2, 1)},
			op:   func(in []*Array, o ...Option) *Array { return FullLike(in[0], in[1], o...) },
			want: wantAs([]float64{4, 4, 4, 5, 5, 5}, Float32, 2, 3)},
	)

	ar := func(name string, want *Array, tol float64, args ...any) opCase {
		return genCase("arange/"+name, func(o ...Option) *Array {
			a := append([]any{}, args...)
			for _, x := range o {
				a = append(a, x)
			}
			return Arange(a...)
		}, want, tol)
	}
	addCases(
		ar("stop", wantAs(rangeRef(0, 5, 1), Int32), 0, 5),
		ar("start_stop", wantAs(rangeRef(2, 7, 1), Int32), 0, 2, 7),
		ar("int_step", wantAs(rangeRef(1, 10, 3), Int32), 0, 1, 10, 3),
		ar("negative_step", wantAs(rangeRef(5, 0, -2), Int32), 0, 5, 0, -2),
		ar("negative_float_step", wantAs(rangeRef(1, -1, -0.3), Float32), f32, 1, -1, -0.3),
		ar("float_step", wantAs(rangeRef(0, 1, 0.1), Float32), f32, 0, 1, 0.1),
		ar("float_stop", wantAs(rangeRef(0, 2.5, 1), Float32), f32, 2.5),
		ar("empty", wantAs(nil, Int32, 0), 0, 5, 2),
		ar("empty_negative_step", wantAs(nil, Float32, 0), 0, 0.0, 1, -0.5),
		ar("zero_stop", wantAs(nil, Int32, 0), 0, 0),
		ar("float64", wantAs(rangeRef(-1, 1, 0.125), Float64), 1e-15, -1, 1, 0.125, Float64),
		ar("float16", wantAs(rangeRef(0, 3, 0.5), Float16), 0, 0, 3, 0.5, Float16),
		ar("bfloat16", wantAs(rangeRef(-4, 4, 1), Bfloat16), 0, -4, 4, Bfloat16),
		// NumPy's integer rule: the step is int(start+step) - int(start).
		ar("int32_fractional_step", wantAs(repeat(0, 6), Int32), 0, 0, 3, 0.5, Int32),
		ar("int32_from_float", wantAs([]float64{1, 2, 3}, Int32), 0, 1.5, 4.5, 1, Int32),
		ar("uint8", wantAs(rangeRef(250, 255, 1), Uint8), 0, 250, 255, Uint8),
		ar("int64", wantAs(rangeRef(1<<40, 1<<40+3, 1), Int64), 0, 1<<40, 1<<40+3),
		ar("complex64", wantAs(rangeRef(0, 3, 1), Complex64), 0, 3, Complex64),
		ar("infinite_step", wantAs([]float64{2}, Float32), 0, 2, 5, math.Inf(1)),
		ar("infinite_step_empty", wantAs(nil, Float32, 0), 0, 2, 5, math.Inf(-1)),
		ar("large", wantAs(rangeRef(-1000, 1000, 0.01), Float32), 1e-4, -1000, 1000, 0.01),
		ar("large_int", wantAs(rangeRef(0, float64(big), 1), Int32), 0, big),
	)

	ls := func(name string, start, stop float64, num int, want []float64, dt Dtype, tol float64) opCase {
		return genCase("linspace/"+name, func(o ...Option) *Array {
			return Linspace(start, stop, num, append(o, dt)...)
		}, wantAs(want, dt), tol)
	}
	lsRef := func(start, stop float64, num int) []float64 {
		out := make([]float64, num)
		for i := range out {
			out[i] = start + float64(i)*(stop-start)/float64(num-1)
		}
		if num > 0 {
			out[num-1] = stop
		}
		if num == 1 {
			out[0] = start
		}
		return out
	}
	addCases(
		ls("five", 0, 1, 5, lsRef(0, 1, 5), Float32, 0),
		ls("decreasing", 2, -3, 11, lsRef(2, -3, 11), Float32, f32),
		ls("one", 3, 7, 1, []float64{3}, Float32, 0),
		ls("zero", 3, 7, 0, nil, Float32, 0),
		ls("float64_endpoint", 0.1, 0.7, 7, lsRef(0.1, 0.7, 7), Float64, 1e-15),
		ls("float16", -1, 1, 9, lsRef(-1, 1, 9), Float16, 0),
		ls("int32_truncates", 0, 10, 4, []float64{0, 3, 6, 10}, Int32, 0),
		ls("large", 0, 1, big, lsRef(0, 1, big), Float32, f32),
	)

	mat := func(name string, f func(o ...Option) *Array, want *Array) opCase {
		return genCase(name, f, want, 0)
	}
	addCases(
		mat("eye/square", func(o ...Option) *Array { return Eye(3, anys(o)...) }, wantAs(eyeRef(3, 3, 0, false), Float32, 3, 3)),
		mat("eye/wide_k1", func(o ...Option) *Array { return Eye(2, anys(o, 4, 1)...) }, wantAs(eyeRef(2, 4, 1, false), Float32, 2, 4)),
		mat("eye/tall_k-1_int32", func(o ...Option) *Array { return Eye(4, anys(append(o, Int32), 2, -1)...) }, wantAs(eyeRef(4, 2, -1, false), Int32, 4, 2)),
		mat("eye/k_outside", func(o ...Option) *Array { return Eye(3, anys(o, 3, 5)...) }, wantAs(repeat(0, 9), Float32, 3, 3)),
		mat("eye/k_below_outside", func(o ...Option) *Array { return Eye(3, anys(o, 2, -3)...) }, wantAs(repeat(0, 6), Float32, 3, 2)),
		mat("eye/empty", func(o ...Option) *Array { return Eye(0, anys(o)...) }, wantAs(nil, Float32, 0, 0)),
		mat("eye/empty_cols", func(o ...Option) *Array { return Eye(3, anys(o, 0)...) }, wantAs(nil, Float32, 3, 0)),
		mat("eye/bool", func(o ...Option) *Array { return Eye(3, anys(append(o, Bool))...) }, wantAs(eyeRef(3, 3, 0, false), Bool, 3, 3)),
		mat("eye/float16", func(o ...Option) *Array { return Eye(2, anys(append(o, Float16), 3)...) }, wantAs(eyeRef(2, 3, 0, false), Float16, 2, 3)),
		mat("eye/large", func(o ...Option) *Array { return Eye(300, anys(o, 301, 2)...) }, wantAs(eyeRef(300, 301, 2, false), Float32, 300, 301)),
		mat("identity/float64", func(o ...Option) *Array { return Identity(4, append(o, Float64)...) }, wantAs(eyeRef(4, 4, 0, false), Float64, 4, 4)),
		mat("identity/complex64", func(o ...Option) *Array { return Identity(2, append(o, Complex64)...) }, wantAs(eyeRef(2, 2, 0, false), Complex64, 2, 2)),
		mat("tri/square", func(o ...Option) *Array { return Tri(3, anys(o)...) }, wantAs(eyeRef(3, 3, 0, true), Float32, 3, 3)),
		mat("tri/wide_k1", func(o ...Option) *Array { return Tri(3, anys(o, 4, 1)...) }, wantAs(eyeRef(3, 4, 1, true), Float32, 3, 4)),
		mat("tri/tall_k-1_int32", func(o ...Option) *Array { return Tri(4, anys(append(o, Int32), 3, -1)...) }, wantAs(eyeRef(4, 3, -1, true), Int32, 4, 3)),
		mat("tri/k_far_below", func(o ...Option) *Array { return Tri(2, anys(o, 3, -5)...) }, wantAs(repeat(0, 6), Float32, 2, 3)),
		mat("tri/k_far_above", func(o ...Option) *Array { return Tri(2, anys(o, 3, 9)...) }, wantAs(repeat(1, 6), Float32, 2, 3)),
		mat("tri/empty", func(o ...Option) *Array { return Tri(0, anys(o, 4)...) }, wantAs(nil, Float32, 0, 4)),
	)

	win := func(kind string, f func(int, ...Option) *Array, m int, dt Dtype, tol float64) opCase {
		return genCase(kind+"/"+dt.String()+"_"+itoa(m), func(o ...Option) *Array { return f(m, append(o, dt)...) },
			wantAs(windowRef(kind, m), dt, max(m, 0)), tol)
	}
	for _, w := range []struct {
		kind string
		f    func(int, ...Option) *Array
	}{{"hanning", Hanning}, {"hamming", Hamming}, {"bartlett", Bartlett}, {"blackman", Blackman}} {
		addCases(
			win(w.kind, w.f, 12, Float32, f32),
			win(w.kind, w.f, 7, Float64, 1e-15),
			win(w.kind, w.f, 5, Float16, 1e-3),
			win(w.kind, w.f, 1, Float32, 0),
			win(w.kind, w.f, 0, Float32, 0),
			win(w.kind, w.f, -3, Float32, 0),
		)
	}
}

func itoa(i int) string {
	if i < 0 {
		return "m" + itoa(-i)
	}
	return string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

// anys returns nums followed by opts: the trailing arguments of Eye, Tri
// and Arange.
func anys(opts []Option, nums ...any) []any {
	out := append([]any{}, nums...)
	for _, o := range opts {
		out = append(out, o)
	}
	return out
}

// astypeNow converts an available array at once (for building inputs).
func (a *Array) astypeNow(dt Dtype) *Array { return convertNow(a, dt) }

func TestCreationDtypes(t *testing.T) {
	cases := []struct {
		a    *Array
		want Dtype
	}{
		{Arange(5), Int32},
		{Arange(0, 1, 0.25), Float32},
		{Arange(0, 5, 1.0), Float32},
		{Arange(float32(3)), Float32},
		{Arange(int64(1) << 40), Int64},
		{Arange(int8(3)), Int32},
		{Arange(3, Float16), Float16},
		{Full([]int{1}, 1.5), Float32},
		{Full([]int{1}, 2), Int32},
		{Full([]int{1}, uint64(1)<<63), Int64},
		{Full([]int{1}, false), Bool},
		{Full([]int{1}, complex(1, 1)), Complex64},
		{Full([]int{1}, NewArray([]uint16{3})), Uint16},
		{Full([]int{1}, []float64{3}), Float64},
		{Zeros([]int{1}), Float32},
		{Linspace(0, 1, 3), Float32},
		{Eye(2), Float32},
		{Tri(2), Float32},
		{Hanning(4), Float32},
		{ZerosLike(NewArray([]int16{1})), Int16},
	}
	for i, c := range cases {
		if c.a.Dtype() != c.want {
			t.Errorf("case %d: dtype %v, want %v", i, c.a.Dtype(), c.want)
		}
	}
	if got := Arange(0, 1, 0.1).Shape(); got[0] != 10 {
		t.Errorf("arange(0, 1, 0.1) has %d elements, want 10", got[0])
	}
	if got := Arange(1, 2, 0.3).Shape(); got[0] != 4 {
		t.Errorf("arange(1, 2, 0.3) has %d elements, want 4", got[0])
	}
}

func TestCreationErrors(t *testing.T) {
	cases := []struct {
		op string
		f  func()
	}{
		{"zeros", func() { Zeros([]int{2, -1}) }},
		{"zeros", func() { Zeros([]int{2}, Axis(0)) }},
		{"ones", func() { Ones([]int{-3}) }},
		{"full", func() { Full([]int{-1}, 1) }},
		{"full", func() { Full([]int{2, 3}, NewArray([]float32{1, 2})) }},
		{"full", func() { Full([]int{3}, NewArray([]float32{1, 2, 3}, 3, 1)) }},
		{"full", func() { Full([]int{3}, "x") }},
		{"full", func() { Full([]int{3}, 1, Dtype(99)) }},
		{"full_like", func() { FullLike(NewArray([]float32{1, 2, 3}), NewArray([]float32{1, 2})) }},
		{"zeros_like", func() { ZerosLike(nil) }},
		{"arange", func() { Arange() }},
		{"arange", func() { Arange(1, 2, 3, 4) }},
		{"arange", func() { Arange(0, 5, 0) }},
		{"arange", func() { Arange(0, 5, 0.0) }},
		{"arange", func() { Arange(math.NaN()) }},
		{"arange", func() { Arange(0, math.Inf(1)) }},
		{"arange", func() { Arange(math.Inf(-1), 0) }},
		{"arange", func() { Arange(5, Bool) }},
		{"arange", func() { Arange(true) }},
		{"arange", func() { Arange(complex(1, 0)) }},
		{"arange", func() { Arange("5") }},
		{"arange", func() { Arange(Float32, 5) }},
		{"arange", func() { Arange(0, 1e300, 1e-300) }},
		{"arange", func() { Arange(5, KeepDims) }},
		{"linspace", func() { Linspace(0, 1, -1) }},
		{"eye", func() { Eye(-1) }},
		{"eye", func() { Eye(2, -1) }},
		{"eye", func() { Eye(2, 1.5) }},
		{"eye", func() { Eye(2, 2, 0, 1) }},
		{"identity", func() { Identity(-2) }},
		{"tri", func() { Tri(-1) }},
		{"tri", func() { Tri(2, 2, 0.5) }},
		{"hanning", func() { Hanning(3, Axis(0)) }},
	}
	for i, c := range cases {
		err := Catch(c.f)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("case %d (%s): got %v, want an *Error", i, c.op, err)
			continue
		}
		if e.Op != c.op {
			t.Errorf("case %d: error %q names op %q, want %q", i, err, e.Op, c.op)
		}
		if !strings.HasPrefix(err.Error(), "mx: "+c.op+": ") {
			t.Errorf("case %d: message %q", i, err)
		}
	}
}

func BenchmarkFull(b *testing.B) {
	b.SetBytes(4 << 22)
	for b.Loop() {
		if err := Eval(Full([]int{1 << 22}, 1.5)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArange(b *testing.B) {
	b.SetBytes(4 << 22)
	for b.Loop() {
		if err := Eval(Arange(0, 1, 1.0/(1<<22))); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMeshgrid(t *testing.T) {
	x := NewArray([]float32{1, 2, 3})
	y := NewArray([]int32{10, 20})
	z := NewArray([]float64{-1, -2, -3, -4})
	check := func(name string, got *Array, shape []int, want []float64) {
		t.Helper()
		w := NewArray(want, shape...)
		if dt := got.Dtype(); dt != Float64 {
			w = convertNow(w, dt)
		}
		if msg := compareArrays(got, w, 0); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
	}
	// Cartesian indexing: shape (len(y), len(x)).
	g := Meshgrid([]*Array{x, y}, false, "xy")
	check("xy x", g[0], []int{2, 3}, []float64{1, 2, 3, 1, 2, 3})
	check("xy y", g[1], []int{2, 3}, []float64{10, 10, 10, 20, 20, 20})
	g = Meshgrid([]*Array{x, y}, false, "")
	check("default x", g[0], []int{2, 3}, []float64{1, 2, 3, 1, 2, 3})
	// Matrix indexing: shape (len(x), len(y)).
	g = Meshgrid([]*Array{x, y}, false, "ij")
	check("ij x", g[0], []int{3, 2}, []float64{1, 1, 2, 2, 3, 3})
	check("ij y", g[1], []int{3, 2}, []float64{10, 20, 10, 20, 10, 20})
	g = Meshgrid([]*Array{x, y}, true, "xy")
	check("sparse xy x", g[0], []int{1, 3}, []float64{1, 2, 3})
	check("sparse xy y", g[1], []int{2, 1}, []float64{10, 20})
	g = Meshgrid([]*Array{x, y, z}, true, "ij")
	check("sparse ij z", g[2], []int{1, 1, 4}, []float64{-1, -2, -3, -4})
	// Three arrays, Cartesian: shape (2, 3, 4).
	g = Meshgrid([]*Array{x, y, z}, false, "xy")
	want := make([][]float64, 3)
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				want[0] = append(want[0], float64(j+1))
				want[1] = append(want[1], float64(10*(i+1)))
				want[2] = append(want[2], float64(-(k + 1)))
			}
		}
	}
	for i := range 3 {
		check("xy 3-d", g[i], []int{2, 3, 4}, want[i])
	}
	// One array, a matrix flattened, and none.
	g = Meshgrid([]*Array{NewArray([]int32{1, 2, 3, 4}, 2, 2)}, false, "xy")
	check("one", g[0], []int{4}, []float64{1, 2, 3, 4})
	if g = Meshgrid(nil, false, "xy"); len(g) != 0 {
		t.Errorf("meshgrid of nothing gave %d arrays", len(g))
	}
	for i, f := range []func(){
		func() { Meshgrid([]*Array{x}, false, "yx") },
		func() { Meshgrid([]*Array{x, nil}, false, "xy") },
		func() { Meshgrid([]*Array{x}, false, "xy", Int32) },
	} {
		if e, ok := Catch(f).(*Error); !ok || e.Op != "meshgrid" {
			t.Errorf("case %d: got %v, want an *Error from meshgrid", i, Catch(f))
		}
	}
}
