package gguf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/mlxgo/mlxgo/internal/core"
)

// Desc names, types and shapes one tensor to write unquantized.
type Desc struct {
	Name  string
	Dtype core.Dtype
	Shape []int
}

// HeaderBytes returns a version 3 GGUF header holding the metadata and
// the descriptions of the tensors, their data to follow in order, each
// starting at a multiple of the alignment (DefaultAlignment unless the
// metadata sets general.alignment). The header is padded to the
// alignment. It returns each tensor's offset in the data section.
func HeaderBytes(kvs []KV, ts []Desc) ([]byte, []int64, error) {
	var b bytes.Buffer
	b.WriteString(Magic)
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	w(uint32(3))
	w(uint64(len(ts)))
	w(uint64(len(kvs)))
	align := int64(DefaultAlignment)
	seen := map[string]bool{}
	for _, kv := range kvs {
		if seen[kv.Key] {
			return nil, nil, fmt.Errorf("metadata key %q appears twice", kv.Key)
		}
		seen[kv.Key] = true
		if !utf8.ValidString(kv.Key) {
			return nil, nil, fmt.Errorf("metadata key %q is not valid UTF-8", kv.Key)
		}
		if kv.Key == "general.alignment" {
			a, ok := kv.Value.(uint32)
			if !ok || a == 0 || a&(a-1) != 0 {
				return nil, nil, fmt.Errorf("general.alignment must be a uint32 power of two, not %T %v", kv.Value, kv.Value)
			}
			align = int64(a)
		}
		writeString(&b, kv.Key)
		typ, err := valueType(kv.Value, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("metadata %q: %w", kv.Key, err)
		}
		w(typ)
		writeValue(&b, kv.Value)
	}
	offs := make([]int64, len(ts))
	var off int64
	for i, t := range ts {
		if !utf8.ValidString(t.Name) {
			return nil, nil, fmt.Errorf("tensor name %q is not valid UTF-8", t.Name)
		}
		if len(t.Shape) > MaxDims {
			return nil, nil, fmt.Errorf("tensor %q has %d dimensions, more than GGUF's %d", t.Name, len(t.Shape), MaxDims)
		}
		typ, ok := TypeFor(t.Dtype)
		if !ok {
			return nil, nil, fmt.Errorf("tensor %q: GGUF cannot hold type %d", t.Name, t.Dtype)
		}
		writeString(&b, t.Name)
		w(uint32(len(t.Shape)))
		n := int64(t.Dtype.Size())
		for j := len(t.Shape) - 1; j >= 0; j-- {
			w(uint64(t.Shape[j]))
			n *= int64(t.Shape[j])
		}
		w(typ)
		w(uint64(off))
		offs[i] = off
		off = (off + n + align - 1) / align * align
	}
	for int64(b.Len())%align != 0 {
		b.WriteByte(0)
	}
	return b.Bytes(), offs, nil
}

func writeString(b *bytes.Buffer, s string) {
	binary.Write(b, binary.LittleEndian, uint64(len(s)))
	b.WriteString(s)
}

// valueType returns the GGUF type of a metadata value, checking it.
func valueType(v any, depth int) (uint32, error) {
	switch v := v.(type) {
	case uint8:
		return TypeUint8, nil
	case int8:
		return TypeInt8, nil
	case uint16:
		return TypeUint16, nil
	case int16:
		return TypeInt16, nil
	case uint32:
		return TypeUint32, nil
	case int32:
		return TypeInt32, nil
	case float32:
		return TypeFloat32, nil
	case bool:
		return TypeBool, nil
	case string:
		if !utf8.ValidString(v) {
			return 0, fmt.Errorf("string %q is not valid UTF-8", v)
		}
		return TypeString, nil
	case uint64:
		return TypeUint64, nil
	case int64:
		return TypeInt64, nil
	case float64:
		return TypeFloat64, nil
	case []uint8, []int8, []uint16, []int16, []uint32, []int32, []float32, []bool, []uint64, []int64, []float64:
		return TypeArray, nil
	case []string:
		for _, s := range v {
			if !utf8.ValidString(s) {
				return 0, fmt.Errorf("string %q is not valid UTF-8", s)
			}
		}
		return TypeArray, nil
	case []any:
		if depth+1 >= maxDepth {
			return 0, fmt.Errorf("arrays nested more than %d deep", maxDepth)
		}
		for _, e := range v {
			t, err := valueType(e, depth+1)
			if err != nil {
				return 0, err
			}
			if t != TypeArray {
				return 0, fmt.Errorf("a []any must hold arrays (slices), not %T", e)
			}
		}
		return TypeArray, nil
	}
	return 0, fmt.Errorf("GGUF cannot hold a value of Go type %T (use a sized number type, bool, string or a slice of one)", v)
}

// elemType is the GGUF type of the elements of an array value.
func elemType(v any) uint32 {
	switch v.(type) {
	case []uint8:
		return TypeUint8
	case []int8:
		return TypeInt8
	case []uint16:
		return TypeUint16
	case []int16:
		return TypeInt16
	case []uint32:
		return TypeUint32
	case []int32:
		return TypeInt32
	case []float32:
		return TypeFloat32
	case []bool:
		return TypeBool
	case []string:
		return TypeString
	case []uint64:
		return TypeUint64
	case []int64:
		return TypeInt64
	case []float64:
		return TypeFloat64
	}
	return TypeArray
}

// writeValue writes a value checked by valueType (without its type).
func writeValue(b *bytes.Buffer, v any) {
	w := func(v any) { binary.Write(b, binary.LittleEndian, v) }
	switch v := v.(type) {
	case string:
		writeString(b, v)
	case bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64:
		w(v)
	case float32:
		w(math.Float32bits(v))
	case float64:
		w(math.Float64bits(v))
	case []string:
		w(TypeString)
		w(uint64(len(v)))
		for _, s := range v {
			writeString(b, s)
		}
	case []any:
		w(TypeArray)
		w(uint64(len(v)))
		for _, e := range v {
			writeValue(b, e)
		}
	default: // a slice of numbers or bools
		w(elemType(v))
		w(uint64(sliceLen(v)))
		w(v)
	}
}

func sliceLen(v any) int {
	switch v := v.(type) {
	case []uint8:
		return len(v)
	case []int8:
		return len(v)
	case []uint16:
		return len(v)
	case []int16:
		return len(v)
	case []uint32:
		return len(v)
	case []int32:
		return len(v)
	case []float32:
		return len(v)
	case []bool:
		return len(v)
	case []uint64:
		return len(v)
	case []int64:
		return len(v)
	case []float64:
		return len(v)
	}
	return 0
}
