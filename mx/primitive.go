package mx

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// Primitive is an operation with a kernel of its own. An op function checks
// its arguments, works out the output shapes and dtypes, and records a node
// holding a Primitive; Eval later calls the primitive's Eval on the node's
// stream. Ops that can be written with other ops are plain functions, not
// primitives.
//
// Transform rules (VJP, JVP, vmap) and equivalence for common-subexpression
// elimination are optional methods, found by type assertion, so that a
// primitive states them beside its kernel call.
type Primitive interface {
	// Name is the primitive's name as MLX spells it, such as "Add".
	Name() string
	// Eval computes outputs from inputs (all available) on the stream's
	// device. It allocates each output (alloc) or makes it a view of an
	// input (shareView).
	Eval(s Stream, inputs, outputs []*Array) error
}

// backendFor returns the kernel set of a stream: the CPU's, or the CUDA
// stream behind a GPU stream.
func backendFor(s Stream) any {
	if s.Device.Type == CPUType {
		return cpu.Backend
	}
	if st, err := s.lookup(); err == nil && st.gpu != nil {
		return st.gpu
	}
	return nil
}

// kernelsFor returns the backend of s as kernel family K, or an error that
// names the op and the backend when that backend lacks the family.
func kernelsFor[K any](op string, s Stream) (K, error) {
	b := backendFor(s)
	k, ok := b.(K)
	if !ok {
		name := "cpu"
		if s.Device.Type == GPUType {
			name = "cuda"
		}
		return k, &Error{Op: op, Msg: fmt.Sprintf("not implemented on %s", name)}
	}
	return k, nil
}

// alloc gives a a fresh row-major buffer on s's device.
func (a *Array) alloc(s Stream) error {
	n, ok := shapeBytes(a.shape, a.dtype.Size())
	if !ok {
		return fmt.Errorf("an array of shape %s and type %v is too large", shapeString(a.shape), a.dtype)
	}
	var buf *core.Buffer
	var err error
	if s.Device.Type == GPUType {
		buf, err = s.gpuStream().Alloc(n, core.Host)
	} else {
		buf, err = core.Host.Alloc(n)
	}
	if err != nil {
		return err
	}
	a.setData(buf, core.RowMajorStrides(a.shape), 0)
	return nil
}

// shareView makes a a view of src's buffer with the given strides and
// offset (in elements): no data is copied.
func (a *Array) shareView(src *Array, strides []int, offset int) {
	src.buf.Retain()
	a.setData(src.buf, strides, offset)
}
