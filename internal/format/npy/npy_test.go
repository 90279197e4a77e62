package npy

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format"
)

func file(header string, data int) []byte {
	b := []byte(Magic + "\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, data)...)
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		header string
		data   int
		shape  []int
		dt     core.Dtype
		enc    format.Encoding
		fort   bool
	}{
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", 48, []int{3, 4}, core.Float32, format.Plain, false},
		{"{'descr': '>i8', 'fortran_order': True, 'shape': (2,)}\n", 16, []int{2}, core.Int64, format.Swapped, true},
		{`{"shape": (), "fortran_order": False, "descr": "|b1"}`, 1, []int{}, core.Bool, format.Plain, false},
		{"{'descr': '<c16', 'fortran_order': False, 'shape': (1, 0, 2L), }", 0, []int{1, 0, 2}, core.Complex64, format.Complex128, false},
		{"{'descr': '<V2', 'fortran_order': False, 'shape': (5,), }", 10, []int{5}, core.Bfloat16, format.Plain, false},
		{"{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", 4, []int{3}, core.Uint8, format.Plain, false},
	} {
		b := file(c.header, c.data)
		h, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", c.header, err)
		}
		if h.Tensor.Dtype != c.dt || h.Tensor.Encoding != c.enc || h.Fortran != c.fort ||
			len(h.Tensor.Shape) != len(c.shape) || h.Tensor.Offset != int64(10+len(c.header)) {
			t.Errorf("%s: got %+v", c.header, h)
		}
		for i := range c.shape {
			if h.Tensor.Shape[i] != c.shape[i] {
				t.Errorf("%s: shape %v", c.header, h.Tensor.Shape)
			}
		}
	}
}

func TestParseHostile(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{[]byte("\x93NUMPY"), "too short"},
		{[]byte("\x93NUMPZ\x01\x00\x00\x00"), "bad magic"},
		{[]byte(Magic + "\x01\x00\xff\xff{}"), "larger than the file"},
		{[]byte(Magic + "\x02\x00\xff\xff\xff\x7f{}"), "larger than the 1048576 allowed"},
		{[]byte(Magic + "\x09\x00\x00\x00"), "version 9"},
		{file(ok, 11), "past the end of the file"},
		{file(strings.Replace(ok, "<f4", "<f16", 1), 64), "unsupported dtype"},
		{file(strings.Replace(ok, "<f4", "O", 1), 64), "unsupported dtype"},
		{file(strings.Replace(ok, "'<f4'", "[('a', '<f4')]", 1), 64), "structured"},
		{file(strings.Replace(ok, "(3,)", "(99999999999, 99999999999)", 1), 64), "too many"},
		{file(strings.Replace(ok, "(3,)", "(99999999999999999999,)", 1), 64), "too large"},
		{file(strings.Replace(ok, "(3,)", "(-3,)", 1), 64), "non-negative"},
		{file(strings.Replace(ok, "(3,)", "(3", 1), 64), "shape holds"},
		{file(strings.Replace(ok, "(3,), }", "(3", 1), 64), "unterminated"},
		{file(strings.Replace(ok, "False", "0", 1), 64), "True or False"},
		{file(ok+"x", 64), "after the closing"},
		{file("{'descr': '<f4', 'descr': '<f4', 'shape': (3,), }", 64), "twice"},
		{file("{'descr': '<f4', 'shape': (3,), }", 64), "needs the keys"},
		{file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", 64), "unknown key"},
		{file("{'descr': '<f4\\x', 'fortran_order': False, 'shape': (3,)}", 64), "escapes"},
		{file("{'descr: '<f4', 'fortran_order': False, 'shape': (3,)}", 64), "no ':'"},
	} {
		_, err := Parse(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.b, err, c.want)
		}
	}
}

func TestHeaderBytes(t *testing.T) {
	for _, shape := range [][]int{{}, {3}, {2, 3}, {0, 1 << 40}} {
		for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
			h := HeaderBytes(dt, shape)
			if len(h)%64 != 0 {
				t.Fatalf("header of %d bytes", len(h))
			}
			n := int64(dt.Size())
			for _, d := range shape {
				n *= int64(d)
			}
			if n > 1<<20 {
				n = 0
				continue
			}
			b := append(h, make([]byte, n)...)
			p, err := Parse(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if p.Tensor.Dtype != dt || len(p.Tensor.Shape) != len(shape) || p.Tensor.Offset != int64(len(h)) {
				t.Fatalf("%v %v: got %+v", dt, shape, p)
			}
		}
	}
}

// FuzzParseNPY checks that no input makes Parse panic or return a tensor
// whose bytes lie outside the file, and that decoding what it returns
// stays within bounds.
func FuzzParseNPY(f *testing.F) {
	f.Add(file("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", 48))
	f.Add(file("{'descr': '>c16', 'fortran_order': True, 'shape': (2,), }", 32))
	f.Add(file("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", 1))
	f.Add(append(HeaderBytes(core.Bfloat16, []int{2, 2}), make([]byte, 8)...))
	f.Add(append(HeaderBytes(core.Int16, []int{0}), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		checkTensor(t, &h.Tensor, int64(len(b)))
		dst := make([]byte, h.Tensor.Nbytes())
		format.Decode(h.Tensor.Encoding, h.Tensor.Dtype, dst, b[h.Tensor.Offset:h.Tensor.Offset+h.Tensor.Length])
	})
}

func checkTensor(t *testing.T, tt *format.Tensor, size int64) {
	if tt.Offset < 0 || tt.Length < 0 || tt.Offset+tt.Length > size {
		t.Fatalf("tensor bytes [%d, +%d) outside a file of %d", tt.Offset, tt.Length, size)
	}
	n, err := format.StoredSize(tt.Encoding, tt.Dtype, tt.Size())
	if err != nil || n != tt.Length {
		t.Fatalf("tensor of %d elements stores %d bytes, claims %d (%v)", tt.Size(), n, tt.Length, err)
	}
	if tt.Nbytes() > 16*size+64 {
		t.Fatalf("tensor of %d bytes from a file of %d", tt.Nbytes(), size)
	}
}
