package cpu

import (
	"fmt"
	"math"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Fill implements core.CreationKernels: every element of out becomes val's
// one element. Elements are copied as bit patterns of their size, so one
// loop serves every type.
func (*backend) Fill(val, out core.View) error {
	if val.Dtype != out.Dtype {
		return fmt.Errorf("fill: value of type %d for an output of type %d", val.Dtype, out.Dtype)
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	switch out.Dtype.Size() {
	case 1:
		fillLoop(core.All[uint8](val)[val.Offset], core.All[uint8](out)[out.Offset:out.Offset+n])
	case 2:
		fillLoop(core.All[uint16](val)[val.Offset], core.All[uint16](out)[out.Offset:out.Offset+n])
	case 4:
		fillLoop(core.All[uint32](val)[val.Offset], core.All[uint32](out)[out.Offset:out.Offset+n])
	case 8:
		fillLoop(core.All[uint64](val)[val.Offset], core.All[uint64](out)[out.Offset:out.Offset+n])
	}
	return nil
}

func fillLoop[T comparable](v T, dst []T) {
	var zero T
	parallelFor(len(dst), 1, func(lo, hi int) {
		d := dst[lo:hi]
		if v == zero {
			clear(d)
			return
		}
		for i := range d {
			d[i] = v
		}
	})
}

// Generate implements core.CreationKernels.
func (*backend) Generate(op core.GenOp, p core.GenParams, out core.View) error {
	n := out.Size()
	if n == 0 {
		return nil
	}
	if op == core.Arange || op == core.Linspace {
		// The common types without a call per element.
		switch out.Dtype {
		case core.Float32:
			linear(p, core.All[float32](out)[out.Offset:out.Offset+n], op == core.Linspace)
			return nil
		case core.Float64:
			linear(p, core.All[float64](out)[out.Offset:out.Offset+n], op == core.Linspace)
			return nil
		}
	}
	switch out.Dtype {
	case core.Bool:
		d := core.All[bool](out)
		generate(op, p, out.Shape, d[out.Offset:out.Offset+n], false,
			func(x float64) bool { return x != 0 }, func(x int64) bool { return x != 0 })
	case core.Uint8:
		generateInt(op, p, out, core.All[uint8](out))
	case core.Uint16:
		generateInt(op, p, out, core.All[uint16](out))
	case core.Uint32:
		generateInt(op, p, out, core.All[uint32](out))
	case core.Uint64:
		generateInt(op, p, out, core.All[uint64](out))
	case core.Int8:
		generateInt(op, p, out, core.All[int8](out))
	case core.Int16:
		generateInt(op, p, out, core.All[int16](out))
	case core.Int32:
		generateInt(op, p, out, core.All[int32](out))
	case core.Int64:
		generateInt(op, p, out, core.All[int64](out))
	case core.Float16:
		d := core.All[core.F16](out)
		generate(op, p, out.Shape, d[out.Offset:out.Offset+n], false,
			core.F16FromFloat64, func(x int64) core.F16 { return core.F16FromFloat64(float64(x)) })
	case core.Bfloat16:
		d := core.All[core.BF16](out)
		generate(op, p, out.Shape, d[out.Offset:out.Offset+n], false,
			core.BF16FromFloat64, func(x int64) core.BF16 { return core.BF16FromFloat64(float64(x)) })
	case core.Float32:
		d := core.All[float32](out)
		generate(op, p, out.Shape, d[out.Offset:out.Offset+n], false,
			func(x float64) float32 { return float32(x) }, func(x int64) float32 { return float32(x) })
	case core.Float64:
		d := core.All[float64](out)
		generate(op, p, out.Shape, d[out.Offset:out.Offset+n], false,
			func(x float64) float64 { return x }, func(x int64) float64 { return float64(x) })
	case core.Complex64:
		d := core.All[complex64](out)
		generate(op, p, out.Shape, d[out.Offset:out.Offset+n], false,
			func(x float64) complex64 { return complex(float32(x), 0) },
			func(x int64) complex64 { return complex(float32(x), 0) })
	default:
		return fmt.Errorf("generate: unknown dtype %d", out.Dtype)
	}
	return nil
}

// linear writes Start + i*Step, and Stop last when stop is set.
func linear[T float32 | float64](p core.GenParams, dst []T, stop bool) {
	parallelFor(len(dst), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst[i] = T(p.Start + float64(float64(i)*p.Step))
		}
	})
	if stop && len(dst) > 1 {
		dst[len(dst)-1] = T(p.Stop)
	}
}

