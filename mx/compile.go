package mx

import (
	"container/list"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Compile: trace once, simplify, fuse, replay.
//
// The first call of a compiled function with a given input signature runs
// f on placeholders: arrays of the inputs' shapes and dtypes that have no
// value, in a trace scope named "compile". The graph f builds from them is
// recorded as a tape: the primitives in topological order, each with the
// tape positions of its inputs. Arrays that f uses but that do not depend
// on the placeholders (captured arrays, scalars) are constants of the
// tape. The tape is then simplified (compile_simplify.go) and its chains
// of elementwise operations fused into single nodes (compile_fuse.go).
//
// Every call, the first included, replays the tape on the real inputs:
// each tape entry becomes an ordinary lazy node, so the result is a graph
// like the one f would have built, only smaller, evaluated by the
// scheduler as any other. f itself is not run again until the signature
// changes.

// CompileOption configures Compile: Shapeless, CompileInputs and
// CompileOutputs.
type CompileOption interface {
	applyCompile(*compileConfig)
}

type compileConfig struct {
	shapeless bool
	noFuse    bool // tests: simplify only
	inputs    []any
	outputs   []any
}

type shapelessOption struct{}

func (shapelessOption) applyCompile(c *compileConfig) { c.shapeless = true }

// Shapeless makes a compiled function reuse its trace when the shapes of
// its inputs change (their number of dimensions and dtypes still count):
// output shapes are worked out again from the inputs at each call. A
// function whose graph holds an operation that depends on shapes as
// constants (Reshape, BroadcastTo, slicing, Zeros of a given shape, ...)
// cannot be compiled shapeless: the first call panics with *Error naming
// the operation, as MLX raises.
var Shapeless CompileOption = shapelessOption{}

type stateOption struct {
	trees  []any
	output bool
}

func (o stateOption) applyCompile(c *compileConfig) {
	if o.output {
		c.outputs = append(c.outputs, o.trees...)
	} else {
		c.inputs = append(c.inputs, o.trees...)
	}
}

// CompileInputs names state that a compiled function reads besides its
// arguments: trees of arrays (see TreeFlatten) such as a model or an
// optimizer, given as pointers. Their arrays are passed to the function as
// hidden inputs at every call, so that the compiled function sees their
// current values instead of the values they had when it was traced (as
// MLX's compile(f, inputs=state)). A tree's arrays count in the input
// signature: a change in their number, shapes or dtypes traces again.
func CompileInputs(trees ...any) CompileOption { return stateOption{trees: trees} }

// CompileOutputs names state that a compiled function updates: trees of
// arrays, given as pointers, whose arrays after the function has run are
// recorded as hidden outputs and stored back into the trees (TreeUpdate)
// after each call (as MLX's compile(f, outputs=state)). A training step
// that updates a model and its optimizer names them both as inputs and
// outputs:
//
//	step := mx.Compile(func(in []*mx.Array) []*mx.Array {
//		loss, grads := lossAndGrad(model, in[0], in[1])
//		opt.Update(model, grads)
//		return []*mx.Array{loss}
//	}, mx.CompileInputs(model, opt), mx.CompileOutputs(model, opt))
func CompileOutputs(trees ...any) CompileOption {
	return stateOption{trees: trees, output: true}
}

// compileDisabled turns compilation off: compiled functions call f as it is.
var compileDisabled atomic.Bool

func init() {
	if v, ok := os.LookupEnv("MLX_DISABLE_COMPILE"); ok {
		v = strings.ToLower(strings.TrimSpace(v))
		compileDisabled.Store(v != "0" && v != "false" && v != "off")
	}
}

// DisableCompile turns compilation off for the whole program: functions
// made by Compile call their function directly at each call, which helps
// to debug them (values can be printed inside). Setting the environment
// variable MLX_DISABLE_COMPILE (to anything but 0 or false) does the same
// at start-up.
func DisableCompile() { compileDisabled.Store(true) }

// EnableCompile turns compilation back on after DisableCompile or
// MLX_DISABLE_COMPILE.
func EnableCompile() { compileDisabled.Store(false) }

// compileCacheSize is the number of traces a compiled function keeps, the
// least recently used being dropped first. A compiled function's traces
// live in it and go with it: functions compiled and dropped often leak
// nothing.
const compileCacheSize = 32

// liveTapes counts the traced tapes alive, for tests of the cache bound.
var liveTapes atomic.Int64

// Compile returns a function that computes what f computes, compiled: the
// first call with a given input signature (the number of inputs and of
// state arrays, their dtypes and shapes, and whether a transform traces
// them) traces f once on placeholders; the graph it makes is simplified
// (common subexpressions merged, equal scalar constants merged, no-op
// copies and, outside autodiff, StopGradient dropped) and its chains of
// elementwise operations fused into one kernel each. Later calls with the
// same signature reuse that work without running f: they return lazy
// arrays as f would, computed by the smaller graph.
//
// A compiled function must be pure: it computes its outputs from its
// inputs with mx ops. Arrays that f captures are constants of the trace
// (their values at the first call are used for good); state that changes
// between calls, such as a model's weights or a random key, must be passed
// as inputs or named with CompileInputs and CompileOutputs. Reading a
// value inside f (Item, ToSlice, Eval) panics with *Error saying that the
// function is being compiled; printing shows the array as traced. Go
// control flow in f runs once, at the trace. It composes with the other
// transforms: Grad(Compile(f)), Compile(Grad(f)) and Vmap(Compile(f)) all
// work. DisableCompile or MLX_DISABLE_COMPILE makes it call f directly.
//
// It panics with *Error for a nil f; the function it returns panics with
// *Error for nil inputs, a function that returns no outputs or a nil one,
// and, with Shapeless, a graph that depends on input shapes.
func Compile(f func([]*Array) []*Array, opts ...CompileOption) func([]*Array) []*Array {
	return newCompiled(f, opts).call
}

// compiledFunc is a compiled function: f with its traces.
type compiledFunc struct {
	f   func([]*Array) []*Array
	cfg compileConfig

	mu      sync.Mutex
	entries map[string]*list.Element // of *tape
	lru     list.List
	traces  atomic.Int64 // how many times f was traced
}

func newCompiled(f func([]*Array) []*Array, opts []CompileOption) *compiledFunc {
	if f == nil {
		panic(newError("compile", "nil function"))
	}
	c := &compiledFunc{f: f, entries: map[string]*list.Element{}}
	for _, o := range opts {
		if o == nil {
			panic(newError("compile", "nil option"))
		}
		o.applyCompile(&c.cfg)
	}
	for _, t := range append(append([]any{}, c.cfg.inputs...), c.cfg.outputs...) {
		if t == nil {
			panic(newError("compile", "nil state tree"))
		}
	}
	return c
}

// call runs the compiled function on inputs.
func (c *compiledFunc) call(inputs []*Array) []*Array {
	checkEach("compile", "input", inputs)
	if compileDisabled.Load() {
		return checkCompileOutputs(c.f(inputs))
	}
	var state []TreeLeaf
	counts := make([]int, len(c.cfg.inputs))
	for i, t := range c.cfg.inputs {
		leaves := TreeFlatten(t)
		counts[i] = len(leaves)
		state = append(state, leaves...)
	}
	all := make([]*Array, 0, len(inputs)+len(state))
	all = append(all, inputs...)
	for _, l := range state {
		all = append(all, l.Array)
	}
	key := c.signature(inputs, all)
	t := c.lookup(key)
	if t == nil {
		t = c.trace(inputs, state, counts)
		c.store(key, t)
	}
	outs := t.replay(all)
	if len(t.stateCounts) > 0 {
		c.updateState(t, outs[t.nOut:])
	}
	return outs[:t.nOut]
}

// signature is the cache key of a call: the number of arguments, each
// input's dtype and shape (number of dimensions when shapeless), and
// whether a running transform traces any of them.
func (c *compiledFunc) signature(args, all []*Array) string {
	b := make([]byte, 0, 16*len(all))
	b = strconv.AppendInt(b, int64(len(args)), 10)
	traced := false
	for _, a := range all {
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(a.dtype), 10)
		if c.cfg.shapeless {
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(len(a.shape)), 10)
		} else {
			for _, d := range a.shape {
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(d), 10)
			}
		}
		if a.trace != nil && a.trace.active.Load() {
			traced = true
		}
	}
	if traced {
		b = append(b, "|traced"...)
	}
	return string(b)
}

