// Command compile times mx.Compile against op-by-op evaluation, and the
// same work in PyTorch, on the same machine in one run:
//
//	go run ./bench/compile              # CPU
//	go run ./bench/compile -device gpu  # the default GPU
//	go run ./bench/compile -torch=false
//
// Two cases: gelu, x * 0.5 * (1 + erf(x / sqrt(2))), on 64M float32
// elements, and a training step (forward, ValueAndGrad, SGD update) of a
// 784-512-512-10 perceptron written with mx ops, batch 256. Each is timed
// from the call to the end of evaluation, median of the timed runs after
// warm-up runs (the first compiled call, which traces, is a warm-up run).
// PyTorch runs bench/compile/torch_bench.py: eager, and torch.compile where
// the installed PyTorch has it (else torch.jit.script, which fuses
// elementwise chains on the CPU too).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mlxgo/mlxgo/mx"
)

func main() {
	runs := flag.Int("runs", 5, "timed runs per case (the median is shown)")
	warmup := flag.Int("warmup", 2, "untimed runs before timing")
	device := flag.String("device", "cpu", "cpu or gpu")
	torch := flag.Bool("torch", true, "also time PyTorch")
	flag.Parse()
	if *device == "gpu" {
		mx.SetDefaultDevice(mx.GPU)
	}
	fmt.Printf("machine: %s, %d CPUs, %s, device %s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), *device)
	fmt.Printf("median of %d runs after %d warm-up runs\n\n", *runs, *warmup)

	x := random(1, 64<<20)
	gelu := func(in []*mx.Array) []*mx.Array {
		x := in[0]
		return []*mx.Array{mx.Multiply(mx.Multiply(x, 0.5), mx.Add(1, mx.Erf(mx.Divide(x, math.Sqrt2))))}
	}
	cgelu := mx.Compile(gelu)
	geluU := timeIt(*runs, *warmup, func() []*mx.Array { return gelu([]*mx.Array{x}) })
	geluC := timeIt(*runs, *warmup, func() []*mx.Array { return cgelu([]*mx.Array{x}) })
	x = nil

	bx, by := data(256, 784, 10)
	m := newMLP(784, 512, 10)
	mlpU := timeIt(*runs, *warmup, func() []*mx.Array { return append(m.params(), sgdStep(m, bx, by, 0.01)) })
	mc := newMLP(784, 512, 10)
	step := mx.Compile(func(in []*mx.Array) []*mx.Array {
		return []*mx.Array{sgdStep(mc, in[0], in[1], 0.01)}
	}, mx.CompileInputs(mc), mx.CompileOutputs(mc))
	mlpC := timeIt(*runs, *warmup, func() []*mx.Array { return append(mc.params(), step([]*mx.Array{bx, by})[0]) })

	var tr map[string]float64
	note := "PyTorch not run (-torch=false)"
	if *torch {
		tr, note = runTorch(*device, *runs, *warmup)
	}
	col := func(k string) string {
		if v, ok := tr[k]; ok {
			return fmtDur(time.Duration(v * float64(time.Second)))
		}
		return "-"
	}
	fmt.Printf("%-30s %11s %11s %8s %12s %12s\n", "case", "mlxgo", "compiled", "speedup", "torch eager", "torch fused")
	fmt.Printf("%-30s %11s %11s %7.2fx %12s %12s\n", "gelu 64M float32", fmtDur(geluU), fmtDur(geluC),
		geluU.Seconds()/geluC.Seconds(), col("gelu_eager"), col("gelu_fused"))
	fmt.Printf("%-30s %11s %11s %7.2fx %12s %12s\n", "MLP 784-512-512-10 SGD step", fmtDur(mlpU), fmtDur(mlpC),
		mlpU.Seconds()/mlpC.Seconds(), col("mlp_eager"), col("mlp_fused"))
	fmt.Printf("\n%s\n", note)
}

// timeIt returns the median time of f and the evaluation of its outputs.
func timeIt(runs, warmup int, f func() []*mx.Array) time.Duration {
	var times []time.Duration
	for r := range warmup + runs {
		runtime.GC()
		start := time.Now()
		if err := mx.Eval(f()...); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		if r >= warmup {
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return times[len(times)/2]
}

func random(seed uint64, shape ...int) *mx.Array {
	r := rand.New(rand.NewPCG(seed, 1))
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	a := mx.NewArray(v, shape...)
	mx.Eval(a)
	return a
}

type mlp struct{ W1, B1, W2, B2, W3, B3 *mx.Array }

func newMLP(in, hidden, out int) *mlp {
	s1, s2 := 1/math.Sqrt(float64(in)), 1/math.Sqrt(float64(hidden))
	m := &mlp{
		W1: mx.Multiply(random(1, in, hidden), s1), B1: mx.Zeros([]int{hidden}),
		W2: mx.Multiply(random(2, hidden, hidden), s2), B2: mx.Zeros([]int{hidden}),
		W3: mx.Multiply(random(3, hidden, out), s2), B3: mx.Zeros([]int{out}),
	}
	mx.Eval(m.params()...)
	return m
}

func (m *mlp) params() []*mx.Array { return []*mx.Array{m.W1, m.B1, m.W2, m.B2, m.W3, m.B3} }

func loss(p []*mx.Array, x, y *mx.Array) *mx.Array {
	h := mx.Maximum(mx.Add(mx.Matmul(x, p[0]), p[1]), 0)
	h = mx.Maximum(mx.Add(mx.Matmul(h, p[2]), p[3]), 0)
	logits := mx.Add(mx.Matmul(h, p[4]), p[5])
	return mx.Mean(mx.Subtract(mx.Logsumexp(logits, mx.Axis(-1)), mx.Sum(mx.Multiply(logits, y), mx.Axis(-1))))
}

func sgdStep(m *mlp, x, y *mx.Array, lr float64) *mx.Array {
	p := m.params()
	l, g := mx.ValueAndGrad(func(a ...*mx.Array) *mx.Array { return loss(a[:6], a[6], a[7]) },
		0, 1, 2, 3, 4, 5)(append(p, x, y)...)
	for i := range p {
		p[i] = mx.Subtract(p[i], mx.Multiply(g[i], lr))
	}
	m.W1, m.B1, m.W2, m.B2, m.W3, m.B3 = p[0], p[1], p[2], p[3], p[4], p[5]
	return l
}

func data(batch, in, out int) (x, y *mx.Array) {
	x = random(4, batch, in)
	labels := make([]float32, batch*out)
	for i := range batch {
		labels[i*out+i%out] = 1
	}
	return x, mx.NewArray(labels, batch, out)
}

// runTorch runs torch_bench.py and returns its medians in seconds by case.
func runTorch(device string, runs, warmup int) (map[string]float64, string) {
	py := ""
	for _, p := range []string{os.Getenv("MLXGO_PYTHON"), "python3", "/usr/bin/python3"} {
		if p != "" && exec.Command(p, "-c", "import torch").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		return nil, "PyTorch columns skipped: no python3 with torch found (set MLXGO_PYTHON)."
	}
	script := "bench/compile/torch_bench.py"
	if _, err := os.Stat(script); err != nil {
		script = "torch_bench.py"
	}
	dev := "cpu"
	if device == "gpu" {
		dev = "cuda"
	}
	cmd := exec.Command(py, script, "--device", dev, "--runs", fmt.Sprint(runs), "--warmup", fmt.Sprint(warmup))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Sprintf("PyTorch columns skipped: %s %s: %v", py, script, err)
	}
	var rep struct {
		Version string             `json:"torch"`
		Fused   string             `json:"fused"`
		Threads int                `json:"threads"`
		Times   map[string]float64 `json:"times"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, fmt.Sprintf("PyTorch columns skipped: %v", err)
	}
	return rep.Times, fmt.Sprintf("torch %s, %d threads; torch fused = %s", rep.Version, rep.Threads, rep.Fused)
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
