package mx

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchRandom returns a float32 array of shape with values in [-3, 3).
func benchRandom(seed uint64, shape ...int) *Array {
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float32, shapeSize(shape))
	for i := range v {
		v[i] = r.Float32()*6 - 3
	}
	return NewArray(v, shape...)
}

// BenchmarkCompileGelu times gelu, x * 0.5 * (1 + erf(x / sqrt(2))), on
// 64M float32 elements, op by op and compiled into one fused kernel. The
// op-by-op version makes five passes over 256 MiB arrays (reading one or
// two, writing one, each output a fresh 256 MiB buffer); the fused one
// reads x once and writes the result once: 512 MiB of traffic, about 50 ms
// at the 10 GB/s a core pair reaches here.
func BenchmarkCompileGelu(b *testing.B) {
	x := benchRandom(1, 64<<20)
	f := func(in []*Array) []*Array { return []*Array{gelu(in[0])} }
	g := Compile(f)
	for _, c := range []struct {
		name string
		f    func([]*Array) []*Array
	}{{"uncompiled", f}, {"compiled", g}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(2 * 4 * 64 << 20)
			for b.Loop() {
				if err := Eval(c.f([]*Array{x})...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// mlp3 is a 3-layer perceptron written with mx ops.
type mlp3 struct {
	W1, B1, W2, B2, W3, B3 *Array
}

func newMLP3(in, hidden, out int) *mlp3 {
	s1, s2 := float32(1/math.Sqrt(float64(in))), float32(1/math.Sqrt(float64(hidden)))
	return &mlp3{
		W1: Multiply(benchRandom(1, in, hidden), s1/3), B1: Zeros([]int{hidden}),
		W2: Multiply(benchRandom(2, hidden, hidden), s2/3), B2: Zeros([]int{hidden}),
		W3: Multiply(benchRandom(3, hidden, out), s2/3), B3: Zeros([]int{out}),
	}
}

func (m *mlp3) params() []*Array { return []*Array{m.W1, m.B1, m.W2, m.B2, m.W3, m.B3} }

func (m *mlp3) set(p []*Array) {
	m.W1, m.B1, m.W2, m.B2, m.W3, m.B3 = p[0], p[1], p[2], p[3], p[4], p[5]
}

// mlpLoss is the softmax cross-entropy of the perceptron with parameters
// p on inputs x and one-hot targets y.
func mlpLoss(p []*Array, x, y *Array) *Array {
	h := Maximum(Add(Matmul(x, p[0]), p[1]), 0)
	h = Maximum(Add(Matmul(h, p[2]), p[3]), 0)
	logits := Add(Matmul(h, p[4]), p[5])
	return Mean(Subtract(Logsumexp(logits, Axis(-1)), Sum(Multiply(logits, y), Axis(-1))))
}

// sgdStep does one step of SGD on m and returns the loss.
func sgdStep(m *mlp3, x, y *Array, lr float64) *Array {
	params := m.params()
	loss, grads := ValueAndGrad(func(a ...*Array) *Array {
		return mlpLoss(a[:6], a[6], a[7])
	}, 0, 1, 2, 3, 4, 5)(append(params, x, y)...)
	for i := range params {
		params[i] = Subtract(params[i], Multiply(grads[i], lr))
	}
	m.set(params)
	return loss
}

func mlpData(batch, in, out int) (x, y *Array) {
	x = benchRandom(4, batch, in)
	labels := make([]float32, batch*out)
	for i := range batch {
		labels[i*out+i%out] = 1
	}
	return x, NewArray(labels, batch, out)
}

// BenchmarkCompileMLPStep times a training step (forward, ValueAndGrad,
// SGD update) of a 784-512-512-10 perceptron on a batch of 256, op by op
// and compiled with the model as state.
func BenchmarkCompileMLPStep(b *testing.B) {
	x, y := mlpData(256, 784, 10)
	b.Run("uncompiled", func(b *testing.B) {
		m := newMLP3(784, 512, 10)
		for b.Loop() {
			l := sgdStep(m, x, y, 0.01)
			if err := Eval(append(m.params(), l)...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compiled", func(b *testing.B) {
		m := newMLP3(784, 512, 10)
		step := Compile(func(in []*Array) []*Array {
			return []*Array{sgdStep(m, in[0], in[1], 0.01)}
		}, CompileInputs(m), CompileOutputs(m))
		for b.Loop() {
			l := step([]*Array{x, y})[0]
			if err := Eval(append(m.params(), l)...); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestCompileMLPStep checks the compiled training step against the
// uncompiled one over a few steps.
func TestCompileMLPStep(t *testing.T) {
	x, y := mlpData(32, 20, 10)
	m, ref := newMLP3(20, 16, 10), newMLP3(20, 16, 10)
	step := Compile(func(in []*Array) []*Array {
		return []*Array{sgdStep(m, in[0], in[1], 0.1)}
	}, CompileInputs(m), CompileOutputs(m))
	for range 3 {
		l := step([]*Array{x, y})[0]
		lr := sgdStep(ref, x, y, 0.1)
		assertClose(t, "loss", l, lr, 1e-5)
		for i, p := range m.params() {
			assertClose(t, "param", p, ref.params()[i], 1e-5)
		}
	}
}
