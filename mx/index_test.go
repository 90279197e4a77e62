package mx

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
)

func init() {
	x := viewSeq(3, 4)
	viewRow("index/int", x, x.take(0, 1).reshape(4),
		func(a *Array, o ...Option) *Array { return idx(a, o, 1) }, testDtypes...)
	viewRow("index/negative-int", x, x.take(0, 2).take(1, 3).reshape(),
		func(a *Array, o ...Option) *Array { return idx(a, o, -1, int8(-1)) }, testDtypes...)
	viewRow("index/slice", x, x.take(0, 1, 2),
		func(a *Array, o ...Option) *Array { return idx(a, o, S(1, 3)) }, testDtypes...)
	viewRow("index/step", x, x.take(1, 0, 2),
		func(a *Array, o ...Option) *Array { return idx(a, o, Colon, Colon.Step(2)) })
	viewRow("index/reverse", x, x.take(0, 2, 1, 0).take(1, 3, 1),
		func(a *Array, o ...Option) *Array { return idx(a, o, Colon.Step(-1), From(-1).Step(-2)) }, testDtypes...)
	viewRow("index/from-to", x, x.take(0, 2).take(1, 0, 1, 2),
		func(a *Array, o ...Option) *Array { return idx(a, o, From(2), To(-1)) })
	viewRow("index/clamped", x, x.take(1, 2, 3),
		func(a *Array, o ...Option) *Array { return idx(a, o, S(-10, 10), S(2, 99)) })
	viewRow("index/empty-slice", x, x.take(0),
		func(a *Array, o ...Option) *Array { return idx(a, o, S(2, 1)) })
	viewRow("index/newaxis", x, x.reshape(3, 1, 4),
		func(a *Array, o ...Option) *Array { return idx(a, o, Colon, NewAxis) })
	viewRow("index/ellipsis", viewSeq(2, 3, 4), viewSeq(2, 3, 4).take(2, 1).reshape(2, 3),
		func(a *Array, o ...Option) *Array { return idx(a, o, Ellipsis, 1) })
	viewRow("index/all-kinds", viewSeq(2, 3, 4), viewSeq(2, 3, 4).take(0, 1).take(1, 2, 0).reshape(1, 2, 4, 1),
		func(a *Array, o ...Option) *Array {
			return idx(a, o, NewAxis, uint(1), S(2, -5).Step(-2), Ellipsis, NewAxis)
		}, testDtypes...)
	viewRow("index/0-d", viewSeq(), viewSeq().reshape(1, 1),
		func(a *Array, o ...Option) *Array { return idx(a, o, NewAxis, Ellipsis, NewAxis) })
	viewRow("index/none", x, x,
		func(a *Array, o ...Option) *Array { return idx(a, o) })
	viewRow("index/empty-array", viewSeq(0, 4), viewSeq(0, 4).take(1, 3, 2),
		func(a *Array, o ...Option) *Array { return idx(a, o, Colon, S(-1, 1).Step(-1)) })
	viewRow("index/of-broadcast", viewSeq(4), viewSeq(4).bcast(3, 4).take(0, 2).take(1, 1, 2).reshape(2),
		func(a *Array, o ...Option) *Array { return idx(BroadcastTo(a, []int{3, 4}, o...), o, 2, S(1, 3)) })
	viewRow("index/of-transposed-slice", x, x.take(0, 2, 0).take(1, 3).perm(1, 0).reshape(2),
		func(a *Array, o ...Option) *Array {
			return idx(Transpose(idx(a, o, Colon.Step(-2)), o...), o, 3)
		}, testDtypes...)
}

// idx is Index with the options of a table row after the entries.
func idx(a *Array, opts []Option, entries ...any) *Array {
	for _, o := range opts {
		entries = append(entries, o)
	}
	return Index(a, entries...)
}

// goldenEntry is one encoded index entry of testdata/index.json (see
// scripts/golden/index.py).
type goldenEntry struct {
	I *int   `json:"i"`
	S []*int `json:"s"`
	M string
}

