package mx_test

import (
	"fmt"

	"github.com/mlxgo/mlxgo/mx"
)

func ExampleArange() {
	fmt.Println(mx.ToSlice[int32](mx.Arange(5)))
	fmt.Println(mx.ToSlice[int32](mx.Arange(5, 0, -2)))
	a := mx.Arange(0, 1, 0.25)
	fmt.Println(a.Dtype(), mx.ToSlice[float32](a))
	// Output:
	// [0 1 2 3 4]
	// [5 3 1]
	// float32 [0 0.25 0.5 0.75]
}

func ExampleFull() {
	a := mx.Full([]int{2, 3}, mx.NewArray([]int32{1, 2, 3}))
	fmt.Println(a.Shape(), mx.ToSlice[int32](a))
	b := mx.Full([]int{2}, 1.5)
	fmt.Println(b.Dtype(), mx.ToSlice[float32](b))
	// Output:
	// [2 3] [1 2 3 1 2 3]
	// float32 [1.5 1.5]
}

func ExampleEye() {
	e := mx.Eye(2, 3, 1, mx.Int32)
	fmt.Println(e.Shape(), mx.ToSlice[int32](e))
	// Output:
	// [2 3] [0 1 0 0 0 1]
}

func ExampleMeshgrid() {
	g := mx.Meshgrid([]*mx.Array{mx.Arange(3), mx.Arange(2)}, false, "xy")
	fmt.Println(g[0].Shape(), mx.ToSlice[int32](g[0]))
	fmt.Println(g[1].Shape(), mx.ToSlice[int32](g[1]))
	// Output:
	// [2 3] [0 1 2 0 1 2]
	// [2 3] [0 0 0 1 1 1]
}
