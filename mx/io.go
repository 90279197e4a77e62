package mx

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/format"
)

// Arrays are loaded lazily. Load and its relatives parse a file's header
// at once, checking every claim it makes against the file, and return
// arrays whose data is read from the file only when they are evaluated:
// loading a checkpoint costs nothing until its weights are used, and a
// checkpoint larger than the machine's memory can be loaded and its
// tensors used a few at a time. The file is memory-mapped where the
// system allows and stays open (and mapped) while any array loaded from it
// is still unevaluated; replacing the file is safe (the old one stays
// readable), but truncating it in place makes the evaluation of those
// arrays fail with an error.
//
// Files are treated as hostile: a truncated file, a header that claims
// more than the file holds, offsets and lengths that lie, overlapping
// tensors, unknown types, shapes whose size overflows, names that are not
// UTF-8 and absurd counts all give an error that names the file and the
// problem, and no allocation is larger than the file's own claims allow.

// Load reads the arrays of a file, choosing the format by the file's
// extension: .npy (one array, named by the file's base name without the
// extension), .npz, .safetensors or .gguf. The metadata is that of
// LoadSafetensors (string values) or LoadGGUF (typed values); nil for the
// NumPy formats. The arrays are read lazily (see LoadSafetensors). It
// returns an error for an unknown extension or a file it cannot read.
func Load(path string) (map[string]*Array, map[string]any, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		a, err := LoadNPY(path)
		if err != nil {
			return nil, nil, err
		}
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		return map[string]*Array{name: a}, nil, nil
	case ".npz":
		m, err := LoadNPZ(path)
		return m, nil, err
	case ".safetensors":
		m, meta, err := LoadSafetensors(path)
		if err != nil {
			return nil, nil, err
		}
		var md map[string]any
		if meta != nil {
			md = make(map[string]any, len(meta))
			for k, v := range meta {
				md[k] = v
			}
		}
		return m, md, nil
	case ".gguf":
		return LoadGGUF(path)
	}
	return nil, nil, newError("load", "%s: unknown file extension %q (want .npy, .npz, .safetensors or .gguf)", path, filepath.Ext(path))
}

// loadError wraps err as the error of loading path.
func loadError(op, path string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Op: op, Msg: fmt.Sprintf("%s: %v", path, err), Err: err}
}

// mappedFile is an open file, mapped into memory where the system allows.
// It is closed (and unmapped) once no array needs it: the arrays it makes
// hold it through their load primitives until they are evaluated.
type mappedFile struct {
	path    string
	f       *os.File
	data    []byte // the mapping, or nil
	size    int64
	cleanup runtime.Cleanup
}

// ioNoMap makes files read with ReadAt only, as on systems without
// mmap (a test sets it).
var ioNoMap = false

type fileResources struct {
	f    *os.File
	data []byte
}

func openMapped(op, path string) (*mappedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, loadError(op, path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, loadError(op, path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, loadError(op, path, errors.New("not a regular file"))
	}
	m := &mappedFile{path: path, f: f, size: st.Size()}
	if !ioNoMap {
		m.data = mapFile(f, m.size)
	}
	m.cleanup = runtime.AddCleanup(m, fileResources.release, fileResources{f, m.data})
	return m, nil
}

func (r fileResources) release() {
	if r.data != nil {
		unmapFile(r.data)
	}
	r.f.Close()
}

// close releases m at once, when its header turned out unreadable: no
// array uses it.
func (m *mappedFile) close() {
	m.cleanup.Stop()
	fileResources{m.f, m.data}.release()
}

// ReadAt reads from the mapping when there is one, else from the file.
// Reading a mapping whose file was truncated faults; the fault becomes an
// error.
func (m *mappedFile) ReadAt(p []byte, off int64) (n int, err error) {
	if m.data == nil {
		return m.f.ReadAt(p, off)
	}
	if off < 0 || off > m.size {
		return 0, io.EOF
	}
	err = guardFault(m, func() { n = copy(p, m.data[off:]) })
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// guardFault runs f, turning a memory fault (a mapped file that shrank
// under us) into an error.
func guardFault(m *mappedFile, f func()) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if re, ok := r.(runtime.Error); ok {
				if _, fault := re.(interface{ Addr() uintptr }); fault {
					err = fmt.Errorf("%s changed while it was being read (it is shorter than when it was opened): %v", m.path, re)
					return
				}
			}
			panic(r)
		}
	}()
	f()
	runtime.KeepAlive(m)
	return nil
}

// loadPrim reads one tensor from a file when evaluated. It has no inputs:
// a loaded array is a leaf whose data comes from the file.
type loadPrim struct {
	file *mappedFile
	t    *format.Tensor
	zip  *zip.File // a deflated .npz member, or nil
	op   string    // the loader's name, for errors
}

func (loadPrim) Name() string { return "Load" }

// newLoaded returns the lazy array that t loads as, with the given shape
// (t's shape, or its reverse for column-major .npy data).
func newLoaded(op string, m *mappedFile, t *format.Tensor, zf *zip.File, shape []int) *Array {
	return newArray(loadPrim{file: m, t: t, zip: zf, op: op}, DefaultStreamFor(CPU), nil, shape, Dtype(t.Dtype))
}

// readChunk is the unit of work of a parallel read.
const readChunk = 8 << 20

