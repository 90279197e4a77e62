// Package gguf reads and writes GGUF files, llama.cpp's format: a header
// of typed key/value metadata and tensor descriptions, then the tensor
// data, each tensor aligned.
package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format"
)

// Magic starts every GGUF file.
const Magic = "GGUF"

// DefaultAlignment is the alignment of tensor data when the metadata does
// not set general.alignment.
const DefaultAlignment = 32

// The value types of metadata.
const (
	TypeUint8 uint32 = iota
	TypeInt8
	TypeUint16
	TypeInt16
	TypeUint32
	TypeInt32
	TypeFloat32
	TypeBool
	TypeString
	TypeArray
	TypeUint64
	TypeInt64
	TypeFloat64
	numTypes
)

// maxDepth bounds the nesting of arrays of arrays.
const maxDepth = 8

// MaxDims is the most dimensions a tensor may have.
const MaxDims = 8

// KV is one metadata entry. Value is a Go value of the GGUF type: uint8,
// int8, uint16, int16, uint32, int32, uint64, int64, float32, float64,
// bool or string; an array is a slice of one of those ([]uint32,
// []string, ...), and an array of arrays a []any of such slices.
type KV struct {
	Key   string
	Value any
}

// File is a parsed GGUF header.
type File struct {
	Version   uint32
	Metadata  []KV
	Tensors   []format.Tensor
	Alignment int64
	// DataOffset is where the data section starts; tensor offsets in
	// Tensors are already from the start of the file.
	DataOffset int64
}

// GGML tensor types.
const (
	GGMLF32  = 0
	GGMLF16  = 1
	GGMLQ4_0 = 2
	GGMLQ4_1 = 3
	GGMLQ5_0 = 6
	GGMLQ5_1 = 7
	GGMLQ8_0 = 8
	GGMLQ2K  = 10
	GGMLQ3K  = 11
	GGMLQ4K  = 12
	GGMLQ5K  = 13
	GGMLQ6K  = 14
	GGMLQ8K  = 15
	GGMLI8   = 24
	GGMLI16  = 25
	GGMLI32  = 26
	GGMLI64  = 27
	GGMLF64  = 28
	GGMLBF16 = 30
)

type ggmlType struct {
	dt  core.Dtype
	enc format.Encoding
}

var ggmlTypes = map[uint32]ggmlType{
	GGMLF32: {core.Float32, format.Plain}, GGMLF16: {core.Float16, format.Plain},
	GGMLBF16: {core.Bfloat16, format.Plain}, GGMLF64: {core.Float64, format.Plain},
	GGMLI8: {core.Int8, format.Plain}, GGMLI16: {core.Int16, format.Plain},
	GGMLI32: {core.Int32, format.Plain}, GGMLI64: {core.Int64, format.Plain},
	GGMLQ4_0: {core.Float16, format.Q4_0}, GGMLQ4_1: {core.Float16, format.Q4_1},
	GGMLQ5_0: {core.Float16, format.Q5_0}, GGMLQ5_1: {core.Float16, format.Q5_1},
	GGMLQ8_0: {core.Float16, format.Q8_0}, GGMLQ2K: {core.Float16, format.Q2K},
	GGMLQ3K: {core.Float16, format.Q3K}, GGMLQ4K: {core.Float16, format.Q4K},
	GGMLQ5K: {core.Float16, format.Q5K}, GGMLQ6K: {core.Float16, format.Q6K},
	GGMLQ8K: {core.Float16, format.Q8K},
}

var ggmlNames = map[uint32]string{
	9: "Q8_1", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL",
	21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
}

// TypeFor returns the GGML type that stores dt unquantized, if any.
func TypeFor(dt core.Dtype) (uint32, bool) {
	for t, g := range ggmlTypes {
		if g.dt == dt && g.enc == format.Plain {
			return t, true
		}
	}
	return 0, false
}

// reader reads the header sequentially, knowing how many bytes are left.
type reader struct {
	r    *bufio.Reader
	off  int64
	size int64
	err  error
}

func (r *reader) left() int64 { return r.size - r.off }

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *reader) bytes(n int64) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.left() {
		r.fail("%d bytes at offset %d lie past the end of the file (%d bytes)", n, r.off, r.size)
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.fail("reading at offset %d: %v", r.off, err)
		return nil
	}
	r.off += n
	return b
}

func (r *reader) fixed(n int) []byte {
	var buf [8]byte
	if r.err != nil {
		return buf[:n]
	}
	if int64(n) > r.left() {
		r.fail("the file ends at offset %d, inside the header", r.size)
		return buf[:n]
	}
	if _, err := io.ReadFull(r.r, buf[:n]); err != nil {
		r.fail("reading at offset %d: %v", r.off, err)
	}
	r.off += int64(n)
	return buf[:n]
}

