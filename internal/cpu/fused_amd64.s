//go:build !purego

#include "textflag.h"

// The arithmetic of fused programs on float32 and float64 registers
// (fused_amd64.go): z = x op y over len(z) rounded down to a whole
// number of 512-bit vectors. IEEE arithmetic rounds each lane as the Go
// loops do, so the results are the same.

// BINARY_LOOP is the body of one of them: z = x OP y, vectors of 64 bytes
// (SHIFT: log2 of the lanes a vector), moved with MOV.
#define BINARY_LOOP(OP, MOV, SHIFT) \
	MOVQ z_base+0(FP), DI \
	MOVQ z_len+8(FP), CX \
	MOVQ x_base+24(FP), SI \
	MOVQ y_base+48(FP), DX \
	SHRQ $SHIFT, CX \
	JZ   done \
loop: \
	MOV (SI), Z0 \
	OP (DX), Z0, Z0 \
	MOV Z0, (DI) \
	ADDQ $64, SI \
	ADDQ $64, DX \
	ADDQ $64, DI \
	DECQ CX \
	JNZ  loop \
done: \
	VZEROUPPER \
	RET

// func addF32AVX512(z, x, y []float32)
TEXT ·addF32AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VADDPS, VMOVUPS, 4)

// func subF32AVX512(z, x, y []float32)
TEXT ·subF32AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VSUBPS, VMOVUPS, 4)

// func mulF32AVX512(z, x, y []float32)
TEXT ·mulF32AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VMULPS, VMOVUPS, 4)

// func divF32AVX512(z, x, y []float32)
TEXT ·divF32AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VDIVPS, VMOVUPS, 4)

// func addF64AVX512(z, x, y []float64)
TEXT ·addF64AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VADDPD, VMOVUPD, 3)

// func subF64AVX512(z, x, y []float64)
TEXT ·subF64AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VSUBPD, VMOVUPD, 3)

// func mulF64AVX512(z, x, y []float64)
TEXT ·mulF64AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VMULPD, VMOVUPD, 3)

// func divF64AVX512(z, x, y []float64)
TEXT ·divF64AVX512(SB), NOSPLIT, $0-72
	BINARY_LOOP(VDIVPD, VMOVUPD, 3)

// func divConstF32AVX512(z, x []float32, r float64)
// z = float32(float64(x) * r), 8 elements a step (len(x) a multiple of 8).
TEXT ·divConstF32AVX512(SB), NOSPLIT, $0-56
	MOVQ         z_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	VBROADCASTSD r+48(FP), Z2
	SHRQ         $3, CX
	JZ           dcdone
dcloop:
	VCVTPS2PD (SI), Z0
	VMULPD    Z2, Z0, Z0
	VCVTPD2PS Z0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       dcloop
dcdone:
	VZEROUPPER
	RET
