package mx

import (
	"container/heap"
	bin "encoding/binary"
	"math"
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Fusion of a simplified tape. A region is a set of elementwise nodes
// (unary, binary, Where, AsType, and BroadcastTo of an input) of one
// output shape and one stream, grown backwards from a root: a node joins
// when every user of its output is already in the region, so that no
// intermediate value is needed outside it. Each region of two operations
// or more becomes one node of fusedPrim, whose program (core.FusedProgram)
// a backend runs as one kernel. Scalar constants become immediates of the
// program; other values from outside the region are its inputs, read with
// broadcasting.

// fusedPrim runs a fused program. It keeps the subgraph it replaces, as a
// tape of its inputs, for the transforms: its rules transform that
// subgraph (so that Grad(Compile(f)) and Vmap(Compile(f)) work).
type fusedPrim struct {
	prog *core.FusedProgram
	sub  *tape
}

func (p *fusedPrim) Name() string { return "Compiled" }

func (p *fusedPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.FusedKernels]("compiled", s)
	if err != nil {
		return err
	}
	shape := out[0].shape
	ins := make([]core.View, len(in))
	for i, a := range in {
		ins[i] = broadcastView(a, shape)
	}
	outs := make([]core.View, len(out))
	for i, o := range out {
		if err := o.alloc(s); err != nil {
			return err
		}
		outs[i] = o.view()
	}
	return k.Fused(p.prog, ins, outs)
}

func (p *fusedPrim) VJP(s Stream, in, out, cot []*Array, argnums []int) []*Array {
	_, all := VJP(p.sub.call, in, cot)
	res := make([]*Array, len(argnums))
	for j, i := range argnums {
		res[j] = all[i]
	}
	return res
}

func (p *fusedPrim) JVP(s Stream, in, out, tan []*Array, argnums []int) []*Array {
	tangents := make([]*Array, len(in))
	for j, i := range argnums {
		tangents[i] = tan[j]
	}
	for i, t := range tangents {
		if t == nil {
			tangents[i] = zerosLike(in[i], s)
		}
	}
	_, res := JVP(p.sub.call, in, tangents)
	return res
}

func (p *fusedPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	res := Vmap(p.sub.call, publicAxes(axes), nil)(in)
	return res, make([]int, len(res))
}

// fusable reports whether node nd can join a region of shape shape.
func fusable(nd *tapeNode, dtypeOf []Dtype, shape []int, stream Stream) bool {
	if len(nd.outputs) != 1 || nd.stream != stream || !slices.Equal(nd.shapes[0], shape) ||
		nd.dtypes[0] == Complex64 {
		return false
	}
	for _, v := range nd.inputs {
		if dtypeOf[v] == Complex64 {
			return false
		}
	}
	switch p := nd.prim.(type) {
	case unaryPrim:
		return p.op != core.ToFP8 && p.op != core.FromFP8
	case binaryPrim, selectPrim, copyPrim, broadcastPrim:
		return true
	}
	return false
}

