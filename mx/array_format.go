package mx

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/mlxgo/mlxgo/internal/core"
)

// PrintOptions controls how arrays print, as MLX's mlx.core.PrintOptions.
type PrintOptions struct {
	// Precision is the number of decimals of floating-point elements
	// (real and imaginary parts of complex ones), printed in fixed-point
	// notation as in 1.500; -1, the default, prints six significant digits
	// as C's %g does.
	Precision int
}

// printPrecision holds PrintOptions.Precision.
var printPrecision atomic.Int64

func init() { printPrecision.Store(-1) }

// SetPrintOptions sets how arrays print from now on, for every goroutine.
// A negative precision restores the default.
func SetPrintOptions(o PrintOptions) {
	printPrecision.Store(int64(max(o.Precision, -1)))
}

// GetPrintOptions returns the current print options.
func GetPrintOptions() PrintOptions {
	return PrintOptions{Precision: int(printPrecision.Load())}
}

// WithPrintOptions runs f with o as the print options, then restores the
// previous ones, like MLX's `with mx.printoptions(...)`. The options are
// process-wide: other goroutines printing while f runs use them too. It
// panics with *Error if f is nil.
func WithPrintOptions(o PrintOptions, f func()) {
	if f == nil {
		panic(newError("with_print_options", "nil function"))
	}
	old := GetPrintOptions()
	SetPrintOptions(o)
	defer SetPrintOptions(old)
	f()
}

// printEdge is how many entries are shown at each end of an axis that is
// summarised; an axis is summarised when it has more than twice as many.
const printEdge = 3

// String returns a's repr as MLX prints it, evaluating a first:
//
//	array([2, 4, 6, 8], dtype=float32)
//	array(-1, dtype=float32)
//	array([[1, 2],
//	       [3, 4]], dtype=int32)
//	array([True, False], dtype=bool)
//	array([1+2j, 0-1j], dtype=complex64)
//	array([0, 1, 2, ..., 97, 98, 99], dtype=int32)
//	array([], dtype=float32)
//
// Floating-point elements (float16 and bfloat16 through their float32
// value) print as C's %g does: six significant digits without trailing
// zeros, in exponent form (1e-05, 1.5e+06) below 1e-4 and from 1e6 on, and
// nan, inf and -inf for the special values; SetPrintOptions sets a fixed
// number of decimals instead. Integers print in full, bools as True and
// False, complex numbers as their real part, a sign and their imaginary
// part followed by j. Rows are not aligned into columns. Along any axis
// longer than six, only the first three and last three entries are shown,
// with ... between them. Empty arrays print their brackets only.
//
// String never panics. When evaluation fails it returns the error in
// place of the values, array(<error: mx: ...>, shape=(4,), dtype=float32).
// An array that a running transform traces has no value to show yet and
// prints as array(<traced by vjp>, shape=(4,), dtype=float32). A nil
// *Array prints as array(<nil>) and the zero Array, which holds no value,
// as array(<uninitialized>).
func (a *Array) String() string {
	var b strings.Builder
	a.print(&b, nil)
	return b.String()
}

// Format implements fmt.Formatter. The verbs %v and %s (with any flags)
// give String's repr, %q the quoted repr; a width pads the whole repr.
// Any other verb formats each element inside the same layout:
// array([1.000, 2.500], dtype=float32) for %.3f. The floating-point verbs
// %e, %E, %f, %F, %g and %G take their flags, width and precision per
// element; integer elements are formatted as float64 values, complex
// elements part by part as in 1.000+2.000j, and nan, inf and -inf keep
// their repr spelling. Other verbs (%d, %x, %t, ...) are applied to each
// element's Go value as package fmt formats it: bool, int64 for signed
// integers, uint64 for unsigned ones, float32 for float16, bfloat16 and
// float32, float64, complex64.
func (a *Array) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's', 'q':
		s := a.String()
		if verb == 'q' {
			s = strconv.Quote(s)
		}
		w, _ := f.Width()
		pad(f, s, w, f.Flag('-'))
		return
	}
	var b strings.Builder
	a.print(&b, elemVerb(specOf(f, verb)))
	f.Write([]byte(b.String()))
}

// pad writes s to w, padded with spaces to width (on the right when left).
func pad(w fmt.State, s string, width int, left bool) {
	n := width - len([]rune(s))
	if n > 0 && !left {
		w.Write([]byte(strings.Repeat(" ", n)))
	}
	w.Write([]byte(s))
	if n > 0 && left {
		w.Write([]byte(strings.Repeat(" ", n)))
	}
}

// elemFunc writes one element, given as the Go value elemReader returns.
type elemFunc func(b *strings.Builder, x any)

