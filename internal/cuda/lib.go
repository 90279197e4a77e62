package cuda

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// library is a shared library opened at run time.
type library struct {
	handle uintptr
	path   string
}

// openLibrary opens the first of names found in dirs, then through the
// loader's own search (LD_LIBRARY_PATH, the loader cache). The error names
// every place it looked.
func openLibrary(what string, names, dirs []string) (*library, error) {
	var tried []string
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		for _, n := range names {
			p := filepath.Join(dir, n)
			if _, err := os.Stat(p); err != nil {
				continue
			}
			h, err := purego.Dlopen(p, purego.RTLD_NOW|purego.RTLD_GLOBAL)
			if err == nil {
				return &library{h, p}, nil
			}
			tried = append(tried, fmt.Sprintf("%s (%v)", p, err))
		}
	}
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err == nil {
			return &library{h, n}, nil
		}
	}
	msg := fmt.Sprintf("%s not found: looked for %s in %s and on the loader path (LD_LIBRARY_PATH=%q)",
		what, strings.Join(names, ", "), strings.Join(nonEmpty(dirs), ", "), os.Getenv("LD_LIBRARY_PATH"))
	if len(tried) > 0 {
		msg += "; failed to open " + strings.Join(tried, ", ")
	}
	return nil, fmt.Errorf("%s", msg)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return []string{"(no directories)"}
	}
	return out
}

// toolkitDirs are the folders searched for NVRTC and cuBLASLt: those of
// CUDA_PATH and CUDA_HOME, then the usual install places.
func toolkitDirs() []string {
	var dirs []string
	for _, env := range []string{"CUDA_PATH", "CUDA_HOME"} {
		if root := os.Getenv(env); root != "" {
			dirs = append(dirs, filepath.Join(root, "lib64"), filepath.Join(root, "lib"))
		}
	}
	dirs = append(dirs, "/usr/local/cuda/lib64")
	if matches, _ := filepath.Glob("/usr/local/cuda-*/lib64"); len(matches) > 0 {
		dirs = append(dirs, matches...)
	}
	return dirs
}

// driverDirs are the folders searched for libcuda before the loader path.
func driverDirs() []string {
	return []string{"/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib"}
}

// sym finds a symbol, or records what is missing.
func (l *library) sym(name string, missing *[]string) uintptr {
	p, err := purego.Dlsym(l.handle, name)
	if err != nil || p == 0 {
		*missing = append(*missing, name)
		return 0
	}
	return p
}

// call calls the C function fn with integer or pointer arguments and
// returns its int result (a CUresult, nvrtcResult or cublasStatus_t).
func call(fn uintptr, args ...uintptr) int {
	r, _, _ := purego.SyscallN(fn, args...)
	return int(int32(r))
}

// goString copies the NUL-terminated C string at p.
func goString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// cstr returns a NUL-terminated copy of s.
func cstr(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// ptr is the address of a Go value, for passing out-parameters to C.
func ptr[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }

// onThread runs f with the OS thread locked and the context of dev
// current on it, for calls made from goroutines other than a stream's worker.
func onThread(dev *Device, f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := dev.makeCurrent(); err != nil {
		return err
	}
	return f()
}

var loadOnce sync.Once

// callPtr calls a C function that returns a pointer.
func callPtr(fn uintptr, args ...uintptr) (*byte, uintptr) {
	r, _, _ := purego.SyscallN(fn, args...)
	return *(**byte)(unsafe.Pointer(&r)), r
}
