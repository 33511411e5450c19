//go:build torch

package pretrain

import (
	"context"
	"fmt"
	"testing"

	"github.com/nerbench/nerbench/luke/train"
)

// BenchmarkUpdate times pretraining updates (forward, backward and AdamW;
// 8 examples in micro-batches of 4, dropout on) on the fixture data on the
// CPU, at a tiny and at a 4-layer size, and reports examples/s and word
// pieces/s.
func BenchmarkUpdate(b *testing.B) {
	data, mask := fixtureData(b)
	for _, sz := range []Sizes{
		{Hidden: 64, Layers: 2, Heads: 4, Intermediate: 128, EntitySize: 32, MaxPositions: 512},
		{Hidden: 256, Layers: 4, Heads: 4, Intermediate: 1024, EntitySize: 64, MaxPositions: 512},
	} {
		b.Run(fmt.Sprintf("hidden=%d,layers=%d", sz.Hidden, sz.Layers), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Data, cfg.Out, cfg.Mask, cfg.Sizes = data, b.TempDir(), mask, sz
			cfg.Epochs, cfg.BatchSize, cfg.MicroBatch, cfg.ValShare = 1000, 8, 4, 0
			r, err := Start(b.Context(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			pieces := 0
			for _, ex := range r.Data.Train {
				pieces += len(ex.WordIDs) + 2
			}
			perEx := float64(pieces) / float64(len(r.Data.Train))
			ctx, cancel := context.WithCancel(b.Context())
			defer cancel()
			examples := 0
			r.Loop.OnStep("stop", func(_ context.Context, _ *train.Loop, s train.StepInfo) error {
				examples += s.Examples
				if s.Step >= b.N {
					cancel()
				}
				return nil
			})
			b.ResetTimer()
			if err := r.Loop.Run(ctx); err != nil && err != context.Canceled {
				b.Fatal(err)
			}
			b.StopTimer()
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(examples)/sec, "examples/s")
			b.ReportMetric(float64(examples)*perEx/sec, "pieces/s")
		})
	}
}
