package cuda

// SetSoftmaxThreads sets the block size of the softmax row kernel for
// benchmarks; 0 picks it by the row length.
func SetSoftmaxThreads(threads int) { softmaxThreads = threads }

// MemoryBandwidth returns the stream's device's peak memory bandwidth.
func MemoryBandwidth(s *Stream) float64 { return s.memoryBandwidth() }

// SetSoftmaxCluster turns the cluster softmax kernel on or off.
func SetSoftmaxCluster(on bool) { softmaxNoCluster = !on }