// print writes a's repr to b, formatting elements with elem (the repr's
// own element format when nil).
func (a *Array) print(b *strings.Builder, elem elemFunc) {
	if a == nil {
		b.WriteString("array(<nil>)")
		return
	}
	if a.isZero() {
		b.WriteString("array(<uninitialized>)")
		return
	}
	if a.trace != nil && a.trace.active.Load() {
		fmt.Fprintf(b, "array(<traced by %s>, shape=%s, dtype=%v)", a.trace.name, shapeString(a.shape), a.dtype)
		return
	}
	var err error
	if e := Catch(func() { err = Eval(a) }); e != nil {
		err = e
	}
	if err != nil {
		fmt.Fprintf(b, "array(<error: %v>, shape=%s, dtype=%v)", err, shapeString(a.shape), a.dtype)
		return
	}
	if elem == nil {
		elem = elemRepr
		if prec := printPrecision.Load(); prec >= 0 {
			elem = elemVerb(verbSpec{verb: 'f', prec: int(prec), hasPrec: true, reprInts: true})
		}
	}
	p := arrayPrinter{b: b, shape: a.shape, strides: a.strides, elem: elem}
	b.WriteString("array(")
	if a.Size() > 0 {
		p.read = elemReader(a)
	}
	if len(a.shape) == 0 {
		elem(b, p.read(a.offset))
	} else {
		p.sub(a.offset, 0)
	}
	fmt.Fprintf(b, ", dtype=%v)", a.dtype)
	runtime.KeepAlive(a) // its buffer is read above
}

// isZero reports whether a is the zero Array, which no op made.
func (a *Array) isZero() bool { return a.status.Load() == statusUnmade }

// arrayPrinter writes the nested brackets of an evaluated array.
type arrayPrinter struct {
	b       *strings.Builder
	shape   []int
	strides []int
	read    func(off int) any
	elem    elemFunc
}

// sub writes the sub-array of axes dim... that starts at element offset off.
// Entries of the last axis are separated by ", "; sub-arrays by ",\n" and
// an indent that lines them up under the bracket above ("array(" is seven
// characters wide, plus one per enclosing bracket).
func (p *arrayPrinter) sub(off, dim int) {
	n, st := p.shape[dim], p.strides[dim]
	last := dim == len(p.shape)-1
	p.b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			if last {
				p.b.WriteString(", ")
			} else {
				p.b.WriteString(",\n")
				p.b.WriteString(strings.Repeat(" ", 7+dim))
			}
		}
		switch {
		case i == printEdge && n > 2*printEdge:
			p.b.WriteString("...")
			i = n - printEdge - 1
		case last:
			p.elem(p.b, p.read(off+i*st))
		default:
			p.sub(off+i*st, dim+1)
		}
	}
	p.b.WriteByte(']')
}

// elemReader returns a function that reads the element at a given offset
// of a's buffer (a must be available and not empty) as a Go value: bool,
// int64 for signed integers, uint64 for unsigned ones, float32 for
// float16, bfloat16 and float32, float64 or complex64.
func elemReader(a *Array) func(off int) any {
	if _, err := a.buf.Host(); err != nil {
		panic(deviceFailure(err)) // the host copy of a GPU array failed
	}
	v := a.view()
	switch a.dtype {
	case Bool:
		return reader(v, func(x bool) any { return x })
	case Uint8:
		return reader(v, func(x uint8) any { return uint64(x) })
	case Uint16:
		return reader(v, func(x uint16) any { return uint64(x) })
	case Uint32:
		return reader(v, func(x uint32) any { return uint64(x) })
	case Uint64:
		return reader(v, func(x uint64) any { return x })
	case Int8:
		return reader(v, func(x int8) any { return int64(x) })
	case Int16:
		return reader(v, func(x int16) any { return int64(x) })
	case Int32:
		return reader(v, func(x int32) any { return int64(x) })
	case Int64:
		return reader(v, func(x int64) any { return x })
	case Float16:
		return reader(v, func(x core.F16) any { return x.Float32() })
	case Bfloat16:
		return reader(v, func(x core.BF16) any { return x.Float32() })
	case Float32:
		return reader(v, func(x float32) any { return x })
	case Float64:
		return reader(v, func(x float64) any { return x })
	}
	return reader(v, func(x complex64) any { return x })
}

func reader[T any](v core.View, conv func(T) any) func(int) any {
	d := core.All[T](v)
	return func(off int) any { return conv(d[off]) }
}

