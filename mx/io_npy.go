package mx

import (
	"archive/zip"
	"bufio"
	"fmt"

	"github.com/mlxgo/mlxgo/internal/format/npy"
	"github.com/mlxgo/mlxgo/internal/format/npz"
)

// Save writes a to a NumPy .npy file, appending ".npy" to path unless it
// ends with it, as MLX's save does. It evaluates a first. Every dtype is
// written little-endian in row-major order; bfloat16, which NumPy lacks,
// is written as MLX writes it (type string "<V2": NumPy reads it as raw
// 2-byte values). It panics with *Error if a is nil, and returns an error
// if evaluating a fails or the file cannot be written.
func Save(path string, a *Array) error {
	checkArray("save", a)
	path = withExt(path, ".npy")
	return atomicWrite("save", path, func(w *bufio.Writer) error {
		if _, err := w.Write(npy.HeaderBytes(a.dtype.core(), a.shape)); err != nil {
			return err
		}
		return writeArray("save", w, a)
	})
}

// LoadNPY reads the array of a NumPy .npy file, lazily (see Load). It reads
// every dtype of mlxgo in either byte order; complex128 data loads as
// complex64, and column-major (fortran_order) data as a transposed view.
// It returns an error naming the file and the problem for a file it cannot
// read.
func LoadNPY(path string) (*Array, error) {
	m, err := openMapped("load", path)
	if err != nil {
		return nil, err
	}
	h, err := npy.Parse(m, m.size)
	if err != nil {
		m.close()
		return nil, loadError("load", path, err)
	}
	return npyArray(m, h, nil), nil
}

// npyArray returns the lazy array of a parsed .npy header.
func npyArray(m *mappedFile, h *npy.Header, zf *zip.File) *Array {
	t := &h.Tensor
	if !h.Fortran {
		return newLoaded("load", m, t, zf, t.Shape)
	}
	rev := make([]int, len(t.Shape))
	for i, d := range t.Shape {
		rev[len(rev)-1-i] = d
	}
	return Transpose(newLoaded("load", m, t, zf, rev), DefaultStreamFor(CPU))
}

// LoadNPZ reads the arrays of a NumPy .npz file (stored or deflated),
// lazily (see Load), named as NumPy names them (the member's file name
// without ".npy"). It returns an error naming the file and the problem
// for a file it cannot read.
func LoadNPZ(path string) (map[string]*Array, error) {
	m, err := openMapped("load", path)
	if err != nil {
		return nil, err
	}
	entries, err := npz.Parse(m, m.size)
	if err != nil {
		m.close()
		return nil, loadError("load", path, err)
	}
	out := make(map[string]*Array, len(entries))
	for i := range entries {
		e := &entries[i]
		out[e.Tensor.Name] = npyArray(m, &e.Header, e.Zip)
	}
	return out, nil
}

// Savez writes arrays to an uncompressed NumPy .npz file, each as the
// member "<name>.npy", appending ".npz" to path unless it ends with it.
// NumPy's load reads it back under the same names. The arrays are
// evaluated and written one at a time. It panics with *Error if an array
// is nil, and returns an error if an evaluation fails or the file cannot
// be written.
func Savez(path string, arrays map[string]*Array) error {
	return savez("savez", path, arrays, zip.Store)
}

// SavezCompressed is Savez with each member deflated.
func SavezCompressed(path string, arrays map[string]*Array) error {
	return savez("savez_compressed", path, arrays, zip.Deflate)
}

func savez(op, path string, arrays map[string]*Array, method uint16) error {
	names := namedArrays(op, arrays)
	path = withExt(path, ".npz")
	return atomicWrite(op, path, func(w *bufio.Writer) error {
		zw := zip.NewWriter(w)
		for _, name := range names {
			a := arrays[name]
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: method})
			if err != nil {
				return err
			}
			if _, err := fw.Write(npy.HeaderBytes(a.dtype.core(), a.shape)); err != nil {
				return err
			}
			if err := writeArray(op, fw, a); err != nil {
				return fmt.Errorf("array %q: %w", name, err)
			}
		}
		return zw.Close()
	})
}
