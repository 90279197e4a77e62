// Command bench times mlxgo's ops and the same ops in NumPy, on the same
// machine in one run, and prints a table of both medians and their ratio.
//
//	go run ./bench                  # every op
//	go run ./bench -only add,matmul # some of them
//	go run ./bench -runs 20 -numpy=false
//
// Each op is timed from the call to the end of its evaluation (mx.Eval),
// after warm-up runs; the table shows the median of the timed runs. The
// previous run's output is garbage collected before each run (untimed), so
// that its memory comes from the allocator's cache as in a steady loop. NumPy
// runs bench/numpy_bench.py with the first Python found (MLXGO_PYTHON,
// python3, /usr/bin/python3) that imports numpy; without one the NumPy
// columns are left empty and a note says why.
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
	"strings"
	"time"

	"github.com/mlxgo/mlxgo/mx"
)

// benchCase is one row of the table. The NumPy script runs the op of the
// same name on inputs of the same shapes (float32, standard normal).
type benchCase struct {
	name   string  // the op's key in numpy_bench.py
	title  string  // shown in the table
	shapes [][]int // the inputs
	op     func(in []*mx.Array) *mx.Array
}

// preps turns the random inputs of some ops into their inputs, untimed
// (numpy_bench.py's PREP does the same).
var preps = map[string]func(in []*mx.Array) []*mx.Array{
	"gather_rows": rowIndices,
}

const m16 = 1 << 24

// cases lists the ops to time: adding one is one line here and one in
// numpy_bench.py's OPS table.
var cases = []benchCase{
	{"add", "add 16M float32", shapes([]int{m16}, []int{m16}), func(x []*mx.Array) *mx.Array { return mx.Add(x[0], x[1]) }},
	{"add_scalar", "add scalar 16M float32", shapes([]int{m16}), func(x []*mx.Array) *mx.Array { return mx.Add(x[0], 1) }},
	{"exp", "exp 16M float32", shapes([]int{m16}), func(x []*mx.Array) *mx.Array { return mx.Exp(x[0]) }},
	{"sum", "sum 16M float32", shapes([]int{m16}), func(x []*mx.Array) *mx.Array { return mx.Sum(x[0]) }},
	{"softmax", "softmax [4096,1024] axis -1", shapes([]int{4096, 1024}), func(x []*mx.Array) *mx.Array { return mx.Softmax(x[0], mx.Axis(-1)) }},
	{"matmul", "matmul 1024x1024 float32", shapes([]int{1024, 1024}, []int{1024, 1024}), func(x []*mx.Array) *mx.Array { return mx.Matmul(x[0], x[1]) }},
	{"add_broadcast", "add [4096,1024]+[1024]", shapes([]int{4096, 1024}, []int{1024}), func(x []*mx.Array) *mx.Array { return mx.Add(x[0], x[1]) }},
	{"gather_rows", "take 1M rows of [50000,1024]", shapes([]int{50000, 1024}, []int{1 << 20}),
		func(x []*mx.Array) *mx.Array { return mx.Take(x[0], x[1], mx.Axis(0)) }},
	{"sort", "sort 16M float32", shapes([]int{m16}), func(x []*mx.Array) *mx.Array { return mx.Sort(x[0]) }},
	{"argsort", "argsort 16M float32", shapes([]int{m16}), func(x []*mx.Array) *mx.Array { return mx.Argsort(x[0]) }},
	{"sort_rows", "sort [4096,4096] axis -1", shapes([]int{4096, 4096}), func(x []*mx.Array) *mx.Array { return mx.Sort(x[0]) }},
	{"cumsum", "cumsum 16M float32", shapes([]int{m16}), func(x []*mx.Array) *mx.Array { return mx.Cumsum(x[0]) }},
}

// rowIndices makes the second input int32 row indices in [0, 50000).
func rowIndices(in []*mx.Array) []*mx.Array {
	idx := mx.Remainder(mx.Floor(mx.Multiply(mx.Abs(in[1]), 1e6)), 50000)
	return []*mx.Array{in[0], mx.AsType(idx, mx.Int32)}
}

func shapes(s ...[]int) [][]int { return s }

func main() {
	runs := flag.Int("runs", 10, "timed runs per op (the median is shown)")
	warmup := flag.Int("warmup", 2, "untimed runs per op before timing")
	only := flag.String("only", "", "comma-separated op names to run (default: all)")
	numpy := flag.Bool("numpy", true, "also time NumPy")
	flag.Parse()

	sel := cases
	if *only != "" {
		want := strings.Split(*only, ",")
		sel = nil
		for _, c := range cases {
			if slices.Contains(want, c.name) {
				sel = append(sel, c)
			}
		}
		if len(sel) == 0 {
			fmt.Fprintf(os.Stderr, "bench: no op named %q; have %s\n", *only, strings.Join(names(cases), ", "))
			os.Exit(2)
		}
	}

	fmt.Printf("machine: %s, %s/%s, %d CPUs (GOMAXPROCS %d), %s\n",
		cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("median of %d runs after %d warm-up runs; ratio = mlxgo time / numpy time (below 1: mlxgo is faster)\n\n", *runs, *warmup)

	ours := make([]time.Duration, len(sel))
	for i, c := range sel {
		ours[i] = timeOp(c, *runs, *warmup)
	}
	var theirs, torch map[string]float64
	var note string
	if *numpy {
		theirs, torch, note = runNumPy(sel, *runs, *warmup)
	} else {
		note = "NumPy not run (-numpy=false)"
	}

	fmt.Printf("%-28s %12s %12s %8s", "op", "mlxgo", "numpy", "ratio")
	if len(torch) > 0 {
		fmt.Printf(" %12s %8s", "torch", "ratio")
	}
	fmt.Println()
	for i, c := range sel {
		np, npCol, ratio := 0.0, "-", "-"
		if t, ok := theirs[c.name]; ok {
			np = t
			npCol = fmtDur(time.Duration(t * float64(time.Second)))
			ratio = fmt.Sprintf("%.2f", ours[i].Seconds()/np)
		}
		fmt.Printf("%-28s %12s %12s %8s", c.title, fmtDur(ours[i]), npCol, ratio)
		if len(torch) > 0 {
			tCol, tRatio := "-", "-"
			if t, ok := torch[c.name]; ok {
				tCol = fmtDur(time.Duration(t * float64(time.Second)))
				tRatio = fmt.Sprintf("%.2f", ours[i].Seconds()/t)
			}
			fmt.Printf(" %12s %8s", tCol, tRatio)
		}
		fmt.Println()
	}
	if note != "" {
		fmt.Printf("\n%s\n", note)
	}
}

func names(cs []benchCase) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.name)
	}
	return out
}

