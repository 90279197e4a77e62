package mx

import (
	"errors"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
)

type tAttn struct {
	QProj  *Array
	KProj  *Array `mx:"k"`
	Skip   *Array `mx:"-"`
	hidden *Array
	Scale  float64
}

type TBase struct {
	Embed *Array
}

type tLayer struct {
	Attn  *tAttn
	Norms [2]*Array
	Extra map[string]*Array
}

type tModel struct {
	TBase
	Layers []tLayer
	Head   any
	Bias   *Array
	Name   string
}

func vec(vals ...float32) *Array { return NewArray(vals) }

// newTModel returns a filled model whose arrays hold distinct values.
func newTModel() *tModel {
	n := float32(0)
	next := func() *Array { n++; return vec(n, -n) }
	m := &tModel{TBase: TBase{Embed: next()}, Name: "m"}
	for range 2 {
		m.Layers = append(m.Layers, tLayer{
			Attn:  &tAttn{QProj: next(), KProj: next(), Skip: next(), hidden: next(), Scale: 0.5},
			Norms: [2]*Array{next(), next()},
			Extra: map[string]*Array{"b": next(), "a": next()},
		})
	}
	m.Head = map[string]any{"x": next(), "list": []any{next(), nil, 3.0}}
	return m
}

var tModelPaths = []string{
	"embed",
	"layers.0.attn.q_proj", "layers.0.attn.k", "layers.0.norms.0", "layers.0.norms.1",
	"layers.0.extra.a", "layers.0.extra.b",
	"layers.1.attn.q_proj", "layers.1.attn.k", "layers.1.norms.0", "layers.1.norms.1",
	"layers.1.extra.a", "layers.1.extra.b",
	"head.list.0", "head.x",
}

func leafPaths(leaves []TreeLeaf) []string {
	var out []string
	for _, l := range leaves {
		out = append(out, l.Path)
	}
	return out
}

func sameLeaves(t *testing.T, what string, got, want []TreeLeaf) {
	t.Helper()
	if !reflect.DeepEqual(leafPaths(got), leafPaths(want)) {
		t.Fatalf("%s: paths %v, want %v", what, leafPaths(got), leafPaths(want))
	}
	for i := range got {
		if got[i].Array != want[i].Array {
			t.Errorf("%s: %s holds another array", what, got[i].Path)
		}
	}
}

// sameLeafSet is sameLeaves up to the order of the leaves.
func sameLeafSet(t *testing.T, what string, got, want []TreeLeaf) {
	t.Helper()
	byPath := func(l []TreeLeaf) []TreeLeaf {
		l = append([]TreeLeaf(nil), l...)
		sort.Slice(l, func(i, j int) bool { return l[i].Path < l[j].Path })
		return l
	}
	sameLeaves(t, what, byPath(got), byPath(want))
}

// wantTreeError checks that f panics with an *Error of op whose message
// mentions each of words.
func wantTreeError(t *testing.T, what, op string, f func(), words ...string) {
	t.Helper()
	var e *Error
	if err := Catch(f); !errors.As(err, &e) {
		t.Errorf("%s: got %v, want *Error", what, err)
		return
	}
	checkTreeError(t, what, op, e, words...)
}

func checkTreeError(t *testing.T, what, op string, err error, words ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: got %v, want *Error", what, err)
		return
	}
	if e.Op != op {
		t.Errorf("%s: op %q, want %q (%v)", what, e.Op, op, e)
	}
	for _, w := range words {
		if !strings.Contains(e.Error(), w) {
			t.Errorf("%s: %q does not mention %q", what, e.Error(), w)
		}
	}
}

func TestTreeFlattenPaths(t *testing.T) {
	m := newTModel()
	leaves := TreeFlatten(m)
	if got := leafPaths(leaves); !reflect.DeepEqual(got, tModelPaths) {
		t.Fatalf("paths\n%v\nwant\n%v", got, tModelPaths)
	}
	if leaves[0].Array != m.Embed || leaves[5].Array != m.Layers[0].Extra["a"] {
		t.Errorf("leaves hold other arrays")
	}
	// A struct value flattens as its pointer does; a bare array has path "".
	sameLeaves(t, "by value", TreeFlatten(*m), leaves)
	a := vec(1)
	if got := TreeFlatten(a); len(got) != 1 || got[0].Path != "" || got[0].Array != a {
		t.Errorf("bare array: %v", got)
	}
	if got := TreeFlatten(nil); len(got) != 0 {
		t.Errorf("nil tree: %v", got)
	}
	if got := TreeFlatten(3.5); len(got) != 0 {
		t.Errorf("number: %v", got)
	}
	if got := TreeFlatten(&tModel{Layers: make([]tLayer, 3)}); len(got) != 0 {
		t.Errorf("empty model: %v", leafPaths(got))
	}
}

func TestTreeSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"QProj": "q_proj", "Weight": "weight", "LayerNorm": "layer_norm", "MLP": "mlp",
		"HTTPServer": "http_server", "W1": "w1", "FC2": "fc2", "Conv2D": "conv2d",
		"InProj": "in_proj", "LayerNorm1": "layer_norm1", "QKVProj": "qkv_proj",
		"already_snake": "already_snake", "X": "x", "EmbedTokens": "embed_tokens",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTreeMap(t *testing.T) {
	m := newTModel()
	before := TreeFlatten(m)
	var seen []string
	out := TreeMapWithPath(m, func(p string, a *Array) *Array {
		seen = append(seen, p)
		return Multiply(a, 2)
	})
	if !reflect.DeepEqual(seen, tModelPaths) {
		t.Errorf("TreeMapWithPath paths %v", seen)
	}
	// The input is unchanged and shares no container with the output.
	sameLeaves(t, "input after map", TreeFlatten(m), before)
	if out == m || out.Layers[0].Attn == m.Layers[0].Attn || &out.Layers[0] == &m.Layers[0] {
		t.Fatalf("TreeMap shares containers with its input")
	}
	out.Layers[1].Extra["a"] = nil
	out.Head.(map[string]any)["list"].([]any)[0] = nil
	if m.Layers[1].Extra["a"] == nil || m.Head.(map[string]any)["list"].([]any)[0] == nil {
		t.Fatalf("changing the output changed the input")
	}
	out = TreeMap(m, func(a *Array) *Array { return Multiply(a, 2) })
	after := TreeFlatten(out)
	if !reflect.DeepEqual(leafPaths(after), tModelPaths) {
		t.Fatalf("mapped paths %v", leafPaths(after))
	}
	for i, l := range after {
		want := ToSlice[float32](before[i].Array)
		got := ToSlice[float32](l.Array)
		if got[0] != 2*want[0] || got[1] != 2*want[1] {
			t.Errorf("%s = %v, want twice %v", l.Path, got, want)
		}
	}
	// Values outside the tree are copied as they are; skipped fields too.
	a0 := out.Layers[0].Attn
	if out.Name != "m" || a0.Scale != 0.5 || a0.hidden != m.Layers[0].Attn.hidden || a0.Skip != m.Layers[0].Attn.Skip {
		t.Errorf("fields outside the tree changed: %+v", a0)
	}
	if l := out.Head.(map[string]any)["list"].([]any); l[1] != nil || l[2] != 3.0 {
		t.Errorf("list of non-arrays: %v", l)
	}
	// The type is kept for maps, slices and interfaces as roots.
	mp := TreeMap(map[string]*Array{"w": vec(1)}, Negative)
	if got := ToSlice[float32](mp["w"]); got[0] != -1 {
		t.Errorf("map tree: %v", got)
	}
	var anyTree any = []any{vec(3), map[string]any{"b": vec(4)}}
	anyOut := TreeMap(anyTree, Negative)
	if got := ToSlice[float32](anyOut.([]any)[1].(map[string]any)["b"].(*Array)); got[0] != -4 {
		t.Errorf("any tree: %v", got)
	}
	if got := TreeMap[any](nil, Negative); got != nil {
		t.Errorf("nil tree mapped to %v", got)
	}
	// f may return nil; nil leaves are not passed to f.
	calls := 0
	cleared := TreeMap(&tModel{TBase: TBase{Embed: vec(1)}}, func(*Array) *Array { calls++; return nil })
	if calls != 1 || cleared.Embed != nil {
		t.Errorf("calls %d, embed %v", calls, cleared.Embed)
	}
}

