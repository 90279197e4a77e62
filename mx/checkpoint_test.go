package mx

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// mlp is a multilayer perceptron on a batch of float32 rows: layer i maps
// h to tanh(h @ w_i + b_i).
type mlp struct {
	x      *Array
	params []*Array // w_i and b_i for each layer i
}

func newMLP(layers, width, batch int) mlp {
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(scale float64, shape ...int) *Array {
		return AsType(randArray(r, -scale, scale, shape...), Float32)
	}
	n := mlp{x: rnd(1, batch, width)}
	s := math.Sqrt(3 / float64(width)) // keeps the rows' variance
	for i := 0; i < layers; i++ {
		n.params = append(n.params, rnd(2*s, width, width), rnd(0.5, width))
	}
	if err := Eval(append(n.params, n.x)...); err != nil {
		panic(err)
	}
	return n
}

func mlpLayer(in []*Array) []*Array {
	x, w, b := in[0], in[1], in[2]
	return []*Array{Tanh(Add(Matmul(x, w), b))}
}

// grads returns the loss and its lazy gradients with respect to every
// parameter, first layer first.
func (n mlp) grads(checkpoint bool) (*Array, []*Array) {
	layer := mlpLayer
	if checkpoint {
		layer = Checkpoint(mlpLayer)
	}
	argnums := make([]int, len(n.params))
	for i := range argnums {
		argnums[i] = i
	}
	return ValueAndGrad(func(p ...*Array) *Array {
		h := n.x
		for i := 0; i < len(p); i += 2 {
			h = layer([]*Array{h, p[i], p[i+1]})[0]
		}
		return Mean(Square(h))
	}, argnums...)(n.params...)
}

