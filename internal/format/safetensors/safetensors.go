// Package safetensors reads and writes the headers of safetensors files:
// an 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and data offsets, then the data.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format"
)

// MaxHeader is the largest JSON header accepted (the limit of the
// reference implementation).
const MaxHeader = 100 << 20

// File is a parsed safetensors header.
type File struct {
	Tensors  []format.Tensor // in the order of their data
	Metadata map[string]string
}

// dtypes maps the safetensors dtype tags to element types. The 8-bit
// float formats load as their bytes, uint8, as MLX loads them.
var dtypes = map[string]core.Dtype{
	"BOOL": core.Bool, "U8": core.Uint8, "U16": core.Uint16, "U32": core.Uint32, "U64": core.Uint64,
	"I8": core.Int8, "I16": core.Int16, "I32": core.Int32, "I64": core.Int64,
	"F16": core.Float16, "BF16": core.Bfloat16, "F32": core.Float32, "F64": core.Float64,
	"C64": core.Complex64, "F8_E4M3": core.Uint8, "F8_E5M2": core.Uint8, "F8_E8M0": core.Uint8,
}

var tags = [core.NumDtypes]string{"BOOL", "U8", "U16", "U32", "U64", "I8", "I16", "I32", "I64",
	"F16", "BF16", "F32", "F64", "C64"}

// Parse reads the header of the safetensors file r of size bytes and
// checks every tensor's claims against the file.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("file of %d bytes is too short for a safetensors header", size)
	}
	var pre [8]byte
	if _, err := r.ReadAt(pre[:], 0); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint64(pre[:])
	if n > uint64(size-8) {
		return nil, fmt.Errorf("header of %d bytes is larger than the file (%d bytes)", n, size)
	}
	if n > MaxHeader {
		return nil, fmt.Errorf("header of %d bytes is larger than the %d allowed", n, MaxHeader)
	}
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	start := 8 + int64(n)
	f, err := parseHeader(hdr, start, size-start)
	if err != nil {
		return nil, err
	}
	return f, nil
}

type entry struct {
	Dtype       *string   `json:"dtype"`
	Shape       *[]int64  `json:"shape"`
	DataOffsets *[]uint64 `json:"data_offsets"`
}

func parseHeader(hdr []byte, start, dataSize int64) (*File, error) {
	if !utf8.Valid(hdr) {
		return nil, errors.New("header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("header is not a JSON object")
	}
	f := &File{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("header: %w", err)
		}
		name := tok.(string) // an object's keys are strings
		if seen[name] {
			return nil, fmt.Errorf("name %q appears twice", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if f.Metadata, err = stringMap(dec); err != nil {
				return nil, fmt.Errorf("__metadata__: %w", err)
			}
			continue
		}
		var e entry
		if err := dec.Decode(&e); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				err = errors.New("the JSON header ends early")
			}
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		t, err := tensor(name, &e, start, dataSize)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		f.Tensors = append(f.Tensors, t)
	}
	if _, err := dec.Token(); err != nil {
		if err == io.EOF {
			err = errors.New("ends early")
		}
		return nil, fmt.Errorf("JSON header: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("header has text after its JSON object")
	}
	if err := format.CheckOverlap(f.Tensors); err != nil {
		return nil, err
	}
	slices.SortStableFunc(f.Tensors, func(a, b format.Tensor) int {
		return int(min(max(a.Offset-b.Offset, -1), 1))
	})
	return f, nil
}

func tensor(name string, e *entry, start, dataSize int64) (format.Tensor, error) {
	t := format.Tensor{Name: name}
	if e.Dtype == nil || e.Shape == nil || e.DataOffsets == nil {
		return t, errors.New("needs dtype, shape and data_offsets")
	}
	dt, ok := dtypes[*e.Dtype]
	if !ok {
		return t, fmt.Errorf("unknown dtype %q", clip(*e.Dtype))
	}
	t.Dtype = dt
	if len(*e.Shape) > 64 {
		return t, fmt.Errorf("shape has %d dimensions, more than 64", len(*e.Shape))
	}
	elems, err := format.ShapeSize(*e.Shape, dt.Size())
	if err != nil {
		return t, err
	}
	t.Shape = make([]int, len(*e.Shape))
	for i, d := range *e.Shape {
		t.Shape[i] = int(d)
	}
	off := *e.DataOffsets
	if len(off) != 2 {
		return t, fmt.Errorf("data_offsets has %d entries, not 2", len(off))
	}
	if off[0] > off[1] {
		return t, fmt.Errorf("data offsets [%d, %d] are reversed", off[0], off[1])
	}
	if off[1] > uint64(dataSize) {
		return t, fmt.Errorf("data offsets [%d, %d] lie past the end of the data (%d bytes)", off[0], off[1], dataSize)
	}
	t.Length = int64(off[1] - off[0])
	if want := int64(elems) * int64(dt.Size()); t.Length != want {
		return t, fmt.Errorf("data offsets [%d, %d] hold %d bytes, but %s of shape %v needs %d",
			off[0], off[1], t.Length, *e.Dtype, t.Shape, want)
	}
	t.Offset = start + int64(off[0])
	return t, nil
}

// stringMap decodes a JSON object of strings, refusing repeated keys.
func stringMap(dec *json.Decoder) (map[string]string, error) {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("is not a JSON object")
	}
	m := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k := tok.(string)
		if _, ok := m[k]; ok {
			return nil, fmt.Errorf("key %q appears twice", k)
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, err
		}
		v, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("value of %q is not a string", k)
		}
		m[k] = v
	}
	_, err := dec.Token()
	return m, err
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Desc names, types and shapes one tensor to write.
type Desc struct {
	Name  string
	Dtype core.Dtype
	Shape []int
}

// HeaderBytes returns the length prefix and JSON header of a file holding
// the tensors in order, their data packed one after another, and the
// metadata. The header is padded with spaces to a multiple of 8 bytes, as
// the reference implementation pads it. It also returns each tensor's data
// offset from the end of the header.
func HeaderBytes(ts []Desc, metadata map[string]string) ([]byte, []int64, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	comma := false
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(&b, k)
			b.WriteByte(':')
			writeString(&b, metadata[k])
		}
		b.WriteByte('}')
		comma = true
	}
	offs := make([]int64, len(ts))
	var off int64
	for i, t := range ts {
		if t.Name == "__metadata__" {
			return nil, nil, errors.New(`a tensor cannot be named "__metadata__"`)
		}
		if comma {
			b.WriteByte(',')
		}
		comma = true
		n := int64(t.Dtype.Size())
		for _, d := range t.Shape {
			n *= int64(d)
		}
		writeString(&b, t.Name)
		fmt.Fprintf(&b, `:{"dtype":"%s","shape":[`, tags[t.Dtype])
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, d)
		}
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, off, off+n)
		offs[i] = off
		off += n
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	out := make([]byte, 8, 8+b.Len())
	binary.LittleEndian.PutUint64(out, uint64(b.Len()))
	return append(out, b.Bytes()...), offs, nil
}

// writeString writes s as a JSON string. Names and metadata must be valid
// UTF-8; json.Marshal would replace bad bytes silently.
func writeString(b *bytes.Buffer, s string) {
	v, _ := json.Marshal(s)
	b.Write(v)
}

// CheckString reports an error for a name or metadata string that a
// safetensors header cannot hold: one that is not valid UTF-8.
func CheckString(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is not valid UTF-8", what, s)
	}
	return nil
}
