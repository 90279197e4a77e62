package mx

import (
	"slices"
	"testing"
)

// The expected bits are MLX's published test values (made with JAX's
// Threefry-2x32).
func TestRandomBitsMLX(t *testing.T) {
	key0 := NewArray([]uint32{0, 0})
	key1 := NewArray([]uint32{0, 1})
	cases := []struct {
		name  string
		key   *Array
		shape []int
		width int
		want  []uint64
	}{
		{"key0/scalar", key0, nil, 4, []uint64{1797259609}},
		{"key0/scalar16", key0, nil, 2, []uint64{345}},
		{"key0/scalar8", key0, nil, 1, []uint64{89}},
		{"key1/scalar", key1, []int{}, 4, []uint64{507451445}},
		{"key1/scalar16", key1, []int{}, 2, []uint64{6197}},
		{"key1/scalar8", key1, []int{}, 1, []uint64{53}},
		{"key0/3x1", key0, []int{3, 1}, 4, []uint64{4146024105, 1351547692, 2718843009}},
		{"key0/5x16", key0, []int{5}, 2, []uint64{20137, 63263, 64300, 20622, 16513}},
		{"key0/6x16", key0, []int{6}, 2, []uint64{20137, 63263, 64300, 20622, 16513, 41486}},
		{"key0/7x16", key0, []int{7}, 2, []uint64{20137, 63263, 1497, 14756, 16513, 41486, 44591}},
		{"key0/8x16", key0, []int{8}, 2, []uint64{20137, 63263, 1497, 14756, 16513, 41486, 44591, 19423}},
		// random.split(key(0)) and random.split(key(0), 3).
		{"split2", key0, []int{2, 2}, 4, []uint64{4146024105, 967050713, 2718843009, 1272950319}},
		{"split3", key0, []int{3, 2}, 4, []uint64{2467461003, 428148500, 3186719485, 3840466878, 2562233961, 1946702221}},
		{"empty", key0, []int{0, 4}, 4, []uint64{}},
	}
	for _, c := range cases {
		for _, dev := range testDevices() {
			got := RandomBits(c.key, c.shape, c.width, dev)
			wantShape := c.shape
			if wantShape == nil {
				wantShape = []int{}
			}
			if !slices.Equal(got.Shape(), wantShape) {
				t.Errorf("%s: shape %v, want %v", c.name, got.Shape(), wantShape)
			}
			if want := map[int]Dtype{1: Uint8, 2: Uint16, 4: Uint32}[c.width]; got.Dtype() != want {
				t.Errorf("%s: dtype %v, want %v", c.name, got.Dtype(), want)
			}
			if g := ToSlice[uint64](got); !slices.Equal(g, c.want) {
				t.Errorf("%s on %v: got %v, want %v", c.name, dev, g, c.want)
			}
		}
	}
}

// availableView returns an evaluated view of src with the given shape,
// strides and offset (for kernels' strided inputs).
func availableView(src *Array, shape, strides []int, offset int) *Array {
	a := &Array{shape: shape, dtype: src.dtype}
	a.shareView(src, strides, offset)
	a.status.Store(statusAvailable)
	return a
}

