package mx

import "testing"

// BenchmarkSmallOps measures the host cost of one small op: a = a + b on
// one-element arrays, evaluated every 100 ops.
func BenchmarkSmallOps(b *testing.B) {
	a := NewArray([]float32{0})
	one := NewArray([]float32{1})
	for i := 0; b.Loop(); i++ {
		a = Add(a, one)
		if i%100 == 99 {
			if err := Eval(a); err != nil {
				b.Fatal(err)
			}
		}
	}
	Eval(a)
}

// BenchmarkSmallOpsScalar is BenchmarkSmallOps with a Go number as the
// second operand, which makes a weak scalar array per op.
func BenchmarkSmallOpsScalar(b *testing.B) {
	a := NewArray([]float32{0})
	for i := 0; b.Loop(); i++ {
		a = Add(a, 1)
		if i%100 == 99 {
			if err := Eval(a); err != nil {
				b.Fatal(err)
			}
		}
	}
	Eval(a)
}
