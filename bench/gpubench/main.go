// Command gpubench times mlxgo's ops on a GPU and the same ops in PyTorch
// on the same card, in one run, and prints both numbers and their ratio.
//
//	go run ./bench/gpubench                    # every case
//	go run ./bench/gpubench -only add,matmul_bf16
//
// A run makes -batch calls of the op back to back on the same inputs and
// waits for them: mlxgo evaluates the batch's results with one mx.Eval,
// which waits for the GPU; PyTorch (bench/torch_bench.py, run with
// -python) makes the calls and then torch.cuda.synchronize(). A figure is
// the median over -runs runs (after -warmup runs) of a run's time divided
// by -batch: the time per call in a steady stream of calls, the rate that
// memory bandwidth is about. -batch 1 times single calls, host overhead
// and all. Without a GPU it says so and exits.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mlxgo/mlxgo/mx"
	"github.com/mlxgo/mlxgo/mx/random"
)

// gpuCase is one row: inputs of shapes and dtype, an op, and how to turn
// a time into the figure of merit (bytes moved or flops done).
type gpuCase struct {
	name   string
	title  string
	dtype  mx.Dtype
	shapes [][]int
	op     func(in []*mx.Array) *mx.Array
	bytes  float64 // memory traffic of one run, for GB/s
	flops  float64 // work of one run, for TFLOP/s
	small  bool    // the per-op overhead case: times one op, in µs
	// prep turns the random inputs into the op's (untimed).
	prep func(in []*mx.Array) []*mx.Array
}

// rowIndices makes the second input int32 row indices in [0, 50000), as
// torch_bench.py does.
func rowIndices(in []*mx.Array) []*mx.Array {
	idx := mx.Remainder(mx.Floor(mx.Multiply(mx.Abs(in[1]), 1e6)), 50000)
	return []*mx.Array{in[0], mx.AsType(idx, mx.Int32)}
}

var compiledGelu = mx.Compile(func(x []*mx.Array) []*mx.Array { return []*mx.Array{gelu(x[0])} })

// convBackward is the gradient of sum(conv2d(x, w) * cot) for x and w.
func convBackward(x []*mx.Array) *mx.Array {
	f := func(in []*mx.Array) []*mx.Array { return []*mx.Array{mx.Conv2d(in[0], in[1], mx.Padding(1))} }
	_, g := mx.VJP(f, []*mx.Array{x[0], x[1]}, []*mx.Array{x[2]})
	mx.Eval(g...)
	return g[0]
}

const m256 = 1 << 28

func gelu(x *mx.Array) *mx.Array {
	return mx.Multiply(mx.Multiply(x, 0.5), mx.Add(mx.Erf(mx.Divide(x, 1.4142135623730951)), 1))
}

