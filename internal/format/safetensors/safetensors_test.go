package safetensors

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format"
)

func file(header string, data int) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, data)...)
}

func TestParse(t *testing.T) {
	h := `{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]},` +
		`"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]},"e":{"dtype":"I64","shape":[0,5],"data_offsets":[24,24]}}`
	b := file(h, 24)
	f, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" || len(f.Tensors) != 3 || f.Tensors[0].Name != "a" ||
		f.Tensors[1].Dtype != core.Float32 || f.Tensors[1].Offset != int64(8+len(h)+8) {
		t.Fatalf("got %+v", f)
	}
}

func TestParseHostile(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{[]byte{1, 2}, "too short"},
		{binary.LittleEndian.AppendUint64(nil, 1<<62), "larger than the file"},
		{file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 4), "past the end of the data"},
		{file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 8), "needs 8"},
		{file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}`, 8), "reversed"},
		{file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}`, 8), "not 2"},
		{file(`{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}`, 8), "unknown dtype"},
		{file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, 8), "too many"},
		{file(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, 8), "negative"},
		{file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[-1,8]}}`, 8), "cannot unmarshal"},
		{file(`{"a":{"dtype":"F32","shape":[2]}}`, 8), "needs dtype"},
		{file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}}`, 8), "overlap"},
		{file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, 2), "twice"},
		{file("{\"\xff\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "UTF-8"},
		{file(`{"__metadata__":{"a":1}}`, 0), "not a string"},
		{file(`{"__metadata__":{"a":"x","a":"y"}}`, 0), "twice"},
		{file(`[1]`, 0), "not a JSON object"},
		{file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}} x`, 1), "after its JSON"},
		{file(`{"a":`, 0), "ends early"},
		{file(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`, 0), "JSON header: ends early"},
	} {
		_, err := Parse(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.b, err, c.want)
		}
	}
}

func TestHeaderBytes(t *testing.T) {
	ds := []Desc{{"w", core.Float16, []int{2, 3}}, {"b", core.Complex64, []int{}}, {"e", core.Bool, []int{0}}}
	h, offs, err := HeaderBytes(ds, map[string]string{"k": "v\"\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h)%8 != 0 || offs[1] != 12 || offs[2] != 20 {
		t.Fatalf("header %q, offsets %v", h, offs)
	}
	b := append(h, make([]byte, 20)...)
	f, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["k"] != "v\"\n" || len(f.Tensors) != 3 || f.Tensors[1].Dtype != core.Complex64 {
		t.Fatalf("got %+v", f)
	}
}

// FuzzParseSafetensors checks that no input makes Parse panic or return a
// tensor whose bytes lie outside the file or overlap another's.
func FuzzParseSafetensors(f *testing.F) {
	h, _, _ := HeaderBytes([]Desc{{"w", core.Float16, []int{2, 3}}, {"b", core.Complex64, []int{}}}, map[string]string{"k": "v"})
	f.Add(append(h, make([]byte, 20)...))
	f.Add(file(`{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"BOOL","shape":[0],"data_offsets":[2,2]}}`, 2))
	f.Add(file(`{"__metadata__":{},"x":{"dtype":"I64","shape":[1,1],"data_offsets":[0,8]}}`, 8))
	f.Add(file(`{}`, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		size := int64(len(b))
		for i, tt := range p.Tensors {
			if tt.Offset < 8 || tt.Length < 0 || tt.Offset+tt.Length > size {
				t.Fatalf("tensor bytes [%d, +%d) outside a file of %d", tt.Offset, tt.Length, size)
			}
			if tt.Nbytes() != tt.Length {
				t.Fatalf("tensor of %d bytes stores %d", tt.Nbytes(), tt.Length)
			}
			if i > 0 && tt.Length > 0 {
				prev := p.Tensors[i-1]
				if prev.Length > 0 && prev.Offset+prev.Length > tt.Offset {
					t.Fatal("overlapping tensors accepted")
				}
			}
		}
		if err := format.CheckOverlap(p.Tensors); err != nil {
			t.Fatal(err)
		}
	})
}
