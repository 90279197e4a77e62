package core

import "strconv"

// UnaryOp names an elementwise operation of one operand.
type UnaryOp uint8

// The unary operations. Unless an op says otherwise its input and output
// have one type: a floating-point or complex type for the mathematical
// functions (the front end converts integers to float32 first), any number
// type for Abs, Negative, Sign and Square.
const (
	Abs        UnaryOp = iota // |x|; complex64 gives float32
	Negative                  // -x; unsigned integers wrap
	Sign                      // -1, 0 or 1 (NaN for NaN); x/|x| for complex
	Sqrt                      // square root
	Rsqrt                     // 1/sqrt(x)
	Square                    // x*x
	Reciprocal                // 1/x
	Exp                       // e^x
	Expm1                     // e^x - 1, accurate near zero (real types)
	Log                       // natural logarithm
	Log2                      // base-2 logarithm
	Log10                     // base-10 logarithm
	Log1p                     // log(1 + x), accurate near zero
	Sin
	Cos
	Tan
	Arcsin
	Arccos
	Arctan
	Sinh
	Cosh
	Tanh
	Arcsinh
	Arccosh
	Arctanh
	Sigmoid       // 1/(1 + e^-x) (real types)
	Erf           // the error function (real types)
	Erfinv        // the inverse error function (real types)
	Floor         // largest integer not above x (real types; integers unchanged)
	Ceil          // smallest integer not below x (real types; integers unchanged)
	Trunc         // x rounded toward zero (real types; integers unchanged)
	Round         // x rounded to UnaryParams.Decimals digits, ties to even
	Degrees       // radians to degrees
	Radians       // degrees to radians
	IsNaN         // output bool
	IsInf         // output bool: ±Inf (either part of a complex number)
	IsFinite      // output bool: neither NaN nor ±Inf
	IsPosInf      // output bool
	IsNegInf      // output bool
	NanToNum      // NaN and ±Inf replaced by the values of UnaryParams
	Real          // real part: complex64 to float32
	Imag          // imaginary part: complex64 to float32; real types give 0
	Conjugate     // complex conjugate
	LogicalNot    // bool to bool
	BitwiseInvert // ^x on integer types
	ToFP8         // a real floating-point type to uint8 codes of fp8 (e4m3)
	FromFP8       // uint8 codes of fp8 (e4m3) to a real floating-point type
	NumUnaryOps
)

// UnaryParams are the parameters of the ops that have any.
type UnaryParams struct {
	// Decimals is Round's number of decimal digits (negative rounds to
	// tens, hundreds, ...).
	Decimals int
	// Nan, PosInf and NegInf are NanToNum's replacements, converted to
	// the element type by the kernel (a value beyond its range becomes
	// ±Inf).
	Nan, PosInf, NegInf float64
}

// UnaryKernels computes elementwise operations of one operand. in has the
// shape of out and any strides; out is row-major and of the op's result
// type.
type UnaryKernels interface {
	Unary(op UnaryOp, p UnaryParams, in, out View) error
}

var unaryNames = [NumUnaryOps]string{
	"abs", "negative", "sign", "sqrt", "rsqrt", "square", "reciprocal", "exp", "expm1",
	"log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
	"sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sigmoid", "erf", "erfinv",
	"floor", "ceil", "trunc", "round", "degrees", "radians", "isnan", "isinf", "isfinite",
	"isposinf", "isneginf", "nan_to_num", "real", "imag", "conjugate", "logical_not",
	"bitwise_invert", "to_fp8", "from_fp8",
}

// String returns the op's name as MLX spells it, such as "log1p".
func (op UnaryOp) String() string {
	if op < NumUnaryOps {
		return unaryNames[op]
	}
	return "unary op " + strconv.Itoa(int(op))
}
