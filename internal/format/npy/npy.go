// Package npy reads and writes the headers of NumPy's .npy files.
package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/format"
)

// Magic starts every .npy file.
const Magic = "\x93NUMPY"

// MaxHeader is the largest header accepted, in bytes. NumPy's own reader
// refuses headers over 10 000 bytes unless told otherwise; an array header
// of any real shape fits well within this.
const MaxHeader = 1 << 20

// Header is a parsed .npy header.
type Header struct {
	// Tensor describes the data: Shape is the array's shape, Offset the
	// end of the header.
	Tensor format.Tensor
	// Fortran is true when the data is stored in column-major order: the
	// stored bytes are then the array transposed.
	Fortran bool
}

// Parse reads the header of the .npy file r of size bytes and checks that
// the data it describes lies within the file.
func Parse(r io.ReaderAt, size int64) (*Header, error) {
	var pre [12]byte
	if size < 10 {
		return nil, fmt.Errorf("file of %d bytes is too short for a .npy header", size)
	}
	n := min(size, 12)
	if _, err := r.ReadAt(pre[:n], 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if string(pre[:6]) != Magic {
		return nil, errors.New("not a .npy file (bad magic)")
	}
	var hlen, start int64
	switch major := pre[6]; major {
	case 1:
		hlen, start = int64(binary.LittleEndian.Uint16(pre[8:])), 10
	case 2, 3:
		if n < 12 {
			return nil, fmt.Errorf("file of %d bytes is too short for a version %d header", size, major)
		}
		hlen, start = int64(binary.LittleEndian.Uint32(pre[8:])), 12
	default:
		return nil, fmt.Errorf("unsupported .npy version %d.%d", major, pre[7])
	}
	if hlen > MaxHeader {
		return nil, fmt.Errorf("header of %d bytes is larger than the %d allowed", hlen, MaxHeader)
	}
	if hlen > size-start {
		return nil, fmt.Errorf("header of %d bytes is larger than the file (%d bytes)", hlen, size)
	}
	text := make([]byte, hlen)
	if _, err := r.ReadAt(text, start); err != nil && !(errors.Is(err, io.EOF) && hlen == 0) {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	h, err := parseDict(string(text))
	if err != nil {
		return nil, fmt.Errorf("header %q: %w", clip(string(text)), err)
	}
	t := &h.Tensor
	t.Offset = start + hlen
	dims := make([]int64, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = int64(d)
	}
	elems, err := format.ShapeSize(dims, t.Dtype.Size())
	if err != nil {
		return nil, err
	}
	if t.Length, err = format.StoredSize(t.Encoding, t.Dtype, elems); err != nil {
		return nil, err
	}
	if err := format.CheckRange(t.Offset, t.Length, size); err != nil {
		return nil, fmt.Errorf("data of shape %v: %w", t.Shape, err)
	}
	return h, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// parseDict parses the Python dict literal of a header:
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
func parseDict(s string) (*Header, error) {
	p := &parser{s: s}
	h := &Header{}
	var seen [3]bool
	if !p.eat('{') {
		return nil, errors.New("does not start with {")
	}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if !p.eat(':') {
			return nil, fmt.Errorf("no ':' after key %q", key)
		}
		var k int
		switch key {
		case "descr":
			k = 0
			if p.peek() != '\'' && p.peek() != '"' {
				return nil, errors.New("structured dtypes are not supported")
			}
			d, err := p.str()
			if err != nil {
				return nil, err
			}
			if h.Tensor.Dtype, h.Tensor.Encoding, err = ParseDescr(d); err != nil {
				return nil, err
			}
		case "fortran_order":
			k = 1
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
			default:
				return nil, errors.New("fortran_order is not True or False")
			}
		case "shape":
			k = 2
			if h.Tensor.Shape, err = p.tuple(); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown key %q", key)
		}
		if seen[k] {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		seen[k] = true
		if !p.eat(',') {
			if !p.eat('}') {
				return nil, fmt.Errorf("no ',' or '}' after the value of %q", key)
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return nil, errors.New("text after the closing }")
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return nil, errors.New("needs the keys 'descr', 'fortran_order' and 'shape'")
	}
	return h, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *parser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) eat(c byte) bool {
	if p.peek() == c && p.i < len(p.s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) word(w string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str parses a quoted string without escapes.
func (p *parser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", errors.New("expected a quoted string")
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", errors.New("escapes in strings are not supported")
	}
	p.i += end + 2
	return v, nil
}

// tuple parses a tuple of non-negative integers: (), (3,), (3, 4).
func (p *parser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("shape is not a tuple")
	}
	shape := []int{}
	for {
		if p.eat(')') {
			return shape, nil
		}
		p.space()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, errors.New("shape holds something other than non-negative integers")
		}
		d, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
		if err != nil || int64(int(d)) != d {
			return nil, fmt.Errorf("dimension %s is too large", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long
			p.i++
		}
		if len(shape) == 64 {
			return nil, errors.New("shape has more than 64 dimensions")
		}
		shape = append(shape, int(d))
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("unterminated shape")
			}
			return shape, nil
		}
	}
}

// ParseDescr maps a NumPy type string such as "<f4" to the element type
// it loads as and the encoding of its bytes. bfloat16 is "<V2", as MLX
// writes it.
func ParseDescr(d string) (core.Dtype, format.Encoding, error) {
	order := byte('=')
	r := d
	if len(r) > 0 && strings.IndexByte("<>|=", r[0]) >= 0 {
		order, r = r[0], r[1:]
	}
	big := order == '>'
	var dt core.Dtype
	enc := format.Plain
	switch r {
	case "b1", "?":
		dt = core.Bool
	case "u1", "B":
		dt = core.Uint8
	case "u2":
		dt = core.Uint16
	case "u4":
		dt = core.Uint32
	case "u8":
		dt = core.Uint64
	case "i1", "b":
		dt = core.Int8
	case "i2":
		dt = core.Int16
	case "i4":
		dt = core.Int32
	case "i8":
		dt = core.Int64
	case "f2":
		dt = core.Float16
	case "f4":
		dt = core.Float32
	case "f8":
		dt = core.Float64
	case "c8":
		dt = core.Complex64
	case "c16":
		dt, enc = core.Complex64, format.Complex128
		if big {
			enc = format.Complex128Swapped
		}
		return dt, enc, nil
	case "V2":
		dt = core.Bfloat16
	default:
		return 0, 0, fmt.Errorf("unsupported dtype %q", d)
	}
	if big && dt.Size() > 1 {
		enc = format.Swapped
	}
	return dt, enc, nil
}

// Descr returns the little-endian NumPy type string of dt ("<V2" for
// bfloat16, as MLX writes it).
func Descr(dt core.Dtype) string {
	return [...]string{"|b1", "|u1", "<u2", "<u4", "<u8", "|i1", "<i2", "<i4", "<i8",
		"<f2", "<V2", "<f4", "<f8", "<c8"}[dt]
}

// HeaderBytes returns the magic, version, length and header of a .npy file
// holding a little-endian array of type dt and the given shape in row-major
// order, padded as NumPy pads it so that the data starts at a multiple of 64.
func HeaderBytes(dt core.Dtype, shape []int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "{'descr': '%s', 'fortran_order': False, 'shape': (", Descr(dt))
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteString("), }")
	dict := b.String()
	pre := 10
	if len(dict)+1+pre > 65535 {
		pre = 12
	}
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	hlen := total - pre
	out := make([]byte, total)
	copy(out, Magic)
	if pre == 10 {
		out[6] = 1
		binary.LittleEndian.PutUint16(out[8:], uint16(hlen))
	} else {
		out[6] = 2
		binary.LittleEndian.PutUint32(out[8:], uint32(hlen))
	}
	n := copy(out[pre:], dict)
	for i := pre + n; i < total-1; i++ {
		out[i] = ' '
	}
	out[total-1] = '\n'
	return out
}
