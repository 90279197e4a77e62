package gguf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format"
)

// builder writes GGUF headers by hand, lies included.
type builder struct{ bytes.Buffer }

func (b *builder) u32(v uint32) *builder { binary.Write(b, binary.LittleEndian, v); return b }
func (b *builder) u64(v uint64) *builder { binary.Write(b, binary.LittleEndian, v); return b }
func (b *builder) byte(v byte) *builder  { b.WriteByte(v); return b }
func (b *builder) str(s string) *builder { b.u64(uint64(len(s))); b.WriteString(s); return b }

func header(nt, nkv uint64) *builder {
	b := &builder{}
	b.WriteString(Magic)
	return b.u32(3).u64(nt).u64(nkv)
}

// tensor appends a tensor description with GGML dimensions dims.
func (b *builder) tensor(name string, typ uint32, off uint64, dims ...uint64) *builder {
	b.str(name).u32(uint32(len(dims)))
	for _, d := range dims {
		b.u64(d)
	}
	return b.u32(typ).u64(off)
}

// data pads to 32 bytes and appends n bytes of data.
func (b *builder) data(n int) []byte {
	for b.Len()%32 != 0 {
		b.WriteByte(0)
	}
	b.Write(make([]byte, n))
	return b.Bytes()
}

func TestParse(t *testing.T) {
	kvs := []KV{{"general.name", "tiny"}, {"n", uint32(7)}, {"v", []float32{1, 2}}, {"nest", []any{[]string{"a"}, []int8{}}}}
	h, offs, err := HeaderBytes(kvs, []Desc{{"a", core.Float32, []int{2, 3}}, {"b", core.Bfloat16, []int{5}}})
	if err != nil {
		t.Fatal(err)
	}
	if offs[1] != 32 || len(h)%32 != 0 {
		t.Fatalf("offsets %v, header %d", offs, len(h))
	}
	b := append(h, make([]byte, 64)...)
	f, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.Metadata) != fmt.Sprint(kvs) {
		t.Fatalf("metadata %v", f.Metadata)
	}
	a := f.Tensors[0]
	if a.Name != "a" || fmt.Sprint(a.Shape) != "[2 3]" || a.Offset != int64(len(h)) || a.Length != 24 {
		t.Fatalf("tensor %+v", a)
	}
	// Quantized tensors: rows of whole blocks.
	b = header(2, 0).tensor("q", GGMLQ4_0, 0, 64, 2).tensor("k", GGMLQ6K, 160, 256).data(160 + 210)
	f, err = Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if q := f.Tensors[0]; q.Encoding != format.Q4_0 || q.Dtype != core.Float16 || q.Length != 4*18 || fmt.Sprint(q.Shape) != "[2 64]" {
		t.Fatalf("tensor %+v", q)
	}
}

func TestParseHostile(t *testing.T) {
	bad := func(b *builder) []byte { return b.data(64) }
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{[]byte("GGU"), "bad magic"},
		{[]byte("GGUF\x01\x00\x00\x00"), "version 1"},
		{[]byte("GGUF\x00\x00\x00\x03"), "big-endian"},
		{header(0, 1<<40).Bytes(), "metadata entries cannot fit"},
		{header(1<<40, 0).Bytes(), "tensors cannot fit"},
		{header(0, 1).str("k").u32(TypeUint64).Bytes(), "inside the header"},
		{bad(header(0, 1).str("k").u32(TypeString).u64(1 << 50)), "longer than the rest"},
		{bad(header(0, 1).str("k").u32(TypeArray).u32(TypeUint64).u64(1 << 40)), "cannot fit"},
		{bad(header(0, 1).str("k").u32(TypeArray).u32(99).u64(1)), "unknown array element type"},
		{bad(header(0, 1).str("k").u32(77)), "unknown value type"},
		{bad(header(0, 1).str("\xff\xfe").u32(TypeUint8)), "UTF-8"},
		{bad(header(0, 2).str("k").u32(TypeUint8).byte(1).str("k").u32(TypeUint8).byte(1)), "twice"},
		{bad(header(0, 1).str("k").u32(TypeBool).byte(2)), "neither 0 nor 1"},
		{bad(header(0, 1).str("general.alignment").u32(TypeUint32).u32(24)), "power of two"},
		{bad(header(0, 1).str("general.alignment").u32(TypeUint64).u64(32)), "power of two"},
		{nested(20), "nested more than"},
		{bad(header(1, 0).tensor("t", GGMLF32, 0, 1<<63, 4)), "too large"},
		{bad(header(1, 0).tensor("t", GGMLF32, 0, 1<<40, 1<<40)), "too many"},
		{bad(header(1, 0).tensor("t", GGMLF32, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1)), "dimensions"},
		{bad(header(1, 0).tensor("t", 16, 0, 256)), "IQ2_XXS"},
		{bad(header(1, 0).tensor("t", 200, 0, 256)), "unknown GGML type"},
		{bad(header(1, 0).tensor("t", GGMLQ4_0, 0, 48, 2)), "whole number"},
		{bad(header(1, 0).tensor("t", GGMLF32, 4, 2)), "multiple of the alignment"},
		{bad(header(1, 0).tensor("t", GGMLF32, 32, 16)), "past the end of the data"},
		{bad(header(1, 0).tensor("t", GGMLF32, 1<<62, 16)), "past the end"},
		{bad(header(2, 0).tensor("t", GGMLF32, 0, 16).tensor("u", GGMLF32, 32, 4)), "overlap"},
		{bad(header(2, 0).tensor("t", GGMLF32, 0, 1).tensor("t", GGMLF32, 32, 1)), "twice"},
		{header(1, 0).tensor("t", GGMLF32, 0, 1).Bytes(), "past the end"},
	} {
		_, err := Parse(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", clip(c.b), err, c.want)
		}
	}
}