// The primitive takes a batch of keys (..., 2), each filling its share of
// the output, as MLX's vmap of random.bits does; MLX's values again.
func TestRandomBitsBatchedKeys(t *testing.T) {
	keys := NewArray([]uint32{0, 0, 1, 1}, 2, 2)
	batched := func(k *Array, shape []int, dt Dtype) *Array {
		return newArray(randomBitsPrim{shape: shape[1:], width: dt.Size()}, DefaultStream(), []*Array{k}, shape, dt)
	}
	got := ToSlice[uint32](batched(keys, []int{2, 3}, Uint32))
	want := []uint32{4146024105, 1351547692, 2718843009, 3725146706, 1802982961, 1349634643}
	if !slices.Equal(got, want) {
		t.Errorf("two keys: got %v, want %v", got, want)
	}
	// The keys as columns: a transposed view, both keys (0, 1).
	cols := availableView(keys, []int{2, 2}, []int{1, 2}, 0)
	got = ToSlice[uint32](batched(cols, []int{2, 3}, Uint32))
	want = []uint32{2441914641, 1110694964, 3819641963, 2441914641, 1110694964, 3819641963}
	if !slices.Equal(got, want) {
		t.Errorf("strided keys: got %v, want %v", got, want)
	}
	// Smaller types: each key's share is that of bits((5,), 2, key).
	got16 := ToSlice[uint16](batched(keys, []int{2, 5}, Uint16))
	for i := range 2 {
		one := ToSlice[uint16](RandomBits(NewArray(ToSlice[uint32](keys)[2*i:2*i+2]), []int{5}, 2))
		if !slices.Equal(got16[5*i:5*i+5], one) {
			t.Errorf("key %d of a batch: got %v, want %v", i, got16[5*i:5*i+5], one)
		}
	}
	// Long shares, split over goroutines within and across keys.
	many := NewArray([]uint32{1, 2, 3, 4, 5, 6}, 3, 2)
	long := ToSlice[uint16](batched(many, []int{3, 40001}, Uint16))
	for i := range 3 {
		one := ToSlice[uint16](RandomBits(NewArray(ToSlice[uint32](many)[2*i:2*i+2]), []int{40001}, 2))
		if !slices.Equal(long[40001*i:40001*(i+1)], one) {
			t.Errorf("key %d of a batch of long shares differs", i)
		}
	}
	// Three batches of two keys, two words each (MLX's double vmap).
	keys3 := NewArray([]uint32{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, 3, 2, 2)
	got = ToSlice[uint32](batched(keys3, []int{3, 2, 2}, Uint32))
	want = []uint32{928981903, 3453687069, 3606183818, 460005496, 2799733733, 856293553,
		4081856343, 3445925136, 2775548010, 1430281703, 305173070, 2615843348}
	if !slices.Equal(got, want) {
		t.Errorf("3x2 keys: got %v, want %v", got, want)
	}
}

func TestRandomBitsLarge(t *testing.T) {
	// Many words per key, split over goroutines, must equal the same
	// words computed one call at a time.
	key := NewArray([]uint32{7, 11})
	n := 1<<16 + 3
	all := ToSlice[uint32](RandomBits(key, []int{n}, 4))
	half := n / 2
	for _, j := range []int{0, 1, half - 1, half, half + 1, n - 1} {
		var want uint32
		switch {
		case j < half:
			want, _ = threefryRef(7, 11, uint32(j), uint32(j+half+1))
		case j == half:
			want, _ = threefryRef(7, 11, uint32(half), 0)
		default:
			_, want = threefryRef(7, 11, uint32(j-half-1), uint32(j))
		}
		if all[j] != want {
			t.Errorf("word %d: got %d, want %d", j, all[j], want)
		}
	}
	// Different keys give different bits; the same key the same.
	a := ToSlice[uint32](RandomBits(key, []int{64}, 4))
	b := ToSlice[uint32](RandomBits(NewArray([]uint32{7, 12}), []int{64}, 4))
	if slices.Equal(a, b) {
		t.Error("two keys gave the same bits")
	}
}

// threefryRef is Random123's Threefry-2x32-20, written from its paper.
func threefryRef(k0, k1, c0, c1 uint32) (uint32, uint32) {
	rot := []uint32{13, 15, 26, 6, 17, 29, 16, 24}
	k := []uint32{k0, k1, 0x1BD11BDA ^ k0 ^ k1}
	x := []uint32{c0 + k[0], c1 + k[1]}
	for r := range 20 {
		x[0] += x[1]
		s := rot[r%8]
		x[1] = x[1]<<s | x[1]>>(32-s)
		x[1] ^= x[0]
		if r%4 == 3 {
			inj := uint32(r/4 + 1)
			x[0] += k[inj%3]
			x[1] += k[(inj+1)%3] + inj
		}
	}
	return x[0], x[1]
}

func TestRandomBitsErrors(t *testing.T) {
	key := NewArray([]uint32{0, 0})
	for i, f := range []func(){
		func() { RandomBits(nil, []int{2}, 4) },
		func() { RandomBits(NewArray([]int32{0, 0}), []int{2}, 4) },
		func() { RandomBits(NewArray([]uint32{0, 0}, 1, 2), []int{2}, 4) },
		func() { RandomBits(NewArray([]uint32{0, 0, 0}), []int{2}, 4) },
		func() { RandomBits(key, []int{2, -3}, 4) },
		func() { RandomBits(key, []int{2}, 0) },
		func() { RandomBits(key, []int{2}, 3) },
		func() { RandomBits(key, []int{2}, 8) },
		func() { RandomBits(key, []int{2}, 4, Axis(0)) },
	} {
		err := Catch(f)
		if e, ok := err.(*Error); !ok || e.Op != "random_bits" {
			t.Errorf("case %d: got %v, want an *Error from random_bits", i, err)
		}
	}
}

func BenchmarkRandomBits(b *testing.B) {
	key := NewArray([]uint32{1, 2})
	b.SetBytes(1 << 22)
	for b.Loop() {
		if err := Eval(RandomBits(key, []int{1 << 20}, 4)); err != nil {
			b.Fatal(err)
		}
	}
}
