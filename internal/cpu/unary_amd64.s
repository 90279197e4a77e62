//go:build !purego

#include "textflag.h"
#include "exp_amd64.h"

// Loops of the float32 elementwise functions (unary_amd64.go). Each but
// erf converts its input to float64 and follows the Go loop of
// unary_math.go step by step: an AVX-512 loop runs two chains of 8 float64
// a time (16 elements), an AVX2 loop two chains of 4 (8 elements); erf
// runs one chain of 16 float32. len(src) is a multiple of that, and
// len(dst) is at least len(src).

// LOGK sets p = k*ck + log(1+f)*cp for y = 2^k (1+f), 1+f in
// [sqrt(1/2), sqrt(2)), as logReduce and logPoly do; d, h and f are
// clobbered, and p may be y. y is a positive normal number (LOGSAFE).
// d = y - sqrt(1/2) (as bits) holds k in its top 12 bits; adding 2^63
// makes them k + 2048, which the shifts take out without an arithmetic
// shift (which AVX2 lacks) and turn into k<<52 and into k as a float64.
#define LOGK(y, ck, cp, d, h, f, p) \
	VPSUBQ      C_SQRTH, y, d; \
	VPADDQ      C_TOP, d, d; \
	VPSRLQ      $52, d, h; \
	VPSLLQ      $52, h, d; \
	VPADDQ      C_TOP, d, d; \
	VPSUBQ      d, y, f; \
	VSUBPD      C_ONE, f, f; \
	VPADDQ      C_2P52, h, h; \
	VSUBPD      C_KOFF, h, h; \
	VADDPD      C_TWO, f, d; \
	VDIVPD      d, f, f; \
	VMULPD      f, f, d; \
	VMOVUPD     C_L9, p; \
	VFMADD213PD C_L7, d, p; \
	VFMADD213PD C_L5, d, p; \
	VFMADD213PD C_L3, d, p; \
	VMULPD      d, p, p; \
	VADDPD      f, f, f; \
	VFMADD213PD f, f, p; \
	VMULPD      cp, p, p; \
	VFMADD231PD ck, h, p

// LOGSAFE sets z = y limited to the positive normal numbers, NaN giving
// the smallest: the lanes that the fix-up replaces then compute with
// ordinary numbers, not with subnormal ones, which take the processor's
// slow path.
#define LOGSAFE(y, z) \
	VMAXPD C_MINNORM, y, z; \
	VMINPD C_MAXF64, z, z