func (c *compiledFunc) lookup(key string) *tape {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*tape)
	}
	return nil
}

func (c *compiledFunc) store(key string, t *tape) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		e.Value = t
		c.lru.MoveToFront(e)
		return
	}
	c.entries[key] = c.lru.PushFront(t)
	t.key = key
	for c.lru.Len() > compileCacheSize {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*tape).key)
	}
}

// trace runs f on placeholders of inputs and of the state, and returns the
// simplified and fused tape.
func (c *compiledFunc) trace(inputs []*Array, state []TreeLeaf, counts []int) *tape {
	c.traces.Add(1)
	all := append([]*Array{}, inputs...)
	for _, l := range state {
		all = append(all, l.Array)
	}
	traced := false
	for _, a := range all {
		if a.trace != nil && a.trace.active.Load() {
			traced = true
		}
	}
	sc := newScope("compile", all)
	holders := make([]*Array, len(all))
	s := DefaultStream()
	for i, a := range all {
		holders[i] = newArray(placeholderPrim{}, s, nil, a.shape, a.dtype)
		holders[i].trace = sc
	}
	var outs []*Array
	var statePaths []string
	var stateOuts []*Array
	var outCounts []int
	func() {
		defer sc.end()
		if len(state) > 0 {
			// f reads the state through its trees: give them the
			// placeholders, and put the arrays back afterwards.
			ph := make([]TreeLeaf, len(state))
			for i, l := range state {
				ph[i] = TreeLeaf{Path: l.Path, Array: holders[len(inputs)+i]}
			}
			c.setState(ph, counts)
			defer c.setState(state, counts)
		}
		outs = checkCompileOutputs(c.f(holders[:len(inputs)]))
		for _, t := range c.cfg.outputs {
			leaves := TreeFlatten(t)
			outCounts = append(outCounts, len(leaves))
			for _, l := range leaves {
				statePaths = append(statePaths, l.Path)
				stateOuts = append(stateOuts, l.Array)
			}
		}
	}()
	t := recordTape(holders, append(append([]*Array{}, outs...), stateOuts...))
	t.nOut = len(outs)
	t.statePaths, t.stateCounts = statePaths, outCounts
	t.shapeless = c.cfg.shapeless
	simplify(t, !traced)
	if t.shapeless {
		t.checkShapeless()
	}
	if !c.cfg.noFuse {
		fuse(t)
	}
	liveTapes.Add(1)
	runtime.AddCleanup(t, func(*atomic.Int64) { liveTapes.Add(-1) }, &liveTapes)
	return t
}

