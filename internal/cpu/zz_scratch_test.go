package cpu

import (
	"fmt"
	"testing"
)

func BenchmarkKernelKC(b *testing.B) {
	cfg := &sgemmAVX512Config
	for _, kc := range []int{64, 128, 192, 256, 384} {
		b.Run(fmt.Sprint(kc), func(b *testing.B) {
			ap := make([]float32, cfg.mr*kc)
			bp := make([]float32, cfg.nr*kc)
			c := make([]float32, cfg.mr*cfg.nr)
			for b.Loop() {
				cfg.kernel(kc, ap, bp, c, cfg.nr, 1, 0)
			}
			b.ReportMetric(2*float64(cfg.mr*cfg.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
