package cuda

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
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
}