// nested returns a file whose one value is arrays nested depth deep.
func nested(depth int) []byte {
	b := header(0, 1).str("k").u32(TypeArray)
	for range depth {
		b.u32(TypeArray).u64(1)
	}
	return b.u32(TypeUint8).u64(0).data(0)
}

func TestHeaderBytesRefuses(t *testing.T) {
	for _, c := range []struct {
		kvs []KV
		ts  []Desc
	}{
		{[]KV{{"k", 1}}, nil},
		{[]KV{{"k", []any{uint8(1)}}}, nil},
		{[]KV{{"k", "\xff"}}, nil},
		{[]KV{{"k", uint8(1)}, {"k", uint8(1)}}, nil},
		{nil, []Desc{{"t", core.Bool, []int{1}}}},
		{nil, []Desc{{"t", core.Float32, make([]int, 9)}}},
	} {
		if _, _, err := HeaderBytes(c.kvs, c.ts); err == nil {
			t.Errorf("%v %v: no error", c.kvs, c.ts)
		}
	}
}

// FuzzParseGGUF checks that no input makes Parse panic or return tensors
// outside the file or overlapping, and that dequantizing what it returns
// stays within bounds.
func FuzzParseGGUF(f *testing.F) {
	h, _, _ := HeaderBytes([]KV{{"general.name", "x"}, {"a", []any{[]uint16{1}}}, {"f", 1.5}},
		[]Desc{{"a", core.Float32, []int{2, 3}}, {"b", core.Int8, []int{5}}})
	f.Add(append(h, make([]byte, 64)...))
	f.Add(header(2, 0).tensor("q", GGMLQ4_0, 0, 64, 2).tensor("k", GGMLQ6K, 160, 256).data(160 + 210))
	f.Add(header(3, 1).str("general.alignment").u32(TypeUint32).u32(64).
		tensor("a", GGMLQ2K, 0, 256).tensor("b", GGMLQ3K, 128, 256).tensor("c", GGMLQ5_1, 256, 32).data(300))
	f.Add(header(2, 0).tensor("a", GGMLQ4K, 0, 256).tensor("b", GGMLQ5K, 160, 256).data(400))
	f.Add(nested(3))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		size := int64(len(b))
		for _, tt := range p.Tensors {
			if tt.Offset < p.DataOffset || tt.Offset+tt.Length > size || tt.Offset%p.Alignment != 0 {
				t.Fatalf("tensor bytes [%d, +%d) outside a file of %d", tt.Offset, tt.Length, size)
			}
			n, err := format.StoredSize(tt.Encoding, tt.Dtype, tt.Size())
			if err != nil || n != tt.Length {
				t.Fatalf("stored size %d, claimed %d (%v)", n, tt.Length, err)
			}
			if tt.Nbytes() > 16*size {
				t.Fatalf("tensor of %d bytes from a file of %d", tt.Nbytes(), size)
			}
			dst := make([]byte, tt.Nbytes())
			format.Decode(tt.Encoding, tt.Dtype, dst, b[tt.Offset:tt.Offset+tt.Length])
		}
		if err := format.CheckOverlap(p.Tensors); err != nil {
			t.Fatal(err)
		}
	})
}
