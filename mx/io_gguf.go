package mx

import (
	"bufio"
	"fmt"
	"io"
	"slices"

	"github.com/mlxgo/mlxgo/internal/format/gguf"
)

// SaveGGUF writes arrays and metadata (nil for none) to a GGUF file in
// llama.cpp's layout (version 3, tensor data aligned to 32 bytes unless
// the metadata sets "general.alignment" to another uint32 power of two),
// appending ".gguf" to path unless it ends with it. Arrays may be float32,
// float16, bfloat16, float64, int8, int16, int32 or int64, of at most 8
// dimensions (llama.cpp reads at most 4). Metadata values are Go values
// of the GGUF value types: uint8, int8, uint16, int16, uint32, int32,
// uint64, int64, float32, float64, bool and string, a slice of one of
// them for an array, and a []any of such slices for an array of arrays;
// an *Array of one of those dtypes, 0-d or 1-d, is written as its value
// or values, as MLX writes it. Metadata is written in order of the keys,
// tensors in order of their names; the arrays are evaluated and written
// one at a time. It panics with *Error for a nil array, a dtype or
// metadata value GGUF cannot hold, or a name that is not valid UTF-8, and
// returns an error if an evaluation fails or the file cannot be written.
func SaveGGUF(path string, arrays map[string]*Array, metadata map[string]any) error {
	const op = "save_gguf"
	names := namedArrays(op, arrays)
	descs := make([]gguf.Desc, len(names))
	for i, name := range names {
		a := arrays[name]
		if _, ok := gguf.TypeFor(a.dtype.core()); !ok {
			panic(newError(op, "array %q: GGUF cannot hold %v (it holds float32, float16, bfloat16, float64, int8, int16, int32 and int64)", name, a.dtype))
		}
		descs[i] = gguf.Desc{Name: name, Dtype: a.dtype.core(), Shape: a.shape}
	}
	keys := make([]string, 0, len(metadata))
	for k := range metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	kvs := make([]gguf.KV, len(keys))
	for i, k := range keys {
		kvs[i] = gguf.KV{Key: k, Value: ggufValue(op, k, metadata[k])}
	}
	hdr, offs, err := gguf.HeaderBytes(kvs, descs)
	if err != nil {
		panic(newError(op, "%v", err))
	}
	path = withExt(path, ".gguf")
	return atomicWrite(op, path, func(w *bufio.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		pos := int64(0)
		for i, name := range names {
			if err := writeZeros(w, offs[i]-pos); err != nil {
				return err
			}
			if err := writeArray(op, w, arrays[name]); err != nil {
				return fmt.Errorf("tensor %q: %w", name, err)
			}
			pos = offs[i] + int64(arrays[name].Nbytes())
		}
		return nil
	})
}

func writeZeros(w io.Writer, n int64) error {
	var zeros [64]byte
	for n > 0 {
		k := min(n, int64(len(zeros)))
		if _, err := w.Write(zeros[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// ggufValue converts an *Array metadata value to the Go value GGUF
// writes, and passes other values on (HeaderBytes checks them).
func ggufValue(op, key string, v any) any {
	a, ok := v.(*Array)
	if !ok {
		return v
	}
	checkArray(op, a)
	if a.Ndim() > 1 {
		panic(newError(op, "metadata %q: an array of shape %s has more than one dimension", key, shapeString(a.shape)))
	}
	var s any
	switch a.dtype {
	case Bool:
		s = ToSlice[bool](a)
	case Uint8:
		s = ToSlice[uint8](a)
	case Uint16:
		s = ToSlice[uint16](a)
	case Uint32:
		s = ToSlice[uint32](a)
	case Uint64:
		s = ToSlice[uint64](a)
	case Int8:
		s = ToSlice[int8](a)
	case Int16:
		s = ToSlice[int16](a)
	case Int32:
		s = ToSlice[int32](a)
	case Int64:
		s = ToSlice[int64](a)
	case Float32:
		s = ToSlice[float32](a)
	case Float64:
		s = ToSlice[float64](a)
	default:
		panic(newError(op, "metadata %q: GGUF cannot hold %v values", key, a.dtype))
	}
	if a.Ndim() == 1 {
		return s
	}
	return first(s)
}

// first returns the element of a one-element slice.
func first(s any) any {
	switch s := s.(type) {
	case []bool:
		return s[0]
	case []uint8:
		return s[0]
	case []uint16:
		return s[0]
	case []uint32:
		return s[0]
	case []uint64:
		return s[0]
	case []int8:
		return s[0]
	case []int16:
		return s[0]
	case []int32:
		return s[0]
	case []int64:
		return s[0]
	case []float32:
		return s[0]
	}
	return s.([]float64)[0]
}

// LoadGGUF reads the arrays and metadata of a GGUF file (versions 2 and
// 3, llama.cpp's layout), lazily (see LoadSafetensors). GGML's dimension
// order is reversed into MLX's: a tensor of GGML dimensions [4096, 32000]
// loads with shape (32000, 4096). F32, F16, BF16, F64 and the integer
// types I8 to I64 load as the matching dtype; the quantized types Q4_0,
// Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and Q8_K are
// dequantized to float16 when evaluated, as MLX dequantizes the types it
// does not keep quantized. The metadata values are the Go values listed
// at SaveGGUF. It returns an error naming the file and the problem for a
// file it cannot read, or a tensor type it cannot load (the IQ types).
func LoadGGUF(path string) (map[string]*Array, map[string]any, error) {
	const op = "load_gguf"
	m, err := openMapped(op, path)
	if err != nil {
		return nil, nil, err
	}
	f, err := gguf.Parse(m, m.size)
	if err != nil {
		m.close()
		return nil, nil, loadError(op, path, err)
	}
	out := make(map[string]*Array, len(f.Tensors))
	for i := range f.Tensors {
		t := &f.Tensors[i]
		out[t.Name] = newLoaded(op, m, t, nil, t.Shape)
	}
	meta := make(map[string]any, len(f.Metadata))
	for _, kv := range f.Metadata {
		meta[kv.Key] = kv.Value
	}
	return out, meta, nil
}
