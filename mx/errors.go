package mx

import (
	"errors"
	"fmt"
	"strings"
)

// Error is what mlxgo panics with when an op is called with arguments it
// cannot accept (shapes that do not broadcast, a bad axis, a wrong dtype),
// and what it wraps runtime failures in. Op names the operation in MLX's
// spelling, such as "add" or "sum".
//
// Besides the mistakes each op documents, every op panics with *Error for a
// nil or zero Array, a shape with a negative dimension or too many elements
// to count in an int, and an invalid Dtype, a Stream that was never made or
// an unavailable Device among its options. Evaluation reports what only it
// can find, such as an allocation larger than the memory limit or the
// machine, as an error from Eval.
type Error struct {
	Op  string
	Msg string
	Err error // the underlying cause of a runtime failure, if any
}

func (e *Error) Error() string {
	if e.Op == "" {
		return "mx: " + e.Msg
	}
	return "mx: " + e.Op + ": " + e.Msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

func newError(op, format string, args ...any) *Error {
	return &Error{Op: op, Msg: fmt.Sprintf(format, args...)}
}

// Catch runs f and returns the *Error it panicked with, or nil. Panics that
// do not come from mlxgo are passed on untouched. It lets callers who prefer
// errors to panics use any op:
//
//	err := mx.Catch(func() { c = mx.Add(a, b) })
//
// A nil f gives an *Error.
func Catch(f func()) (err error) {
	if f == nil {
		return newError("catch", "nil function")
	}
	defer func() {
		if r := recover(); r != nil {
			var e *Error
			if re, ok := r.(error); ok && errors.As(re, &e) {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// shapeString formats a shape as MLX prints it: (2, 3).
func shapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}
