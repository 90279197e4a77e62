// Package cpu holds the CPU kernels: pure Go, one file per family of
// primitives, the work of large arrays split over the cores.
package cpu

// backend is the CPU's kernel set. Each file of the package adds the methods
// of one kernel family (an interface declared in package core).
type backend struct{}

// Backend is the CPU backend.
var Backend = &backend{}

// Name returns "cpu".
func (*backend) Name() string { return "cpu" }
