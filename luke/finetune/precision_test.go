//go:build torch

package finetune

import (
	"math"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// TestPrecisionCPU is the CPU twin of the CUDA precision modes: bf16
// follows fp32 closely over a few updates (its products round to 8
// significant bits), and fp16 is refused on the CPU.
func TestPrecisionCPU(t *testing.T) {
	f := readParity(t)
	items, err := Items(paritySentences(t), readStart(t).Metadata, fixtureSpecial, luke.Labels)
	if err != nil {
		t.Fatal(err)
	}
	losses := map[luke.Precision][]float64{}
	for _, p := range []luke.Precision{luke.FP32, luke.BF16} {
		cfg := DefaultConfig().Deterministic()
		cfg.LR, cfg.Precision = 1e-3, p
		tr, err := NewTrainer(readStart(t), "cpu", cfg, items, fixtureSpecial)
		if err != nil {
			t.Fatal(err)
		}
		for s := range 5 {
			l, err := tr.Forward(t.Context(), train.Micro{Batch: f.BatchesPerEpoch[s], Step: s, Parts: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Update(t.Context(), train.Update{Step: s + 1, LR: cfg.LR}); err != nil {
				t.Fatal(err)
			}
			losses[p] = append(losses[p], l)
		}
		tr.Close()
	}
	for s, want := range losses[luke.FP32] {
		got := losses[luke.BF16][s]
		if rel := math.Abs(got-want) / want; rel > 0.05 || got == want {
			t.Errorf("update %d: bf16 loss %v, fp32 %v: want within 5 %% and not equal", s+1, got, want)
		}
	}
	cfg := DefaultConfig()
	cfg.Precision = luke.FP16
	if _, err := NewTrainer(readStart(t), "cpu", cfg, items, fixtureSpecial); err == nil || !strings.Contains(err.Error(), "cuda") {
		t.Errorf("fp16 on the CPU: got %v, want an error naming cuda", err)
	}
}
