//go:build !amd64 || purego

package cpu

import "github.com/mlxgo/mlxgo/internal/core"

// Without the assembly kernels the fused programs use the Go loops.
func fusedVecBinary(op core.BinaryOp, dt core.Dtype) kern2 { return nil }
