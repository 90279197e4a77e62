package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Convolutions (kernels/conv.cuh) as im2col and GEMM. With channels last,
// a convolution is the product of the patch matrix P, one row per output
// position (batch and out spatial), holding for every group the input
// values under the kernel there (kernel positions by the group's input
// channels, zeros on padding and between dilated input elements), and the
// weight read as a matrix W[g] of output channels by kernel positions
// times input channels: out[:, group g] = P[g] · W[g]ᵀ. A kernel writes P
// for a chunk of the batch into scratch, [rows][groups][kpos][cg], and
// cuBLASLt multiplies every group at once (a strided batch), straight into
// the group's columns of the output. The weight's cotangent is the other
// product, dW[g] = G[g]ᵀ · P[g], G the cotangent's columns of group g,
// accumulated over the chunks of the batch. Where they apply (float16,
// bfloat16 and float32 without input dilation, conv_gemm.go), both
// products run as implicit GEMMs that never write P.

// convMaxDims is the most spatial dimensions on cuda (CONV_MAXDIMS).
const convMaxDims = 8

// convChunkBytes bounds the patch matrix of one chunk of the batch.
var convChunkBytes = 1 << 30

// convGeomDev is ConvGeom of kernels/conv.cuh: keep the layouts in sync.
type convGeomDev struct {
	inSp, outSp, kSp, stride, padLo, kdil, idil, inStr [convMaxDims]int64
	inBatch, inChan                                    int64
	cg, kpos, groups                                   int64
	rows, row0                                         int64
	flip, nd                                           int64
}

// convShape is a convolution's shape, from its views and parameters: w is
// the weight's (or the weight cotangent's) view, out the output's (or the
// output cotangent's).
type convShape struct {
	dev              convGeomDev
	nd               int
	batch, cout      int
	groups, cg, og   int
	perImage         int  // output positions of one batch element
	rows, kpos, kred int  // output positions, kernel positions, kpos*cg
	elem             int  // element size
	weightRowsPacked bool // w's rows are row-major runs of kred elements
	weightRowStride  int
}

func newConvShape(op string, in, w, out core.View, p core.ConvParams) (*convShape, error) {
	nd := len(in.Shape) - 2
	if nd < 1 || len(w.Shape) != nd+2 || len(out.Shape) != nd+2 || len(p.Stride) != nd ||
		len(p.PadLo) != nd || len(p.PadHi) != nd || len(p.KernelDilation) != nd || len(p.InputDilation) != nd {
		return nil, fmt.Errorf("%s: inconsistent operands of shapes %v, %v and %v", op, in.Shape, w.Shape, out.Shape)
	}
	if nd > convMaxDims {
		return nil, fmt.Errorf("%s: %d spatial dimensions (at most %d on cuda)", op, nd, convMaxDims)
	}
	switch dt := in.Dtype; {
	case dt != w.Dtype || dt != out.Dtype:
		return nil, fmt.Errorf("%s: operands of types %s, %s and %s", op, ctype[dt], ctype[w.Dtype], ctype[out.Dtype])
	case dt != core.Float16 && dt != core.Bfloat16 && dt != core.Float32 && dt != core.Float64:
		return nil, fmt.Errorf("%s of %s: not implemented on cuda", op, ctype[dt])
	}
	c := &convShape{nd: nd, batch: in.Shape[0], cout: out.Shape[nd+1], groups: max(p.Groups, 1), elem: in.Dtype.Size()}
	cin := in.Shape[nd+1]
	c.cg, c.og = cin/c.groups, c.cout/c.groups
	if c.cg*c.groups != cin || c.og*c.groups != c.cout || w.Shape[0] != c.cout || w.Shape[nd+1] != c.cg || out.Shape[0] != c.batch {
		return nil, fmt.Errorf("%s: channels of shapes %v, %v and %v do not match %d groups", op, in.Shape, w.Shape, out.Shape, c.groups)
	}
	g := &c.dev
	c.perImage, c.kpos = 1, 1
	for j := 0; j < nd; j++ {
		g.inSp[j] = int64(in.Shape[j+1])
		g.outSp[j] = int64(out.Shape[j+1])
		g.kSp[j] = int64(w.Shape[j+1])
		g.stride[j] = int64(p.Stride[j])
		g.padLo[j] = int64(p.PadLo[j])
		g.kdil[j] = int64(p.KernelDilation[j])
		g.idil[j] = int64(max(p.InputDilation[j], 1))
		g.inStr[j] = int64(in.Strides[j+1])
		c.perImage *= out.Shape[j+1]
		c.kpos *= w.Shape[j+1]
	}
	c.rows = c.batch * c.perImage
	c.kred = c.kpos * c.cg
	g.inBatch, g.inChan = int64(in.Strides[0]), int64(in.Strides[nd+1])
	g.cg, g.kpos, g.groups = int64(c.cg), int64(c.kpos), int64(c.groups)
	g.nd = int64(nd)
	if p.Flip {
		g.flip = 1
	}
	// The weight as a matrix [cout, kred]: its kernel and channel
	// dimensions must be one row-major run, the rows at least kred apart.
	inner := core.View{Shape: w.Shape[1:], Strides: w.Strides[1:]}
	c.weightRowStride = w.Strides[0]
	if c.cout == 1 {
		c.weightRowStride = c.kred
	}
	c.weightRowsPacked = inner.IsContiguous() && c.weightRowStride >= max(c.kred, 1)
	return c, nil
}

