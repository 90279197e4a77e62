package core

// GenOp names an op that makes an array from nothing but its parameters.
type GenOp uint8

// The generator ops. Each writes out[i] for the row-major index i (for Eye
// and Tri, out is a matrix and (r, c) is its row and column).
const (
	// Arange: Start + i*Step. Floating types compute in float64 and round
	// once; integer types follow NumPy: s = int(Start), d = int(Start+Step)
	// - s, out[i] = s + i*d, wrapping on overflow.
	Arange GenOp = iota
	// Linspace: Start + i*Step, with the last element exactly Stop.
	// Integer types truncate toward zero.
	Linspace
	// Eye: 1 where c - r == K, else 0.
	Eye
	// Tri: 1 where c - r <= K, else 0.
	Tri
	// The windows of NumPy over M = len(out) points: Hanning, Hamming,
	// Bartlett and Blackman, computed in float64 and rounded once.
	Hanning
	Hamming
	Bartlett
	Blackman
)

// GenParams are the parameters of a generator op; each op reads the ones
// its comment names.
type GenParams struct {
	Start, Step, Stop float64
	K                 int
}

// CreationKernels fill arrays that no input determines, or only a value
// to repeat.
type CreationKernels interface {
	// Fill sets every element of out to the single element of val, which
	// has out's dtype.
	Fill(val, out View) error
	// Generate writes the values of op into out (row-major; a matrix for
	// Eye and Tri).
	Generate(op GenOp, p GenParams, out View) error
}
