package mx

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Einsum evaluates the Einstein summation given by subscripts over the
// operands, with NumPy's syntax:
//
//	mx.Einsum("ij,jk->ik", a, b)   // matrix product
//	mx.Einsum("ii", a)             // trace (implicit output: no labels left)
//	mx.Einsum("ii->i", a)          // diagonal
//	mx.Einsum("...ij,...jk", a, b) // batched matrix product, broadcast batch
//	mx.Einsum("bhqd,bhkd->bhqk", q, k)
//
// Each operand's subscripts are letters (a-z, A-Z), one per dimension, and
// at most one ellipsis "..." standing for the dimensions not named, which
// broadcast across operands as NumPy's do. A letter repeated within one
// operand takes its diagonal. Letters missing from the output are summed
// over. Without "->", the output holds the ellipsis's dimensions followed
// by the letters that occur once, in alphabetical order (upper case before
// lower case).
//
// The contraction runs pair by pair in the order EinsumPath gives, each
// pair as one Matmul (transposes and reshapes around it), so that Einsum
// has the gradients and batching rules of those ops. The result's type is
// that of the operands promoted together; integers and bools are
// multiplied and summed elementwise, keeping their type (bools give the
// logical or of ands). Einsum runs on the default stream (see WithStream).
// It panics with *Error for malformed subscripts, a count of subscripts or
// dimensions that does not match the operands, sizes that differ for one
// letter, or an output letter that appears in no input or twice.
func Einsum(subscripts string, operands ...*Array) *Array {
	const op = "einsum"
	s := DefaultStream()
	e := parseEinsum(op, subscripts, operands)
	path, _ := e.plan()
	terms := make([]einsumTerm, len(operands))
	dt := operands[0].dtype
	for _, x := range operands[1:] {
		dt = PromoteTypes(dt, x.dtype)
	}
	for i, x := range operands {
		terms[i] = takeDiagonals(op, AsType(x, dt, s), e.inputs[i], s)
	}
	for _, step := range path {
		if len(step) == 1 {
			continue
		}
		i, j := step[0], step[1]
		a, b := terms[i], terms[j]
		terms = slices.Delete(terms, j, j+1)
		terms = slices.Delete(terms, i, i+1)
		needed := e.neededBy(terms)
		terms = append(terms, contractPair(a, b, needed, e.sizes, s))
	}
	t := sumUnneeded(terms[0], labelSet(e.output), s)
	perm := make([]int, len(e.output))
	for k, l := range e.output {
		perm[k] = slices.Index(t.labels, l)
	}
	return AsType(Transpose(t.x, Axes(perm...), s), dt, s)
}

// EinsumPath returns the order in which Einsum contracts the operands and
// a description of it, as numpy.einsum_path does. Each step names two
// positions in the current list of operands; those two are removed and
// their contraction appended at the end. One operand gives the single step
// [0]. With up to five operands the order minimises the estimated count of
// operations over all orders; with more it is built greedily, each step
// taking the pair with the smallest result. EinsumPath panics as Einsum
// does.
func EinsumPath(subscripts string, operands ...*Array) ([][]int, string) {
	e := parseEinsum("einsum_path", subscripts, operands)
	return e.plan()
}

// einsumSpec is parsed subscripts: one label list per operand (ellipsis
// dimensions as labels of their own, above the letters), the output's
// labels, and each label's size.
type einsumSpec struct {
	subscripts string
	inputs     [][]rune
	output     []rune
	sizes      map[rune]int
}

// einsumEllipsis is the first label that stands for an ellipsis dimension.
const einsumEllipsis rune = 0x10000

func isEinsumLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// splitSubscripts reads one operand's subscripts: its letters, and whether
// and where an ellipsis lies among them.
func splitSubscripts(op, full, sub string) (letters []rune, ellipsis int) {
	ellipsis = -1
	for i := 0; i < len(sub); {
		switch {
		case strings.HasPrefix(sub[i:], "..."):
			if ellipsis >= 0 {
				panic(newError(op, "subscripts %q have more than one ellipsis in %q", full, sub))
			}
			ellipsis = len(letters)
			i += 3
		case isEinsumLetter(rune(sub[i])):
			letters = append(letters, rune(sub[i]))
			i++
		case sub[i] == ' ':
			i++
		default:
			panic(newError(op, "subscripts %q hold %q, which is neither a letter nor an ellipsis", full, sub[i:i+1]))
		}
	}
	return letters, ellipsis
}

func parseEinsum(op, subscripts string, operands []*Array) *einsumSpec {
	if len(operands) == 0 {
		panic(newError(op, "no operands given"))
	}
	checkArrays(op, operands)
	in, out, explicit := subscripts, "", false
	if k := strings.Index(subscripts, "->"); k >= 0 {
		in, out, explicit = subscripts[:k], subscripts[k+2:], true
		if strings.Contains(out, "->") {
			panic(newError(op, "subscripts %q have more than one \"->\"", subscripts))
		}
	}
	parts := strings.Split(in, ",")
	if len(parts) != len(operands) {
		panic(newError(op, "subscripts %q name %d operands, but %d were given", subscripts, len(parts), len(operands)))
	}
	e := &einsumSpec{subscripts: subscripts, sizes: map[rune]int{}}
	maxEll := 0
	type parsed struct {
		letters []rune
		ell     int
	}
	ps := make([]parsed, len(parts))
	for i, p := range parts {
		letters, ell := splitSubscripts(op, subscripts, p)
		nd := operands[i].Ndim()
		if ell < 0 && len(letters) != nd || ell >= 0 && len(letters) > nd {
			panic(newError(op, "operand %d of shape %s has %d dimensions, but its subscripts %q name %d",
				i, shapeString(operands[i].shape), nd, p, len(letters)))
		}
		if ell >= 0 {
			maxEll = max(maxEll, nd-len(letters))
		}
		ps[i] = parsed{letters, ell}
	}
	counts := map[rune]int{}
	for i, p := range ps {
		x := operands[i]
		labels := slices.Clone(p.letters)
		if p.ell >= 0 {
			n := x.Ndim() - len(p.letters)
			ell := make([]rune, n)
			for k := range ell {
				ell[k] = einsumEllipsis + rune(maxEll-n+k)
			}
			labels = slices.Insert(labels, p.ell, ell...)
		}
		for d, l := range labels {
			size := x.shape[d]
			old, seen := e.sizes[l]
			switch {
			case !seen || old == size:
				e.sizes[l] = size
			case l >= einsumEllipsis && (old == 1 || size == 1):
				e.sizes[l] = max(old, size)
			default:
				name := string(l)
				if l >= einsumEllipsis {
					name = "..."
				}
				panic(newError(op, "subscript %s has sizes %d and %d in subscripts %q (operand %d of shape %s)",
					name, old, size, subscripts, i, shapeString(x.shape)))
			}
			counts[l]++
		}
		e.inputs = append(e.inputs, labels)
	}
	ellOut := make([]rune, maxEll)
	for k := range ellOut {
		ellOut[k] = einsumEllipsis + rune(k)
	}
	if !explicit {
		e.output = ellOut
		var once []rune
		for l, c := range counts {
			if c == 1 && l < einsumEllipsis {
				once = append(once, l)
			}
		}
		slices.Sort(once)
		e.output = append(e.output, once...)
		return e
	}
	letters, ell := splitSubscripts(op, subscripts, out)
	e.output = letters
	if ell >= 0 {
		e.output = slices.Insert(slices.Clone(letters), ell, ellOut...)
	}
	seen := map[rune]bool{}
	for _, l := range letters {
		if seen[l] {
			panic(newError(op, "output subscript %c appears twice in %q", l, subscripts))
		}
		seen[l] = true
		if counts[l] == 0 {
			panic(newError(op, "output subscript %c appears in no input in %q", l, subscripts))
		}
	}
	return e
}

