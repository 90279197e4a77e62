package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// genArgs is GenArgs of kernels/creation.cuh.
type genArgs struct {
	start, step, stop float64
	k, cols           int64
	op                int32
	_                 int32
}

// creationSource is the module of Fill (by element size) and of the
// generators (by element type).
func creationSource() string {
	var e entryList
	for _, dt := range []core.Dtype{core.Uint8, core.Uint16, core.Uint32, core.Uint64} {
		t := ctype[dt]
		for _, w := range []int{vecWidth(dt), 1} {
			e.add(`extern "C" __global__ void fill_v%d_%s(const %s* val, %s* out, i64 n) { fill_vec<%s, %d>(val, out, n); }`, w, t, t, t, t, w)
		}
	}
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		t := ctype[dt]
		e.add(`extern "C" __global__ void gen_%s(%s* out, i64 n, GenArgs a) { generate<%s>(out, n, a); }`, dtypeTag[dt], t, t)
	}
	ops := []string{"ARANGE", "LINSPACE", "EYE", "TRI", "HANNING", "HAMMING", "BARTLETT", "BLACKMAN"}
	var defs string
	for i, name := range ops {
		defs += fmt.Sprintf("#define GEN_%s %d\n", name, i)
	}
	return kernelSource("common.cuh") + defs + kernelSource("creation.cuh") + "\n" + e.String()
}

// Fill implements core.CreationKernels.
func (s *Stream) Fill(val, out core.View) error {
	if val.Dtype != out.Dtype {
		return fmt.Errorf("fill: value of type %s for an output of type %s", ctype[val.Dtype], ctype[out.Dtype])
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	ptrs, err := s.operands(val, out)
	if err != nil {
		return err
	}
	dt := bitsType(out.Dtype)
	w := vecWidth(dt)
	if !aligned(16, ptrs[1]) {
		w = 1
	}
	f, err := s.kernel(fnKey{"fill", 0, dt, 0, w}, "creation", creationSource, fmt.Sprintf("fill_v%d_%s", w, ctype[dt]))
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(ptrs[0]).Ptr(ptrs[1]).Int(n)
	return s.Launch(f, s.stridedGrid((n+w-1)/w), block256, 0, &p)
}

// Generate implements core.CreationKernels.
func (s *Stream) Generate(op core.GenOp, p core.GenParams, out core.View) error {
	if op > core.Blackman {
		return fmt.Errorf("generator %d of %s: not implemented on cuda", op, ctype[out.Dtype])
	}
	n := out.Size()
	if n == 0 {
		return nil
	}
	a := &genArgs{start: p.Start, step: p.Step, stop: p.Stop, k: int64(p.K), op: int32(op), cols: 1}
	if op == core.Eye || op == core.Tri {
		if len(out.Shape) != 2 {
			return fmt.Errorf("generator %d: output of shape %v, not a matrix", op, out.Shape)
		}
		a.cols = int64(out.Shape[1])
		// Past these every row is all ones or all zeros.
		a.k = max(min(a.k, a.cols+1), -int64(out.Shape[0])-1)
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	f, err := s.kernel(fnKey{"generate", 0, out.Dtype, 0, 0}, "creation", creationSource, "gen_"+dtypeTag[out.Dtype])
	if err != nil {
		return err
	}
	var pr Params
	pr.Ptr(po).Int(n).Ref(unsafe.Pointer(a))
	return s.Launch(f, s.stridedGrid(n), block256, 0, &pr)
}

func init() { registerModule("creation", creationSource) }