func TestTreeMap2(t *testing.T) {
	p := map[string][]*Array{"w": {vec(1), vec(2), vec(3)}}
	g := map[string][]*Array{"w": {vec(10), nil}}
	out := TreeMap2(p, g, func(x, y *Array) *Array {
		if y == nil {
			return x
		}
		return Subtract(x, y)
	})
	var got []float32
	for _, a := range out["w"] {
		got = append(got, ToSlice[float32](a)[0])
	}
	if !reflect.DeepEqual(got, []float32{-9, 2, 3}) {
		t.Errorf("TreeMap2 = %v", got)
	}
	var a, b any = []any{vec(1)}, []any{map[string]any{}}
	wantTreeError(t, "interface types differ", "tree_map", func() { TreeMap2(a, b, Add) }, "*mx.Array", "map[string]interface {}")
}

// Add2 is Add as a function of two arrays.
func Add2(x, y *Array) *Array { return Add(x, y) }

func TestTreeReduce(t *testing.T) {
	m := newTModel()
	n := TreeReduce(m, func(n int, a *Array) int { return n + a.Size() }, 0)
	if n != 2*len(tModelPaths) {
		t.Errorf("TreeReduce counted %d elements, want %d", n, 2*len(tModelPaths))
	}
	s := TreeReduce(map[string]any{"a": []*Array{vec(1, 2), vec(3)}, "b": vec(4, 5)},
		func(acc *Array, a *Array) *Array { return Add(acc, Sum(a)) }, Scalar(float32(0)))
	if got := Item[float32](s); got != 15 {
		t.Errorf("sum of leaves = %v, want 15", got)
	}
	wantTreeError(t, "nil reducer", "tree_reduce", func() { TreeReduce[int](m, nil, 0) }, "nil")
}

func TestTreeUnflatten(t *testing.T) {
	w0, w1, b, e := vec(1), vec(2), vec(3), vec(4)
	leaves := []TreeLeaf{{"embed", e}, {"layers.0.weight", w0}, {"layers.2.weight", w1}, {"layers.2.bias", b}}
	tree := TreeUnflatten(leaves)
	top, ok := tree.(map[string]any)
	if !ok {
		t.Fatalf("unflatten gave %T", tree)
	}
	layers, ok := top["layers"].([]any)
	if !ok || len(layers) != 3 || layers[1] != nil {
		t.Fatalf("layers: %#v", top["layers"])
	}
	if layers[2].(map[string]any)["bias"] != b || top["embed"] != e {
		t.Errorf("wrong leaves: %#v", top)
	}
	// Flattening gives the leaves back, in the walk's order.
	sameLeaves(t, "round trip", TreeFlatten(tree), []TreeLeaf{
		{"embed", e}, {"layers.0.weight", w0}, {"layers.2.bias", b}, {"layers.2.weight", w1}})
	// A struct model round trips through the generic form.
	flat := TreeFlatten(newTModel())
	sameLeafSet(t, "model round trip", TreeFlatten(TreeUnflatten(flat)), flat)

	if got := TreeUnflatten([]TreeLeaf{{"", e}}); got != e {
		t.Errorf("root leaf: %v", got)
	}
	if got, ok := TreeUnflatten(nil).(map[string]any); !ok || len(got) != 0 {
		t.Errorf("no leaves: %#v", got)
	}
	// Names that are not canonical numbers make maps.
	if _, ok := TreeUnflatten([]TreeLeaf{{"01", e}, {"1", b}}).(map[string]any); !ok {
		t.Errorf("leading zero made a list")
	}
	if _, ok := TreeUnflatten([]TreeLeaf{{"0", e}, {"x", b}}).(map[string]any); !ok {
		t.Errorf("mixed names made a list")
	}
	wantTreeError(t, "duplicate", "tree_unflatten", func() { TreeUnflatten([]TreeLeaf{{"a.b", e}, {"a.b", b}}) }, `"a.b"`)
	wantTreeError(t, "leaf and prefix", "tree_unflatten", func() { TreeUnflatten([]TreeLeaf{{"a", e}, {"a.b", b}}) }, `"a"`, `"a.b"`)
	wantTreeError(t, "huge index", "tree_unflatten", func() { TreeUnflatten([]TreeLeaf{{"x.999999999", e}}) }, "gap")
}