// setState stores leaves into the input trees, by path, counts[i] of
// them into tree i.
func (c *compiledFunc) setState(leaves []TreeLeaf, counts []int) {
	off := 0
	for i, tr := range c.cfg.inputs {
		n := counts[i]
		if err := TreeUpdate(tr, leaves[off:off+n]); err != nil {
			panic(err)
		}
		off += n
	}
}

// updateState stores the state outputs of a call into the output trees.
func (c *compiledFunc) updateState(t *tape, arrays []*Array) {
	off := 0
	for i, tr := range c.cfg.outputs {
		n := t.stateCounts[i]
		leaves := make([]TreeLeaf, n)
		for i := range leaves {
			leaves[i] = TreeLeaf{Path: t.statePaths[off+i], Array: arrays[off+i]}
		}
		if err := TreeUpdate(tr, leaves); err != nil {
			panic(err)
		}
		off += n
	}
}

// checkCompileOutputs returns outs, or panics with *Error if there are
// none or one is nil.
func checkCompileOutputs(outs []*Array) []*Array {
	if len(outs) == 0 {
		panic(newError("compile", "the function returned no outputs"))
	}
	checkEach("compile", "output", outs)
	return outs
}

// A tape is a traced graph: values 0..nIn-1 are the inputs, then the
// constants, then the outputs of the nodes in order.
type tape struct {
	key       string
	nIn       int
	inDtypes  []Dtype
	nVals     int // value ids are below it
	consts    []*Array
	nodes     []tapeNode
	outputs   []int // value ids: f's nOut outputs, then the state outputs
	nOut      int
	shapeless bool
	// statePaths are the paths of the state outputs in the output trees,
	// stateCounts[i] of them in tree i.
	statePaths  []string
	stateCounts []int
}

// tapeNode is one primitive application of a tape.
type tapeNode struct {
	prim    Primitive
	stream  Stream
	inputs  []int
	outputs []int
	shapes  [][]int
	dtypes  []Dtype
}

