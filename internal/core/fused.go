package core

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// A FusedProgram is a chain of elementwise operations that compile fused
// into one kernel: a straight-line program in static single assignment
// form, the same for every element of the output. Instruction i defines
// value i; its operands are earlier values. The inputs are views already
// broadcast to the output's shape (zero strides where they repeat), so a
// load reads element i of its view as every other operand does; every
// output has that one shape.
//
// The program is backend-neutral: the CPU interprets it chunk by chunk,
// and a GPU backend generates one kernel per program. A backend may keep
// what it derives from a program (a compiled kernel, a plan) with
// Prepared; it lives as long as the program. Programs are immutable once
// made and may be used from many goroutines.
type FusedProgram struct {
	Instrs    []FusedInstr
	NumInputs int
	// InputDtypes are the element types of the inputs; Outputs the values
	// the kernel stores, one output view each, of the value's dtype.
	InputDtypes []Dtype
	Outputs     []int

	once     sync.Once
	text     string
	prepared sync.Map // backend key -> prepared form
}

// FusedOp is the kind of an instruction of a FusedProgram.
type FusedOp uint8

// The instructions. Unless stated, operands and result have the
// instruction's Dtype.
const (
	// FusedInput loads element i of input Input (of InputDtypes[Input],
	// which is the instruction's Dtype).
	FusedInput FusedOp = iota
	// FusedConst is the scalar Const, of the instruction's Dtype.
	FusedConst
	// FusedUnary applies Unary (with Params) to Args[0]; the result type is
	// Dtype (bool for the predicates), the operand's type that of Args[0],
	// with the semantics of UnaryKernels.
	FusedUnary
	// FusedBinary applies Binary to Args[0] and Args[1], both of one type;
	// the result is of that type, or bool for comparisons, with the
	// semantics of BinaryKernels.
	FusedBinary
	// FusedWhere picks Args[1] where the bool Args[0] is true, else
	// Args[2] (Select of TernaryKernels).
	FusedWhere
	// FusedCast converts Args[0] to Dtype as CopyKernels does.
	FusedCast
)

// FusedScalar is a scalar constant: F for floating-point types, I for
// integer and bool types (unsigned values stored as their bits).
type FusedScalar struct {
	F float64
	I int64
}

// FusedInstr is one instruction of a FusedProgram.
type FusedInstr struct {
	Op     FusedOp
	Dtype  Dtype // the type of the value it defines
	Input  int   // FusedInput: which input
	Args   [3]int
	Unary  UnaryOp
	Params UnaryParams
	Binary BinaryOp
	Const  FusedScalar
}

// NumArgs returns the number of operands of the instruction.
func (in *FusedInstr) NumArgs() int {
	switch in.Op {
	case FusedUnary, FusedCast:
		return 1
	case FusedBinary:
		return 2
	case FusedWhere:
		return 3
	}
	return 0
}

// FusedKernels runs fused programs. The inputs are broadcast to the shape
// of the outputs (any strides); the outputs are row-major and fresh, of the
// dtypes of their values. A backend returns an error for a program it
// cannot run (an operation or type it lacks).
type FusedKernels interface {
	Fused(p *FusedProgram, inputs, outputs []View) error
}

// Validate checks that the program is well formed: operands defined before
// use, input numbers and outputs in range. Backends may rely on a program
// that passed it.
func (p *FusedProgram) Validate() error {
	if len(p.InputDtypes) != p.NumInputs {
		return fmt.Errorf("fused program: %d input types for %d inputs", len(p.InputDtypes), p.NumInputs)
	}
	for i := range p.Instrs {
		in := &p.Instrs[i]
		if in.Dtype >= NumDtypes {
			return fmt.Errorf("fused program: instruction %d has an invalid type", i)
		}
		if in.Op > FusedCast {
			return fmt.Errorf("fused program: instruction %d has an invalid op", i)
		}
		if in.Op == FusedInput && (in.Input < 0 || in.Input >= p.NumInputs || p.InputDtypes[in.Input] != in.Dtype) {
			return fmt.Errorf("fused program: instruction %d loads a bad input", i)
		}
		for k := range in.NumArgs() {
			if a := in.Args[k]; a < 0 || a >= i {
				return fmt.Errorf("fused program: instruction %d uses value %d before it is defined", i, a)
			}
		}
	}
	if len(p.Outputs) == 0 {
		return fmt.Errorf("fused program: no outputs")
	}
	for _, o := range p.Outputs {
		if o < 0 || o >= len(p.Instrs) {
			return fmt.Errorf("fused program: output value %d out of range", o)
		}
	}
	return nil
}

