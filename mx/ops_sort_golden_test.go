package mx

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sortScanCase is one case of testdata/sort_scan.json (written by
// scripts/golden/sort_scan.py).
type sortScanCase struct {
	Name      string         `json:"name"`
	Op        string         `json:"op"`
	Dtype     string         `json:"dtype"`
	Shape     []int          `json:"shape"`
	In        []string       `json:"in"`
	Args      map[string]any `json:"args"`
	WantDtype string         `json:"want_dtype"`
	WantShape []int          `json:"want_shape"`
	Want      []string       `json:"want"`
}

// dtypeNamed returns the Dtype that NumPy calls name.
func dtypeNamed(t *testing.T, name string) Dtype {
	for d := Bool; d < numDtypes; d++ {
		if d.String() == name {
			return d
		}
	}
	t.Fatalf("unknown dtype %q", name)
	return Bool
}

func parseGoldenFloat(t *testing.T, s string) float64 {
	switch s {
	case "nan":
		return math.NaN()
	case "inf":
		return math.Inf(1)
	case "-inf":
		return math.Inf(-1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// goldenValues makes an array of dtype and shape from encoded values.
func goldenValues(t *testing.T, dtype string, shape []int, vals []string) *Array {
	dt := dtypeNamed(t, dtype)
	var a *Array
	switch {
	case dt == Bool:
		v := make([]bool, len(vals))
		for i, s := range vals {
			v[i] = s == "1"
		}
		a = NewArray(v)
	case dt == Complex64:
		v := make([]complex64, len(vals))
		for i, s := range vals {
			re, im, _ := strings.Cut(s, ",")
			v[i] = complex(float32(parseGoldenFloat(t, re)), float32(parseGoldenFloat(t, im)))
		}
		a = NewArray(v)
	case dt == Uint64:
		v := make([]uint64, len(vals))
		for i, s := range vals {
			u, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			v[i] = u
		}
		a = NewArray(v)
	case dt.IsInexact():
		v := make([]float64, len(vals))
		for i, s := range vals {
			v[i] = parseGoldenFloat(t, s)
		}
		a = AsType(NewArray(v), dt)
	default:
		v := make([]int64, len(vals))
		for i, s := range vals {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			v[i] = n
		}
		a = AsType(NewArray(v), dt)
	}
	return Reshape(a, append([]int{}, shape...))
}

func (c sortScanCase) opts() []Option {
	var o []Option
	if ax, ok := c.Args["axis"]; ok {
		o = append(o, Axis(int(ax.(float64))))
	}
	if r, _ := c.Args["reverse"].(bool); r {
		o = append(o, Reverse)
	}
	if e, _ := c.Args["exclusive"].(bool); e {
		o = append(o, Exclusive)
	}
	if s, _ := c.Args["side"].(string); s == "right" {
		o = append(o, SideRight)
	}
	return o
}

// TestSortScanGolden compares with NumPy's and PyTorch's results in
// testdata/sort_scan.json.
func TestSortScanGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/sort_scan.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []sortScanCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			x := goldenValues(t, c.Dtype, c.Shape, c.In)
			want := goldenValues(t, c.WantDtype, c.WantShape, c.Want)
			opts := c.opts()
			kth := 0
			if k, ok := c.Args["kth"]; ok {
				kth = int(k.(float64))
			}
			var got *Array
			tol := 0.0
			switch c.Op {
			case "sort":
				got = Sort(x, opts...)
			case "argsort":
				got = Argsort(x, opts...)
			case "partition", "argpartition":
				checkPartition(t, x, kth, c.Op == "argpartition", want)
				return
			case "topk":
				got = Sort(Topk(x, int(c.Args["k"].(float64)), opts...), opts...)
				want = Sort(want, opts...)
			case "searchsorted":
				sv := toStrings(c.Args["seq"])
				seq := goldenValues(t, c.Args["seq_dtype"].(string), []int{len(sv)}, sv)
				got = Searchsorted(seq, x, opts...)
			case "cumsum":
				got = Cumsum(x, opts...)
			case "cumprod":
				got = Cumprod(x, opts...)
			case "cummax":
				got = Cummax(x, opts...)
			case "cummin":
				got = Cummin(x, opts...)
			case "logcumsumexp":
				got, tol = Logcumsumexp(x, opts...), 1e-6
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
			if c.Op == "cumsum" || c.Op == "cumprod" {
				if x.Dtype().IsInexact() {
					tol = 1e-6
				}
			}
			if msg := compareArrays(got, want, tol); msg != "" {
				t.Fatal(msg)
			}
		})
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// checkPartition checks Partition (or Argpartition) of x (2-D, along the
// last axis) around kth: the kth element is NumPy's, none before it is
// larger and none after it smaller, in the order of Sort.
func checkPartition(t *testing.T, x *Array, kth int, indices bool, want *Array) {
	t.Helper()
	rows, n := x.Shape()[0], x.Shape()[1]
	xv := ToSlice[float64](x)
	var vals []float64
	if indices {
		idx := ToSlice[uint32](Argpartition(x, kth))
		vals = make([]float64, len(idx))
		for r := 0; r < rows; r++ {
			seen := make([]bool, n)
			for j := 0; j < n; j++ {
				p := int(idx[r*n+j])
				if p >= n || seen[p] {
					t.Fatalf("row %d: positions %v are not a permutation", r, idx[r*n:(r+1)*n])
				}
				seen[p] = true
				vals[r*n+j] = xv[r*n+p]
			}
		}
		wi := ToSlice[uint32](want)
		wv := make([]float64, len(wi))
		for i, p := range wi {
			wv[i] = xv[i/n*n+int(p)]
		}
		want = NewArray(wv)
	} else {
		vals = ToSlice[float64](Partition(x, kth))
	}
	wv := ToSlice[float64](want)
	k := kth
	if k < 0 {
		k += n
	}
	less := func(a, b float64) bool { return a < b || !math.IsNaN(a) && math.IsNaN(b) }
	for r := 0; r < rows; r++ {
		row := vals[r*n : (r+1)*n]
		p := row[k]
		if !(p == wv[r*n+k] || math.IsNaN(p) && math.IsNaN(wv[r*n+k])) {
			t.Fatalf("row %d: element %d is %v, want %v (row %v)", r, k, p, wv[r*n+k], row)
		}
		for j, v := range row {
			if j < k && less(p, v) || j > k && less(v, p) {
				t.Fatalf("row %d: %v is not partitioned around position %d", r, row, k)
			}
		}
		got := slices.Clone(row)
		wantRow := slices.Clone(xv[r*n : (r+1)*n])
		slices.SortFunc(got, func(a, b float64) int { return cmpNaNLast(a, b) })
		slices.SortFunc(wantRow, func(a, b float64) int { return cmpNaNLast(a, b) })
		for j := range got {
			if !(got[j] == wantRow[j] || math.IsNaN(got[j]) && math.IsNaN(wantRow[j])) {
				t.Fatalf("row %d: %v is not a permutation of the input", r, row)
			}
		}
	}
}

func cmpNaNLast(a, b float64) int {
	switch an, bn := math.IsNaN(a), math.IsNaN(b); {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
