package cuda

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"strings"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// fusedWidth is how many consecutive elements a thread of the contiguous
// fused kernel computes, loading and storing them at once.
const fusedWidth = 8

// fusedKernel is the compiled form of a core.FusedProgram.
type fusedKernel struct {
	module string
	src    func() string
}

// fusedSource generates the CUDA C++ of a program: a function computing
// one element from its input values, and two kernels around it, one for
// contiguous or scalar inputs (fused_v, fusedWidth elements a thread, moved
// as vectors) and one for inputs of any strides (fused_g).
func fusedSource(p *core.FusedProgram) string {
	var b strings.Builder
	complexUsed := false
	for _, dt := range p.InputDtypes {
		complexUsed = complexUsed || dt == core.Complex64
	}
	for i := range p.Instrs {
		complexUsed = complexUsed || p.Instrs[i].Dtype == core.Complex64
	}
	files := []string{"common.cuh"}
	if complexUsed {
		files = append(files, "unary_complex.cuh")
	}
	b.WriteString(kernelSource(files...))
	// Fused float32 code computes exp, log, tanh, sigmoid and erf with the
	// float functions (within 2 ulp) instead of in double: compiled code
	// is for speed, and double math would bound it on GPUs slow at float64.
	b.WriteString("#define F32_HOT_IN_FLOAT 1\n")
	b.WriteString(unaryOpDefs())
	b.WriteString(kernelSource("unary.cuh", "binary.cuh"))

	// compute: the program on one element.
	var params []string
	for k, dt := range p.InputDtypes {
		params = append(params, fmt.Sprintf("%s in%d", ctype[dt], k))
	}
	for k, o := range p.Outputs {
		params = append(params, fmt.Sprintf("%s& out%d", ctype[p.Instrs[o].Dtype], k))
	}
	fmt.Fprintf(&b, "__device__ __forceinline__ void compute(%s) {\n", strings.Join(params, ", "))
	for i := range p.Instrs {
		in := &p.Instrs[i]
		t := ctype[in.Dtype]
		arg := func(k int) string { return fmt.Sprintf("v%d", in.Args[k]) }
		argType := func(k int) string { return ctype[p.Instrs[in.Args[k]].Dtype] }
		switch in.Op {
		case core.FusedInput:
			fmt.Fprintf(&b, "  %s v%d = in%d;\n", t, i, in.Input)
		case core.FusedConst:
			fmt.Fprintf(&b, "  %s v%d = %s;\n", t, i, constExpr(in.Dtype, in.Const))
		case core.FusedUnary:
			up := unaryParams(in.Unary, in.Params)
			fmt.Fprintf(&b, "  const UParams p%d = {%s, %s, %s, %s, %s, %dull, %dll};\n", i,
				doubleLit(up.nan), doubleLit(up.pos), doubleLit(up.neg), doubleLit(up.pow10), doubleLit(up.scale), up.ipow10, up.decimals)
			fmt.Fprintf(&b, "  %s v%d = unary_apply<OP_%s, %s, %s>(%s, p%d);\n", t, i,
				strings.ToUpper(in.Unary.String()), argType(0), t, arg(0), i)
		case core.FusedBinary:
			fmt.Fprintf(&b, "  %s v%d = apply2<%s, %s, %s>(%s, %s);\n", t, i, argType(0), t, binaryFunctor[in.Binary], arg(0), arg(1))
		case core.FusedWhere:
			fmt.Fprintf(&b, "  %s v%d = %s ? %s : %s;\n", t, i, arg(0), arg(1), arg(2))
		case core.FusedCast:
			fmt.Fprintf(&b, "  %s v%d = convert<%s, %s>(%s);\n", t, i, t, argType(0), arg(0))
		}
	}
	for k, o := range p.Outputs {
		fmt.Fprintf(&b, "  out%d = v%d;\n", k, o)
	}
	b.WriteString("}\n")

	// The kernels' parameters: inputs, outputs, n, then a layout or steps.
	var kp, call, vecLoads, vecArgs, scalarArgs []string
	for k, dt := range p.InputDtypes {
		t := ctype[dt]
		kp = append(kp, fmt.Sprintf("const %s* __restrict__ a%d", t, k))
		call = append(call, fmt.Sprintf("a%d[off[%d]]", k, k))
		vecLoads = append(vecLoads, fmt.Sprintf(
			"    Vec<%s, W> x%d; if (steps & %d) x%d = *(const Vec<%s, W>*)(a%d + i); else for (int k = 0; k < W; k++) x%d.v[k] = a%d[0];",
			t, k, 1<<k, k, t, k, k, k))
		vecArgs = append(vecArgs, fmt.Sprintf("x%d.v[k]", k))
		scalarArgs = append(scalarArgs, fmt.Sprintf("a%d[(steps & %d) ? j : 0]", k, 1<<k))
	}
	var outDecl, outVec, outStore, outScalar, outGen []string
	for k, o := range p.Outputs {
		t := ctype[p.Instrs[o].Dtype]
		kp = append(kp, fmt.Sprintf("%s* __restrict__ r%d", t, k))
		outDecl = append(outDecl, fmt.Sprintf("    Vec<%s, W> y%d;", t, k))
		outVec = append(outVec, fmt.Sprintf("y%d.v[k]", k))
		outStore = append(outStore, fmt.Sprintf("    *(Vec<%s, W>*)(r%d + i) = y%d;", t, k, k))
		outScalar = append(outScalar, fmt.Sprintf("r%d[j]", k))
		outGen = append(outGen, fmt.Sprintf("r%d[i]", k))
	}
	nIn := max(1, p.NumInputs)
	fmt.Fprintf(&b, "#define W %d\n", fusedWidth)
	fmt.Fprintf(&b, "extern \"C\" __global__ void fused_v(%s, i64 n, i32 steps) {\n", strings.Join(kp, ", "))
	b.WriteString("  i64 i = global_index() * W;\n  if (i >= n) return;\n  if (i + W <= n) {\n")
	b.WriteString(strings.Join(vecLoads, "\n") + "\n")
	b.WriteString(strings.Join(outDecl, "\n") + "\n")
	fmt.Fprintf(&b, "#pragma unroll\n    for (int k = 0; k < W; k++) compute(%s);\n", strings.Join(append(vecArgs, outVec...), ", "))
	b.WriteString(strings.Join(outStore, "\n") + "\n")
	fmt.Fprintf(&b, "  } else {\n    for (i64 j = i; j < n; j++) compute(%s);\n  }\n}\n", strings.Join(append(scalarArgs, outScalar...), ", "))
	fmt.Fprintf(&b, "extern \"C\" __global__ void fused_g(%s, i64 n, Layout<%d> l) {\n", strings.Join(kp, ", "), nIn)
	fmt.Fprintf(&b, "  for (i64 i = global_index(); i < n; i += global_stride()) {\n    i64 off[%d];\n    offsets<%d>(l, i, off);\n", nIn, nIn)
	fmt.Fprintf(&b, "    compute(%s);\n  }\n}\n", strings.Join(append(call, outGen...), ", "))
	return b.String()
}

