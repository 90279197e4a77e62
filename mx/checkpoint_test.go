package mx

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

// deepNet is a network of blocks of width 512 on a batch of 256 float32
// rows; block i maps h to tanh(h*w1+b1) * sigmoid(h*w2+b2) with its four
// weight vectors. (The blocks are elementwise: what matters here is how
// many arrays each block's backward pass needs, which is four of the
// block's size.)
type deepNet struct {
	x      *Array
	params []*Array // four per block
}

func newDeepNet(blocks, width, batch int) deepNet {
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(shape ...int) *Array { return AsType(randArray(r, -1, 1, shape...), Float32) }
	n := deepNet{x: rnd(batch, width)}
	for i := 0; i < blocks; i++ {
		n.params = append(n.params, rnd(width), rnd(width), rnd(width), rnd(width))
	}
	if err := Eval(append(n.params, n.x)...); err != nil {
		panic(err)
	}
	return n
}

func deepBlock(in []*Array) []*Array {
	x, w1, b1, w2, b2 := in[0], in[1], in[2], in[3], in[4]
	return []*Array{Multiply(Tanh(Add(Multiply(x, w1), b1)), Sigmoid(Add(Multiply(x, w2), b2)))}
}

// grads returns the loss and its lazy gradients with respect to every
// weight, last block first: the order in which the backward pass produces
// them (see TestCheckpointMemory).
func (n deepNet) grads(checkpoint bool) (*Array, []*Array) {
	block := deepBlock
	if checkpoint {
		block = Checkpoint(deepBlock)
	}
	argnums := make([]int, len(n.params))
	for i := range argnums {
		argnums[i] = i
	}
	v, g := ValueAndGrad(func(p ...*Array) *Array {
		h := n.x
		for i := 0; i < len(p)/4; i++ {
			h = block(append([]*Array{h}, p[4*i:4*i+4]...))[0]
		}
		return Mean(Square(h))
	}, argnums...)(n.params...)
	slices.Reverse(g)
	return v, g
}

// TestCheckpointMemory computes the gradient of a 20-block network with
// and without checkpointing each block.
//
// What it measures. Buffers return to the allocator when the garbage
// collector finds their arrays unreachable, so the peak seen during an
// evaluation includes whatever garbage the collector has not reached yet;
// how much depends on its pacing, not on the graph (here, without a limit,
// the peak is 90 to 125 MiB with or without checkpointing, most of it
// garbage awaiting a collection). The test therefore
// measures two things that do not: the memory the pending backward pass
// keeps alive once the forward pass is done (after the collector has
// settled), and whether the whole gradient can be computed under a memory
// limit, which makes the allocator collect garbage before it fails.
//
// What it finds. Without checkpointing the backward pass keeps four arrays
// per block (the block's input, tanh's input and both factors of the
// product: 20 x 4 x 512 KiB = 40 MiB); with it, one (the block's input:
// 10 MiB), and the checkpointed gradient is computed under a limit of half
// the first figure (it needs about 14 MiB; without checkpointing about
// 43 MiB). The order in which gradients are evaluated matters: the
// scheduler orders the graph depth-first from the arrays in the order
// given, so evaluating the first block's gradient first computes the
// cotangents of every block before any block's weight gradients, which
// then keep them (and the recomputed activations) alive; with or without
// checkpointing the gradient then needs about 53 MiB. Evaluating the last
// block's gradients first follows the backward pass and frees each block's
// arrays as it goes.
func TestCheckpointMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("computes a 20-block gradient three times")
	}
	net := newDeepNet(20, 512, 256)
	ClearCache()
	base := settledActive()

	// Without checkpointing: what the backward pass keeps after the
	// forward pass.
	v, g := net.grads(false)
	if err := Eval(v); err != nil {
		t.Fatal(err)
	}
	plainKept := settledActive() - base
	if err := Eval(g...); err != nil {
		t.Fatal(err)
	}
	want := make([][]float32, len(g))
	for i := range g {
		want[i] = ToSlice[float32](g[i])
	}
	v, g = nil, nil

	// With checkpointing.
	ClearCache()
	base = settledActive()
	v, g = net.grads(true)
	if err := Eval(v); err != nil {
		t.Fatal(err)
	}
	ckKept := settledActive() - base
	for i := range g { // (which also keeps g alive while the above settles)
		if !closeSlices(f64(ToSlice[float32](g[i])), f64(want[i]), 1e-6) {
			t.Fatalf("gradient %d differs with checkpointing", i)
		}
	}
	t.Logf("kept for the backward pass: %d KiB without checkpointing, %d KiB with", plainKept>>10, ckKept>>10)
	if ckKept*3 > plainKept {
		t.Errorf("checkpointing keeps %d bytes for the backward pass, more than a third of %d", ckKept, plainKept)
	}
	v, g = nil, nil

	// The whole gradient under a limit of half what the plain backward pass
	// keeps: checkpointed it fits, plain it cannot.
	limit := plainKept / 2
	run := func(checkpoint bool) (int64, error) {
		ClearCache()
		base := settledActive()
		old := SetMemoryLimit(base + limit)
		defer SetMemoryLimit(old)
		ResetPeakMemory()
		v, g := net.grads(checkpoint)
		err := Eval(append(g, v)...)
		return GetPeakMemory() - base, err
	}
	peak, err := run(true)
	if err != nil {
		t.Fatalf("checkpointed gradient under a limit of %d bytes: %v", limit, err)
	}
	t.Logf("checkpointed gradient under a limit of %d KiB: peak %d KiB", limit>>10, peak>>10)
	_, err = run(false)
	var oom *core.OutOfMemoryError
	if !errors.As(err, &oom) {
		t.Fatalf("plain gradient under a limit of %d bytes: got %v, want out of memory", limit, err)
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
	net := newDeepNet(2, 4, 3)
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
