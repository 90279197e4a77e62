package format

import (
	"encoding/binary"
	"math"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The block layouts of llama.cpp's quantized types. A block of QK (32) or
// QK_K (256) elements holds half-precision scales and packed integers; the
// value of an element is its integer times its block's (or sub-block's)
// scale, minus a minimum for the types that have one.
var ggmlBlocks = [...]struct{ elems, size int }{
	Q4_0 - Q4_0: {32, 2 + 16},
	Q4_1 - Q4_0: {32, 2 + 2 + 16},
	Q5_0 - Q4_0: {32, 2 + 4 + 16},
	Q5_1 - Q4_0: {32, 2 + 2 + 4 + 16},
	Q8_0 - Q4_0: {32, 2 + 32},
	Q2K - Q4_0:  {256, 16 + 64 + 2 + 2},
	Q3K - Q4_0:  {256, 32 + 64 + 12 + 2},
	Q4K - Q4_0:  {256, 2 + 2 + 12 + 128},
	Q5K - Q4_0:  {256, 2 + 2 + 12 + 32 + 128},
	Q6K - Q4_0:  {256, 128 + 64 + 16 + 2},
	Q8K - Q4_0:  {256, 4 + 256 + 32},
}

func half(b []byte) float32 { return core.F16(binary.LittleEndian.Uint16(b)).Float32() }

// dequantize decodes whole blocks of src into dst as float16 or float32
// (dt), computing each value in float32 as llama.cpp does. The explicit
// float32 conversions round each product before a sum, so that no
// platform fuses them into one multiply-add: results match everywhere.
func dequantize(e Encoding, dt core.Dtype, dst, src []byte) {
	elems, size := e.Block(dt)
	var y [256]float32
	esize := dt.Size()
	for b := 0; (b+1)*size <= len(src) && (b+1)*elems*esize <= len(dst); b++ {
		x := src[b*size : (b+1)*size]
		block(e, x, y[:elems])
		out := dst[b*elems*esize : (b+1)*elems*esize]
		if dt == core.Float32 {
			for i, v := range y[:elems] {
				binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
			}
		} else {
			for i, v := range y[:elems] {
				binary.LittleEndian.PutUint16(out[2*i:], uint16(core.F16FromFloat32(v)))
			}
		}
	}
}

// block decodes one block x of encoding e into y.
func block(e Encoding, x []byte, y []float32) {
	switch e {
	case Q4_0:
		d := half(x)
		qs := x[2:18]
		for j := range 16 {
			y[j] = float32(int(qs[j]&0xf)-8) * d
			y[j+16] = float32(int(qs[j]>>4)-8) * d
		}
	case Q4_1:
		d, m := half(x), half(x[2:])
		qs := x[4:20]
		for j := range 16 {
			y[j] = float32(float32(qs[j]&0xf)*d) + m
			y[j+16] = float32(float32(qs[j]>>4)*d) + m
		}
	case Q5_0:
		d := half(x)
		qh := binary.LittleEndian.Uint32(x[2:])
		qs := x[6:22]
		for j := range 16 {
			h0 := int((qh>>j)<<4) & 0x10
			h1 := int(qh>>(j+12)) & 0x10
			y[j] = float32(int(qs[j]&0xf)|h0-16) * d
			y[j+16] = float32(int(qs[j]>>4)|h1-16) * d
		}
	case Q5_1:
		d, m := half(x), half(x[2:])
		qh := binary.LittleEndian.Uint32(x[4:])
		qs := x[8:24]
		for j := range 16 {
			h0 := int((qh>>j)<<4) & 0x10
			h1 := int(qh>>(j+12)) & 0x10
			y[j] = float32(float32(int(qs[j]&0xf)|h0)*d) + m
			y[j+16] = float32(float32(int(qs[j]>>4)|h1)*d) + m
		}
	case Q8_0:
		d := half(x)
		for j := range 32 {
			y[j] = float32(int8(x[2+j])) * d
		}
	case Q2K:
		q2k(x, y)
	case Q3K:
		q3k(x, y)
	case Q4K:
		q4k(x, y)
	case Q5K:
		q5k(x, y)
	case Q6K:
		q6k(x, y)
	case Q8K:
		d := math.Float32frombits(binary.LittleEndian.Uint32(x))
		for j := range 256 {
			y[j] = float32(int8(x[4+j])) * d
		}
	}
}

// q2k: 16 sub-blocks of 16, each with a 4-bit scale and a 4-bit minimum;
// 2-bit values, four to a byte, the byte's pairs of bits going to four
// sub-blocks 32 elements apart.
func q2k(x []byte, y []float32) {
	scales, qs := x[:16], x[16:80]
	d, dmin := half(x[80:]), half(x[82:])
	is, o := 0, 0
	for n := 0; n < 256; n += 128 {
		q := qs[n/4 : n/4+32]
		for shift := 0; shift < 8; shift += 2 {
			for h := 0; h < 2; h++ {
				sc := scales[is]
				is++
				dl, ml := d*float32(sc&0xf), dmin*float32(sc>>4)
				for l := range 16 {
					y[o] = float32(dl*float32((q[l+16*h]>>shift)&3)) - ml
					o++
				}
			}
		}
	}
}

// q3k: 16 sub-blocks of 16 with 6-bit signed scales packed into 12 bytes;
// 2 low bits per value as in Q2_K plus a high bit in hmask (set: no
// offset; clear: minus 4).
func q3k(x []byte, y []float32) {
	hm, qs, sc := x[:32], x[32:96], x[96:108]
	d := half(x[108:])
	var scales [16]int
	for j := range 16 {
		var lo int
		if j < 8 {
			lo = int(sc[j] & 0xf)
		} else {
			lo = int(sc[j-8] >> 4)
		}
		hi := int(sc[8+j%4]>>(2*(j/4))) & 3
		scales[j] = lo | hi<<4 - 32
	}
	is, o := 0, 0
	m := byte(1)
	for n := 0; n < 256; n += 128 {
		q := qs[n/4 : n/4+32]
		for shift := 0; shift < 8; shift += 2 {
			for h := 0; h < 2; h++ {
				dl := d * float32(scales[is])
				is++
				for l := range 16 {
					v := int(q[l+16*h]>>shift) & 3
					if hm[l+16*h]&m == 0 {
						v -= 4
					}
					y[o] = dl * float32(v)
					o++
				}
			}
			m <<= 1
		}
	}
}

// scaleMinK4 unpacks the j-th 6-bit scale and minimum of a Q4_K/Q5_K block.
func scaleMinK4(j int, q []byte) (sc, m byte) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return q[j+4]&0xf | (q[j-4]>>6)<<4, q[j+4]>>4 | (q[j]>>6)<<4
}

