package mx

import (
	"errors"
	"strings"
	"testing"
)

// These tests cover what is particular to the GPU: the memory shared with
// the host, streams ordered through events, running out of device memory.
// The op table runs every op on the GPU too (see testDevices).

func needGPU(t *testing.T) {
	t.Helper()
	if !IsAvailable(GPU) {
		t.Skip("no GPU: ", deviceError(GPU))
	}
}

func TestGPUUnifiedMemory(t *testing.T) {
	needGPU(t)
	a := NewArray([]float32{1, 2, 3, 4})          // made on the host
	b := Multiply(a, a, GPU)                      // used on the GPU
	c := Add(b, a, CPU)                           // the GPU's result used on the CPU
	d := Subtract(c, NewArray([]float32{1}), GPU) // and back
	if got := ToSlice[float32](d); !equalSlices(got, []float32{1, 5, 11, 19}) {
		t.Fatalf("got %v", got)
	}
	if got := ToSlice[float32](b); !equalSlices(got, []float32{1, 4, 9, 16}) {
		t.Fatalf("b = %v", got)
	}
}

func TestGPUStreamsOrdered(t *testing.T) {
	needGPU(t)
	s1, s2 := NewStream(GPU), NewStream(GPU)
	x := NewArray([]float32{1, 2, 3})
	for i := 0; i < 50; i++ {
		x = Add(x, 1, s1)
		x = Multiply(x, 1, s2) // each step waits for the other stream's
	}
	y := Add(x, x, CPU)
	if got := ToSlice[float32](y); !equalSlices(got, []float32{102, 104, 106}) {
		t.Fatalf("got %v", got)
	}
}

// TestGPUAcrossDevices uses arrays computed on one GPU on another, both
// ways, with large arrays so that the copies run while work is queued.
func TestGPUAcrossDevices(t *testing.T) {
	needGPU(t)
	if DeviceCount(GPUType) < 2 {
		t.Skip("one GPU: this test needs two")
	}
	gpu1 := Device{GPUType, 1}
	const n = 1 << 22
	x := Arange(n, Float32)
	for i := 0; i < 4; i++ {
		a := Multiply(Sqrt(Add(x, 1, GPU), GPU), 2, GPU) // on GPU 0
		b := Add(a, 1, gpu1)                             // a copied to GPU 1
		c := Subtract(b, a, GPU)                         // b copied to GPU 0, a used where it is
		d := Add(b, Multiply(a, 0, gpu1), gpu1)          // a's copy on GPU 1 reused
		for k, v := range []*Array{a, b, c, d} {
			if err := Eval(v); err != nil {
				t.Fatalf("round %d, array %c: %v", i, "abcd"[k], err)
			}
		}
		if got := Item[float32](Sum(c, CPU)); got != n {
			t.Fatalf("round %d: sum of b - a is %v, want %d", i, got, n)
		}
		want := Add(Multiply(Sqrt(Add(x, 1, CPU), CPU), 2, CPU), 1, CPU)
		if !Item[bool](AllClose(d, want, CPU)) {
			t.Fatalf("round %d: values differ after the copies", i)
		}
	}
}

func TestGPUOutOfMemory(t *testing.T) {
	needGPU(t)
	info, err := GetDeviceInfo(GPU)
	if err != nil {
		t.Fatal(err)
	}
	keep := Add(NewArray([]float32{1, 2}), 1, GPU)
	if err := Eval(keep); err != nil {
		t.Fatal(err)
	}
	n := int(info.Memory/4) * 2 // twice the card
	big := Zeros([]int{n}, Float32, GPU)
	err = Eval(big)
	if err == nil {
		t.Fatal("an array twice the size of the GPU's memory evaluated")
	}
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "memory") {
		t.Fatalf("got %v, want an out-of-memory *Error", err)
	}
	// Nothing else is lost, and the device goes on working.
	if got := ToSlice[float32](keep); !equalSlices(got, []float32{2, 3}) {
		t.Fatalf("after the failure keep = %v", got)
	}
	if got := ToSlice[float32](Add(keep, 1, GPU)); !equalSlices(got, []float32{3, 4}) {
		t.Fatalf("after the failure: %v", got)
	}
}

func TestGPUDeviceInfo(t *testing.T) {
	needGPU(t)
	d, err := GetDeviceInfo(GPU)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name == "" || d.Memory <= 0 || d.ComputeCapability == "" {
		t.Fatalf("implausible %+v", d)
	}
	t.Logf("%+v", d)
}

func equalSlices[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
