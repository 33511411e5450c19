package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/internal/experiment"
	"github.com/nerbench/nerbench/luke/finetune"
)

// TestDalukeJobOptions maps a DaLUKE job's seed, features and parameters
// onto the options of `nerbench train daluke`, and refuses incomplete or
// contradictory start models.
func TestDalukeJobOptions(t *testing.T) {
	def := finetune.DefaultConfig()
	tests := []struct {
		name     string
		features string
		params   map[string]string
		want     func(o *trainDalukeOptions) any // the fields checked
		wantVal  any
		wantErr  string
	}{
		{name: "archive, recipe defaults", features: "all",
			params: map[string]string{"pretrained": "m/DaLUKE.tar.gz", "vocab": "m"},
			want: func(o *trainDalukeOptions) any {
				return []any{o.from, o.random, o.vocab, o.features, o.seed, o.epochs, o.batch, o.lr, o.warmup, o.wd, o.dropout, o.hidden, o.attn}
			},
			wantVal: []any{"m/DaLUKE.tar.gz", false, "m", "all", uint64(7), def.Epochs, def.BatchSize, def.LR, def.Warmup, def.WeightDecay,
				def.Dropout.Features, def.Dropout.Hidden, def.Dropout.Attention}},
		{name: "parameters", features: "words",
			params: map[string]string{"pretrained": "a.tar.gz", "vocab": "v", "lr": "3e-5", "epochs": "2", "batch_size": "16",
				"warmup": "0.1", "weight_decay": "0", "dropout": "0.1"},
			want: func(o *trainDalukeOptions) any {
				return []any{o.features, o.lr, o.epochs, o.batch, o.warmup, o.wd, o.dropout}
			},
			wantVal: []any{"words-only", 3e-5, 2, 16, 0.1, 0.0, 0.1}},
		{name: "random", features: "entities",
			params: map[string]string{"pretrained": "random", "vocab": "v", "layers": "1", "hidden": "32", "heads": "2", "entity_size": "16"},
			want: func(o *trainDalukeOptions) any {
				return []any{o.from, o.random, o.features, o.sizes.Layers, o.sizes.Hidden, o.sizes.Heads, o.sizes.EntitySize}
			},
			wantVal: []any{"", true, "entities-only", 1, 32, 2, 16}},
		{name: "no vocab", features: "all", params: map[string]string{"pretrained": "a.tar.gz"}, wantErr: "model.params.vocab is required"},
		{name: "no start model", features: "all", params: map[string]string{"vocab": "v"}, wantErr: "model.params.pretrained is required"},
		{name: "random without sizes", features: "all", params: map[string]string{"pretrained": "random", "vocab": "v", "layers": "1"},
			wantErr: "needs positive layers"},
		{name: "sizes with an archive", features: "all", params: map[string]string{"pretrained": "a.tar.gz", "vocab": "v", "hidden": "32"},
			wantErr: "are for pretrained"},
		{name: "bad feature", features: "both", params: map[string]string{"pretrained": "a.tar.gz", "vocab": "v"}, wantErr: `feature switch "both"`},
		{name: "unknown parameter", features: "all", params: map[string]string{"pretrained": "a.tar.gz", "vocab": "v", "momentum": "1"},
			wantErr: `unknown daluke parameter "momentum"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := dalukeJobOptions(experiment.Config{Model: "daluke", Seed: 7, Features: tc.features, Params: tc.params})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantVal, tc.want(o)); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			if _, err := trainDalukeConfig(o); err != nil {
				t.Errorf("the options give no valid recipe: %v", err)
			}
		})
	}
}
