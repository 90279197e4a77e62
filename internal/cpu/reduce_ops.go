package cpu

import "math"

// The reducers of reduce.go, one type per operation. Each is generic over
// the input element type T (with bool read as uint8; half types arrive
// converted to float32) and, where it varies, the accumulator A and the
// result R.

// sumReducer sums (or averages, when mean is set) T into A.
type sumReducer[T, A, R realNum] struct{ mean bool }

func (sumReducer[T, A, R]) init() A { return 0 }

func (sumReducer[T, A, R]) row(acc A, x []T, off, s, n int) A {
	if s != 1 {
		for i := 0; i < n; i++ {
			acc += A(x[off])
			off += s
		}
		return acc
	}
	if haveAVX2 && n >= 16 && isF32F64[T, A]() {
		m := n &^ 15
		acc += A(sumF32AVX2(asF32(x[off : off+m])))
		off, n = off+m, n-m
	}
	xs := x[off : off+n]
	// Eight independent sums hide the latency of the additions.
	var a0, a1, a2, a3, a4, a5, a6, a7 A
	i := 0
	for ; i+8 <= len(xs); i += 8 {
		v := xs[i : i+8 : i+8]
		a0 += A(v[0])
		a1 += A(v[1])
		a2 += A(v[2])
		a3 += A(v[3])
		a4 += A(v[4])
		a5 += A(v[5])
		a6 += A(v[6])
		a7 += A(v[7])
	}
	for ; i < len(xs); i++ {
		a0 += A(xs[i])
	}
	return acc + ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

func (sumReducer[T, A, R]) col(acc []A, x []T, off, s int) {
	if s == 1 && haveAVX2 && len(acc) >= 8 && isF32F64[T, A]() {
		m := len(acc) &^ 7
		colSumF32AVX2(asF64(acc[:m]), asF32(x[off:off+m]))
		acc, off = acc[m:], off+m
	}
	if s == 1 {
		xs := x[off : off+len(acc)]
		for j := range acc {
			acc[j] += A(xs[j])
		}
		return
	}
	for j := range acc {
		acc[j] += A(x[off])
		off += s
	}
}

func (sumReducer[T, A, R]) merge(a, b A) A { return a + b }

func (o sumReducer[T, A, R]) finish(acc []A, count int, out []R) {
	if o.mean {
		for i, a := range acc {
			out[i] = R(float64(a) / float64(count))
		}
		return
	}
	for i, a := range acc {
		out[i] = R(a)
	}
}

// prodReducer multiplies T into A.
type prodReducer[T, A, R realNum] struct{}

func (prodReducer[T, A, R]) init() A { return 1 }

func (prodReducer[T, A, R]) row(acc A, x []T, off, s, n int) A {
	var a0, a1, a2, a3 A = 1, 1, 1, 1
	i := 0
	for ; i+4 <= n; i += 4 {
		a0 *= A(x[off])
		a1 *= A(x[off+s])
		a2 *= A(x[off+2*s])
		a3 *= A(x[off+3*s])
		off += 4 * s
	}
	for ; i < n; i++ {
		a0 *= A(x[off])
		off += s
	}
	return acc * ((a0 * a1) * (a2 * a3))
}

func (prodReducer[T, A, R]) col(acc []A, x []T, off, s int) {
	for j := range acc {
		acc[j] *= A(x[off])
		off += s
	}
}

func (prodReducer[T, A, R]) merge(a, b A) A { return a * b }

func (prodReducer[T, A, R]) finish(acc []A, _ int, out []R) {
	for i, a := range acc {
		out[i] = R(a)
	}
}

// csumReducer sums (or averages) complex64 in complex128.
type csumReducer struct{ mean bool }

func (csumReducer) init() complex128 { return 0 }

func (csumReducer) row(acc complex128, x []complex64, off, s, n int) complex128 {
	for i := 0; i < n; i++ {
		acc += complex128(x[off])
		off += s
	}
	return acc
}

func (csumReducer) col(acc []complex128, x []complex64, off, s int) {
	for j := range acc {
		acc[j] += complex128(x[off])
		off += s
	}
}

func (csumReducer) merge(a, b complex128) complex128 { return a + b }

func (o csumReducer) finish(acc []complex128, count int, out []complex64) {
	for i, a := range acc {
		if o.mean {
			a /= complex(float64(count), 0)
		}
		out[i] = complex64(a)
	}
}

// cprodReducer multiplies complex64 in complex128.
type cprodReducer struct{}

func (cprodReducer) init() complex128 { return 1 }

func (cprodReducer) row(acc complex128, x []complex64, off, s, n int) complex128 {
	for i := 0; i < n; i++ {
		acc *= complex128(x[off])
		off += s
	}
	return acc
}

func (cprodReducer) col(acc []complex128, x []complex64, off, s int) {
	for j := range acc {
		acc[j] *= complex128(x[off])
		off += s
	}
}

func (cprodReducer) merge(a, b complex128) complex128 { return a * b }

func (cprodReducer) finish(acc []complex128, _ int, out []complex64) {
	for i, a := range acc {
		out[i] = complex64(a)
	}
}

// lowest returns the smallest value of T (-Inf for floats); highest the
// largest (+Inf for floats).
func lowest[T realNum]() T {
	var z T
	switch p := any(&z).(type) {
	case *float32:
		*p = float32(math.Inf(-1))
	case *float64:
		*p = math.Inf(-1)
	default:
		lo, _ := intRange(z)
		z = T(lo)
	}
	return z
}

func highest[T realNum]() T {
	var z T
	switch p := any(&z).(type) {
	case *float32:
		*p = float32(math.Inf(1))
	case *float64:
		*p = math.Inf(1)
	default:
		z = maxOf(z)
	}
	return z
}

// maxReducer finds the largest element; Go's max returns NaN when either
// argument is NaN, which is NumPy's max.
type maxReducer[T realNum] struct{}

func (maxReducer[T]) init() T { return lowest[T]() }

func (maxReducer[T]) row(acc T, x []T, off, s, n int) T {
	if s == 1 && n > 0 && haveAVX2 && isF32[T]() {
		return max(acc, T(maxF32(asF32(x[off:off+n]))))
	}
	if s == 1 {
		xs := x[off : off+n]
		m0, m1, m2, m3 := acc, acc, acc, acc
		i := 0
		for ; i+4 <= len(xs); i += 4 {
			v := xs[i : i+4 : i+4]
			m0 = max(m0, v[0])
			m1 = max(m1, v[1])
			m2 = max(m2, v[2])
			m3 = max(m3, v[3])
		}
		for ; i < len(xs); i++ {
			m0 = max(m0, xs[i])
		}
		return max(max(m0, m1), max(m2, m3))
	}
	for i := 0; i < n; i++ {
		acc = max(acc, x[off])
		off += s
	}
	return acc
}

func (maxReducer[T]) col(acc []T, x []T, off, s int) {
	if s == 1 && haveAVX2 && isF32[T]() {
		colMax(asF32(acc), asF32(x[off:off+len(acc)]))
		return
	}
	for j := range acc {
		acc[j] = max(acc[j], x[off])
		off += s
	}
}

func (maxReducer[T]) merge(a, b T) T { return max(a, b) }

func (maxReducer[T]) finish(acc []T, _ int, out []T) { copy(out, acc) }

// minReducer finds the smallest element, NaN when there is one.
type minReducer[T realNum] struct{}

func (minReducer[T]) init() T { return highest[T]() }

func (minReducer[T]) row(acc T, x []T, off, s, n int) T {
	if s == 1 {
		xs := x[off : off+n]
		m0, m1, m2, m3 := acc, acc, acc, acc
		i := 0
		for ; i+4 <= len(xs); i += 4 {
			v := xs[i : i+4 : i+4]
			m0 = min(m0, v[0])
			m1 = min(m1, v[1])
			m2 = min(m2, v[2])
			m3 = min(m3, v[3])
		}
		for ; i < len(xs); i++ {
			m0 = min(m0, xs[i])
		}
		return min(min(m0, m1), min(m2, m3))
	}
	for i := 0; i < n; i++ {
		acc = min(acc, x[off])
		off += s
	}
	return acc
}

func (minReducer[T]) col(acc []T, x []T, off, s int) {
	for j := range acc {
		acc[j] = min(acc[j], x[off])
		off += s
	}
}

func (minReducer[T]) merge(a, b T) T { return min(a, b) }

func (minReducer[T]) finish(acc []T, _ int, out []T) { copy(out, acc) }

// allReducer is true when every element is nonzero (NaN is nonzero).
type allReducer[T number] struct{}

func (allReducer[T]) init() bool { return true }

func (allReducer[T]) row(acc bool, x []T, off, s, n int) bool {
	if !acc {
		return false
	}
	for i := 0; i < n; i++ {
		if x[off] == 0 {
			return false
		}
		off += s
	}
	return true
}

func (allReducer[T]) col(acc []bool, x []T, off, s int) {
	for j := range acc {
		acc[j] = acc[j] && x[off] != 0
		off += s
	}
}

func (allReducer[T]) merge(a, b bool) bool { return a && b }

func (allReducer[T]) finish(acc []bool, _ int, out []bool) { copy(out, acc) }

// anyReducer is true when some element is nonzero.
type anyReducer[T number] struct{}

func (anyReducer[T]) init() bool { return false }

func (anyReducer[T]) row(acc bool, x []T, off, s, n int) bool {
	if acc {
		return true
	}
	for i := 0; i < n; i++ {
		if x[off] != 0 {
			return true
		}
		off += s
	}
	return false
}

func (anyReducer[T]) col(acc []bool, x []T, off, s int) {
	for j := range acc {
		acc[j] = acc[j] || x[off] != 0
		off += s
	}
}

func (anyReducer[T]) merge(a, b bool) bool { return a || b }

func (anyReducer[T]) finish(acc []bool, _ int, out []bool) { copy(out, acc) }

// countReducer counts the nonzero elements.
type countReducer[T number] struct{}

func (countReducer[T]) init() int64 { return 0 }

func (countReducer[T]) row(acc int64, x []T, off, s, n int) int64 {
	for i := 0; i < n; i++ {
		if x[off] != 0 {
			acc++
		}
		off += s
	}
	return acc
}

func (countReducer[T]) col(acc []int64, x []T, off, s int) {
	for j := range acc {
		if x[off] != 0 {
			acc[j]++
		}
		off += s
	}
}

func (countReducer[T]) merge(a, b int64) int64 { return a + b }

func (countReducer[T]) finish(acc []int64, _ int, out []int32) {
	for i, a := range acc {
		out[i] = int32(a)
	}
}

// varAcc is the count, mean and sum of squared deviations of some elements.
type varAcc struct{ n, mean, m2 float64 }

// mergeVar combines the statistics of two parts (Chan et al.'s formula).
func mergeVar(a, b varAcc) varAcc {
	switch {
	case b.n == 0:
		return a
	case a.n == 0:
		return b
	}
	n := a.n + b.n
	d := b.mean - a.mean
	return varAcc{n, a.mean + d*(b.n/n), a.m2 + b.m2 + d*d*(a.n*b.n/n)}
}

// varBlock is the number of elements whose mean is taken before their
// squared deviations are summed: two passes over a block that stays cached.
const varBlock = 256

// varReducer computes the variance (or the standard deviation) with divisor
// N - ddof, in float64.
type varReducer[T realNum, R float32 | float64] struct {
	ddof int
	std  bool
}

func (varReducer[T, R]) init() varAcc { return varAcc{} }

func (varReducer[T, R]) row(acc varAcc, x []T, off, s, n int) varAcc {
	for n > 0 {
		k := min(n, varBlock)
		var sum float64
		o := off
		for i := 0; i < k; i++ {
			sum += float64(x[o])
			o += s
		}
		mean := sum / float64(k)
		var m2 float64
		o = off
		for i := 0; i < k; i++ {
			d := float64(x[o]) - mean
			m2 += d * d
			o += s
		}
		acc = mergeVar(acc, varAcc{float64(k), mean, m2})
		off, n = o, n-k
	}
	return acc
}

func (varReducer[T, R]) col(acc []varAcc, x []T, off, s int) {
	// Welford's update: every accumulator of the tile has the same count.
	n := acc[0].n + 1
	inv := 1 / n
	for j := range acc {
		a := &acc[j]
		v := float64(x[off])
		d := v - a.mean
		a.mean += d * inv
		a.m2 += d * (v - a.mean)
		a.n = n
		off += s
	}
}

func (varReducer[T, R]) merge(a, b varAcc) varAcc { return mergeVar(a, b) }

func (o varReducer[T, R]) finish(acc []varAcc, count int, out []R) {
	div := max(float64(count-o.ddof), 0)
	for i, a := range acc {
		v := a.m2 / div
		if o.std {
			v = math.Sqrt(v)
		}
		out[i] = R(v)
	}
}

// lseAcc is log-sum-exp in two parts: max m, and the sum s of exp(x - m).
// m is NaN or ±Inf when the result is that value.
type lseAcc struct{ m, s float64 }

func mergeLSE(a, b lseAcc) lseAcc {
	if b.m > a.m {
		a, b = b, a
	}
	switch {
	case a.m != a.m || b.m != b.m:
		return lseAcc{math.NaN(), 0}
	case b.s == 0 || math.IsInf(a.m, 1):
		return a
	}
	return lseAcc{a.m, a.s + b.s*math.Exp(b.m-a.m)}
}

// lseReducer computes log(sum(exp(x))) stably: the maximum of each block of a
// run first, then the sum of exp(x - max) with the block in cache.
type lseReducer[T float32 | float64] struct{}

func (lseReducer[T]) init() lseAcc { return lseAcc{math.Inf(-1), 0} }

func (lseReducer[T]) row(acc lseAcc, x []T, off, s, n int) lseAcc {
	for n > 0 {
		k := min(n, varBlock)
		m := T(math.Inf(-1))
		p := off
		if s == 1 && haveAVX2 && isF32[T]() {
			m = T(maxF32(asF32(x[off : off+k])))
			p += k
		} else {
			for i := 0; i < k; i++ {
				m = max(m, x[p])
				p += s
			}
		}
		var b lseAcc
		switch {
		case m != m || math.IsInf(float64(m), 0):
			b = lseAcc{float64(m), 1}
		default:
			b = lseAcc{float64(m), sumExp(x, off, s, k, m)}
			p = off + k*s
		}
		if m == T(math.Inf(-1)) {
			b.s = 0
		}
		acc = mergeLSE(acc, b)
		off, n = p, n-k
	}
	return acc
}

func (lseReducer[T]) col(acc []lseAcc, x []T, off, s int) {
	for j := range acc {
		v := float64(x[off])
		b := lseAcc{v, 1}
		if math.IsInf(v, -1) {
			b.s = 0
		}
		acc[j] = mergeLSE(acc[j], b)
		off += s
	}
}

func (lseReducer[T]) merge(a, b lseAcc) lseAcc { return mergeLSE(a, b) }

func (lseReducer[T]) finish(acc []lseAcc, _ int, out []T) {
	for i, a := range acc {
		if a.m != a.m || math.IsInf(a.m, 0) {
			out[i] = T(a.m)
			continue
		}
		out[i] = T(a.m + math.Log(a.s))
	}
}

// cvarAcc is varAcc for complex numbers: the squared deviations are
// squared magnitudes.
type cvarAcc struct {
	n    float64
	mean complex128
	m2   float64
}

func mergeCVar(a, b cvarAcc) cvarAcc {
	switch {
	case b.n == 0:
		return a
	case a.n == 0:
		return b
	}
	n := a.n + b.n
	d := b.mean - a.mean
	return cvarAcc{n, a.mean + d*complex(b.n/n, 0), a.m2 + b.m2 + sqAbs(d)*(a.n*b.n/n)}
}

func sqAbs(c complex128) float64 { return real(c)*real(c) + imag(c)*imag(c) }

// cvarReducer computes the variance (or standard deviation) of complex64: the
// mean squared magnitude of the deviations, as a float32.
type cvarReducer struct {
	ddof int
	std  bool
}

func (cvarReducer) init() cvarAcc { return cvarAcc{} }

func (cvarReducer) row(acc cvarAcc, x []complex64, off, s, n int) cvarAcc {
	for n > 0 {
		k := min(n, varBlock)
		var sum complex128
		o := off
		for i := 0; i < k; i++ {
			sum += complex128(x[o])
			o += s
		}
		mean := sum / complex(float64(k), 0)
		var m2 float64
		o = off
		for i := 0; i < k; i++ {
			m2 += sqAbs(complex128(x[o]) - mean)
			o += s
		}
		acc = mergeCVar(acc, cvarAcc{float64(k), mean, m2})
		off, n = o, n-k
	}
	return acc
}

func (cvarReducer) col(acc []cvarAcc, x []complex64, off, s int) {
	for j := range acc {
		acc[j] = mergeCVar(acc[j], cvarAcc{1, complex128(x[off]), 0})
		off += s
	}
}

func (cvarReducer) merge(a, b cvarAcc) cvarAcc { return mergeCVar(a, b) }

func (o cvarReducer) finish(acc []cvarAcc, count int, out []float32) {
	div := max(float64(count-o.ddof), 0)
	for i, a := range acc {
		v := a.m2 / div
		if o.std {
			v = math.Sqrt(v)
		}
		out[i] = float32(v)
	}
}
