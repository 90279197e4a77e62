// Shared by the assembly loops of the float32 elementwise functions
// (unary_amd64.s) and of softmax (reduce_amd64.s): the constants of
// ·mathVec (unary_amd64.go), one 64-byte row each, repeated over a vector,
// and the steps of the exponential of unary_math.go on float64 vectors.
// The macros use only instructions that take both Y and Z registers, so
// that the AVX2 and the AVX-512 loops share them.

#define C_LOG2E   ·mathVec+0(SB)
#define C_SHIFT   ·mathVec+64(SB)
#define C_LN2     ·mathVec+128(SB)
#define C_E5      ·mathVec+192(SB)
#define C_E4      ·mathVec+256(SB)
#define C_E3      ·mathVec+320(SB)
#define C_E2      ·mathVec+384(SB)
#define C_E1      ·mathVec+448(SB)
#define C_E0      ·mathVec+512(SB)
#define C_ONE     ·mathVec+576(SB)
#define C_TWO     ·mathVec+640(SB)
#define C_EXPLO   ·mathVec+704(SB)
#define C_EXPHI   ·mathVec+768(SB)
#define C_TANHHI  ·mathVec+832(SB)
#define C_SIGN    ·mathVec+896(SB)
#define C_ABS     ·mathVec+960(SB)
#define C_SQRTH   ·mathVec+1024(SB)
#define C_TOP     ·mathVec+1088(SB)
#define C_2P52    ·mathVec+1152(SB)
#define C_KOFF    ·mathVec+1216(SB)
#define C_L9      ·mathVec+1280(SB)
#define C_L7      ·mathVec+1344(SB)
#define C_L5      ·mathVec+1408(SB)
#define C_L3      ·mathVec+1472(SB)
#define C_INF     ·mathVec+1536(SB)
#define C_NINF    ·mathVec+1600(SB)
#define C_NAN     ·mathVec+1664(SB)
#define C_ZERO    ·mathVec+1728(SB)
#define C_MINNORM ·mathVec+1792(SB)
#define C_MAXF64  ·mathVec+1856(SB)

// CLAMP limits x to [lo, hi] (registers); NaN stays NaN, as VMAXPD and
// VMINPD return their first (Go order) operand when either is NaN.
#define CLAMP(x, lo, hi) \
	VMAXPD x, lo, x; \
	VMINPD x, hi, x

// EXPM1K sets q = e^r - 1 and t = k<<52 (an integer) for x = k*ln2 + r,
// |x| <= expMax or NaN, as expReduce and expPoly (by Estrin's scheme); x
// becomes r, and w, a and b are clobbered. t = x*log2(e) + shifter holds k
// in its low mantissa bits, so shifting it left by 52 leaves k<<52. A NaN
// x leaves those bits zero (a NaN made from a float32 has 29 zero low
// bits), so t is then 0.
#define EXPM1K(x, t, w, q, a, b) \
	VMOVUPD      C_SHIFT, t; \
	VFMADD231PD  C_LOG2E, x, t; \
	VSUBPD       C_SHIFT, t, w; \
	VFNMADD231PD C_LN2, w, x; \
	VMULPD       x, x, w; \
	VMOVUPD      C_E5, q; \
	VFMADD213PD  C_E4, x, q; \
	VMOVUPD      C_E3, a; \
	VFMADD213PD  C_E2, x, a; \
	VMOVUPD      C_E1, b; \
	VFMADD213PD  C_E0, x, b; \
	VFMADD213PD  a, w, q; \
	VFMADD213PD  b, w, q; \
	VFMADD213PD  x, w, q; \
	VPSLLQ       $52, t, t

// EXPFIN turns EXPM1K's results into q = e^x = 2^k (1 + q), adding k to the
// exponent of 1 + q, which lies in [0.7, 1.5].
#define EXPFIN(t, q) \
	VADDPD C_ONE, q, q; \
	VPADDQ t, q, q

// EXPM1FIN turns EXPM1K's results into q = e^x - 1 = s q + (s - 1) with
// s = 2^k; t becomes s and w is clobbered.
#define EXPM1FIN(t, w, q) \
	VPADDQ      C_ONE, t, t; \
	VSUBPD      C_ONE, t, w; \
	VFMADD213PD w, t, q
