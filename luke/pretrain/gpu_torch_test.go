//go:build torch

package pretrain

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// TestCUDABF16 makes 50 pretraining updates in bf16 on a CUDA device (set
// NERBENCH_DEVICE=cuda; skipped otherwise) at BERT-base width with 4
// layers on the fixture data, and checks that every loss is finite and
// that the last ten updates' mean loss is below the first ten's. It logs
// examples/s.
func TestCUDABF16(t *testing.T) {
	if os.Getenv("NERBENCH_DEVICE") != "cuda" {
		t.Skip("set NERBENCH_DEVICE=cuda to run on the GPU")
	}
	data, mask := fixtureData(t)
	cfg := tinyRun(t, data, t.TempDir(), mask, 1000)
	cfg.Sizes = Sizes{Hidden: 768, Layers: 4, Heads: 12, Intermediate: 3072, EntitySize: 256, MaxPositions: 512}
	cfg.Device, cfg.Precision, cfg.LR, cfg.Warmup = "cuda", luke.BF16, 5e-4, 0
	cfg.Dropout = luke.Dropout{Hidden: 0.1, Attention: 0.1}
	r, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var losses []float64
	examples := 0
	start := time.Now()
	r.Loop.OnStep("collect", func(_ context.Context, _ *train.Loop, s train.StepInfo) error {
		losses = append(losses, s.Loss)
		examples += s.Examples
		if len(losses) == 50 {
			cancel()
		}
		return nil
	})
	if err := r.Loop.Run(ctx); err != context.Canceled {
		t.Fatalf("got %v, want to stop after 50 updates", err)
	}
	sec := time.Since(start).Seconds()
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("loss %v", x)
			}
			s += x
		}
		return s / float64(len(v))
	}
	first, last := mean(losses[:10]), mean(losses[40:])
	t.Logf("50 bf16 updates: mean loss %.4f → %.4f, %.1f examples/s", first, last, float64(examples)/sec)
	if !(last < first) {
		t.Errorf("mean loss of the last ten updates %.4f, first ten %.4f: want a decrease", last, first)
	}
}