var cases = []gpuCase{
	// PyTorch's clone gives the card's copy bandwidth, the yardstick of
	// the memory-bound rows.
	{name: "copy", title: "copy 256M float32 (PyTorch clone: the card's copy bandwidth)", dtype: mx.Float32, shapes: [][]int{{m256}},
		bytes: 2 * 4 * m256},
	{name: "add", title: "add 256M float32", dtype: mx.Float32, shapes: [][]int{{m256}, {m256}},
		op: func(x []*mx.Array) *mx.Array { return mx.Add(x[0], x[1]) }, bytes: 3 * 4 * m256},
	{name: "sum", title: "sum 256M float32", dtype: mx.Float32, shapes: [][]int{{m256}},
		op: func(x []*mx.Array) *mx.Array { return mx.Sum(x[0]) }, bytes: 4 * m256},
	{name: "softmax", title: "softmax [4096,32768] float32, last axis", dtype: mx.Float32, shapes: [][]int{{4096, 32768}},
		op: func(x []*mx.Array) *mx.Array { return mx.Softmax(x[0], mx.Axis(-1)) }, bytes: 2 * 4 * 4096 * 32768},
	{name: "matmul_bf16", title: "matmul 8192^3 bfloat16", dtype: mx.Bfloat16, shapes: [][]int{{8192, 8192}, {8192, 8192}},
		op: func(x []*mx.Array) *mx.Array { return mx.Matmul(x[0], x[1]) }, flops: 2 * 8192 * 8192 * 8192},
	{name: "matmul_f32", title: "matmul 8192^3 float32", dtype: mx.Float32, shapes: [][]int{{8192, 8192}, {8192, 8192}},
		op: func(x []*mx.Array) *mx.Array { return mx.Matmul(x[0], x[1]) }, flops: 2 * 8192 * 8192 * 8192},
	{name: "gelu", title: "gelu 64M float32, uncompiled", dtype: mx.Float32, shapes: [][]int{{1 << 26}},
		op: func(x []*mx.Array) *mx.Array { return gelu(x[0]) }, bytes: 2 * 4 * (1 << 26)},
	{name: "gelu_compiled", title: "gelu 64M float32, compiled", dtype: mx.Float32, shapes: [][]int{{1 << 26}},
		op: func(x []*mx.Array) *mx.Array { return compiledGelu(x)[0] }, bytes: 2 * 4 * (1 << 26)},
	{name: "sort", title: "sort 16M float32", dtype: mx.Float32, shapes: [][]int{{1 << 24}},
		op: func(x []*mx.Array) *mx.Array { return mx.Sort(x[0]) }, bytes: 2 * 4 * (1 << 24)},
	{name: "gather_rows", title: "take 1M rows of [50000,1024] float32", dtype: mx.Float32, shapes: [][]int{{50000, 1024}, {1 << 20}},
		op: func(x []*mx.Array) *mx.Array { return mx.Take(x[0], x[1], mx.Axis(0)) }, bytes: 2 * 4 * 1024 * (1 << 20), prep: rowIndices},
	{name: "conv_fwd", title: "conv2d 3x3 [32,56,56,64]->64 float32, forward", dtype: mx.Float32, shapes: [][]int{{32, 56, 56, 64}, {64, 3, 3, 64}},
		op: func(x []*mx.Array) *mx.Array { return mx.Conv2d(x[0], x[1], mx.Padding(1)) }, flops: 2 * 32 * 56 * 56 * 64 * 64 * 9},
	{name: "conv_bwd", title: "conv2d 3x3 same, backward (input and weight)", dtype: mx.Float32, shapes: [][]int{{32, 56, 56, 64}, {64, 3, 3, 64}, {32, 56, 56, 64}},
		op: convBackward, flops: 2 * 2 * 32 * 56 * 56 * 64 * 64 * 9},
	{name: "small_op", title: "a = a + b, 1 element, eval every 100 ops (per op)", dtype: mx.Float32, shapes: [][]int{{1}, {1}}, small: true},
}

func main() {
	runs := flag.Int("runs", 10, "timed runs per case (the median is shown)")
	warmup := flag.Int("warmup", 3, "untimed runs per case")
	batch := flag.Int("batch", 10, "calls per timed run")
	only := flag.String("only", "", "comma-separated case names (default: all)")
	python := flag.String("python", "python3", "the Python with torch to time PyTorch with; empty: skip PyTorch")
	flag.Parse()
	if !mx.IsAvailable(mx.GPU) {
		_, err := mx.GetDeviceInfo(mx.GPU)
		fmt.Fprintln(os.Stderr, "gpubench: no GPU:", err)
		os.Exit(1)
	}
	info, _ := mx.GetDeviceInfo(mx.GPU)
	mx.SetDefaultDevice(mx.GPU)
	sel := cases
	if *only != "" {
		want := strings.Split(*only, ",")
		sel = nil
		for _, c := range cases {
			if slices.Contains(want, c.name) {
				sel = append(sel, c)
			}
		}
	}
	ours := map[string]float64{}
	for _, c := range sel {
		if c.op != nil || c.small {
			ours[c.name] = timeCase(c, *runs, *warmup, *batch)
		}
	}
	theirs, torchVersion, note := torchTimes(*python, sel, *runs, *warmup, *batch)
	fmt.Printf("card: %s (compute capability %s, driver %s), mlxgo with NVRTC %s; PyTorch %s; %d calls per run\n",
		info.Name, info.ComputeCapability, info.DriverVersion, info.NVRTCVersion, torchVersion, *batch)
	if note != "" {
		fmt.Println("note:", note)
	}
	fmt.Printf("| %-52s | %-22s | %-22s | %s |\n", "case", "mlxgo", "PyTorch", "mlxgo/PyTorch time")
	fmt.Printf("|%s|%s|%s|%s|\n", strings.Repeat("-", 54), strings.Repeat("-", 24), strings.Repeat("-", 24), strings.Repeat("-", 20))
	for _, c := range sel {
		t, p := ours[c.name], theirs[c.name]
		ratio := "-"
		if p > 0 {
			ratio = fmt.Sprintf("%.2f", t/p)
		}
		fmt.Printf("| %-52s | %-22s | %-22s | %s |\n", c.title, figure(c, t), figure(c, p), ratio)
	}
}