// timeOp returns the median time of c's op, inputs made and evaluated
// beforehand.
func timeOp(c benchCase, runs, warmup int) time.Duration {
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([]*mx.Array, len(c.shapes))
	for i, sh := range c.shapes {
		n := 1
		for _, d := range sh {
			n *= d
		}
		data := make([]float32, n)
		for j := range data {
			data[j] = float32(rng.NormFloat64())
		}
		in[i] = mx.NewArray(data, sh...)
	}
	if prep := preps[c.name]; prep != nil {
		in = prep(in)
	}
	if err := mx.Eval(in...); err != nil {
		fatal(c.name, err)
	}
	times := make([]time.Duration, 0, runs)
	for r := 0; r < warmup+runs; r++ {
		// Release the last run's output so that the allocator's cache
		// serves this one, as it does in a steady loop.
		runtime.GC()
		start := time.Now()
		out := c.op(in)
		if err := mx.Eval(out); err != nil {
			fatal(c.name, err)
		}
		if r >= warmup {
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return times[len(times)/2]
}

func fatal(op string, err error) {
	fmt.Fprintf(os.Stderr, "bench: %s: %v\n", op, err)
	os.Exit(1)
}

// numpyRequest is what numpy_bench.py reads on its standard input.
type numpyRequest struct {
	Runs   int         `json:"runs"`
	Warmup int         `json:"warmup"`
	Ops    []numpyCase `json:"ops"`
}

type numpyCase struct {
	Name   string  `json:"name"`
	Shapes [][]int `json:"shapes"`
}

// numpyReply is what numpy_bench.py prints: median seconds per op name,
// and PyTorch's (CPU) for the ops it has a PyTorch form of, when the same
// Python imports torch.
type numpyReply struct {
	Version      string             `json:"numpy"`
	Times        map[string]float64 `json:"times"`
	Missing      []string           `json:"missing"`
	TorchVersion string             `json:"torch"`
	TorchTimes   map[string]float64 `json:"torch_times"`
}

// runNumPy times cs in NumPy (and PyTorch, where the script can) and
// returns the medians in seconds by op name, and a note for the reader (the
// versions, or why there are no times).
func runNumPy(cs []benchCase, runs, warmup int) (numpy, torch map[string]float64, note string) {
	py := findPython()
	if py == "" {
		return nil, nil, "NumPy columns skipped: no python3 with numpy found (set MLXGO_PYTHON)."
	}
	req := numpyRequest{Runs: runs, Warmup: warmup}
	for _, c := range cs {
		req.Ops = append(req.Ops, numpyCase{c.name, c.shapes})
	}
	body, _ := json.Marshal(req)
	cmd := exec.Command(py, scriptPath())
	cmd.Stdin = bytes.NewReader(body)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Sprintf("NumPy columns skipped: %s %s failed: %v", py, scriptPath(), err)
	}
	var rep numpyReply
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, nil, fmt.Sprintf("NumPy columns skipped: cannot read the script's output: %v", err)
	}
	note = fmt.Sprintf("numpy %s (%s)", rep.Version, py)
	if rep.TorchVersion != "" {
		note += fmt.Sprintf("; torch %s (CPU, %d threads)", rep.TorchVersion, runtime.NumCPU())
	}
	if len(rep.Missing) > 0 {
		note += "; not in numpy_bench.py: " + strings.Join(rep.Missing, ", ")
	}
	return rep.Times, rep.TorchTimes, note
}

// findPython returns the first Python that imports numpy, or "".
func findPython() string {
	var cands []string
	if p := os.Getenv("MLXGO_PYTHON"); p != "" {
		cands = append(cands, p)
	}
	cands = append(cands, "python3", "/usr/bin/python3")
	for _, p := range cands {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	return ""
}

// scriptPath finds numpy_bench.py beside this file's package: under bench/
// of the working directory (go run ./bench from the repository root) or in
// the working directory itself.
func scriptPath() string {
	for _, p := range []string{filepath.Join("bench", "numpy_bench.py"), "numpy_bench.py"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join("bench", "numpy_bench.py")
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

// cpuModel returns the CPU's name from /proc/cpuinfo where there is one.
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
