package mx

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mlxgo/mlxgo/internal/cuda"
)

// TestMain runs the tests with the default device named by
// MLXGO_TEST_DEVICE ("cpu" or "gpu"), so that every test that uses the
// default device, the transform tables among them, runs on a GPU too.
func TestMain(m *testing.M) {
	switch d := os.Getenv("MLXGO_TEST_DEVICE"); d {
	case "", "cpu":
	case "gpu":
		if !IsAvailable(GPU) {
			fmt.Fprintln(os.Stderr, "MLXGO_TEST_DEVICE=gpu:", deviceError(GPU))
			os.Exit(2)
		}
		SetDefaultDevice(GPU)
		// Compile every kernel module up front, on all cores.
		dev, _ := cuda.DeviceAt(0)
		start := time.Now()
		if err := dev.WarmUp(runtime.NumCPU()); err != nil {
			fmt.Fprintln(os.Stderr, "compiling the CUDA kernels:", err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "CUDA kernels ready in %v\n", time.Since(start))
	default:
		fmt.Fprintf(os.Stderr, "MLXGO_TEST_DEVICE=%q: want cpu or gpu\n", d)
		os.Exit(2)
	}
	os.Exit(m.Run())
}