func (e *goldenEntry) UnmarshalJSON(b []byte) error {
	if b[0] == '"' {
		return json.Unmarshal(b, &e.M)
	}
	type plain goldenEntry
	return json.Unmarshal(b, (*plain)(e))
}

func (e goldenEntry) entry() any {
	switch {
	case e.M == "newaxis":
		return NewAxis
	case e.M == "ellipsis":
		return Ellipsis
	case e.I != nil:
		return *e.I
	}
	sp := Colon
	switch {
	case e.S[0] != nil && e.S[1] != nil:
		sp = S(*e.S[0], *e.S[1])
	case e.S[0] != nil:
		sp = From(*e.S[0])
	case e.S[1] != nil:
		sp = To(*e.S[1])
	}
	if e.S[2] != nil {
		sp = sp.Step(*e.S[2])
	}
	return sp
}

// TestIndexGolden checks Index against NumPy's basic indexing.
func TestIndexGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Shape     []int         `json:"shape"`
		Index     []goldenEntry `json:"index"`
		WantShape []int         `json:"want_shape"`
		Want      []int64       `json:"want"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		n := shapeSize(c.Shape)
		data := make([]int64, n)
		for i := range data {
			data[i] = int64(i)
		}
		a := NewArray(data, c.Shape...)
		entries := make([]any, len(c.Index))
		for i, e := range c.Index {
			entries[i] = e.entry()
		}
		name := fmt.Sprintf("%v%v", c.Shape, entries)
		got := Index(a, entries...)
		if !slices.Equal(got.Shape(), c.WantShape) {
			t.Errorf("%s: shape %v, want %v", name, got.Shape(), c.WantShape)
			continue
		}
		if g := ToSlice[int64](got); !slices.Equal(g, c.Want) {
			t.Errorf("%s: got %v, want %v", name, g, c.Want)
		}
	}
	if len(cases) < 300 {
		t.Errorf("only %d golden cases", len(cases))
	}
}

func TestSpanString(t *testing.T) {
	for _, c := range []struct {
		s    Span
		want string
	}{
		{Colon, ":"}, {S(1, 3), "1:3"}, {From(2), "2:"}, {To(-1), ":-1"},
		{Colon.Step(-1), "::-1"}, {S(1, 8).Step(2), "1:8:2"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestSpanBounds(t *testing.T) {
	// Steps at the edges of int do not overflow.
	for _, step := range []int{math.MinInt, math.MaxInt} {
		_, _, _, n := Colon.Step(step).bounds(5)
		if n != 1 {
			t.Errorf("step %d: %d elements, want 1", step, n)
		}
	}
	_, _, _, n := S(math.MinInt, math.MaxInt).bounds(5)
	if n != 5 {
		t.Errorf("widest span: %d elements, want 5", n)
	}
}

func TestIndexErrors(t *testing.T) {
	x := NewArray(make([]float32, 12), 3, 4)
	for _, f := range []func(){
		func() { Index(x, 3) },
		func() { Index(x, -4) },
		func() { Index(x, 0, 4) },
		func() { Index(x, uint64(math.MaxUint64)) },
		func() { Index(x, 0, 0, 0) },
		func() { Index(x, Ellipsis, 0, Ellipsis) },
		func() { Index(x, Colon.Step(0)) },
		func() { Index(x, NewArray([]float32{0, 1})) },
		func() { Index(x, true) },
		func() { Index(x, nil) },
		func() { Index(x, 1.0) },
		func() { Index(x, []int{0, 1}) },
		func() { Index(x, IndexMarker(9)) },
		func() { Index(x, 0, Axis(0)) },
		func() { Index(nil, 0) },
		func() { Index(Scalar(1), 0) },
	} {
		wantError(t, "index", f)
	}
}

func TestIndexStream(t *testing.T) {
	s := NewStream(CPU)
	x := NewArray([]float32{1, 2, 3, 4})
	if got := ToSlice[float32](Index(x, S(1, 3), s)); !slices.Equal(got, []float32{2, 3}) {
		t.Errorf("got %v", got)
	}
}
