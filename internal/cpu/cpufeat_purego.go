//go:build purego

package cpu

// With the purego build tag no assembly is built, and the processor's
// features choose nothing.
var (
	haveAVX2   = false
	haveAVX512 = false
)
