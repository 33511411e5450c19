package main

import (
	"context"
	"math"
	"testing"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/corpus"
)

func TestPretrainFlags(t *testing.T) {
	newCmd := func(runF func(context.Context, *pretrainOptions) error) *cobra.Command {
		return newPretrainRunCmd(&streams{}, runF)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(*pretrainOptions) bool
	}{
		{"thesis defaults", []string{"data", "out", "--tokenizer", "tok"}, "", func(o *pretrainOptions) bool {
			c := o.cfg
			return c.Data == "data" && c.Out == "out" && c.Epochs == 150 && c.BatchSize == 4080 && c.MicroBatch == 24 &&
				c.LR == 3e-4 && c.Warmup == 0.06 && c.EndRatio == 0.1 && c.Power == math.Sqrt(3) && c.WeightDecay == 0.01 &&
				c.BaseFix == 0.5 && c.WordWeight == 0.5 && c.Hidden == 768 && c.Layers == 12 && c.EntitySize == 256 &&
				c.Compat == corpus.CompatFixed && c.Precision == luke.FP32 && c.Device == "cpu" && c.Accum() == 170
		}},
		{"compat, precision and sizes", []string{"d", "o", "--tokenizer", "t", "--compat", "thesis", "--precision", "bf16",
			"--device", "cuda", "--hidden", "64", "--heads", "4", "--layers", "2"}, "", func(o *pretrainOptions) bool {
			c := o.cfg
			return c.Compat == corpus.CompatThesis && c.Precision == luke.BF16 && c.Device == "cuda" && c.Hidden == 64 && c.Layers == 2
		}},
		{"no tokenizer", []string{"d", "o"}, "--tokenizer is required", nil},
		{"bad device", []string{"d", "o", "--tokenizer", "t", "--device", "tpu"}, `--device "tpu"`, nil},
		{"bad precision", []string{"d", "o", "--tokenizer", "t", "--precision", "int8"}, "--precision", nil},
		{"heads do not divide", []string{"d", "o", "--tokenizer", "t", "--hidden", "10", "--heads", "4"}, "heads dividing hidden", nil},
		{"micro-batch above batch", []string{"d", "o", "--tokenizer", "t", "--batch-size", "4", "--micro-batch", "8"}, "micro-batch 8 larger", nil},
		{"one argument", []string{"d"}, "takes DATA and OUT", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, newCmd, tc.args...)
			if wantError(t, err, tc.wantErr) {
				if exitCode(err) != exitUsage {
					t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
				}
				return
			}
			if !tc.check(got) {
				t.Errorf("got options %+v", got.cfg)
			}
		})
	}
}
