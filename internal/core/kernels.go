package core

// The kernel families. A backend implements the families it supports; the
// front end finds a family by type assertion and reports "not implemented
// on <backend>" for a missing one. Every output view passed to a kernel is
// freshly allocated and row-major unless the family says otherwise.

// CopyKernels copies with conversion.
type CopyKernels interface {
	// Copy writes in into out (same shape, any strides), converting the
	// element type: numbers convert as Go conversions do, to bool as x != 0,
	// from complex by dropping the imaginary part.
	Copy(in, out View) error
}
