package mx

import (
	"math"
	"math/cmplx"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The files under testdata/io are written by scripts/golden/io_formats.py
// with NumPy, PyTorch and hand-made safetensors and GGUF writers.

var (
	goldenSigned   = []float64{0, 1, -2, 3, 100, -7}
	goldenUnsigned = []float64{0, 1, 2, 3, 100, 255}
	goldenFloats   = []float64{0, 1.5, -2.25, math.Inf(1), math.NaN(), 1000}
	goldenComplex  = []complex64{0, 1 + 2i, -3.5i, 4, 1000 - 1i, -0.5}
	goldenBools    = []bool{true, false, true, true, false, false}
)

// goldenSample is the script's sample() for dtype dt: shape (2, 3).
func goldenSample(dt Dtype) *Array {
	switch {
	case dt == Bool:
		return NewArray(goldenBools, 2, 3)
	case dt == Complex64:
		return NewArray(goldenComplex, 2, 3)
	case dt.IsFloating():
		return AsType(NewArray(goldenFloats, 2, 3), dt)
	case dt <= Uint64:
		return AsType(NewArray(goldenUnsigned, 2, 3), dt)
	}
	return AsType(NewArray(goldenSigned, 2, 3), dt)
}

// sameValues fails unless got has want's shape and dtype and equal
// values, NaN meeting NaN (whose bits vary between writers).
func sameValues(t *testing.T, what string, want, got *Array) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: missing", what)
	}
	if got.Dtype() != want.Dtype() || !slices.Equal(got.Shape(), want.Shape()) {
		t.Fatalf("%s: got %v %v, want %v %v", what, got.Dtype(), got.Shape(), want.Dtype(), want.Shape())
	}
	switch {
	case want.Dtype() == Complex64:
		g, w := ToSlice[complex64](got), ToSlice[complex64](want)
		for i := range w {
			if g[i] != w[i] && !(cmplx.IsNaN(complex128(g[i])) && cmplx.IsNaN(complex128(w[i]))) {
				t.Fatalf("%s: element %d is %v, want %v", what, i, g[i], w[i])
			}
		}
	case want.Dtype().IsFloating():
		g, w := ToSlice[float64](got), ToSlice[float64](want)
		for i := range w {
			if g[i] != w[i] && !(math.IsNaN(g[i]) && math.IsNaN(w[i])) || math.Signbit(g[i]) != math.Signbit(w[i]) && !math.IsNaN(w[i]) {
				t.Fatalf("%s: element %d is %v, want %v", what, i, g[i], w[i])
			}
		}
	default:
		sameArray(t, what, want, got)
	}
}

var goldenCodes = map[string]Dtype{
	"b1": Bool, "u1": Uint8, "u2": Uint16, "u4": Uint32, "u8": Uint64, "i1": Int8, "i2": Int16,
	"i4": Int32, "i8": Int64, "f2": Float16, "f4": Float32, "f8": Float64, "c8": Complex64, "c16": Complex64,
}

func TestIOGoldenNumPy(t *testing.T) {
	for _, file := range []string{"numpy.npz", "numpy_compressed.npz"} {
		m, meta, err := Load(filepath.Join("testdata/io", file))
		if err != nil || meta != nil {
			t.Fatal(err)
		}
		n := 0
		for code, dt := range goldenCodes {
			for _, order := range []string{"le_", "be_"} {
				name := order + code
				if order == "be_" && (dt.Size() == 1) {
					continue
				}
				sameValues(t, file+" "+name, goldenSample(dt), m[name])
				n++
			}
		}
		sameValues(t, file+" fortran", Reshape(Arange(0, 12, 1, Int32), []int{3, 4}), m["fortran"])
		sameValues(t, file+" fortran_be3", Reshape(Arange(0, 24, 1, Float64), []int{2, 3, 4}), m["fortran_be3"])
		sameValues(t, file+" scalar", Scalar(float32(2.5)), m["scalar"])
		sameValues(t, file+" empty", Zeros([]int{0, 3}, Int16), m["empty"])
		if len(m) != n+4 {
			t.Fatalf("%s: %d arrays, want %d", file, len(m), n+4)
		}
	}
	a, err := LoadNPY("testdata/io/numpy_fortran.npy")
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "numpy_fortran.npy", Reshape(Arange(0, 24, 1, Float64), []int{2, 3, 4}), a)
	a, err = LoadNPY("testdata/io/numpy_c16be.npy")
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "numpy_c16be.npy", goldenSample(Complex64), a)
}

func TestIOGoldenSafetensors(t *testing.T) {
	m, meta, err := LoadSafetensors("testdata/io/torch.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" || meta["note"] != "ünïcode" {
		t.Fatalf("metadata %q", meta)
	}
	for tag, dt := range map[string]Dtype{"bool": Bool, "u8": Uint8, "u16": Uint16, "u32": Uint32, "u64": Uint64,
		"i8": Int8, "i16": Int16, "i32": Int32, "i64": Int64, "f16": Float16, "f32": Float32, "f64": Float64,
		"c64": Complex64, "bf16": Bfloat16} {
		sameValues(t, tag, goldenSample(dt), m[tag])
	}
	sameArray(t, "f8_e4m3", NewArray([]uint8{0, 1, 0x38, 0x7e, 0x80, 0xff}), m["f8_e4m3"])
	sameArray(t, "f8_e5m2", NewArray([]uint8{0, 0x3c, 0x7b, 0xfc}, 2, 2), m["f8_e5m2"])
	sameArray(t, "weight", Reshape(Arange(0, 20, 1, Float32), []int{4, 5}), m["model.layers.0.mlp.weight"])
	sameArray(t, "empty", Zeros([]int{0, 4}), m["empty"])
	sameArray(t, "scalar", Scalar(int32(-3)), m["scalar"])
	if len(m) != 19 {
		t.Fatalf("%d tensors", len(m))
	}
}

func TestIOGoldenGGUF(t *testing.T) {
	m, meta, err := Load("testdata/io/llama.gguf")
	if err != nil {
		t.Fatal(err)
	}
	want, err := LoadNPZ("testdata/io/llama_expected.npz")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != len(want) {
		t.Fatalf("%d tensors, want %d", len(m), len(want))
	}
	for name, w := range want {
		got := m[name]
		if strings.HasPrefix(name, "q.") {
			// Dequantized: float16, exactly what NumPy computed.
			sameValues(t, name, w, got)
			continue
		}
		if name == "plain.BF16" {
			w = AsType(w, Bfloat16)
		}
		sameValues(t, name, w, got)
	}
	for k, v := range map[string]any{
		"general.architecture": "llama", "general.name": "tïny", "llama.context_length": uint32(4096),
		"llama.rope.freq_base": float32(10000), "u8": uint8(255), "i8": int8(-128), "u16": uint16(65535),
		"i16": int16(-32768), "i32": int32(-5), "u64": uint64(math.MaxUint64), "i64": int64(math.MinInt64),
		"f64": 0.1, "flag": true, "tokenizer.ggml.tokens": []string{"<s>", "</s>", "▁the", ""},
		"tokenizer.ggml.scores": []float32{0, -1.5, 2.25}, "tokenizer.ggml.token_type": []int32{1, 3, 1},
		"bools": []bool{true, false}, "nested": []any{[]uint8{1, 2}, []string{"x"}},
	} {
		if !metaEqual(meta[k], v) {
			t.Errorf("metadata %q: got %#v, want %#v", k, meta[k], v)
		}
	}
	if len(meta) != 18 {
		t.Errorf("%d metadata entries", len(meta))
	}
}

// TestIOGoldenUnmapped reads the golden files without memory mapping, as
// on systems that have none.
func TestIOGoldenUnmapped(t *testing.T) {
	ioNoMap = true
	defer func() { ioNoMap = false }()
	t.Run("numpy", TestIOGoldenNumPy)
	t.Run("safetensors", TestIOGoldenSafetensors)
	t.Run("gguf", TestIOGoldenGGUF)
}
