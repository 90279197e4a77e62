package mx

import (
	"reflect"
	"strconv"
	"strings"
)

// TreeUnflatten builds a tree from flat leaves, as MLX's tree_unflatten
// does: each path is split at its dots; a level whose names are all
// decimal numbers (0, 1, 12, with no leading zeros) becomes a []any indexed
// by them, with nil where a number is missing; any other level becomes a
// map[string]any. The leaves are the *Array values. A single leaf with the
// path "" is returned as the *Array itself; no leaves give an empty
// map[string]any.
//
//	tree := mx.TreeUnflatten([]mx.TreeLeaf{{"layers.0.weight", w0}, {"layers.1.weight", w1}})
//	// map[string]any{"layers": []any{map[string]any{"weight": w0}, map[string]any{"weight": w1}}}
//
// The result is itself a tree: TreeFlatten gives the leaves back (except
// nil arrays). To load leaves into a tree of Go structs, use TreeUpdate.
// TreeUnflatten panics with *Error when a path is given twice, when one
// path is both a leaf and a prefix of another (a and a.b), or when a list
// index leaves a gap larger than the list.
func TreeUnflatten(leaves []TreeLeaf) any {
	if len(leaves) == 0 {
		return map[string]any{}
	}
	items := make([]flatItem, len(leaves))
	seen := make(map[string]bool, len(leaves))
	for i, l := range leaves {
		if seen[l.Path] {
			panic(newError("tree_unflatten", "path %q is given twice", l.Path))
		}
		seen[l.Path] = true
		items[i] = flatItem{parts: splitPath(l.Path), leaf: l}
	}
	return unflatten(items, 0)
}

// flatItem is a leaf with its path split into names.
type flatItem struct {
	parts []string
	leaf  TreeLeaf
}

// splitPath splits a dotted path into its names; "" is the root.
func splitPath(path string) []string {
	if path == "" {
		return nil
	}
	return strings.Split(path, ".")
}

// unflatten builds the node for items, whose paths share their first depth
// names.
func unflatten(items []flatItem, depth int) any {
	for _, it := range items {
		if len(it.parts) == depth {
			if len(items) > 1 {
				other := items[0].leaf.Path
				if other == it.leaf.Path {
					other = items[1].leaf.Path
				}
				panic(newError("tree_unflatten", "path %q is both a leaf and a prefix of %q", it.leaf.Path, other))
			}
			return it.leaf.Array
		}
	}
	var names []string
	groups := map[string][]flatItem{}
	list := true
	last := -1
	for _, it := range items {
		name := it.parts[depth]
		if _, ok := groups[name]; !ok {
			names = append(names, name)
			if i, ok := listIndex(name); ok {
				last = max(last, i)
			} else {
				list = false
			}
		}
		groups[name] = append(groups[name], it)
	}
	if list {
		if last >= 2*len(names)+1024 {
			panic(newError("tree_unflatten", "list index %d at %q leaves too large a gap (%d entries)",
				last, groups[pathIndex(last)][0].leaf.Path, len(names)))
		}
		out := make([]any, last+1)
		for _, name := range names {
			i, _ := listIndex(name)
			out[i] = unflatten(groups[name], depth+1)
		}
		return out
	}
	out := make(map[string]any, len(names))
	for _, name := range names {
		out[name] = unflatten(groups[name], depth+1)
	}
	return out
}

