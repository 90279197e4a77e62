package cpu

import (
	"math"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Scan implements core.ScanKernels. Each line along axis is scanned by one
// goroutine, the lines split over the cores. Float16 and bfloat16 lines go
// through float32.
func (*backend) Scan(op core.ScanOp, axis int, reverse, inclusive bool, in, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	l := newLines(axis, in, out)
	if reverse { // walk each line from its end
		l.rows.offsets[0] += (l.n - 1) * l.inStride
		l.rows.offsets[1] += (l.n - 1) * l.outStride
		l.inStride, l.outStride = -l.inStride, -l.outStride
	}
	switch in.Dtype {
	case core.Bool:
		if op == core.ScanSum {
			x, y := core.All[uint8](in), core.All[int32](out)
			l.each(l.n, func(i, o int) { scanSumWiden(x, i, l.inStride, y, o, l.outStride, l.n, inclusive) })
			return nil
		}
		scanTyped(op, &l, inclusive, core.All[uint8](in), core.All[uint8](out), uint8(0), uint8(1))
	case core.Uint8:
		scanTyped(op, &l, inclusive, core.All[uint8](in), core.All[uint8](out), 0, math.MaxUint8)
	case core.Uint16:
		scanTyped(op, &l, inclusive, core.All[uint16](in), core.All[uint16](out), 0, math.MaxUint16)
	case core.Uint32:
		scanTyped(op, &l, inclusive, core.All[uint32](in), core.All[uint32](out), 0, math.MaxUint32)
	case core.Uint64:
		scanTyped(op, &l, inclusive, core.All[uint64](in), core.All[uint64](out), 0, math.MaxUint64)
	case core.Int8:
		scanTyped(op, &l, inclusive, core.All[int8](in), core.All[int8](out), math.MinInt8, math.MaxInt8)
	case core.Int16:
		scanTyped(op, &l, inclusive, core.All[int16](in), core.All[int16](out), math.MinInt16, math.MaxInt16)
	case core.Int32:
		scanTyped(op, &l, inclusive, core.All[int32](in), core.All[int32](out), math.MinInt32, math.MaxInt32)
	case core.Int64:
		scanTyped(op, &l, inclusive, core.All[int64](in), core.All[int64](out), math.MinInt64, math.MaxInt64)
	case core.Float32:
		scanTyped(op, &l, inclusive, core.All[float32](in), core.All[float32](out), float32(math.Inf(-1)), float32(math.Inf(1)))
	case core.Float64:
		scanTyped(op, &l, inclusive, core.All[float64](in), core.All[float64](out), math.Inf(-1), math.Inf(1))
	case core.Float16:
		scanHalf(op, &l, inclusive, core.All[core.F16](in), core.All[core.F16](out),
			core.F16.Float32, core.F16FromFloat32)
	case core.Bfloat16:
		scanHalf(op, &l, inclusive, core.All[core.BF16](in), core.All[core.BF16](out),
			core.BF16.Float32, core.BF16FromFloat32)
	case core.Complex64:
		if op != core.ScanSum && op != core.ScanProd {
			return errNotImplemented("scan", in.Dtype)
		}
		x, y := core.All[complex64](in), core.All[complex64](out)
		l.each(l.n, func(i, o int) {
			acc := complex64(0)
			if op == core.ScanProd {
				acc = 1
			}
			for j := 0; j < l.n; j++ {
				v := x[i]
				if !inclusive {
					y[o] = acc
				}
				if op == core.ScanProd {
					acc *= v
				} else {
					acc += v
				}
				if inclusive {
					y[o] = acc
				}
				i += l.inStride
				o += l.outStride
			}
		})
	default:
		return errNotImplemented("scan", in.Dtype)
	}
	return nil
}

// scanSumWiden is the running sum of bools as int32.
func scanSumWiden(x []uint8, i, si int, y []int32, o, so, n int, inclusive bool) {
	acc := int32(0)
	for j := 0; j < n; j++ {
		if !inclusive {
			y[o] = acc
		}
		acc += int32(x[i])
		if inclusive {
			y[o] = acc
		}
		i += si
		o += so
	}
}

// scanTyped scans every line of x into y; lowest and highest are the
// identities of max and min.
func scanTyped[T realNum](op core.ScanOp, l *lines, inclusive bool, x, y []T, lowest, highest T) {
	l.each(l.n, func(i, o int) {
		scanLine(op, x, i, l.inStride, y, o, l.outStride, l.n, inclusive, lowest, highest)
	})
}

// scanLine scans the n elements of x from i by si into y from o by so.
// Each loop keeps the running value acc, which starts as the op's
// identity; an exclusive scan writes it before taking the element in, an
// inclusive one after.
func scanLine[T realNum](op core.ScanOp, x []T, i, si int, y []T, o, so, n int, inclusive bool, lowest, highest T) {
	switch op {
	case core.ScanSum:
		acc := T(0)
		for j := 0; j < n; j++ {
			if !inclusive {
				y[o] = acc
			}
			acc += x[i]
			if inclusive {
				y[o] = acc
			}
			i += si
			o += so
		}
	case core.ScanProd:
		acc := T(1)
		for j := 0; j < n; j++ {
			if !inclusive {
				y[o] = acc
			}
			acc *= x[i]
			if inclusive {
				y[o] = acc
			}
			i += si
			o += so
		}
	case core.ScanMax:
		acc := lowest
		for j := 0; j < n; j++ {
			if !inclusive {
				y[o] = acc
			}
			if v := x[i]; v > acc || v != v {
				acc = v
			}
			if inclusive {
				y[o] = acc
			}
			i += si
			o += so
		}
	case core.ScanMin:
		acc := highest
		for j := 0; j < n; j++ {
			if !inclusive {
				y[o] = acc
			}
			if v := x[i]; v < acc || v != v {
				acc = v
			}
			if inclusive {
				y[o] = acc
			}
			i += si
			o += so
		}
	case core.ScanLogAddExp:
		acc := math.Inf(-1)
		for j := 0; j < n; j++ {
			if !inclusive {
				y[o] = T(acc)
			}
			acc = logAddExp(acc, float64(x[i]))
			if inclusive {
				y[o] = T(acc)
			}
			i += si
			o += so
		}
	}
}

// logAddExp returns log(exp(a) + exp(b)) without overflow; NaN when either
// is NaN.
func logAddExp(a, b float64) float64 {
	if a != a || b != b {
		return math.NaN()
	}
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	if math.IsInf(a, 1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// scanHalf scans float16 or bfloat16 lines through float32: each line is
// widened, scanned and rounded back.
func scanHalf[H any](op core.ScanOp, l *lines, inclusive bool, x, y []H, widen func(H) float32, narrow func(float32) H) {
	inf := float32(math.Inf(1))
	l.each(l.n*4, func(i, o int) {
		buf := make([]float32, 2*l.n)
		a, b := buf[:l.n], buf[l.n:]
		for j := range a {
			a[j] = widen(x[i+j*l.inStride])
		}
		scanLine(op, a, 0, 1, b, 0, 1, l.n, inclusive, -inf, inf)
		for j, v := range b {
			y[o+j*l.outStride] = narrow(v)
		}
	})
}
