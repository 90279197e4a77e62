package cuda

import (
	"container/list"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// kernelFS holds the CUDA C++ source of the kernels.
//
//go:embed kernels/*.cuh
var kernelFS embed.FS

// kernelSource returns the embedded files joined, in the order given.
func kernelSource(files ...string) string {
	var s string
	for _, f := range files {
		b, err := kernelFS.ReadFile("kernels/" + f)
		if err != nil {
			panic("cuda: missing embedded kernel source " + f)
		}
		s += "// ---- " + f + "\n" + string(b) + "\n"
	}
	return s
}

// compileOptions are NVRTC's options for every module. Fast math is off:
// results must match the CPU's, NaN and infinities included.
var compileOptions = []string{"-std=c++17", "--fmad=true", "-default-device"}

// CacheDir returns the folder of compiled kernels: $MLXGO_CUDA_CACHE, or
// mlxgo/cuda under the user's cache folder. An empty result means no disk
// cache.
func CacheDir() string {
	if d := os.Getenv("MLXGO_CUDA_CACHE"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "mlxgo", "cuda")
}

// module is a compiled and loaded CUDA module.
type module struct {
	handle uintptr
	mu     sync.Mutex
	funcs  map[string]uintptr
}

// jitCache compiles modules once per process, through a disk cache.
// The modules of the backend's kernel families stay loaded; those of fused
// programs, of which a process may make any number, are kept up to
// maxFusedModules, the least recently used unloaded first.
type jitCache struct {
	dev     *Device
	mu      sync.Mutex
	modules map[string]*moduleEntry

	// fusedMu is held for reading from the lookup of a fused kernel to its
	// launch, and for writing while fused modules are unloaded.
	fusedMu  sync.RWMutex
	fusedLRU *list.List // of module names, most recently used first
	fusedAt  map[string]*list.Element
}

// maxFusedModules is the most fused-program modules a device keeps loaded.
var maxFusedModules = 256

type moduleEntry struct {
	once sync.Once
	mod  *module
	err  error
}

func newJITCache(d *Device) *jitCache {
	return &jitCache{dev: d, modules: map[string]*moduleEntry{}, fusedLRU: list.New(), fusedAt: map[string]*list.Element{}}
}

// fusedFunction returns kernel fn of the fused program's module name,
// built from src on first use, and marks the module used. The caller holds
// c.fusedMu for reading until the kernel is launched, then calls
// trimFused.
func (c *jitCache) fusedFunction(name string, src func() string, fn string) (uintptr, error) {
	f, err := c.function(name, src, fn)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if e, ok := c.fusedAt[name]; ok {
		c.fusedLRU.MoveToFront(e)
	} else {
		c.fusedAt[name] = c.fusedLRU.PushFront(name)
	}
	c.mu.Unlock()
	return f, nil
}

// trimFused unloads the least recently used fused modules over
// maxFusedModules, once the work queued on the device is done (a queued
// launch may use one). The caller must not hold c.fusedMu.
func (c *jitCache) trimFused() error {
	c.mu.Lock()
	over := c.fusedLRU.Len() > maxFusedModules
	c.mu.Unlock()
	if !over {
		return nil
	}
	c.fusedMu.Lock()
	defer c.fusedMu.Unlock()
	return onThread(c.dev, func() error {
		if err := check("cuCtxSynchronize", drv.cuCtxSynchronize); err != nil {
			return err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		for c.fusedLRU.Len() > maxFusedModules {
			name := c.fusedLRU.Remove(c.fusedLRU.Back()).(string)
			delete(c.fusedAt, name)
			e := c.modules[name]
			delete(c.modules, name)
			if e != nil && e.mod != nil {
				if err := check("cuModuleUnload", drv.cuModuleUnload, e.mod.handle); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// fusedModules returns the number of fused-program modules loaded.
func (c *jitCache) fusedModules() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fusedLRU.Len()
}

// module returns the module called name, compiling src on first use.
func (c *jitCache) module(name string, src func() string) (*module, error) {
	c.mu.Lock()
	e := c.modules[name]
	if e == nil {
		e = &moduleEntry{}
		c.modules[name] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.mod, e.err = c.build(name, src()) })
	return e.mod, e.err
}

// function returns kernel fn of module name.
func (c *jitCache) function(name string, src func() string, fn string) (uintptr, error) {
	m, err := c.module(name, src)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.funcs[fn]; ok {
		return f, nil
	}
	var f uintptr
	cname := cstr(fn)
	if err := onThread(c.dev, func() error {
		return check("cuModuleGetFunction "+fn, drv.cuModuleGetFunction, ptr(&f), m.handle, ptr(cname))
	}); err != nil {
		return 0, err
	}
	m.funcs[fn] = f
	return f, nil
}

// build compiles (or reads from the disk cache) and loads a module.
func (c *jitCache) build(name, src string) (*module, error) {
	arch := c.dev.info.Arch()
	v := c.dev.info.NVRTCVersion
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00nvrtc %d.%d\x00%q\x00", src, arch, v[0], v[1], compileOptions)
	key := hex.EncodeToString(h.Sum(nil))[:32]
	dir := CacheDir()
	var code []byte
	path := ""
	if dir != "" {
		path = filepath.Join(dir, name+"-"+key+".bin")
		code, _ = os.ReadFile(path)
	}
	if len(code) == 0 {
		var err error
		code, err = compile(name+".cu", src, arch, compileOptions)
		if err != nil {
			return nil, err
		}
		if path != "" {
			writeCache(dir, path, code)
		}
	}
	m := &module{funcs: map[string]uintptr{}}
	// A PTX image must end in a NUL.
	img := append(code[:len(code):len(code)], 0)
	err := onThread(c.dev, func() error {
		return check("cuModuleLoadData "+name, drv.cuModuleLoadData, ptr(&m.handle), ptr(&img[0]))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// writeCache stores code at path through a temporary file, so that a
// reader never sees half of it; failures only cost a later recompile.
func writeCache(dir, path string, code []byte) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(code)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), path) != nil {
		os.Remove(f.Name())
	}
}

// WarmUp compiles (or reads from the disk cache) every module the backend
// can need, workers at a time, so that first uses do not wait for NVRTC.
// It returns the first failure.
func (d *Device) WarmUp(workers int) error {
	names := make(chan string)
	errs := make(chan error, len(moduleSources))
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range names {
				if _, err := d.jit.module(name, moduleSources[name]); err != nil {
					errs <- err
				}
			}
		}()
	}
	for name := range moduleSources {
		names <- name
	}
	close(names)
	wg.Wait()
	close(errs)
	return <-errs
}