// LastUse returns, for each value, the index of the last instruction that
// reads it (len(Instrs) for outputs, -1 for values nobody reads): what a
// backend needs to reuse registers.
func (p *FusedProgram) LastUse() []int {
	last := make([]int, len(p.Instrs))
	for i := range last {
		last[i] = -1
	}
	for i := range p.Instrs {
		in := &p.Instrs[i]
		for k := range in.NumArgs() {
			last[in.Args[k]] = i
		}
	}
	for _, o := range p.Outputs {
		last[o] = len(p.Instrs)
	}
	return last
}

// String returns the program as text, one instruction a line, the same
// for equal programs: a key for caches of generated kernels.
func (p *FusedProgram) String() string {
	p.once.Do(func() {
		var b strings.Builder
		for i := range p.Instrs {
			in := &p.Instrs[i]
			fmt.Fprintf(&b, "v%d %s = ", i, dtypeName(in.Dtype))
			switch in.Op {
			case FusedInput:
				fmt.Fprintf(&b, "input %d", in.Input)
			case FusedConst:
				if isFloatType(in.Dtype) {
					b.WriteString("const " + strconv.FormatFloat(in.Const.F, 'g', -1, 64))
				} else {
					b.WriteString("const " + strconv.FormatInt(in.Const.I, 10))
				}
			case FusedUnary:
				fmt.Fprintf(&b, "%v v%d", in.Unary, in.Args[0])
				switch in.Unary {
				case Round:
					fmt.Fprintf(&b, " decimals=%d", in.Params.Decimals)
				case NanToNum:
					fmt.Fprintf(&b, " nan=%g posinf=%g neginf=%g", in.Params.Nan, in.Params.PosInf, in.Params.NegInf)
				}
			case FusedBinary:
				fmt.Fprintf(&b, "%v v%d v%d", in.Binary, in.Args[0], in.Args[1])
			case FusedWhere:
				fmt.Fprintf(&b, "where v%d v%d v%d", in.Args[0], in.Args[1], in.Args[2])
			case FusedCast:
				fmt.Fprintf(&b, "cast v%d", in.Args[0])
			}
			b.WriteByte('\n')
		}
		b.WriteString("out")
		for _, o := range p.Outputs {
			fmt.Fprintf(&b, " v%d", o)
		}
		p.text = b.String()
	})
	return p.text
}

// Prepared returns what a backend derived from the program under key,
// making it with make the first time (a failure is not kept).
func (p *FusedProgram) Prepared(key any, make func() (any, error)) (any, error) {
	if v, ok := p.prepared.Load(key); ok {
		return v, nil
	}
	v, err := make()
	if err != nil {
		return nil, err
	}
	v, _ = p.prepared.LoadOrStore(key, v)
	return v, nil
}

// Float returns c as a float64 for a constant of type dt (integers
// converted, unsigned ones from their bits).
func (c FusedScalar) Float(dt Dtype) float64 {
	switch {
	case isFloatType(dt):
		return c.F
	case dt == Uint64:
		return float64(uint64(c.I))
	}
	return float64(c.I)
}

func isFloatType(dt Dtype) bool {
	return dt == Float16 || dt == Bfloat16 || dt == Float32 || dt == Float64
}

var dtypeNames = [NumDtypes]string{"bool", "uint8", "uint16", "uint32", "uint64",
	"int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64", "complex64"}

func dtypeName(dt Dtype) string {
	if dt < NumDtypes {
		return dtypeNames[dt]
	}
	return "dtype" + strconv.Itoa(int(dt))
}

// String returns the type's name, such as "float32".
func (d Dtype) String() string { return dtypeName(d) }
