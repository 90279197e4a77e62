package mx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadAndEval loads path with Load and evaluates every array, returning
// the first error.
func loadAndEval(path string) error {
	m, _, err := Load(path)
	if err != nil {
		return err
	}
	for _, a := range m {
		if err := Eval(a); err != nil {
			return err
		}
	}
	return nil
}

// TestIOTruncated cuts each kind of file at every length and checks that
// loading and evaluating gives an error naming the file, never a panic.
func TestIOTruncated(t *testing.T) {
	dir := fastTempDir(t)
	arrays := map[string]*Array{"a": ioSample(Float32), "b": ioSample(Int16)}
	files := map[string]func(string) error{
		"x.npy":         func(p string) error { return Save(p, arrays["a"]) },
		"x.npz":         func(p string) error { return Savez(p, arrays) },
		"c.npz":         func(p string) error { return SavezCompressed(p, arrays) },
		"x.safetensors": func(p string) error { return SaveSafetensors(p, arrays, map[string]string{"k": "v"}) },
		"x.gguf":        func(p string) error { return SaveGGUF(p, arrays, map[string]any{"k": "v"}) },
	}
	files["q.gguf"] = nil // the golden file, quantized tensors included
	for name, save := range files {
		src := filepath.Join(dir, name)
		if save != nil {
			if err := save(src); err != nil {
				t.Fatal(err)
			}
		} else {
			b, _ := os.ReadFile("testdata/io/llama.gguf")
			os.WriteFile(src, b, 0o644)
		}
		full, _ := os.ReadFile(src)
		cut := filepath.Join(dir, "cut_"+name)
		for n := 0; n < len(full); n++ {
			if n > 300 && n%17 != 0 && n < len(full)-40 {
				continue
			}
			os.WriteFile(cut, full[:n], 0o644)
			err := loadAndEval(cut)
			if err == nil && allZero(full[n:]) && strings.HasSuffix(name, ".gguf") {
				continue // only the padding after the last tensor is gone
			}
			if err == nil {
				t.Fatalf("%s cut to %d of %d bytes loaded", name, n, len(full))
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), cut) {
				t.Fatalf("%s cut to %d bytes: %v (want an *Error naming the file)", name, n, err)
			}
		}
		if err := loadAndEval(src); err != nil {
			t.Fatal(err)
		}
	}
}

// fastTempDir returns a temporary directory in memory where the system
// has one: the test writes a file per cut.
func fastTempDir(t *testing.T) string {
	if dir, err := os.MkdirTemp("/dev/shm", "mlxgo-io-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return t.TempDir()
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func TestIOLoadErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "w.safetensors")
	os.WriteFile(p, []byte("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[10,2000]}}"), 0o644)
	for _, c := range []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "none.npy"), "no such file"},
		{filepath.Join(dir, "x.txt"), "unknown file extension"},
		{dir + "/.npz", "no such file"},
		{p, "the JSON header ends early"},
	} {
		_, _, err := Load(c.path)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: got %v, want an *Error naming the file and %q", c.path, err, c.want)
		}
	}
	hdr := `{"a":{"dtype":"F32","shape":[4],"data_offsets":[10,2000]}}`
	p = writeSafetensorsRaw(t, hdr, make([]byte, 1500))
	_, _, err := LoadSafetensors(p)
	if err == nil || !strings.Contains(err.Error(), `mx: load_safetensors: `+p+`: tensor "a": data offsets [10, 2000] lie past the end of the data (1500 bytes)`) {
		t.Errorf("got %v", err)
	}
	if err := Catch(func() { Load(dir) }); err != nil {
		t.Errorf("Load of a directory panicked: %v", err)
	}
	if _, _, err := Load(dir + "/d.npy"); err == nil {
		t.Error("a missing file loaded")
	}
	os.Mkdir(filepath.Join(dir, "d.npy"), 0o755)
	if _, _, err := Load(filepath.Join(dir, "d.npy")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
}

// TestIOLazy checks that loading reads no tensor data: bytes changed in
// the file after Load are the ones evaluation sees.
func TestIOLazy(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.safetensors")
	if err := SaveSafetensors(p, map[string]*Array{"w": Zeros([]int{4}, Int32)}, nil); err != nil {
		t.Fatal(err)
	}
	m, _, err := LoadSafetensors(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	b[len(b)-4] = 9
	f, _ := os.OpenFile(p, os.O_WRONLY, 0)
	f.WriteAt(b, 0)
	f.Close()
	if got := ToSlice[int32](m["w"]); got[3] != 9 {
		t.Fatalf("got %v: the data was read before evaluation", got)
	}
}

// TestIOShrunkWhileMapped truncates files after loading them: evaluation
// must fail with an error, for data read with ReadAt and data decoded
// straight from the mapping alike.
func TestIOShrunkWhileMapped(t *testing.T) {
	dir := t.TempDir()
	big := Reshape(Arange(0, 1<<16, 1, Float32), []int{256, 256})
	st := filepath.Join(dir, "m.safetensors")
	if err := SaveSafetensors(st, map[string]*Array{"w": big}, nil); err != nil {
		t.Fatal(err)
	}
	// Big-endian .npy data is decoded from the mapping.
	be := filepath.Join(dir, "be.npy")
	hdr := "{'descr': '>f4', 'fortran_order': False, 'shape': (65536,), }"
	raw := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), 0)
	raw = append(append(raw, hdr...), make([]byte, 4<<16)...)
	os.WriteFile(be, raw, 0o644)
	for _, p := range []string{st, be} {
		m, _, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, 100); err != nil {
			t.Fatal(err)
		}
		for _, a := range m {
			err := Eval(a)
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Fatalf("%s: got %v, want an error naming the file", p, err)
			}
		}
	}
}

// TestIOLoadUnderMemoryLimit loads a file larger than the memory limit
// and uses its tensors one at a time: loading holds none of them.
func TestIOLoadUnderMemoryLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.safetensors")
	arrays := map[string]*Array{}
	for i := range 16 {
		arrays[string(rune('a'+i))] = Full([]int{1 << 20}, float32(i)) // 4 MiB each
	}
	if err := SaveSafetensors(p, arrays, nil); err != nil {
		t.Fatal(err)
	}
	arrays = nil
	ClearCache()
	m, _, err := LoadSafetensors(p)
	if err != nil {
		t.Fatal(err)
	}
	old := SetMemoryLimit(GetActiveMemory() + 24<<20)
	defer SetMemoryLimit(old)
	for k := range m {
		s := Sum(m[k])
		delete(m, k)
		if err := Eval(s); err != nil {
			t.Fatal(err)
		}
	}
}
