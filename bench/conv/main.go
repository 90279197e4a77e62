// Command conv times mlxgo's 3x3 ResNet convolution, forward and backward,
// and the same in PyTorch on the CPU, on the same machine in one run, and
// prints a table of both medians and their ratio:
//
//	go run ./bench/conv
//	go run ./bench/conv -runs 5 -torch=false
//	go run ./bench/conv -rounds 5   # alternate the sides, keep each one's best
//
// The layer is batch 32, 64 to 64 channels, 56x56, stride 1, padding 1,
// float32: NHWC for mlxgo, NCHW for PyTorch (each library's own layout).
// Forward is 7.4 GFLOP; backward computes the cotangents of the input and
// the weight, 14.8 GFLOP. The floor column is the time at the peak given
// with -peak (GFLOP/s on all cores; the default is the AVX-512 GEMM
// micro-kernel's rate with its operands in the L1 cache, about 145 GFLOP/s
// a core, on the 2 cores of the machine the results were taken on). Beside the wall times, each side's CPU time
// (the process's user and system time over the same runs, median) shows
// the work done, which other load on a shared machine disturbs less. PyTorch runs torch_bench.py with the first
// Python found (MLXGO_PYTHON, python3, /usr/bin/python3) that imports torch,
// with as many threads as GOMAXPROCS.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/mlxgo/mlxgo/mx"
)

const (
	batch, size, cin, cout, k = 32, 56, 64, 64, 3
	flops                     = 2.0 * batch * size * size * cin * cout * k * k
)

func main() {
	runs := flag.Int("runs", 5, "timed runs (the median is shown)")
	rounds := flag.Int("rounds", 1, "rounds of mlxgo then PyTorch; each side's best median is shown")
	warmup := flag.Int("warmup", 1, "untimed runs before timing")
	torch := flag.Bool("torch", true, "also time PyTorch")
	peak := flag.Float64("peak", 290, "the machine's peak in GFLOP/s on all cores, for the floor column")
	flag.Parse()

	rng := rand.New(rand.NewPCG(1, 2))
	randn := func(shape ...int) *mx.Array {
		n := 1
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return mx.NewArray(v, shape...)
	}
	x, w, g := randn(batch, size, size, cin), randn(cout, k, k, cin), randn(batch, size, size, cout)
	if err := mx.Eval(x, w, g); err != nil {
		fatal(err)
	}
	forward := func() []*mx.Array { return []*mx.Array{mx.Conv2d(x, w, mx.Padding(1))} }
	backward := func() []*mx.Array {
		f := func(in []*mx.Array) []*mx.Array { return []*mx.Array{mx.Conv2d(in[0], in[1], mx.Padding(1))} }
		_, vjps := mx.VJP(f, []*mx.Array{x, w}, []*mx.Array{g})
		return vjps
	}
	fmt.Printf("machine: %s, %d CPUs (GOMAXPROCS %d), %s\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("conv2d 3x3, batch %d, %d->%d channels, %dx%d, stride 1, padding 1, float32; median of %d runs, best of %d rounds\n\n",
		batch, cin, cout, size, size, *runs, max(*rounds, 1))
	// On a shared machine other work slows either side at times: the
	// sides alternate, and each keeps its best median.
	ours, oursCPU := make([]time.Duration, 2), make([]time.Duration, 2)
	theirs, theirsCPU := map[string]float64{}, map[string]float64{}
	note := "PyTorch not run (-torch=false)"
	for r := 0; r < max(*rounds, 1); r++ {
		for i, fn := range []func() []*mx.Array{forward, backward} {
			w, c := timeIt(fn, *runs, *warmup)
			if r == 0 || w < ours[i] {
				ours[i] = w
			}
			if r == 0 || c < oursCPU[i] {
				oursCPU[i] = c
			}
		}
		if !*torch {
			continue
		}
		var tw, tc map[string]float64
		tw, tc, note = runTorch(*runs, *warmup)
		for k, v := range tw {
			if old, ok := theirs[k]; !ok || v < old {
				theirs[k] = v
			}
		}
		for k, v := range tc {
			if old, ok := theirsCPU[k]; !ok || v < old {
				theirsCPU[k] = v
			}
		}
	}
	fmt.Printf("%-10s %12s %14s %12s %14s %8s %10s\n", "pass", "mlxgo", "mlxgo GFLOP/s", "torch", "torch GFLOP/s", "ratio", "floor")
	for i, name := range []string{"forward", "backward"} {
		f := flops * float64(i+1)
		tcol, tg, ratio := "-", "-", "-"
		if t, ok := theirs[name]; ok {
			tcol, tg = fmtDur(time.Duration(t*1e9)), fmt.Sprintf("%.1f", f/t/1e9)
			ratio = fmt.Sprintf("%.2f", ours[i].Seconds()/t)
		}
		floor := time.Duration(f / (*peak * 1e9) * 1e9)
		fmt.Printf("%-10s %12s %14.1f %12s %14s %8s %10s\n", name, fmtDur(ours[i]), f/ours[i].Seconds()/1e9, tcol, tg, ratio, fmtDur(floor))
	}
	fmt.Printf("\nCPU time (user+system, median; GFLOP per core-second):\n")
	fmt.Printf("%-10s %12s %14s %12s %14s %8s\n", "pass", "mlxgo", "mlxgo GF/cs", "torch", "torch GF/cs", "ratio")
	for i, name := range []string{"forward", "backward"} {
		f := flops * float64(i+1)
		tcol, tg, ratio := "-", "-", "-"
		if t, ok := theirsCPU[name]; ok && t > 0 {
			tcol, tg = fmtDur(time.Duration(t*1e9)), fmt.Sprintf("%.1f", f/t/1e9)
			ratio = fmt.Sprintf("%.2f", oursCPU[i].Seconds()/t)
		}
		fmt.Printf("%-10s %12s %14.1f %12s %14s %8s\n", name, fmtDur(oursCPU[i]), f/oursCPU[i].Seconds()/1e9, tcol, tg, ratio)
	}
	fmt.Printf("\n%s\n", note)
}

