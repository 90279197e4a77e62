package cuda

import (
	"fmt"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Walsh-Hadamard transforms (kernels/hadamard.cuh). Rows that fit in 32
// KiB of shared memory (in the accumulation type: float for the half
// types) are transformed whole by one block, several short rows to a
// block. Longer rows take several launches: their segments of the largest
// such size first, then one pass over global memory for each longer stage,
// in a working array of the accumulation type (the output itself for
// float32 and float64). The stages run in the CPU's order, so the results
// are the CPU's.

// hadamardSharedBytes is the shared memory of one block.
const hadamardSharedBytes = 32 << 10

func hadamardModule(dt core.Dtype) string { return "hadamard_" + dtypeTag[dt] }

// hadamardAcc is the type rows of dt are transformed in.
func hadamardAcc(dt core.Dtype) core.Dtype {
	if dt == core.Float64 {
		return core.Float64
	}
	return core.Float32
}

func hadamardSource(dt core.Dtype) func() string {
	return func() string {
		var e entryList
		t, a := ctype[dt], ctype[hadamardAcc(dt)]
		e.add(`extern "C" __global__ void hadamard_rows(const %s* in, %s* out, i64 total, i64 seg, i64 per, double scale) { hadamard_local<%s, %s, true>(in, out, total, seg, per, scale); }`, t, t, t, t)
		e.add(`extern "C" __global__ void hadamard_segments(const %s* in, %s* work, i64 total, i64 seg, i64 per, double scale) { hadamard_local<%s, %s, false>(in, work, total, seg, per, scale); }`, t, a, t, a)
		e.add(`extern "C" __global__ void hadamard_stage(%s* work, %s* out, i64 total, i64 h, double scale) { hadamard_pass<%s, false>(work, out, total, h, scale); }`, a, t, t)
		e.add(`extern "C" __global__ void hadamard_last(%s* work, %s* out, i64 total, i64 h, double scale) { hadamard_pass<%s, true>(work, out, total, h, scale); }`, a, t, t)
		return source(e.String(), "hadamard.cuh")()
	}
}

// Hadamard implements core.HadamardKernels for float16, bfloat16 (both
// transformed in float32 and rounded once), float32 and float64.
func (s *Stream) Hadamard(in, out core.View, scale float64) error {
	dt := out.Dtype
	if dt != core.Float16 && dt != core.Bfloat16 && dt != core.Float32 && dt != core.Float64 {
		return fmt.Errorf("hadamard of %s: not implemented on cuda", ctype[dt])
	}
	if in.Dtype != dt {
		return fmt.Errorf("hadamard: input of %s for an output of %s", ctype[in.Dtype], ctype[dt])
	}
	if out.Size() == 0 {
		return nil
	}
	n := out.Shape[len(out.Shape)-1]
	if n&(n-1) != 0 || in.Size() != out.Size() || !in.IsContiguous() || !out.IsContiguous() {
		return fmt.Errorf("hadamard: rows of %d elements, or operands not row-major", n)
	}
	total := out.Size()
	pin, err := s.operand(in)
	if err != nil {
		return err
	}
	pout, err := s.operand(out)
	if err != nil {
		return err
	}
	acc := hadamardAcc(dt)
	maxSeg := hadamardSharedBytes / acc.Size()
	fn := func(name string, variant int) (uintptr, error) {
		return s.kernel(fnKey{"hadamard", 0, dt, 0, variant}, hadamardModule(dt), hadamardSource(dt), name)
	}
	if n <= maxSeg {
		// Blocks of at least 2048 elements where rows are short.
		per := max(1, 2048/n)
		threads := 256
		if per*n > 2048 {
			threads = 512
		}
		f, err := fn("hadamard_rows", 0)
		if err != nil {
			return err
		}
		var p Params
		p.Ptr(pin).Ptr(pout).Int(total).Int(n).Int(per).Float64(scale)
		grid := [3]int{ceilDiv(total, per*n), 1, 1}
		return s.Launch(f, grid, [3]int{threads, 1, 1}, per*n*acc.Size(), &p)
	}
	work := pout
	if acc != dt {
		buf, err := s.Alloc(total*acc.Size(), core.Host)
		if err != nil {
			return err
		}
		defer buf.Release() // stream order keeps later users after the work queued here
		if work, err = s.Ptr(buf); err != nil {
			return err
		}
	}
	f, err := fn("hadamard_segments", 1)
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(pin).Ptr(work).Int(total).Int(maxSeg).Int(1).Float64(scale)
	if err := s.Launch(f, [3]int{total / maxSeg, 1, 1}, [3]int{512, 1, 1}, maxSeg*acc.Size(), &p); err != nil {
		return err
	}
	for h := maxSeg; h < n; h *= 2 {
		name, variant := "hadamard_stage", 2
		if 2*h == n {
			name, variant = "hadamard_last", 3
		}
		f, err := fn(name, variant)
		if err != nil {
			return err
		}
		p.Reset()
		p.Ptr(work).Ptr(pout).Int(total).Int(h).Float64(scale)
		if err := s.Launch(f, s.stridedGrid(total/2), block256, 0, &p); err != nil {
			return err
		}
	}
	return nil
}

var _ core.HadamardKernels = (*Stream)(nil)

func init() {
	for _, dt := range []core.Dtype{core.Float16, core.Bfloat16, core.Float32, core.Float64} {
		registerModule(hadamardModule(dt), hadamardSource(dt))
	}
}