// chunk returns how many batch elements one patch matrix holds.
func (c *convShape) chunk() int {
	per := c.perImage * c.groups * c.kred * c.elem
	if per <= 0 {
		return max(c.batch, 1)
	}
	return min(c.batch, max(1, convChunkBytes/per))
}

// im2col writes the patch matrix of output positions [row0, row0+rows) to
// the device address cols.
func (s *Stream) im2col(c *convShape, dt core.Dtype, pin, cols uintptr, row0, rows int) error {
	g := c.dev
	g.row0, g.rows = int64(row0), int64(rows)
	v := vecWidth(dt)
	ok := g.inChan == 1 && c.cg%v == 0 && aligned(uintptr(v*c.elem), pin, cols)
	if ok && c.batch > 1 && g.inBatch%int64(v) != 0 {
		ok = false
	}
	for j := 0; j < c.nd && ok; j++ {
		if g.inSp[j] > 1 && g.inStr[j]%int64(v) != 0 {
			ok = false
		}
	}
	if !ok {
		v = 1
	}
	total := rows * c.groups * c.kpos * (c.cg / v)
	idx := "i64"
	if total < 1<<31 && row0+rows < 1<<31 {
		idx = "u32"
	}
	variant := b2i(idx == "u32")*2 + b2i(v > 1)
	name := fmt.Sprintf("conv_im2col_v%d_%s", v, idx)
	f, err := s.kernel(fnKey{"im2col", 0, dt, 0, int(variant)}, convModule(dt), convSource(dt), name)
	if err != nil {
		return err
	}
	var p Params
	p.Ptr(pin).Ptr(cols).Ref(unsafe.Pointer(&g))
	return s.Launch(f, s.stridedGrid(total), block256, 0, &p)
}

// inputOperand returns the input's device address; an empty input (a
// spatial size zero: every patch is padding) is never read.
func (s *Stream) inputOperand(in core.View) (uintptr, error) {
	if in.Size() == 0 {
		return 0, nil
	}
	return s.operand(in)
}

// gemmDesc is a column-major product D = alpha·op(A)·op(B) + beta·D on
// the device, op(A) m×k and op(B) k×n, for batch matrices whose
// addresses step by sa, sb and sd elements.
type gemmDesc struct {
	dt             core.Dtype
	transA, transB int
	m, n, k        int
	a, b, d        uintptr
	lda, ldb, ldd  int
	batch          int
	sa, sb, sd     int
}

