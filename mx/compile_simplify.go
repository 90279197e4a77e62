package mx

import (
	"reflect"
	"slices"
	"strconv"
	"sync"
)

// Simplification of a traced tape, before fusion:
//
//   - no-op nodes go: the identity copies the transforms make of their
//     inputs, AsType to the input's own type, and StopGradient when no
//     transform differentiates the compiled function;
//   - equal scalar constants (0-d or one-element arrays of one dtype, shape
//     and value) become one;
//   - common subexpressions merge: two nodes of equivalent primitives on
//     the same inputs, with the same output shapes and dtypes, on the same
//     stream, become one;
//   - nodes that no output needs any more go.

// Equivalent is implemented by primitives that say themselves whether
// another primitive computes the same function of the same inputs, for
// common-subexpression elimination. Without it, two primitives are
// equivalent when they have one type, that type holds only plain values
// (numbers, strings, and arrays, slices and structs of them: no pointers,
// functions, maps or interfaces), and the values are equal.
type Equivalent interface {
	IsEquivalent(other Primitive) bool
}

// equivalent reports whether a and b compute the same function.
func equivalent(a, b Primitive) bool {
	if e, ok := a.(Equivalent); ok {
		return e.IsEquivalent(b)
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !plainType(ta) {
		return false
	}
	if ta.Comparable() {
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

var plainTypes sync.Map // reflect.Type -> bool

// plainType reports whether t holds only plain values.
func plainType(t reflect.Type) bool {
	if v, ok := plainTypes.Load(t); ok {
		return v.(bool)
	}
	ok := isPlain(t, 0)
	plainTypes.Store(t, ok)
	return ok
}

func isPlain(t reflect.Type, depth int) bool {
	if depth > 8 {
		return false
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Array, reflect.Slice:
		return isPlain(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if !isPlain(t.Field(i).Type, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// noOp reports whether a node of prim with input in and output out only
// passes its input on (dropSG: StopGradient counts as such).
func noOp(prim Primitive, inDtype, outDtype Dtype, dropSG bool) bool {
	switch prim.(type) {
	case identityPrim:
		return true
	case copyPrim:
		return inDtype == outDtype
	case stopGradientPrim:
		return dropSG
	}
	return false
}

// simplify simplifies t in place; dropSG drops StopGradient nodes.
func simplify(t *tape, dropSG bool) {
	alias := map[int]int{}
	get := func(v int) int {
		if a, ok := alias[v]; ok {
			return a
		}
		return v
	}
	dtypeOf := t.valueDtypes()
	mergeConstants(t, alias)
	type cseKey struct {
		name   string
		stream Stream
		inputs string
	}
	seen := map[cseKey][]int{}
	var kept []tapeNode
	for _, nd := range t.nodes {
		for k, v := range nd.inputs {
			nd.inputs[k] = get(v)
		}
		if len(nd.inputs) == 1 && len(nd.outputs) == 1 &&
			noOp(nd.prim, dtypeOf[nd.inputs[0]], nd.dtypes[0], dropSG) {
			alias[nd.outputs[0]] = nd.inputs[0]
			continue
		}
		key := cseKey{name: reflect.TypeOf(nd.prim).String() + "/" + nd.prim.Name(), stream: nd.stream, inputs: intsKey(nd.inputs)}
		merged := false
		for _, k := range seen[key] {
			other := &kept[k]
			if sameOutputs(other, &nd) && equivalent(other.prim, nd.prim) {
				for j, o := range nd.outputs {
					alias[o] = other.outputs[j]
				}
				merged = true
				break
			}
		}
		if merged {
			continue
		}
		seen[key] = append(seen[key], len(kept))
		kept = append(kept, nd)
	}
	t.nodes = kept
	for k, v := range t.outputs {
		t.outputs[k] = get(v)
	}
	t.prune()
}

// valueDtypes returns the dtype of every value of t.
func (t *tape) valueDtypes() []Dtype {
	dt := make([]Dtype, t.nVals)
	for i, c := range t.consts {
		if c != nil {
			dt[t.nIn+i] = c.dtype
		}
	}
	for i := range t.inDtypes {
		dt[i] = t.inDtypes[i]
	}
	for _, nd := range t.nodes {
		for k, v := range nd.outputs {
			dt[v] = nd.dtypes[k]
		}
	}
	return dt
}

// sameOutputs reports whether two nodes have the same output shapes and dtypes.
func sameOutputs(a, b *tapeNode) bool {
	if len(a.outputs) != len(b.outputs) {
		return false
	}
	for k := range a.shapes {
		if a.dtypes[k] != b.dtypes[k] || !slices.Equal(a.shapes[k], b.shapes[k]) {
			return false
		}
	}
	return true
}

func intsKey(v []int) string {
	b := make([]byte, 0, 8*len(v))
	for _, x := range v {
		b = strconv.AppendInt(b, int64(x), 10)
		b = append(b, ',')
	}
	return string(b)
}

// mergeConstants aliases equal scalar constants to the first of them.
func mergeConstants(t *tape, alias map[int]int) {
	first := map[string]int{}
	for i, c := range t.consts {
		if c == nil || c.status.Load() != statusAvailable || c.Size() != 1 {
			continue
		}
		b := c.buf.Bytes()
		size := c.dtype.Size()
		if (c.offset+1)*size > len(b) {
			continue
		}
		key := strconv.Itoa(int(c.dtype)) + shapeString(c.shape) + string(b[c.offset*size:(c.offset+1)*size])
		v := t.nIn + i
		if f, ok := first[key]; ok {
			alias[v] = f
			continue
		}
		first[key] = v
	}
}

// prune drops the nodes no output needs and forgets unused constants.
func (t *tape) prune() {
	live := make([]bool, t.nVals)
	for _, v := range t.outputs {
		live[v] = true
	}
	keep := make([]bool, len(t.nodes))
	for i := len(t.nodes) - 1; i >= 0; i-- {
		nd := &t.nodes[i]
		for _, o := range nd.outputs {
			if live[o] {
				keep[i] = true
				break
			}
		}
		if keep[i] {
			for _, v := range nd.inputs {
				live[v] = true
			}
		}
	}
	var kept []tapeNode
	for i, nd := range t.nodes {
		if keep[i] {
			kept = append(kept, nd)
		}
	}
	t.nodes = kept
	for i := range t.consts {
		if !live[t.nIn+i] {
			t.consts[i] = nil
		}
	}
}