// generateInt runs generate for an integer type: floats convert by
// truncation toward zero (saturating), integers wrap.
func generateInt[T realNum](op core.GenOp, p core.GenParams, out core.View, all []T) {
	n := out.Size()
	generate(op, p, out.Shape, all[out.Offset:out.Offset+n], true,
		func(x float64) T { return toInt[T](x) }, func(x int64) T { return T(x) })
}

// generate writes the values of op into dst (row-major over shape).
// fromFloat and fromInt convert to T; isInt selects NumPy's integer rule
// for Arange.
func generate[T any](op core.GenOp, p core.GenParams, shape []int, dst []T, isInt bool,
	fromFloat func(float64) T, fromInt func(int64) T) {
	n := len(dst)
	switch op {
	case core.Arange:
		if isInt {
			s := toInt[int64](p.Start)
			d := toInt[int64](p.Start+p.Step) - s
			parallelFor(n, 2, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					dst[i] = fromInt(s + int64(i)*d)
				}
			})
			return
		}
		// The conversion of the product keeps it from fusing with the
		// sum into one FMA, so the values do not depend on the machine.
		parallelFor(n, 2, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dst[i] = fromFloat(p.Start + float64(float64(i)*p.Step))
			}
		})
	case core.Linspace:
		parallelFor(n, 2, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dst[i] = fromFloat(p.Start + float64(float64(i)*p.Step))
			}
		})
		if n > 1 {
			dst[n-1] = fromFloat(p.Stop)
		}
	case core.Eye, core.Tri:
		rows, cols := shape[0], shape[1]
		one, zero := fromInt(1), fromInt(0)
		parallelFor(rows, cols, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				row := dst[r*cols : (r+1)*cols]
				for c := range row {
					row[c] = zero
				}
				if op == core.Eye {
					if c := r + p.K; c >= 0 && c < cols {
						row[c] = one
					}
					continue
				}
				for c := range min(max(r+p.K+1, 0), cols) {
					row[c] = one
				}
			}
		})
	default:
		w := windowFunc(op, n)
		parallelFor(n, 8, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dst[i] = fromFloat(w(i))
			}
		})
	}
}

// windowFunc returns NumPy's window of m points as a function of the point:
// with x = (2i - (m-1)) / (m-1) running over [-1, 1], Hanning is
// 0.5 + 0.5cos(πx), Hamming 0.54 + 0.46cos(πx), Blackman
// 0.42 + 0.5cos(πx) + 0.08cos(2πx), Bartlett 1 - |x|. One point gives 1.
func windowFunc(op core.GenOp, m int) func(i int) float64 {
	if m == 1 {
		return func(int) float64 { return 1 }
	}
	d := float64(m - 1)
	x := func(i int) float64 { return float64(2*i-(m-1)) / d }
	switch op {
	case core.Hanning:
		return func(i int) float64 { return 0.5 + 0.5*math.Cos(math.Pi*x(i)) }
	case core.Hamming:
		return func(i int) float64 { return 0.54 + 0.46*math.Cos(math.Pi*x(i)) }
	case core.Blackman:
		return func(i int) float64 {
			t := x(i)
			return 0.42 + 0.5*math.Cos(math.Pi*t) + 0.08*math.Cos(2*math.Pi*t)
		}
	}
	return func(i int) float64 { return 1 - math.Abs(x(i)) }
}
