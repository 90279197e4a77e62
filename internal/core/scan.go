package core

// ScanOp names a cumulative operation along one axis.
type ScanOp uint8

// The scans.
const (
	ScanSum       ScanOp = iota // running sum (identity 0)
	ScanProd                    // running product (identity 1)
	ScanMax                     // running maximum; NaN sticks (identity: the lowest value)
	ScanMin                     // running minimum; NaN sticks (identity: the highest value)
	ScanLogAddExp               // running log(sum(exp)) (identity -Inf)
)

// ScanKernels computes scans.
type ScanKernels interface {
	// Scan writes into out, for every line of in along axis, the running
	// op of that line: from its last element backwards when reverse is
	// set; including the element itself (inclusive) or only those before
	// it, the first getting the op's identity. out has in's shape and is
	// row-major; its type is in's, but for ScanSum, whose output may be
	// wider (bool to int32). Integers wrap on overflow; float16 and
	// bfloat16 accumulate in float32, rounding each output.
	Scan(op ScanOp, axis int, reverse, inclusive bool, in, out View) error
}