func (r *reader) u8() uint8   { return r.fixed(1)[0] }
func (r *reader) u16() uint16 { return binary.LittleEndian.Uint16(r.fixed(2)) }
func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.fixed(4)) }
func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.fixed(8)) }

func (r *reader) str(what string) string {
	n := r.u64()
	if r.err == nil && n > uint64(r.left()) {
		r.fail("%s of %d bytes at offset %d is longer than the rest of the file (%d bytes)", what, n, r.off-8, r.left())
		return ""
	}
	b := r.bytes(int64(n))
	if r.err == nil && !utf8.Valid(b) {
		r.fail("%s %q is not valid UTF-8", what, clip(b))
	}
	return string(b)
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// Parse reads the GGUF header of r, size bytes long, and checks every
// tensor's claims against the file.
func Parse(ra io.ReaderAt, size int64) (*File, error) {
	r := &reader{r: bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10), size: size}
	if string(r.fixed(4)) != Magic || r.err != nil {
		return nil, errors.New("not a GGUF file (bad magic)")
	}
	f := &File{Version: r.u32(), Alignment: DefaultAlignment}
	switch {
	case r.err != nil:
		return nil, r.err
	case f.Version == 2 || f.Version == 3:
	case f.Version&0xffff == 0 && f.Version != 0:
		return nil, errors.New("big-endian GGUF files are not supported")
	default:
		return nil, fmt.Errorf("unsupported GGUF version %d", f.Version)
	}
	nt, nkv := r.u64(), r.u64()
	if r.err != nil {
		return nil, r.err
	}
	// Each entry takes at least 13 bytes (key length, type, one byte),
	// each tensor description at least 24: counts past that lie.
	if nkv > uint64(r.left()/13) {
		return nil, fmt.Errorf("%d metadata entries cannot fit in %d bytes", nkv, r.left())
	}
	if nt > uint64(r.left()/24) {
		return nil, fmt.Errorf("%d tensors cannot fit in %d bytes", nt, r.left())
	}
	seen := map[string]bool{}
	f.Metadata = make([]KV, 0, nkv)
	for range nkv {
		key := r.str("key")
		typ := r.u32()
		v := r.value(typ, 0)
		if r.err != nil {
			if key != "" {
				return nil, fmt.Errorf("metadata %q: %w", key, r.err)
			}
			return nil, r.err
		}
		if seen[key] {
			return nil, fmt.Errorf("metadata key %q appears twice", key)
		}
		seen[key] = true
		if key == "general.alignment" {
			a, ok := v.(uint32)
			if !ok || a == 0 || a&(a-1) != 0 {
				return nil, fmt.Errorf("general.alignment %v is not a uint32 power of two", v)
			}
			f.Alignment = int64(a)
		}
		f.Metadata = append(f.Metadata, KV{key, v})
	}
	f.Tensors = make([]format.Tensor, 0, nt)
	ggml := make([]uint32, 0, nt)
	clear(seen)
	for range nt {
		t, typ := r.tensorInfo()
		if r.err != nil {
			if t.Name != "" {
				return nil, fmt.Errorf("tensor %q: %w", t.Name, r.err)
			}
			return nil, r.err
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tensor name %q appears twice", t.Name)
		}
		seen[t.Name] = true
		f.Tensors = append(f.Tensors, t)
		ggml = append(ggml, typ)
	}
	f.DataOffset = (r.off + f.Alignment - 1) / f.Alignment * f.Alignment
	dataSize := size - f.DataOffset
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if t.Offset%f.Alignment != 0 {
			return nil, fmt.Errorf("tensor %q: offset %d is not a multiple of the alignment %d", t.Name, t.Offset, f.Alignment)
		}
		if dataSize < 0 || t.Offset > dataSize || t.Length > dataSize-t.Offset {
			return nil, fmt.Errorf("tensor %q: data [%d, %d) lies past the end of the data section (%d bytes)",
				t.Name, t.Offset, uint64(t.Offset)+uint64(t.Length), max(dataSize, 0))
		}
		t.Offset += f.DataOffset
	}
	if err := format.CheckOverlap(f.Tensors); err != nil {
		return nil, err
	}
	return f, nil
}

