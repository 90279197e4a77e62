// Package mx is the core of mlxgo: MLX's n-dimensional arrays and their
// operations, in Go. Its API follows MLX's Python API (mlx.core), and
// through it NumPy's: the same op names in Go spelling, the same dtypes,
// type promotion, broadcasting and printing.
//
//	a := mx.NewArray([]int32{1, 2, 3, 4})
//	b := mx.NewArray([]float32{1, 2, 3, 4})
//	c := mx.Add(a, b) // nothing computed yet
//	fmt.Println(c)    // array([2, 4, 6, 8], dtype=float32)
//
// # Arrays and dtypes
//
// An [Array] has a shape and one of MLX's 14 element types ([Dtype]):
// bool, four unsigned and four signed integer types, float16, bfloat16,
// float32, float64 and complex64. Arrays are immutable: every op returns a
// new one. [NewArray] copies a Go slice (its Go type picks the dtype: Go's
// int gives int32, as a Python integer does in MLX), [Scalar] makes a 0-d
// array, [AsType] converts. Values come back with [ToSlice], [Item] and
// [Array.Item]. Ops on two arrays promote their types as [PromoteTypes]
// says, and broadcast their shapes as NumPy does.
//
// # Lazy evaluation
//
// An op checks its arguments and works out the shape and dtype of its
// result at once, then records how to compute it: a node of a graph.
// Nothing is computed until a value is needed: [Eval] computes the arrays
// it is given and what they depend on, [AsyncEval] starts that and
// returns, and reading values (ToSlice, Item, printing) evaluates
// implicitly. Evaluating an array again costs nothing. Once a node has
// run, the graph above it is dropped, so intermediate arrays that nothing
// else holds become garbage and give their memory back at the next
// collection (see Memory). Laziness shows only in speed and
// memory: the results are those of eager evaluation.
//
// # Streams and devices
//
// A [Device] is the CPU or a GPU; a [Stream] is an ordered queue of work on
// one device, run by its own goroutine. Ops run on the default stream of
// the default device unless given a Device (its default stream) or a
// Stream as an option; [NewStream] makes more streams, [WithStream] and
// [WithDevice] change the defaults while a function runs. Ops on different
// streams run concurrently, each waiting for the inputs it takes from
// other streams. Arrays live in one memory that every device reads, so an
// array made on one stream is used on any other with no copy by the user.
//
// # Options
//
// Required arguments are positional; optional ones are trailing [Option]
// values in any order, the same for every op: a Device or Stream (where it
// runs), [Axis] or [Axes] (which axes), [KeepDims], a Dtype (the result
// type of creation ops), [Ddof]. An op given an option it has no use for
// panics. For example [Sum](a, Axis(-1), KeepDims) reduces the last axis
// and keeps it with size one, [Zeros]([]int{2, 3}, Int32) makes int32
// zeros, and [Add](a, b, CPU) runs on the CPU.
//
// # Go numbers as weak scalars
//
// Ops of two or more operands take `any`: an *Array, a Go slice (as
// NewArray makes it) or a Go number. Go numbers are weak, as Python
// scalars are in MLX: they take the type of the array they meet unless
// their kind is higher. Add(x, 1.5) keeps a float16 array float16 and
// makes an int32 array float32; Add(x, 1) keeps a uint8 array uint8.
// [ResultType] gives the type such a mix produces. [Finfo] and [Iinfo]
// give the limits of a floating-point or integer type.
//
// # Function transforms
//
// Transforms take a function of arrays and return a function: [Grad] and
// [ValueAndGrad] for gradients, [VJP] and [JVP] for vector-Jacobian and
// Jacobian-vector products, [Vmap] to vectorise over a batch axis. They
// compose in any order: Grad(Grad(Sin)) is the second derivative of sin.
// A transformed function must compute with mx ops only; reading the value
// of an array it traces (Eval, Item, ToSlice) panics with *Error, and
// printing one shows array(<traced by vjp>, ...).
//
// # Errors
//
// Mistakes in the arguments of a call (shapes that do not broadcast, an
// axis out of range, a dtype an op does not take) panic at the call with
// an [*Error] naming the op and the shapes or dtypes involved, such as
// "mx: add: shapes (2, 3) and (4,) cannot be broadcast". Failures that
// happen while computing (out of memory, an index out of range, an op the
// device lacks) come back as an error from Eval; reading a value that
// failed to compute panics with that *Error. [Catch] turns such a panic
// into an error for callers who prefer errors:
//
//	err := mx.Catch(func() { c = mx.Add(a, b) })
//
// # Printing
//
// An Array prints as MLX's repr, array([2, 4, 6, 8], dtype=float32),
// evaluating it first; fmt verbs such as %.3f format each element (see
// [Array.Format]) and [SetPrintOptions] sets the number of decimals.
// Printing never panics: an array whose evaluation failed prints the
// error in place of its values.
//
// # Memory
//
// Array data lives in buffers from a size-bucketed cache. A buffer is
// active while an array holds it and goes back to the cache when the last
// such array is garbage collected; the allocator starts a collection after
// every 64 MiB it hands out, so unreachable arrays cannot pile up between
// the collections Go would start by itself. [GetActiveMemory], [GetPeakMemory] and
// [GetCacheMemory] report the bytes in use; [SetMemoryLimit] bounds them
// (an evaluation that would pass the limit fails with an error from Eval),
// [SetCacheLimit] bounds the cache and [ClearCache] empties it.
//
// # Concurrency
//
// Arrays and ops may be used from any number of goroutines at once.
// Evaluation order follows the graph; the defaults set by WithStream and
// SetDefaultDevice are process-wide.
package mx