// neededBy returns the labels that the operands left and the output use.
func (e *einsumSpec) neededBy(terms []einsumTerm) map[rune]bool {
	need := labelSet(e.output)
	for _, t := range terms {
		for _, l := range t.labels {
			need[l] = true
		}
	}
	return need
}

func labelSet(labels []rune) map[rune]bool {
	m := make(map[rune]bool, len(labels))
	for _, l := range labels {
		m[l] = true
	}
	return m
}

// einsumTerm is an operand or intermediate with one label per dimension.
type einsumTerm struct {
	x      *Array
	labels []rune
}

// takeDiagonals replaces the dimensions of a label repeated within one
// operand by their diagonal.
func takeDiagonals(op string, x *Array, labels []rune, s Stream) einsumTerm {
	labels = slices.Clone(labels)
	for {
		p, q := -1, -1
		for i := range labels {
			if j := slices.Index(labels[i+1:], labels[i]); j >= 0 {
				p, q = i, i+1+j
				break
			}
		}
		if p < 0 {
			return einsumTerm{x, labels}
		}
		if x.shape[p] != x.shape[q] {
			panic(newError(op, "a repeated subscript has sizes %d and %d in an operand of shape %s",
				x.shape[p], x.shape[q], shapeString(x.shape)))
		}
		l := labels[p]
		x = Diagonal(x, 0, Axes(p, q), s)
		labels = append(slices.Delete(slices.Delete(labels, q, q+1), p, p+1), l)
	}
}

// sumUnneeded sums t over its labels that are not in need.
func sumUnneeded(t einsumTerm, need map[rune]bool, s Stream) einsumTerm {
	var axes []int
	var kept []rune
	for d, l := range t.labels {
		if need[l] {
			kept = append(kept, l)
		} else {
			axes = append(axes, d)
		}
	}
	if len(axes) == 0 {
		return t
	}
	dt := t.x.dtype
	return einsumTerm{AsType(Sum(t.x, Axes(axes...), s), dt, s), kept}
}

// contractPair contracts a with b: labels of both that are still needed
// are batch dimensions, those that are not are summed over, and the
// result keeps the batch labels, then a's own labels, then b's.
func contractPair(a, b einsumTerm, needed map[rune]bool, sizes map[rune]int, s Stream) einsumTerm {
	inB, inA := labelSet(b.labels), labelSet(a.labels)
	needA, needB := maps2(needed, inB), maps2(needed, inA)
	a, b = sumUnneeded(a, needA, s), sumUnneeded(b, needB, s)
	var batch, contracted, freeA, freeB []rune
	for _, l := range a.labels {
		switch {
		case inB[l] && needed[l]:
			batch = append(batch, l)
		case inB[l]:
			contracted = append(contracted, l)
		default:
			freeA = append(freeA, l)
		}
	}
	for _, l := range b.labels {
		if !inA[l] {
			freeB = append(freeB, l)
		}
	}
	size := func(ls []rune) (n int, shape []int) {
		n = 1
		for _, l := range ls {
			n *= sizes[l]
			shape = append(shape, sizes[l])
		}
		return n, shape
	}
	nb, sb := size(batch)
	na, sa := size(freeA)
	nf, sf := size(freeB)
	nc, sc := size(contracted)
	// Each operand in the order it is multiplied in, its dimensions of
	// size one broadcast to the label's size.
	arrange := func(t einsumTerm, order []rune) *Array {
		perm := make([]int, len(order))
		shape := make([]int, len(order))
		for k, l := range order {
			perm[k] = slices.Index(t.labels, l)
			shape[k] = sizes[l]
		}
		return BroadcastTo(Transpose(t.x, Axes(perm...), s), shape, s)
	}
	labels := slices.Concat(batch, freeA, freeB)
	shape := slices.Concat(sb, sa, sf)
	x := arrange(a, slices.Concat(batch, freeA, contracted))
	y := arrange(b, slices.Concat(batch, contracted, freeB))
	if x.dtype.IsInexact() {
		x = Reshape(x, []int{nb, na, nc}, s)
		y = Reshape(y, []int{nb, nc, nf}, s)
		return einsumTerm{Reshape(Matmul(x, y, s), shape, s), labels}
	}
	// Integers and bools: broadcast products summed over the contraction.
	ones := func(n int) []int {
		o := make([]int, n)
		for i := range o {
			o[i] = 1
		}
		return o
	}
	x = Reshape(x, slices.Concat(sb, sa, ones(len(sf)), sc), s)
	y = Reshape(Transpose(Reshape(y, []int{nb, nc, nf}, s), Axes(0, 2, 1), s), slices.Concat(sb, ones(len(sa)), sf, sc), s)
	p := Multiply(x, y, s)
	if len(contracted) > 0 {
		axes := make([]int, len(contracted))
		for i := range axes {
			axes[i] = len(shape) + i
		}
		p = AsType(Sum(p, Axes(axes...), s), x.dtype, s)
	}
	return einsumTerm{p, labels}
}