// recordTape records the graph from inputs (placeholders) to outputs.
func recordTape(inputs, outputs []*Array) *tape {
	schedMu.Lock()
	schedEpoch++
	order := topoOrder(outputs, schedEpoch)
	schedMu.Unlock()
	t := &tape{nIn: len(inputs)}
	for _, in := range inputs {
		t.inDtypes = append(t.inDtypes, in.dtype)
	}
	id := map[*Array]int{}
	for i, in := range inputs {
		id[in] = i
	}
	dep := map[*Array]bool{}
	for _, in := range inputs {
		dep[in] = true
	}
	var deps []*node
	for _, n := range order {
		if _, isInput := id[n.outputs[0]]; isInput {
			continue
		}
		for _, in := range n.inputs {
			if dep[in] {
				for _, o := range n.outputs {
					dep[o] = true
				}
				deps = append(deps, n)
				break
			}
		}
	}
	constID := func(a *Array) int {
		if v, ok := id[a]; ok {
			return v
		}
		t.consts = append(t.consts, a)
		v := -len(t.consts) // renumbered below
		id[a] = v
		return v
	}
	// First pass: constants get negative ids, nodes' outputs positive ids
	// after a gap; then everything is shifted into place.
	const nodeBase = 1 << 40
	next := nodeBase
	for _, n := range deps {
		tn := tapeNode{prim: n.prim, stream: n.stream}
		for _, in := range n.inputs {
			tn.inputs = append(tn.inputs, constID(in))
		}
		for _, o := range n.outputs {
			id[o] = next
			tn.outputs = append(tn.outputs, next)
			tn.shapes = append(tn.shapes, o.shape)
			tn.dtypes = append(tn.dtypes, o.dtype)
			next++
		}
		t.nodes = append(t.nodes, tn)
	}
	for _, o := range outputs {
		t.outputs = append(t.outputs, constID(o))
	}
	fix := func(v int) int {
		switch {
		case v < 0:
			return t.nIn + (-v - 1)
		case v >= nodeBase:
			return t.nIn + len(t.consts) + (v - nodeBase)
		}
		return v
	}
	for i := range t.nodes {
		nd := &t.nodes[i]
		for k, v := range nd.inputs {
			nd.inputs[k] = fix(v)
		}
		for k, v := range nd.outputs {
			nd.outputs[k] = fix(v)
		}
	}
	for k, v := range t.outputs {
		t.outputs[k] = fix(v)
	}
	t.nVals = t.nIn + len(t.consts) + (next - nodeBase)
	return t
}

// replay builds the tape's graph on inputs and returns its outputs.
func (t *tape) replay(inputs []*Array) []*Array {
	vals := make([]*Array, t.nVals)
	copy(vals, inputs)
	copy(vals[t.nIn:], t.consts)
	var ins []*Array
	for i := range t.nodes {
		nd := &t.nodes[i]
		ins = ins[:0]
		for _, v := range nd.inputs {
			ins = append(ins, vals[v])
		}
		shapes := nd.shapes
		if t.shapeless {
			shapes = inferShapes(nd, ins)
		}
		outs := newNode(nd.prim, nd.stream, ins, shapes, nd.dtypes)
		for k, v := range nd.outputs {
			vals[v] = outs[k]
		}
	}
	res := make([]*Array, len(t.outputs))
	for k, v := range t.outputs {
		res[k] = vals[v]
	}
	return res
}

// call replays the tape as a function of its inputs (fused nodes' rules
// use it on their subgraphs).
func (t *tape) call(inputs []*Array) []*Array {
	if len(inputs) != t.nIn {
		panic(newError("compile", "a compiled graph of %d inputs got %d", t.nIn, len(inputs)))
	}
	return t.replay(inputs)
}

// String lists the tape's nodes, one a line (for debugging and tests).
func (t *tape) String() string {
	var b strings.Builder
	for _, nd := range t.nodes {
		b.WriteString(nd.prim.Name())
		b.WriteString(" ")
		for _, v := range nd.inputs {
			b.WriteString(strconv.Itoa(v) + " ")
		}
		b.WriteString("-> ")
		for _, v := range nd.outputs {
			b.WriteString(strconv.Itoa(v) + " ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// countPrims returns how many nodes of the tape have the primitive name.
func (t *tape) countPrims(name string) int {
	n := 0
	for _, nd := range t.nodes {
		if nd.prim.Name() == name {
			n++
		}
	}
	return n
}
