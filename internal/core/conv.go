package core

// ConvParams describes a general N-d convolution, per spatial dimension:
// the output's element o reads the input, dilated by InputDilation (its
// elements InputDilation apart, zeros between) and padded by PadLo before
// and PadHi after (a negative padding crops instead), at
// o*Stride + k*KernelDilation for each kernel position k. With Flip, kernel
// position k takes the weight's element K-1-k (a true convolution rather
// than a cross-correlation). Groups splits the channels: output channel
// group g reads input channel group g only.
type ConvParams struct {
	Stride, PadLo, PadHi, KernelDilation, InputDilation []int
	Groups                                              int
	Flip                                                bool
}

// ConvKernels computes convolutions.
type ConvKernels interface {
	// Conv computes out = conv(in, w) with channels last: in has shape
	// [N, spatial..., C_in], w [C_out, kernel spatial..., C_in/groups] and
	// out [N, out spatial..., C_out], the output's spatial sizes those
	// that p gives. in and w may have any strides; out is row-major. All
	// three share one floating-point element type.
	Conv(in, w, out View, p ConvParams) error
	// ConvWeights computes the cotangent of Conv's weight: out, row-major
	// [C_out, kernel spatial..., C_in/groups], gets at (co, k..., ci) the
	// sum over the batch and the output positions o of cot[n, o..., co]
	// times the input element that kernel position k and channel ci meet
	// at o. in may have any strides; cot is row-major
	// [N, out spatial..., C_out]. All three share one floating-point type.
	ConvWeights(in, cot, out View, p ConvParams) error
}

// HadamardKernels computes Walsh-Hadamard transforms.
type HadamardKernels interface {
	// Hadamard writes to out the Walsh-Hadamard transform of every row
	// (last dimension, a power of two) of in, times scale. in and out
	// are row-major views of one shape and one floating-point type.
	Hadamard(in, out View, scale float64) error
}