// tensorInfo reads one tensor description. Its offset is relative to the
// data section.
func (r *reader) tensorInfo() (format.Tensor, uint32) {
	var t format.Tensor
	t.Name = r.str("tensor name")
	nd := r.u32()
	if r.err != nil {
		return t, 0
	}
	if nd > MaxDims {
		r.fail("%d dimensions, more than %d", nd, MaxDims)
		return t, 0
	}
	dims := make([]int64, nd)
	for i := range dims {
		d := r.u64()
		if d > math.MaxInt64 {
			r.fail("dimension %d is too large", d)
			return t, 0
		}
		dims[i] = int64(d)
	}
	typ := r.u32()
	off := r.u64()
	if r.err != nil {
		return t, 0
	}
	g, ok := ggmlTypes[typ]
	if !ok {
		if name, known := ggmlNames[typ]; known {
			r.fail("GGML type %s (%d) is not supported", name, typ)
		} else {
			r.fail("unknown GGML type %d", typ)
		}
		return t, 0
	}
	t.Dtype, t.Encoding = g.dt, g.enc
	n, err := format.ShapeSize(dims, g.dt.Size())
	if err != nil {
		r.fail("%v", err)
		return t, 0
	}
	if elems, _ := g.enc.Block(g.dt); elems > 1 && len(dims) > 0 && dims[0]%int64(elems) != 0 {
		r.fail("rows of %d elements are not a whole number of %v blocks of %d", dims[0], g.enc, elems)
		return t, 0
	}
	if t.Length, err = format.StoredSize(g.enc, g.dt, n); err != nil {
		r.fail("%v", err)
		return t, 0
	}
	if off > math.MaxInt64 {
		r.fail("offset %d is too large", off)
		return t, 0
	}
	t.Offset = int64(off)
	// GGML lists dimensions innermost first.
	t.Shape = make([]int, nd)
	for i, d := range dims {
		t.Shape[int(nd)-1-i] = int(d)
	}
	return t, typ
}

var typeSizes = [numTypes]int64{1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8}

// value reads a metadata value of type typ.
func (r *reader) value(typ uint32, depth int) any {
	switch typ {
	case TypeUint8:
		return r.u8()
	case TypeInt8:
		return int8(r.u8())
	case TypeUint16:
		return r.u16()
	case TypeInt16:
		return int16(r.u16())
	case TypeUint32:
		return r.u32()
	case TypeInt32:
		return int32(r.u32())
	case TypeFloat32:
		return math.Float32frombits(r.u32())
	case TypeBool:
		b := r.u8()
		if b > 1 {
			r.fail("bool value %d is neither 0 nor 1", b)
		}
		return b == 1
	case TypeString:
		return r.str("string")
	case TypeUint64:
		return r.u64()
	case TypeInt64:
		return int64(r.u64())
	case TypeFloat64:
		return math.Float64frombits(r.u64())
	case TypeArray:
		return r.array(depth)
	}
	r.fail("unknown value type %d", typ)
	return nil
}

func (r *reader) array(depth int) any {
	if depth >= maxDepth {
		r.fail("arrays nested more than %d deep", maxDepth)
		return nil
	}
	et := r.u32()
	n := r.u64()
	if r.err != nil {
		return nil
	}
	if et >= numTypes {
		r.fail("unknown array element type %d", et)
		return nil
	}
	if n > uint64(r.left()/typeSizes[et]) {
		r.fail("array of %d elements cannot fit in the %d bytes left", n, r.left())
		return nil
	}
	switch et {
	case TypeUint8:
		return readN(r, n, (*reader).u8)
	case TypeInt8:
		return readN(r, n, func(r *reader) int8 { return int8(r.u8()) })
	case TypeUint16:
		return readN(r, n, (*reader).u16)
	case TypeInt16:
		return readN(r, n, func(r *reader) int16 { return int16(r.u16()) })
	case TypeUint32:
		return readN(r, n, (*reader).u32)
	case TypeInt32:
		return readN(r, n, func(r *reader) int32 { return int32(r.u32()) })
	case TypeFloat32:
		return readN(r, n, func(r *reader) float32 { return math.Float32frombits(r.u32()) })
	case TypeBool:
		return readN(r, n, func(r *reader) bool { return r.value(TypeBool, depth).(bool) })
	case TypeString:
		return readN(r, n, func(r *reader) string { return r.str("string") })
	case TypeUint64:
		return readN(r, n, (*reader).u64)
	case TypeInt64:
		return readN(r, n, func(r *reader) int64 { return int64(r.u64()) })
	case TypeFloat64:
		return readN(r, n, func(r *reader) float64 { return math.Float64frombits(r.u64()) })
	}
	return readN(r, n, func(r *reader) any {
		v := r.array(depth + 1)
		return v
	})
}

func readN[T any](r *reader, n uint64, read func(*reader) T) []T {
	out := make([]T, 0, n)
	for range n {
		v := read(r)
		if r.err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}
