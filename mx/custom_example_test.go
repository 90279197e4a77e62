package mx_test

import (
	"fmt"

	"github.com/mlxgo/mlxgo/mx"
)

// A function whose gradient is clipped to [-1, 1]: its value is x^2, its
// gradient min(max(2x, -1), 1).
func ExampleNewCustomFunction() {
	square := mx.NewCustomFunction(func(in []*mx.Array) []*mx.Array {
		return []*mx.Array{mx.Square(in[0])}
	}).WithVJP(func(primals, cotangents, outputs []*mx.Array) []*mx.Array {
		g := mx.Multiply(mx.Multiply(primals[0], 2), cotangents[0])
		return []*mx.Array{mx.Clip(g, -1, 1)}
	})
	loss := func(x *mx.Array) *mx.Array { return mx.Sum(square.Call([]*mx.Array{x})[0]) }
	x := mx.NewArray([]float32{-2, 0.25, 3})
	fmt.Println(mx.ToSlice[float32](square.Call([]*mx.Array{x})[0]))
	fmt.Println(mx.ToSlice[float32](mx.Grad(loss)(x)))
	// Output:
	// [4 0.0625 9]
	// [-1 0.5 1]
}

// A block whose activations are recomputed in the backward pass. Its
// weights are inputs, so that they get gradients.
func ExampleCheckpoint() {
	block := mx.Checkpoint(func(in []*mx.Array) []*mx.Array {
		x, w := in[0], in[1]
		return []*mx.Array{mx.Tanh(mx.Multiply(x, w))}
	})
	loss := func(x, w *mx.Array) *mx.Array {
		return mx.Sum(block([]*mx.Array{x, w})[0])
	}
	x := mx.NewArray([]float32{1, 2})
	w := mx.NewArray([]float32{0, 0.5})
	// d/dw tanh(x*w) = x (1 - tanh(x*w)^2)
	fmt.Printf("%.4f\n", mx.ToSlice[float32](mx.Grad(loss, 1)(x, w)))
	// Output:
	// [1.0000 0.8399]
}