func TestTreeUpdate(t *testing.T) {
	src := newTModel()
	flat := TreeFlatten(src)
	// Into an empty model: nil pointers are allocated, map entries added.
	dst := &tModel{Layers: []tLayer{{}, {}}, Head: map[string]any{"list": []any{nil}}}
	if err := TreeUpdate(dst, flat); err != nil {
		t.Fatal(err)
	}
	sameLeaves(t, "update", TreeFlatten(dst), flat)
	// Into a generic tree from TreeUnflatten.
	generic := TreeUnflatten(flat).(map[string]any)
	repl := TreeMap(src, Negative)
	if err := TreeUpdate(generic, TreeFlatten(repl)); err != nil {
		t.Fatal(err)
	}
	sameLeafSet(t, "update generic", TreeFlatten(generic), TreeFlatten(repl))
	// Through a pointer to an interface holding a struct value, and a
	// map of struct values: copies are stored back.
	type pair struct{ A, B *Array }
	var boxed any = pair{A: vec(1)}
	nb := vec(9)
	if err := TreeUpdate(&boxed, []TreeLeaf{{"b", nb}}); err != nil {
		t.Fatal(err)
	}
	if boxed.(pair).B != nb || boxed.(pair).A == nil {
		t.Errorf("boxed struct: %+v", boxed)
	}
	mp := map[string]pair{"p": {}}
	if err := TreeUpdate(mp, []TreeLeaf{{"p.a", nb}}); err != nil || mp["p"].A != nb {
		t.Errorf("map of structs: %v %+v", err, mp)
	}
	// A slice root, an array root through a pointer, and the root itself.
	sl := []*Array{nil, nil}
	if err := TreeUpdate(sl, []TreeLeaf{{"1", nb}}); err != nil || sl[1] != nb {
		t.Errorf("slice root: %v", err)
	}
	var arr [2]*Array
	if err := TreeUpdate(&arr, []TreeLeaf{{"0", nb}}); err != nil || arr[0] != nb {
		t.Errorf("array root: %v", err)
	}
	var root *Array
	if err := TreeUpdate(&root, []TreeLeaf{{"", nb}}); err != nil || root != nb {
		t.Errorf("root leaf: %v", err)
	}

	// Errors leave the tree unchanged, even when earlier paths were fine.
	m := newTModel()
	keep := TreeFlatten(m)
	for _, c := range []struct {
		name   string
		tree   any
		leaves []TreeLeaf
		words  []string
	}{
		{"unknown field", m, []TreeLeaf{{"embed", nb}, {"layers.0.attn.v_proj", nb}}, []string{"v_proj", "tAttn"}},
		{"index range", m, []TreeLeaf{{"embed", nb}, {"layers.5.attn.k", nb}}, []string{"layers.5.attn.k", "length 2"}},
		{"bad index", m, []TreeLeaf{{"layers.x.attn.k", nb}}, []string{`"x"`}},
		{"not an array", m, []TreeLeaf{{"embed", nb}, {"layers.0.attn.scale", nb}}, []string{"scale", "float64"}},
		{"below an array", m, []TreeLeaf{{"embed.w", nb}}, []string{"embed.w"}},
		{"sub-tree in an interface", m, []TreeLeaf{{"head", nb}}, []string{`"head"`, "map[string]interface {}"}},
		{"missing deep key", m, []TreeLeaf{{"layers.0.extra.c.d", nb}}, []string{`"c"`}},
		{"skipped field", m, []TreeLeaf{{"layers.0.attn.skip", nb}}, []string{"skip"}},
		{"unexported field", m, []TreeLeaf{{"layers.0.attn.hidden", nb}}, []string{"hidden"}},
		{"nil interface", &tModel{}, []TreeLeaf{{"head.x", nb}}, []string{"head.x"}},
		{"duplicate", m, []TreeLeaf{{"embed", nb}, {"embed", nb}}, []string{"twice"}},
		{"struct value", *m, nil, []string{"pointer"}},
		{"nil pointer", (*tModel)(nil), nil, []string{"pointer"}},
		{"nil map", map[string]*Array(nil), nil, []string{"map"}},
		{"bare array", nb, nil, []string{"*mx.Array"}},
		{"nil", nil, nil, []string{"<nil>"}},
	} {
		checkTreeError(t, c.name, "tree_update", TreeUpdate(c.tree, c.leaves), c.words...)
	}
	sameLeaves(t, "after failed updates", TreeFlatten(m), keep)
	if m.Layers[0].Attn.Skip == nb || m.Layers[0].Attn.hidden == nb {
		t.Errorf("a failed update set a field")
	}
}

