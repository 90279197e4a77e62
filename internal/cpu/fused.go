package cpu

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Fused programs on the CPU. The output's elements, in row-major order,
// are split over the cores; each core takes its range one chunk of
// fusedChunk elements at a time through every instruction, in registers
// of one chunk each, so that no intermediate array is made and the
// chunk's values stay in the cache between operations. Registers are
// reused once their value is dead. A contiguous input of the compute type
// is read in place, a scalar input and a constant are filled once per
// core, a strided input is gathered; an output of the compute type is
// written in place by the instruction that makes it.

// fusedChunk is the number of elements of one register.
const fusedChunk = 1024

// regBytes is the size of a register: a chunk of the widest type.
const regBytes = fusedChunk * 8

// fusedKey is the key of the CPU's plans among a program's prepared forms.
type fusedKey struct{}

// fusedPlan is a program made ready to run: a step per instruction and a
// register per value.
type fusedPlan struct {
	prog   *core.FusedProgram
	steps  []func(w *fusedWorker, n int) // nil for inputs and constants
	reg    []int                         // value -> register (pinned ones for constants)
	nRegs  int                           // registers, the pinned ones included
	consts []int                         // the constant values
	cost   int
}

// fusedWorker is one core's registers: vals[v] points to value v's chunk.
type fusedWorker struct {
	vals  []unsafe.Pointer
	arena []uint64
	raw   []uint64 // a gathered chunk before conversion
}

var fusedArenas sync.Pool

// Fused implements core.FusedKernels.
func (*backend) Fused(p *core.FusedProgram, inputs, outputs []core.View) error {
	v, err := p.Prepared(fusedKey{}, func() (any, error) { return prepareFused(p) })
	if err != nil {
		return err
	}
	return v.(*fusedPlan).run(inputs, outputs)
}

