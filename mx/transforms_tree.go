package mx

import "reflect"

// GradTree returns a function that computes the gradient of f, which must
// return a scalar, with respect to every array of its tree argument (see
// TreeFlatten for what a tree is). The gradients come back in a tree of the
// same Go type and structure, each in the place of its parameter; nil arrays
// stay nil, and values that are not part of the tree (numbers, unexported
// fields, fields tagged mx:"-", arrays among them) are held constant and
// copied from the parameters unchanged. Integer and boolean arrays get zero
// gradients. f receives a copy of the tree; data the gradient is not taken
// with respect to is best captured by f:
//
//	grads := mx.GradTree(func(m *MLP) *mx.Array { return loss(m, x, y) })(model)
//
// The returned function panics with *Error when f returns nil or an array
// of more than one element, or when the tree has a cycle.
func GradTree[T any](f func(params T) *Array) func(T) T {
	vg := valueAndGradTree("grad_tree", f)
	return func(params T) T {
		_, g := vg(params)
		return g
	}
}

// ValueAndGradTree is GradTree that returns f's value as well:
//
//	loss, grads := mx.ValueAndGradTree(lossFn)(model)
func ValueAndGradTree[T any](f func(params T) *Array) func(T) (*Array, T) {
	return valueAndGradTree("value_and_grad_tree", f)
}

func valueAndGradTree[T any](op string, f func(T) *Array) func(T) (*Array, T) {
	if f == nil {
		panic(newError(op, "the function is nil"))
	}
	return func(params T) (*Array, T) {
		var primals []*Array
		w := &treeWalk{op: op}
		w.each(reflect.ValueOf(&params).Elem(), "", func(_ string, a *Array) {
			checkArray(op, a)
			primals = append(primals, a)
		})
		inner := func(tr []*Array) []*Array {
			value := f(withLeaves(op, params, tr))
			if value == nil {
				panic(newError(op, "the function returned a nil array"))
			}
			if value.Size() != 1 {
				panic(newError(op, "the function must return a scalar, not an array of shape %s", shapeString(value.shape)))
			}
			return []*Array{value}
		}
		outs, grads := vjpWith(inner, primals, func(o []*Array) []*Array {
			return []*Array{BroadcastTo(weakScalar(op, 1).array(o[0].dtype), o[0].shape)}
		})
		return outs[0], withLeaves(op, params, grads)
	}
}

// withLeaves returns a copy of tree whose non-nil arrays are replaced, in
// TreeFlatten's order, by leaves.
func withLeaves[T any](op string, tree T, leaves []*Array) T {
	k := 0
	return rebuildTree(op, tree, nil, func(string, *Array, []*Array) *Array {
		k++
		return leaves[k-1]
	})
}
