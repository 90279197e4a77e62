package cuda

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlxgo/mlxgo/internal/core"
)

var sourcesDir = flag.String("sources", "", "write every module's CUDA source into this folder")

// TestWriteModuleSources writes the generated module sources for offline
// checks (scripts/cuda/check.sh); without -sources it only builds them.
func TestWriteModuleSources(t *testing.T) {
	for name, src := range AllModules() {
		s := src()
		if *sourcesDir == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(*sourcesDir, name+".cu"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range sampleFusedPrograms() {
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		s := fusedSource(p)
		if *sourcesDir == "" {
			continue
		}
		name := filepath.Join(*sourcesDir, fmt.Sprintf("fused_sample%d.cu", i))
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sampleFusedPrograms are programs that use every kind of instruction, for
// the offline check of generated fused kernels.
func sampleFusedPrograms() []*core.FusedProgram {
	f32 := core.Float32
	gelu := &core.FusedProgram{NumInputs: 1, InputDtypes: []core.Dtype{f32}, Outputs: []int{8}, Instrs: []core.FusedInstr{
		{Op: core.FusedInput, Dtype: f32, Input: 0},
		{Op: core.FusedConst, Dtype: f32, Const: core.FusedScalar{F: 0.5}},
		{Op: core.FusedBinary, Dtype: f32, Binary: core.Multiply, Args: [3]int{0, 1}},
		{Op: core.FusedConst, Dtype: f32, Const: core.FusedScalar{F: 1.4142135623730951}},
		{Op: core.FusedBinary, Dtype: f32, Binary: core.Divide, Args: [3]int{0, 3}},
		{Op: core.FusedUnary, Dtype: f32, Unary: core.Erf, Args: [3]int{4}},
		{Op: core.FusedConst, Dtype: f32, Const: core.FusedScalar{F: 1}},
		{Op: core.FusedBinary, Dtype: f32, Binary: core.Add, Args: [3]int{5, 6}},
		{Op: core.FusedBinary, Dtype: f32, Binary: core.Multiply, Args: [3]int{2, 7}},
	}}
	mixed := &core.FusedProgram{NumInputs: 3, InputDtypes: []core.Dtype{core.Bfloat16, core.Int32, core.Complex64}, Outputs: []int{5, 7, 9}, Instrs: []core.FusedInstr{
		{Op: core.FusedInput, Dtype: core.Bfloat16, Input: 0},
		{Op: core.FusedInput, Dtype: core.Int32, Input: 1},
		{Op: core.FusedCast, Dtype: core.Bfloat16, Args: [3]int{1}},
		{Op: core.FusedBinary, Dtype: core.Bool, Binary: core.Less, Args: [3]int{0, 2}},
		{Op: core.FusedUnary, Dtype: core.Bfloat16, Unary: core.Round, Params: core.UnaryParams{Decimals: 2}, Args: [3]int{0}},
		{Op: core.FusedWhere, Dtype: core.Bfloat16, Args: [3]int{3, 4, 2}},
		{Op: core.FusedConst, Dtype: core.Uint64, Const: core.FusedScalar{I: -1}},
		{Op: core.FusedUnary, Dtype: core.Bool, Unary: core.IsNaN, Args: [3]int{0}},
		{Op: core.FusedInput, Dtype: core.Complex64, Input: 2},
		{Op: core.FusedUnary, Dtype: core.Complex64, Unary: core.Exp, Args: [3]int{8}},
	}}
	return []*core.FusedProgram{gelu, mixed}
}
