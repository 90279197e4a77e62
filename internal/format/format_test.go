package format

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

func TestShapeSize(t *testing.T) {
	for _, c := range []struct {
		dims []int64
		size int
		ok   bool
	}{
		{nil, 4, true}, {[]int64{0, math.MaxInt64}, 4, true}, {[]int64{2, 3}, 8, true},
		{[]int64{-1}, 1, false}, {[]int64{1 << 32, 1 << 32}, 1, false},
		{[]int64{math.MaxInt64}, 2, false}, {[]int64{1 << 62, 4}, 1, false},
	} {
		_, err := ShapeSize(c.dims, c.size)
		if (err == nil) != c.ok {
			t.Errorf("ShapeSize(%v, %d): %v", c.dims, c.size, err)
		}
	}
}

func TestCheckOverlap(t *testing.T) {
	ts := []Tensor{{Name: "a", Offset: 10, Length: 10}, {Name: "b", Offset: 0, Length: 10}, {Name: "c", Offset: 25, Length: 0}}
	if err := CheckOverlap(ts); err != nil {
		t.Fatal(err)
	}
	ts = append(ts, Tensor{Name: "d", Offset: 19, Length: 2})
	if err := CheckOverlap(ts); err == nil {
		t.Fatal("overlap not found")
	}
}

func TestDecodeSwapped(t *testing.T) {
	src := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	dst := make([]byte, 8)
	for _, c := range []struct {
		dt   core.Dtype
		want []byte
	}{
		{core.Int16, []byte{2, 1, 4, 3, 6, 5, 8, 7}},
		{core.Float32, []byte{4, 3, 2, 1, 8, 7, 6, 5}},
		{core.Int64, []byte{8, 7, 6, 5, 4, 3, 2, 1}},
		{core.Complex64, []byte{4, 3, 2, 1, 8, 7, 6, 5}},
	} {
		Decode(Swapped, c.dt, dst, src)
		if string(dst) != string(c.want) {
			t.Errorf("%v: got %v, want %v", c.dt, dst, c.want)
		}
	}
	// complex128 narrows to complex64, in both byte orders.
	var le, be [16]byte
	binary.LittleEndian.PutUint64(le[:], math.Float64bits(1.5))
	binary.LittleEndian.PutUint64(le[8:], math.Float64bits(-2))
	binary.BigEndian.PutUint64(be[:], math.Float64bits(1.5))
	binary.BigEndian.PutUint64(be[8:], math.Float64bits(-2))
	for e, src := range map[Encoding][]byte{Complex128: le[:], Complex128Swapped: be[:]} {
		Decode(e, core.Complex64, dst, src)
		re := math.Float32frombits(binary.LittleEndian.Uint32(dst))
		im := math.Float32frombits(binary.LittleEndian.Uint32(dst[4:]))
		if re != 1.5 || im != -2 {
			t.Errorf("%v: got %v%+vi", e, re, im)
		}
	}
}
