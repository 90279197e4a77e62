package mx

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkLoadSafetensors2GB loads and evaluates a 2 GB safetensors file
// (8 float32 tensors of 256 MiB) and reads the same file with dd, from the
// page cache (warm) and, where the process may drop the page cache, from
// disk (cold). Each mlxgo run starts with an empty buffer cache, so every
// output is fresh memory. It writes the file to the temporary directory
// and runs only when MLXGO_BENCH_IO is set:
//
//	MLXGO_BENCH_IO=1 go test ./mx -run '^$' -bench LoadSafetensors2GB -benchtime=3x
func BenchmarkLoadSafetensors2GB(b *testing.B) {
	if os.Getenv("MLXGO_BENCH_IO") == "" {
		b.Skip("set MLXGO_BENCH_IO=1 to run (writes a 2 GB file)")
	}
	const tensors, each = 8, 256 << 20
	path := filepath.Join(b.TempDir(), "big.safetensors")
	arrays := map[string]*Array{}
	for i := range tensors {
		arrays[fmt.Sprintf("layers.%d.weight", i)] = Full([]int{each / 4}, float32(i))
	}
	if err := SaveSafetensors(path, arrays, nil); err != nil {
		b.Fatal(err)
	}
	arrays = nil
	st, _ := os.Stat(path)
	size := st.Size()
	canDrop := dropPageCache() == nil
	for _, cold := range []bool{false, true} {
		mode := "warm"
		if cold {
			mode = "cold"
			if !canDrop {
				b.Log("cannot drop the page cache: no cold runs")
				continue
			}
		}
		prepare := func() {
			if cold {
				dropPageCache()
			} else {
				exec.Command("cat", path).Run() // into the page cache
			}
		}
		b.Run("dd/"+mode, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				b.StopTimer()
				prepare()
				b.StartTimer()
				if out, err := exec.Command("dd", "if="+path, "of=/dev/null", "bs=16M").CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
		b.Run("mlxgo/"+mode, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				b.StopTimer()
				prepare()
				b.StartTimer()
				m, _, err := LoadSafetensors(path)
				if err != nil {
					b.Fatal(err)
				}
				all := make([]*Array, 0, len(m))
				for _, a := range m {
					all = append(all, a)
				}
				if err := Eval(all...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// dropPageCache asks Linux to drop clean cached pages (root only).
func dropPageCache() error {
	exec.Command("sync").Run()
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0)
}