// maxHeap is a max-heap of node indices.
type maxHeap []int

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// fuse replaces the fusable regions of t by fused nodes.
func fuse(t *tape) {
	dtypeOf := t.valueDtypes()
	producer := make([]int, t.nVals)
	for i := range producer {
		producer[i] = -1
	}
	users := make([][]int, t.nVals)
	for i, nd := range t.nodes {
		for _, o := range nd.outputs {
			producer[o] = i
		}
		for _, v := range nd.inputs {
			if !slices.Contains(users[v], i) {
				users[v] = append(users[v], i)
			}
		}
	}
	isOutput := make([]bool, t.nVals)
	for _, v := range t.outputs {
		isOutput[v] = true
	}
	region := make([]int, len(t.nodes)) // region number + 1, 0: none
	var regions [][]int
	for root := len(t.nodes) - 1; root >= 0; root-- {
		nd := &t.nodes[root]
		if region[root] != 0 || !fusable(nd, dtypeOf, nd.shapes[0], nd.stream) {
			continue
		}
		id := len(regions) + 1
		members := []int{root}
		region[root] = id
		h := &maxHeap{}
		push := func(n *tapeNode) {
			for _, v := range n.inputs {
				if p := producer[v]; p >= 0 && region[p] == 0 && !slices.Contains(*h, p) {
					heap.Push(h, p)
				}
			}
		}
		push(nd)
		for h.Len() > 0 {
			c := heap.Pop(h).(int)
			cn := &t.nodes[c]
			if region[c] != 0 || !fusable(cn, dtypeOf, nd.shapes[0], nd.stream) || isOutput[cn.outputs[0]] {
				continue
			}
			inside := true
			for _, u := range users[cn.outputs[0]] {
				if region[u] != id {
					inside = false
					break
				}
			}
			if !inside {
				continue
			}
			region[c] = id
			members = append(members, c)
			push(cn)
		}
		compute := 0
		for _, m := range members {
			if _, ok := t.nodes[m].prim.(broadcastPrim); !ok {
				compute++
			}
		}
		if compute < 2 {
			for _, m := range members {
				region[m] = 0
			}
			region[root] = -1 // tried
			continue
		}
		slices.Sort(members)
		regions = append(regions, members)
	}
	if len(regions) == 0 {
		return
	}
	replace := map[int]tapeNode{} // root -> fused node
	drop := map[int]bool{}
	for _, members := range regions {
		root := members[len(members)-1]
		replace[root] = t.fuseRegion(members, dtypeOf)
		for _, m := range members[:len(members)-1] {
			drop[m] = true
		}
	}
	var nodes []tapeNode
	for i, nd := range t.nodes {
		switch {
		case drop[i]:
		case replace[i].prim != nil:
			nodes = append(nodes, replace[i])
		default:
			nodes = append(nodes, nd)
		}
	}
	t.nodes = nodes
}

// fuseRegion returns the fused node of the region members (node indices,
// ascending; the last is the root).
func (t *tape) fuseRegion(members []int, dtypeOf []Dtype) tapeNode {
	root := &t.nodes[members[len(members)-1]]
	prog := &core.FusedProgram{}
	sub := &tape{shapeless: t.shapeless}
	reg := map[int]int{}    // tape value -> program value
	subID := map[int]int{}  // tape value -> sub-tape value (inputs and constants)
	var inputs []int        // tape values loaded as inputs
	var subConsts []int     // tape values that are constants of the sub-tape
	var subNodes []tapeNode // with tape value ids, renumbered below
	emit := func(in core.FusedInstr) int {
		prog.Instrs = append(prog.Instrs, in)
		return len(prog.Instrs) - 1
	}
	operand := func(v int) int {
		if r, ok := reg[v]; ok {
			return r
		}
		if c, ok := t.scalarConst(v); ok {
			r := emit(core.FusedInstr{Op: core.FusedConst, Dtype: dtypeOf[v].core(), Const: c})
			reg[v] = r
			subConsts = append(subConsts, v)
			return r
		}
		r := emit(core.FusedInstr{Op: core.FusedInput, Dtype: dtypeOf[v].core(), Input: len(inputs)})
		reg[v] = r
		inputs = append(inputs, v)
		prog.InputDtypes = append(prog.InputDtypes, dtypeOf[v].core())
		return r
	}
	for _, m := range members {
		nd := &t.nodes[m]
		subNodes = append(subNodes, *nd)
		out := nd.outputs[0]
		dt := nd.dtypes[0].core()
		var args [3]int
		for k, v := range nd.inputs {
			args[k] = operand(v)
		}
		switch p := nd.prim.(type) {
		case unaryPrim:
			reg[out] = emit(core.FusedInstr{Op: core.FusedUnary, Dtype: dt, Unary: p.op, Params: p.params, Args: args})
		case binaryPrim:
			reg[out] = emit(core.FusedInstr{Op: core.FusedBinary, Dtype: dt, Binary: p.op, Args: args})
		case selectPrim:
			reg[out] = emit(core.FusedInstr{Op: core.FusedWhere, Dtype: dt, Args: args})
		case copyPrim:
			if dtypeOf[nd.inputs[0]] == nd.dtypes[0] {
				reg[out] = args[0]
			} else {
				reg[out] = emit(core.FusedInstr{Op: core.FusedCast, Dtype: dt, Args: args})
			}
		case broadcastPrim:
			reg[out] = args[0]
		}
	}
	prog.NumInputs = len(inputs)
	prog.Outputs = []int{reg[root.outputs[0]]}
	// The sub-tape: the region's nodes as a function of its inputs.
	sub.nIn = len(inputs)
	for i, v := range inputs {
		subID[v] = i
		sub.inDtypes = append(sub.inDtypes, dtypeOf[v])
	}
	for i, v := range subConsts {
		subID[v] = len(inputs) + i
		sub.consts = append(sub.consts, t.valueArray(v))
	}
	next := len(inputs) + len(subConsts)
	for _, nd := range subNodes {
		n := tapeNode{prim: nd.prim, stream: nd.stream, shapes: nd.shapes, dtypes: nd.dtypes}
		for _, v := range nd.inputs {
			n.inputs = append(n.inputs, subID[v])
		}
		for _, o := range nd.outputs {
			subID[o] = next
			n.outputs = append(n.outputs, next)
			next++
		}
		sub.nodes = append(sub.nodes, n)
	}
	sub.nVals = next
	sub.outputs = []int{subID[root.outputs[0]]}
	sub.nOut = 1
	return tapeNode{
		prim:    &fusedPrim{prog: prog, sub: sub},
		stream:  root.stream,
		inputs:  inputs,
		outputs: root.outputs,
		shapes:  root.shapes,
		dtypes:  root.dtypes,
	}
}

