package format

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Decode turns stored bytes src of encoding e into the elements of dt in
// dst, in the machine's (little-endian) order. src must hold a whole number
// of blocks and dst the elements they make: len(dst)/dt.Size() elements.
// It does nothing for Plain, whose bytes are the elements (copy them).
func Decode(e Encoding, dt core.Dtype, dst, src []byte) {
	switch e {
	case Plain:
		copy(dst, src)
	case Swapped:
		swap(dt, dst, src)
	case Complex128, Complex128Swapped:
		var order binary.ByteOrder = binary.LittleEndian
		if e == Complex128Swapped {
			order = binary.BigEndian
		}
		for i := 0; i+16 <= len(src) && 8*(i/16)+8 <= len(dst); i += 16 {
			re := float32(math.Float64frombits(order.Uint64(src[i:])))
			im := float32(math.Float64frombits(order.Uint64(src[i+8:])))
			o := 8 * (i / 16)
			binary.LittleEndian.PutUint32(dst[o:], math.Float32bits(re))
			binary.LittleEndian.PutUint32(dst[o+4:], math.Float32bits(im))
		}
	default:
		dequantize(e, dt, dst, src)
	}
}

// swap reverses the bytes of each element (complex64: of each half).
func swap(dt core.Dtype, dst, src []byte) {
	n := min(len(dst), len(src))
	switch dt.Size() {
	case 1:
		copy(dst, src)
	case 2:
		for i := 0; i+2 <= n; i += 2 {
			binary.LittleEndian.PutUint16(dst[i:], bits.ReverseBytes16(binary.LittleEndian.Uint16(src[i:])))
		}
	case 4:
		for i := 0; i+4 <= n; i += 4 {
			binary.LittleEndian.PutUint32(dst[i:], bits.ReverseBytes32(binary.LittleEndian.Uint32(src[i:])))
		}
	case 8:
		if dt == core.Complex64 {
			swap(core.Float32, dst, src)
			return
		}
		for i := 0; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(dst[i:], bits.ReverseBytes64(binary.LittleEndian.Uint64(src[i:])))
		}
	}
}