// doubleLit writes x exactly, infinities and NaN included.
func doubleLit(x float64) string {
	return fmt.Sprintf("__longlong_as_double(0x%016xll)", math.Float64bits(x))
}

// constExpr is a constant of type dt.
func constExpr(dt core.Dtype, c core.FusedScalar) string {
	switch dt {
	case core.Bool:
		if c.I != 0 {
			return "true"
		}
		return "false"
	case core.Float16, core.Bfloat16, core.Float32, core.Float64:
		return fmt.Sprintf("cast<%s, double>(%s)", ctype[dt], doubleLit(c.F))
	case core.Complex64:
		return fmt.Sprintf("c64{(float)%s, 0.0f}", doubleLit(c.F))
	case core.Uint64:
		return fmt.Sprintf("(u64)%dull", uint64(c.I))
	}
	return fmt.Sprintf("(%s)(%dll)", ctype[dt], c.I)
}

// Fused implements core.FusedKernels: one generated kernel per program.
func (s *Stream) Fused(p *core.FusedProgram, inputs, outputs []core.View) error {
	if len(p.InputDtypes) > 32 {
		return fmt.Errorf("fused: %d inputs: at most 32 on cuda", len(p.InputDtypes))
	}
	prep, err := p.Prepared(s.dev, func() (any, error) {
		src := fusedSource(p)
		h := sha256.Sum256([]byte(src))
		return &fusedKernel{module: "fused_" + hex.EncodeToString(h[:12]), src: func() string { return src }}, nil
	})
	if err != nil {
		return err
	}
	fk := prep.(*fusedKernel)
	n := 0
	if len(outputs) > 0 {
		n = outputs[0].Size()
	}
	if n == 0 {
		return nil
	}
	var pr Params
	steps, vec := int32(0), true
	for k, v := range inputs {
		ptr, err := s.operand(v)
		if err != nil {
			return err
		}
		pr.Ptr(ptr)
		switch {
		case v.IsContiguous():
			steps |= 1 << k
			vec = vec && aligned(uintptr(fusedWidth*v.Dtype.Size()), ptr)
		case v.IsScalarBroadcast():
		default:
			vec = false
		}
	}
	for _, v := range outputs {
		ptr, err := s.operand(v)
		if err != nil {
			return err
		}
		pr.Ptr(ptr)
		vec = vec && aligned(uintptr(fusedWidth*v.Dtype.Size()), ptr)
	}
	pr.Int(n)
	name := "fused_v"
	if vec {
		pr.Int32(steps)
	} else {
		name = "fused_g"
		strides := make([][]int, max(1, len(inputs)))
		for k, v := range inputs {
			strides[k] = v.Strides
		}
		if len(inputs) == 0 {
			strides[0] = make([]int, len(outputs[0].Shape))
		}
		l, err := layoutWords("fused", outputs[0].Shape, strides)
		if err != nil {
			return err
		}
		pr.Ref(unsafe.Pointer(&l[0]))
		defer runtime.KeepAlive(l) // until the launch has read it
	}
	jit := s.dev.jit
	jit.fusedMu.RLock()
	f, err := jit.fusedFunction(fk.module, fk.src, name)
	if err == nil {
		grid := s.stridedGrid(n)
		if vec {
			grid = gridFor((n + fusedWidth - 1) / fusedWidth)
		}
		err = s.Launch(f, grid, block256, 0, &pr)
	}
	jit.fusedMu.RUnlock()
	if err != nil {
		return err
	}
	return jit.trimFused()
}
