//go:build !purego

#include "textflag.h"
#include "exp_amd64.h"

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

// EXPSUB computes Y13 = exp(x - m) for the 8 floats x at 0(SI), with m in
// Y0 and -expMax in Y14 (loaded by EXPSETUP): x - m in float32, as the Go
// loops, then the exponential of unary_math.go in float64 (exp_amd64.h),
// four lanes at a time. Y1-Y7 and Y9-Y12 are clobbered.
#define EXPSETUP \
	VMOVUPD C_EXPLO, Y14

#define EXPSUB \
	VMOVUPS      0(SI), Y9; \
	VSUBPS       Y0, Y9, Y9; \
	VCVTPS2PD    X9, Y1; \
	VEXTRACTF128 $1, Y9, X9; \
	VCVTPS2PD    X9, Y5; \
	VMAXPD       Y1, Y14, Y1; \
	VMAXPD       Y5, Y14, Y5; \
	EXPM1K(Y1, Y2, Y3, Y4, Y11, Y12); \
	EXPM1K(Y5, Y6, Y7, Y10, Y11, Y12); \
	EXPFIN(Y2, Y4); \
	EXPFIN(Y6, Y10); \
	VCVTPD2PSY   Y4, X13; \
	VCVTPD2PSY   Y10, X10; \
	VINSERTF128  $1, X10, Y13, Y13

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
	VADDPS  0(R8), Y13, Y12
	VMOVUPS Y12, 0(R8)
	ADDQ    $32, SI
	ADDQ    $32, BX
	ADDQ    $32, DI
	ADDQ    $32, R8
	DECQ    CX
	JNZ     colexploop

colexpdone:
	VZEROUPPER
	RET

// The AVX-512 versions of the three kernels above: 16 elements a time,
// len(x) a multiple of 16. EXPSUB512 is EXPSUB on Z registers, with m in
// Z0 and -expMax in Z14.
#define EXPSUB512 \
	VMOVUPS       0(SI), Z9; \
	VSUBPS        Z0, Z9, Z9; \
	VCVTPS2PD     Y9, Z1; \
	VEXTRACTF64X4 $1, Z9, Y9; \
	VCVTPS2PD     Y9, Z5; \
	VMAXPD        Z1, Z14, Z1; \
	VMAXPD        Z5, Z14, Z5; \
	EXPM1K(Z1, Z2, Z3, Z4, Z11, Z12); \
	EXPM1K(Z5, Z6, Z7, Z10, Z11, Z12); \
	EXPFIN(Z2, Z4); \
	EXPFIN(Z6, Z10); \
	VCVTPD2PS     Z4, Y13; \
	VCVTPD2PS     Z10, Y10; \
	VINSERTF64X4  $1, Y10, Z13, Z13

// SUM512 adds up the 16 floats of Z8 into X8.
#define SUM512 \
	VEXTRACTF64X4 $1, Z8, Y1; \
	VADDPS        Y1, Y8, Y8; \
	VEXTRACTF128  $1, Y8, X1; \
	VADDPS        X1, X8, X8; \
	VHADDPS       X8, X8, X8; \
	VHADDPS       X8, X8, X8

// func expSubF32AVX512(x, y []float32, m float32) float32
TEXT ·expSubF32AVX512(SB), NOSPLIT, $0-60
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	MOVQ         y_base+24(FP), DI
	VBROADCASTSS m+48(FP), Z0
	VMOVUPD      C_EXPLO, Z14
	VPXORQ       Z8, Z8, Z8
	SHRQ         $4, CX
	JZ           done

loop:
	EXPSUB512
	VMOVUPS Z13, 0(DI)
	VADDPS  Z13, Z8, Z8
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loop

done:
	SUM512
	VZEROUPPER
	MOVSS X8, ret+56(FP)
	RET

// func sumExpSubF32AVX512(x []float32, m float32) float32
TEXT ·sumExpSubF32AVX512(SB), NOSPLIT, $0-36
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS m+24(FP), Z0
	VMOVUPD      C_EXPLO, Z14
	VPXORQ       Z8, Z8, Z8
	SHRQ         $4, CX
	JZ           done

loop:
	EXPSUB512
	VADDPS Z13, Z8, Z8
	ADDQ   $64, SI
	DECQ   CX
	JNZ    loop

done:
	SUM512
	VZEROUPPER
	MOVSS X8, ret+32(FP)
	RET

// func colExpSubF32AVX512(x, m, y, s []float32)
TEXT ·colExpSubF32AVX512(SB), NOSPLIT, $0-96
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	MOVQ    m_base+24(FP), BX
	MOVQ    y_base+48(FP), DI
	MOVQ    s_base+72(FP), R8
	VMOVUPD C_EXPLO, Z14
	SHRQ    $4, CX
	JZ      done

loop:
	VMOVUPS 0(BX), Z0
	EXPSUB512
	VMOVUPS Z13, 0(DI)
	VADDPS  0(R8), Z13, Z12
	VMOVUPS Z12, 0(R8)
	ADDQ    $64, SI
	ADDQ    $64, BX
	ADDQ    $64, DI
	ADDQ    $64, R8
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
