package cuda

import (
	"math"
	"runtime"
	"testing"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// smokeStream returns a stream on GPU 0, or skips the test without one.
// The calling goroutine stays on its OS thread with the context current.
func smokeStream(t testing.TB) *Stream {
	if err := Load(); err != nil {
		t.Skip("no GPU: ", err)
	}
	if Count() == 0 {
		t.Skip("no GPU: the driver found none")
	}
	d, err := DeviceAt(0)
	if err != nil {
		t.Fatal(err)
	}
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	if err := d.BindThread(); err != nil {
		t.Fatal(err)
	}
	s, err := d.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hostF32(t testing.TB, xs []float32) core.View {
	b, err := core.Host.Alloc(4 * len(xs))
	if err != nil {
		t.Fatal(err)
	}
	copy(unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b.Bytes()))), len(xs)), xs)
	return core.View{Buf: b, Dtype: core.Float32, Shape: []int{len(xs)}, Strides: []int{1}}
}

func f32s(v core.View) []float32 {
	b := v.Buf.Bytes()
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

func TestSmokeAddTransfers(t *testing.T) {
	s := smokeStream(t)
	for _, n := range []int{1, 7, 1000, 3 << 20} { // small, odd, and a staged transfer
		a := make([]float32, n)
		b := make([]float32, n)
		for i := range a {
			a[i], b[i] = float32(i), float32(2*i)+0.5
		}
		va, vb := hostF32(t, a), hostF32(t, b)
		buf, err := s.Alloc(4*n, core.Host)
		if err != nil {
			t.Fatal(err)
		}
		out := core.View{Buf: buf, Dtype: core.Float32, Shape: []int{n}, Strides: []int{1}}
		if err := s.Binary(core.Add, va, vb, out); err != nil {
			t.Fatal(err)
		}
		got := f32s(out)
		for i := range got {
			if got[i] != a[i]+b[i] {
				t.Fatalf("n=%d: out[%d] = %v, want %v", n, i, got[i], a[i]+b[i])
			}
		}
		// Broadcast and strided: a reversed, b a scalar.
		rev := core.View{Buf: va.Buf, Dtype: core.Float32, Shape: []int{n}, Strides: []int{-1}, Offset: n - 1}
		sc := core.View{Buf: vb.Buf, Dtype: core.Float32, Shape: []int{n}, Strides: []int{0}}
		buf2, _ := s.Alloc(4*n, core.Host)
		out2 := core.View{Buf: buf2, Dtype: core.Float32, Shape: []int{n}, Strides: []int{1}}
		if err := s.Binary(core.Multiply, rev, sc, out2); err != nil {
			t.Fatal(err)
		}
		got = f32s(out2)
		for i := range got {
			if want := a[n-1-i] * b[0]; got[i] != want {
				t.Fatalf("n=%d strided: out[%d] = %v, want %v", n, i, got[i], want)
			}
		}
		va.Buf.Release()
		vb.Buf.Release()
		buf.Release()
		buf2.Release()
	}
}

func TestSmokeMatmul(t *testing.T) {
	s := smokeStream(t)
	const m, k, n = 3, 5, 4
	a := make([]float32, m*k)
	b := make([]float32, k*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) * 0.5
	}
	va := hostF32(t, a)
	va.Shape, va.Strides = []int{m, k}, []int{k, 1}
	vb := hostF32(t, b)
	vb.Shape, vb.Strides = []int{k, n}, []int{n, 1}
	buf, err := s.Alloc(4*m*n, core.Host)
	if err != nil {
		t.Fatal(err)
	}
	out := core.View{Buf: buf, Dtype: core.Float32, Shape: []int{m, n}, Strides: []int{n, 1}}
	if err := s.Matmul(va, vb, out, nil, 1, 0); err != nil {
		t.Fatal(err)
	}
	got := f32s(out)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var want float64
			for p := 0; p < k; p++ {
				want += float64(a[i*k+p]) * float64(b[p*n+j])
			}
			if math.Abs(float64(got[i*n+j])-want) > 1e-4 {
				t.Fatalf("out[%d,%d] = %v, want %v", i, j, got[i*n+j], want)
			}
		}
	}
	// The transposed a: a^T stored as [k, m], read through strides.
	at := make([]float32, k*m)
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			at[p*m+i] = a[i*k+p]
		}
	}
	vat := hostF32(t, at)
	vat.Shape, vat.Strides = []int{m, k}, []int{1, m}
	buf2, _ := s.Alloc(4*m*n, core.Host)
	out2 := core.View{Buf: buf2, Dtype: core.Float32, Shape: []int{m, n}, Strides: []int{n, 1}}
	if err := s.Matmul(vat, vb, out2, nil, 1, 0); err != nil {
		t.Fatal(err)
	}
	got2 := f32s(out2)
	for i := range got {
		if got[i] != got2[i] {
			t.Fatalf("transposed operand: out[%d] = %v, want %v", i, got2[i], got[i])
		}
	}
}

