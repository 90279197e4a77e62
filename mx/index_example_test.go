package mx_test

import (
	"fmt"

	"github.com/mlxgo/mlxgo/mx"
)

func ExampleIndex() {
	a := mx.NewArray([]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)

	b := mx.Index(a, mx.From(1), mx.Colon.Step(-2)) // a[1:, ::-2]
	fmt.Println(b.Shape(), mx.ToSlice[int32](b))

	c := mx.Index(a, mx.Ellipsis, 2, mx.NewAxis) // a[..., 2, None]
	fmt.Println(c.Shape(), mx.ToSlice[int32](c))
	// Output:
	// [2 2] [7 5 11 9]
	// [3 1] [2 6 10]
}

func ExampleReshape() {
	a := mx.NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := mx.Reshape(a, []int{3, -1}) // a view of a's buffer
	c := mx.Reshape(mx.Transpose(a), []int{-1})
	fmt.Println(b.Shape(), mx.ToSlice[float32](c))
	// Output: [3 2] [1 4 2 5 3 6]
}

func ExampleAt() {
	a := mx.Zeros([]int{4}, mx.Int32)
	idx := mx.NewArray([]int32{0, 2, 0})
	fmt.Println(mx.At(a, idx).Add(1)) // repeated indices accumulate
	fmt.Println(mx.At(a, mx.S(1, 3)).Set(7))
	// Output:
	// array([2, 0, 1, 0], dtype=int32)
	// array([0, 7, 7, 0], dtype=int32)
}

func ExampleTake() {
	a := mx.Reshape(mx.Arange(6), []int{2, 3})
	fmt.Println(mx.Take(a, mx.NewArray([]int32{2, -3}), mx.Axis(1)))
	fmt.Println(mx.Index(a, mx.NewArray([]bool{false, true})))
	// Output:
	// array([[2, 0],
	//        [5, 3]], dtype=int32)
	// array([[3, 4, 5]], dtype=int32)
}
