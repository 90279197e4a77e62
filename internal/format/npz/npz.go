// Package npz reads the directory of NumPy's .npz files: zip archives of
// .npy files, stored or deflated.
package npz

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mlxgo/mlxgo/internal/format"
	"github.com/mlxgo/mlxgo/internal/format/npy"
)

// MaxRatio bounds how many times larger than its compressed bytes a
// deflated entry may claim to be: deflate expands at most about 1032 to 1.
const MaxRatio = 1032

// prefix is how much of a deflated entry is inflated to read its header.
const prefix = 64 << 10

// Entry is one array of an archive.
type Entry struct {
	// Header describes the array. For a stored entry its offset is from
	// the start of the archive; for a deflated one, from the start of the
	// inflated entry.
	npy.Header
	// Zip is the archive member when it is deflated (nil when stored):
	// its data must be inflated to be read.
	Zip *zip.File
}

// Parse reads the directory of the archive r of size bytes and the .npy
// header of each member. Members are named by their file name without
// ".npy", as NumPy names them.
func Parse(r io.ReaderAt, size int64) ([]Entry, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a valid .npz (zip) archive: %w", err)
	}
	var out []Entry
	var spans []format.Tensor // each member's stored bytes, to refuse overlaps
	seen := map[string]bool{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if !utf8.ValidString(f.Name) {
			return nil, fmt.Errorf("member name %q is not valid UTF-8", f.Name)
		}
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("member %q is not a .npy file", f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("member %q appears twice", f.Name)
		}
		seen[name] = true
		e, err := entry(r, size, f)
		if err != nil {
			return nil, fmt.Errorf("member %q: %w", f.Name, err)
		}
		e.Tensor.Name = name
		out = append(out, e)
		off, _ := f.DataOffset() // entry checked it
		spans = append(spans, format.Tensor{Name: f.Name, Offset: off, Length: int64(f.CompressedSize64)})
	}
	// Members sharing their bytes would let a small archive claim many
	// times its size.
	if err := format.CheckOverlap(spans); err != nil {
		return nil, errors.New("members " + strings.TrimPrefix(err.Error(), "tensors "))
	}
	return out, nil
}

func entry(r io.ReaderAt, size int64, f *zip.File) (Entry, error) {
	switch f.Method {
	case zip.Store:
		off, err := f.DataOffset()
		if err != nil {
			return Entry{}, err
		}
		n := int64(f.CompressedSize64)
		if f.CompressedSize64 != f.UncompressedSize64 || f.CompressedSize64 > uint64(size) {
			return Entry{}, fmt.Errorf("stored member claims %d bytes stored and %d bytes long", f.CompressedSize64, f.UncompressedSize64)
		}
		if err := format.CheckRange(off, n, size); err != nil {
			return Entry{}, err
		}
		h, err := npy.Parse(io.NewSectionReader(r, off, n), n)
		if err != nil {
			return Entry{}, err
		}
		h.Tensor.Offset += off
		return Entry{Header: *h}, nil
	case zip.Deflate:
		if f.CompressedSize64 > uint64(size) {
			return Entry{}, fmt.Errorf("member claims %d compressed bytes in a file of %d", f.CompressedSize64, size)
		}
		if off, err := f.DataOffset(); err != nil {
			return Entry{}, err
		} else if err := format.CheckRange(off, int64(f.CompressedSize64), size); err != nil {
			return Entry{}, err
		}
		if f.UncompressedSize64 > MaxRatio*f.CompressedSize64+1024 {
			return Entry{}, fmt.Errorf("member claims %d bytes inflated from %d compressed bytes, more than deflate can give",
				f.UncompressedSize64, f.CompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return Entry{}, err
		}
		defer rc.Close()
		head := make([]byte, min(f.UncompressedSize64, prefix))
		n, err := io.ReadFull(rc, head)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return Entry{}, fmt.Errorf("inflating: %w", err)
		}
		h, err := npy.Parse(bytes.NewReader(head[:n]), int64(f.UncompressedSize64))
		if err != nil {
			return Entry{}, err
		}
		return Entry{Header: *h, Zip: f}, nil
	}
	return Entry{}, fmt.Errorf("unsupported compression method %d", f.Method)
}
