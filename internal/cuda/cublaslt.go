package cuda

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// The cuBLASLt functions used, loaded on the first matmul.
var cublas struct {
	once    sync.Once
	err     error
	lib     *library
	version int

	create, getVersion                                 uintptr
	descCreate, descSetAttr, descDestroy               uintptr
	layoutCreate, layoutSetAttr, layoutDestroy         uintptr
	prefCreate, prefSetAttr, prefDestroy, getHeuristic uintptr
	matmul                                             uintptr
}

func loadCublas() error {
	cublas.once.Do(func() {
		names := []string{"libcublasLt.so", "libcublasLt.so.13", "libcublasLt.so.12"}
		lib, err := openLibrary("cuBLASLt (libcublasLt)", names, toolkitDirs())
		if err != nil {
			cublas.err = err
			return
		}
		var missing []string
		s := func(name string) uintptr { return lib.sym(name, &missing) }
		cublas.create = s("cublasLtCreate")
		cublas.getVersion = s("cublasLtGetVersion")
		cublas.descCreate = s("cublasLtMatmulDescCreate")
		cublas.descSetAttr = s("cublasLtMatmulDescSetAttribute")
		cublas.descDestroy = s("cublasLtMatmulDescDestroy")
		cublas.layoutCreate = s("cublasLtMatrixLayoutCreate")
		cublas.layoutSetAttr = s("cublasLtMatrixLayoutSetAttribute")
		cublas.layoutDestroy = s("cublasLtMatrixLayoutDestroy")
		cublas.prefCreate = s("cublasLtMatmulPreferenceCreate")
		cublas.prefSetAttr = s("cublasLtMatmulPreferenceSetAttribute")
		cublas.prefDestroy = s("cublasLtMatmulPreferenceDestroy")
		cublas.getHeuristic = s("cublasLtMatmulAlgoGetHeuristic")
		cublas.matmul = s("cublasLtMatmul")
		if len(missing) > 0 {
			cublas.err = fmt.Errorf("%s lacks %s", lib.path, strings.Join(missing, ", "))
			return
		}
		cublas.lib = lib
		cublas.version = call(cublas.getVersion)
	})
	return cublas.err
}

func blasErr(what string, r int) error {
	if r == 0 {
		return nil
	}
	return fmt.Errorf("cublasLt: %s failed with status %d", what, r)
}

// cuBLASLt's enums (cublasLt.h, library_types.h).
const (
	cudaR16F  = 2
	cudaR32F  = 0
	cudaR64F  = 1
	cudaR16BF = 14
	cudaC32F  = 4

	computeF32     = 68
	computeF32TF32 = 77
	computeF64     = 70

	descTransA = 3
	descTransB = 4

	layoutBatchCount  = 5
	layoutBatchStride = 6

	prefMaxWorkspace = 1

	opN = 0
	opT = 1
)

// workspaceBytes is the scratch each stream gives cuBLASLt (its guide
// suggests 32 MiB on Hopper).
const workspaceBytes = 32 << 20

// matmulPlan is a prepared cuBLASLt call: descriptors and the algorithm.
type matmulPlan struct {
	desc, la, lb, lc uintptr
	algo             [64]byte
	workspace        int
}

// planKey identifies the shape of a call, for reusing plans.
type planKey struct {
	dt                     core.Dtype
	transA, transB         int
	m, n, k                int
	lda, ldb, ldc          int
	batch                  int
	strideA, strideB, strC int
	tf32                   bool
}

// heuristicResult is cublasLtMatmulHeuristicResult_t.
type heuristicResult struct {
	algo      [64]byte
	workspace uint64
	state     int32
	waves     float32
	_         [4]int32
}

// tf32Enabled reports whether float32 products may use TF32 tensor cores,
// as MLX_ENABLE_TF32=1 asks.
var tf32Enabled = os.Getenv("MLX_ENABLE_TF32") == "1"

// blasState is a stream's cuBLASLt handle, workspace and plans.
type blasState struct {
	handle    uintptr
	workspace uintptr
	plans     map[planKey]*matmulPlan
}

