package cuda

// The cuBLASLt functions used, loaded on the first matmul.
var cublas struct {
	lib     *library
	version int
}