// listIndex parses a path name as a list index: decimal digits without
// leading zeros.
func listIndex(name string) (int, bool) {
	if name == "" || len(name) > 9 || (len(name) > 1 && name[0] == '0') {
		return 0, false
	}
	for _, c := range name {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(name)
	return i, err == nil
}

func pathIndex(i int) string { return strconv.Itoa(i) }

func quote(s string) string { return strconv.Quote(s) }

// TreeUpdate stores each leaf's array into tree at the leaf's path, the
// way a checkpoint is loaded into a model: the path is followed through
// struct fields (named as TreeFlatten names them), map keys, and slice and
// array indices, and the *Array found at its end (or an interface that is
// nil or holds an array) is set. Nil pointers met on the way are allocated
// (a nil *Layer becomes a new zero Layer); a missing map
// entry is added when the path ends there and the map holds arrays (a
// map[string]*Array or map[string]any); slices never grow. Structs held
// by value in maps or interfaces are updated in a copy that is stored back.
//
// tree must be a non-nil pointer (usually to the model struct), a non-nil
// map or a slice. Leaves of tree that no path names are left as they are.
// TreeUpdate checks every path before it changes anything: if one cannot
// be followed (an unknown field, an index out of range, a path that ends
// at something other than an array or continues below one), it returns an
// *Error naming "tree_update" and the path, and tree is unchanged. It does
// not compare the shapes or dtypes of the old and new arrays.
//
//	err := mx.TreeUpdate(model, mx.TreeFlatten(loaded))
func TreeUpdate(tree any, leaves []TreeLeaf) error {
	v := reflect.ValueOf(tree)
	ok := v.IsValid()
	if ok {
		switch v.Kind() {
		case reflect.Pointer, reflect.Map:
			ok = !v.IsNil() && v.Type() != arrayType
		case reflect.Slice:
		default:
			ok = false
		}
	}
	if !ok {
		return newError("tree_update", "the tree must be a non-nil pointer, map or slice, not %T", tree)
	}
	seen := make(map[string]bool, len(leaves))
	for _, l := range leaves {
		if seen[l.Path] {
			return newError("tree_update", "path %q is given twice", l.Path)
		}
		seen[l.Path] = true
	}
	for _, apply := range []bool{false, true} {
		s := treeSetter{apply: apply}
		for _, l := range leaves {
			if _, err := s.set(v, splitPath(l.Path), l.Path, l.Array); err != nil {
				return err
			}
		}
	}
	return nil
}

// treeSetter follows paths into a tree and sets the arrays at their ends;
// with apply false it only checks that it could.
type treeSetter struct {
	apply bool
}

// acceptsArray reports whether a value of type t can hold an *Array.
func acceptsArray(t reflect.Type) bool {
	return t == arrayType || t.Kind() == reflect.Interface && arrayType.Implements(t)
}

// set stores a at the path parts below v and returns the value to store
// back in v's place (v itself when it was changed in place).
func (s *treeSetter) set(v reflect.Value, parts []string, path string, a *Array) (reflect.Value, error) {
	t := v.Type()
	if len(parts) == 0 && (acceptsArray(t) || t.Kind() != reflect.Pointer) {
		held := t
		if t.Kind() == reflect.Interface && !v.IsNil() {
			held = v.Elem().Type() // an interface holding a sub-tree is no leaf
		}
		if !acceptsArray(t) || held != t && held != arrayType {
			return v, newError("tree_update", "path %q leads to a %s, not an array", path, held)
		}
		out := reflect.New(t).Elem()
		if a != nil {
			out.Set(reflect.ValueOf(a))
		}
		return out, nil
	}
	name := ""
	if len(parts) > 0 {
		name = parts[0]
	}
	switch t.Kind() {
	case reflect.Pointer:
		if t == arrayType {
			break
		}
		p := v
		if p.IsNil() {
			p = newPointer(t)
		}
		nv, err := s.set(p.Elem(), parts, path, a)
		if err != nil {
			return v, err
		}
		if s.apply {
			p.Elem().Set(nv)
		}
		return p, nil
	case reflect.Interface:
		if v.IsNil() {
			return v, newError("tree_update", "path %q: nothing holds %q", path, name)
		}
		nv, err := s.set(v.Elem(), parts, path, a)
		if err != nil {
			return v, err
		}
		out := reflect.New(t).Elem()
		out.Set(nv)
		return out, nil
	case reflect.Struct:
		info := structInfoOf(t)
		if info.err != "" {
			return v, newError("tree_update", "%s", info.err)
		}
		route, ok := info.routes[name]
		if !ok {
			return v, newError("tree_update", "path %q: %s has no field named %q", path, t, name)
		}
		return s.setField(v, route, parts, path, a)
	case reflect.Slice, reflect.Array:
		i, ok := listIndex(name)
		if !ok || i >= v.Len() {
			return v, newError("tree_update", "path %q: index %q out of range for a %s of length %d", path, name, t, v.Len())
		}
		if t.Kind() == reflect.Array && !v.CanAddr() {
			v = addressable(v)
		}
		e := v.Index(i)
		nv, err := s.set(e, parts[1:], path, a)
		if err != nil {
			return v, err
		}
		if s.apply {
			e.Set(nv)
		}
		return v, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			break
		}
		k := reflect.ValueOf(name).Convert(t.Key())
		e := reflect.Value{}
		if !v.IsNil() {
			e = v.MapIndex(k)
		}
		if !e.IsValid() {
			if len(parts) > 1 || !acceptsArray(t.Elem()) {
				return v, newError("tree_update", "path %q: the map has no key %q", path, name)
			}
			e = reflect.Zero(t.Elem())
		}
		nv, err := s.set(e, parts[1:], path, a)
		if err != nil {
			return v, err
		}
		if s.apply {
			if v.IsNil() {
				v = reflect.MakeMap(t)
			}
			v.SetMapIndex(k, nv)
		}
		return v, nil
	}
	return v, newError("tree_update", "path %q: a %s has no entry %q", path, t, name)
}

// setField sets the path parts (whose first name the field route reaches)
// below the struct v, or below the struct a pointer v points to.
func (s *treeSetter) setField(v reflect.Value, route []int, parts []string, path string, a *Array) (reflect.Value, error) {
	if v.Kind() == reflect.Pointer {
		p := v
		if p.IsNil() {
			p = newPointer(v.Type())
		}
		nv, err := s.setField(p.Elem(), route, parts, path, a)
		if err != nil {
			return v, err
		}
		if s.apply {
			p.Elem().Set(nv)
		}
		return p, nil
	}
	if !v.CanAddr() {
		v = addressable(v)
	}
	f := v.Field(route[0])
	var nv reflect.Value
	var err error
	if len(route) == 1 {
		nv, err = s.set(f, parts[1:], path, a)
	} else {
		nv, err = s.setField(f, route[1:], parts, path, a)
	}
	if err != nil {
		return v, err
	}
	if s.apply {
		f.Set(nv)
	}
	return v, nil
}

// addressable returns an addressable copy of v.
func addressable(v reflect.Value) reflect.Value {
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}
