package mx

import "testing"

// BenchmarkSmallOps measures the host cost of one op on tiny arrays: the
// option parsing, node building, scheduling and kernel call, with an Eval
// every 100 ops.
func BenchmarkSmallOps(b *testing.B) {
	b.Run("array", func(b *testing.B) {
		a, one := NewArray([]float32{0}), NewArray([]float32{1})
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			a = Add(a, one)
			if i%100 == 99 {
				Eval(a)
			}
		}
		Eval(a)
	})
	b.Run("scalar", func(b *testing.B) {
		a := NewArray([]float32{0})
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			a = Add(a, 1)
			if i%100 == 99 {
				Eval(a)
			}
		}
		Eval(a)
	})
}
