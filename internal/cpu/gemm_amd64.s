//go:build !purego

#include "textflag.h"

// The GEMM micro-kernels for amd64; gemm_kernels.go states their contract:
//
//	c[i*ldc+j] = alpha*Σ_p a[p*MR+i]*b[p*NR+j] + beta*c[i*ldc+j]
//
// for i < MR, j < NR and k ≥ 1 steps, beta zero meaning c is only written.
// Each keeps its MR×NR tile in vector registers: per step it loads the NR
// values of B into two registers, then broadcasts each of the MR values of
// A and adds its products with both. X15, Go's zero register, is not used.
//
// Arguments: k+0, a+8, b+16, c+24, ldc+32 (in elements), alpha+40 and
// beta+44 (float32) or +48 (float64).

#define LOAD_ARGS \
	MOVQ k+0(FP), CX; \
	MOVQ a+8(FP), SI; \
	MOVQ b+16(FP), DI; \
	MOVQ c+24(FP), DX; \
	MOVQ ldc+32(FP), R8

// One row of a step: broadcast a[off] into tmp, add tmp*B to c0 and c1.
#define STEP(bcast, fma, off, tmp, b0, b1, c0, c1) \
	bcast off(SI), tmp; \
	fma b0, tmp, c0; \
	fma b1, tmp, c1

// One row of the result: c0 and c1 scaled by alpha and added to beta times
// the row at DX (vector width w bytes), then DX moves to the next row.
#define STORE_BETA(mul, fma, mov, w, alpha, beta, c0, c1) \
	mul alpha, c0, c0; \
	fma (DX), beta, c0; \
	mov c0, (DX); \
	mul alpha, c1, c1; \
	fma w(DX), beta, c1; \
	mov c1, w(DX); \
	ADDQ R8, DX

#define STORE(mul, mov, w, alpha, c0, c1) \
	mul alpha, c0, c0; \
	mov c0, (DX); \
	mul alpha, c1, c1; \
	mov c1, w(DX); \
	ADDQ R8, DX

// AVX-512, float32: a 12×32 tile in Z0-Z14 and Z16-Z24; B in Z28 and Z29.
#define S512(off, c0, c1) STEP(VBROADCASTSS, VFMADD231PS, off, Z30, Z28, Z29, c0, c1)
#define S512_BETA(c0, c1) STORE_BETA(VMULPS, VFMADD231PS, VMOVUPS, 64, Z26, Z27, c0, c1)
#define S512_STORE(c0, c1) STORE(VMULPS, VMOVUPS, 64, Z26, c0, c1)

// func sgemmAVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)
TEXT ·sgemmAVX512(SB), NOSPLIT, $0-48
	LOAD_ARGS
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24

sloop512:
	VMOVUPS (DI), Z28
	VMOVUPS 64(DI), Z29
	S512(0, Z0, Z1)
	S512(4, Z2, Z3)
	S512(8, Z4, Z5)
	S512(12, Z6, Z7)
	S512(16, Z8, Z9)
	S512(20, Z10, Z11)
	S512(24, Z12, Z13)
	S512(28, Z14, Z16)
	S512(32, Z17, Z18)
	S512(36, Z19, Z20)
	S512(40, Z21, Z22)
	S512(44, Z23, Z24)
	ADDQ $48, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  sloop512

	SHLQ $2, R8
	VBROADCASTSS alpha+40(FP), Z26
	MOVL beta+44(FP), AX
	SHLL $1, AX                    // drop the sign: -0 is zero too
	JZ   szero512
	VBROADCASTSS beta+44(FP), Z27
	S512_BETA(Z0, Z1)
	S512_BETA(Z2, Z3)
	S512_BETA(Z4, Z5)
	S512_BETA(Z6, Z7)
	S512_BETA(Z8, Z9)
	S512_BETA(Z10, Z11)
	S512_BETA(Z12, Z13)
	S512_BETA(Z14, Z16)
	S512_BETA(Z17, Z18)
	S512_BETA(Z19, Z20)
	S512_BETA(Z21, Z22)
	S512_BETA(Z23, Z24)
	VZEROUPPER
	RET

szero512:
	S512_STORE(Z0, Z1)
	S512_STORE(Z2, Z3)
	S512_STORE(Z4, Z5)
	S512_STORE(Z6, Z7)
	S512_STORE(Z8, Z9)
	S512_STORE(Z10, Z11)
	S512_STORE(Z12, Z13)
	S512_STORE(Z14, Z16)
	S512_STORE(Z17, Z18)
	S512_STORE(Z19, Z20)
	S512_STORE(Z21, Z22)
	S512_STORE(Z23, Z24)
	VZEROUPPER
	RET

// AVX-512, float64: a 12×16 tile, registers as for float32.
#define D512(off, c0, c1) STEP(VBROADCASTSD, VFMADD231PD, off, Z30, Z28, Z29, c0, c1)
#define D512_BETA(c0, c1) STORE_BETA(VMULPD, VFMADD231PD, VMOVUPD, 64, Z26, Z27, c0, c1)
#define D512_STORE(c0, c1) STORE(VMULPD, VMOVUPD, 64, Z26, c0, c1)

