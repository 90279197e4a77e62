package cuda

import (
	"testing"
	"unsafe"
)

// The untyped layout of the fused kernels has the bytes of the typed one.
func TestLayoutWordsMatchLayout2(t *testing.T) {
	shape, a, b := []int{2, 3, 4}, []int{12, 4, 1}, []int{0, 1, 3}
	l, err := makeLayout2("test", shape, a, b)
	if err != nil {
		t.Fatal(err)
	}
	w, err := layoutWords("test", shape, [][]int{a, b})
	if err != nil {
		t.Fatal(err)
	}
	typed := unsafe.Slice((*byte)(unsafe.Pointer(l)), unsafe.Sizeof(*l))
	words := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 8*len(w))
	if string(typed) != string(words) {
		t.Fatalf("layout bytes differ:\n%v\n%v", typed, words)
	}
	ones := []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	if _, err := layoutWords("test", ones, [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}); err != nil {
		t.Fatalf("size-one dimensions merge away, got %v", err)
	}
}
