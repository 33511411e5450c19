package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/luke/finetune"
)

func TestTrainDalukeFlags(t *testing.T) {
	newCmd := func(runF func(context.Context, *trainDalukeOptions) error) *cobra.Command {
		return newTrainDalukeCmd(&streams{}, runF)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o *trainDalukeOptions)
	}{
		{"defaults", []string{"--out", "o", "--vocab", "v", "--from", "a.tar.gz"}, "", func(t *testing.T, o *trainDalukeOptions) {
			cfg, err := trainDalukeConfig(o)
			if err != nil {
				t.Fatal(err)
			}
			// The released recipe (daluke-spec §2.8).
			if cfg.Epochs != 15 || cfg.BatchSize != 8 || cfg.LR != 5e-5 || cfg.Warmup != 0.06 || cfg.WeightDecay != 0.01 ||
				cfg.Dropout.Features != 0.025 || cfg.Dropout.Hidden != 0.1 || !cfg.Shuffle || cfg.Seed != 1 || o.dataset != "dane" {
				t.Errorf("got %+v on dataset %q", cfg, o.dataset)
			}
		}},
		{"deterministic", []string{"--out", "o", "--vocab", "v", "--random", "--layers", "2", "--hidden", "64", "--heads", "4",
			"--entity-size", "32", "--deterministic", "--precision", "bf16"}, "", func(t *testing.T, o *trainDalukeOptions) {
			cfg, err := trainDalukeConfig(o)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Shuffle || cfg.Dropout.Features != 0 || cfg.Dropout.Attention != 0 || cfg.Precision.String() != "bf16" {
				t.Errorf("got %+v", cfg)
			}
		}},
		{"no out", []string{"--vocab", "v", "--from", "a"}, "--out is required", nil},
		{"no vocab", []string{"--out", "o", "--from", "a"}, "--vocab is required", nil},
		{"two starts", []string{"--out", "o", "--vocab", "v", "--from", "a", "--random"}, "exactly one start model", nil},
		{"no start", []string{"--out", "o", "--vocab", "v"}, "exactly one start model", nil},
		{"random sizes", []string{"--out", "o", "--vocab", "v", "--random", "--layers", "2"}, "--random needs positive", nil},
		{"device", []string{"--out", "o", "--vocab", "v", "--from", "a", "--device", "tpu"}, "want cpu or cuda", nil},
		{"precision", []string{"--out", "o", "--vocab", "v", "--from", "a", "--precision", "int8"}, "want fp32, bf16 or fp16", nil},
		{"features", []string{"--out", "o", "--vocab", "v", "--from", "a", "--features", "both"}, "want all, words-only", nil},
		{"dataset and file", []string{"--out", "o", "--vocab", "v", "--from", "a", "--dataset", "dane", "--train-file", "x"}, "not both", nil},
		{"dataset", []string{"--out", "o", "--vocab", "v", "--from", "a", "--dataset", "dane2"}, "unknown dataset", nil},
		{"max entities", []string{"--out", "o", "--vocab", "v", "--from", "a", "--max-entities", "-1"}, "want 0 (the model's) or a positive count", nil},
		{"max entity span", []string{"--out", "o", "--vocab", "v", "--from", "a", "--max-entity-span", "-3"}, "want 0 (the model's) or a positive count", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseArgs(t, newCmd, tc.args...)
			if wantError(t, err, tc.wantErr) {
				return
			}
			tc.check(t, o)
		})
	}
}

// TestTrainDalukeSpanLimits checks that --max-entities and
// --max-entity-span reach the start model's metadata, which inference
// reads from the written archives, and that 0 keeps the model's.
func TestTrainDalukeSpanLimits(t *testing.T) {
	tok, err := daluke.NewTokenizer(map[string]int{"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4, "hus": 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name                         string
		maxEntities, maxEntitySpan   int
		wantEntities, wantEntitySpan int
	}{
		{"the model's", 0, 0, 128, 30},
		{"both", 64, 8, 64, 8},
		{"span only", 0, 12, 128, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := &trainDalukeOptions{random: true, sizes: finetune.Sizes{Layers: 1, Hidden: 8, Heads: 2, EntitySize: 4, MaxPositions: 64},
				features: "all", maxEntities: tc.maxEntities, maxEntitySpan: tc.maxEntitySpan}
			ck, _, err := dalukeStart(opts, finetune.DefaultConfig(), tok)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{ck.Metadata.MaxEntities, ck.Metadata.MaxEntitySpan, ck.Metadata.Raw["max-entities"], ck.Metadata.Raw["max-entity-span"]}
			want := []any{tc.wantEntities, tc.wantEntitySpan, tc.wantEntities, tc.wantEntitySpan}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("max-entities, max-entity-span and their metadata keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrainDalukeBadSettings(t *testing.T) {
	o, err := parseArgs(t, func(runF func(context.Context, *trainDalukeOptions) error) *cobra.Command {
		return newTrainDalukeCmd(&streams{}, runF)
	}, "--out", "o", "--vocab", "v", "--from", "a", "--warmup", "1.5")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trainDalukeConfig(o); err == nil || exitCode(err) != exitUsage {
		t.Errorf("warmup 1.5: got %v, want a usage error", err)
	}
}
