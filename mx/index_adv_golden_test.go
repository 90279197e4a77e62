package mx

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
)

// advEntry is one encoded index entry of testdata/indexing_adv.json (see
// scripts/golden/indexing_adv.py): a basic entry, or an integer ("a") or
// boolean ("b") array as [shape, values].
type advEntry struct {
	goldenEntry
	A [][]int
	B [][]int
}

func (e *advEntry) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &e.goldenEntry); err != nil {
		return err
	}
	if b[0] != '{' {
		return nil
	}
	var m struct{ A, B [][]int }
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	e.A, e.B = m.A, m.B
	return nil
}

func (e advEntry) entry() any {
	switch {
	case e.A != nil:
		v := make([]int64, len(e.A[1]))
		for i, x := range e.A[1] {
			v[i] = int64(x)
		}
		return NewArray(v, e.A[0]...)
	case e.B != nil:
		v := make([]bool, len(e.B[1]))
		for i, x := range e.B[1] {
			v[i] = x != 0
		}
		return NewArray(v, e.B[0]...)
	}
	return e.goldenEntry.entry()
}

// TestIndexAdvancedGolden checks Index, At and Nonzero against NumPy's
// advanced indexing, assignment, add.at and nonzero.
func TestIndexAdvancedGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/indexing_adv.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Kind      string          `json:"kind"`
		Shape     []int           `json:"shape"`
		Index     []advEntry      `json:"index"`
		WantShape []int           `json:"want_shape"`
		Want      json.RawMessage `json:"want"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d-%s", i, c.Kind), func(t *testing.T) {
			a := Reshape(Arange(shapeSize(c.Shape), Int64), c.Shape)
			entries := make([]any, len(c.Index))
			for j, e := range c.Index {
				entries[j] = e.entry()
			}
			if c.Kind == "nonzero" {
				var want [][]int64
				if err := json.Unmarshal(c.Want, &want); err != nil {
					t.Fatal(err)
				}
				got := Nonzero(Equal(Remainder(a, 3), 0))
				if len(got) != len(want) {
					t.Fatalf("%d arrays, want %d", len(got), len(want))
				}
				for k := range got {
					if g := ToSlice[int64](got[k]); !slices.Equal(g, want[k]) {
						t.Errorf("axis %d: got %v, want %v", k, g, want[k])
					}
				}
				return
			}
			var want []int64
			if err := json.Unmarshal(c.Want, &want); err != nil {
				t.Fatal(err)
			}
			var got *Array
			switch c.Kind {
			case "get":
				got = Index(a, entries...)
			case "set", "add":
				shape := Index(a, entries...).Shape()
				v := Add(Reshape(Arange(shapeSize(shape), Int64), shape), 100)
				if c.Kind == "set" {
					got = At(a, entries...).Set(v)
				} else {
					got = At(a, entries...).Add(v)
				}
			}
			if !slices.Equal(got.Shape(), c.WantShape) {
				t.Fatalf("shape %v, want %v", got.Shape(), c.WantShape)
			}
			if g := ToSlice[int64](got); !slices.Equal(g, want) {
				t.Errorf("got %v\nwant %v", g, want)
			}
		})
	}
}