// func dgemmAVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)
TEXT ·dgemmAVX512(SB), NOSPLIT, $0-56
	LOAD_ARGS
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z16, Z16, Z16
	VPXORQ Z17, Z17, Z17
	VPXORQ Z18, Z18, Z18
	VPXORQ Z19, Z19, Z19
	VPXORQ Z20, Z20, Z20
	VPXORQ Z21, Z21, Z21
	VPXORQ Z22, Z22, Z22
	VPXORQ Z23, Z23, Z23
	VPXORQ Z24, Z24, Z24

dloop512:
	VMOVUPD (DI), Z28
	VMOVUPD 64(DI), Z29
	D512(0, Z0, Z1)
	D512(8, Z2, Z3)
	D512(16, Z4, Z5)
	D512(24, Z6, Z7)
	D512(32, Z8, Z9)
	D512(40, Z10, Z11)
	D512(48, Z12, Z13)
	D512(56, Z14, Z16)
	D512(64, Z17, Z18)
	D512(72, Z19, Z20)
	D512(80, Z21, Z22)
	D512(88, Z23, Z24)
	ADDQ $96, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  dloop512

	SHLQ $3, R8
	VBROADCASTSD alpha+40(FP), Z26
	MOVQ beta+48(FP), AX
	SHLQ $1, AX
	JZ   dzero512
	VBROADCASTSD beta+48(FP), Z27
	D512_BETA(Z0, Z1)
	D512_BETA(Z2, Z3)
	D512_BETA(Z4, Z5)
	D512_BETA(Z6, Z7)
	D512_BETA(Z8, Z9)
	D512_BETA(Z10, Z11)
	D512_BETA(Z12, Z13)
	D512_BETA(Z14, Z16)
	D512_BETA(Z17, Z18)
	D512_BETA(Z19, Z20)
	D512_BETA(Z21, Z22)
	D512_BETA(Z23, Z24)
	VZEROUPPER
	RET

dzero512:
	D512_STORE(Z0, Z1)
	D512_STORE(Z2, Z3)
	D512_STORE(Z4, Z5)
	D512_STORE(Z6, Z7)
	D512_STORE(Z8, Z9)
	D512_STORE(Z10, Z11)
	D512_STORE(Z12, Z13)
	D512_STORE(Z14, Z16)
	D512_STORE(Z17, Z18)
	D512_STORE(Z19, Z20)
	D512_STORE(Z21, Z22)
	D512_STORE(Z23, Z24)
	VZEROUPPER
	RET

// AVX2 with FMA: a 6-row tile of two vectors a row in Y0-Y11, B in Y12 and
// Y13, A broadcast into Y14; alpha and beta reuse Y12 and Y13.
#define S256(off, c0, c1) STEP(VBROADCASTSS, VFMADD231PS, off, Y14, Y12, Y13, c0, c1)
#define S256_BETA(c0, c1) STORE_BETA(VMULPS, VFMADD231PS, VMOVUPS, 32, Y12, Y13, c0, c1)
#define S256_STORE(c0, c1) STORE(VMULPS, VMOVUPS, 32, Y12, c0, c1)

#define ZERO_Y0_Y11 \
	VXORPS Y0, Y0, Y0; \
	VXORPS Y1, Y1, Y1; \
	VXORPS Y2, Y2, Y2; \
	VXORPS Y3, Y3, Y3; \
	VXORPS Y4, Y4, Y4; \
	VXORPS Y5, Y5, Y5; \
	VXORPS Y6, Y6, Y6; \
	VXORPS Y7, Y7, Y7; \
	VXORPS Y8, Y8, Y8; \
	VXORPS Y9, Y9, Y9; \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11

// func sgemmAVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)
TEXT ·sgemmAVX2(SB), NOSPLIT, $0-48
	LOAD_ARGS
	ZERO_Y0_Y11

sloop256:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	S256(0, Y0, Y1)
	S256(4, Y2, Y3)
	S256(8, Y4, Y5)
	S256(12, Y6, Y7)
	S256(16, Y8, Y9)
	S256(20, Y10, Y11)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  sloop256

	SHLQ $2, R8
	VBROADCASTSS alpha+40(FP), Y12
	MOVL beta+44(FP), AX
	SHLL $1, AX
	JZ   szero256
	VBROADCASTSS beta+44(FP), Y13
	S256_BETA(Y0, Y1)
	S256_BETA(Y2, Y3)
	S256_BETA(Y4, Y5)
	S256_BETA(Y6, Y7)
	S256_BETA(Y8, Y9)
	S256_BETA(Y10, Y11)
	VZEROUPPER
	RET

szero256:
	S256_STORE(Y0, Y1)
	S256_STORE(Y2, Y3)
	S256_STORE(Y4, Y5)
	S256_STORE(Y6, Y7)
	S256_STORE(Y8, Y9)
	S256_STORE(Y10, Y11)
	VZEROUPPER
	RET