// elemRepr writes x as MLX's repr does.
func elemRepr(b *strings.Builder, x any) {
	switch x := x.(type) {
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(x, 10))
	case float32:
		b.WriteString(formatG6(float64(x)))
	case float64:
		b.WriteString(formatG6(x))
	case complex64:
		re, im := float64(real(x)), float64(imag(x))
		b.WriteString(formatG6(re))
		if im >= 0 || math.IsNaN(im) {
			b.WriteByte('+')
			b.WriteString(formatG6(im))
		} else {
			b.WriteByte('-')
			b.WriteString(formatG6(-im))
		}
		b.WriteByte('j')
	}
}

// formatG6 formats x as C's printf("%g") does (six significant digits),
// which is how MLX prints floating-point numbers.
func formatG6(x float64) string {
	if s, ok := specialName(x, false); ok {
		return s
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// specialName returns nan, inf or -inf (+inf when plus) for those values.
// NaN prints without a sign, whatever its sign bit.
func specialName(x float64, plus bool) (string, bool) {
	switch {
	case math.IsNaN(x):
		return "nan", true
	case math.IsInf(x, 1) && plus:
		return "+inf", true
	case math.IsInf(x, 1):
		return "inf", true
	case math.IsInf(x, -1):
		return "-inf", true
	}
	return "", false
}

// verbSpec is a formatting verb with its flags, width and precision.
type verbSpec struct {
	verb                            rune
	plus, minus, sharp, space, zero bool
	width, prec                     int
	hasWidth, hasPrec               bool
	// reprInts keeps integers in their repr form (for PrintOptions)
	// instead of formatting them as float64 values with the verb.
	reprInts bool
}

func specOf(f fmt.State, verb rune) verbSpec {
	s := verbSpec{verb: verb, plus: f.Flag('+'), minus: f.Flag('-'), sharp: f.Flag('#'),
		space: f.Flag(' '), zero: f.Flag('0')}
	s.width, s.hasWidth = f.Width()
	s.prec, s.hasPrec = f.Precision()
	return s
}

// format returns the fmt format string of s, without its width when
// noWidth and without its sign flags (+ and space) when noSign.
func (s verbSpec) format(noWidth, noSign bool) string {
	var b strings.Builder
	b.WriteByte('%')
	if s.plus && !noSign {
		b.WriteByte('+')
	}
	if s.space && !noSign {
		b.WriteByte(' ')
	}
	if s.sharp {
		b.WriteByte('#')
	}
	if !noWidth {
		if s.minus {
			b.WriteByte('-')
		}
		if s.zero {
			b.WriteByte('0')
		}
		if s.hasWidth {
			b.WriteString(strconv.Itoa(s.width))
		}
	}
	if s.hasPrec {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(s.prec))
	}
	b.WriteRune(s.verb)
	return b.String()
}

// padded returns str padded with spaces to s's width.
func (s verbSpec) padded(str string) string {
	n := s.width - len(str)
	if !s.hasWidth || n <= 0 {
		return str
	}
	if s.minus {
		return str + strings.Repeat(" ", n)
	}
	return strings.Repeat(" ", n) + str
}

// elemVerb returns the element format of verb s (see Array.Format).
func elemVerb(s verbSpec) elemFunc {
	switch s.verb {
	case 'e', 'E', 'f', 'F', 'g', 'G':
	default:
		fs := s.format(false, false)
		return func(b *strings.Builder, x any) { fmt.Fprintf(b, fs, x) }
	}
	full := s.format(false, false)
	bare := s.format(true, false)
	unsigned := s.format(true, true)
	// num formats a float32 or float64 with format fs; nan and inf keep
	// their repr names.
	num := func(x any, f64 float64, fs string, plus bool) string {
		if name, ok := specialName(f64, plus); ok {
			return name
		}
		return fmt.Sprintf(fs, x)
	}
	return func(b *strings.Builder, x any) {
		switch x := x.(type) {
		case bool:
			elemRepr(b, x)
		case int64, uint64:
			if s.reprInts {
				elemRepr(b, x)
				return
			}
			b.WriteString(fmt.Sprintf(full, toFloat(x)))
		case float32:
			b.WriteString(s.padded(num(x, float64(x), full, s.plus)))
		case float64:
			b.WriteString(s.padded(num(x, x, full, s.plus)))
		case complex64:
			re, im := real(x), imag(x)
			str := num(re, float64(re), bare, s.plus)
			if im >= 0 || math.IsNaN(float64(im)) {
				str += "+" + num(im, float64(im), unsigned, false)
			} else {
				str += "-" + num(-im, float64(-im), unsigned, false)
			}
			b.WriteString(s.padded(str + "j"))
		}
	}
}

func toFloat(x any) float64 {
	if i, ok := x.(int64); ok {
		return float64(i)
	}
	return float64(x.(uint64))
}
