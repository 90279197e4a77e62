package mx

import (
	"bufio"
	"fmt"

	"github.com/mlxgo/mlxgo/internal/format/safetensors"
)

// SaveSafetensors writes arrays and string metadata (nil for none) to a
// safetensors file, appending ".safetensors" to path unless it ends with
// it. Tensors are written in order of their names. Every dtype is
// supported. The arrays are evaluated and written one at a time, straight
// from their buffers. It panics with *Error if an array is nil, or a name
// or metadata string is not valid UTF-8 or a name is "__metadata__", and
// returns an error if an evaluation fails or the file cannot be written.
func SaveSafetensors(path string, arrays map[string]*Array, metadata map[string]string) error {
	const op = "save_safetensors"
	names := namedArrays(op, arrays)
	descs := make([]safetensors.Desc, len(names))
	for i, name := range names {
		if err := safetensors.CheckString("tensor name", name); err != nil {
			panic(newError(op, "%v", err))
		}
		if name == "__metadata__" {
			panic(newError(op, `a tensor cannot be named "__metadata__"`))
		}
		a := arrays[name]
		descs[i] = safetensors.Desc{Name: name, Dtype: a.dtype.core(), Shape: a.shape}
	}
	for k, v := range metadata {
		if err := safetensors.CheckString("metadata key", k); err != nil {
			panic(newError(op, "%v", err))
		}
		if err := safetensors.CheckString(fmt.Sprintf("metadata value of %q", k), v); err != nil {
			panic(newError(op, "%v", err))
		}
	}
	hdr, _, err := safetensors.HeaderBytes(descs, metadata)
	if err != nil {
		panic(newError(op, "%v", err))
	}
	path = withExt(path, ".safetensors")
	return atomicWrite(op, path, func(w *bufio.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		for _, name := range names {
			if err := writeArray(op, w, arrays[name]); err != nil {
				return fmt.Errorf("tensor %q: %w", name, err)
			}
		}
		return nil
	})
}

// LoadSafetensors reads the arrays and metadata of a safetensors file.
// The arrays are lazy: the file's header is read and checked at once, and
// each tensor's bytes are read from the file (memory-mapped where the
// system allows) when the array is evaluated, on the CPU. Every
// safetensors dtype loads: BOOL, U8 to U64, I8 to I64, F16, BF16, F32,
// F64 and C64 as the matching dtype, and the 8-bit float types (F8_E4M3,
// F8_E5M2, F8_E8M0) as their bytes, uint8, as MLX loads them. It returns
// an error naming the file and the problem for a file it cannot read.
func LoadSafetensors(path string) (map[string]*Array, map[string]string, error) {
	const op = "load_safetensors"
	m, err := openMapped(op, path)
	if err != nil {
		return nil, nil, err
	}
	f, err := safetensors.Parse(m, m.size)
	if err != nil {
		m.close()
		return nil, nil, loadError(op, path, err)
	}
	if m.data != nil {
		adviseSequential(m.data)
	}
	out := make(map[string]*Array, len(f.Tensors))
	for i := range f.Tensors {
		t := &f.Tensors[i]
		out[t.Name] = newLoaded(op, m, t, nil, t.Shape)
	}
	return out, f.Metadata, nil
}