#define D256(off, c0, c1) STEP(VBROADCASTSD, VFMADD231PD, off, Y14, Y12, Y13, c0, c1)
#define D256_BETA(c0, c1) STORE_BETA(VMULPD, VFMADD231PD, VMOVUPD, 32, Y12, Y13, c0, c1)
#define D256_STORE(c0, c1) STORE(VMULPD, VMOVUPD, 32, Y12, c0, c1)

// func dgemmAVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)
TEXT ·dgemmAVX2(SB), NOSPLIT, $0-56
	LOAD_ARGS
	ZERO_Y0_Y11

dloop256:
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	D256(0, Y0, Y1)
	D256(8, Y2, Y3)
	D256(16, Y4, Y5)
	D256(24, Y6, Y7)
	D256(32, Y8, Y9)
	D256(40, Y10, Y11)
	ADDQ $48, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  dloop256

	SHLQ $3, R8
	VBROADCASTSD alpha+40(FP), Y12
	MOVQ beta+48(FP), AX
	SHLQ $1, AX
	JZ   dzero256
	VBROADCASTSD beta+48(FP), Y13
	D256_BETA(Y0, Y1)
	D256_BETA(Y2, Y3)
	D256_BETA(Y4, Y5)
	D256_BETA(Y6, Y7)
	D256_BETA(Y8, Y9)
	D256_BETA(Y10, Y11)
	VZEROUPPER
	RET

dzero256:
	D256_STORE(Y0, Y1)
	D256_STORE(Y2, Y3)
	D256_STORE(Y4, Y5)
	D256_STORE(Y6, Y7)
	D256_STORE(Y8, Y9)
	D256_STORE(Y10, Y11)
	VZEROUPPER
	RET

// Vector kernels of the matrix-vector products, AVX2 with FMA. They work on
// the first n - n%8 (float32) or n - n%4 (float64) elements; the caller
// does the rest.

// func sdotAVX2(x, y *float32, n int) float32
TEXT ·sdotAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

sdot32:
	CMPQ CX, $32
	JLT  sdot8
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  sdot32

sdot8:
	CMPQ CX, $8
	JLT  sdotsum
	VMOVUPS (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  sdot8

sdotsum:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func ddotAVX2(x, y *float64, n int) float64
TEXT ·ddotAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3

ddot16:
	CMPQ CX, $16
	JLT  ddot4
	VMOVUPD (SI), Y4
	VMOVUPD 32(SI), Y5
	VMOVUPD 64(SI), Y6
	VMOVUPD 96(SI), Y7
	VFMADD231PD (DI), Y4, Y0
	VFMADD231PD 32(DI), Y5, Y1
	VFMADD231PD 64(DI), Y6, Y2
	VFMADD231PD 96(DI), Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $16, CX
	JMP  ddot16

ddot4:
	CMPQ CX, $4
	JLT  ddotsum
	VMOVUPD (SI), Y4
	VFMADD231PD (DI), Y4, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $4, CX
	JMP  ddot4

ddotsum:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET

// func saxpyAVX2(s float32, x, y *float32, n int)
TEXT ·saxpyAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSS s+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX

saxpy32:
	CMPQ CX, $32
	JLT  saxpy8
	VMOVUPS (DI), Y1
	VMOVUPS 32(DI), Y2
	VMOVUPS 64(DI), Y3
	VMOVUPS 96(DI), Y4
	VFMADD231PS (SI), Y0, Y1
	VFMADD231PS 32(SI), Y0, Y2
	VFMADD231PS 64(SI), Y0, Y3
	VFMADD231PS 96(SI), Y0, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  saxpy32

saxpy8:
	CMPQ CX, $8
	JLT  saxpydone
	VMOVUPS (DI), Y1
	VFMADD231PS (SI), Y0, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  saxpy8

saxpydone:
	VZEROUPPER
	RET

// func daxpyAVX2(s float64, x, y *float64, n int)
TEXT ·daxpyAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSD s+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX

daxpy16:
	CMPQ CX, $16
	JLT  daxpy4
	VMOVUPD (DI), Y1
	VMOVUPD 32(DI), Y2
	VMOVUPD 64(DI), Y3
	VMOVUPD 96(DI), Y4
	VFMADD231PD (SI), Y0, Y1
	VFMADD231PD 32(SI), Y0, Y2
	VFMADD231PD 64(SI), Y0, Y3
	VFMADD231PD 96(SI), Y0, Y4
	VMOVUPD Y1, (DI)
	VMOVUPD Y2, 32(DI)
	VMOVUPD Y3, 64(DI)
	VMOVUPD Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $16, CX
	JMP  daxpy16

daxpy4:
	CMPQ CX, $4
	JLT  daxpydone
	VMOVUPD (DI), Y1
	VFMADD231PD (SI), Y0, Y1
	VMOVUPD Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $4, CX
	JMP  daxpy4

daxpydone:
	VZEROUPPER
	RET
