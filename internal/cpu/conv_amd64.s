//go:build !purego

#include "textflag.h"

// The direct-convolution micro-kernels for AVX-512 (float32), which read
// the input where it lies instead of from packed panels; conv_direct.go
// states their contracts. X15 is not used.

// One row of a step of sconvAVX512: broadcast element CX of the run that
// ends at ptr, add its products with B to c0 and c1.
#define CROW(ptr, c0, c1) \
	VBROADCASTSS (ptr)(CX*4), Z30; \
	VFMADD231PS  Z28, Z30, c0; \
	VFMADD231PS  Z29, Z30, c1

// One row of the result: c0 and c1 stored at DX, or added to what is
// there (acc), then DX moves to the next row.
#define CSTORE(c0, c1) \
	VMOVUPS c0, (DX); \
	VMOVUPS c1, 64(DX); \
	ADDQ    R8, DX

#define CACC(c0, c1) \
	VADDPS  (DX), c0, c0; \
	VMOVUPS c0, (DX); \
	VADDPS  64(DX), c1, c1; \
	VMOVUPS c1, 64(DX); \
	ADDQ    R8, DX

// func sconvAVX512(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)
//
// A 12×32 tile of the output in Z0-Z14 and Z16-Z24. For each of the kpos
// kernel positions, tab holds twelve addresses, the ends of the runs of cg
// input channels that the tile's twelve rows meet there; the row pointers
// stay in AX, BX, DX, SI, R8-R15 while CX counts from -cg up to zero. B
// (packed, kpos*cg steps of 32 values) is read at DI.
TEXT ·sconvAVX512(SB), NOSPLIT, $0-49
	MOVQ b+24(FP), DI
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

kpos512:
	MOVQ tab+16(FP), CX
	MOVQ 0(CX), AX
	MOVQ 8(CX), BX
	MOVQ 16(CX), DX
	MOVQ 24(CX), SI
	MOVQ 32(CX), R8
	MOVQ 40(CX), R9
	MOVQ 48(CX), R10
	MOVQ 56(CX), R11
	MOVQ 64(CX), R12
	MOVQ 72(CX), R13
	MOVQ 80(CX), R14
	MOVQ 88(CX), R15
	ADDQ $96, CX
	MOVQ CX, tab+16(FP)
	MOVQ cg+8(FP), CX
	NEGQ CX

step512:
	VMOVUPS (DI), Z28
	VMOVUPS 64(DI), Z29
	CROW(AX, Z0, Z1)
	CROW(BX, Z2, Z3)
	CROW(DX, Z4, Z5)
	CROW(SI, Z6, Z7)
	CROW(R8, Z8, Z9)
	CROW(R9, Z10, Z11)
	CROW(R10, Z12, Z13)
	CROW(R11, Z14, Z16)
	CROW(R12, Z17, Z18)
	CROW(R13, Z19, Z20)
	CROW(R14, Z21, Z22)
	CROW(R15, Z23, Z24)
	ADDQ $128, DI
	INCQ CX
	JNZ  step512
	DECQ kpos+0(FP)
	JNZ  kpos512

	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	MOVBLZX acc+48(FP), AX
	TESTL AX, AX
	JNZ  accum512
	CSTORE(Z0, Z1)
	CSTORE(Z2, Z3)
	CSTORE(Z4, Z5)
	CSTORE(Z6, Z7)
	CSTORE(Z8, Z9)
	CSTORE(Z10, Z11)
	CSTORE(Z12, Z13)
	CSTORE(Z14, Z16)
	CSTORE(Z17, Z18)
	CSTORE(Z19, Z20)
	CSTORE(Z21, Z22)
	CSTORE(Z23, Z24)
	VZEROUPPER
	RET

accum512:
	CACC(Z0, Z1)
	CACC(Z2, Z3)
	CACC(Z4, Z5)
	CACC(Z6, Z7)
	CACC(Z8, Z9)
	CACC(Z10, Z11)
	CACC(Z12, Z13)
	CACC(Z14, Z16)
	CACC(Z17, Z18)
	CACC(Z19, Z20)
	CACC(Z21, Z22)
	CACC(Z23, Z24)
	VZEROUPPER
	RET

// One row of a step of sconvWeightsAVX512: broadcast the cotangent at
// off(DI), add its products with the input's 32 values to c0 and c1.
#define WROW(off, c0, c1) \
	VBROADCASTSS off(DI), Z30; \
	VFMADD231PS  Z28, Z30, c0; \
	VFMADD231PS  Z29, Z30, c1

