package random_test

import (
	"fmt"

	"github.com/mlxgo/mlxgo/mx"
	"github.com/mlxgo/mlxgo/mx/random"
)

func ExampleSplit() {
	keys := random.Split(random.Key(0), 2)
	fmt.Println(keys.Shape(), mx.ToSlice[uint32](keys))
	// Output:
	// [2 2] [4146024105 967050713 2718843009 1272950319]
}

func ExampleUniform() {
	key := random.Key(0)
	a := random.Uniform(0, 1, []int{3}, mx.WithKey(key))
	b := random.Uniform(0, 1, []int{3}, mx.WithKey(key))
	fmt.Println(a.Dtype(), mx.ToSlice[float32](a))
	fmt.Println(mx.ToSlice[bool](mx.ArrayEqual(a, b))) // the same key, the same samples
	// Output:
	// float32 [0.9653215 0.3146817 0.63303]
	// [true]
}
