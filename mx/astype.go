package mx

import (
	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/internal/cpu"
)

// AsType returns a converted to dtype dt. Numbers convert as in NumPy:
// floats to integers truncate toward zero (NaN gives 0, out-of-range values
// saturate), anything to bool is x != 0, complex to real drops the
// imaginary part. Converting to a's own type returns a.
func AsType(a *Array, dt Dtype, opts ...Option) *Array {
	o := parseOptions("astype", optStream, opts)
	checkArray("astype", a)
	if !dt.valid() {
		panic(newError("astype", "invalid dtype %v", dt))
	}
	if a.dtype == dt {
		return a
	}
	return newArray(copyPrim{}, o.stream, []*Array{a}, a.shape, dt)
}

// Contiguous returns a with its elements packed in row-major order, copying
// only when a is a strided view.
func Contiguous(a *Array, opts ...Option) *Array {
	o := parseOptions("contiguous", optStream, opts)
	checkArray("contiguous", a)
	return newArray(contiguousPrim{}, o.stream, []*Array{a}, a.shape, a.dtype)
}

// copyPrim copies its input into a fresh row-major array, converting the
// element type to the output's.
type copyPrim struct{}

func (copyPrim) Name() string { return "AsType" }

func (copyPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.CopyKernels]("astype", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.Copy(in[0].view(), out[0].view())
}

type contiguousPrim struct{}

func (contiguousPrim) Name() string { return "Contiguous" }

func (contiguousPrim) Eval(s Stream, in, out []*Array) error {
	if in[0].view().IsContiguous() {
		out[0].shareView(in[0], in[0].strides, in[0].offset)
		return nil
	}
	return copyPrim{}.Eval(s, in, out)
}

// convertNow converts an available array to dt at once, on the host.
func convertNow(a *Array, dt Dtype) *Array {
	out := &Array{shape: a.shape, dtype: dt}
	buf, err := core.Host.Alloc(shapeSize(a.shape) * dt.Size())
	if err != nil {
		panic(&Error{Op: "astype", Msg: err.Error(), Err: err})
	}
	out.setData(buf, core.RowMajorStrides(a.shape), 0)
	out.status.Store(statusAvailable)
	if err := cpu.Backend.Copy(a.view(), out.view()); err != nil {
		panic(&Error{Op: "astype", Msg: err.Error(), Err: err})
	}
	return out
}

func (copyPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{AsType(cot[0], in[0].dtype, s)}
}

func (copyPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{AsType(tan[0], out[0].dtype, s)}
}

func (copyPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	return []*Array{AsType(in[0], out[0].dtype, s)}, axes
}

func (contiguousPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	return []*Array{cot[0]}
}

func (contiguousPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	return []*Array{tan[0]}
}

func (contiguousPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	return []*Array{Contiguous(in[0], s)}, axes
}
