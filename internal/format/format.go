// Package format parses and writes the array file formats (npy, npz,
// safetensors, GGUF). Its parsers work on an io.ReaderAt and a size, treat
// every byte as hostile, and return descriptors of the tensors a file holds
// (name, element type, shape, where the stored bytes lie and how they are
// encoded) without reading the tensor data: the caller reads and decodes
// those bytes when it needs them.
//
// Every check that a file's claims fit the file is made here, so that a
// descriptor that comes back can be trusted: its bytes lie inside the file,
// its shape's product fits an int, and its stored length is exactly what
// its shape, type and encoding need.
package format

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Encoding says how a tensor's stored bytes become its elements.
type Encoding uint8

// The encodings. Plain is the elements of the tensor's dtype in
// little-endian order; Swapped the same in big-endian order. Complex128
// (and its big-endian twin) holds pairs of float64 narrowed to complex64 on
// load. The GGML encodings are llama.cpp's quantized blocks, dequantized to
// float16 on load.
const (
	Plain Encoding = iota
	Swapped
	Complex128
	Complex128Swapped
	Q4_0
	Q4_1
	Q5_0
	Q5_1
	Q8_0
	Q2K
	Q3K
	Q4K
	Q5K
	Q6K
	Q8K
	numEncodings
)

var encodingNames = [numEncodings]string{
	"plain", "big-endian", "complex128", "big-endian complex128",
	"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K",
}

func (e Encoding) String() string {
	if e < numEncodings {
		return encodingNames[e]
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// IsBlock reports whether e stores elements in blocks (the GGML quantized
// encodings).
func (e Encoding) IsBlock() bool { return e >= Q4_0 && e < numEncodings }

// Block returns the elements per block and the bytes per block of e. An
// element encoding is a block of one element.
func (e Encoding) Block(dt core.Dtype) (elems, size int) {
	switch e {
	case Plain, Swapped:
		return 1, dt.Size()
	case Complex128, Complex128Swapped:
		return 1, 16
	}
	return ggmlBlocks[e-Q4_0].elems, ggmlBlocks[e-Q4_0].size
}

// Tensor describes one stored array.
type Tensor struct {
	Name     string
	Dtype    core.Dtype // the element type of the array it loads as
	Shape    []int
	Encoding Encoding
	Offset   int64 // where the stored bytes start, from the start of the file
	Length   int64 // how many bytes are stored
}

// Size returns the number of elements of t.
func (t *Tensor) Size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Nbytes returns the number of bytes the loaded array takes.
func (t *Tensor) Nbytes() int64 { return int64(t.Size()) * int64(t.Dtype.Size()) }

// ErrTooLarge is wrapped by errors about sizes that do not fit.
var ErrTooLarge = errors.New("too large")

// ShapeSize returns the product of dims, checking that each is at least
// zero and that the product times elemSize fits an int (and an int64).
func ShapeSize(dims []int64, elemSize int) (int, error) {
	n := uint64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d", d)
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, fmt.Errorf("shape %v has too many elements: %w", dims, ErrTooLarge)
		}
		n = lo
	}
	hi, lo := bits.Mul64(n, uint64(elemSize))
	if hi != 0 || lo > math.MaxInt64 || lo > uint64(math.MaxInt) {
		return 0, fmt.Errorf("shape %v takes too many bytes: %w", dims, ErrTooLarge)
	}
	return int(n), nil
}

// StoredSize returns the bytes that n elements of dt take in encoding e, or
// an error when n is not a whole number of blocks.
func StoredSize(e Encoding, dt core.Dtype, n int) (int64, error) {
	elems, size := e.Block(dt)
	if n%elems != 0 {
		return 0, fmt.Errorf("%d elements are not a whole number of %v blocks of %d", n, e, elems)
	}
	hi, lo := bits.Mul64(uint64(n/elems), uint64(size))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, fmt.Errorf("%d elements take too many bytes: %w", n, ErrTooLarge)
	}
	return int64(lo), nil
}

// CheckRange reports an error unless [off, off+n) lies within [0, size).
func CheckRange(off, n, size int64) error {
	if off < 0 || n < 0 || off > size || n > size-off {
		return fmt.Errorf("bytes [%d, %d) lie past the end of the file (%d bytes)", off, uint64(off)+uint64(n), size)
	}
	return nil
}

// CheckOverlap reports an error naming two tensors whose stored bytes
// overlap.
func CheckOverlap(ts []Tensor) error {
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return cmp.Compare(ts[i].Offset, ts[j].Offset) })
	for k := 1; k < len(idx); k++ {
		a, b := &ts[idx[k-1]], &ts[idx[k]]
		if a.Length > 0 && b.Length > 0 && b.Offset < a.Offset+a.Length {
			return fmt.Errorf("tensors %q and %q overlap (bytes [%d, %d) and [%d, %d))",
				a.Name, b.Name, a.Offset, a.Offset+a.Length, b.Offset, b.Offset+b.Length)
		}
	}
	return nil
}
