package mx

import (
	"slices"

	"github.com/mlxgo/mlxgo/internal/core"
)

// randomBitsPrim fills its output with random bits from its key input, a
// uint32 array of shape (..., 2): one key of shape (2), or under vmap a
// batch of keys, each of which fills its own block of shape, in order.
type randomBitsPrim struct {
	shape []int // the shape drawn from each key
	width int
}

func (randomBitsPrim) Name() string { return "RandomBits" }

func (p randomBitsPrim) Eval(s Stream, in, out []*Array) error {
	k, err := kernelsFor[core.RandomKernels]("random_bits", s)
	if err != nil {
		return err
	}
	if err := out[0].alloc(s); err != nil {
		return err
	}
	return k.RandomBits(in[0].view(), out[0].view())
}

// RandomBits returns an array of the given shape filled with random bits
// drawn from key, width bytes per element: uint8 for width 1, uint16 for 2,
// uint32 for 4. It is the generator behind package mx/random, which most
// programs use instead.
//
// The bits are those of MLX (and JAX): the counter-based Threefry-2x32
// generator with 20 rounds, keyed by key, a uint32 array of shape (2) as
// random.Key makes; the same key and shape always give the same bits, on
// every device. Under Vmap, a key mapped over a batch of keys draws from
// each of them what it would draw alone. It panics with *Error if key is
// not a uint32 array of shape (2), width is not 1, 2 or 4, or a dimension
// is negative.
func RandomBits(key *Array, shape []int, width int, opts ...Option) *Array {
	const op = "random_bits"
	o := parseOptions(op, optStream, opts)
	if key == nil {
		panic(newError(op, "nil key"))
	}
	if key.dtype != Uint32 {
		panic(newError(op, "expected a key of type uint32 but got %v", key.dtype))
	}
	if len(key.shape) != 1 || key.shape[0] != 2 {
		panic(newError(op, "expected a key of shape (2,) but got %s", shapeString(key.shape)))
	}
	shape = slices.Clone(shape)
	if shape == nil {
		shape = []int{}
	}
	checkShape(op, shape)
	var dt Dtype
	switch width {
	case 1:
		dt = Uint8
	case 2:
		dt = Uint16
	case 4:
		dt = Uint32
	default:
		panic(newError(op, "bit width must be 1, 2 or 4 bytes, got %d", width))
	}
	return newArray(randomBitsPrim{shape: shape, width: width}, o.stream, []*Array{key}, shape, dt)
}

// Vmap draws from every key of the batch at once: the key's batch axis is
// moved off its last axis (the key pair) if it is there, and the output
// gets the key's leading axes, batch axis included, before the shape drawn
// from each key. The kernel fills the output's blocks key by key, so key i
// of the batch gives what it gives alone. RandomBits has no VJP or JVP: its
// output is integer.
func (p randomBitsPrim) Vmap(s Stream, in, out []*Array, axes []int) ([]*Array, []int) {
	key, ax := in[0], axes[0]
	if nd := key.Ndim(); ax == nd-1 {
		key = SwapAxes(key, nd-1, nd-2, s)
		ax--
	}
	shape := append(slices.Clone(key.shape[:key.Ndim()-1]), p.shape...)
	return []*Array{newArray(p, s, []*Array{key}, shape, out[0].dtype)}, []int{ax}
}
