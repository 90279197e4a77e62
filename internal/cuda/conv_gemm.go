package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Convolutions as implicit GEMMs (kernels/conv_gemm.cuh): the products of
// Conv and ConvWeights without the patch matrix, whose tiles each block
// gathers from the input as it needs them, in float. They serve float16,
// bfloat16 and float32 with no input dilation, up to three spatial
// dimensions and channels per group a multiple of four (ConvWeights also
// output channels per group a multiple of four); other convolutions go
// through im2col and cuBLASLt. The input's cotangent is a Conv (mx writes
// it so), so it takes the implicit GEMM where its stride was one.

// convTile is a tiling of the implicit GEMM: BK columns of the reduction
// per step, and the blocks per multiprocessor its launch bounds ask for.
type convTile struct{ bk, minBlocks int }

// convTiles are the tilings built; convTileUsed indexes the one Conv uses.
var convTiles = []convTile{{16, 2}, {16, 3}, {8, 3}}

var convTileUsed = 0

// convIm2colOnly turns the implicit GEMM off (for comparisons).
var convIm2colOnly = false

// convGemmArgsDev is ConvGemmArgs of kernels/conv_gemm.cuh.
type convGemmArgsDev struct {
	og, cout, ldw, vecOut int64
}

// convGemmFits reports whether the implicit GEMM computes c: its dtype,
// dimensions and parameters, and the input's strides (not its address).
func (c *convShape) convGemmFits(in core.View, p core.ConvParams) bool {
	switch in.Dtype {
	case core.Float16, core.Bfloat16, core.Float32:
		return c.convGemmShapeFits(in, p)
	}
	return false
}

// convGemmShapeFits is convGemmFits less the dtype.
func (c *convShape) convGemmShapeFits(in core.View, p core.ConvParams) bool {
	if convIm2colOnly || c.nd > 3 || c.cg%4 != 0 || c.cg == 0 || c.groups > 65535 ||
		c.rows >= 1<<31 || c.kred >= 1<<30 || (c.og+63)/64 > 65535 {
		return false
	}
	g := &c.dev
	if g.inChan != 1 && c.cg > 1 {
		return false
	}
	if c.batch > 1 && g.inBatch%4 != 0 {
		return false
	}
	const lim = 1 << 29 // spatial coordinates stay far inside 32 bits
	for j := 0; j < c.nd; j++ {
		if p.InputDilation[j] > 1 {
			return false
		}
		if g.inSp[j] > 1 && g.inStr[j]%4 != 0 {
			return false
		}
		span := g.outSp[j]*g.stride[j] + g.padLo[j] + g.kSp[j]*g.kdil[j]
		if g.inSp[j] >= lim || g.outSp[j] >= lim || g.stride[j] >= lim || g.kdil[j] >= lim ||
			g.padLo[j] >= lim || g.padLo[j] <= -lim || span >= lim || g.kSp[j]*g.kdil[j] >= lim {
			return false
		}
	}
	return true
}

// convImplicit runs Conv as an implicit GEMM when it fits and reports
// whether it did. The weight w, at pw, is a [cout][kred] matrix with rows
// c.weightRowStride apart; a row-major copy replaces it when its rows or
// its address are not aligned to four elements.
func (s *Stream) convImplicit(c *convShape, dt core.Dtype, in, w core.View, p core.ConvParams, pw, po uintptr) (bool, error) {
	if !c.convGemmFits(in, p) {
		return false, nil
	}
	pin, err := s.inputOperand(in)
	if err != nil {
		return false, err
	}
	vec := uintptr(4 * c.elem)
	if !aligned(vec, pin) {
		return false, nil
	}
	ldw := c.weightRowStride
	if ldw%4 != 0 || !aligned(vec, pw) {
		cp, release, err := s.packed(w)
		if err != nil {
			return false, err
		}
		defer release()
		if pw, err = s.operand(cp); err != nil {
			return false, err
		}
		ldw = c.kred
	}
	return true, s.convGemm(c, dt, pin, pw, po, ldw)
}

// convGemm launches the implicit GEMM of c.
func (s *Stream) convGemm(c *convShape, dt core.Dtype, pin, pw, po uintptr, ldw int) error {
	tile := convTiles[convTileUsed]
	fast := b2i(c.cg%tile.bk == 0)
	name := fmt.Sprintf("conv_gemm_nd%d_f%d", c.nd, fast)
	key := fnKey{"convgemm", convTileUsed, dt, 0, c.nd*2 + int(fast)}
	f, err := s.kernel(key, convGemmModule(dt, tile), convGemmSource(dt, tile), name)
	if err != nil {
		return err
	}
	g := c.dev
	g.rows, g.row0 = int64(c.rows), 0
	a := convGemmArgsDev{og: int64(c.og), cout: int64(c.cout), ldw: int64(ldw)}
	if c.og%4 == 0 && c.cout%4 == 0 && aligned(uintptr(4*c.elem), po) {
		a.vecOut = 1
	}
	var prm Params
	prm.Ptr(pin).Ptr(pw).Ptr(po).Ref(unsafe.Pointer(&g)).Ref(unsafe.Pointer(&a))
	grid := [3]int{(c.rows + 127) / 128, (c.og + 63) / 64, c.groups}
	return s.Launch(f, grid, [3]int{128, 1, 1}, 0, &prm)
}

// convWeightsMinBlocks are the launch bounds of the weight cotangent's
// kernels built; convWeightsUsed indexes the one ConvWeights uses.
var convWeightsMinBlocks = []int{2, 3}

