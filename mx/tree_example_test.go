package mx_test

import (
	"fmt"

	"github.com/mlxgo/mlxgo/mx"
)

type treeAttention struct {
	QProj *mx.Array
	KProj *mx.Array
}

type treeBlock struct {
	Attn treeAttention
	Norm *mx.Array `mx:"ln"`
}

type treeModel struct {
	Layers []treeBlock
	Head   map[string]*mx.Array
	Eps    float64 // not part of the tree
}

func ExampleTreeFlatten() {
	m := treeModel{
		Layers: []treeBlock{{
			Attn: treeAttention{QProj: mx.Zeros([]int{4, 4}), KProj: mx.Zeros([]int{4, 4})},
			Norm: mx.Ones([]int{4}),
		}},
		Head: map[string]*mx.Array{"weight": mx.Zeros([]int{2, 4}), "bias": nil},
		Eps:  1e-5,
	}
	for _, l := range mx.TreeFlatten(m) {
		fmt.Println(l.Path, l.Array.Shape())
	}
	// Output:
	// layers.0.attn.q_proj [4 4]
	// layers.0.attn.k_proj [4 4]
	// layers.0.ln [4]
	// head.weight [2 4]
}

type treeLinear struct {
	W, B *mx.Array
}

func ExampleValueAndGradTree() {
	model := &treeLinear{W: mx.NewArray([]float32{2}), B: mx.NewArray([]float32{0.5})}
	x := mx.NewArray([]float32{1, 2, 3})
	y := mx.NewArray([]float32{2, 4, 6})

	// The mean squared error of w*x + b against y.
	lossFn := func(m *treeLinear) *mx.Array {
		return mx.Mean(mx.Square(mx.Subtract(mx.Add(mx.Multiply(m.W, x), m.B), y)))
	}
	loss, grads := mx.ValueAndGradTree(lossFn)(model)
	fmt.Println(mx.Item[float32](loss))
	fmt.Println(mx.ToSlice[float32](grads.W), mx.ToSlice[float32](grads.B))

	// One step of gradient descent over the whole tree.
	model = mx.TreeMap2(model, grads, func(p, g *mx.Array) *mx.Array {
		return mx.Subtract(p, mx.Multiply(0.1, g))
	})
	fmt.Println(mx.ToSlice[float32](model.W), mx.ToSlice[float32](model.B))
	// Output:
	// 0.25
	// [2] [1]
	// [1.8] [0.4]
}
