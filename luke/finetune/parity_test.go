//go:build torch

package finetune

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// parityFixture is testdata/parity.json, written by
// testdata/reference_train.py (PyTorch 1.13, an independent implementation
// of spec §2.8).
type parityFixture struct {
	BatchSize int `json:"batch_size"`
	Steps     int `json:"steps"`
	Sentences []struct {
		Words  []string  `json:"words"`
		Tags   []string  `json:"tags"`
		Pieces [][]int64 `json:"pieces"`
	} `json:"sentences"`
	Examples []struct {
		IDs      []int64  `json:"ids"`
		Spans    [][2]int `json:"spans"`
		Subspans [][2]int `json:"subspans"`
		Labels   []int    `json:"labels"`
	} `json:"examples"`
	BatchesPerEpoch [][]int     `json:"batches_per_epoch"`
	HeldoutPieces   [][][]int64 `json:"heldout_pieces"`
	Runs            map[string]struct {
		LossWeight  bool      `json:"loss_weight"`
		Accum       int       `json:"accum"`
		LR          float64   `json:"lr"`
		Warmup      float64   `json:"warmup"`
		WeightDecay float64   `json:"weight_decay"`
		Losses      []float64 `json:"losses"`
		Heldout     []struct {
			Spans  [][2]int    `json:"spans"`
			Logits [][]float64 `json:"logits"`
		} `json:"heldout"`
	} `json:"runs"`
}

func readParity(t *testing.T) *parityFixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "parity.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f parityFixture
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

func readStart(t *testing.T) *luke.Checkpoint {
	t.Helper()
	ck, err := luke.ReadArchive(filepath.Join("..", "testdata", "daluke-ner.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// The fixture vocabulary's [CLS] and [SEP] (luke/testdata/vocab.txt).
var fixtureSpecial = luke.SpecialIDs{CLS: 2, SEP: 3}

// TestItemsMatchReference checks the training examples against the
// reference's: the same word pieces, spans, entity positions and labels.
func TestItemsMatchReference(t *testing.T) {
	f := readParity(t)
	ck := readStart(t)
	var sents []Sentence
	for i, s := range f.Sentences {
		sents = append(sents, Sentence{ID: string(rune('a' + i)), Pieces: s.Pieces, Tags: s.Tags})
	}
	items, err := Items(sents, ck.Metadata, fixtureSpecial, luke.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(f.Examples) {
		t.Fatalf("got %d examples, want %d", len(items), len(f.Examples))
	}
	for i, it := range items {
		want := f.Examples[i]
		var spans, sub [][2]int
		for k, sp := range it.Spans {
			spans = append(spans, [2]int{sp.Start, sp.End})
			sub = append(sub, [2]int{it.Entities[k].Start, it.Entities[k].End})
		}
		if diff := cmp.Diff(want.IDs, it.WordIDs); diff != "" {
			t.Errorf("example %d word pieces (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(want.Spans, spans); diff != "" {
			t.Errorf("example %d spans (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(want.Subspans, sub); diff != "" {
			t.Errorf("example %d entity positions (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(want.Labels, it.Labels); diff != "" {
			t.Errorf("example %d labels (-want +got):\n%s", i, diff)
		}
	}
}

// TestParityWithPyTorch trains the fixture model for 20 updates on the
// reference's batches and compares the loss of every update (tolerance
// 1e-5 relative) and the span logits of held-out sentences afterwards
// (1e-4 absolute) with PyTorch's.
func TestParityWithPyTorch(t *testing.T) {
	f := readParity(t)
	for name, run := range f.Runs {
		t.Run(name, func(t *testing.T) {
			ck := readStart(t)
			items := make([]Item, len(f.Examples))
			for i, x := range f.Examples {
				it := Item{Example: luke.Example{WordIDs: x.IDs}, Labels: x.Labels}
				for k, sp := range x.Spans {
					it.Spans = append(it.Spans, luke.Span{Start: sp[0], End: sp[1]})
					it.Entities = append(it.Entities, luke.Entity{ID: luke.NERMaskEntity, Start: x.Subspans[k][0], End: x.Subspans[k][1]})
				}
				items[i] = it
			}
			cfg := DefaultConfig().Deterministic()
			cfg.LR, cfg.Warmup, cfg.WeightDecay, cfg.LossWeight, cfg.Accum = run.LR, run.Warmup, run.WeightDecay, run.LossWeight, run.Accum
			tr, err := NewTrainer(ck, "cpu", cfg, items, fixtureSpecial)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tr.Close() })
			var micro [][]int
			for len(micro) < f.Steps*run.Accum {
				micro = append(micro, f.BatchesPerEpoch...)
			}
			sched := train.LinearWarmupDecay(cfg.Warmup)
			worst := 0.0
			for s := range f.Steps {
				loss := 0.0
				for p := range run.Accum {
					l, err := tr.Forward(t.Context(), train.Micro{Batch: micro[s*run.Accum+p], Step: s, Part: p, Parts: run.Accum})
					if err != nil {
						t.Fatal(err)
					}
					loss += l
				}
				loss /= float64(run.Accum)
				if err := tr.Update(t.Context(), train.Update{Step: s + 1, LR: cfg.LR * sched(s, f.Steps)}); err != nil {
					t.Fatal(err)
				}
				want := run.Losses[s]
				rel := math.Abs(loss-want) / math.Abs(want)
				worst = max(worst, rel)
				if rel > 1e-5 {
					t.Errorf("update %d: loss %.9g, PyTorch %.9g (relative difference %.2g > 1e-5)", s+1, loss, want, rel)
				}
			}
			t.Logf("largest relative loss difference over %d updates: %.3g", f.Steps, worst)
			var res []luke.NERResult
			train.NoGrad(func() {
				res, err = tr.Model().NER(t.Context(), f.HeldoutPieces, fixtureSpecial, luke.NEROptions{})
			})
			if err != nil {
				t.Fatal(err)
			}
			maxAbs := 0.0
			for i, r := range res {
				want := run.Heldout[i]
				if len(r.Spans) != len(want.Spans) {
					t.Fatalf("held-out sentence %d: %d spans, want %d", i, len(r.Spans), len(want.Spans))
				}
				for k, lg := range r.Logits {
					if r.Spans[k].Start != want.Spans[k][0] || r.Spans[k].End != want.Spans[k][1] {
						t.Fatalf("held-out sentence %d span %d: got %v, want %v", i, k, r.Spans[k], want.Spans[k])
					}
					for c, v := range lg {
						maxAbs = max(maxAbs, math.Abs(float64(v)-want.Logits[k][c]))
					}
				}
			}
			t.Logf("largest held-out logit difference after %d updates: %.3g", f.Steps, maxAbs)
			if maxAbs > 1e-4 {
				t.Errorf("held-out logits differ from PyTorch's by up to %.3g, want ≤ 1e-4", maxAbs)
			}
		})
	}
}