var convWeightsUsed = 0

// convWeightsImplicit runs ConvWeights as an implicit GEMM when it fits
// (what Conv's needs, and output channels per group and in all multiples
// of four), the cotangent at pc row-major, and reports whether it did.
// The positions are split into ranges, about two blocks per
// multiprocessor and launch bound in all, each block writing float
// partial sums to scratch; a second kernel adds them into the output.
func (s *Stream) convWeightsImplicit(c *convShape, dt core.Dtype, in core.View, p core.ConvParams, pc, po uintptr) (bool, error) {
	if !c.convGemmFits(in, p) || c.og%4 != 0 || c.cout%4 != 0 || c.kred == 0 {
		return false, nil
	}
	pin, err := s.inputOperand(in)
	if err != nil {
		return false, err
	}
	if !aligned(uintptr(4*c.elem), pin, pc) {
		return false, nil
	}
	mb := convWeightsMinBlocks[convWeightsUsed]
	n := c.cout * c.kred
	base := (c.kred + 127) / 128 * ((c.og + 63) / 64) * c.groups
	splits := s.dev.info.Multiprocessors * mb * 2 / base
	splits = min(splits, (c.rows+127)/128, 65535/c.groups, (256<<20)/(4*n))
	splits = max(splits, 1)
	const bk = 16
	rowsPer := ((c.rows+splits-1)/splits + bk - 1) / bk * bk
	splits = (c.rows + rowsPer - 1) / rowsPer

	module := convWeightsModule(dt, mb)
	src := convWeightsSource(dt, mb)
	name := fmt.Sprintf("conv_wgrad_nd%d", c.nd)
	f, err := s.kernel(fnKey{"convwgrad", mb, dt, 0, c.nd}, module, src, name)
	if err != nil {
		return false, err
	}
	sum, err := s.kernel(fnKey{"convwsum", mb, dt, 0, 0}, module, src, "conv_wsum")
	if err != nil {
		return false, err
	}
	buf, err := s.Alloc(splits*n*4, core.Host)
	if err != nil {
		return false, err
	}
	defer buf.Release() // stream order keeps later users after the sum
	part, err := s.Ptr(buf)
	if err != nil {
		return false, err
	}
	g := c.dev
	g.rows, g.row0 = int64(c.rows), 0
	a := convGemmArgsDev{og: int64(c.og), cout: int64(c.cout)}
	var prm Params
	prm.Ptr(pin).Ptr(pc).Ptr(part).Ref(unsafe.Pointer(&g)).Ref(unsafe.Pointer(&a)).Int(rowsPer)
	grid := [3]int{(c.kred + 127) / 128, (c.og + 63) / 64, c.groups * splits}
	if err := s.Launch(f, grid, [3]int{128, 1, 1}, 0, &prm); err != nil {
		return false, err
	}
	prm.Reset()
	prm.Ptr(part).Ptr(po).Int(n).Int(splits)
	return true, s.Launch(sum, s.stridedGrid(n), block256, 0, &prm)
}

func convWeightsModule(dt core.Dtype, minBlocks int) string {
	return fmt.Sprintf("convwgrad_%s_mb%d", dtypeTag[dt], minBlocks)
}

func convWeightsSource(dt core.Dtype, minBlocks int) func() string {
	return func() string {
		var e entryList
		c := ctype[dt]
		for nd := 1; nd <= 3; nd++ {
			e.add(`extern "C" __global__ void __launch_bounds__(128, %d) conv_wgrad_nd%d(const %s* in, const %s* cot, float* part, ConvGeom g, ConvGemmArgs a, i64 rows_per) { conv_wgrad<%s, %d>(in, cot, part, g, a, rows_per); }`,
				minBlocks, nd, c, c, c, nd)
		}
		e.add(`extern "C" __global__ void __launch_bounds__(256) conv_wsum(const float* part, %s* out, i64 n, i64 splits) { conv_wsum<%s>(part, out, n, splits); }`, c, c)
		return source(e.String(), "conv.cuh", "conv_gemm.cuh")()
	}
}

func convGemmModule(dt core.Dtype, t convTile) string {
	return fmt.Sprintf("convgemm_%s_bk%d_mb%d", dtypeTag[dt], t.bk, t.minBlocks)
}

func convGemmSource(dt core.Dtype, t convTile) func() string {
	return func() string {
		var e entryList
		c := ctype[dt]
		for nd := 1; nd <= 3; nd++ {
			for _, fast := range []int{0, 1} {
				e.add(`extern "C" __global__ void __launch_bounds__(128, %d) conv_gemm_nd%d_f%d(const %s* in, const %s* w, %s* out, ConvGeom g, ConvGemmArgs a) { conv_gemm<%s, %d, %d, %t>(in, w, out, g, a); }`,
					t.minBlocks, nd, fast, c, c, c, c, nd, t.bk, fast == 1)
			}
		}
		return source(e.String(), "conv.cuh", "conv_gemm.cuh")()
	}
}

func init() {
	for _, dt := range []core.Dtype{core.Float16, core.Bfloat16, core.Float32} {
		for _, t := range convTiles {
			registerModule(convGemmModule(dt, t), convGemmSource(dt, t))
		}
		for _, mb := range convWeightsMinBlocks {
			registerModule(convWeightsModule(dt, mb), convWeightsSource(dt, mb))
		}
	}
}