type tNode struct {
	W    *Array
	Next *tNode
}

type tDup struct {
	TBase
	Embed *Array
}

type tSelf struct {
	*tSelfInner
}

type TInner struct {
	W *Array
}

type tOuter struct {
	*TInner
	V *Array
}

type tSelfInner struct {
	W *Array
}

func TestTreeMerge(t *testing.T) {
	a, b := vec(1), vec(2)
	m := TreeMerge(map[string]any{"a": a}, map[string]any{"b": b})
	sameLeaves(t, "merge maps", TreeFlatten(m), []TreeLeaf{{"a", a}, {"b", b}})
	wantTreeError(t, "both hold", "tree_merge", func() { TreeMerge(m, map[string]any{"a": b}) }, `"a"`)
	wantTreeError(t, "self", "tree_merge", func() { TreeMerge(m, m) }, "merge function")
	sum := TreeMerge(m, m, Add2)
	if got := ToSlice[float32](sum["b"].(*Array)); got[0] != 4 {
		t.Errorf("merge function: %v", got)
	}
	// MLX's example: a list of one sub-tree and a list with a hole.
	p1, p2 := map[string]any{"w": a}, map[string]any{"w": b}
	got := TreeMerge(map[string]any{"layers": []any{p1}}, map[string]any{"layers": []any{nil, p2}})
	sameLeaves(t, "merge lists", TreeFlatten(got), []TreeLeaf{{"layers.0.w", a}, {"layers.1.w", b}})
	// Typed trees: nil pointers and arrays are filled from the other.
	x := &tModel{TBase: TBase{Embed: a}, Name: "x", Layers: []tLayer{{Attn: &tAttn{QProj: a}}}}
	y := &tModel{Bias: b, Name: "y", Layers: []tLayer{{Attn: &tAttn{KProj: b}}, {Attn: &tAttn{QProj: b}}}}
	xy := TreeMerge(x, y)
	sameLeaves(t, "merge structs", TreeFlatten(xy), []TreeLeaf{
		{"embed", a}, {"layers.0.attn.q_proj", a}, {"layers.0.attn.k", b}, {"layers.1.attn.q_proj", b}, {"bias", b}})
	if xy.Name != "x" || xy.Layers[1].Attn == y.Layers[1].Attn || xy == x {
		t.Errorf("merge shares containers or lost values")
	}
	wantTreeError(t, "two merge functions", "tree_merge", func() { TreeMerge(x, y, Add2, Add2) }, "one")
	wantTreeError(t, "interface types", "tree_merge", func() {
		TreeMerge[any](map[string]any{"a": []any{a}}, map[string]any{"a": map[string]any{"c": b}})
	}, `"a"`)
}

