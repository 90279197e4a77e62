package mx

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// refMM multiplies row-major float64 matrices a (m×k) and b (k×n).
func refMM(a, b []float64, m, k, n int) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			for j := 0; j < n; j++ {
				c[i*n+j] += a[i*k+p] * b[p*n+j]
			}
		}
	}
	return c
}

// sylvester returns the n×n Sylvester-Hadamard matrix, row-major.
func sylvester(n int) []float64 {
	h := []float64{1}
	for s := 1; s < n; s *= 2 {
		next := make([]float64, 4*s*s)
		for i := 0; i < s; i++ {
			for j := 0; j < s; j++ {
				v := h[i*s+j]
				next[i*2*s+j], next[i*2*s+j+s] = v, v
				next[(i+s)*2*s+j], next[(i+s)*2*s+j+s] = v, -v
			}
		}
		h = next
	}
	return h
}

func init() {
	r := rand.New(rand.NewPCG(41, 42))

	// BlockMaskedMM: masks expanded block by block in the reference.
	const m, k, n, bs = 40, 70, 36, 32
	a, b := randArray(r, -1, 1, m, k), randArray(r, -1, 1, k, n)
	lhs := NewArray([]bool{true, false, true, true, true, false}, 2, 3)
	rhs := NewArray([]float64{0.5, 1, 2, 0, 1, -1}, 3, 2)
	outMask := NewArray([]bool{true, true, false, true}, 2, 2)
	av, bv := ToSlice[float64](a), ToSlice[float64](b)
	lv, rv, ov := ToSlice[bool](lhs), ToSlice[float64](rhs), ToSlice[bool](outMask)
	am, bm := make([]float64, len(av)), make([]float64, len(bv))
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			if lv[(i/bs)*3+p/bs] {
				am[i*k+p] = av[i*k+p]
			}
		}
	}
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			bm[p*n+j] = bv[p*n+j] * rv[(p/bs)*2+j/bs]
		}
	}
	want := refMM(am, bm, m, k, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if !ov[(i/bs)*2+j/bs] {
				want[i*n+j] = 0
			}
		}
	}
	// A NaN in a block that the mask removes must not reach the result.
	av[1*k+40] = math.NaN()
	a = Reshape(NewArray(av), []int{m, k})
	addCases(opCase{
		name: "block_masked_mm/all_masks",
		in:   []*Array{a, b, outMask, lhs, rhs},
		op: func(in []*Array, o ...Option) *Array {
			return BlockMaskedMM(in[0], in[1], bs, in[2], in[3], in[4], o...)
		},
		want: Reshape(NewArray(want), []int{m, n}),
		tol:  1e-12,
	}, opCase{
		name: "block_masked_mm/no_mask",
		in:   []*Array{NewArray([]float32{1, 2, 3, 4}, 2, 2), NewArray([]float32{1, 0, 0, 1}, 2, 2)},
		op:   func(in []*Array, o ...Option) *Array { return BlockMaskedMM(in[0], in[1], 32, nil, nil, nil, o...) },
		want: NewArray([]float32{1, 2, 3, 4}, 2, 2),
	})

	// GatherMM.
	ga, gb := randArray(r, -1, 1, 3, 2, 4), randArray(r, -1, 1, 2, 4, 3)
	li := NewArray([]int32{2, 0, 1, 1}, 2, 2)
	ri := NewArray([]uint8{1, 0, 0, 1}, 2, 2)
	gav, gbv := ToSlice[float64](ga), ToSlice[float64](gb)
	var gw []float64
	for t, l := range []int{2, 0, 1, 1} {
		rr := []int{1, 0, 0, 1}[t]
		gw = append(gw, refMM(gav[l*8:(l+1)*8], gbv[rr*12:(rr+1)*12], 2, 4, 3)...)
	}
	addCases(opCase{
		name: "gather_mm/both",
		in:   []*Array{ga, gb, li, ri},
		op:   func(in []*Array, o ...Option) *Array { return GatherMM(in[0], in[1], in[2], in[3], o...) },
		want: Reshape(NewArray(gw), []int{2, 2, 2, 3}),
		tol:  1e-12,
	}, opCase{
		name: "gather_mm/rhs_only_broadcast",
		in:   []*Array{Reshape(ga, []int{1, 3, 2, 4}), gb, NewArray([]int32{1})},
		op: func(in []*Array, o ...Option) *Array {
			return GatherMM(Index(in[0], 0, 2), in[1], nil, in[2], o...)
		},
		want: Reshape(NewArray(refMM(gav[16:24], gbv[12:24], 2, 4, 3)), []int{1, 2, 3}),
		tol:  1e-12,
	})

	// SegmentedMM.
	sa, sb := randArray(r, -1, 1, 3, 6), randArray(r, -1, 1, 6, 2)
	segs := [][2]int{{0, 2}, {2, 6}, {3, 3}, {1, 5}}
	sav, sbv := ToSlice[float64](sa), ToSlice[float64](sb)
	var sw []float64
	for _, sg := range segs {
		c := make([]float64, 6)
		for i := 0; i < 3; i++ {
			for p := sg[0]; p < sg[1]; p++ {
				for j := 0; j < 2; j++ {
					c[i*2+j] += sav[i*6+p] * sbv[p*2+j]
				}
			}
		}
		sw = append(sw, c...)
	}
	addCases(opCase{
		name: "segmented_mm/segments",
		in:   []*Array{sa, sb, NewArray([]int64{0, 2, 2, 6, 3, 3, 1, 5}, 2, 2, 2)},
		op:   func(in []*Array, o ...Option) *Array { return SegmentedMM(in[0], in[1], in[2], o...) },
		want: Reshape(NewArray(sw), []int{2, 2, 3, 2}),
		tol:  1e-12,
	})

	// HadamardTransform against the Sylvester matrix.
	for _, nn := range []int{2, 8, 64} {
		x := randArray(r, -1, 1, 3, nn)
		h := sylvester(nn)
		xv := ToSlice[float64](x)
		var hw []float64
		for row := 0; row < 3; row++ {
			hw = append(hw, refMM(xv[row*nn:(row+1)*nn], h, 1, nn, nn)...)
		}
		for i := range hw {
			hw[i] /= math.Sqrt(float64(nn))
		}
		want := Reshape(NewArray(hw), []int{3, nn})
		for _, dt := range []Dtype{Float32, Float64, Float16, Bfloat16} {
			addCases(opCase{
				name: "hadamard_transform/" + shapeString([]int{3, nn}) + "/" + dt.String(),
				in:   []*Array{AsType(x, dt)},
				op:   func(in []*Array, o ...Option) *Array { return HadamardTransform(in[0], o...) },
				want: AsType(want, dt),
				tol:  convTol(dt) * 4,
			})
		}
	}
	addCases(opCase{
		name: "hadamard_transform/int_scale",
		in:   []*Array{NewArray([]int32{1, 2, 3, 4})},
		op:   func(in []*Array, o ...Option) *Array { return HadamardTransform(in[0], append(o, Scale(1))...) },
		want: NewArray([]float32{10, -2, -4, 0}),
	}, opCase{
		name: "hadamard_transform/strided",
		in:   []*Array{Transpose(NewArray([]float64{1, 2, 3, 4}, 2, 2))},
		op:   func(in []*Array, o ...Option) *Array { return HadamardTransform(in[0], append(o, Scale(1))...) },
		want: NewArray([]float64{4, -2, 6, -2}, 2, 2),
	}, opCase{
		name: "hadamard_transform/0d",
		in:   []*Array{Scalar(3.0)},
		op:   func(in []*Array, o ...Option) *Array { return HadamardTransform(in[0], append(o, Scale(2))...) },
		want: Scalar(6.0),
	})

	addGradCases(gradCase{
		name:   "hadamard_transform/rows",
		f:      func(in []*Array) *Array { return HadamardTransform(in[0]) },
		in:     []*Array{randArray(r, -1, 1, 2, 4)},
		inAxes: []int{1},
	}, gradCase{
		name:   "gather_mm/both",
		f:      func(in []*Array) *Array { return GatherMM(in[0], in[1], in[2], in[3]) },
		in:     []*Array{randArray(r, -1, 1, 3, 2, 2), randArray(r, -1, 1, 2, 2, 3), NewArray([]int32{2, 0, 2}), NewArray([]int32{1, 1, 0})},
		inAxes: []int{0, 1, NoAxis, NoAxis},
	}, gradCase{
		name:   "gather_mm/batched_indices",
		f:      func(in []*Array) *Array { return GatherMM(in[0], in[1], in[2], nil) },
		in:     []*Array{randArray(r, -1, 1, 3, 2, 2), randArray(r, -1, 1, 2, 3), NewArray([]int32{2, 0})},
		inAxes: []int{NoAxis, 0, 0},
	}, gradCase{
		name: "gather_mm/all_batched",
		f:    func(in []*Array) *Array { return GatherMM(in[0], in[1], in[2], nil) },
		in:   []*Array{randArray(r, -1, 1, 3, 2, 2), randArray(r, -1, 1, 2, 3), NewArray([]int32{2, 0})},
	}, gradCase{
		name:   "segmented_mm/segments",
		f:      func(in []*Array) *Array { return SegmentedMM(in[0], in[1], in[2]) },
		in:     []*Array{randArray(r, -1, 1, 2, 5), randArray(r, -1, 1, 5, 2), NewArray([]int32{0, 3, 1, 5}, 2, 2)},
		inAxes: []int{0, 1, NoAxis},
	}, gradCase{
		name: "block_masked_mm/masks",
		f: func(in []*Array) *Array {
			return BlockMaskedMM(in[0], in[1], 32, NewArray([]bool{true, false}, 1, 2), NewArray([]float64{2, 0.5}, 1, 2), nil)
		},
		in: []*Array{randArray(r, -1, 1, 2, 33), randArray(r, -1, 1, 33, 33)},
	})
}

