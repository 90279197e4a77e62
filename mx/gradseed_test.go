package mx

import "testing"

func TestGradSeed(t *testing.T) {
	// The seed's loss: mean(square(w*x - y)) at w = 1, x = [0.5, -0.5],
	// y = [1.5, -1.5]: d/dw = -1, d/dx = [-1, 1], loss = 1.
	loss := func(w, x, y *Array) *Array { return Mean(Square(Subtract(Multiply(w, x), y))) }
	w := Scalar(1.0)
	x := NewArray([]float32{0.5, -0.5})
	y := NewArray([]float32{1.5, -1.5})
	if got := Item[float32](Grad(loss)(w, x, y)); got != -1 {
		t.Errorf("d/dw = %v, want -1", got)
	}
	dx := ToSlice[float32](Grad(loss, 1)(w, x, y))
	if dx[0] != -1 || dx[1] != 1 {
		t.Errorf("d/dx = %v, want [-1 1]", dx)
	}
	v, g := ValueAndGrad(loss)(w, x, y)
	if Item[float32](v) != 1 || Item[float32](g[0]) != -1 {
		t.Errorf("value_and_grad = %v, %v", v, g[0])
	}
	// vmap of x + y with in_axes (1, 0).
	xs := Reshape(Arange(6, Float32), []int{2, 3})
	ys := Reshape(Arange(6, Float32), []int{3, 2})
	sum := Vmap(func(in []*Array) []*Array { return []*Array{Add(in[0], in[1])} }, []int{1, 0}, nil)([]*Array{xs, ys})[0]
	want := Add(Transpose(xs), ys)
	if !Item[bool](ArrayEqual(sum, want)) {
		t.Errorf("vmap(x + y) = %v, want %v", ToSlice[float32](sum), ToSlice[float32](want))
	}
}
