package mx

import (
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Trees.
//
// A tree is a Go value made of *Array leaves held in structs, maps with
// string keys, slices, arrays, pointers and interfaces, nested to any depth:
// a model's parameters, an optimizer's state, a batch of named inputs. The
// functions here follow MLX's mlx.utils (tree_flatten, tree_unflatten,
// tree_map, tree_map_with_path, tree_reduce, tree_merge), and GradTree and
// ValueAndGradTree differentiate functions of trees.
//
// How a tree is walked:
//   - A struct's exported fields are its children, in declaration order. A
//     field is named by its `mx:"name"` tag if it has one, else by its Go
//     name in snake_case (QProj -> q_proj, LayerNorm -> layer_norm,
//     MLP -> mlp, W1 -> w1). The tag `mx:"-"` leaves a field out; so does
//     being unexported. The fields of an exported embedded struct (or
//     pointer to struct) without a tag are walked as if they were the outer
//     struct's own, as encoding/json does; two fields of one struct that end
//     up with the same name make the struct unusable as a tree (*Error).
//   - A pointer or an interface stands for what it points to or holds.
//   - A map with string keys has its entries as children, in sorted key order.
//   - A slice's or array's elements are its children, named 0, 1, 2, ...
//   - A nil *Array (or nil pointer, map, slice or interface) holds no leaf
//     and is skipped. Values of any other type (numbers, strings, funcs,
//     maps with other keys) are not part of the tree: the walk ignores them
//     and TreeMap copies them as they are.
//
// A leaf's path joins the names from the root with dots, as checkpoints
// name their tensors: layers.0.attn.q_proj.weight. Map keys that contain a
// dot make paths that TreeUnflatten and TreeUpdate read differently.
//
// A pointer (or map or slice) met again below itself is a cycle: walking it
// panics with *Error. A struct reached twice through different paths (a
// shared sub-model) is not a cycle: each path lists its leaves, and
// TreeMap makes a separate copy for each.

// TreeLeaf is one array of a tree and the dotted path that names it.
type TreeLeaf struct {
	Path  string
	Array *Array
}

var arrayType = reflect.TypeFor[*Array]()

// TreeFlatten returns the non-nil arrays of tree with their paths, in the
// order of the walk: struct fields in declaration order, map keys sorted,
// slice elements by index. A bare *Array flattens to one leaf with the path
// "". It panics with *Error when the tree has a cycle.
//
//	for _, l := range mx.TreeFlatten(model) {
//		fmt.Println(l.Path, l.Array.Shape()) // layers.0.attn.q_proj.weight [64 64]
//	}
func TreeFlatten(tree any) []TreeLeaf {
	var out []TreeLeaf
	walkTree("tree_flatten", tree, func(path string, a *Array) {
		out = append(out, TreeLeaf{Path: path, Array: a})
	})
	return out
}

// TreeReduce folds f over the non-nil arrays of tree in TreeFlatten's
// order, starting from init:
//
//	n := mx.TreeReduce(model, func(n int, a *mx.Array) int { return n + a.Size() }, 0)
//
// It panics with *Error when the tree has a cycle.
func TreeReduce[R any](tree any, f func(acc R, a *Array) R, init R) R {
	if f == nil {
		panic(newError("tree_reduce", "the function is nil"))
	}
	acc := init
	walkTree("tree_reduce", tree, func(_ string, a *Array) { acc = f(acc, a) })
	return acc
}

// TreeFunc is the form of function TreeMap applies to each array: a
// func(*Array) *Array, or a unary op such as mx.ZerosLike or mx.Negative
// (called without options).
type TreeFunc interface {
	func(*Array) *Array | func(*Array, ...Option) *Array
}

// TreeFunc2 is the form of function TreeMap2 applies to pairs of arrays: a
// func(x, y *Array) *Array, or a binary op such as mx.Add (called without
// options).
type TreeFunc2 interface {
	func(x, y *Array) *Array | func(x, y any, opts ...Option) *Array
}

// TreeMap returns a new tree of the same Go type as tree, with each non-nil
// array a replaced by f(a). The structure is copied wherever it can hold
// arrays (structs, pointers to structs, maps, slices), so the result shares
// no container with tree; nil arrays stay nil; values that are not part of
// the tree (numbers, strings, unexported fields) are copied as they are.
// f may return nil. It panics with *Error when f is nil or the tree has a
// cycle.
//
//	state := mx.TreeMap(params, mx.ZerosLike)
//	half := mx.TreeMap(params, func(a *mx.Array) *mx.Array { return mx.AsType(a, mx.Float16) })
func TreeMap[T any, F TreeFunc](tree T, f F) T {
	g := unaryTreeFunc("tree_map", f)
	return rebuildTree("tree_map", tree, nil, func(_ string, a *Array, _ []*Array) *Array { return g(a) })
}

// unaryTreeFunc returns f as a func(*Array) *Array.
func unaryTreeFunc[F TreeFunc](op string, f F) func(*Array) *Array {
	switch g := any(f).(type) {
	case func(*Array) *Array:
		if g != nil {
			return g
		}
	case func(*Array, ...Option) *Array:
		if g != nil {
			return func(a *Array) *Array { return g(a) }
		}
	}
	panic(newError(op, "the function is nil"))
}

// TreeMapWithPath is TreeMap with the leaf's path passed to f as well.
func TreeMapWithPath[T any](tree T, f func(path string, a *Array) *Array) T {
	if f == nil {
		panic(newError("tree_map_with_path", "the function is nil"))
	}
	return rebuildTree("tree_map_with_path", tree, nil, func(p string, a *Array, _ []*Array) *Array { return f(p, a) })
}

// TreeMap2 walks two trees of the same Go type together, as MLX's tree_map
// does with an extra tree: it returns a copy of a (as TreeMap does) with
// each non-nil array x replaced by f(x, y), where y is the array at the same
// place in b, or nil when b has none there (a nil array, a shorter slice, a
// missing map key). Leaves of b that a lacks are ignored. It is the usual
// way to combine parameters and gradients:
//
//	params = mx.TreeMap2(params, grads, func(p, g *mx.Array) *mx.Array {
//		return mx.Subtract(p, mx.Multiply(lr, g))
//	})
//	sum := mx.TreeMap2(grads, moreGrads, mx.Add)
//
// Ops such as mx.Add panic on the nil y of a place b lacks; pass a
// function that handles nil where b may lack arrays. TreeMap2 panics with
// *Error when f is nil, a tree has a cycle, or an interface holds values
// of different types in a and b.
func TreeMap2[T any, F TreeFunc2](a, b T, f F) T {
	var g func(x, y *Array) *Array
	switch h := any(f).(type) {
	case func(x, y *Array) *Array:
		g = h
	case func(x, y any, opts ...Option) *Array:
		if h != nil {
			g = func(x, y *Array) *Array { return h(x, y) }
		}
	}
	if g == nil {
		panic(newError("tree_map", "the function is nil"))
	}
	return rebuildTree("tree_map", a, []T{b}, func(_ string, x *Array, rest []*Array) *Array { return g(x, rest[0]) })
}

// TreeMerge merges two trees of the same Go type into a new one holding the
// arrays of both, as MLX's tree_merge does: where one tree has an array and
// the other a nil array (or a nil or empty container), the result takes the
// one that is there; slices are merged element by element up to the longer
// one; maps hold the union of their keys. Where both trees hold an array,
// merge combines them if it is given (at most one function), and TreeMerge
// panics with *Error otherwise. Values that are not arrays (numbers,
// strings) are taken from a where both trees have them. The result shares
// no container with a or b.
//
//	params := mx.TreeMerge(encoderParams, decoderParams)
func TreeMerge[T any](a, b T, merge ...func(x, y *Array) *Array) T {
	if len(merge) > 1 {
		panic(newError("tree_merge", "TreeMerge takes at most one merge function, got %d", len(merge)))
	}
	m := &treeMerger{wa: treeWalk{op: "tree_merge"}, wb: treeWalk{op: "tree_merge"}}
	if len(merge) == 1 {
		m.fn = merge[0]
	}
	va, vb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	return valueAs[T](m.merge(va, vb, ""))
}

// walkTree calls fn for each non-nil array of tree.
func walkTree(op string, tree any, fn func(path string, a *Array)) {
	if tree == nil {
		return
	}
	w := &treeWalk{op: op}
	w.each(reflect.ValueOf(tree), "", fn)
}

// rebuildTree copies tree, replacing each non-nil array by fn's result; rest
// are trees walked alongside, whose arrays at the same places fn receives.
func rebuildTree[T any](op string, tree T, rest []T, fn leafFunc) T {
	w := &treeWalk{op: op}
	rs := make([]reflect.Value, len(rest))
	for i := range rest {
		rs[i] = reflect.ValueOf(&rest[i]).Elem()
	}
	return valueAs[T](w.rebuild(reflect.ValueOf(&tree).Elem(), rs, "", fn))
}

// valueAs returns v, a value of type T (possibly an interface type), as a T.
func valueAs[T any](v reflect.Value) T {
	var out T
	reflect.ValueOf(&out).Elem().Set(v)
	return out
}

// leafFunc maps one array of a tree, with the arrays of the trees walked
// alongside at the same place (nil where they have none).
type leafFunc func(path string, a *Array, rest []*Array) *Array

// treeWalk walks one tree, remembering the pointers, maps and slices it is
// inside of to detect cycles.
type treeWalk struct {
	op    string
	stack map[treeRef]bool
}

type treeRef struct {
	t reflect.Type
	p uintptr
	n int
}

// enter marks v (a pointer, map or slice) as being walked and returns the
// function that unmarks it; it panics if v is already being walked.
func (w *treeWalk) enter(v reflect.Value, path string) func() {
	n := 0
	if v.Kind() == reflect.Slice {
		n = v.Len()
	}
	ref := treeRef{v.Type(), v.Pointer(), n}
	if w.stack == nil {
		w.stack = map[treeRef]bool{}
	}
	if w.stack[ref] {
		where := path
		if where == "" {
			where = "the root"
		}
		panic(newError(w.op, "the tree has a cycle: a %s inside itself at %s", v.Type(), where))
	}
	w.stack[ref] = true
	return func() { delete(w.stack, ref) }
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// sortedKeys returns the keys of a map with string keys in sorted order.
func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	return keys
}

// each calls fn for each non-nil array below v, in order.
func (w *treeWalk) each(v reflect.Value, path string, fn func(string, *Array)) {
	t := v.Type()
	if t == arrayType {
		if !v.IsNil() {
			fn(path, v.Interface().(*Array))
		}
		return
	}
	if !mayHoldArrays(t) {
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			w.each(v.Elem(), path, fn)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			defer w.enter(v, path)()
			w.each(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for _, f := range w.fields(t) {
			w.each(v.Field(f.index), f.path(path), fn)
		}
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return
		}
		if t.Kind() == reflect.Slice {
			defer w.enter(v, path)()
		}
		for i := 0; i < v.Len(); i++ {
			w.each(v.Index(i), joinPath(path, pathIndex(i)), fn)
		}
	case reflect.Map:
		if v.Len() == 0 {
			return
		}
		defer w.enter(v, path)()
		for _, k := range sortedKeys(v) {
			w.each(v.MapIndex(k), joinPath(path, k.String()), fn)
		}
	}
}

// rebuild returns a copy of v with each non-nil array replaced by fn's
// result. rest holds the values at the same place in other trees of the
// same type (invalid where they have none).
func (w *treeWalk) rebuild(v reflect.Value, rest []reflect.Value, path string, fn leafFunc) reflect.Value {
	t := v.Type()
	if t == arrayType {
		if v.IsNil() {
			return v
		}
		others := make([]*Array, len(rest))
		for i, r := range rest {
			others[i] = restArray(r)
		}
		out := fn(path, v.Interface().(*Array), others)
		return reflect.ValueOf(&out).Elem()
	}
	if !mayHoldArrays(t) {
		return v
	}
	switch t.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		e := v.Elem()
		rs := restEach(rest, func(r reflect.Value) reflect.Value {
			if r.IsNil() {
				return reflect.Value{}
			}
			if r.Elem().Type() != e.Type() {
				panic(newError(w.op, "at %q the trees hold a %s and a %s", path, e.Type(), r.Elem().Type()))
			}
			return r.Elem()
		})
		out := reflect.New(t).Elem()
		out.Set(w.rebuild(e, rs, path, fn))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		defer w.enter(v, path)()
		rs := restEach(rest, func(r reflect.Value) reflect.Value {
			if r.IsNil() {
				return reflect.Value{}
			}
			return r.Elem()
		})
		out := newPointer(t)
		out.Elem().Set(w.rebuild(v.Elem(), rs, path, fn))
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v)
		for _, f := range w.fields(t) {
			rs := restEach(rest, func(r reflect.Value) reflect.Value { return r.Field(f.index) })
			out.Field(f.index).Set(w.rebuild(v.Field(f.index), rs, f.path(path), fn))
		}
		return out
	case reflect.Slice, reflect.Array:
		var out reflect.Value
		if t.Kind() == reflect.Slice {
			if v.IsNil() {
				return v
			}
			if v.Len() > 0 {
				defer w.enter(v, path)()
			}
			out = reflect.MakeSlice(t, v.Len(), v.Len())
		} else {
			out = reflect.New(t).Elem()
		}
		for i := 0; i < v.Len(); i++ {
			rs := restEach(rest, func(r reflect.Value) reflect.Value {
				if i >= r.Len() {
					return reflect.Value{}
				}
				return r.Index(i)
			})
			out.Index(i).Set(w.rebuild(v.Index(i), rs, joinPath(path, pathIndex(i)), fn))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		if v.Len() > 0 {
			defer w.enter(v, path)()
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for _, k := range sortedKeys(v) {
			rs := restEach(rest, func(r reflect.Value) reflect.Value { return r.MapIndex(k) })
			out.SetMapIndex(k, w.rebuild(v.MapIndex(k), rs, joinPath(path, k.String()), fn))
		}
		return out
	}
	return v
}

// restEach applies f to each valid value of rest.
func restEach(rest []reflect.Value, f func(reflect.Value) reflect.Value) []reflect.Value {
	if len(rest) == 0 {
		return nil
	}
	out := make([]reflect.Value, len(rest))
	for i, r := range rest {
		if r.IsValid() {
			out[i] = f(r)
		}
	}
	return out
}

// restArray returns the array r holds, or nil.
func restArray(r reflect.Value) *Array {
	if !r.IsValid() {
		return nil
	}
	if r.Kind() == reflect.Interface {
		if r.IsNil() {
			return nil
		}
		r = r.Elem()
	}
	if r.Type() != arrayType {
		return nil
	}
	a, _ := r.Interface().(*Array)
	return a
}

// newPointer returns a pointer of type t to a new zero value.
func newPointer(t reflect.Type) reflect.Value {
	p := reflect.New(t.Elem())
	if p.Type() != t {
		p = p.Convert(t)
	}
	return p
}

// treeMerger merges two trees; each side has its own cycle detection, since
// both may hold the same containers.
type treeMerger struct {
	wa, wb treeWalk
	fn     func(x, y *Array) *Array
}

func identityLeaf(_ string, a *Array, _ []*Array) *Array { return a }

// emptyNode reports whether v holds nothing: a nil array, pointer,
// interface, map or slice, or an empty map or slice.
func emptyNode(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Map, reflect.Slice:
		return v.Len() == 0
	}
	return false
}