func (s *Stream) blas() (*blasState, error) {
	if s.blasSt != nil {
		return s.blasSt, nil
	}
	if err := loadCublas(); err != nil {
		return nil, err
	}
	b := &blasState{plans: map[planKey]*matmulPlan{}}
	if err := blasErr("cublasLtCreate", call(cublas.create, ptr(&b.handle))); err != nil {
		return nil, err
	}
	blk, err := s.dev.alloc.get(s, workspaceBytes)
	if err != nil {
		return nil, err
	}
	b.workspace = blk.ptr
	s.blasSt = b
	return b, nil
}

func (b *blasState) plan(k planKey) (*matmulPlan, error) {
	if p, ok := b.plans[k]; ok {
		return p, nil
	}
	var dtype, scale, compute int
	switch k.dt {
	case core.Float32:
		dtype, scale, compute = cudaR32F, cudaR32F, computeF32
		if k.tf32 {
			compute = computeF32TF32
		}
	case core.Float16:
		dtype, scale, compute = cudaR16F, cudaR32F, computeF32
	case core.Bfloat16:
		dtype, scale, compute = cudaR16BF, cudaR32F, computeF32
	case core.Float64:
		dtype, scale, compute = cudaR64F, cudaR64F, computeF64
	case core.Complex64:
		dtype, scale, compute = cudaC32F, cudaC32F, computeF32
	default:
		return nil, fmt.Errorf("matmul of %s: not implemented on cuda", ctype[k.dt])
	}
	p := &matmulPlan{}
	if r := call(cublas.descCreate, ptr(&p.desc), uintptr(compute), uintptr(scale)); r != 0 {
		return nil, blasErr("cublasLtMatmulDescCreate", r)
	}
	ta, tb := int32(k.transA), int32(k.transB)
	call(cublas.descSetAttr, p.desc, descTransA, ptr(&ta), 4)
	call(cublas.descSetAttr, p.desc, descTransB, ptr(&tb), 4)
	// Stored shapes, column-major: op(A) is m x k, op(B) k x n, C m x n.
	ar, ac := k.m, k.k
	if k.transA == opT {
		ar, ac = k.k, k.m
	}
	br, bc := k.k, k.n
	if k.transB == opT {
		br, bc = k.n, k.k
	}
	layout := func(out *uintptr, rows, cols, ld, stride int) error {
		if r := call(cublas.layoutCreate, ptr(out), uintptr(dtype), uintptr(rows), uintptr(cols), uintptr(ld)); r != 0 {
			return blasErr("cublasLtMatrixLayoutCreate", r)
		}
		if k.batch > 1 {
			n, st := int32(k.batch), int64(stride)
			call(cublas.layoutSetAttr, *out, layoutBatchCount, ptr(&n), 4)
			call(cublas.layoutSetAttr, *out, layoutBatchStride, ptr(&st), 8)
		}
		return nil
	}
	if err := layout(&p.la, ar, ac, k.lda, k.strideA); err != nil {
		return nil, err
	}
	if err := layout(&p.lb, br, bc, k.ldb, k.strideB); err != nil {
		return nil, err
	}
	if err := layout(&p.lc, k.m, k.n, k.ldc, k.strC); err != nil {
		return nil, err
	}
	var pref uintptr
	if r := call(cublas.prefCreate, ptr(&pref)); r != 0 {
		return nil, blasErr("cublasLtMatmulPreferenceCreate", r)
	}
	defer call(cublas.prefDestroy, pref)
	ws := uint64(workspaceBytes)
	call(cublas.prefSetAttr, pref, prefMaxWorkspace, ptr(&ws), 8)
	var res heuristicResult
	var found int32
	r := call(cublas.getHeuristic, b.handle, p.desc, p.la, p.lb, p.lc, p.lc, pref, 1, ptr(&res), ptr(&found))
	if r != 0 || found == 0 {
		return nil, fmt.Errorf("cublasLt: no algorithm for a %dx%dx%d %s product (status %d)", k.m, k.n, k.k, ctype[k.dt], r)
	}
	p.algo = res.algo
	p.workspace = int(res.workspace)
	b.plans[k] = p
	return p, nil
}

