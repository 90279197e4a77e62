package mx_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlxgo/mlxgo/mx"
)

func ExampleLoadSafetensors() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	weights := map[string]*mx.Array{
		"layer.weight": mx.NewArray([]float32{1, 2, 3, 4}, 2, 2),
		"layer.bias":   mx.NewArray([]float32{0.5, -0.5}),
	}
	if err := mx.SaveSafetensors(path, weights, map[string]string{"format": "mlx"}); err != nil {
		fmt.Println(err)
		return
	}

	// Nothing is read until the arrays are evaluated.
	loaded, metadata, err := mx.LoadSafetensors(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(metadata["format"])
	fmt.Println(mx.Add(loaded["layer.weight"], loaded["layer.bias"]))
	// Output:
	// mlx
	// array([[1.5, 1.5],
	//        [3.5, 3.5]], dtype=float32)
}

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "x.npy")
	if err := mx.Save(path, mx.Arange(0, 4, 1, mx.Int32)); err != nil {
		fmt.Println(err)
		return
	}
	arrays, _, err := mx.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(arrays["x"])

	// A file that lies about its contents gives an error, never a crash.
	os.WriteFile(path, []byte("\x93NUMPY\x01\x00\xff\x00{}"), 0o644)
	_, _, err = mx.Load(path)
	fmt.Println(err != nil)
	// Output:
	// array([0, 1, 2, 3], dtype=int32)
	// true
}