// figure shows a time with its rate.
func figure(c gpuCase, t float64) string {
	switch {
	case t <= 0:
		return "-"
	case c.small:
		return fmt.Sprintf("%.2f µs/op", t*1e6)
	case c.flops > 0:
		return fmt.Sprintf("%.3f ms, %.0f TFLOP/s", t*1e3, c.flops/t/1e12)
	default:
		return fmt.Sprintf("%.3f ms, %.0f GB/s", t*1e3, c.bytes/t/1e9)
	}
}

func inputs(c gpuCase) []*mx.Array {
	var in []*mx.Array
	for i, s := range c.shapes {
		x := mx.AsType(random.Normal(0, 1, s, mx.WithKey(random.Key(uint64(i))), mx.GPU), c.dtype)
		mx.Eval(x)
		in = append(in, x)
	}
	if c.prep != nil {
		in = c.prep(in)
		mx.Eval(in...)
	}
	return in
}

// timeCase returns the median seconds of one call of c, over runs of batch
// calls.
func timeCase(c gpuCase, runs, warmup, batch int) float64 {
	in := inputs(c)
	var times []float64
	for r := 0; r < warmup+runs; r++ {
		// Free the previous run's output, untimed, so that this run's
		// memory comes from the allocator's cache as in a steady loop:
		// buffers return when the collector finds them unreachable, and
		// the cleanups that return them run just after a collection.
		cached := mx.GetCacheMemory()
		runtime.GC()
		for i := 0; i < 100000 && r > 0 && mx.GetCacheMemory() == cached; i++ {
			runtime.Gosched()
		}
		start := time.Now()
		if c.small {
			a := in[0]
			for i := 0; i < 1000; i++ {
				a = mx.Add(a, in[1])
				if i%100 == 99 {
					mx.Eval(a)
				}
			}
		} else {
			outs := make([]*mx.Array, batch)
			for i := range outs {
				outs[i] = c.op(in)
			}
			if err := mx.Eval(outs...); err != nil {
				fmt.Fprintf(os.Stderr, "gpubench: %s: %v\n", c.name, err)
				return 0
			}
		}
		t := time.Since(start).Seconds()
		if c.small {
			t /= 1000
		} else {
			t /= float64(batch)
		}
		if r >= warmup {
			times = append(times, t)
		}
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// torchTimes runs bench/torch_bench.py on the same cases.
func torchTimes(python string, sel []gpuCase, runs, warmup, batch int) (map[string]float64, string, string) {
	if python == "" {
		return nil, "-", "PyTorch not run (-python empty)"
	}
	script := findScript()
	type op struct {
		Name   string  `json:"name"`
		Dtype  string  `json:"dtype"`
		Shapes [][]int `json:"shapes"`
	}
	req := struct {
		Runs   int  `json:"runs"`
		Warmup int  `json:"warmup"`
		Batch  int  `json:"batch"`
		Ops    []op `json:"ops"`
	}{Runs: runs, Warmup: warmup, Batch: batch}
	for _, c := range sel {
		req.Ops = append(req.Ops, op{c.name, c.dtype.String(), c.shapes})
	}
	body, _ := json.Marshal(req)
	cmd := exec.Command(python, script)
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, "-", fmt.Sprintf("PyTorch not run: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var res struct {
		Torch string             `json:"torch"`
		Times map[string]float64 `json:"times"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, "-", fmt.Sprintf("PyTorch output unreadable: %v", err)
	}
	return res.Times, res.Torch, ""
}

// findScript locates torch_bench.py beside this program's source or binary.
func findScript() string {
	for _, p := range []string{filepath.Join(filepath.Dir(os.Args[0]), "torch_bench.py"), "bench/torch_bench.py"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "bench/torch_bench.py"
}