func (m *treeMerger) merge(a, b reflect.Value, path string) reflect.Value {
	t := a.Type()
	if t == arrayType {
		x, y := a.Interface().(*Array), b.Interface().(*Array)
		out := x
		switch {
		case x == nil:
			out = y
		case y != nil && m.fn == nil:
			panic(newError("tree_merge", "both trees hold an array at %q and no merge function was given", path))
		case y != nil:
			out = m.fn(x, y)
		}
		return reflect.ValueOf(&out).Elem()
	}
	if !mayHoldArrays(t) {
		return a
	}
	if emptyNode(a) {
		return m.wb.rebuild(b, nil, path, identityLeaf)
	}
	if emptyNode(b) {
		return m.wa.rebuild(a, nil, path, identityLeaf)
	}
	switch t.Kind() {
	case reflect.Interface:
		ea, eb := a.Elem(), b.Elem()
		if ea.Type() != eb.Type() {
			panic(newError("tree_merge", "at %q the trees hold a %s and a %s", path, ea.Type(), eb.Type()))
		}
		out := reflect.New(t).Elem()
		out.Set(m.merge(ea, eb, path))
		return out
	case reflect.Pointer:
		defer m.wa.enter(a, path)()
		defer m.wb.enter(b, path)()
		out := newPointer(t)
		out.Elem().Set(m.merge(a.Elem(), b.Elem(), path))
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(a)
		for _, f := range m.wa.fields(t) {
			out.Field(f.index).Set(m.merge(a.Field(f.index), b.Field(f.index), f.path(path)))
		}
		return out
	case reflect.Slice, reflect.Array:
		n := max(a.Len(), b.Len())
		var out reflect.Value
		if t.Kind() == reflect.Slice {
			defer m.wa.enter(a, path)()
			defer m.wb.enter(b, path)()
			out = reflect.MakeSlice(t, n, n)
		} else {
			out = reflect.New(t).Elem()
		}
		for i := 0; i < n; i++ {
			p := joinPath(path, pathIndex(i))
			switch {
			case i >= b.Len():
				out.Index(i).Set(m.wa.rebuild(a.Index(i), nil, p, identityLeaf))
			case i >= a.Len():
				out.Index(i).Set(m.wb.rebuild(b.Index(i), nil, p, identityLeaf))
			default:
				out.Index(i).Set(m.merge(a.Index(i), b.Index(i), p))
			}
		}
		return out
	case reflect.Map:
		defer m.wa.enter(a, path)()
		defer m.wb.enter(b, path)()
		out := reflect.MakeMapWithSize(t, max(a.Len(), b.Len()))
		keys := sortedKeys(a)
		for _, k := range sortedKeys(b) {
			if !a.MapIndex(k).IsValid() {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			p := joinPath(path, k.String())
			x, y := a.MapIndex(k), b.MapIndex(k)
			switch {
			case !y.IsValid():
				out.SetMapIndex(k, m.wa.rebuild(x, nil, p, identityLeaf))
			case !x.IsValid():
				out.SetMapIndex(k, m.wb.rebuild(y, nil, p, identityLeaf))
			default:
				out.SetMapIndex(k, m.merge(x, y, p))
			}
		}
		return out
	}
	return a
}

// Struct fields and type classification.

// treeField is one child field of a struct: its index, and its name, or
// inline for an embedded struct whose fields count as the outer struct's.
type treeField struct {
	index  int
	name   string
	inline bool
}

// path returns the path of the field below a struct at prefix.
func (f treeField) path(prefix string) string {
	if f.inline {
		return prefix
	}
	return joinPath(prefix, f.name)
}

// structInfo describes a struct type as a tree node.
type structInfo struct {
	fields []treeField
	// routes gives for each name the field indices that reach it,
	// through inline fields.
	routes map[string][]int
	err    string // why the struct cannot be a tree node
}

var structInfos sync.Map // reflect.Type -> *structInfo

// fields returns the tree fields of the struct type t; it panics with
// *Error when two of them have the same name.
func (w *treeWalk) fields(t reflect.Type) []treeField {
	info := structInfoOf(t)
	if info.err != "" {
		panic(newError(w.op, "%s", info.err))
	}
	return info.fields
}

func structInfoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{fields: directFields(t), routes: map[string][]int{}}
	info.err = collectRoutes(t, nil, info.routes, map[reflect.Type]bool{t: true})
	v, _ := structInfos.LoadOrStore(t, info)
	return v.(*structInfo)
}

