package mx

import (
	"math/rand/v2"
	"testing"
)

// gradCase is one row of the gradient table: a differentiable op of float64
// inputs. Its VJP and JVP are checked against central finite differences,
// and its vmap against a loop over a batch.
type gradCase struct {
	name string
	f    func(in []*Array) *Array
	in   []*Array // float64 inputs
	// inAxes are the batch axes used by the vmap check (nil: 0 for all;
	// NoAxis: not mapped); the batch is built by stacking three perturbed
	// copies of each mapped input along its axis.
	inAxes []int
	// noVmap skips the vmap check, noGrad the derivative checks (for ops
	// with no derivative, such as comparisons).
	noVmap, noGrad bool
	tol            float64 // 0: 1e-6
}

var gradTable []gradCase

func addGradCases(cs ...gradCase) { gradTable = append(gradTable, cs...) }

// randArray returns a float64 array of shape with values in [lo, hi).
func randArray(r *rand.Rand, lo, hi float64, shape ...int) *Array {
	v := make([]float64, shapeSize(shape))
	for i := range v {
		v[i] = lo + (hi-lo)*r.Float64()
	}
	return newShaped(v, shape)
}

// perturbed returns a copy of a (float64) with element j moved by h.
func perturbed(a *Array, j int, h float64) *Array {
	v := ToSlice[float64](a)
	v[j] += h
	return newShaped(v, a.shape)
}

// newShaped returns NewArray(v) in shape, 0-d arrays included.
func newShaped(v []float64, shape []int) *Array {
	return Reshape(NewArray(v), append([]int{}, shape...))
}

func dot(a, b *Array) float64 {
	x, y := ToSlice[float64](a), ToSlice[float64](b)
	s := 0.0
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

func TestGradTable(t *testing.T) {
	for _, c := range gradTable {
		if c.noGrad {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			tol := c.tol
			if tol == 0 {
				tol = 1e-6
			}
			const h = 1e-6
			out := c.f(c.in)
			cot := randArray(r, -1, 1, out.shape...)
			f := func(in []*Array) []*Array { return []*Array{c.f(in)} }
			_, vjps := VJP(f, c.in, []*Array{cot})
			for i, in := range c.in {
				if !in.dtype.IsInexact() {
					continue
				}
				got := ToSlice[float64](vjps[i])
				if vjps[i].Size() != in.Size() || shapeString(vjps[i].shape) != shapeString(in.shape) {
					t.Fatalf("vjp %d has shape %v, want %v", i, vjps[i].shape, in.shape)
				}
				for j := range got {
					plus := append([]*Array(nil), c.in...)
					minus := append([]*Array(nil), c.in...)
					plus[i], minus[i] = perturbed(in, j, h), perturbed(in, j, -h)
					want := (dot(c.f(plus), cot) - dot(c.f(minus), cot)) / (2 * h)
					if !closeReal(got[j], want, tol*10) {
						t.Fatalf("vjp of input %d element %d: got %v, finite differences %v", i, j, got[j], want)
					}
				}
			}
			// JVP along a random direction in every input at once.
			tans := make([]*Array, len(c.in))
			plus := make([]*Array, len(c.in))
			minus := make([]*Array, len(c.in))
			for i, in := range c.in {
				if !in.dtype.IsInexact() {
					tans[i] = zerosLike(in, DefaultStream())
					plus[i], minus[i] = in, in
					continue
				}
				tans[i] = randArray(r, -1, 1, in.shape...)
				plus[i] = Add(in, Multiply(tans[i], h))
				minus[i] = Subtract(in, Multiply(tans[i], h))
			}
			_, jvps := JVP(f, c.in, tans)
			got := ToSlice[float64](jvps[0])
			fp, fm := ToSlice[float64](c.f(plus)), ToSlice[float64](c.f(minus))
			for j := range got {
				want := (fp[j] - fm[j]) / (2 * h)
				if !closeReal(got[j], want, tol*10) {
					t.Fatalf("jvp element %d: got %v, finite differences %v", j, got[j], want)
				}
			}
		})
	}
}

func TestVmapTable(t *testing.T) {
	const batch = 3
	for _, c := range gradTable {
		if c.noVmap {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			axes := c.inAxes
			if axes == nil {
				axes = make([]int, len(c.in))
			}
			// Build the batch: element b of input i is the input plus b/10
			// plus noise, stacked along its axis.
			examples := make([][]*Array, batch)
			batched := make([]*Array, len(c.in))
			for i, in := range c.in {
				var parts []*Array
				for b := 0; b < batch; b++ {
					e := in
					if axes[i] != NoAxis && in.dtype.IsInexact() {
						e = Add(in, Add(randArray(r, 0, 0.01, in.shape...), float64(b)/10))
					}
					examples[b] = append(examples[b], e)
					parts = append(parts, e)
				}
				if axes[i] == NoAxis {
					batched[i] = in
				} else {
					batched[i] = stackHost(parts, axes[i])
				}
			}
			f := func(in []*Array) []*Array { return []*Array{c.f(in)} }
			got := Vmap(f, axes, nil)(batched)[0]
			var want []*Array
			for b := 0; b < batch; b++ {
				want = append(want, c.f(examples[b]))
			}
			if msg := compareArrays(got, stackHost(want, 0), 1e-12); msg != "" {
				t.Fatal(msg)
			}
		})
	}
}

// stackHost stacks arrays of one shape along a new axis, on the host,
// independently of the ops under test. The result has the arrays' dtype;
// the values go through a Go type that holds every value of it exactly
// (NewArray makes complex128 data complex64, which would round float64).
func stackHost(parts []*Array, axis int) *Array {
	switch parts[0].dtype {
	case Complex64:
		return stackAs[complex64](parts, axis)
	case Int64:
		return stackAs[int64](parts, axis)
	case Uint64:
		return stackAs[uint64](parts, axis)
	}
	return AsType(stackAs[float64](parts, axis), parts[0].dtype)
}

func stackAs[T Element](parts []*Array, axis int) *Array {
	shape := parts[0].shape
	axis = normAxis("stack", axis, len(shape)+1)
	outer := shapeSize(shape[:axis])
	inner := shapeSize(shape[axis:])
	var data []T
	for o := 0; o < outer; o++ {
		for _, p := range parts {
			v := ToSlice[T](p)
			data = append(data, v[o*inner:(o+1)*inner]...)
		}
	}
	out := append(append(append([]int{}, shape[:axis]...), len(parts)), shape[axis:]...)
	return NewArray(data, out...)
}

func init() {
	r := rand.New(rand.NewPCG(5, 6))
	addGradCases(gradCase{
		name: "contiguous",
		f:    func(in []*Array) *Array { return Contiguous(in[0]) },
		in:   []*Array{randArray(r, -1, 1, 2, 3)},
	})
}
