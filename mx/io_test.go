package mx

import (
	"bytes"
	le "encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// rawBytes evaluates a and returns its elements' bytes in row-major order.
func rawBytes(t testing.TB, a *Array) []byte {
	t.Helper()
	c := Contiguous(a, CPU)
	if err := Eval(c); err != nil {
		t.Fatal(err)
	}
	sz := c.dtype.Size()
	return bytes.Clone(c.buf.Bytes()[c.offset*sz : (c.offset+c.Size())*sz])
}

// ioSample returns an array of dtype dt and shape (2, 3) with values that
// use every byte of the type, including NaN and infinities for floats.
func ioSample(dt Dtype) *Array {
	f := []float64{0, 1, -2.5, math.Inf(1), math.NaN(), 65504}
	switch dt {
	case Bool:
		return NewArray([]bool{true, false, true, true, false, false}, 2, 3)
	case Uint8:
		return NewArray([]uint8{0, 1, 2, 127, 128, 255}, 2, 3)
	case Uint16:
		return NewArray([]uint16{0, 1, 258, 32767, 32768, 65535}, 2, 3)
	case Uint32:
		return NewArray([]uint32{0, 1, 0x01020304, 1 << 31, 7, math.MaxUint32}, 2, 3)
	case Uint64:
		return NewArray([]uint64{0, 1, 0x0102030405060708, 1 << 63, 7, math.MaxUint64}, 2, 3)
	case Int8:
		return NewArray([]int8{0, 1, -1, 127, -128, 5}, 2, 3)
	case Int16:
		return NewArray([]int16{0, 1, -1, 32767, -32768, 0x0102}, 2, 3)
	case Int32:
		return NewArray([]int32{0, 1, -1, math.MaxInt32, math.MinInt32, 0x01020304}, 2, 3)
	case Int64:
		return NewArray([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, 0x0102030405060708}, 2, 3)
	case Float64:
		return NewArray(f, 2, 3)
	case Complex64:
		return NewArray([]complex64{0, 1 + 2i, -3.5i, complex(float32(math.Inf(1)), 1), 5, 1e30}, 2, 3)
	}
	return AsType(NewArray(f, 2, 3), dt)
}

// sameArray fails unless b has a's shape, dtype and bytes.
func sameArray(t *testing.T, what string, a, b *Array) {
	t.Helper()
	if b == nil {
		t.Fatalf("%s: missing", what)
	}
	if b.Dtype() != a.Dtype() || !slices.Equal(a.Shape(), b.Shape()) {
		t.Fatalf("%s: got %v %v, want %v %v", what, b.Dtype(), b.Shape(), a.Dtype(), a.Shape())
	}
	if !bytes.Equal(rawBytes(t, a), rawBytes(t, b)) {
		t.Fatalf("%s: got %v, want %v", what, b, a)
	}
}

func TestIORoundTripNPY(t *testing.T) {
	dir := t.TempDir()
	for _, dt := range allDtypes {
		a := ioSample(dt)
		p := filepath.Join(dir, dt.String())
		if err := Save(p, a); err != nil {
			t.Fatal(err)
		}
		b, err := LoadNPY(p + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		sameArray(t, dt.String(), a, b)
		m, meta, err := Load(p + ".npy")
		if err != nil || meta != nil {
			t.Fatal(err, meta)
		}
		sameArray(t, dt.String()+" via Load", a, m[dt.String()])
	}
	// Shapes: 0-d, empty, strided views, large.
	for i, a := range []*Array{
		Scalar(float32(3.5)), Zeros([]int{0, 3}), Transpose(ioSample(Int32)),
		Arange(0, 1<<20, 1, Float32), Zeros([]int{2, 1, 0, 4}, Int8),
	} {
		p := filepath.Join(dir, "shape.npy")
		if err := Save(p, a); err != nil {
			t.Fatal(err)
		}
		b, err := LoadNPY(p)
		if err != nil {
			t.Fatal(err)
		}
		sameArray(t, "shape case "+string(rune('0'+i)), a, b)
	}
}

func TestIORoundTripNPZ(t *testing.T) {
	dir := t.TempDir()
	arrays := map[string]*Array{}
	for _, dt := range allDtypes {
		arrays[dt.String()] = ioSample(dt)
	}
	arrays["big"] = Arange(0, 100000, 1, Int32)
	arrays["empty"] = Zeros([]int{0}, Float16)
	arrays["scalar"] = Scalar(int64(-7))
	for _, compressed := range []bool{false, true} {
		p := filepath.Join(dir, "a")
		save := Savez
		if compressed {
			save = SavezCompressed
		}
		if err := save(p, arrays); err != nil {
			t.Fatal(err)
		}
		got, err := LoadNPZ(p + ".npz")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(arrays) {
			t.Fatalf("got %d arrays, want %d", len(got), len(arrays))
		}
		for k, a := range arrays {
			sameArray(t, k, a, got[k])
		}
	}
}

func TestIORoundTripSafetensors(t *testing.T) {
	dir := t.TempDir()
	arrays := map[string]*Array{}
	for _, dt := range allDtypes {
		arrays["w."+dt.String()] = ioSample(dt)
	}
	arrays["empty"] = Zeros([]int{3, 0}, Bfloat16)
	arrays["scalar"] = Scalar(float32(2))
	arrays["view"] = Transpose(Reshape(Arange(0, 24, 1, Float32), []int{2, 3, 4}))
	arrays["ünï €"] = Ones([]int{2}, Float64)
	meta := map[string]string{"format": "mlx", "note": "ünicode \"quoted\"\n"}
	p := filepath.Join(dir, "m.safetensors")
	if err := SaveSafetensors(p, arrays, meta); err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := LoadSafetensors(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(arrays) || len(gotMeta) != 2 || gotMeta["note"] != meta["note"] {
		t.Fatalf("got %d arrays and metadata %q", len(got), gotMeta)
	}
	for k, a := range arrays {
		sameArray(t, k, a, got[k])
	}
	// Without metadata, and the 8-bit float tags.
	if err := SaveSafetensors(p, map[string]*Array{"x": Scalar(1.5)}, nil); err != nil {
		t.Fatal(err)
	}
	m, md, err := Load(p)
	if err != nil || md != nil {
		t.Fatal(err, md)
	}
	sameArray(t, "x", Scalar(1.5), m["x"])
}

func TestIOSafetensorsFloat8(t *testing.T) {
	for _, tag := range []string{"F8_E4M3", "F8_E5M2", "F8_E8M0"} {
		hdr := `{"a":{"dtype":"` + tag + `","shape":[3],"data_offsets":[0,3]}}`
		p := writeSafetensorsRaw(t, hdr, []byte{1, 2, 255})
		m, _, err := LoadSafetensors(p)
		if err != nil {
			t.Fatal(err)
		}
		sameArray(t, tag, NewArray([]uint8{1, 2, 255}), m["a"])
	}
}

func writeSafetensorsRaw(t *testing.T, hdr string, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	le.Write(&b, le.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	b.Write(data)
	p := filepath.Join(t.TempDir(), "raw.safetensors")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIORoundTripGGUF(t *testing.T) {
	dir := t.TempDir()
	arrays := map[string]*Array{}
	for _, dt := range []Dtype{Float32, Float16, Bfloat16, Float64, Int8, Int16, Int32, Int64} {
		arrays["t."+dt.String()] = ioSample(dt)
	}
	arrays["blk.0.attn_q.weight"] = Reshape(Arange(0, 3*5*7, 1, Float32), []int{3, 5, 7})
	arrays["scalar"] = Scalar(float32(4))
	arrays["empty"] = Zeros([]int{0, 2}, Float32)
	meta := map[string]any{
		"u8": uint8(1), "i8": int8(-2), "u16": uint16(3), "i16": int16(-4), "u32": uint32(5),
		"i32": int32(-6), "u64": uint64(1 << 40), "i64": int64(-1 << 40), "f32": float32(1.5),
		"f64": 2.25, "b": true, "s": "llama ü", "general.alignment": uint32(64),
		"au8": []uint8{1, 2}, "ai32": []int32{-1, 2}, "af32": []float32{0.5}, "ab": []bool{true, false},
		"as": []string{"a", "", "ü"}, "af64": []float64{}, "nested": []any{[]int32{1}, []string{"x"}},
	}
	p := filepath.Join(dir, "m")
	if err := SaveGGUF(p, arrays, meta); err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := LoadGGUF(p + ".gguf")
	if err != nil {
		t.Fatal(err)
	}
	for k, a := range arrays {
		sameArray(t, k, a, got[k])
	}
	if len(gotMeta) != len(meta) {
		t.Fatalf("got %d metadata entries, want %d", len(gotMeta), len(meta))
	}
	for k, v := range meta {
		if !metaEqual(gotMeta[k], v) {
			t.Errorf("metadata %q: got %#v, want %#v", k, gotMeta[k], v)
		}
	}
	// *Array metadata, as MLX takes it.
	if err := SaveGGUF(p, nil, map[string]any{"v": NewArray([]int32{1, 2}), "s": Scalar(float32(3))}); err != nil {
		t.Fatal(err)
	}
	_, gotMeta, err = LoadGGUF(p + ".gguf")
	if err != nil || !metaEqual(gotMeta["v"], []int32{1, 2}) || gotMeta["s"] != float32(3) {
		t.Fatalf("array metadata: %v %#v", err, gotMeta)
	}
}

// metaEqual compares metadata values by their Go type and value.
func metaEqual(a, b any) bool {
	return fmt.Sprintf("%T %#v", a, a) == fmt.Sprintf("%T %#v", b, b)
}

func TestIOSaveRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, f := range map[string]func(){
		"gguf bool":      func() { SaveGGUF(filepath.Join(dir, "x"), map[string]*Array{"a": ioSample(Bool)}, nil) },
		"gguf uint32":    func() { SaveGGUF(filepath.Join(dir, "x"), map[string]*Array{"a": ioSample(Uint32)}, nil) },
		"gguf int meta":  func() { SaveGGUF(filepath.Join(dir, "x"), nil, map[string]any{"a": 1}) },
		"gguf alignment": func() { SaveGGUF(filepath.Join(dir, "x"), nil, map[string]any{"general.alignment": uint32(3)}) },
		"st bad utf8":    func() { SaveSafetensors(filepath.Join(dir, "x"), map[string]*Array{"\xff": Scalar(1)}, nil) },
		"st metadata":    func() { SaveSafetensors(filepath.Join(dir, "x"), map[string]*Array{"__metadata__": Scalar(1)}, nil) },
		"nil array":      func() { Save(filepath.Join(dir, "x"), nil) },
	} {
		err := Catch(f)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.gguf")); err == nil {
		t.Error("a refused save left a file")
	}
}

func TestIOSaveEvalError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.safetensors")
	if err := SaveSafetensors(p, map[string]*Array{"a": Scalar(1)}, nil); err != nil {
		t.Fatal(err)
	}
	prev, _ := os.ReadFile(p)
	// An array whose evaluation fails: loaded from a file that is gone.
	src := filepath.Join(dir, "src.safetensors")
	SaveSafetensors(src, map[string]*Array{"w": Ones([]int{4})}, nil)
	m, _, err := LoadSafetensors(src)
	if err != nil {
		t.Fatal(err)
	}
	os.Truncate(src, 8)
	err = SaveSafetensors(p, map[string]*Array{"a": m["w"]}, nil)
	if err == nil {
		t.Fatal("saving an array whose evaluation fails succeeded")
	}
	if now, _ := os.ReadFile(p); !bytes.Equal(now, prev) {
		t.Fatal("a failed save changed the earlier file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("a failed save left files behind: %v", entries)
	}
}
