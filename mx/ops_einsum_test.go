package mx

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refEinsum evaluates an einsum in float64 by its definition: every
// assignment of values to the labels adds the product of the operands'
// elements to the output element it names. Subscripts must be explicit
// ("->") and use no ellipsis.
func refEinsum(subscripts string, ops ...*Array) *Array {
	parts := strings.Split(subscripts, "->")
	ins := strings.Split(parts[0], ",")
	out := parts[1]
	sizes := map[byte]int{}
	for i, in := range ins {
		for d := range in {
			sizes[in[d]] = ops[i].Shape()[d]
		}
	}
	var labels []byte
	for l := range sizes {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	space := make([]int, len(labels))
	for i, l := range labels {
		space[i] = sizes[l]
	}
	oshape := make([]int, len(out))
	for d := range out {
		oshape[d] = sizes[out[d]]
	}
	vals := make([][]float64, len(ops))
	for i, x := range ops {
		vals[i] = ToSlice[float64](x)
	}
	res := make([]float64, shapeSize(oshape))
	at := func(sub string, shape []int, idx []int) int {
		pos := make([]int, len(sub))
		for d := range sub {
			pos[d] = idx[slices.Index(labels, sub[d])]
		}
		return convFlat(shape, pos)
	}
	forIndex(space, func(idx []int) {
		p := 1.0
		for i, in := range ins {
			p *= vals[i][at(in, ops[i].Shape(), idx)]
		}
		res[at(out, oshape, idx)] += p
	})
	return Reshape(NewArray(res), oshape)
}

func init() {
	r := rand.New(rand.NewPCG(31, 32))
	type row struct {
		name, sub string // sub with explicit output, for the reference
		call      string // subscripts given to Einsum (implicit or with an ellipsis), or "" for sub
		shapes    [][]int
	}
	rows := []row{
		{"matmul", "ij,jk->ik", "", [][]int{{3, 4}, {4, 5}}},
		{"matmul_implicit", "ij,jk->ik", "ij,jk", [][]int{{3, 4}, {4, 5}}},
		{"transpose_implicit", "ji->ij", "ji", [][]int{{3, 4}}},
		{"trace", "ii->", "ii", [][]int{{4, 4}}},
		{"diagonal", "ii->i", "", [][]int{{4, 4}}},
		{"repeated3", "iji->j", "", [][]int{{3, 2, 3}}},
		{"sum_all", "ijk->", "", [][]int{{2, 3, 4}}},
		{"outer", "i,j->ij", "", [][]int{{3}, {4}}},
		{"inner", "i,i->", "", [][]int{{5}, {5}}},
		{"batched", "bij,bjk->bik", "", [][]int{{2, 3, 4}, {2, 4, 2}}},
		{"attention", "bhqd,bhkd->bhqk", "", [][]int{{2, 2, 3, 4}, {2, 2, 5, 4}}},
		{"chain", "ij,jk,kl->il", "", [][]int{{2, 3}, {3, 4}, {4, 2}}},
		{"four", "ab,bc,cd,da->", "", [][]int{{2, 3}, {3, 4}, {4, 2}, {2, 2}}},
		{"bilinear", "i,ij,j->", "", [][]int{{3}, {3, 4}, {4}}},
		{"hadamard_sum", "ij,ij->i", "", [][]int{{3, 4}, {3, 4}}},
		{"ellipsis", "aij,ajk->aik", "...ij,...jk->...ik", [][]int{{2, 3, 4}, {2, 4, 3}}},
		{"ellipsis_implicit", "aij,ajk->aik", "...ij,...jk", [][]int{{2, 3, 4}, {2, 4, 3}}},
		{"ellipsis_middle", "iaj->ija", "i...j->ij...", [][]int{{2, 3, 4}}},
		{"ellipsis_summed", "ai->i", "...i->i", [][]int{{3, 4}}},
		{"scalar", ",i->i", "", [][]int{{}, {3}}},
		{"empty", "ij,jk->ik", "", [][]int{{0, 3}, {3, 2}}},
		{"empty_contraction", "ij,jk->ik", "", [][]int{{2, 0}, {0, 2}}},
		{"free_summed", "ij,k->j", "", [][]int{{2, 3}, {4}}},
	}
	for _, rw := range rows {
		var in []*Array
		for _, sh := range rw.shapes {
			in = append(in, randArray(r, -1, 1, sh...))
		}
		want := refEinsum(rw.sub, in...)
		call := rw.call
		if call == "" {
			call = rw.sub
		}
		addCases(opCase{
			name: "einsum/" + rw.name,
			in:   in,
			op: func(in []*Array, o ...Option) *Array {
				var out *Array
				WithStream(parseOptions("einsum", optStream, o).stream, func() { out = Einsum(call, in...) })
				return out
			},
			want: want,
			tol:  1e-12,
		})
	}
	ints := []*Array{NewArray([]int32{1, 2, 3, 4, 5, 6}, 2, 3), NewArray([]int32{1, 0, 2, 1, 3, 1}, 3, 2)}
	addCases(opCase{
		name: "einsum/int32",
		in:   ints,
		op:   func(in []*Array, o ...Option) *Array { return Einsum("ij,jk->ik", in...) },
		want: NewArray([]int32{14, 5, 32, 11}, 2, 2),
	}, opCase{
		name: "einsum/bool",
		in:   []*Array{NewArray([]bool{true, false, false, false}, 2, 2), NewArray([]bool{false, true, true, true}, 2, 2)},
		op:   func(in []*Array, o ...Option) *Array { return Einsum("ij,jk->ik", in...) },
		want: NewArray([]bool{false, true, false, false}, 2, 2),
	}, opCase{
		name: "einsum/float32_and_int",
		in:   []*Array{NewArray([]float32{1, 2}), NewArray([]int32{3, 4})},
		op:   func(in []*Array, o ...Option) *Array { return Einsum("i,i", in...) },
		want: Scalar(float32(11)),
	}, opCase{
		name: "einsum/broadcast_ellipsis",
		in:   []*Array{Reshape(NewArray([]float64{1, 2, 3, 4}), []int{1, 2, 2}), Reshape(NewArray([]float64{1, 0, 0, 1, 2, 0, 0, 2}), []int{2, 2, 2})},
		op:   func(in []*Array, o ...Option) *Array { return Einsum("...ij,...jk->...ik", in...) },
		want: Reshape(NewArray([]float64{1, 2, 3, 4, 2, 4, 6, 8}), []int{2, 2, 2}),
	})

	addGradCases(gradCase{
		name: "einsum/chain",
		f:    func(in []*Array) *Array { return Einsum("ij,jk,kl->il", in...) },
		in:   []*Array{randArray(r, -1, 1, 2, 3), randArray(r, -1, 1, 3, 2), randArray(r, -1, 1, 2, 2)},
	}, gradCase{
		name:   "einsum/diagonal_trace",
		f:      func(in []*Array) *Array { return Einsum("iij,jk->k", in...) },
		in:     []*Array{randArray(r, -1, 1, 3, 3, 2), randArray(r, -1, 1, 2, 2)},
		inAxes: []int{2, NoAxis},
	}, gradCase{
		name:   "einsum/ellipsis",
		f:      func(in []*Array) *Array { return Einsum("...ij,...j->...i", in...) },
		in:     []*Array{randArray(r, -1, 1, 2, 3, 2), randArray(r, -1, 1, 2, 2)},
		inAxes: []int{1, 0},
	})
}

func TestEinsumPath(t *testing.T) {
	a, b, c := Zeros([]int{10, 100}), Zeros([]int{100, 5}), Zeros([]int{5, 50})
	path, desc := EinsumPath("ij,jk,kl->il", a, b, c)
	// (a·b) first: 10·100·5 then 10·5·50, far cheaper than b·c first.
	if len(path) != 2 || !slices.Equal(path[0], []int{0, 1}) || !slices.Equal(path[1], []int{0, 1}) {
		t.Fatalf("path %v", path)
	}
	for _, want := range []string{"Complete contraction:  ij,jk,kl->il", "Naive scaling:  4", "Optimized scaling:  3"} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q:\n%s", want, desc)
		}
	}
	if path, _ := EinsumPath("ii", Zeros([]int{3, 3})); len(path) != 1 || !slices.Equal(path[0], []int{0}) {
		t.Errorf("one operand: path %v", path)
	}
	// Greedy order for many operands still contracts everything.
	ops := make([]*Array, 7)
	subs := make([]string, 7)
	for i := range ops {
		ops[i] = Ones([]int{2, 2})
		subs[i] = string(rune('a'+i)) + string(rune('a'+i+1))
	}
	sub := strings.Join(subs, ",") + "->ah"
	if path, _ := EinsumPath(sub, ops...); len(path) != 6 {
		t.Errorf("seven operands: path %v", path)
	}
	got := ToSlice[float32](Einsum(sub, ops...))
	for _, v := range got {
		if v != 64 {
			t.Fatalf("chain of ones: got %v", got)
		}
	}
}

func TestEinsumErrors(t *testing.T) {
	a := Zeros([]int{2, 3})
	cases := map[string]func(){
		"no operands":       func() { Einsum("ij") },
		"count":             func() { Einsum("ij,jk", a) },
		"dims":              func() { Einsum("ijk", a) },
		"sizes":             func() { Einsum("ij,ij", a, Zeros([]int{3, 2})) },
		"bad char":          func() { Einsum("i1", a) },
		"two ellipses":      func() { Einsum("...i...", a) },
		"output missing":    func() { Einsum("ij->k", a) },
		"output repeated":   func() { Einsum("ij->ii", a) },
		"diagonal sizes":    func() { Einsum("ii", a) },
		"two arrows":        func() { Einsum("ij->i->j", a) },
		"nil":               func() { Einsum("ij", nil) },
		"path count":        func() { EinsumPath("ij,jk", a) },
		"ellipsis mismatch": func() { Einsum("...i,...i", Zeros([]int{2, 3}), Zeros([]int{4, 3})) },
	}
	for name, f := range cases {
		var e *Error
		if err := Catch(f); !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", name, err)
		}
	}
}
