package mx

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Interop with Python's tools, both ways, through scripts/io-interop-gpu.py
// (NumPy, PyTorch, safetensors and, when installed, gguf):
//
//	MLXGO_IO_INTEROP_OUT=dir go test ./mx -run TestIOInteropWrite   # files for Python to check
//	python3 scripts/io-interop-gpu.py check dir
//	python3 scripts/io-interop-gpu.py write dir                     # files for Go to check
//	MLXGO_IO_INTEROP_IN=dir go test ./mx -run TestIOInteropRead
//
// The GGUF file written is also read by Hugging Face's GGUF parser (Node.js):
//
//	(cd scripts/gguf-interop && npm install) && node scripts/gguf-interop/check.mjs dir/mlxgo.gguf
//
// Both tests skip when their variable is not set.

// interopArrays is every dtype's golden sample, named by its dtype.
func interopArrays(dtypes []Dtype) map[string]*Array {
	m := map[string]*Array{}
	for _, dt := range dtypes {
		m[dt.String()] = goldenSample(dt)
	}
	return m
}

var ggufDtypes = []Dtype{Float32, Float16, Bfloat16, Float64, Int8, Int16, Int32, Int64}

func TestIOInteropWrite(t *testing.T) {
	dir := os.Getenv("MLXGO_IO_INTEROP_OUT")
	if dir == "" {
		t.Skip("MLXGO_IO_INTEROP_OUT is not set")
	}
	all := interopArrays(allDtypes)
	all["fortran_source"] = Transpose(Reshape(Arange(0, 12, 1, Int32), []int{3, 4}))
	all["scalar"] = Scalar(float32(2.5))
	all["empty"] = Zeros([]int{0, 3}, Int16)
	for _, err := range []error{
		Save(filepath.Join(dir, "mlxgo_float32.npy"), all["float32"]),
		Save(filepath.Join(dir, "mlxgo_bfloat16.npy"), all["bfloat16"]),
		Savez(filepath.Join(dir, "mlxgo.npz"), all),
		SavezCompressed(filepath.Join(dir, "mlxgo_compressed.npz"), all),
		SaveSafetensors(filepath.Join(dir, "mlxgo.safetensors"), all, map[string]string{"format": "mlx", "note": "ünïcode"}),
		SaveGGUF(filepath.Join(dir, "mlxgo.gguf"), interopArrays(ggufDtypes), map[string]any{
			"general.architecture": "llama", "general.name": "tïny", "llama.context_length": uint32(4096),
			"f32": float32(1.5), "f64": 0.25, "i64": int64(-1 << 40), "u64": uint64(1 << 63), "flag": true,
			"tokenizer.ggml.tokens": []string{"<s>", "▁the"}, "scores": []float32{0, -1.5},
			"u8": uint8(7), "i8": int8(-7), "u16": uint16(7), "i16": int16(-7), "i32": int32(-7),
		}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestIOInteropRead(t *testing.T) {
	dir := os.Getenv("MLXGO_IO_INTEROP_IN")
	if dir == "" {
		t.Skip("MLXGO_IO_INTEROP_IN is not set")
	}
	check := func(file string, dtypes []Dtype) map[string]*Array {
		t.Helper()
		m, _, err := Load(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, dt := range dtypes {
			sameValues(t, file+" "+dt.String(), goldenSample(dt), m[dt.String()])
		}
		return m
	}
	numpyDtypes := []Dtype{Bool, Uint8, Uint16, Uint32, Uint64, Int8, Int16, Int32, Int64, Float16, Float32, Float64, Complex64}
	for _, f := range []string{"py_numpy.npz", "py_numpy_compressed.npz"} {
		m := check(f, numpyDtypes)
		sameValues(t, f+" fortran", Reshape(Arange(0, 24, 1, Float64), []int{2, 3, 4}), m["fortran"])
		sameValues(t, f+" big-endian", goldenSample(Float64), m["be_float64"])
		sameValues(t, f+" complex128", goldenSample(Complex64), m["complex128"])
	}
	a, err := LoadNPY(filepath.Join(dir, "py_float32.npy"))
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "py_float32.npy", goldenSample(Float32), a)
	if _, err := os.Stat(filepath.Join(dir, "py_torch.safetensors")); err == nil {
		m := check("py_torch.safetensors", []Dtype{Bool, Uint8, Int8, Int16, Int32, Int64, Float16, Bfloat16, Float32, Float64})
		if f8 := m["float8_e4m3fn"]; f8 == nil || f8.Dtype() != Uint8 ||
			!slices.Equal(ToSlice[int](f8), []int{0x30, 0xb8, 0x40, 0x7e}) {
			t.Errorf("float8_e4m3fn: %v", f8)
		}
		_, meta, err := LoadSafetensors(filepath.Join(dir, "py_torch.safetensors"))
		if err != nil || meta["format"] != "pt" {
			t.Errorf("metadata %v %v", meta, err)
		}
		st := numpyDtypes
		if m, _, _ := LoadSafetensors(filepath.Join(dir, "py_numpy.safetensors")); m != nil && m["complex64"] == nil {
			t.Log("py_numpy.safetensors has no complex64: the safetensors package could not write it")
			st = st[:len(st)-1]
		}
		check("py_numpy.safetensors", st)
	} else {
		t.Log("no py_*.safetensors: the safetensors package was not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "py_gguf.gguf")); err == nil {
		got, meta, err := LoadGGUF(filepath.Join(dir, "py_gguf.gguf"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := LoadNPZ(filepath.Join(dir, "py_gguf_expected.npz"))
		if err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			sameValues(t, "py_gguf.gguf "+name, w, got[name])
		}
		if meta["general.architecture"] != "llama" {
			t.Errorf("gguf metadata %v", meta)
		}
	} else {
		t.Log("no py_gguf.gguf: the gguf package was not installed")
	}
}