// q4k: 8 sub-blocks of 32 with 6-bit scales and minimums; 4-bit values,
// a byte's low nibbles in one sub-block and high nibbles in the next.
func q4k(x []byte, y []float32) {
	d, dmin := half(x), half(x[2:])
	scales, qs := x[4:16], x[16:144]
	o := 0
	for j := 0; j < 8; j += 2 {
		sc1, m1 := scaleMinK4(j, scales)
		sc2, m2 := scaleMinK4(j+1, scales)
		d1, mm1 := d*float32(sc1), dmin*float32(m1)
		d2, mm2 := d*float32(sc2), dmin*float32(m2)
		q := qs[16*j : 16*j+32]
		for l := range 32 {
			y[o+l] = float32(d1*float32(q[l]&0xf)) - mm1
			y[o+32+l] = float32(d2*float32(q[l]>>4)) - mm2
		}
		o += 64
	}
}

// q5k: Q4_K with a fifth bit per value in qh.
func q5k(x []byte, y []float32) {
	d, dmin := half(x), half(x[2:])
	scales, qh, qs := x[4:16], x[16:48], x[48:176]
	o := 0
	u1, u2 := byte(1), byte(2)
	for j := 0; j < 8; j += 2 {
		sc1, m1 := scaleMinK4(j, scales)
		sc2, m2 := scaleMinK4(j+1, scales)
		d1, mm1 := d*float32(sc1), dmin*float32(m1)
		d2, mm2 := d*float32(sc2), dmin*float32(m2)
		q := qs[16*j : 16*j+32]
		for l := range 32 {
			v1, v2 := int(q[l]&0xf), int(q[l]>>4)
			if qh[l]&u1 != 0 {
				v1 += 16
			}
			if qh[l]&u2 != 0 {
				v2 += 16
			}
			y[o+l] = float32(d1*float32(v1)) - mm1
			y[o+32+l] = float32(d2*float32(v2)) - mm2
		}
		o += 64
		u1 <<= 2
		u2 <<= 2
	}
}

// q6k: 16 sub-blocks of 16 with 8-bit signed scales; 6-bit values (4 low
// bits in ql, 2 high bits in qh) offset by 32.
func q6k(x []byte, y []float32) {
	ql, qh, sc := x[:128], x[128:192], x[192:208]
	d := half(x[208:])
	for n := 0; n < 2; n++ {
		l4, h4, s := ql[64*n:], qh[32*n:], sc[8*n:]
		yy := y[128*n:]
		for l := range 32 {
			is := l / 16
			q1 := int(l4[l]&0xf|(h4[l]>>0&3)<<4) - 32
			q2 := int(l4[l+32]&0xf|(h4[l]>>2&3)<<4) - 32
			q3 := int(l4[l]>>4|(h4[l]>>4&3)<<4) - 32
			q4 := int(l4[l+32]>>4|(h4[l]>>6&3)<<4) - 32
			yy[l] = d * float32(int8(s[is])) * float32(q1)
			yy[l+32] = d * float32(int8(s[is+2])) * float32(q2)
			yy[l+64] = d * float32(int8(s[is+4])) * float32(q3)
			yy[l+96] = d * float32(int8(s[is+6])) * float32(q4)
		}
	}
}