// TestCheckpointMemory computes the gradient of a 20-layer MLP (width 256,
// batch 1024, float32: 1 MiB per activation) with and without
// checkpointing each layer, and compares the memory each needs.
//
// What it measures. Buffers return to the allocator when the garbage
// collector finds their arrays unreachable, so GetPeakMemory counts, beside
// the live arrays, the garbage the collector has not reached yet: left to
// its own pacing (and the allocator's collection every 64 MiB) that is most
// of the peak here (about 105 MiB without checkpointing and 90 MiB with).
// The test therefore measures three things:
//   - the memory the pending backward pass keeps alive once the forward
//     pass is done, with the collector settled;
//   - the smallest memory limit under which the whole gradient evaluates
//     (found by search, to 1 MiB): the limit makes the allocator collect
//     garbage before it fails, so this is the most memory live at once;
//   - GetPeakMemory while the collector runs eagerly (SetGCPercent(5) and
//     no cache, so that every buffer is new heap memory that paces it):
//     the garbage then adds 5 to 12 MiB to the live memory.
//
// What it finds. Without checkpointing the backward pass keeps two arrays
// per layer (the layer's input, for the weight's gradient, and tanh's
// input: 40 MiB); with it, one (the layer's input: 20 MiB). The limits
// needed are 2 MiB more (42 and 22 MiB) and the peaks about 50 and 31 MiB.
// The gradients are evaluated first layer first, as ValueAndGrad returns
// them; Eval starts from the shallowest of the arrays it is given (see
// scheduleOrder in eval.go), so that order costs nothing.
func TestCheckpointMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("computes a 20-layer gradient a dozen times")
	}
	// The saving is a property of the graph; it is measured on the CPU,
	// whose allocator the collector paces finely (GC percent, no cache),
	// whatever the default device.
	defer SetDefaultDevice(DefaultDevice())
	SetDefaultDevice(CPU)
	net := newMLP(20, 256, 1024)
	type result struct {
		kept, peak, need int64
		grads            [][]float32
	}
	measure := func(checkpoint bool) result {
		var r result
		// Kept after the forward pass, and the peak with eager collection.
		ClearCache()
		oldCache := SetCacheLimit(0)
		oldGC := debug.SetGCPercent(5)
		base := settledActive()
		ResetPeakMemory()
		v, g := net.grads(checkpoint)
		err := Eval(v)
		r.kept = settledActive() - base
		if err == nil {
			err = Eval(g...)
		}
		r.peak = GetPeakMemory() - base
		debug.SetGCPercent(oldGC)
		SetCacheLimit(oldCache)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range g {
			r.grads = append(r.grads, ToSlice[float32](x))
		}
		v, g = nil, nil

		// The smallest limit under which the gradient evaluates, to 1 MiB.
		// It is more than what is kept after the forward pass (the first
		// cotangent is made while all of that is alive), and usually a few
		// MiB more: search upwards from there in growing steps, then
		// bisect. (The peak above is enough: what is live never exceeds it.)
		fits := func(limit int64) bool {
			ClearCache()
			base := settledActive()
			old := SetMemoryLimit(base + limit)
			defer SetMemoryLimit(old)
			v, g := net.grads(checkpoint)
			err := Eval(append(g, v)...)
			var oom *core.OutOfMemoryError
			if err != nil && !errors.As(err, &oom) {
				t.Fatal(err)
			}
			return err == nil
		}
		const mib = 1 << 20
		lo, hi, tried := r.kept, r.peak, false
		for step := int64(mib); lo+step < hi; step *= 2 {
			if fits(lo + step) {
				hi, tried = lo+step, true
				break
			}
			lo += step
		}
		for hi-lo > mib {
			if mid := (lo + hi) / 2; fits(mid) {
				hi, tried = mid, true
			} else {
				lo = mid
			}
		}
		if !tried && !fits(hi) {
			t.Fatalf("checkpoint %v: the gradient does not evaluate under a limit of its peak, %d bytes", checkpoint, hi)
		}
		r.need = hi
		t.Logf("checkpoint %-5v: kept after the forward pass %6d KiB, needs a limit of %6d KiB, peak %6d KiB",
			checkpoint, r.kept>>10, r.need>>10, r.peak>>10)
		return r
	}
	plain := measure(false)
	ck := measure(true)
	for i := range plain.grads {
		if !closeSlices(f64(ck.grads[i]), f64(plain.grads[i]), 1e-6) {
			t.Fatalf("gradient %d differs with checkpointing", i)
		}
	}
	// Ideally 20 MiB against 40, 22 against 42, and the peaks 20 MiB apart.
	if ck.kept*5 > plain.kept*3 {
		t.Errorf("checkpointing keeps %d bytes for the backward pass, more than 3/5 of %d", ck.kept, plain.kept)
	}
	if ck.need*4 > plain.need*3 {
		t.Errorf("checkpointing needs a limit of %d bytes, more than 3/4 of %d", ck.need, plain.need)
	}
	if ck.peak*10 > plain.peak*9 {
		t.Errorf("checkpointing peaks at %d bytes, more than 9/10 of %d", ck.peak, plain.peak)
	}
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func TestCheckpointGrad(t *testing.T) {
	// Gradients, second derivatives and vmap through a checkpointed block
	// match those of the block itself.
	net := newMLP(2, 4, 3)
	v0, g0 := net.grads(false)
	v1, g1 := net.grads(true)
	if Item[float32](v0) != Item[float32](v1) {
		t.Fatalf("values %v %v", Item[float32](v0), Item[float32](v1))
	}
	for i := range g0 {
		if !closeSlices(f64(ToSlice[float32](g1[i])), f64(ToSlice[float32](g0[i])), 1e-6) {
			t.Fatalf("gradient %d: %v, want %v", i, ToSlice[float32](g1[i]), ToSlice[float32](g0[i]))
		}
	}
	sq := Checkpoint(func(in []*Array) []*Array { return []*Array{Multiply(Sin(in[0]), in[0])} })
	x := NewArray([]float64{0.5, 1, 2})
	d2 := Grad(func(x *Array) *Array {
		return Sum(Grad(func(x *Array) *Array { return Sum(sq([]*Array{x})[0]) })(x))
	})(x)
	// (x sin x)'' = 2cos x - x sin x.
	want := mapF([]float64{0.5, 1, 2}, func(x float64) float64 { return 2*math.Cos(x) - x*math.Sin(x) })
	if got := ToSlice[float64](d2); !closeSlices(got, want, 1e-12) {
		t.Fatalf("second derivative %v, want %v", got, want)
	}
}

// orderPrim copies its input and records when its kernel runs.
type orderPrim struct {
	name string
	log  *[]string
}

func (p orderPrim) Name() string { return "Order" }

func (p orderPrim) Eval(s Stream, in, out []*Array) error {
	*p.log = append(*p.log, p.name)
	return copyPrim{}.Eval(s, in, out)
}

func TestDependsOrdersEvaluation(t *testing.T) {
	for _, dep := range []bool{false, true} {
		var log []string
		x := NewArray([]float32{1, 2})
		z := newArray(orderPrim{"z", &log}, DefaultStream(), []*Array{x}, x.shape, x.dtype)
		in := x
		if dep {
			in = depends([]*Array{x}, []*Array{z})[0]
		}
		y := newArray(orderPrim{"y", &log}, DefaultStream(), []*Array{in}, x.shape, x.dtype)
		if err := Eval(y, z); err != nil {
			t.Fatal(err)
		}
		want := []string{"y", "z"}
		if dep {
			want = []string{"z", "y"}
		}
		if !slices.Equal(log, want) {
			t.Errorf("depends %v: ran %v, want %v", dep, log, want)
		}
		if got := ToSlice[float32](y); !slices.Equal(got, []float32{1, 2}) {
			t.Errorf("y = %v", got)
		}
	}
}
