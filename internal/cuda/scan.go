package cuda

import (
	"fmt"
	"unsafe"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Scans (kernels/scan.cuh). Lines whose output elements are adjacent (the
// axis innermost) are scanned by a warp (short lines) or a block of 256
// threads per line, a group-wide scan of each run of elements carrying the
// running value to the next; other lines one thread each, sequentially
// down the axis, neighbouring threads on neighbouring lines. When there
// are too few lines to fill the device, lines are cut into chunks in three
// steps: each chunk's combined value, an exclusive scan of those (by the
// same code, recursively), and the scan of each chunk from its prefix.

var scanFunctor = [...]string{
	core.ScanSum:       "ScanSumOp",
	core.ScanProd:      "ScanProdOp",
	core.ScanMax:       "ScanMaxOp",
	core.ScanMin:       "ScanMinOp",
	core.ScanLogAddExp: "ScanLogAddExpOp",
}

var scanOpName = [...]string{
	core.ScanSum:       "cumsum",
	core.ScanProd:      "cumprod",
	core.ScanMax:       "cummax",
	core.ScanMin:       "cummin",
	core.ScanLogAddExp: "logcumsumexp",
}

// scanSupports reports whether op is defined on dt, as on the CPU (whose
// log-add-exp of integers mx never asks for: it converts them to float).
func scanSupports(op core.ScanOp, dt core.Dtype) bool {
	if int(op) >= len(scanFunctor) {
		return false
	}
	switch dt {
	case core.Complex64:
		return op == core.ScanSum || op == core.ScanProd
	case core.Float16, core.Bfloat16, core.Float32, core.Float64:
		return true
	}
	return op != core.ScanLogAddExp
}

// scanOutType is the output type of op on dt.
func scanOutType(op core.ScanOp, dt core.Dtype) core.Dtype {
	if dt == core.Bool && op == core.ScanSum {
		return core.Int32
	}
	return dt
}

// scanAccType is the type values are combined in (scan_acc in scan.cuh).
func scanAccType(op core.ScanOp, dt core.Dtype) core.Dtype {
	switch {
	case op == core.ScanLogAddExp:
		return core.Float64
	case dt == core.Bool && op == core.ScanSum:
		return core.Int32
	case dt == core.Bool:
		return core.Uint8
	case dt == core.Float16 || dt == core.Bfloat16:
		return core.Float32
	}
	return dt
}

func scanModule(dt core.Dtype) string { return "scan_" + dtypeTag[dt] }

// The kernels of each op: a warp per line, a block per line, a thread per
// line.
const (
	scanRows32 = iota
	scanRows256
	scanCols
)

var scanVariant = [...]string{"rows32", "rows256", "cols"}

func scanSource(dt core.Dtype) func() string {
	var e entryList
	t := ctype[dt]
	for op := core.ScanOp(0); int(op) < len(scanFunctor); op++ {
		if !scanSupports(op, dt) {
			continue
		}
		o, c, f := ctype[scanOutType(op, dt)], ctype[scanAccType(op, dt)], scanFunctor[op]
		args := "in, out, n, lines, rows, is, os, chunk, nchunks, reverse, inclusive, totals, prefix"
		params := fmt.Sprintf("const %s* in, %s* out, i64 n, i64 lines, Layout<2> rows, i64 is, i64 os, i64 chunk, i64 nchunks, i32 reverse, i32 inclusive, %s* totals, const %s* prefix", t, o, c, c)
		e.add(`extern "C" __global__ void __launch_bounds__(256) scan_rows32_%s(%s) { scan_rows<%s, %s, %s, 32>(%s); }`, scanOpName[op], params, t, o, f, args)
		e.add(`extern "C" __global__ void __launch_bounds__(256) scan_rows256_%s(%s) { scan_rows<%s, %s, %s, 256>(%s); }`, scanOpName[op], params, t, o, f, args)
		e.add(`extern "C" __global__ void __launch_bounds__(256) scan_cols_%s(%s) { scan_cols<%s, %s, %s>(%s); }`, scanOpName[op], params, t, o, f, args)
	}
	return source(e.String(), "scan.cuh")
}

// Scan implements core.ScanKernels.
func (s *Stream) Scan(op core.ScanOp, axis int, reverse, inclusive bool, in, out core.View) error {
	if out.Size() == 0 {
		return nil
	}
	dt := in.Dtype
	if !scanSupports(op, dt) {
		name := "scan"
		if int(op) < len(scanOpName) {
			name = scanOpName[op]
		}
		return fmt.Errorf("%s of %s: not implemented on cuda", name, ctype[dt])
	}
	if out.Dtype != scanOutType(op, dt) {
		return fmt.Errorf("%s of %s into %s: not implemented on cuda", scanOpName[op], ctype[dt], ctype[out.Dtype])
	}
	if axis < 0 || axis >= len(in.Shape) || len(out.Shape) != len(in.Shape) {
		return fmt.Errorf("%s: axis %d of an input of %d dimensions and an output of %d", scanOpName[op], axis, len(in.Shape), len(out.Shape))
	}
	g, err := newLineGeom(scanOpName[op], axis, in, out)
	if err != nil {
		return err
	}
	pin, err := s.operand(in)
	if err != nil {
		return err
	}
	pout, err := s.operand(out)
	if err != nil {
		return err
	}
	return s.scanLines(op, dt, pin, pout, g, reverse, inclusive)
}

// scanLines scans the lines g of elements of type dt at pin into pout.
func (s *Stream) scanLines(op core.ScanOp, dt core.Dtype, pin, pout uintptr, g lineGeom, reverse, inclusive bool) error {
	sms := max(1, s.dev.info.Multiprocessors)
	chunk, nchunks := g.n, 1
	variant := scanCols
	var grid [3]int
	if g.os == 1 || g.n == 1 {
		variant = scanRows256
		if g.n <= 128 {
			variant = scanRows32
		} else if g.lines < 4*sms && g.n > 8192 {
			nchunks = min(ceilDiv(g.n, 4096), ceilDiv(8*sms, g.lines))
			chunk = ceilDiv(ceilDiv(g.n, nchunks), 256) * 256
			nchunks = ceilDiv(g.n, chunk)
		}
		per := 1
		if variant == scanRows32 {
			per = 8
		}
		grid = [3]int{ceilDiv(g.lines*nchunks, per), 1, 1}
	} else {
		if target := 1024 * sms; g.lines < target && g.n >= 64 {
			nchunks = min(g.n/32, ceilDiv(target, g.lines))
			chunk = ceilDiv(g.n, nchunks)
			nchunks = ceilDiv(g.n, chunk)
		}
		grid = s.stridedGrid(g.lines * nchunks)
	}
	name := fmt.Sprintf("scan_%s_%s", scanVariant[variant], scanOpName[op])
	f, err := s.kernel(fnKey{"scan", int(op), dt, 0, variant}, scanModule(dt), scanSource(dt), name)
	if err != nil {
		return err
	}
	launch := func(totals, prefix uintptr) error {
		var p Params
		p.Ptr(pin).Ptr(pout).Int(g.n).Int(g.lines).Ref(unsafe.Pointer(g.rows)).Int(g.is).Int(g.os).
			Int(chunk).Int(nchunks).Int32(b2i(reverse)).Int32(b2i(inclusive)).Ptr(totals).Ptr(prefix)
		return s.Launch(f, grid, block256, 0, &p)
	}
	if nchunks == 1 {
		return launch(0, 0)
	}
	// Each chunk's combined value, their exclusive scan in place, and the
	// chunks' scans from it.
	acc := scanAccType(op, dt)
	buf, err := s.Alloc(g.lines*nchunks*acc.Size(), core.Host)
	if err != nil {
		return err
	}
	defer buf.Release() // stream order keeps later users after the work queued here
	ptot, err := s.Ptr(buf)
	if err != nil {
		return err
	}
	if err := launch(ptot, 0); err != nil {
		return err
	}
	rows, err := makeLayout2("scan", []int{g.lines}, []int{nchunks}, []int{nchunks})
	if err != nil {
		return err
	}
	tg := lineGeom{n: nchunks, lines: g.lines, rows: rows, is: 1, os: 1}
	if err := s.scanLines(op, acc, ptot, ptot, tg, false, false); err != nil {
		return err
	}
	return launch(0, ptot)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

var _ core.ScanKernels = (*Stream)(nil)

func init() {
	for dt := core.Dtype(0); dt < core.NumDtypes; dt++ {
		registerModule(scanModule(dt), scanSource(dt))
	}
}