func (p loadPrim) Eval(s Stream, in, out []*Array) error {
	o := out[0]
	if err := o.alloc(s); err != nil {
		return err
	}
	n := o.Nbytes()
	if n == 0 {
		return nil
	}
	dst := o.view().Buf.Bytes()[:n]
	var err error
	switch {
	case p.zip != nil:
		err = p.inflate(dst)
	case p.t.Encoding == format.Plain:
		adviseHuge(dst)
		err = parallelChunks(int64(n), readChunk, func(lo, hi int64) error {
			_, err := p.file.f.ReadAt(dst[lo:hi], p.t.Offset+lo)
			return err
		})
	default:
		err = p.decode(dst)
	}
	if err != nil {
		return &Error{Op: p.op, Msg: fmt.Sprintf("%s: tensor %q: %v", p.file.path, p.t.Name, err), Err: err}
	}
	return nil
}

// decode reads and decodes stored bytes, in parallel chunks of whole
// blocks: straight from the mapping when there is one.
func (p loadPrim) decode(dst []byte) error {
	t := p.t
	elems, bsize := t.Encoding.Block(t.Dtype)
	outBlock := int64(elems * t.Dtype.Size())
	blocks := int64(len(dst)) / outBlock
	per := max(readChunk/int64(bsize), 1)
	return parallelChunks(blocks, per, func(lo, hi int64) error {
		from, to := t.Offset+lo*int64(bsize), t.Offset+hi*int64(bsize)
		if p.file.data != nil {
			return guardFault(p.file, func() {
				format.Decode(t.Encoding, t.Dtype, dst[lo*outBlock:hi*outBlock], p.file.data[from:to])
			})
		}
		src := make([]byte, to-from)
		if _, err := p.file.f.ReadAt(src, from); err != nil {
			return err
		}
		format.Decode(t.Encoding, t.Dtype, dst[lo*outBlock:hi*outBlock], src)
		return nil
	})
}

// inflate reads a deflated .npz member: past its header, then its data,
// checking that the member holds exactly that (and its checksum).
func (p loadPrim) inflate(dst []byte) error {
	rc, err := p.zip.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 1<<20)
	if _, err := br.Discard(int(p.t.Offset)); err != nil {
		return fmt.Errorf("inflating: %w", err)
	}
	if p.t.Encoding == format.Plain {
		if _, err := io.ReadFull(br, dst); err != nil {
			return fmt.Errorf("inflating: the member ends before its data does (%w)", err)
		}
	} else {
		_, bsize := p.t.Encoding.Block(p.t.Dtype)
		buf := make([]byte, (1<<20)/bsize*bsize)
		outPer := len(buf) / bsize * p.t.Dtype.Size()
		for o := 0; o < len(dst); o += outPer {
			m := min(outPer, len(dst)-o)
			src := buf[:m/p.t.Dtype.Size()*bsize]
			if _, err := io.ReadFull(br, src); err != nil {
				return fmt.Errorf("inflating: the member ends before its data does (%w)", err)
			}
			format.Decode(p.t.Encoding, p.t.Dtype, dst[o:o+m], src)
		}
	}
	// Reading to the end checks the checksum.
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			return errors.New("the member holds more bytes than its array")
		}
		return fmt.Errorf("inflating: %w", err)
	}
	return nil
}

// parallelChunks calls f on [lo, hi) ranges of [0, n) of at most chunk
// units, over the cores, and returns the first error.
func parallelChunks(n, chunk int64, f func(lo, hi int64) error) error {
	count := (n + chunk - 1) / chunk
	workers := min(int64(runtime.GOMAXPROCS(0)), count)
	if workers <= 1 {
		for lo := int64(0); lo < n; lo += chunk {
			if err := f(lo, min(lo+chunk, n)); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		mu    sync.Mutex
		next  int64
		first error
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if stop || i >= count {
					return
				}
				lo := i * chunk
				if err := f(lo, min(lo+chunk, n)); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// Saving. Every Save function evaluates each array just before writing
// it, one array at a time, and writes its bytes straight from its buffer
// (an array that is a strided view is made contiguous first, alone), so
// that saving a lazily computed set of arrays, such as a converted
// checkpoint, never holds all of it in memory at once. The file is written
// under a temporary name beside the destination and renamed when
// complete: a failed save leaves any earlier file in place.

// namedArrays returns the names of arrays in sorted order, checking that
// none is nil.
func namedArrays(op string, arrays map[string]*Array) []string {
	names := make([]string, 0, len(arrays))
	for k, a := range arrays {
		checkArray(op, a)
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// withExt appends ext to path unless it ends with it, as MLX does.
func withExt(path, ext string) string {
	if strings.HasSuffix(path, ext) {
		return path
	}
	return path + ext
}

// atomicWrite writes a file through write, under a temporary name that is
// renamed to path once write succeeds.
func atomicWrite(op, path string, write func(w *bufio.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return loadError(op, path, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return loadError(op, path, err)
	}
	return nil
}

// writeArray evaluates a and writes its elements in row-major order.
func writeArray(op string, w io.Writer, a *Array) error {
	if err := Eval(a); err != nil {
		return err
	}
	if a.Size() == 0 {
		return nil
	}
	src := a
	if !a.view().IsContiguous() {
		src = Contiguous(a, CPU)
		if err := Eval(src); err != nil {
			return err
		}
	}
	host, err := src.buf.Host() // a GPU array's host copy is made here
	if err != nil {
		return err
	}
	sz := src.dtype.Size()
	_, err = w.Write(host[src.offset*sz : (src.offset+src.Size())*sz])
	runtime.KeepAlive(src)
	return err
}
