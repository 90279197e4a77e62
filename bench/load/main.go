// Command load times loading and evaluating a 2 GB safetensors file with
// mlxgo against reading the same file with dd, on the same machine in one
// run: from the page cache (warm) and, when run as root on Linux, from
// disk (cold, after dropping the page cache). Each mlxgo run is a fresh
// process, as a program loading a checkpoint is, and is timed from the
// call to LoadSafetensors to the end of Eval; dd is timed around the
// whole command. Runs alternate between the two, and the table shows the
// median of each.
//
//	go run ./bench/load [-runs 5] [-file /tmp/mlxgo-load-2g.safetensors]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlxgo/mlxgo/mx"
)

func main() {
	file := flag.String("file", filepath.Join(os.TempDir(), "mlxgo-load-2g.safetensors"), "the file to make and read")
	runs := flag.Int("runs", 5, "runs of each reader and mode")
	child := flag.Bool("child", false, "load the file once and print the seconds taken")
	flag.Parse()
	if *child {
		fmt.Println(loadOnce(*file))
		return
	}
	if _, err := os.Stat(*file); err != nil {
		makeFile(*file)
	}
	st, err := os.Stat(*file)
	check(err)
	gb := float64(st.Size()) / 1e9
	self, err := os.Executable()
	check(err)
	fmt.Printf("| read | mode | median time | GB/s | ratio to dd |\n|---|---|---:|---:|---:|\n")
	for _, mode := range []string{"warm", "cold"} {
		if mode == "cold" && dropCache() != nil {
			fmt.Println("(cannot drop the page cache: no cold runs)")
			continue
		}
		var dd, mlx []float64
		for range *runs {
			prepare(mode, *file)
			t0 := time.Now()
			out, err := exec.Command("dd", "if="+*file, "of=/dev/null", "bs=16M").CombinedOutput()
			if err != nil {
				check(fmt.Errorf("dd: %v: %s", err, out))
			}
			dd = append(dd, time.Since(t0).Seconds())
			prepare(mode, *file)
			out, err = exec.Command(self, "-child", "-file", *file).Output()
			check(err)
			s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
			check(err)
			mlx = append(mlx, s)
		}
		d, m := median(dd), median(mlx)
		fmt.Printf("| dd bs=16M | %s | %.3f s | %.2f | 1.00 |\n", mode, d, gb/d)
		fmt.Printf("| mlxgo LoadSafetensors + Eval | %s | %.3f s | %.2f | %.2f |\n", mode, m, gb/m, d/m)
	}
}

// loadOnce loads and evaluates every tensor of file and returns the seconds taken.
func loadOnce(file string) float64 {
	t0 := time.Now()
	m, _, err := mx.LoadSafetensors(file)
	check(err)
	all := make([]*mx.Array, 0, len(m))
	for _, a := range m {
		all = append(all, a)
	}
	check(mx.Eval(all...))
	return time.Since(t0).Seconds()
}

// makeFile writes 8 float32 tensors of 256 MiB.
func makeFile(file string) {
	arrays := map[string]*mx.Array{}
	for i := range 8 {
		arrays[fmt.Sprintf("layers.%d.weight", i)] = mx.Full([]int{64 << 20}, float32(i))
	}
	check(mx.SaveSafetensors(file, arrays, nil))
}

func prepare(mode, file string) {
	if mode == "cold" {
		check(dropCache())
		return
	}
	f, err := os.Open(file)
	check(err)
	buf := make([]byte, 16<<20)
	for {
		if _, err := f.Read(buf); err != nil {
			break
		}
	}
	f.Close()
}

func dropCache() error {
	exec.Command("sync").Run()
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}