// gemm runs g through cuBLASLt, as one strided batch when cuBLASLt has an
// algorithm for it and one product per matrix otherwise.
func (s *Stream) gemm(g gemmDesc, alpha, beta float64) error {
	bs, err := s.blas()
	if err != nil {
		return err
	}
	key := planKey{dt: g.dt, transA: g.transA, transB: g.transB, m: g.m, n: g.n, k: g.k,
		lda: g.lda, ldb: g.ldb, ldc: g.ldd, batch: 1, tf32: tf32Enabled && g.dt == core.Float32}
	count := 1
	plan, err := (*matmulPlan)(nil), error(nil)
	if g.batch > 1 {
		k := key
		k.batch, k.strideA, k.strideB, k.strC = g.batch, g.sa, g.sb, g.sd
		plan, err = bs.plan(k)
	}
	if plan == nil {
		if plan, err = bs.plan(key); err != nil {
			return err
		}
		count = g.batch
	}
	var scalars [4]float64
	alphaP, betaP := scalarArgs(g.dt, alpha, beta, &scalars)
	size := uintptr(g.dt.Size())
	for t := 0; t < count; t++ {
		A := g.a + uintptr(t*g.sa)*size
		B := g.b + uintptr(t*g.sb)*size
		D := g.d + uintptr(t*g.sd)*size
		r := call(cublas.matmul, bs.handle, plan.desc, alphaP, A, plan.la, B, plan.lb, betaP, D, plan.lc, D, plan.lc,
			uintptr(unsafe.Pointer(&plan.algo[0])), bs.workspace, uintptr(plan.workspace), s.handle)
		if r != 0 {
			return blasErr("cublasLtMatmul", r)
		}
	}
	return nil
}

// convGemm is the product of the chunk of output positions [row0,
// row0+rows), its patch matrix at cols, by the weight at pw into the
// output at po. Column-major: the chunk's output, group g, is og × rows
// with leading dimension cout; W[g] is the transpose of the weight's
// kred × og block (leading dimension the weight's row stride); Pᵀ[g] is
// kred × rows with leading dimension groups*kred.
func (c *convShape) convGemm(dt core.Dtype, pw, cols, po uintptr, row0, rows int) gemmDesc {
	width := c.groups * c.kred
	return gemmDesc{
		dt: dt, transA: opT, transB: opN, m: c.og, n: rows, k: c.kred,
		a: pw, lda: c.weightRowStride, sa: c.og * c.weightRowStride,
		b: cols, ldb: width, sb: c.kred,
		d: po + uintptr(row0*c.cout*c.elem), ldd: c.cout, sd: c.og,
		batch: c.groups,
	}
}

// weightsGemm is the product of the transposed cotangent at pc by the
// patch matrix at cols, for the chunk of output positions [row0,
// row0+rows), into the weight's cotangent at po. Column-major: dW[g]ᵀ is
// kred × og with leading dimension kred; Pᵀ[g] is kred × rows with
// leading dimension groups*kred; G[g] is the transpose of the cotangent's
// og × rows block (leading dimension cout).
func (c *convShape) weightsGemm(dt core.Dtype, cols, pc, po uintptr, row0, rows int) gemmDesc {
	return gemmDesc{
		dt: dt, transA: opN, transB: opT, m: c.kred, n: c.og, k: rows,
		a: cols, lda: c.groups * c.kred, sa: c.kred,
		b: pc + uintptr(row0*c.cout*c.elem), ldb: c.cout, sb: c.og,
		d: po, ldd: c.kred, sd: c.og * c.kred,
		batch: c.groups,
	}
}

