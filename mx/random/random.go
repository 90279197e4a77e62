// Package random generates pseudo-random numbers as MLX does, bit for bit.
//
// Randomness comes from keys: a key is a uint32 array of shape (2), and the
// same key always gives the same numbers, on every device. Key makes one
// from a seed and Split derives new, independent keys from one. The
// generator is the counter-based, splittable Threefry-2x32 of JAX's PRNG
// design (see mx.RandomBits), so a program can hand keys to goroutines or
// functions without sharing state.
//
// Every sampler takes an optional key, as mx.WithKey(k) among its options:
//
//	key := random.Key(0)
//	a := random.Uniform(0, 1, []int{3}, mx.WithKey(key)) // the same numbers on every run
//	b := random.Uniform(0, 1, []int{3})                  // from the global key
//
// Without one, a sampler splits the implicit global key, which Seed resets;
// it is seeded from the clock at start. The global key may be used from
// many goroutines at once.
//
// A sampler may run under mx.Vmap with its key mapped over a batch of
// keys, such as the rows of Split(key, n): each element of the batch gets
// the samples its own key gives, as in a loop over the keys.
//
// Like every op, a sampler is lazy: it returns an array at once and draws
// the numbers when it is evaluated. Its other options are a Dtype (the type
// of the samples) and a stream or device (where they are computed).
// Argument mistakes panic with *mx.Error, as in package mx.
package random

import (
	"fmt"
	"sync"
	"time"

	"github.com/mlxgo/mlxgo/internal/core"
	"github.com/mlxgo/mlxgo/mx"
)

// global is the implicit key, held on the host: splitting it needs no
// evaluation.
var global struct {
	mu     sync.Mutex
	k      [2]uint32
	seeded bool
}

// Seed resets the global key to Key(seed): the samplers called without a
// key then draw the same numbers again.
func Seed(seed uint64) {
	global.mu.Lock()
	global.k = keyWords(seed)
	global.seeded = true
	global.mu.Unlock()
}

func keyWords(seed uint64) [2]uint32 { return [2]uint32{uint32(seed >> 32), uint32(seed)} }

// nextKey splits the global key in two, keeps the first half and returns
// the second, as MLX's key sequence does: the halves are the rows of
// Split(key, 2).
func nextKey() *mx.Array {
	global.mu.Lock()
	defer global.mu.Unlock()
	if !global.seeded {
		global.k = keyWords(uint64(time.Now().UnixNano()))
		global.seeded = true
	}
	k0, k1 := global.k[0], global.k[1]
	// Split(key, 2) is 4 words: word j and j+2 come from counter (j, j+2).
	a0, b0 := core.Threefry2x32(k0, k1, 0, 2)
	a1, b1 := core.Threefry2x32(k0, k1, 1, 3)
	global.k = [2]uint32{a0, a1}
	return mx.NewArray([]uint32{b0, b1})
}

// Key returns the key of a seed: a uint32 array of shape (2) holding the
// seed's high and low 32 bits.
func Key(seed uint64) *mx.Array {
	k := keyWords(seed)
	return mx.NewArray(k[:])
}

// Split returns num new keys derived from key, as an array of shape
// (num, 2): row i is the i-th key. Splitting the same key gives the same
// keys:
//
//	keys := random.Split(key, 2)
//	k1, k2 := mx.Index(keys, 0), mx.Index(keys, 1)
//
// It panics with *mx.Error if key is not a uint32 array of shape (2)
// or num is negative.
func Split(key *mx.Array, num int, opts ...mx.Option) *mx.Array {
	o := parse("split", opts, 0)
	if num < 0 {
		panic(errorf("split", "number of keys must be non-negative, got %d", num))
	}
	checkKey("split", key)
	shapeArg("split", []int{num, 2}, nil)
	return mx.RandomBits(key, []int{num, 2}, 4, o.Stream)
}

// Bits returns random bits of the given shape, width bytes per element:
// uint8 for width 1, uint16 for 2, uint32 for 4. It panics with *mx.Error if
// a dimension is negative, width is not 1, 2 or 4, or the key is not a
// uint32 array of shape (2).
func Bits(shape []int, width int, opts ...mx.Option) *mx.Array {
	o := parse("bits", opts, 0)
	shape = shapeArg("bits", shape, nil)
	if width != 1 && width != 2 && width != 4 {
		panic(errorf("bits", "bit width must be 1, 2 or 4 bytes, got %d", width))
	}
	return mx.RandomBits(keyOf("bits", o), shape, width, o.Stream)
}

// keyOf returns the key option of o, or the next global key. It panics
// with *mx.Error naming op when the key is not a key.
func keyOf(op string, o mx.Options) *mx.Array {
	if o.Key != nil {
		checkKey(op, o.Key)
		return o.Key
	}
	return nextKey()
}

// checkKey panics with *mx.Error naming op unless key is a uint32 array of
// shape (2).
func checkKey(op string, key *mx.Array) {
	if key == nil {
		panic(errorf(op, "nil key"))
	}
	if key.Dtype() != mx.Uint32 {
		panic(errorf(op, "expected a key of type uint32 but got %v", key.Dtype()))
	}
	if sh := key.Shape(); len(sh) != 1 || sh[0] != 2 {
		panic(errorf(op, "expected a key of shape (2,) but got %v", sh))
	}
}

// What a sampler accepts besides a key and a stream.
const (
	allowDtype = 1 << iota
	allowAxis
)

// parse parses a sampler's options and panics with *mx.Error on one it does
// not take.
func parse(op string, opts []mx.Option, allowed int) mx.Options {
	o := mx.ParseOptions(op, opts...)
	switch {
	case o.HasDtype && allowed&allowDtype == 0:
		panic(errorf(op, "does not take a dtype option"))
	case o.HasAxes && allowed&allowAxis == 0:
		panic(errorf(op, "does not take an axis option"))
	case o.HasAxes && len(o.Axes) != 1:
		panic(errorf(op, "takes one axis, got %v", o.Axes))
	case o.KeepDims:
		panic(errorf(op, "does not take a keepdims option"))
	case o.Ddof != 0:
		panic(errorf(op, "does not take a ddof option"))
	}
	return o
}

func errorf(op, format string, args ...any) *mx.Error {
	return &mx.Error{Op: op, Msg: fmt.Sprintf(format, args...)}
}
