package npz

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format/npy"
)

type member struct {
	name   string
	method uint16
	data   []byte
}

func archive(t testing.TB, ms ...member) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range ms {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: m.method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
	}
	zw.Close()
	return b.Bytes()
}

func npyFile(dt core.Dtype, shape []int, n int) []byte {
	return append(npy.HeaderBytes(dt, shape), make([]byte, n)...)
}

func TestParse(t *testing.T) {
	b := archive(t, member{"a.npy", zip.Store, npyFile(core.Float32, []int{2}, 8)},
		member{"dir/b.npy", zip.Deflate, npyFile(core.Int8, []int{3, 1}, 3)})
	es, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Tensor.Name != "a" || es[0].Zip != nil || es[1].Tensor.Name != "dir/b" || es[1].Zip == nil {
		t.Fatalf("got %+v", es)
	}
	if got := b[es[0].Tensor.Offset-1]; got != '\n' {
		t.Fatalf("stored data offset %d does not follow the header", es[0].Tensor.Offset)
	}
}

func TestParseHostile(t *testing.T) {
	ok := npyFile(core.Float32, []int{2}, 8)
	// A deflated member whose directory claims a huge inflated size.
	lie := archive(t, member{"a.npy", zip.Deflate, ok})
	patchSizes(lie, 0xfffffff0)
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{[]byte("PK\x03\x04 not a zip"), "not a valid"},
		{archive(t, member{"a.txt", zip.Store, ok}), "not a .npy"},
		{archive(t, member{"\xff.npy", zip.Store, ok}), "UTF-8"},
		{archive(t, member{"a.npy", zip.Store, ok}, member{"a.npy", zip.Deflate, ok}), "twice"},
		{archive(t, member{"a.npy", zip.Store, ok[:len(ok)-1]}), "past the end"},
		{archive(t, member{"a.npy", zip.Deflate, ok[:len(ok)-1]}), "past the end"},
		{archive(t, member{"a.npy", zip.Store, []byte("junk")}), "too short"},
		{lie, "more than deflate can give"},
	} {
		_, err := Parse(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.want, err, c.want)
		}
	}
	// Two members sharing one stored body.
	shared := archive(t, member{"a.npy", zip.Store, ok}, member{"b.npy", zip.Store, ok})
	n := 0
	for i := 0; i+46 < len(shared); i++ {
		if string(shared[i:i+4]) == "PK\x01\x02" {
			if n == 1 {
				binary.LittleEndian.PutUint32(shared[i+42:], 0)
			}
			n++
		}
	}
	if _, err := Parse(bytes.NewReader(shared), int64(len(shared))); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("shared member bodies: got %v", err)
	}
	// A truncated archive.
	b := archive(t, member{"a.npy", zip.Store, ok})
	if _, err := Parse(bytes.NewReader(b[:len(b)-10]), int64(len(b)-10)); err == nil {
		t.Error("truncated archive accepted")
	}
}

// patchSizes sets the uncompressed size of every central directory entry.
func patchSizes(b []byte, n uint32) {
	for i := 0; i+30 < len(b); i++ {
		if string(b[i:i+4]) == "PK\x01\x02" {
			binary.LittleEndian.PutUint32(b[i+24:], n)
		}
	}
}

// FuzzParseNPZ checks that no input makes Parse panic or return arrays
// larger than the archive can hold, and that inflating a member's header
// stays bounded.
func FuzzParseNPZ(f *testing.F) {
	f.Add(archive(f, member{"a.npy", zip.Store, npyFile(core.Float32, []int{2}, 8)},
		member{"b.npy", zip.Deflate, npyFile(core.Int8, []int{3, 1}, 3)}))
	f.Add(archive(f, member{"x.npy", zip.Deflate, npyFile(core.Complex64, []int{}, 8)}))
	f.Add(archive(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		size := int64(len(b))
		for _, e := range es {
			tt := e.Tensor
			if e.Zip == nil && (tt.Offset < 0 || tt.Offset+tt.Length > size) {
				t.Fatalf("stored member bytes [%d, +%d) outside a file of %d", tt.Offset, tt.Length, size)
			}
			if tt.Nbytes() > MaxRatio*size+1024 {
				t.Fatalf("array of %d bytes from an archive of %d", tt.Nbytes(), size)
			}
		}
	})
}