// func sconvWeightsAVX512(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)
//
// Adds to an 8×32 tile of the weight's cotangent (rows: output channels,
// columns: input channels) k steps of the product of the cotangent (8
// values at cot, a row of ldg elements a step) and the input (32 values at
// byte offset off from the address tab holds for the step), leaving out
// the tile's first skip rows (0 to 7). The tile stays in Z0-Z14 and Z16.
TEXT ·sconvWeightsAVX512(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ tab+8(FP), SI
	MOVQ off+16(FP), BX
	MOVQ cot+24(FP), DI
	MOVQ ldg+32(FP), R8
	SHLQ $2, R8
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

wstep512:
	MOVQ    (SI), AX
	VMOVUPS (AX)(BX*1), Z28
	VMOVUPS 64(AX)(BX*1), Z29
	WROW(0, Z0, Z1)
	WROW(4, Z2, Z3)
	WROW(8, Z4, Z5)
	WROW(12, Z6, Z7)
	WROW(16, Z8, Z9)
	WROW(20, Z10, Z11)
	WROW(24, Z12, Z13)
	WROW(28, Z14, Z16)
	ADDQ $8, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  wstep512

	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8
	MOVQ skip+56(FP), AX
	MOVQ AX, BX
	IMULQ R8, BX
	ADDQ BX, DX
	CMPQ AX, $0
	JEQ  w8row0
	CMPQ AX, $1
	JEQ  w8row1
	CMPQ AX, $2
	JEQ  w8row2
	CMPQ AX, $3
	JEQ  w8row3
	CMPQ AX, $4
	JEQ  w8row4
	CMPQ AX, $5
	JEQ  w8row5
	CMPQ AX, $6
	JEQ  w8row6
	JMP  w8row7
w8row0:
	CACC(Z0, Z1)
w8row1:
	CACC(Z2, Z3)
w8row2:
	CACC(Z4, Z5)
w8row3:
	CACC(Z6, Z7)
w8row4:
	CACC(Z8, Z9)
w8row5:
	CACC(Z10, Z11)
w8row6:
	CACC(Z12, Z13)
w8row7:
	CACC(Z14, Z16)
	VZEROUPPER
	RET

// One row of a step of sconvWeights6AVX512: broadcast the cotangent at
// off(DI), add its products with the input's 64 values to c0-c3.
#define W6ROW(off, c0, c1, c2, c3) \
	VBROADCASTSS off(DI), Z30; \
	VFMADD231PS  Z25, Z30, c0; \
	VFMADD231PS  Z26, Z30, c1; \
	VFMADD231PS  Z27, Z30, c2; \
	VFMADD231PS  Z28, Z30, c3

#define W6ACC(c0, c1, c2, c3) \
	VADDPS  (DX), c0, c0; \
	VMOVUPS c0, (DX); \
	VADDPS  64(DX), c1, c1; \
	VMOVUPS c1, 64(DX); \
	VADDPS  128(DX), c2, c2; \
	VMOVUPS c2, 128(DX); \
	VADDPS  192(DX), c3, c3; \
	VMOVUPS c3, 192(DX); \
	ADDQ    R8, DX

#define W6PREFETCH \
	PREFETCHT0 (DX); \
	PREFETCHT0 64(DX); \
	PREFETCHT0 128(DX); \
	PREFETCHT0 192(DX); \
	ADDQ       R8, DX

// func sconvWeights6AVX512(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)
//
// As sconvWeightsAVX512 for a 6×64 tile (6 output channels, 64 input
// channels), kept in Z0-Z14 and Z16-Z24; the input's values in Z25-Z28.
// The first skip rows of the tile (0 to 5) are left out of c.
TEXT ·sconvWeights6AVX512(SB), NOSPLIT, $0-64
	// Fetch the tile of c now: it is read only at the end, and most
	// likely not in the L1 cache.
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8
	W6PREFETCH
	W6PREFETCH
	W6PREFETCH
	W6PREFETCH
	W6PREFETCH
	W6PREFETCH
	MOVQ k+0(FP), CX
	MOVQ tab+8(FP), SI
	MOVQ off+16(FP), BX
	MOVQ cot+24(FP), DI
	MOVQ ldg+32(FP), R8
	SHLQ $2, R8
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

w6step512:
	MOVQ    (SI), AX
	VMOVUPS (AX)(BX*1), Z25
	VMOVUPS 64(AX)(BX*1), Z26
	VMOVUPS 128(AX)(BX*1), Z27
	VMOVUPS 192(AX)(BX*1), Z28
	W6ROW(0, Z0, Z1, Z2, Z3)
	W6ROW(4, Z4, Z5, Z6, Z7)
	W6ROW(8, Z8, Z9, Z10, Z11)
	W6ROW(12, Z12, Z13, Z14, Z16)
	W6ROW(16, Z17, Z18, Z19, Z20)
	W6ROW(20, Z21, Z22, Z23, Z24)
	ADDQ $8, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  w6step512

	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8
	MOVQ skip+56(FP), AX
	TESTQ AX, AX
	JNZ  w6skip
	W6ACC(Z0, Z1, Z2, Z3)
w6row1:
	W6ACC(Z4, Z5, Z6, Z7)
w6row2:
	W6ACC(Z8, Z9, Z10, Z11)
w6row3:
	W6ACC(Z12, Z13, Z14, Z16)
w6row4:
	W6ACC(Z17, Z18, Z19, Z20)
w6row5:
	W6ACC(Z21, Z22, Z23, Z24)
	VZEROUPPER
	RET

w6skip:
	// Start at row skip of c.
	MOVQ  AX, BX
	IMULQ R8, BX
	ADDQ  BX, DX
	CMPQ  AX, $1
	JEQ   w6row1
	CMPQ  AX, $2
	JEQ   w6row2
	CMPQ  AX, $3
	JEQ   w6row3
	CMPQ  AX, $4
	JEQ   w6row4
	JMP   w6row5

// One row of a step of sconv6AVX512: broadcast element CX of the run that
// ends at ptr, add its products with B's 64 values to c0-c3.
#define C6ROW(ptr, c0, c1, c2, c3) \
	VBROADCASTSS (ptr)(CX*4), Z30; \
	VFMADD231PS  Z25, Z30, c0; \
	VFMADD231PS  Z26, Z30, c1; \
	VFMADD231PS  Z27, Z30, c2; \
	VFMADD231PS  Z28, Z30, c3

#define C6STORE(c0, c1, c2, c3) \
	VMOVUPS c0, (DX); \
	VMOVUPS c1, 64(DX); \
	VMOVUPS c2, 128(DX); \
	VMOVUPS c3, 192(DX); \
	ADDQ    R8, DX

// func sconv6AVX512(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)
//
// As sconvAVX512 for a 6×64 tile (6 output positions, 64 output
// channels) in Z0-Z14 and Z16-Z24, tab holding six addresses a kernel
// position (in AX, BX, DX, SI, R8, R9) and B 64 values a step (in
// Z25-Z28).
TEXT ·sconv6AVX512(SB), NOSPLIT, $0-49
	MOVQ b+24(FP), DI
	MOVQ tab+16(FP), R10
	MOVQ kpos+0(FP), R11
	MOVQ cg+8(FP), R12
	NEGQ R12
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

kpos6:
	MOVQ 0(R10), AX
	MOVQ 8(R10), BX
	MOVQ 16(R10), DX
	MOVQ 24(R10), SI
	MOVQ 32(R10), R8
	MOVQ 40(R10), R9
	ADDQ $48, R10
	MOVQ R12, CX

step6:
	VMOVUPS (DI), Z25
	VMOVUPS 64(DI), Z26
	VMOVUPS 128(DI), Z27
	VMOVUPS 192(DI), Z28
	C6ROW(AX, Z0, Z1, Z2, Z3)
	C6ROW(BX, Z4, Z5, Z6, Z7)
	C6ROW(DX, Z8, Z9, Z10, Z11)
	C6ROW(SI, Z12, Z13, Z14, Z16)
	C6ROW(R8, Z17, Z18, Z19, Z20)
	C6ROW(R9, Z21, Z22, Z23, Z24)
	ADDQ $256, DI
	INCQ CX
	JNZ  step6
	DECQ R11
	JNZ  kpos6

	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	MOVBLZX acc+48(FP), AX
	TESTL AX, AX
	JNZ  accum6
	C6STORE(Z0, Z1, Z2, Z3)
	C6STORE(Z4, Z5, Z6, Z7)
	C6STORE(Z8, Z9, Z10, Z11)
	C6STORE(Z12, Z13, Z14, Z16)
	C6STORE(Z17, Z18, Z19, Z20)
	C6STORE(Z21, Z22, Z23, Z24)
	VZEROUPPER
	RET

accum6:
	W6ACC(Z0, Z1, Z2, Z3)
	W6ACC(Z4, Z5, Z6, Z7)
	W6ACC(Z8, Z9, Z10, Z11)
	W6ACC(Z12, Z13, Z14, Z16)
	W6ACC(Z17, Z18, Z19, Z20)
	W6ACC(Z21, Z22, Z23, Z24)
	VZEROUPPER
	RET

// AVX2 with FMA: the kernels above on 256-bit vectors, with 6×16 tiles in
// Y0-Y11, the 16 values of B (or of the input) in Y12 and Y13, and the
// broadcast value in Y14.

#define C2ROW(ptr, c0, c1) \
	VBROADCASTSS (ptr)(CX*4), Y14; \
	VFMADD231PS  Y12, Y14, c0; \
	VFMADD231PS  Y13, Y14, c1

#define C2STORE(c0, c1) \
	VMOVUPS c0, (DX); \
	VMOVUPS c1, 32(DX); \
	ADDQ    R8, DX

#define C2ACC(c0, c1) \
	VADDPS  (DX), c0, c0; \
	VMOVUPS c0, (DX); \
	VADDPS  32(DX), c1, c1; \
	VMOVUPS c1, 32(DX); \
	ADDQ    R8, DX

// func sconv6AVX2(kpos, cg int, tab *uintptr, b, c *float32, ldc int, acc bool)
//
// As sconv6AVX512 for a 6×16 tile, B 16 values a step.
TEXT ·sconv6AVX2(SB), NOSPLIT, $0-49
	MOVQ b+24(FP), DI
	MOVQ tab+16(FP), R10
	MOVQ kpos+0(FP), R11
	MOVQ cg+8(FP), R12
	NEGQ R12
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

kpos2:
	MOVQ 0(R10), AX
	MOVQ 8(R10), BX
	MOVQ 16(R10), DX
	MOVQ 24(R10), SI
	MOVQ 32(R10), R8
	MOVQ 40(R10), R9
	ADDQ $48, R10
	MOVQ R12, CX

step2:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	C2ROW(AX, Y0, Y1)
	C2ROW(BX, Y2, Y3)
	C2ROW(DX, Y4, Y5)
	C2ROW(SI, Y6, Y7)
	C2ROW(R8, Y8, Y9)
	C2ROW(R9, Y10, Y11)
	ADDQ $64, DI
	INCQ CX
	JNZ  step2
	DECQ R11
	JNZ  kpos2

	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	MOVBLZX acc+48(FP), AX
	TESTL AX, AX
	JNZ  accum2
	C2STORE(Y0, Y1)
	C2STORE(Y2, Y3)
	C2STORE(Y4, Y5)
	C2STORE(Y6, Y7)
	C2STORE(Y8, Y9)
	C2STORE(Y10, Y11)
	VZEROUPPER
	RET

accum2:
	C2ACC(Y0, Y1)
	C2ACC(Y2, Y3)
	C2ACC(Y4, Y5)
	C2ACC(Y6, Y7)
	C2ACC(Y8, Y9)
	C2ACC(Y10, Y11)
	VZEROUPPER
	RET

#define W2ROW(off, c0, c1) \
	VBROADCASTSS off(DI), Y14; \
	VFMADD231PS  Y12, Y14, c0; \
	VFMADD231PS  Y13, Y14, c1

// func sconvWeights6AVX2(k int, tab *uintptr, off int, cot *float32, ldg int, c *float32, ldc, skip int)
//
// As sconvWeights6AVX512 for a 6×16 tile.
TEXT ·sconvWeights6AVX2(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ tab+8(FP), SI
	MOVQ off+16(FP), BX
	MOVQ cot+24(FP), DI
	MOVQ ldg+32(FP), R8
	SHLQ $2, R8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

w2step:
	MOVQ    (SI), AX
	VMOVUPS (AX)(BX*1), Y12
	VMOVUPS 32(AX)(BX*1), Y13
	W2ROW(0, Y0, Y1)
	W2ROW(4, Y2, Y3)
	W2ROW(8, Y4, Y5)
	W2ROW(12, Y6, Y7)
	W2ROW(16, Y8, Y9)
	W2ROW(20, Y10, Y11)
	ADDQ $8, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  w2step

	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8
	MOVQ skip+56(FP), AX
	MOVQ AX, BX
	IMULQ R8, BX
	ADDQ BX, DX
	CMPQ AX, $0
	JEQ  w2row0
	CMPQ AX, $1
	JEQ  w2row1
	CMPQ AX, $2
	JEQ  w2row2
	CMPQ AX, $3
	JEQ  w2row3
	CMPQ AX, $4
	JEQ  w2row4
	JMP  w2row5
w2row0:
	C2ACC(Y0, Y1)
w2row1:
	C2ACC(Y2, Y3)
w2row2:
	C2ACC(Y4, Y5)
w2row3:
	C2ACC(Y6, Y7)
w2row4:
	C2ACC(Y8, Y9)
w2row5:
	C2ACC(Y10, Y11)
	VZEROUPPER
	RET