func TestMatmulSpecialErrors(t *testing.T) {
	a, b := Zeros([]int{4, 4}), Zeros([]int{4, 4})
	m := Ones([]int{1, 1}, Bool)
	cases := map[string]func(){
		"block size":      func() { BlockMaskedMM(a, b, 16, m, nil, nil) },
		"mask shape":      func() { BlockMaskedMM(a, b, 32, Ones([]int{2, 1}, Bool), nil, nil) },
		"masked ints":     func() { BlockMaskedMM(Zeros([]int{4, 4}, Int32), Zeros([]int{4, 4}, Int32), 32, m, nil, nil) },
		"gather float":    func() { GatherMM(Zeros([]int{2, 4, 4}), b, Zeros([]int{2}), nil) },
		"gather inner":    func() { GatherMM(Zeros([]int{2, 4, 3}), b, Zeros([]int{2}, Int32), nil) },
		"segments shape":  func() { SegmentedMM(a, b, Zeros([]int{3}, Int32)) },
		"segments float":  func() { SegmentedMM(a, b, Zeros([]int{1, 2})) },
		"segments batch":  func() { SegmentedMM(Zeros([]int{2, 4, 4}), b, Zeros([]int{1, 2}, Int32)) },
		"hadamard size":   func() { HadamardTransform(Zeros([]int{2, 12})) },
		"hadamard empty":  func() { HadamardTransform(Zeros([]int{0, 4})) },
		"scale elsewhere": func() { Sum(a, Scale(2)) },
	}
	for name, f := range cases {
		var e *Error
		if err := Catch(f); !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", name, err)
		}
	}
	// An index out of range is a runtime error from Eval.
	out := GatherMM(Zeros([]int{2, 4, 4}), b, NewArray([]int32{5}), nil)
	if err := Eval(out); err == nil {
		t.Error("gather_mm with index 5 of 2 matrices: no error")
	}
}