// Conv implements core.ConvKernels for float16, bfloat16 (multiplied in
// float32 and rounded once, as on the CPU), float32 and float64.
func (s *Stream) Conv(in, w, out core.View, p core.ConvParams) error {
	c, err := newConvShape("conv", in, w, out, p)
	if err != nil {
		return err
	}
	if out.Size() == 0 {
		return nil
	}
	if !out.IsContiguous() {
		return fmt.Errorf("conv: the output must be row-major")
	}
	dt := out.Dtype
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	if c.kred == 0 {
		return s.Memset(po, 0, out.Size()*c.elem)
	}
	if !c.weightRowsPacked {
		cp, release, err := s.packed(w)
		if err != nil {
			return err
		}
		defer release()
		w, c.weightRowStride = cp, c.kred
	}
	pw, err := s.operand(w)
	if err != nil {
		return err
	}
	if done, err := s.convImplicit(c, dt, in, w, p, pw, po); done || err != nil {
		return err
	}
	return s.im2colChunks(c, dt, in, func(cols uintptr, n0, row0, rows int) error {
		return s.gemm(c.convGemm(dt, pw, cols, po, row0, rows), 1, 0)
	})
}

// im2colChunks writes the patch matrix of in for a chunk of the batch at a
// time into scratch and calls use on each chunk: its address, its first
// image n0, and its first row and number of rows.
func (s *Stream) im2colChunks(c *convShape, dt core.Dtype, in core.View, use func(cols uintptr, n0, row0, rows int) error) error {
	pin, err := s.inputOperand(in)
	if err != nil {
		return err
	}
	chunk := c.chunk()
	width := c.groups * c.kred
	buf, err := s.Alloc(chunk*c.perImage*width*c.elem, core.Host)
	if err != nil {
		return err
	}
	defer buf.Release() // stream order keeps later users after the work queued here
	cols, err := s.Ptr(buf)
	if err != nil {
		return err
	}
	for n0 := 0; n0 < c.batch; n0 += chunk {
		row0, rows := n0*c.perImage, min(chunk, c.batch-n0)*c.perImage
		if err := s.im2col(c, dt, pin, cols, row0, rows); err != nil {
			return err
		}
		if err := use(cols, n0, row0, rows); err != nil {
			return err
		}
	}
	return nil
}

// ConvWeights implements core.ConvKernels: the weight's cotangent, for
// the types that Conv takes.
func (s *Stream) ConvWeights(in, cot, out core.View, p core.ConvParams) error {
	c, err := newConvShape("conv weights", in, out, cot, p)
	if err != nil {
		return err
	}
	if out.Size() == 0 {
		return nil
	}
	if !out.IsContiguous() {
		return fmt.Errorf("conv weights: the output must be row-major")
	}
	dt := out.Dtype
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	if c.rows == 0 {
		return s.Memset(po, 0, out.Size()*c.elem)
	}
	if !cot.IsContiguous() {
		cp, release, err := s.packed(cot)
		if err != nil {
			return err
		}
		defer release()
		cot = cp
	}
	pc, err := s.operand(cot)
	if err != nil {
		return err
	}
	if done, err := s.convWeightsImplicit(c, dt, in, p, pc, po); done || err != nil {
		return err
	}
	return s.im2colChunks(c, dt, in, func(cols uintptr, n0, row0, rows int) error {
		beta := 0.0
		if n0 > 0 {
			beta = 1 // accumulate over the chunks
		}
		return s.gemm(c.weightsGemm(dt, cols, pc, po, row0, rows), 1, beta)
	})
}

func convModule(dt core.Dtype) string { return "conv_" + dtypeTag[dt] }

func convSource(dt core.Dtype) func() string {
	return func() string {
		var e entryList
		t := ctype[dt]
		for _, v := range []int{vecWidth(dt), 1} {
			for _, idx := range []string{"u32", "i64"} {
				e.add(`extern "C" __global__ void __launch_bounds__(256) conv_im2col_v%d_%s(const %s* in, %s* cols, ConvGeom g) { conv_im2col<%s, %d, %s>(in, cols, g); }`,
					v, idx, t, t, t, v, idx)
			}
		}
		return source(e.String(), "conv.cuh")()
	}
}

var _ core.ConvKernels = (*Stream)(nil)

func init() {
	for _, dt := range []core.Dtype{core.Float16, core.Bfloat16, core.Float32, core.Float64} {
		registerModule(convModule(dt), convSource(dt))
	}
}
