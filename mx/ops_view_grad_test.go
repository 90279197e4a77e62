package mx

import (
	"math/rand/v2"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// joinFlat places the flattened arrays one after the other in one 1-D
// array (a concatenation of their row-major elements), with scatterPrim:
// it lets a gradient row see every output of a multi-output op.
func joinFlat(parts ...*Array) *Array {
	places := make([]viewPlace, len(parts))
	n := 0
	for i, p := range parts {
		places[i] = viewPlace{core.RowMajorStrides(p.shape), n}
		n += p.Size()
	}
	return scatterViews(DefaultStream(), []int{n}, parts, places)
}

// one returns a row of a one-input op.
func one(name string, x *Array, f func(*Array) *Array, inAxes ...int) gradCase {
	c := gradCase{name: name, in: []*Array{x}, f: func(in []*Array) *Array { return f(in[0]) }}
	if len(inAxes) > 0 {
		c.inAxes = inAxes
	}
	return c
}

// hasRules reports whether prim has VJP, JVP and vmap rules.
func hasRules(prim Primitive) bool {
	_, v := prim.(VJPRule)
	_, j := prim.(JVPRule)
	_, m := prim.(VmapRule)
	return v && j && m
}

func init() {
	r := rand.New(rand.NewPCG(7, 8))
	x := func(shape ...int) *Array { return randArray(r, -1, 1, shape...) }
	// tr returns a transposed (strided) view of a fresh array of shape.
	tr := func(shape ...int) *Array {
		rev := make([]int, len(shape))
		for i, d := range shape {
			rev[len(shape)-1-i] = d
		}
		return Transpose(x(rev...))
	}

	addGradCases(
		one("reshape/2x3-3x2", x(2, 3), func(a *Array) *Array { return Reshape(a, []int{3, 2}) }),
		one("reshape/infer", x(2, 3, 2), func(a *Array) *Array { return Reshape(a, []int{-1, 4}) }, 1),
		one("reshape/0d", x(), func(a *Array) *Array { return Reshape(a, []int{1, 1}) }),
		one("reshape/to-0d", x(1, 1), func(a *Array) *Array { return Reshape(a, []int{}) }, -1),
		one("reshape/strided", tr(3, 4), func(a *Array) *Array { return Reshape(a, []int{2, 6}) }, 1),
		one("reshape/empty", x(0, 3), func(a *Array) *Array { return Reshape(a, []int{3, 0}) }),
		one("flatten/all", x(2, 3, 2), func(a *Array) *Array { return Flatten(a) }, 2),
		one("flatten/neg", x(2, 3, 2, 2), func(a *Array) *Array { return Flatten(a, StartAxis(-3), EndAxis(-2)) }, -1),
		one("flatten/0d", x(), func(a *Array) *Array { return Flatten(a) }),
		one("unflatten/mid", x(2, 6), func(a *Array) *Array { return Unflatten(a, -1, []int{3, -1}) }, 1),

		one("squeeze/all", x(1, 3, 1), func(a *Array) *Array { return Squeeze(a) }),
		one("squeeze/neg", x(2, 1, 3, 1), func(a *Array) *Array { return Squeeze(a, Axis(-1)) }, 2),
		one("squeeze/axes", x(1, 2, 1), func(a *Array) *Array { return Squeeze(a, Axes(0, -1)) }, -1),
		one("expand_dims/front", x(2, 3), func(a *Array) *Array { return ExpandDims(a, 0) }),
		one("expand_dims/many", x(2, 3), func(a *Array) *Array { return ExpandDims(a, []int{0, -1, 2}) }, 1),
		one("expand_dims/0d", x(), func(a *Array) *Array { return ExpandDims(a, -1) }),

		one("transpose/default", x(2, 3, 4), func(a *Array) *Array { return Transpose(a) }),
		one("transpose/axes", x(2, 3, 4), func(a *Array) *Array { return Transpose(a, Axes(-1, 0, 1)) }, 2),
		one("transpose/strided", tr(2, 3), func(a *Array) *Array { return Transpose(a, Axes(1, 0)) }, 1),
		one("permute_dims/axes", x(2, 3, 2), func(a *Array) *Array { return PermuteDims(a, Axes(1, 2, 0)) }, -2),
		one("swapaxes/neg", x(2, 3, 4), func(a *Array) *Array { return SwapAxes(a, 0, -1) }, 1),
		one("moveaxis/neg", x(2, 3, 4), func(a *Array) *Array { return MoveAxis(a, -1, 0) }, -1),

		one("broadcast_to/lead", x(3), func(a *Array) *Array { return BroadcastTo(a, []int{2, 3}) }),
		one("broadcast_to/inner", x(2, 1), func(a *Array) *Array { return BroadcastTo(a, []int{2, 4}) }, 1),
		one("broadcast_to/mixed", x(1, 3, 1), func(a *Array) *Array { return BroadcastTo(a, []int{2, 2, 3, 4}) }, -1),
		one("broadcast_to/0d", x(), func(a *Array) *Array { return BroadcastTo(a, []int{2, 2}) }),
		one("broadcast_to/ones", x(1), func(a *Array) *Array { return BroadcastTo(a, []int{1, 1}) }),
		one("broadcast_to/empty", x(1, 3), func(a *Array) *Array { return BroadcastTo(a, []int{0, 3}) }),
		gradCase{
			name:   "broadcast_arrays/first",
			in:     []*Array{x(3, 1), x(4)},
			f:      func(in []*Array) *Array { return BroadcastArrays(in)[0] },
			inAxes: []int{1, NoAxis},
		},
		gradCase{
			name:   "broadcast_arrays/second",
			in:     []*Array{x(3, 1), x(4)},
			f:      func(in []*Array) *Array { return BroadcastArrays(in)[1] },
			inAxes: []int{-1, 0},
		},

		// Sliding windows overlap: their gradient sums over the windows.
		one("as_strided/windows", x(6), func(a *Array) *Array { return AsStrided(a, []int{4, 3}, []int{1, 1}, 0) }),
		one("as_strided/offset", x(3, 4), func(a *Array) *Array { return AsStrided(a, []int{2, 2}, []int{4, 2}, 1) }, 1),
		one("as_strided/reversed", x(2, 3), func(a *Array) *Array { return AsStrided(a, []int{3, 2}, []int{-1, 3}, 2) }, -1),
		one("as_strided/repeat", x(4), func(a *Array) *Array { return AsStrided(a, []int{2, 3}, []int{0, 1}, 1) }),
		one("as_strided/strided", tr(3, 2), func(a *Array) *Array { return AsStrided(a, []int{2, 2}, []int{3, 1}, 1) }, 1),
		one("as_strided/default", x(2, 3), func(a *Array) *Array { return AsStrided(a, nil, nil, 0) }),
		one("as_strided/empty", x(3), func(a *Array) *Array { return AsStrided(a, []int{0, 2}, []int{1, 1}, 0) }),

		one("diagonal/main", x(3, 3), func(a *Array) *Array { return Diagonal(a, 0) }),
		one("diagonal/above", x(3, 4), func(a *Array) *Array { return Diagonal(a, 1) }, 1),
		one("diagonal/below", x(4, 3), func(a *Array) *Array { return Diagonal(a, -2) }, -1),
		one("diagonal/axes", x(2, 3, 4), func(a *Array) *Array { return Diagonal(a, 1, Axes(-1, 0)) }, 1),
		one("diagonal/strided", tr(3, 2, 3), func(a *Array) *Array { return Diagonal(a, 0, Axes(2, 0)) }, 2),
		one("diagonal/outside", x(2, 3), func(a *Array) *Array { return Diagonal(a, 5) }),

		one("split/equal", x(6, 2), func(a *Array) *Array { return joinFlat(Split(a, 3)...) }),
		one("split/indices", x(2, 7), func(a *Array) *Array { return joinFlat(Split(a, []int{2, -2}, Axis(-1))...) }, 1),
		one("split/one", x(2, 6), func(a *Array) *Array { return Split(a, 3, Axis(1))[1] }, -1),
		one("split/empty-part", x(5), func(a *Array) *Array { return joinFlat(Split(a, []int{3, 1})...) }),
		one("split/strided", tr(4, 3), func(a *Array) *Array { return joinFlat(Split(a, 2)...) }, 1),
		one("unstack/axis", x(2, 3), func(a *Array) *Array { return joinFlat(Unstack(a, Axis(-1))...) }, 1),
		gradCase{
			name:   "scatter_views/join",
			in:     []*Array{x(2, 2), x(3)},
			f:      func(in []*Array) *Array { return joinFlat(in...) },
			inAxes: []int{1, NoAxis},
		},
		gradCase{
			name: "scatter_views/overlap",
			in:   []*Array{x(2, 3), x(3)},
			f: func(in []*Array) *Array {
				return scatterViews(DefaultStream(), []int{4}, in, []viewPlace{{[]int{1, 1}, 0}, {[]int{-1}, 3}})
			},
			inAxes: []int{-1, 0},
		},

		one("index/int", x(3, 4), func(a *Array) *Array { return Index(a, 1) }),
		one("index/neg-int", x(3, 4), func(a *Array) *Array { return Index(a, Colon, -1) }, 1),
		one("index/span", x(5, 3), func(a *Array) *Array { return Index(a, S(1, 4)) }, 1),
		one("index/step", x(7), func(a *Array) *Array { return Index(a, S(1, 7).Step(2)) }),
		one("index/neg-step", x(3, 5), func(a *Array) *Array { return Index(a, Colon, Colon.Step(-2)) }, -1),
		one("index/neg-bounds", x(6, 2), func(a *Array) *Array { return Index(a, S(-1, 0).Step(-3)) }, 1),
		one("index/newaxis-ellipsis", x(2, 3, 4), func(a *Array) *Array { return Index(a, 1, NewAxis, Ellipsis, S(0, 3).Step(2)) }),
		one("index/ellipsis-int", x(2, 3, 4), func(a *Array) *Array { return Index(a, Ellipsis, -2) }, 2),
		one("index/ellipsis-mid", x(2, 3, 4), func(a *Array) *Array { return Index(a, To(1), Ellipsis, NewAxis, From(2)) }, 1),
		one("index/empty", x(4, 2), func(a *Array) *Array { return Index(a, S(3, 1)) }),
		one("index/strided", tr(4, 3), func(a *Array) *Array { return Index(a, Colon.Step(-1), S(1, 3)) }, 1),
		one("flip/all", x(2, 3), func(a *Array) *Array { return Flip(a) }),
		one("flip/axis", x(2, 3, 2), func(a *Array) *Array { return Flip(a, Axis(-2)) }, 2),

		one("atleast_1d/0d", x(), func(a *Array) *Array { return Atleast1d(a) }),
		one("atleast_2d/1d", x(3), func(a *Array) *Array { return Atleast2d(a) }),
		one("atleast_2d/0d", x(), func(a *Array) *Array { return Atleast2d(a) }),
		one("atleast_3d/1d", x(3), func(a *Array) *Array { return Atleast3d(a) }),
		one("atleast_3d/2d", x(2, 3), func(a *Array) *Array { return Atleast3d(a) }, 1),

		// Views of views.
		one("chain/views", x(2, 3, 4), func(a *Array) *Array {
			b := Index(Transpose(a, Axes(2, 0, 1)), S(1, 4), NewAxis)
			return Diagonal(Reshape(b, []int{3, 2, 3}), 0, Axes(0, 2))
		}, 1),
	)

	// Diff is a difference of two slices: its rows need Subtract's rules.
	if hasRules(binaryPrim{}) {
		addGradCases(
			one("diff/1", x(5), func(a *Array) *Array { return Diff(a, 1) }),
			one("diff/2-axis0", x(5, 3), func(a *Array) *Array { return Diff(a, 2, Axis(0)) }, 1),
			one("diff/neg-axis", x(2, 4), func(a *Array) *Array { return Diff(a, 1, Axis(-1)) }, -1),
			one("diff/past-end", x(3, 2), func(a *Array) *Array { return Diff(a, 4, Axis(0)) }),
		)
	}
}

// TestScatterViewsValues checks the sums of overlapping views and the
// element types the scatter kernel accepts, against values worked out by
// hand.
func TestScatterViewsValues(t *testing.T) {
	// Windows of three over six elements: element i lies in
	// min(i+1, 3, 6-i) windows.
	want := []float64{1, 2, 3, 3, 2, 1}
	for _, dt := range []Dtype{Float16, Bfloat16, Float32, Float64, Complex64, Int32, Uint8} {
		ones := AsType(BroadcastTo(Scalar(1), []int{4, 3}), dt)
		got := scatterViews(DefaultStream(), []int{6}, []*Array{ones}, []viewPlace{{[]int{1, 1}, 0}})
		if msg := compareArrays(AsType(got, Float64), NewArray(want), 0); msg != "" {
			t.Errorf("%v: %s", dt, msg)
		}
	}
	// Large enough to run in parallel: every other element of a vector.
	n := 1 << 17
	d := AsType(BroadcastTo(Scalar(2), []int{n}), Float32)
	v := ToSlice[float32](scatterViews(DefaultStream(), []int{2 * n}, []*Array{d}, []viewPlace{{[]int{2}, 1}}))
	for i, e := range v {
		if w := float32(2 * (i % 2)); e != w {
			t.Fatalf("element %d is %v, want %v", i, e, w)
		}
	}
}

// TestViewGradValues checks gradients of a few views against values
// worked out by hand.
func TestViewGradValues(t *testing.T) {
	x := NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	cases := []struct {
		name string
		f    func(*Array) *Array
		want []float64
	}{
		{"broadcast", func(a *Array) *Array { return BroadcastTo(Index(a, Colon, NewAxis, To(2)), []int{2, 4, 2}) },
			[]float64{4, 4, 0, 4, 4, 0}},
		{"windows", func(a *Array) *Array { return AsStrided(a, []int{2, 3}, []int{2, 1}, 1) },
			[]float64{0, 1, 1, 2, 1, 1}},
		{"diagonal", func(a *Array) *Array { return Diagonal(a, 1) }, []float64{0, 1, 0, 0, 0, 1}},
		{"slice", func(a *Array) *Array { return Index(a, -1, Colon.Step(-2)) }, []float64{0, 0, 0, 1, 0, 1}},
	}
	for _, c := range cases {
		f := func(in []*Array) []*Array { return []*Array{c.f(in[0])} }
		out := f([]*Array{x})[0]
		_, g := VJP(f, []*Array{x}, []*Array{BroadcastTo(Scalar(1.0), out.shape)})
		if msg := compareArrays(g[0], NewArray(c.want, 2, 3), 0); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
	}
}

// TestViewTransformsCompose checks the rules of the rules: the VJP of a
// view is a linear map of the cotangent whose own VJP is the view again
// (the transpose of the transpose), whose JVP is itself, and which vmap
// batches as a loop would.
func TestViewTransformsCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	views := []struct {
		name  string
		shape []int
		f     func(*Array) *Array
	}{
		{"as_strided", []int{6}, func(a *Array) *Array { return AsStrided(a, []int{4, 3}, []int{1, 1}, 0) }},
		{"slice", []int{3, 5}, func(a *Array) *Array { return Index(a, S(2, 0).Step(-1), Colon.Step(2)) }},
		{"diagonal", []int{3, 4}, func(a *Array) *Array { return Diagonal(a, 1) }},
		{"split", []int{5, 2}, func(a *Array) *Array { return joinFlat(Split(a, []int{2})...) }},
		{"broadcast", []int{3, 1}, func(a *Array) *Array { return BroadcastTo(a, []int{2, 3, 2}) }},
		{"transpose", []int{2, 3, 2}, func(a *Array) *Array { return Transpose(a, Axes(1, 2, 0)) }},
	}
	for _, v := range views {
		if v.name == "broadcast" && !hasRules(reducePrim{}) {
			continue // its VJP is a Sum
		}
		x := randArray(r, -1, 1, v.shape...)
		outShape := v.f(x).shape
		// g maps a cotangent of the view's output to one of its input.
		g := func(c []*Array) []*Array {
			_, vjp := VJP(func(in []*Array) []*Array { return []*Array{v.f(in[0])} }, []*Array{x}, c)
			return vjp
		}
		c := randArray(r, -1, 1, outShape...)
		u := randArray(r, -1, 1, v.shape...)
		_, gg := VJP(g, []*Array{c}, []*Array{u})
		if msg := compareArrays(gg[0], v.f(u), 1e-12); msg != "" {
			t.Errorf("%s: vjp of vjp: %s", v.name, msg)
		}
		_, jg := JVP(g, []*Array{c}, []*Array{c})
		if msg := compareArrays(jg[0], g([]*Array{c})[0], 1e-12); msg != "" {
			t.Errorf("%s: jvp of vjp: %s", v.name, msg)
		}
		var cs, want []*Array
		for range 3 {
			ci := randArray(r, -1, 1, outShape...)
			cs = append(cs, ci)
			want = append(want, g([]*Array{ci})[0])
		}
		got := Vmap(g, []int{-1}, nil)([]*Array{stackHost(cs, -1)})[0]
		if msg := compareArrays(got, stackHost(want, 0), 1e-12); msg != "" {
			t.Errorf("%s: vmap of vjp: %s", v.name, msg)
		}
	}
}
