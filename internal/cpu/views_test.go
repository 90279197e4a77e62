package cpu

import "testing"

func TestOverlaps(t *testing.T) {
	cases := []struct {
		shape, strides []int
		want           bool
	}{
		{[]int{3, 4}, []int{4, 1}, false},
		{[]int{3, 4}, []int{1, 3}, false},
		{[]int{3, 4}, []int{-4, 1}, false},
		{[]int{4, 3}, []int{1, 1}, true},  // sliding windows
		{[]int{2, 3}, []int{0, 1}, true},  // a broadcast axis
		{[]int{1, 3}, []int{0, 1}, false}, // one element along it
		{[]int{3, 3}, []int{3, 4}, true},  // no position is shared, but the test cannot tell
		{[]int{3}, []int{5}, false},
		{nil, nil, false},
	}
	for _, c := range cases {
		if got := overlaps(c.shape, c.strides); got != c.want {
			t.Errorf("overlaps(%v, %v) = %v, want %v", c.shape, c.strides, got, c.want)
		}
	}
}