// maps2 returns the labels of need together with those of also.
func maps2(need, also map[rune]bool) map[rune]bool {
	m := make(map[rune]bool, len(need)+len(also))
	for l := range need {
		m[l] = true
	}
	for l := range also {
		m[l] = true
	}
	return m
}

// flopCount is numpy.einsum_path's estimate of the operations of one
// contraction: the size of the space of all its labels, times the number
// of terms less one (at least one), plus one when labels are summed over.
func (e *einsumSpec) flopCount(labels map[rune]bool, terms int, inner bool) float64 {
	size := 1.0
	for l := range labels {
		size *= float64(e.sizes[l])
	}
	f := float64(max(1, terms-1))
	if inner {
		f++
	}
	return size * f
}

// einsumStep is one pairwise contraction of a path, for the description.
type einsumStep struct {
	i, j      int
	labels    map[rune]bool // every label the step touches
	result    []rune
	inner     bool
	remaining [][]rune // operands after the step
	cost      float64
}

// stepOf describes contracting operands i and j of ops.
func (e *einsumSpec) stepOf(ops [][]rune, i, j int) einsumStep {
	st := einsumStep{i: i, j: j, labels: labelSet(ops[i])}
	for _, l := range ops[j] {
		st.labels[l] = true
	}
	var rest [][]rune
	for k, o := range ops {
		if k != i && k != j {
			rest = append(rest, o)
		}
	}
	need := labelSet(e.output)
	for _, o := range rest {
		for _, l := range o {
			need[l] = true
		}
	}
	seen := map[rune]bool{}
	if len(rest) == 0 {
		// The last step gives the output as it is laid out.
		st.result = slices.Clone(e.output)
		for _, l := range e.output {
			seen[l] = true
		}
	}
	for _, l := range slices.Concat(ops[i], ops[j]) {
		if seen[l] {
			continue
		}
		seen[l] = true
		if need[l] {
			st.result = append(st.result, l)
		} else {
			st.inner = true
		}
	}
	st.remaining = append(rest, st.result)
	st.cost = e.flopCount(st.labels, 2, st.inner)
	return st
}

// plan chooses the contraction order and describes it.
func (e *einsumSpec) plan() ([][]int, string) {
	ops := make([][]rune, len(e.inputs))
	for i, in := range e.inputs {
		ops[i] = dedupe(in)
	}
	var steps []einsumStep
	if len(ops) <= 5 {
		steps, _ = e.bestOrder(ops)
	} else {
		for len(ops) > 1 {
			best := einsumStep{cost: math.Inf(1)}
			bestSize := math.Inf(1)
			for i := range ops {
				for j := i + 1; j < len(ops); j++ {
					st := e.stepOf(ops, i, j)
					size := 1.0
					for _, l := range st.result {
						size *= float64(e.sizes[l])
					}
					if size < bestSize || size == bestSize && st.cost < best.cost {
						best, bestSize = st, size
					}
				}
			}
			steps = append(steps, best)
			ops = best.remaining
		}
	}
	var path [][]int
	if len(steps) == 0 {
		path = [][]int{{0}}
	}
	for _, st := range steps {
		path = append(path, []int{st.i, st.j})
	}
	return path, e.describe(steps)
}