// matrixLayout classifies a matrix of rows x cols with strides (rs, cs):
// row-major gives (false, rs), column-major (true, cs); ok is false for
// other layouts.
func matrixLayout(rows, cols, rs, cs int) (colMajor bool, ld int, ok bool) {
	switch {
	case (cs == 1 || cols == 1) && rs >= max(cols, 1):
		return false, rs, true
	case (rs == 1 || rows == 1) && cs >= max(rows, 1):
		return true, cs, true
	case rows == 1 && cols == 1:
		return false, 1, true
	}
	return false, 0, false
}

// Matmul implements core.MatmulKernels with cuBLASLt. The row-major
// product out = a @ b is computed as the column-major product
// out^T = b^T a^T, which reads the same memory.
func (s *Stream) Matmul(a, b, out core.View, c *core.View, alpha, beta float64) error {
	nd := len(out.Shape)
	m, n, k := out.Shape[nd-2], out.Shape[nd-1], a.Shape[nd-1]
	if out.Size() == 0 {
		return nil
	}
	if c == nil || beta == 0 {
		beta = 0
	} else if err := s.Copy(*c, out); err != nil {
		return err
	}
	if k == 0 {
		if beta == 0 {
			p, err := s.operand(out)
			if err != nil {
				return err
			}
			return s.Memset(p, 0, out.Size()*out.Dtype.Size())
		}
		return s.scaleInPlace(out, beta)
	}
	a, freeA, err := s.blasOperand(a, m, k)
	if err != nil {
		return err
	}
	defer freeA()
	b, freeB, err := s.blasOperand(b, k, n)
	if err != nil {
		return err
	}
	defer freeB()
	bs, err := s.blas()
	if err != nil {
		return err
	}
	aCol, lda, _ := matrixLayout(m, k, a.Strides[nd-2], a.Strides[nd-1])
	bCol, ldb, _ := matrixLayout(k, n, b.Strides[nd-2], b.Strides[nd-1])
	pa, err := s.operand(a)
	if err != nil {
		return err
	}
	pb, err := s.operand(b)
	if err != nil {
		return err
	}
	po, err := s.operand(out)
	if err != nil {
		return err
	}
	// Batch dimensions: merged, the innermost becomes cuBLASLt's strided
	// batch and the rest a loop.
	outBatch := core.RowMajorStrides(out.Shape)[:nd-2]
	bshape, bstr := mergeDims(out.Shape[:nd-2], a.Strides[:nd-2], b.Strides[:nd-2], outBatch)
	batch, sa, sb, so := 1, 0, 0, 0
	if len(bshape) > 0 {
		last := len(bshape) - 1
		batch, sa, sb, so = bshape[last], bstr[0][last], bstr[1][last], bstr[2][last]
		bshape = bshape[:last]
	}
	key := planKey{dt: out.Dtype, m: n, n: m, k: k, ldc: n, batch: batch,
		strideA: sb, strideB: sa, strC: so, tf32: tf32Enabled && out.Dtype == core.Float32}
	// Column-major: A is b^T (n x k), B is a^T (k x m).
	if bCol {
		key.transA, key.lda = opT, ldb
	} else {
		key.transA, key.lda = opN, ldb
	}
	if aCol {
		key.transB, key.ldb = opT, lda
	} else {
		key.transB, key.ldb = opN, lda
	}
	plan, err := bs.plan(key)
	if err != nil {
		return err
	}
	var scalars [4]float64
	alphaP, betaP := scalarArgs(out.Dtype, alpha, beta, &scalars)
	size := uintptr(out.Dtype.Size())
	outer := 1
	for _, d := range bshape {
		outer *= d
	}
	for t := 0; t < outer; t++ {
		offA, offB, offO := 0, 0, 0
		for d, r := len(bshape)-1, t; d >= 0; d-- {
			i := r % bshape[d]
			r /= bshape[d]
			offA += i * bstr[0][d]
			offB += i * bstr[1][d]
			offO += i * bstr[2][d]
		}
		A := pb + uintptr(offB)*size
		B := pa + uintptr(offA)*size
		D := po + uintptr(offO)*size
		r := call(cublas.matmul, bs.handle, plan.desc, alphaP, A, plan.la, B, plan.lb, betaP, D, plan.lc, D, plan.lc,
			uintptr(unsafe.Pointer(&plan.algo[0])), bs.workspace, uintptr(plan.workspace), s.handle)
		if r != 0 {
			return blasErr("cublasLtMatmul", r)
		}
	}
	return nil
}