// directFields lists the tree fields of the struct type t.
func directFields(t reflect.Type) []treeField {
	var out []treeField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("mx"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" && f.Type != arrayType {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, treeField{index: i, inline: true})
				continue
			}
		}
		if name == "" {
			name = snakeCase(f.Name)
		}
		out = append(out, treeField{index: i, name: name})
	}
	return out
}

// collectRoutes records in routes the names of the struct type t's fields,
// including those promoted from inline fields, each with the chain of
// field indices from the outer struct (prefix). It returns a description of
// the first name conflict, or "".
func collectRoutes(t reflect.Type, prefix []int, routes map[string][]int, inside map[reflect.Type]bool) string {
	for _, f := range directFields(t) {
		route := append(append([]int(nil), prefix...), f.index)
		if !f.inline {
			if _, dup := routes[f.name]; dup {
				return "struct " + t.String() + " has two fields named " + quote(f.name)
			}
			routes[f.name] = route
			continue
		}
		ft := t.Field(f.index).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if inside[ft] {
			return "struct " + ft.String() + " embeds itself"
		}
		inside[ft] = true
		if err := collectRoutes(ft, route, routes, inside); err != "" {
			return err
		}
		delete(inside, ft)
	}
	return ""
}

var mayHoldCache sync.Map // reflect.Type -> bool

// mayHoldArrays reports whether a value of type t can hold an *Array: the
// walks skip (and TreeMap shares) values that cannot.
func mayHoldArrays(t reflect.Type) bool {
	if v, ok := mayHoldCache.Load(t); ok {
		return v.(bool)
	}
	r := reachesArray(t, map[reflect.Type]bool{})
	mayHoldCache.Store(t, r)
	return r
}

// reachesArray reports whether an *Array can be reached from type t; it
// is a search over types, with seen marking those already searched.
func reachesArray(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == arrayType {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return reachesArray(t.Elem(), seen)
	case reflect.Map:
		return t.Key().Kind() == reflect.String && reachesArray(t.Elem(), seen)
	case reflect.Struct:
		for _, f := range directFields(t) {
			if reachesArray(t.Field(f.index).Type, seen) {
				return true
			}
		}
	}
	return false
}

// snakeCase converts a Go field name to snake_case: an underscore goes
// before each upper-case letter that follows a lower-case one, or that
// ends a run of capitals before a lower-case letter (QProj -> q_proj,
// HTTPServer -> http_server, W1 -> w1, Conv2D -> conv2d).
func snakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(r[i-1]) ||
				unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}
