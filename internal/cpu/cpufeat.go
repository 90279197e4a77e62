//go:build !purego

package cpu

import "golang.org/x/sys/cpu"

// The processor features that choose the assembly kernels, read once at
// start-up. Each flag also requires the operating system to save the
// registers involved (golang.org/x/sys/cpu checks that). The tests set
// them to false to run the other paths.
var (
	// haveAVX2 reports AVX2 with FMA: the kernels on 256-bit vectors.
	haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	// haveAVX512 reports AVX-512 Foundation (with AVX2 and FMA): the
	// kernels on 512-bit vectors.
	haveAVX512 = haveAVX2 && cpu.X86.HasAVX512F
)