// scalarArgs writes alpha and beta in the scale type of dt and returns
// their addresses.
func scalarArgs(dt core.Dtype, alpha, beta float64, buf *[4]float64) (uintptr, uintptr) {
	switch dt {
	case core.Float64:
		buf[0], buf[1] = alpha, beta
		return uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&buf[1]))
	case core.Complex64:
		f := (*[8]float32)(unsafe.Pointer(buf))
		f[0], f[1], f[2], f[3] = float32(alpha), 0, float32(beta), 0
		return uintptr(unsafe.Pointer(&f[0])), uintptr(unsafe.Pointer(&f[2]))
	default:
		f := (*[8]float32)(unsafe.Pointer(buf))
		f[0], f[1] = float32(alpha), float32(beta)
		return uintptr(unsafe.Pointer(&f[0])), uintptr(unsafe.Pointer(&f[1]))
	}
}

// blasOperand returns v when cuBLASLt can read its matrices in place, and
// otherwise a row-major copy of it, with a function that releases the copy
// once the work that reads it is queued (stream order keeps later users
// of its memory after that work).
func (s *Stream) blasOperand(v core.View, rows, cols int) (core.View, func(), error) {
	nd := len(v.Shape)
	if _, _, ok := matrixLayout(rows, cols, v.Strides[nd-2], v.Strides[nd-1]); ok {
		return v, func() {}, nil
	}
	cp, release, err := s.packed(v)
	if err != nil {
		return v, nil, err
	}
	return cp, release, nil
}

// packed returns a row-major copy of v in scratch memory, with the function
// that releases it; call that once the work reading the copy is queued
// (stream order keeps later users of the memory after that work).
func (s *Stream) packed(v core.View) (core.View, func(), error) {
	buf, err := s.Alloc(v.Size()*v.Dtype.Size(), core.Host)
	if err != nil {
		return v, nil, err
	}
	cp := core.View{Buf: buf, Dtype: v.Dtype, Shape: v.Shape, Strides: core.RowMajorStrides(v.Shape)}
	if err := s.Copy(v, cp); err != nil {
		buf.Release()
		return v, nil, err
	}
	return cp, buf.Release, nil
}

// scaleInPlace multiplies the row-major view v, of a floating or complex
// type, by x.
func (s *Stream) scaleInPlace(v core.View, x float64) error {
	if x == 1 {
		return nil
	}
	one, err := core.Host.Alloc(v.Dtype.Size())
	if err != nil {
		return err
	}
	defer one.Release()
	h := one.Bytes()
	switch v.Dtype {
	case core.Float16:
		*(*core.F16)(unsafe.Pointer(&h[0])) = core.F16FromFloat64(x)
	case core.Bfloat16:
		*(*core.BF16)(unsafe.Pointer(&h[0])) = core.BF16FromFloat64(x)
	case core.Float32:
		*(*float32)(unsafe.Pointer(&h[0])) = float32(x)
	case core.Float64:
		*(*float64)(unsafe.Pointer(&h[0])) = x
	case core.Complex64:
		*(*complex64)(unsafe.Pointer(&h[0])) = complex(float32(x), 0)
	default:
		return fmt.Errorf("matmul of %s: not implemented on cuda", ctype[v.Dtype])
	}
	scalar := core.View{Buf: one, Dtype: v.Dtype, Shape: v.Shape, Strides: make([]int, len(v.Shape))}
	return s.Binary(core.Multiply, v, scalar, v)
}
