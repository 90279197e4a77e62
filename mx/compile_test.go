package mx

import (
	"math"
	"testing"
)

func gelu(x *Array) *Array {
	return Multiply(Multiply(x, 0.5), Add(1, Erf(Divide(x, math.Sqrt2))))
}

func TestCompileGelu(t *testing.T) {
	x := NewArray([]float32{-2, -1, -0.5, 0, 0.5, 1, 2, 3}, 2, 4)
	f := func(in []*Array) []*Array { return []*Array{gelu(in[0])} }
	c := newCompiled(f, nil)
	got := c.call([]*Array{x})[0]
	want := gelu(x)
	if !Item[bool](AllClose(got, want)) {
		t.Fatalf("compiled %v, want %v", got, want)
	}
	for _, tp := range c.entries {
		t.Logf("tape:\n%s", tp.Value.(*tape))
	}
}