// valueArray returns the array of a constant value of t.
func (t *tape) valueArray(v int) *Array { return t.consts[v-t.nIn] }

// scalarConst returns the value of v when it is an evaluated constant of
// one element, of a real or bool type.
func (t *tape) scalarConst(v int) (core.FusedScalar, bool) {
	if v < t.nIn || v >= t.nIn+len(t.consts) {
		return core.FusedScalar{}, false
	}
	c := t.consts[v-t.nIn]
	if c == nil || c.status.Load() != statusAvailable || c.Size() != 1 || c.dtype == Complex64 {
		return core.FusedScalar{}, false
	}
	size := c.dtype.Size()
	b := c.buf.Bytes()
	if (c.offset+1)*size > len(b) {
		return core.FusedScalar{}, false
	}
	e := b[c.offset*size : (c.offset+1)*size]
	var s core.FusedScalar
	switch c.dtype {
	case Bool:
		if e[0] != 0 {
			s.I = 1
		}
	case Uint8:
		s.I = int64(e[0])
	case Int8:
		s.I = int64(int8(e[0]))
	case Uint16:
		s.I = int64(bin.NativeEndian.Uint16(e))
	case Int16:
		s.I = int64(int16(bin.NativeEndian.Uint16(e)))
	case Uint32:
		s.I = int64(bin.NativeEndian.Uint32(e))
	case Int32:
		s.I = int64(int32(bin.NativeEndian.Uint32(e)))
	case Uint64, Int64:
		s.I = int64(bin.NativeEndian.Uint64(e))
	case Float16:
		s.F = float64(core.F16(bin.NativeEndian.Uint16(e)).Float32())
	case Bfloat16:
		s.F = float64(core.BF16(bin.NativeEndian.Uint16(e)).Float32())
	case Float32:
		s.F = float64(math.Float32frombits(bin.NativeEndian.Uint32(e)))
	case Float64:
		s.F = math.Float64frombits(bin.NativeEndian.Uint64(e))
	default:
		return core.FusedScalar{}, false
	}
	return s, true
}