func TestTreeCyclesAndConflicts(t *testing.T) {
	n := &tNode{W: vec(1)}
	n.Next = &tNode{W: vec(2), Next: n}
	wantTreeError(t, "flatten cycle", "tree_flatten", func() { TreeFlatten(n) }, "cycle", "next.next")
	wantTreeError(t, "map cycle", "tree_map", func() { TreeMap(n, Negative) }, "cycle")
	wantTreeError(t, "reduce cycle", "tree_reduce", func() { TreeReduce(n, func(k int, _ *Array) int { return k + 1 }, 0) }, "cycle")
	wantTreeError(t, "merge cycle", "tree_merge", func() { TreeMerge(n, &tNode{}) }, "cycle")
	wantTreeError(t, "grad cycle", "value_and_grad_tree", func() {
		ValueAndGradTree(func(*tNode) *Array { return Scalar(1.0) })(n)
	}, "cycle")
	mp := map[string]any{"w": vec(1)}
	mp["self"] = mp
	wantTreeError(t, "map self", "tree_flatten", func() { TreeFlatten(mp) }, "cycle", "self")
	sl := []any{vec(1), nil}
	sl[1] = sl
	wantTreeError(t, "slice self", "tree_flatten", func() { TreeFlatten(sl) }, "cycle")
	// A sub-slice of the same backing array is not a cycle.
	s2 := make([]any, 2)
	s2[0] = vec(1)
	s2[1] = s2[:1]
	if got := leafPaths(TreeFlatten(s2)); !reflect.DeepEqual(got, []string{"0", "1.0"}) {
		t.Errorf("sub-slice: %v", got)
	}
	// A shared sub-tree is not a cycle: each path lists it.
	shared := &tAttn{QProj: vec(1)}
	two := []*tAttn{shared, shared}
	if got := leafPaths(TreeFlatten(two)); !reflect.DeepEqual(got, []string{"0.q_proj", "1.q_proj"}) {
		t.Errorf("shared: %v", got)
	}
	// Field name conflicts.
	wantTreeError(t, "name conflict", "tree_flatten", func() { TreeFlatten(&tDup{Embed: vec(1)}) }, "embed")
	checkTreeError(t, "update conflict", "tree_update", TreeUpdate(&tDup{}, []TreeLeaf{{"embed", vec(1)}}), "embed")
	// An exported embedded pointer is walked, and allocated by TreeUpdate;
	// an unexported one is not part of the tree.
	var o tOuter
	if err := TreeUpdate(&o, []TreeLeaf{{"w", vec(1)}, {"v", vec(2)}}); err != nil || o.TInner == nil || o.W == nil {
		t.Errorf("embedded pointer: %v %+v", err, o)
	}
	if got := leafPaths(TreeFlatten(&o)); !reflect.DeepEqual(got, []string{"w", "v"}) {
		t.Errorf("embedded pointer paths %v", got)
	}
	if c := TreeMap(&o, Negative); c.TInner == o.TInner {
		t.Errorf("TreeMap shares an embedded pointer")
	}
	checkTreeError(t, "unexported embedded", "tree_update", TreeUpdate(&tSelf{}, []TreeLeaf{{"w", vec(1)}}), `"w"`)
	// Nil functions.
	wantTreeError(t, "nil map fn", "tree_map", func() { TreeMap(n, (func(*Array) *Array)(nil)) }, "nil")
	wantTreeError(t, "nil grad fn", "grad_tree", func() { GradTree[*tNode](nil) }, "nil")
}

// The model of the gradient tests: two dense layers held in a struct.
type tDense struct {
	W, B *Array
}

type tMLP struct {
	L1, L2 tDense
	Act    string
	Frozen *Array `mx:"-"`
}

// dense returns x @ w + b for x (n, d), w (d, h), b (h), with broadcasting.
func (l tDense) apply(x *Array) *Array {
	return Add(Sum(Multiply(ExpandDims(x, 2), l.W), Axis(1)), l.B)
}

func (m *tMLP) loss(x, y *Array) *Array {
	h := Tanh(m.L1.apply(x))
	return Mean(Square(Subtract(Multiply(m.L2.apply(h), m.Frozen), y)))
}

func filled(shape []int, seed float64) *Array {
	n := shapeSize(shape)
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Sin(seed + 1.7*float64(i))
	}
	return NewArray(v, shape...)
}

func newTMLP() *tMLP {
	return &tMLP{
		L1:     tDense{W: filled([]int{3, 4}, 1), B: filled([]int{4}, 2)},
		L2:     tDense{W: filled([]int{4, 2}, 3), B: filled([]int{2}, 4)},
		Act:    "tanh",
		Frozen: NewArray([]float64{1.5, -0.5}),
	}
}