// timeIt returns the median time from building fn's graph to the end of
// its evaluation, and the median CPU time of the process over the same
// span.
func timeIt(fn func() []*mx.Array, runs, warmup int) (wall, cpu time.Duration) {
	var times, cpus []time.Duration
	for r := 0; r < warmup+runs; r++ {
		runtime.GC()
		start, c0 := time.Now(), cpuTime()
		if err := mx.Eval(fn()...); err != nil {
			fatal(err)
		}
		if r >= warmup {
			times = append(times, time.Since(start))
			cpus = append(cpus, cpuTime()-c0)
		}
	}
	slices.Sort(times)
	slices.Sort(cpus)
	return times[len(times)/2], cpus[len(cpus)/2]
}

// cpuTime returns the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runTorch times the same layer in PyTorch: median seconds by pass (wall
// and CPU time), and a note naming the version or saying why there are
// none.
func runTorch(runs, warmup int) (wall, cpu map[string]float64, note string) {
	py := ""
	var cands []string
	if p := os.Getenv("MLXGO_PYTHON"); p != "" {
		cands = append(cands, p)
	}
	for _, p := range append(cands, "python3", "/usr/bin/python3") {
		if exec.Command(p, "-c", "import torch").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		return nil, nil, "PyTorch columns skipped: no python3 with torch found (set MLXGO_PYTHON)."
	}
	req, _ := json.Marshal(map[string]int{"runs": runs, "warmup": warmup, "batch": batch, "size": size, "cin": cin, "cout": cout, "k": k,
		"threads": runtime.GOMAXPROCS(0)})
	cmd := exec.Command(py, scriptPath())
	cmd.Stdin = bytes.NewReader(req)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Sprintf("PyTorch columns skipped: %s failed: %v", py, err)
	}
	var rep struct {
		Torch   string             `json:"torch"`
		Threads int                `json:"threads"`
		Times   map[string]float64 `json:"times"`
		CPU     map[string]float64 `json:"cpu"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, nil, fmt.Sprintf("PyTorch columns skipped: cannot read the script's output: %v", err)
	}
	return rep.Times, rep.CPU, fmt.Sprintf("torch %s, %d threads (%s); ratio = mlxgo time / torch time", rep.Torch, rep.Threads, py)
}

func scriptPath() string {
	for _, p := range []string{filepath.Join("bench", "conv", "torch_bench.py"), "torch_bench.py"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join("bench", "conv", "torch_bench.py")
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "bench/conv: %v\n", err)
	os.Exit(1)
}

func fmtDur(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if name, ok := bytes.CutPrefix(line, []byte("model name")); ok {
			if _, v, ok := bytes.Cut(name, []byte(":")); ok {
				return string(bytes.TrimSpace(v))
			}
		}
	}
	return runtime.GOARCH
}
