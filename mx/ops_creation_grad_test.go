package mx

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Gradient and vmap rows of the creation family (Full from an array value,
// and the *Like ops, whose results do not depend on their template's
// values), and tests of RandomBits under vmap.

func init() {
	r := rand.New(rand.NewPCG(11, 12))
	fullOf := func(shape ...int) func(in []*Array) *Array {
		return func(in []*Array) *Array { return Full(shape, in[0]) }
	}
	addGradCases(
		gradCase{name: "full/same", f: fullOf(2, 3), in: []*Array{randArray(r, -1, 1, 2, 3)}},
		gradCase{name: "full/scalar", f: fullOf(2, 2), in: []*Array{randArray(r, -1, 1)}},
		gradCase{name: "full/broadcast", f: fullOf(2, 3, 4), in: []*Array{randArray(r, -1, 1, 3, 1)}},
		gradCase{name: "full/broadcast_axis1", f: fullOf(2, 3, 4), in: []*Array{randArray(r, -1, 1, 3, 1)}, inAxes: []int{1}},
		gradCase{name: "full/broadcast_axis-1", f: fullOf(2, 3, 4), in: []*Array{randArray(r, -1, 1, 3, 1)}, inAxes: []int{-1}},
		gradCase{name: "full/rank", f: fullOf(3, 2, 4), in: []*Array{randArray(r, -1, 1, 4)}, inAxes: []int{1}},
		gradCase{name: "full/ones", f: fullOf(2, 3), in: []*Array{randArray(r, -1, 1, 1, 1)}},
		gradCase{name: "full/empty", f: fullOf(0, 3), in: []*Array{randArray(r, -1, 1, 3)}},
		gradCase{name: "full/dtype", f: func(in []*Array) *Array {
			return Full([]int{2, 3}, in[0], Float64)
		}, in: []*Array{randArray(r, -1, 1, 3)}},
	)
	fullLike := func(in []*Array) *Array { return FullLike(in[0], in[1]) }
	for _, c := range []struct {
		name string
		axes []int
	}{{"", nil}, {"_value_mapped", []int{NoAxis, 0}}, {"_template_mapped", []int{1, NoAxis}}, {"_axes", []int{-1, 1}}} {
		addGradCases(gradCase{
			name:   "full_like/array" + c.name,
			f:      fullLike,
			in:     []*Array{randArray(r, -1, 1, 2, 3), randArray(r, -1, 1, 3)},
			inAxes: c.axes,
		})
	}
	addGradCases(
		gradCase{name: "full_like/broadcast_both", f: fullLike,
			in: []*Array{randArray(r, -1, 1, 2, 1), randArray(r, -1, 1, 3)}},
		gradCase{name: "full_like/number", f: func(in []*Array) *Array { return FullLike(in[0], 2.5) },
			in: []*Array{randArray(r, -1, 1, 2, 3)}},
		gradCase{name: "zeros_like", f: func(in []*Array) *Array { return ZerosLike(in[0]) },
			in: []*Array{randArray(r, -1, 1, 2, 3)}, inAxes: []int{1}},
		gradCase{name: "ones_like", f: func(in []*Array) *Array { return OnesLike(in[0]) },
			in: []*Array{randArray(r, -1, 1, 3)}},
	)
}

// The JVP of Full is Full of the tangent, so forward mode nests.
func TestFullJVPOfJVP(t *testing.T) {
	x := NewArray([]float64{1, 2, 3}, 3, 1)
	inner := func(in []*Array) []*Array {
		_, t := JVP(func(a []*Array) []*Array { return []*Array{Full([]int{2, 3, 2}, a[0])} },
			in, []*Array{OnesLike(in[0])})
		return t
	}
	out, tan := JVP(inner, []*Array{x}, []*Array{OnesLike(x)})
	if msg := compareArrays(out[0], Ones([]int{2, 3, 2}, Float64), 0); msg != "" {
		t.Error("jvp:", msg)
	}
	if msg := compareArrays(tan[0], Zeros([]int{2, 3, 2}, Float64), 0); msg != "" {
		t.Error("jvp of jvp:", msg)
	}
}

// Nested vmaps of Full move both batch axes into the result. The inner
// out axis is where the rule leaves the batch, so that this runs on Full's
// rule alone; withRules runs the default out axes, which also need the
// rule of Transpose.
func TestFullVmapOfVmap(t *testing.T) {
	x := NewArray(seqData(2, 3, 4), 2, 3, 4) // batches of 2 (axis 0) and 4 (axis 2) of (3)
	f := func(in []*Array) []*Array { return []*Array{Full([]int{2, 3}, in[0])} }
	var rows []*Array
	for i := range 2 {
		for j := range 4 {
			rows = append(rows, Full([]int{2, 3}, Index(x, i, Colon, j)))
		}
	}
	want := Reshape(stackHost(rows, 0), []int{2, 4, 2, 3})
	got := Vmap(Vmap(f, []int{1}, []int{2}), nil, nil)([]*Array{x})[0]
	if msg := compareArrays(got, MoveAxis(want, 1, 3), 0); msg != "" {
		t.Fatal(msg)
	}
	withRules(t, func() {
		got := Vmap(Vmap(f, []int{1}, nil), nil, nil)([]*Array{x})[0]
		if msg := compareArrays(got, want, 0); msg != "" {
			t.Fatal(msg)
		}
	})
}

// withRules runs f, and skips the test if f needs the vmap rule of a
// primitive that has none yet.
func withRules(t *testing.T, f func()) {
	t.Helper()
	err := Catch(f)
	if e, ok := err.(*Error); ok && e.Op == "vmap" && strings.HasSuffix(e.Msg, "has no vmap rule") {
		t.Skip(e.Msg)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// bitsLoop draws RandomBits from each key of keys (shape (n, 2)) in turn
// and stacks the results.
func bitsLoop(keys *Array, shape []int, width int) *Array {
	var parts []*Array
	for i := range keys.Shape()[0] {
		parts = append(parts, RandomBits(Index(keys, i), shape, width))
	}
	return stackHost(parts, 0)
}

// Vmapping RandomBits over a batch of keys gives what each key gives alone,
// whichever axis of the keys holds the batch and whichever width.
func TestRandomBitsVmap(t *testing.T) {
	keys := RandomBits(NewArray([]uint32{0, 7}), []int{5, 2}, 4) // five keys
	for _, width := range []int{1, 2, 4} {
		for _, shape := range [][]int{{}, {3}, {2, 3}, {1, 7}, {0, 2}} {
			want := bitsLoop(keys, shape, width)
			f := func(in []*Array) []*Array { return []*Array{RandomBits(in[0], shape, width)} }
			for _, c := range []struct {
				keys *Array
				axis int
			}{{keys, 0}, {Transpose(keys), 1}, {Transpose(keys), -1}} {
				got := Vmap(f, []int{c.axis}, nil)([]*Array{c.keys})[0]
				if msg := compareArrays(got, want, 0); msg != "" {
					t.Errorf("width %d shape %v axis %d: %s", width, shape, c.axis, msg)
				}
			}
			// The batch axis of the output where out_axes puts it.
			if len(shape) > 0 {
				got := Vmap(f, nil, []int{-1})([]*Array{keys})[0]
				if msg := compareArrays(got, MoveAxis(want, 0, -1), 0); msg != "" {
					t.Errorf("width %d shape %v out axis -1: %s", width, shape, msg)
				}
			}
		}
	}
}

// Nested vmaps over a grid of keys, with the inner batch on either side of
// the key pair.
func TestRandomBitsVmapNested(t *testing.T) {
	grid := RandomBits(NewArray([]uint32{3, 4}), []int{3, 4, 2}, 4) // (3, 4) keys
	shape := []int{2, 3}
	f := func(in []*Array) []*Array { return []*Array{RandomBits(in[0], shape, 2)} }
	var parts []*Array
	for i := range 3 {
		parts = append(parts, bitsLoop(Index(grid, i), shape, 2))
	}
	want := stackHost(parts, 0) // (3, 4, 2, 3)

	got := Vmap(Vmap(f, nil, nil), nil, nil)([]*Array{grid})[0]
	if msg := compareArrays(got, want, 0); msg != "" {
		t.Error("keys (3, 4, 2):", msg)
	}
	// Keys laid out as (4, 2, 3): both batches around the pair, the outer
	// one last; the inner one maps axis 0 of (4, 2).
	got = Vmap(Vmap(f, []int{0}, nil), []int{2}, nil)([]*Array{PermuteDims(grid, Axes(1, 2, 0))})[0]
	if msg := compareArrays(got, want, 0); msg != "" {
		t.Error("keys (4, 2, 3):", msg)
	}
	// Keys laid out as (3, 2, 4): the inner batch follows the pair, so the
	// rule swaps it with the pair, and the outer vmap sees that.
	withRules(t, func() {
		got := Vmap(Vmap(f, []int{1}, nil), nil, nil)([]*Array{SwapAxes(grid, 1, 2)})[0]
		if msg := compareArrays(got, want, 0); msg != "" {
			t.Error("keys (3, 2, 4):", msg)
		}
	})
}

// An unmapped key gives every element of the batch the same bits.
func TestRandomBitsVmapUnmappedKey(t *testing.T) {
	key := NewArray([]uint32{1, 2})
	x := Zeros([]int{3, 2})
	f := func(in []*Array) []*Array { return []*Array{RandomBits(in[1], []int{4}, 4)} }
	got := Vmap(f, []int{0, NoAxis}, nil)([]*Array{x, key})[0]
	one := RandomBits(key, []int{4}, 4)
	want := stackHost([]*Array{one, one, one}, 0)
	if msg := compareArrays(got, want, 0); msg != "" {
		t.Fatal(msg)
	}
}
