package cpu

import "math"

// Vector loops for the float32 functions of unary_math.go. The assembly
// file of an architecture adds, for each instruction set the machine has,
// a set of loops that each take a whole number of vectors; the functions
// below run the best set on the longest such prefix of their input and the
// Go loops on the rest. The vector loops follow the Go loops step by step,
// so that both give the same results to within the rounding of a fused
// multiply-add, or for erf of its float32 steps: one ulp at most (the tests
// compare them).

// f32Fn names a function of f32Loops.
type f32Fn int

const (
	fnExp f32Fn = iota
	fnExpm1
	fnSigmoid
	fnTanh
	fnLog
	fnLog2
	fnLog10
	fnLog1p
	fnErf
	numF32Fn
)

// f32Loops is one instruction set's loops over float32 slices: fn[f]
// (nil where there is none) takes len(src) a multiple of step, a power of
// two, and len(dst) >= len(src).
type f32Loops struct {
	name string
	step int
	fn   [numF32Fn]func(dst, src []float32)
}

// f32Go are the Go loops; f32All lists every set this machine can run,
// best last, and f32Vec is the one in use.
var (
	f32Go = f32Loops{name: "go", step: 1, fn: [numF32Fn]func(dst, src []float32){
		fnExp: expGo, fnExpm1: expm1Go, fnSigmoid: sigmoidGo, fnTanh: tanhGo,
		fnLog: logGo, fnLog2: log2Go, fnLog10: log10Go, fnLog1p: log1pGo, fnErf: erfGo,
	}}
	f32All = []*f32Loops{&f32Go}
	f32Vec = &f32Go
)

// run applies f to src, writing dst: v's loop on the longest prefix it
// takes, the Go loop on the rest.
func (v *f32Loops) run(f f32Fn, dst, src []float32) {
	n := 0
	if loop := v.fn[f]; loop != nil {
		n = len(src) &^ (v.step - 1)
		if n > 0 {
			loop(dst[:n], src[:n])
		}
	}
	f32Go.fn[f](dst[n:len(src)], src[n:])
}

// logLoops returns the logarithms made from one vector loop that sets
// dst[i] = k*ck + log(1+f)*cp for src[i] + add = 2^k (1+f), 1+f in
// [sqrt(1/2), sqrt(2)), and dst[i] = src[i] where |src[i]| < tiny; as in
// logGo and log1pGo, zero gives -Inf, +Inf gives +Inf, and negative
// numbers and NaN give NaN (all after adding add).
func logLoops(loop func(dst, src []float32, add, tiny, ck, cp float64)) (log, log2, log10, log1p func(dst, src []float32)) {
	const log10of2, log10e = math.Ln2 / math.Ln10, 1 / math.Ln10
	return func(dst, src []float32) { loop(dst, src, 0, 0, ln2, 1) },
		func(dst, src []float32) { loop(dst, src, 0, 0, 1, log2e) },
		func(dst, src []float32) { loop(dst, src, 0, 0, log10of2, log10e) },
		func(dst, src []float32) { loop(dst, src, 1, 0x1p-29, ln2, 1) }
}

// f32Funcs are the functions by f32Fn, each running f32Vec's loop.
var f32Funcs = [numF32Fn]func(dst, src []float32){
	fnExp: exp32, fnExpm1: expm1_32, fnSigmoid: sigmoid32, fnTanh: tanh32,
	fnLog: log32, fnLog2: log2_32, fnLog10: log10_32, fnLog1p: log1p32, fnErf: erf32,
}

func exp32(dst, src []float32)     { f32Vec.run(fnExp, dst, src) }
func expm1_32(dst, src []float32)  { f32Vec.run(fnExpm1, dst, src) }
func sigmoid32(dst, src []float32) { f32Vec.run(fnSigmoid, dst, src) }
func tanh32(dst, src []float32)    { f32Vec.run(fnTanh, dst, src) }
func log32(dst, src []float32)     { f32Vec.run(fnLog, dst, src) }
func log2_32(dst, src []float32)   { f32Vec.run(fnLog2, dst, src) }
func log10_32(dst, src []float32)  { f32Vec.run(fnLog10, dst, src) }
func log1p32(dst, src []float32)   { f32Vec.run(fnLog1p, dst, src) }
func erf32(dst, src []float32)     { f32Vec.run(fnErf, dst, src) }