// bestOrder returns the cheapest sequence of pairwise contractions of ops.
func (e *einsumSpec) bestOrder(ops [][]rune) ([]einsumStep, float64) {
	if len(ops) <= 1 {
		return nil, 0
	}
	var best []einsumStep
	bestCost := math.Inf(1)
	for i := range ops {
		for j := i + 1; j < len(ops); j++ {
			st := e.stepOf(ops, i, j)
			rest, c := e.bestOrder(st.remaining)
			if c += st.cost; c < bestCost {
				best, bestCost = append([]einsumStep{st}, rest...), c
			}
		}
	}
	return best, bestCost
}

func dedupe(labels []rune) []rune {
	var out []rune
	for _, l := range labels {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// labelString writes labels as subscripts, ellipsis dimensions as "...".
func labelString(labels []rune) string {
	var b strings.Builder
	ell := false
	for _, l := range labels {
		if l >= einsumEllipsis {
			if !ell {
				b.WriteString("...")
			}
			ell = true
			continue
		}
		b.WriteRune(l)
	}
	return b.String()
}

// describe formats the path as numpy.einsum_path does.
func (e *einsumSpec) describe(steps []einsumStep) string {
	all := map[rune]bool{}
	for _, in := range e.inputs {
		for _, l := range in {
			all[l] = true
		}
	}
	inner := len(all) > len(e.output)
	naive := e.flopCount(all, len(e.inputs), inner)
	opt, largest := 0.0, 0.0
	scaling := 0
	for _, st := range steps {
		opt += st.cost
		scaling = max(scaling, len(st.labels))
		size := 1.0
		for _, l := range st.result {
			size *= float64(e.sizes[l])
		}
		largest = max(largest, size)
	}
	if len(steps) == 0 {
		opt, scaling = naive, len(all)
	}
	var b strings.Builder
	ins := make([]string, len(e.inputs))
	for i, in := range e.inputs {
		ins[i] = labelString(in)
	}
	fmt.Fprintf(&b, "  Complete contraction:  %s->%s\n", strings.Join(ins, ","), labelString(e.output))
	fmt.Fprintf(&b, "         Naive scaling:  %d\n", len(all))
	fmt.Fprintf(&b, "     Optimized scaling:  %d\n", scaling)
	fmt.Fprintf(&b, "      Naive FLOP count:  %.3e\n", naive)
	fmt.Fprintf(&b, "  Optimized FLOP count:  %.3e\n", opt)
	fmt.Fprintf(&b, "   Theoretical speedup:  %.3f\n", naive/max(opt, 1))
	fmt.Fprintf(&b, "  Largest intermediate:  %.3e elements\n", largest)
	line := strings.Repeat("-", 74)
	fmt.Fprintf(&b, "%s\n%-25s%-40s%s\n%s\n", line, "scaling", "current", "remaining", line)
	ops := make([][]rune, len(e.inputs))
	for i, in := range e.inputs {
		ops[i] = dedupe(in)
	}
	for _, st := range steps {
		cur := labelString(ops[st.i]) + "," + labelString(ops[st.j]) + "->" + labelString(st.result)
		rem := make([]string, len(st.remaining))
		for k, o := range st.remaining {
			rem[k] = labelString(o)
		}
		fmt.Fprintf(&b, "%4d%25s%40s\n", len(st.labels), cur, strings.Join(rem, ",")+"->"+labelString(e.output))
		ops = st.remaining
	}
	return strings.TrimRight(b.String(), "\n")
}
