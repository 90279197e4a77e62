//go:build !purego

#include "textflag.h"

// AVX2 and FMA kernels of the reductions and softmax. Each handles a whole
// number of vectors (the Go wrappers in reduce_simd.go do the tails) and
// leaves Y15 alone. Operand order is Go's: sources first, then the
// destination.

// func sumF32AVX2(x []float32) float64
// len(x) is a multiple of 16. Adds in float64, four vectors of partial sums.
TEXT ·sumF32AVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHRQ $4, CX
	JZ   sumdone

sumloop:
	VCVTPS2PD 0(SI), Y4
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      $64, SI
	DECQ      CX
	JNZ       sumloop

sumdone:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VUNPCKHPD    X0, X0, X1
	VADDSD       X1, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+24(FP)
	RET

// func colSumF32AVX2(acc []float64, x []float32)
// acc[j] += float64(x[j]) for every j; len(acc) is a multiple of 8.
TEXT ·colSumF32AVX2(SB), NOSPLIT, $0-48
	MOVQ acc_base+0(FP), DI
	MOVQ acc_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	SHRQ $3, CX
	JZ   coldone

colloop:
	VCVTPS2PD 0(SI), Y0
	VCVTPS2PD 16(SI), Y1
	VADDPD    0(DI), Y0, Y0
	VADDPD    32(DI), Y1, Y1
	VMOVUPD   Y0, 0(DI)
	VMOVUPD   Y1, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       colloop

coldone:
	VZEROUPPER
	RET

// func maxF32AVX2(x []float32) (m float32, nan bool)
// len(x) is a multiple of 16 and not zero. VMAXPS drops NaN, so NaN is
// tracked on the side.
TEXT ·maxF32AVX2(SB), NOSPLIT, $0-29
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	VMOVUPS 0(SI), Y0
	VMOVUPS Y0, Y1
	VXORPS  Y2, Y2, Y2
	SHRQ    $4, CX

maxloop:
	VMOVUPS 0(SI), Y3
	VMOVUPS 32(SI), Y4
	VMAXPS  Y3, Y0, Y0
	VMAXPS  Y4, Y1, Y1
	VCMPPS  $3, Y3, Y3, Y5 // unordered: NaN
	VCMPPS  $3, Y4, Y4, Y6
	VORPS   Y5, Y2, Y2
	VORPS   Y6, Y2, Y2
	ADDQ    $64, SI
	DECQ    CX
	JNZ     maxloop

	VMAXPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VMOVMSKPS    Y2, AX
	VZEROUPPER
	MOVSS        X0, m+24(FP)
	TESTL        AX, AX
	SETNE        nan+28(FP)
	RET

// func scaleF32AVX2(y []float32, s float32)
// y[i] *= s; len(y) is a multiple of 8.
TEXT ·scaleF32AVX2(SB), NOSPLIT, $0-28
	MOVQ         y_base+0(FP), DI
	MOVQ         y_len+8(FP), CX
	VBROADCASTSS s+24(FP), Y0
	SHRQ         $3, CX
	JZ           scaledone