func TestSmokeDeviceInfo(t *testing.T) {
	s := smokeStream(t)
	in := s.Device().Info()
	t.Logf("%s, %s, %.1f GiB, %d SMs, driver %d, NVRTC %v", in.Name, in.Arch(), float64(in.TotalMemory)/(1<<30), in.Multiprocessors, in.DriverVersion, in.NVRTCVersion)
	if in.TotalMemory <= 0 || in.ComputeMajor == 0 {
		t.Fatalf("implausible device info %+v", in)
	}
}

// TestTwoDevices uses buffers made on one GPU on another, both ways.
func TestTwoDevices(t *testing.T) {
	if err := Load(); err != nil || Count() < 2 {
		t.Skip("needs two GPUs")
	}
	// on runs f on a goroutine locked to its thread with d's context
	// current, as a stream's worker is.
	on := func(d *Device, f func() error) {
		done := make(chan error)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if err := d.BindThread(); err != nil {
				done <- err
				return
			}
			done <- f()
		}()
		if err := <-done; err != nil {
			t.Fatalf("gpu %d: %v", d.Index, err)
		}
	}
	d0, _ := DeviceAt(0)
	d1, _ := DeviceAt(1)
	var s0, s1 *Stream
	on(d0, func() (err error) { s0, err = d0.NewStream(); return err })
	on(d1, func() (err error) { s1, err = d1.NewStream(); return err })
	const n = 3 << 20
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(i % 1000)
	}
	x, y := hostF32(t, xs), hostF32(t, xs)
	view := func(s *Stream) core.View {
		buf, err := s.Alloc(4*n, core.Host)
		if err != nil {
			t.Fatal(err)
		}
		return core.View{Buf: buf, Dtype: core.Float32, Shape: []int{n}, Strides: []int{1}}
	}
	var a, b, c core.View
	on(d0, func() error { a = view(s0); return s0.Binary(core.Add, x, x, a) })      // 2x on GPU 0
	on(d1, func() error { b = view(s1); return s1.Binary(core.Add, a, y, b) })      // 3x on GPU 1, from GPU 0's a and the host's y
	on(d0, func() error { c = view(s0); return s0.Binary(core.Multiply, b, a, c) }) // 6x² on GPU 0, from GPU 1's b
	got := f32s(c)
	for i, v := range xs {
		if want := 6 * v * v; got[i] != want {
			t.Fatalf("element %d is %v, want %v", i, got[i], want)
		}
	}
}

// TestFusedModulesBounded runs more distinct fused programs than the device
// keeps modules for: the oldest are unloaded, and run again when asked.
func TestFusedModulesBounded(t *testing.T) {
	s := smokeStream(t)
	defer func(n int) { maxFusedModules = n }(maxFusedModules)
	maxFusedModules = 3
	f32 := core.Float32
	program := func(c float64) *core.FusedProgram { // x*c + 1
		return &core.FusedProgram{NumInputs: 1, InputDtypes: []core.Dtype{f32}, Outputs: []int{4}, Instrs: []core.FusedInstr{
			{Op: core.FusedInput, Dtype: f32, Input: 0},
			{Op: core.FusedConst, Dtype: f32, Const: core.FusedScalar{F: c}},
			{Op: core.FusedBinary, Dtype: f32, Binary: core.Multiply, Args: [3]int{0, 1}},
			{Op: core.FusedConst, Dtype: f32, Const: core.FusedScalar{F: 1}},
			{Op: core.FusedBinary, Dtype: f32, Binary: core.Add, Args: [3]int{2, 3}},
		}}
	}
	xs := []float32{1, 2, 3, 4, 5, 6, 7, 8}
	x := hostF32(t, xs)
	run := func(c int) {
		buf, err := s.Alloc(4*len(xs), core.Host)
		if err != nil {
			t.Fatal(err)
		}
		out := core.View{Buf: buf, Dtype: f32, Shape: []int{len(xs)}, Strides: []int{1}}
		if err := s.Fused(program(float64(c)), []core.View{x}, []core.View{out}); err != nil {
			t.Fatal(err)
		}
		for i, v := range f32s(out) {
			if want := xs[i]*float32(c) + 1; v != want {
				t.Fatalf("program %d: element %d is %v, want %v", c, i, v, want)
			}
		}
		buf.Release()
	}
	for c := 0; c < 8; c++ {
		run(c)
		if n := s.dev.jit.fusedModules(); n > 3 {
			t.Fatalf("%d fused modules loaded, want at most 3", n)
		}
	}
	run(0) // unloaded by now: built again from the disk cache
}