// prepareFused makes the plan of p, or says what it cannot run.
func prepareFused(p *core.FusedProgram) (*fusedPlan, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	pl := &fusedPlan{prog: p, steps: make([]func(*fusedWorker, int), len(p.Instrs)), reg: make([]int, len(p.Instrs))}
	last := p.LastUse()
	var free []int
	alloc := func() int {
		if k := len(free); k > 0 {
			r := free[k-1]
			free = free[:k-1]
			return r
		}
		pl.nRegs++
		return pl.nRegs - 1
	}
	for i := range p.Instrs {
		in := &p.Instrs[i]
		if in.Op == core.FusedConst {
			pl.consts = append(pl.consts, i)
			pl.reg[i] = -1 // pinned, given below
		} else {
			pl.reg[i] = alloc()
		}
		step, cost, err := fusedStep(p, i)
		if err != nil {
			return nil, err
		}
		pl.steps[i] = step
		pl.cost += cost
		for k := range in.NumArgs() {
			a := in.Args[k]
			if last[a] == i && pl.reg[a] >= 0 && !contains(in.Args[:k], a) {
				free = append(free, pl.reg[a])
			}
		}
		if last[i] < 0 && pl.reg[i] >= 0 {
			free = append(free, pl.reg[i])
		}
	}
	for _, c := range pl.consts {
		pl.reg[c] = pl.nRegs
		pl.nRegs++
	}
	return pl, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// fusedStep returns the step of instruction i and its rough cost per element.
func fusedStep(p *core.FusedProgram, i int) (func(w *fusedWorker, n int), int, error) {
	in := &p.Instrs[i]
	half := in.Dtype == core.Float16 || in.Dtype == core.Bfloat16
	dt := in.Dtype
	a, b, c := in.Args[0], in.Args[1], in.Args[2]
	switch in.Op {
	case core.FusedInput, core.FusedConst:
		return nil, 1, nil
	case core.FusedUnary:
		from := p.Instrs[a].Dtype
		f := fusedUnary(in.Unary, in.Params, from, dt)
		if f == nil {
			return nil, 0, fmt.Errorf("%v is not implemented on cpu for %v to %v", in.Unary, from, dt)
		}
		cost := 2
		if fn, cst := fast32(in.Unary); fn != nil && computeType(from) == core.Float32 {
			cost = cst
		} else if mathFunc(in.Unary) != nil {
			cost = costMath
		}
		if half {
			return func(w *fusedWorker, n int) {
				f(w.vals[i], w.vals[a], n)
				roundHalfInPlace(dt, w.vals[i], n)
			}, cost + 2, nil
		}
		return func(w *fusedWorker, n int) { f(w.vals[i], w.vals[a], n) }, cost, nil
	case core.FusedBinary:
		from := p.Instrs[a].Dtype
		if d := &p.Instrs[b]; in.Binary == core.Divide && d.Op == core.FusedConst && computeType(from) == core.Float32 {
			// Dividing by a constant is multiplying by its reciprocal in
			// float64, rounded to float32: exactly x / c (see divConstF32).
			r := 1 / float64(constF32(d.Dtype, d.Const))
			step := func(w *fusedWorker, n int) {
				divConstF32(slice[float32](w.vals[i], n), slice[float32](w.vals[a], n), r)
			}
			if half {
				return func(w *fusedWorker, n int) {
					step(w, n)
					roundHalfInPlace(dt, w.vals[i], n)
				}, costCheap + 2, nil
			}
			return step, costCheap, nil
		}
		f := fusedBinary(in.Binary, from)
		if f == nil {
			return nil, 0, fmt.Errorf("%v is not implemented on cpu for %v", in.Binary, from)
		}
		cost := costCheap
		switch in.Binary {
		case core.Power, core.ArcTan2, core.LogAddExp:
			cost = costMath
		case core.FloorDivide, core.Remainder:
			cost = costDiv
		}
		if half {
			return func(w *fusedWorker, n int) {
				f(w.vals[i], w.vals[a], w.vals[b], n)
				roundHalfInPlace(dt, w.vals[i], n)
			}, cost + 2, nil
		}
		return func(w *fusedWorker, n int) { f(w.vals[i], w.vals[a], w.vals[b], n) }, cost, nil
	case core.FusedWhere:
		f := fusedWhere(dt)
		if f == nil || p.Instrs[a].Dtype != core.Bool {
			return nil, 0, fmt.Errorf("where is not implemented on cpu for %v", dt)
		}
		return func(w *fusedWorker, n int) { f(w.vals[i], w.vals[a], w.vals[b], w.vals[c], n) }, 1, nil
	case core.FusedCast:
		from := p.Instrs[a].Dtype
		f := fusedCast(from, dt)
		if from == dt {
			f = k1(copyF[byte])
			size := computeType(dt).Size()
			return func(w *fusedWorker, n int) { f(w.vals[i], w.vals[a], n*size) }, 1, nil
		}
		if f == nil {
			return nil, 0, fmt.Errorf("astype is not implemented on cpu from %v to %v", from, dt)
		}
		return func(w *fusedWorker, n int) { f(w.vals[i], w.vals[a], n) }, 2, nil
	}
	return nil, 0, fmt.Errorf("fused op %d is not implemented on cpu", in.Op)
}

// fusedInput is how one input is read for a run.
type fusedInput struct {
	kind   int // inContiguous, inScalar or inStrided
	base   unsafe.Pointer
	size   int // bytes per stored element
	conv   bool
	dtype  core.Dtype
	offset int
	l      layout // inStrided
}

const (
	inContiguous = iota
	inScalar
	inStrided
)

// run computes the outputs from the inputs.
func (pl *fusedPlan) run(inputs, outputs []core.View) error {
	p := pl.prog
	if len(inputs) != p.NumInputs || len(outputs) != len(p.Outputs) {
		return fmt.Errorf("fused program of %d inputs and %d outputs given %d and %d",
			p.NumInputs, len(p.Outputs), len(inputs), len(outputs))
	}
	shape := outputs[0].Shape
	n := outputs[0].Size()
	for k, o := range outputs {
		if o.Dtype != p.Instrs[p.Outputs[k]].Dtype || !o.IsContiguous() || o.Size() != n {
			return fmt.Errorf("fused program: output %d does not match the program", k)
		}
	}
	if n == 0 {
		return nil
	}
	ins := make([]fusedInput, len(inputs))
	for j, v := range inputs {
		if v.Dtype != p.InputDtypes[j] || len(v.Shape) != len(shape) {
			return fmt.Errorf("fused program: input %d does not match the program", j)
		}
		fi := &ins[j]
		fi.dtype, fi.size, fi.offset = v.Dtype, v.Dtype.Size(), v.Offset
		fi.conv = computeType(v.Dtype) != v.Dtype
		fi.base = unsafe.Pointer(unsafe.SliceData(v.Buf.Bytes()))
		switch {
		case v.IsScalarBroadcast():
			fi.kind = inScalar
		case v.IsContiguous():
			fi.kind = inContiguous
		default:
			fi.kind = inStrided
			fi.l = newLayout(shape, []int{v.Offset}, v.Strides)
		}
	}
	outBase := make([]unsafe.Pointer, len(outputs))
	for k, o := range outputs {
		outBase[k] = unsafe.Add(unsafe.Pointer(unsafe.SliceData(o.Buf.Bytes())), o.Offset*o.Dtype.Size())
	}
	// An output value of its storage type (and made by an operation) is
	// written in place; the others are stored after each chunk.
	inPlace := make([]bool, len(outputs))
	for k, v := range p.Outputs {
		in := &p.Instrs[v]
		inPlace[k] = computeType(in.Dtype) == in.Dtype && in.Op != core.FusedInput && in.Op != core.FusedConst &&
			!contains(p.Outputs[:k], v)
	}
	parallelFor(n, max(pl.cost, 1), func(lo, hi int) {
		w := pl.worker(ins)
		defer fusedArenas.Put(w)
		for c := lo; c < hi; c += fusedChunk {
			m := min(fusedChunk, hi-c)
			pl.chunk(w, ins, outBase, inPlace, c, m)
		}
	})
	return nil
}

// worker returns registers for one core, with the constants and scalar
// inputs filled in.
func (pl *fusedPlan) worker(ins []fusedInput) *fusedWorker {
	p := pl.prog
	nScalar := 0
	for i := range p.Instrs {
		if in := &p.Instrs[i]; in.Op == core.FusedInput && ins[in.Input].kind == inScalar {
			nScalar++
		}
	}
	words := (pl.nRegs + nScalar) * (regBytes / 8)
	w, _ := fusedArenas.Get().(*fusedWorker)
	if w == nil {
		w = &fusedWorker{}
	}
	if cap(w.arena) < words {
		w.arena = make([]uint64, words)
	}
	if w.raw == nil {
		w.raw = make([]uint64, fusedChunk)
	}
	w.arena = w.arena[:words]
	if cap(w.vals) < len(p.Instrs) {
		w.vals = make([]unsafe.Pointer, len(p.Instrs))
	}
	w.vals = w.vals[:len(p.Instrs)]
	regPtr := func(r int) unsafe.Pointer { return unsafe.Pointer(&w.arena[r*(regBytes/8)]) }
	for i := range p.Instrs {
		w.vals[i] = regPtr(pl.reg[i])
	}
	for _, i := range pl.consts {
		in := &p.Instrs[i]
		fillConst(in.Dtype, in.Const, w.vals[i])
	}
	r := pl.nRegs
	for i := range p.Instrs {
		in := &p.Instrs[i]
		if in.Op != core.FusedInput || ins[in.Input].kind != inScalar {
			continue
		}
		fi := &ins[in.Input]
		w.vals[i] = regPtr(r)
		r++
		src := unsafe.Add(fi.base, fi.offset*fi.size)
		fillFrom(fi.dtype, src, w.vals[i])
	}
	return w
}

// chunk runs the program on the m elements from c.
func (pl *fusedPlan) chunk(w *fusedWorker, ins []fusedInput, outBase []unsafe.Pointer, inPlace []bool, c, m int) {
	p := pl.prog
	for k, v := range p.Outputs {
		if inPlace[k] {
			w.vals[v] = unsafe.Add(outBase[k], c*p.Instrs[v].Dtype.Size())
		}
	}
	for i := range p.Instrs {
		in := &p.Instrs[i]
		if in.Op == core.FusedInput {
			pl.load(w, &ins[in.Input], i, c, m)
			continue
		}
		if s := pl.steps[i]; s != nil {
			s(w, m)
		}
	}
	for k, v := range p.Outputs {
		if inPlace[k] {
			continue
		}
		dt := p.Instrs[v].Dtype
		dst := unsafe.Add(outBase[k], c*dt.Size())
		storeChunk(dt, dst, w.vals[v], m)
	}
}

// load makes value i hold the m elements of input fi from c.
func (pl *fusedPlan) load(w *fusedWorker, fi *fusedInput, i, c, m int) {
	switch fi.kind {
	case inScalar:
		return // filled by worker
	case inContiguous:
		src := unsafe.Add(fi.base, (fi.offset+c)*fi.size)
		if !fi.conv {
			w.vals[i] = src
			return
		}
		w.vals[i] = unsafe.Pointer(&w.arena[pl.reg[i]*(regBytes/8)])
		widenHalf(fi.dtype, w.vals[i], src, m)
		return
	}
	reg := unsafe.Pointer(&w.arena[pl.reg[i]*(regBytes/8)])
	w.vals[i] = reg
	dst := reg
	if fi.conv {
		dst = unsafe.Pointer(&w.raw[0])
	}
	gather(fi, dst, c, m)
	if fi.conv {
		widenHalf(fi.dtype, reg, dst, m)
	}
}

// gather copies the m elements of a strided input from c to dst.
func gather(fi *fusedInput, dst unsafe.Pointer, c, m int) {
	_, st := fi.l.inner()
	stride := st[0]
	pos := 0
	fi.l.rows(c, c+m, func(off []int, k int) {
		switch fi.size {
		case 1:
			gatherRun[uint8](fi.base, dst, off[0], stride, pos, k)
		case 2:
			gatherRun[uint16](fi.base, dst, off[0], stride, pos, k)
		case 4:
			gatherRun[uint32](fi.base, dst, off[0], stride, pos, k)
		case 8:
			gatherRun[uint64](fi.base, dst, off[0], stride, pos, k)
		}
		pos += k
	})
}

func gatherRun[T any](base, dst unsafe.Pointer, off, stride, pos, k int) {
	src := (*T)(unsafe.Add(base, off*int(unsafe.Sizeof(*new(T)))))
	d := slice[T](dst, pos+k)[pos:]
	if stride == 1 {
		copy(d, unsafe.Slice(src, k))
		return
	}
	if stride == 0 {
		v := *src
		for t := range d {
			d[t] = v
		}
		return
	}
	p := unsafe.Pointer(src)
	step := stride * int(unsafe.Sizeof(*new(T)))
	for t := range d {
		d[t] = *(*T)(p)
		p = unsafe.Add(p, step)
	}
}

// widenHalf converts m half-precision numbers at src to float32 at dst.
func widenHalf(dt core.Dtype, dst, src unsafe.Pointer, m int) {
	d, s := slice[float32](dst, m), slice[uint16](src, m)
	if dt == core.Float16 {
		for t, b := range s {
			d[t] = f16ToFloat32(b)
		}
		return
	}
	for t, b := range s {
		d[t] = core.BF16(b).Float32()
	}
}

// storeChunk writes m values of type dt (held in its compute type) to dst.
func storeChunk(dt core.Dtype, dst, src unsafe.Pointer, m int) {
	switch dt {
	case core.Float16:
		d, s := slice[uint16](dst, m), slice[float32](src, m)
		for t, x := range s {
			d[t] = f16FromFloat32(x)
		}
	case core.Bfloat16:
		d, s := slice[core.BF16](dst, m), slice[float32](src, m)
		for t, x := range s {
			d[t] = core.BF16FromFloat32(x)
		}
	default:
		size := dt.Size()
		copy(slice[byte](dst, m*size), slice[byte](src, m*size))
	}
}

// fillConst fills a register with the constant c of type dt.
// constF32 is the value of a constant of type float32, float16 or
// bfloat16 as fillConst stores it.
func constF32(dt core.Dtype, c core.FusedScalar) float32 {
	switch dt {
	case core.Float16:
		return core.F16FromFloat64(c.F).Float32()
	case core.Bfloat16:
		return core.BF16FromFloat64(c.F).Float32()
	}
	return float32(c.F)
}

// divConstGo is divConstF32 in Go.
func divConstGo(z, x []float32, r float64) {
	for k, v := range x {
		z[k] = float32(float64(v) * r)
	}
}

func fillConst(dt core.Dtype, c core.FusedScalar, reg unsafe.Pointer) {
	switch dt {
	case core.Bool:
		fillSlice(slice[bool](reg, fusedChunk), c.I != 0)
	case core.Uint8:
		fillSlice(slice[uint8](reg, fusedChunk), uint8(c.I))
	case core.Uint16:
		fillSlice(slice[uint16](reg, fusedChunk), uint16(c.I))
	case core.Uint32:
		fillSlice(slice[uint32](reg, fusedChunk), uint32(c.I))
	case core.Uint64:
		fillSlice(slice[uint64](reg, fusedChunk), uint64(c.I))
	case core.Int8:
		fillSlice(slice[int8](reg, fusedChunk), int8(c.I))
	case core.Int16:
		fillSlice(slice[int16](reg, fusedChunk), int16(c.I))
	case core.Int32:
		fillSlice(slice[int32](reg, fusedChunk), int32(c.I))
	case core.Int64:
		fillSlice(slice[int64](reg, fusedChunk), c.I)
	case core.Float16:
		fillSlice(slice[float32](reg, fusedChunk), core.F16FromFloat64(c.F).Float32())
	case core.Bfloat16:
		fillSlice(slice[float32](reg, fusedChunk), core.BF16FromFloat64(c.F).Float32())
	case core.Float32:
		fillSlice(slice[float32](reg, fusedChunk), float32(c.F))
	case core.Float64:
		fillSlice(slice[float64](reg, fusedChunk), c.F)
	}
}

// fillFrom fills a register with the element of type dt at src.
func fillFrom(dt core.Dtype, src, reg unsafe.Pointer) {
	switch dt {
	case core.Float16:
		fillSlice(slice[float32](reg, fusedChunk), f16ToFloat32(*(*uint16)(src)))
	case core.Bfloat16:
		fillSlice(slice[float32](reg, fusedChunk), core.BF16(*(*uint16)(src)).Float32())
	default:
		switch dt.Size() {
		case 1:
			fillSlice(slice[uint8](reg, fusedChunk), *(*uint8)(src))
		case 2:
			fillSlice(slice[uint16](reg, fusedChunk), *(*uint16)(src))
		case 4:
			fillSlice(slice[uint32](reg, fusedChunk), *(*uint32)(src))
		case 8:
			fillSlice(slice[uint64](reg, fusedChunk), *(*uint64)(src))
		}
	}
}
