// Quickstart walks through mlxgo's core ideas with the snippets of MLX's
// documentation, written in Go: lazy arrays, streams, lazy initialisation,
// function transforms, and a small model fitted by gradient descent on
// data it makes itself.
package main

import (
	"fmt"
	"math"

	"github.com/mlxgo/mlxgo/mx"
	"github.com/mlxgo/mlxgo/mx/random"
)

func main() {
	// Arrays are lazy: Add records a node; Eval (or reading) computes it.
	a := mx.NewArray([]int32{1, 2, 3, 4})
	b := mx.NewArray([]float32{1, 2, 3, 4})
	c := mx.Add(a, b)
	mx.Eval(c)
	fmt.Println("c =", c)

	// Any op takes a stream or a device. Ops on different streams run
	// concurrently; d waits for c, made on the other stream.
	s1, s2 := mx.NewStream(mx.CPU), mx.NewStream(mx.CPU)
	c = mx.Add(a, b, s1)
	d := mx.Add(a, c, s2)
	fmt.Println("d =", d)

	// Lazy initialisation: declaring a model's weights computes and
	// allocates nothing; they are made when first evaluated.
	w1 := random.Normal(0, 0.02, []int{1024, 1024})
	w2 := random.Normal(0, 0.02, []int{1024, 1024})
	fmt.Println("weights computed after declaring them:", w1.IsAvailable())
	mx.Eval(w1, w2)
	fmt.Println("weights computed after Eval:", w1.IsAvailable())

	// Function transforms return functions, which compose.
	dfdx := mx.Grad(mx.Sin)
	fmt.Println("d/dx sin(pi) =", dfdx(mx.Scalar(math.Pi)))
	d2fdx2 := mx.Grad(mx.Grad(mx.Sin))
	fmt.Println("d2/dx2 sin(pi/2) =", d2fdx2(mx.Scalar(math.Pi/2)))

	loss := func(w, x, y *mx.Array) *mx.Array {
		return mx.Mean(mx.Square(mx.Subtract(mx.Multiply(w, x), y)))
	}
	w := mx.Scalar(1.0)
	x := mx.NewArray([]float32{0.5, -0.5})
	y := mx.NewArray([]float32{1.5, -1.5})
	fmt.Println("d loss/dw =", mx.Grad(loss)(w, x, y))
	fmt.Println("d loss/dx =", mx.Grad(loss, 1)(w, x, y))
	value, grads := mx.ValueAndGrad(loss)(w, x, y)
	fmt.Println("loss =", value, "d loss/dw =", grads[0])

	// vmap: x + y over axis 1 of xs and axis 0 of ys.
	add := func(in []*mx.Array) []*mx.Array { return []*mx.Array{mx.Add(in[0], in[1])} }
	xs := mx.Reshape(mx.Arange(6, mx.Float32), []int{2, 3})
	ys := mx.Reshape(mx.Arange(6, mx.Float32), []int{3, 2})
	fmt.Println("vmap(x + y) =", mx.Vmap(add, []int{1, 0}, nil)([]*mx.Array{xs, ys})[0])

	// stop_gradient: the stopped term counts in the value, not the slope.
	f := func(x *mx.Array) *mx.Array { return mx.Add(mx.StopGradient(mx.Square(x)), x) }
	fmt.Println("d/dx (stop(x^2) + x) at 3 =", mx.Grad(f)(mx.Scalar(3.0)))

	fit()
}

// fit recovers the weights of a noisy linear model y = X w + b by gradient
// descent on the mean squared error.
func fit() {
	const n, dims = 512, 8
	key := random.Key(0)
	keys := random.Split(key, 3)
	trueW := random.Normal(0, 1, []int{dims, 1}, mx.WithKey(mx.Index(keys, 0)))
	X := random.Normal(0, 1, []int{n, dims}, mx.WithKey(mx.Index(keys, 1)))
	noise := random.Normal(0, 0.01, []int{n, 1}, mx.WithKey(mx.Index(keys, 2)))
	Y := mx.Add(mx.Add(mx.Matmul(X, trueW), 0.5), noise)

	loss := func(w, b *mx.Array) *mx.Array {
		pred := mx.Add(mx.Matmul(X, w), b)
		return mx.Mean(mx.Square(mx.Subtract(pred, Y)))
	}
	step := mx.ValueAndGrad(loss, 0, 1)
	w := mx.Zeros([]int{dims, 1})
	b := mx.Scalar(0.0)
	const lr = 0.1
	for i := 0; i <= 100; i++ {
		l, g := step(w, b)
		w = mx.Subtract(w, mx.Multiply(g[0], lr))
		b = mx.Subtract(b, mx.Multiply(g[1], lr))
		mx.Eval(w, b, l)
		if i%25 == 0 {
			fmt.Printf("step %3d  loss %.6f\n", i, mx.Item[float32](l))
		}
	}
	errW := mx.Max(mx.Abs(mx.Subtract(w, trueW)))
	fmt.Printf("largest weight error %.4f, bias %.4f (true 0.5)\n", mx.Item[float32](errW), mx.Item[float32](b))
}
