package cuda

// SetSoftmaxThreads sets the block size of the softmax row kernel for
// benchmarks; 0 picks it by the row length.
func SetSoftmaxThreads(threads int) { softmaxThreads = threads }