func TestValueAndGradTree(t *testing.T) {
	m := newTMLP()
	x, y := filled([]int{5, 3}, 5), filled([]int{5, 2}, 6)
	lossFn := func(p *tMLP) *Array { return p.loss(x, y) }
	loss, g := ValueAndGradTree(lossFn)(m)
	if g == m || g.Act != "tanh" || g.Frozen != m.Frozen {
		t.Fatalf("gradient tree: %+v", g)
	}
	// Against ValueAndGrad over the flat arrays.
	flat := func(a ...*Array) *Array {
		p := &tMLP{L1: tDense{a[0], a[1]}, L2: tDense{a[2], a[3]}, Frozen: m.Frozen}
		return p.loss(x, y)
	}
	v2, g2 := ValueAndGrad(flat, 0, 1, 2, 3)(m.L1.W, m.L1.B, m.L2.W, m.L2.B)
	if Item[float64](loss) != Item[float64](v2) {
		t.Errorf("loss %v, want %v", Item[float64](loss), Item[float64](v2))
	}
	leaves := TreeFlatten(g)
	if got := leafPaths(leaves); !reflect.DeepEqual(got, []string{"l1.w", "l1.b", "l2.w", "l2.b"}) {
		t.Fatalf("gradient paths %v", got)
	}
	for i, l := range leaves {
		if !reflect.DeepEqual(l.Array.Shape(), g2[i].Shape()) || !Item[bool](AllClose(l.Array, g2[i])) {
			t.Errorf("%s = %v, want %v", l.Path, ToSlice[float64](l.Array), ToSlice[float64](g2[i]))
		}
	}
	// Against central finite differences, element by element.
	params := TreeFlatten(m)
	const h = 1e-6
	for i, p := range params {
		vals := ToSlice[float64](p.Array)
		grad := ToSlice[float64](leaves[i].Array)
		for j := range vals {
			at := func(d float64) float64 {
				v := append([]float64(nil), vals...)
				v[j] += d
				shifted := TreeMapWithPath(m, func(path string, a *Array) *Array {
					if path == p.Path {
						return NewArray(v, a.Shape()...)
					}
					return a
				})
				return Item[float64](lossFn(shifted))
			}
			fd := (at(h) - at(-h)) / (2 * h)
			if math.Abs(fd-grad[j]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("%s[%d]: grad %v, finite difference %v", p.Path, j, grad[j], fd)
			}
		}
	}
	// GradTree gives the same gradients; the parameters are untouched.
	g3 := GradTree(lossFn)(m)
	for i, l := range TreeFlatten(g3) {
		if !Item[bool](ArrayEqual(l.Array, leaves[i].Array)) {
			t.Errorf("GradTree %s differs", l.Path)
		}
	}
	if m.L1.W != params[0].Array {
		t.Errorf("the parameters changed")
	}
}

func TestGradTreeForms(t *testing.T) {
	// A map tree, with a nil leaf and an integer leaf.
	tree := map[string]*Array{"a": NewArray([]float32{1, 2}), "n": NewArray([]int32{3}), "z": nil}
	g := GradTree(func(p map[string]*Array) *Array {
		return Sum(Multiply(Square(p["a"]), AsType(p["n"], Float32)))
	})(tree)
	if got := ToSlice[float32](g["a"]); got[0] != 6 || got[1] != 12 {
		t.Errorf("d/da = %v, want [6 12]", got)
	}
	if got := ToSlice[int32](g["n"]); got[0] != 0 || g["n"].Dtype() != Int32 {
		t.Errorf("integer leaf gradient %v %v", got, g["n"].Dtype())
	}
	if z, ok := g["z"]; !ok || z != nil {
		t.Errorf("nil leaf: %v %v", z, ok)
	}
	// Gradient of a gradient: d/dx of d/dx sum(x^3) = 6x.
	d2 := GradTree(func(p []*Array) *Array {
		return Sum(GradTree(func(q []*Array) *Array { return Sum(Power(q[0], 3)) })(p)[0])
	})([]*Array{NewArray([]float64{1, 2})})
	if got := ToSlice[float64](d2[0]); got[0] != 6 || got[1] != 12 {
		t.Errorf("second derivative %v, want [6 12]", got)
	}
	// A tree without arrays.
	v, empty := ValueAndGradTree(func(*tMLP) *Array { return Scalar(2.0) })(&tMLP{Act: "relu"})
	if Item[float64](v) != 2 || empty.Act != "relu" || empty.L1.W != nil {
		t.Errorf("empty tree: %v %+v", v, empty)
	}
	m := newTMLP()
	wantTreeError(t, "not a scalar", "value_and_grad_tree", func() {
		ValueAndGradTree(func(p *tMLP) *Array { return p.L1.B })(m)
	}, "scalar", "(4,)")
	wantTreeError(t, "nil value", "grad_tree", func() {
		GradTree(func(*tMLP) *Array { return nil })(m)
	}, "nil")
}