scaleloop:
	VMULPS  0(DI), Y0, Y1
	VMOVUPS Y1, 0(DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     scaleloop

scaledone:
	VZEROUPPER
	RET

// EXPSUB computes Y13 = exp(x - m) for the 8 floats at 0(SI), with the
// constants loaded by EXPSETUP and m in Y0; d is kept in Y9. The method is fastExp32's:
// k = round(d*log2(e)), r = d - k*ln(2), a polynomial for e**r, 2**k from
// the exponent bits, and zero below the smallest normal result.
#define EXPSETUP \
	VBROADCASTSS ·expConstVec+0(SB), Y1; \
	VBROADCASTSS ·expConstVec+4(SB), Y2; \
	VBROADCASTSS ·expConstVec+8(SB), Y3; \
	VBROADCASTSS ·expConstVec+12(SB), Y4; \
	VBROADCASTSS ·expConstVec+16(SB), Y5; \
	VBROADCASTSS ·expConstVec+20(SB), Y6; \
	VBROADCASTSS ·expConstVec+24(SB), Y7

#define EXPSUB \
	VMOVUPS     0(SI), Y9; \
	VSUBPS      Y0, Y9, Y9; \
	VMOVAPS     Y9, Y10; \
	VFMADD213PS Y2, Y1, Y10; \
	VSUBPS      Y2, Y10, Y11; \
	VMOVAPS     Y9, Y12; \
	VFNMADD231PS Y3, Y11, Y12; \
	VFMADD231PS Y4, Y11, Y12; \
	VMOVUPS     ·expPolyVec+0(SB), Y13; \
	VFMADD213PS ·expPolyVec+32(SB), Y12, Y13; \
	VFMADD213PS ·expPolyVec+64(SB), Y12, Y13; \
	VFMADD213PS ·expPolyVec+96(SB), Y12, Y13; \
	VFMADD213PS ·expPolyVec+128(SB), Y12, Y13; \
	VFMADD213PS ·expPolyVec+160(SB), Y12, Y13; \
	VMULPS      Y12, Y12, Y14; \
	VFMADD213PS Y12, Y14, Y13; \
	VADDPS      Y5, Y13, Y13; \
	VPSUBD      Y7, Y10, Y10; \
	VPSLLD      $23, Y10, Y10; \
	VMULPS      Y10, Y13, Y13; \
	VCMPPS      $0x11, Y6, Y9, Y14; \
	VANDNPS     Y13, Y14, Y13

// func expSubF32AVX2(x, y []float32, m float32) float32
// y[i] = exp(x[i] - m), returning their sum; len(x) is a multiple of 8 and
// every x[i] - m is at most zero or NaN.
TEXT ·expSubF32AVX2(SB), NOSPLIT, $0-60
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VBROADCASTSS m+48(FP), Y0
	EXPSETUP
	VXORPS Y8, Y8, Y8
	SHRQ   $3, CX
	JZ     expdone

exploop:
	EXPSUB
	VMOVUPS Y13, 0(DI)
	VADDPS  Y13, Y8, Y8
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     exploop

expdone:
	VEXTRACTF128 $1, Y8, X1
	VADDPS       X1, X8, X8
	VHADDPS      X8, X8, X8
	VHADDPS      X8, X8, X8
	VZEROUPPER
	MOVSS        X8, ret+56(FP)
	RET

// func sumExpSubF32AVX2(x []float32, m float32) float32
// The sum of exp(x[i] - m), as expSubF32AVX2 without the stores.
TEXT ·sumExpSubF32AVX2(SB), NOSPLIT, $0-36
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VBROADCASTSS m+24(FP), Y0
	EXPSETUP
	VXORPS Y8, Y8, Y8
	SHRQ   $3, CX
	JZ     sumexpdone

sumexploop:
	EXPSUB
	VADDPS Y13, Y8, Y8
	ADDQ   $32, SI
	DECQ   CX
	JNZ    sumexploop

sumexpdone:
	VEXTRACTF128 $1, Y8, X1
	VADDPS       X1, X8, X8
	VHADDPS      X8, X8, X8
	VHADDPS      X8, X8, X8
	VZEROUPPER
	MOVSS        X8, ret+32(FP)
	RET

// func colMaxF32AVX2(m, x []float32)
// m[j] = max(m[j], x[j]), NaN once either is NaN; len(m) is a multiple of 8.
// VMAXPS returns its second source (here m) when either is NaN, which keeps
// a NaN of m; a NaN of x is ORed in as all ones (a NaN).
TEXT ·colMaxF32AVX2(SB), NOSPLIT, $0-48
	MOVQ m_base+0(FP), DI
	MOVQ m_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	SHRQ $3, CX
	JZ   colmaxdone

colmaxloop:
	VMOVUPS 0(SI), Y1
	VMOVUPS 0(DI), Y0
	VMAXPS  Y0, Y1, Y2
	VCMPPS  $3, Y1, Y1, Y3
	VORPS   Y3, Y2, Y2
	VMOVUPS Y2, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     colmaxloop

colmaxdone:
	VZEROUPPER
	RET

// func colExpSubF32AVX2(x, m, y, s []float32)
// y[j] = exp(x[j] - m[j]) and s[j] += y[j]; len(x) is a multiple of 8 and
// every x[j] - m[j] is at most zero or NaN.
TEXT ·colExpSubF32AVX2(SB), NOSPLIT, $0-96
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ m_base+24(FP), BX
	MOVQ y_base+48(FP), DI
	MOVQ s_base+72(FP), R8
	EXPSETUP
	SHRQ $3, CX
	JZ   colexpdone

colexploop:
	VMOVUPS 0(BX), Y0
	EXPSUB
	VMOVUPS Y13, 0(DI)
	VADDPS  0(R8), Y13, Y14
	VMOVUPS Y14, 0(R8)
	ADDQ    $32, SI
	ADDQ    $32, BX
	ADDQ    $32, DI
	ADDQ    $32, R8
	DECQ    CX
	JNZ     colexploop

colexpdone:
	VZEROUPPER
	RET