// func expF32AVX512(dst, src []float32)
TEXT ·expF32AVX512(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $4, CX
	JZ      done
	VMOVUPD C_EXPLO, Z30
	VMOVUPD C_EXPHI, Z31

loop:
	VCVTPS2PD 0(SI), Z0
	VCVTPS2PD 32(SI), Z4
	CLAMP(Z0, Z30, Z31)
	CLAMP(Z4, Z30, Z31)
	EXPM1K(Z0, Z1, Z2, Z3, Z20, Z21)
	EXPM1K(Z4, Z5, Z6, Z7, Z20, Z21)
	EXPFIN(Z1, Z3)
	EXPFIN(Z5, Z7)
	VCVTPD2PS Z3, Y3
	VCVTPD2PS Z7, Y7
	VMOVUPS   Y3, 0(DI)
	VMOVUPS   Y7, 32(DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// func expm1F32AVX512(dst, src []float32)
// The result takes x's sign, which makes expm1(-0) = -0: VPTERNLOGQ $0xd8
// takes the bits of its second operand where the first (C_SIGN) is set.
TEXT ·expm1F32AVX512(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $4, CX
	JZ      done
	VMOVUPD C_EXPLO, Z30
	VMOVUPD C_EXPHI, Z31

loop:
	VCVTPS2PD  0(SI), Z8
	VCVTPS2PD  32(SI), Z9
	VMOVAPD    Z8, Z0
	VMOVAPD    Z9, Z4
	CLAMP(Z0, Z30, Z31)
	CLAMP(Z4, Z30, Z31)
	EXPM1K(Z0, Z1, Z2, Z3, Z20, Z21)
	EXPM1K(Z4, Z5, Z6, Z7, Z20, Z21)
	EXPM1FIN(Z1, Z2, Z3)
	EXPM1FIN(Z5, Z6, Z7)
	VPTERNLOGQ $0xd8, C_SIGN, Z8, Z3
	VPTERNLOGQ $0xd8, C_SIGN, Z9, Z7
	VCVTPD2PS  Z3, Y3
	VCVTPD2PS  Z7, Y7
	VMOVUPS    Y3, 0(DI)
	VMOVUPS    Y7, 32(DI)
	ADDQ       $64, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// func sigmoidF32AVX512(dst, src []float32)
// 1 / (1 + e^-x), with -x clamped to [-expMax, expMax].
TEXT ·sigmoidF32AVX512(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $4, CX
	JZ      done
	VMOVUPD C_EXPLO, Z30
	VMOVUPD C_EXPHI, Z31
	VMOVUPD C_ZERO, Z29
	VMOVUPD C_ONE, Z28

loop:
	VCVTPS2PD 0(SI), Z0
	VCVTPS2PD 32(SI), Z4
	VSUBPD    Z0, Z29, Z0
	VSUBPD    Z4, Z29, Z4
	CLAMP(Z0, Z30, Z31)
	CLAMP(Z4, Z30, Z31)
	EXPM1K(Z0, Z1, Z2, Z3, Z20, Z21)
	EXPM1K(Z4, Z5, Z6, Z7, Z20, Z21)
	EXPFIN(Z1, Z3)
	EXPFIN(Z5, Z7)
	VADDPD    Z28, Z3, Z3
	VADDPD    Z28, Z7, Z7
	VDIVPD    Z3, Z28, Z3
	VDIVPD    Z7, Z28, Z7
	VCVTPD2PS Z3, Y3
	VCVTPD2PS Z7, Y7
	VMOVUPS   Y3, 0(DI)
	VMOVUPS   Y7, 32(DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// func tanhF32AVX512(dst, src []float32)
// u/(u+2) with u = e^(2|x|) - 1, |x| limited to 20, and x's sign.
TEXT ·tanhF32AVX512(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $4, CX
	JZ      done
	VMOVUPD C_TANHHI, Z31

loop:
	VCVTPS2PD  0(SI), Z8
	VCVTPS2PD  32(SI), Z9
	VPANDQ     C_ABS, Z8, Z0
	VPANDQ     C_ABS, Z9, Z4
	VMINPD     Z0, Z31, Z0
	VMINPD     Z4, Z31, Z4
	VADDPD     Z0, Z0, Z0
	VADDPD     Z4, Z4, Z4
	EXPM1K(Z0, Z1, Z2, Z3, Z20, Z21)
	EXPM1K(Z4, Z5, Z6, Z7, Z20, Z21)
	EXPM1FIN(Z1, Z2, Z3)
	EXPM1FIN(Z5, Z6, Z7)
	VADDPD     C_TWO, Z3, Z2
	VADDPD     C_TWO, Z7, Z6
	VDIVPD     Z2, Z3, Z3
	VDIVPD     Z6, Z7, Z7
	VPTERNLOGQ $0xd8, C_SIGN, Z8, Z3
	VPTERNLOGQ $0xd8, C_SIGN, Z9, Z7
	VCVTPD2PS  Z3, Y3
	VCVTPD2PS  Z7, Y7
	VMOVUPS    Y3, 0(DI)
	VMOVUPS    Y7, 32(DI)
	ADDQ       $64, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// LOGFIX512 fixes up the lanes of p whose y is not positive and finite
// (zero: -Inf; negative or NaN: NaN; +Inf: +Inf) and sets p = x where
// |x| < tiny; t is clobbered.
#define LOGFIX512(x, y, tiny, t, p) \
	VCMPPD  $0x19, C_ZERO, y, K1; \
	VMOVUPD C_NAN, K1, p; \
	VCMPPD  $0x00, C_ZERO, y, K1; \
	VMOVUPD C_NINF, K1, p; \
	VCMPPD  $0x00, C_INF, y, K1; \
	VMOVUPD C_INF, K1, p; \
	VPANDQ  C_ABS, x, t; \
	VCMPPD  $0x11, tiny, t, K1; \
	VMOVAPD x, K1, p

// func logF32AVX512(dst, src []float32, add, tiny, ck, cp float64)
// As logLoops (unary_vec.go) describes.
TEXT ·logF32AVX512(SB), NOSPLIT, $0-80
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	SHRQ         $4, CX
	JZ           done
	VBROADCASTSD add+48(FP), Z28
	VBROADCASTSD tiny+56(FP), Z29
	VBROADCASTSD ck+64(FP), Z30
	VBROADCASTSD cp+72(FP), Z31

loop:
	VCVTPS2PD 0(SI), Z0
	VCVTPS2PD 32(SI), Z8
	VADDPD    Z28, Z0, Z1
	VADDPD    Z28, Z8, Z9
	LOGSAFE(Z1, Z5)
	LOGSAFE(Z9, Z13)
	LOGK(Z5, Z30, Z31, Z2, Z3, Z4, Z5)
	LOGK(Z13, Z30, Z31, Z10, Z11, Z12, Z13)
	LOGFIX512(Z0, Z1, Z29, Z2, Z5)
	LOGFIX512(Z8, Z9, Z29, Z10, Z13)
	VCVTPD2PS Z5, Y5
	VCVTPD2PS Z13, Y13
	VMOVUPS   Y5, 0(DI)
	VMOVUPS   Y13, 32(DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       loop

done:
	VZEROUPPER
	RET

// func erfF32AVX512(dst, src []float32, tab *[erf32Rows][16]float32)
// erfGo's polynomial on 16 float32 lanes, each step a fused multiply-add
// rounded to float32. The piece index k = floor(4a) is the low mantissa bits of
// a + 2^21 rounded toward zero (2^21's ulp is 1/4); VPERMPS takes each
// lane's entry of a 64-byte row of erf32Tab (rows: ctr, m, c0, c6..c1)
// by the index's low 4 bits (a NaN gives some piece, and stays NaN).
// Z31 holds the magnitude mask, Z30 erfMax and Z29 2^21.
TEXT ·erfF32AVX512(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	MOVQ         tab+48(FP), AX
	SHRQ         $4, CX
	JZ           done
	MOVL         $0x7fffffff, DX
	VPBROADCASTD DX, Z31
	MOVL         $0x407fffff, DX
	VPBROADCASTD DX, Z30
	MOVL         $0x4a000000, DX
	VPBROADCASTD DX, Z29

loop:
	VMOVUPS        0(SI), Z0
	VPANDD         Z31, Z0, Z1        // a = |x|
	VMINPS         Z1, Z30, Z1        // a = min(a, erfMax); NaN stays
	VADDPS.RZ_SAE  Z29, Z1, Z2        // k in the low bits
	VPERMPS        0(AX), Z2, Z3
	VSUBPS         Z3, Z1, Z3         // d = a - ctr
	VPERMPS        192(AX), Z2, Z4    // h = c6
	VPERMPS        256(AX), Z2, Z5
	VFMADD213PS    Z5, Z3, Z4         // h = h*d + c5
	VPERMPS        320(AX), Z2, Z5
	VFMADD213PS    Z5, Z3, Z4
	VPERMPS        384(AX), Z2, Z5
	VFMADD213PS    Z5, Z3, Z4
	VPERMPS        448(AX), Z2, Z5
	VFMADD213PS    Z5, Z3, Z4
	VPERMPS        512(AX), Z2, Z5
	VFMADD213PS    Z5, Z3, Z4         // h = h*d + c1
	VPERMPS        64(AX), Z2, Z5
	VPERMPS        128(AX), Z2, Z6
	VFMADD231PS    Z5, Z3, Z6         // b = d*m + c0
	VFMADD213PS    Z6, Z3, Z4         // y = h*d + b
	VPTERNLOGD     $0xe4, Z31, Z0, Z4 // x's sign bit, y's others
	VMOVUPS        Z4, 0(DI)
	ADDQ           $64, SI
	ADDQ           $64, DI
	DECQ           CX
	JNZ            loop

done:
	VZEROUPPER
	RET

// func expF32AVX2(dst, src []float32)
TEXT ·expF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $3, CX
	JZ      done
	VMOVUPD C_EXPLO, Y14
	VMOVUPD C_EXPHI, Y13

loop:
	VCVTPS2PD  0(SI), Y0
	VCVTPS2PD  16(SI), Y4
	CLAMP(Y0, Y14, Y13)
	CLAMP(Y4, Y14, Y13)
	EXPM1K(Y0, Y1, Y2, Y3, Y8, Y9)
	EXPM1K(Y4, Y5, Y6, Y7, Y8, Y9)
	EXPFIN(Y1, Y3)
	EXPFIN(Y5, Y7)
	VCVTPD2PSY Y3, X3
	VCVTPD2PSY Y7, X7
	VMOVUPS    X3, 0(DI)
	VMOVUPS    X7, 16(DI)
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// COPYSIGN256 sets q's sign to s's; s is clobbered.
#define COPYSIGN256(s, q) \
	VANDPD C_ABS, q, q; \
	VANDPD C_SIGN, s, s; \
	VORPD  s, q, q

// func expm1F32AVX2(dst, src []float32)
TEXT ·expm1F32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $3, CX
	JZ      done
	VMOVUPD C_EXPLO, Y14
	VMOVUPD C_EXPHI, Y13

loop:
	VCVTPS2PD  0(SI), Y8
	VCVTPS2PD  16(SI), Y9
	VMOVAPD    Y8, Y0
	VMOVAPD    Y9, Y4
	CLAMP(Y0, Y14, Y13)
	CLAMP(Y4, Y14, Y13)
	EXPM1K(Y0, Y1, Y2, Y3, Y10, Y11)
	EXPM1K(Y4, Y5, Y6, Y7, Y10, Y11)
	EXPM1FIN(Y1, Y2, Y3)
	EXPM1FIN(Y5, Y6, Y7)
	COPYSIGN256(Y8, Y3)
	COPYSIGN256(Y9, Y7)
	VCVTPD2PSY Y3, X3
	VCVTPD2PSY Y7, X7
	VMOVUPS    X3, 0(DI)
	VMOVUPS    X7, 16(DI)
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// func sigmoidF32AVX2(dst, src []float32)
TEXT ·sigmoidF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $3, CX
	JZ      done
	VMOVUPD C_EXPLO, Y14
	VMOVUPD C_EXPHI, Y13
	VMOVUPD C_ZERO, Y12
	VMOVUPD C_ONE, Y11

loop:
	VCVTPS2PD  0(SI), Y0
	VCVTPS2PD  16(SI), Y4
	VSUBPD     Y0, Y12, Y0
	VSUBPD     Y4, Y12, Y4
	CLAMP(Y0, Y14, Y13)
	CLAMP(Y4, Y14, Y13)
	EXPM1K(Y0, Y1, Y2, Y3, Y8, Y9)
	EXPM1K(Y4, Y5, Y6, Y7, Y8, Y9)
	EXPFIN(Y1, Y3)
	EXPFIN(Y5, Y7)
	VADDPD     Y11, Y3, Y3
	VADDPD     Y11, Y7, Y7
	VDIVPD     Y3, Y11, Y3
	VDIVPD     Y7, Y11, Y7
	VCVTPD2PSY Y3, X3
	VCVTPD2PSY Y7, X7
	VMOVUPS    X3, 0(DI)
	VMOVUPS    X7, 16(DI)
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// func tanhF32AVX2(dst, src []float32)
TEXT ·tanhF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    src_base+24(FP), SI
	MOVQ    src_len+32(FP), CX
	SHRQ    $3, CX
	JZ      done
	VMOVUPD C_TANHHI, Y13

loop:
	VCVTPS2PD  0(SI), Y8
	VCVTPS2PD  16(SI), Y9
	VANDPD     C_ABS, Y8, Y0
	VANDPD     C_ABS, Y9, Y4
	VMINPD     Y0, Y13, Y0
	VMINPD     Y4, Y13, Y4
	VADDPD     Y0, Y0, Y0
	VADDPD     Y4, Y4, Y4
	EXPM1K(Y0, Y1, Y2, Y3, Y10, Y11)
	EXPM1K(Y4, Y5, Y6, Y7, Y10, Y11)
	EXPM1FIN(Y1, Y2, Y3)
	EXPM1FIN(Y5, Y6, Y7)
	VADDPD     C_TWO, Y3, Y2
	VADDPD     C_TWO, Y7, Y6
	VDIVPD     Y2, Y3, Y3
	VDIVPD     Y6, Y7, Y7
	COPYSIGN256(Y8, Y3)
	COPYSIGN256(Y9, Y7)
	VCVTPD2PSY Y3, X3
	VCVTPD2PSY Y7, X7
	VMOVUPS    X3, 0(DI)
	VMOVUPS    X7, 16(DI)
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// LOGFIX256 is LOGFIX512 with blends; off is x's offset from SI (x is
// loaded again: the registers are all taken), and d and h are clobbered.
#define LOGFIX256(off, y, tiny, d, h, p) \
	VCMPPD    $0x19, C_ZERO, y, d; \
	VBLENDVPD d, C_NAN, p, p; \
	VCMPPD    $0x00, C_ZERO, y, d; \
	VBLENDVPD d, C_NINF, p, p; \
	VCMPPD    $0x00, C_INF, y, d; \
	VBLENDVPD d, C_INF, p, p; \
	VCVTPS2PD off(SI), d; \
	VANDPD    C_ABS, d, h; \
	VCMPPD    $0x11, tiny, h, h; \
	VBLENDVPD h, d, p, p

// func logF32AVX2(dst, src []float32, add, tiny, ck, cp float64)
TEXT ·logF32AVX2(SB), NOSPLIT, $0-80
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	SHRQ         $3, CX
	JZ           done
	VBROADCASTSD add+48(FP), Y10
	VBROADCASTSD tiny+56(FP), Y11
	VBROADCASTSD ck+64(FP), Y12
	VBROADCASTSD cp+72(FP), Y13

loop:
	VCVTPS2PD  0(SI), Y0
	VCVTPS2PD  16(SI), Y5
	VADDPD     Y10, Y0, Y0
	VADDPD     Y10, Y5, Y5
	LOGSAFE(Y0, Y4)
	LOGSAFE(Y5, Y9)
	LOGK(Y4, Y12, Y13, Y1, Y2, Y3, Y4)
	LOGK(Y9, Y12, Y13, Y6, Y7, Y8, Y9)
	LOGFIX256(0, Y0, Y11, Y1, Y2, Y4)
	LOGFIX256(16, Y5, Y11, Y6, Y7, Y9)
	VCVTPD2PSY Y4, X4
	VCVTPD2PSY Y9, X9
	VMOVUPS    X4, 0(DI)
	VMOVUPS    X9, 16(DI)
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET
