package mx_test

import (
	"fmt"
	"math"

	"github.com/mlxgo/mlxgo/mx"
)

// The quick start of MLX's documentation: arrays, a lazy op, printing.
func Example() {
	a := mx.NewArray([]int{1, 2, 3, 4})
	fmt.Println(a.Shape(), a.Dtype())
	b := mx.NewArray([]float32{1, 2, 3, 4})
	fmt.Println(b.Dtype())

	c := mx.Add(a, b) // c is not computed yet
	mx.Eval(c)        // now it is
	c = mx.Add(a, b)
	fmt.Println(c) // printing evaluates too
	// Output:
	// [4] int32
	// float32
	// array([2, 4, 6, 8], dtype=float32)
}

func ExampleEval() {
	a := mx.NewArray([]float32{1, 2, 3})
	b := mx.Add(a, a)
	fmt.Println(b.IsAvailable())
	if err := mx.Eval(b); err != nil {
		fmt.Println(err)
	}
	fmt.Println(b.IsAvailable(), mx.ToSlice[float32](b))
	// Output:
	// false
	// true [2 4 6]
}

func ExampleNewArray() {
	fmt.Println(mx.NewArray([]int{1, 2, 3, 4}, 2, 2))
	fmt.Println(mx.NewArray([]float64{0.5, -1}))
	fmt.Println(mx.NewArray([]bool{true, false}))
	fmt.Println(mx.NewArray([]complex64{1 + 2i, -1i}))
	// Output:
	// array([[1, 2],
	//        [3, 4]], dtype=int32)
	// array([0.5, -1], dtype=float64)
	// array([True, False], dtype=bool)
	// array([1+2j, 0-1j], dtype=complex64)
}

func ExampleScalar() {
	fmt.Println(mx.Scalar(-1.0))
	fmt.Println(mx.Scalar(3))
	fmt.Println(mx.Scalar(3, mx.Float16))
	// Output:
	// array(-1, dtype=float32)
	// array(3, dtype=int32)
	// array(3, dtype=float16)
}

// Go numbers are weak scalars: they take the type of the array they meet.
func ExampleAdd() {
	half := mx.AsType(mx.NewArray([]float32{1, 2}), mx.Float16)
	fmt.Println(mx.Add(half, 1.5))
	fmt.Println(mx.Add(mx.NewArray([]int32{1, 2}), 1.5))
	fmt.Println(mx.Add(mx.NewArray([]uint8{250}), 10)) // wraps around, as in MLX
	// Output:
	// array([2.5, 3.5], dtype=float16)
	// array([2.5, 3.5], dtype=float32)
	// array([4], dtype=uint8)
}

// Several results come back as Go's multiple return values.
func ExampleDivmod() {
	q, r := mx.Divmod(mx.NewArray([]int32{7, -7}), 2)
	fmt.Println(q, r)
	// Output:
	// array([3, -4], dtype=int32) array([1, 1], dtype=int32)
}

func ExampleIsClose() {
	a := mx.NewArray([]float32{1, 2, float32(math.NaN())})
	b := mx.NewArray([]float32{1.0001, 2.1, float32(math.NaN())})
	fmt.Println(mx.IsClose(a, b, mx.Rtol(1e-3), mx.EqualNaN))
	// Output:
	// array([True, False, True], dtype=bool)
}

// Printing summarises long axes, as MLX does.
func ExampleArray_String() {
	x := make([]int32, 100)
	for i := range x {
		x[i] = int32(i)
	}
	fmt.Println(mx.NewArray(x))
	fmt.Println(mx.NewArray(x[:21], 7, 3))
	// Output:
	// array([0, 1, 2, ..., 97, 98, 99], dtype=int32)
	// array([[0, 1, 2],
	//        [3, 4, 5],
	//        [6, 7, 8],
	//        ...,
	//        [12, 13, 14],
	//        [15, 16, 17],
	//        [18, 19, 20]], dtype=int32)
}

func ExampleArray_Format() {
	a := mx.NewArray([]float32{1, 2.5, 1e-7})
	fmt.Printf("%v\n", a)
	fmt.Printf("%.3f\n", a)
	fmt.Printf("%.2e\n", a)
	fmt.Printf("%x\n", mx.NewArray([]uint8{10, 255}))
	// Output:
	// array([1, 2.5, 1e-07], dtype=float32)
	// array([1.000, 2.500, 0.000], dtype=float32)
	// array([1.00e+00, 2.50e+00, 1.00e-07], dtype=float32)
	// array([a, ff], dtype=uint8)
}

func ExampleWithPrintOptions() {
	x := mx.NewArray([]float32{1.123456789})
	fmt.Println(x)
	mx.WithPrintOptions(mx.PrintOptions{Precision: 4}, func() {
		fmt.Println(x)
	})
	// Output:
	// array([1.12346], dtype=float32)
	// array([1.1235], dtype=float32)
}

// Ops take a stream or a device as an option; ops on different streams
// run concurrently and wait for the results they take from each other.
func ExampleNewStream() {
	a := mx.NewArray([]int{1, 2, 3, 4})
	b := mx.NewArray([]float32{1, 2, 3, 4})
	s := mx.NewStream(mx.CPU)
	c := mx.Add(a, b, s)      // runs on s
	d := mx.Add(a, c, mx.CPU) // runs on the CPU's default stream, after c
	fmt.Println(d)
	// Output:
	// array([3, 6, 9, 12], dtype=float32)
}

func ExampleWithStream() {
	s := mx.NewStream(mx.CPU)
	mx.WithStream(s, func() {
		fmt.Println(mx.DefaultStream() == s)
	})
	fmt.Println(mx.DefaultStream() == s)
	// Output:
	// true
	// false
}

func ExampleCatch() {
	a := mx.NewArray([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := mx.NewArray([]float32{1, 2, 3, 4})
	var c *mx.Array
	err := mx.Catch(func() { c = mx.Add(a, b) })
	fmt.Println(c == nil)
	fmt.Println(err)
	// Output:
	// true
	// mx: add: shapes (2, 3) and (4,) cannot be broadcast
}

func ExampleResultType() {
	i := mx.NewArray([]int32{1})
	h := mx.AsType(mx.NewArray([]float32{1}), mx.Float16)
	fmt.Println(mx.ResultType(i, 1.5))
	fmt.Println(mx.ResultType(h, 1.5))
	fmt.Println(mx.ResultType(i, h))
	fmt.Println(mx.ResultType(mx.Uint8, mx.Int8))
	// Output:
	// float32
	// float16
	// float16
	// int16
}

func ExampleFinfo() {
	f := mx.Finfo(mx.Float16)
	fmt.Println(f)
	fmt.Println(f.Eps, f.SmallestNormal, f.Bits)
	fmt.Println(mx.Finfo(mx.Bfloat16).Max)
	// Output:
	// finfo(min=-65504, max=65504, dtype=float16)
	// 0.0009765625 6.103515625e-05 16
	// 3.3895313892515355e+38
}

func ExampleIinfo() {
	fmt.Println(mx.Iinfo(mx.Int8))
	fmt.Println(mx.Iinfo(mx.Uint64).Max)
	// Output:
	// iinfo(min=-128, max=127, dtype=int8)
	// 18446744073709551615
}

// The quick start's transforms: the gradient of sin is cos, and that of
// cos is -sin.
func ExampleGrad() {
	x := mx.Scalar(0.0)
	fmt.Println(mx.Sin(x))
	fmt.Println(mx.Grad(mx.Sin)(x))
	fmt.Println(mx.Grad(mx.Grad(mx.Sin))(x))

	dfdx := mx.Grad(mx.Sin)
	fmt.Println(dfdx(mx.Scalar(math.Pi)))
	fmt.Println(mx.Cos(mx.Scalar(math.Pi)))

	d2fdx2 := mx.Grad(mx.Grad(mx.Sin))
	fmt.Println(d2fdx2(mx.Scalar(math.Pi / 2)))
	fmt.Println(mx.Sin(mx.Scalar(math.Pi / 2)))
	// Output:
	// array(0, dtype=float32)
	// array(1, dtype=float32)
	// array(-0, dtype=float32)
	// array(-1, dtype=float32)
	// array(-1, dtype=float32)
	// array(-1, dtype=float32)
	// array(1, dtype=float32)
}

// Gradients with respect to one argument or several, from MLX's
// documentation of function transforms.
func ExampleValueAndGrad() {
	lossFn := func(w, x, y *mx.Array) *mx.Array {
		return mx.Mean(mx.Square(mx.Subtract(mx.Multiply(w, x), y)))
	}
	w := mx.Scalar(1.0)
	x := mx.NewArray([]float32{0.5, -0.5})
	y := mx.NewArray([]float32{1.5, -1.5})

	fmt.Println(mx.Grad(lossFn)(w, x, y))    // d loss / d w
	fmt.Println(mx.Grad(lossFn, 1)(w, x, y)) // d loss / d x

	loss, grads := mx.ValueAndGrad(lossFn)(w, x, y)
	fmt.Println(loss, grads[0])
	// Output:
	// array(-1, dtype=float32)
	// array([-1, 1], dtype=float32)
	// array(1, dtype=float32) array(-1, dtype=float32)
}

// Indexing, as in MLX's documentation.
func ExampleIndex_mlxDocs() {
	arr := mx.Arange(10)
	fmt.Println(mx.Index(arr, 3))
	fmt.Println(mx.Index(arr, -2))                 // arr[-2]
	fmt.Println(mx.Index(arr, mx.S(2, 8).Step(2))) // arr[2:8:2]

	arr = mx.Reshape(mx.Arange(8), []int{2, 2, 2})
	fmt.Println(mx.Index(arr, mx.Colon, mx.Colon, 0)) // arr[:, :, 0]
	fmt.Println(mx.Index(arr, mx.Ellipsis, 0))        // arr[..., 0]
	fmt.Println(mx.Index(arr, mx.NewAxis).Shape())    // arr[None].shape
	// Output:
	// array(3, dtype=int32)
	// array(8, dtype=int32)
	// array([2, 4, 6], dtype=int32)
	// array([[0, 2],
	//        [4, 6]], dtype=int32)
	// array([[0, 2],
	//        [4, 6]], dtype=int32)
	// [1 2 2 2]
}
