//go:build !amd64 || purego

package cpu

import "github.com/mlxgo/mlxgo/internal/core"

// Without the assembly kernels the fused programs use the Go loops.
func fusedVecBinary(op core.BinaryOp, dt core.Dtype) kern2 { return nil }

// divConstF32 sets z[k] = x[k] / c given r = 1/float64(c) (see the amd64
// version for why float32(x[k] * r) in float64 is exact).
func divConstF32(z, x []float32, r float64) { divConstGo(z, x, r) }
