package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
)

func TestBenchFlags(t *testing.T) {
	s := &streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
	got, err := parseArgs(t, func(f func(context.Context, *benchOptions) error) *cobra.Command { return newBenchCmd(s, f) },
		"--model-dir", "m", "--batch-size", "8", "--threads", "2", "--sentences", "10",
		"--dataset", "plank", "--label-map", "PERSON=PER", "--repeat", "5", "--device", "cuda")
	if err != nil {
		t.Fatal(err)
	}
	want := benchOptions{out: s, modelDir: "m", dataset: "plank", split: "test", sentences: 10, batchSize: 8, threads: 2,
		device: "cuda", labelMap: map[string]string{"PERSON": "PER"}, warmup: 3, repeat: 5, output: "text", data: datasetOptions{defaultDataset: "dane"}}
	if diff := cmp.Diff(want, *got, cmp.AllowUnexported(benchOptions{}, datasetOptions{}), cmp.Comparer(func(a, b *streams) bool { return a == b })); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

func TestBenchUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no model dir", []string{"bench"}, "model-dir"},
		{"zero batch", []string{"bench", "--model-dir", "x", "--batch-size", "0"}, "--batch-size"},
		{"negative sentences", []string{"bench", "--model-dir", "x", "--sentences", "-1"}, "--sentences"},
		{"no repeat", []string{"bench", "--model-dir", "x", "--repeat", "0"}, "--repeat"},
		{"bad device", []string{"bench", "--model-dir", "x", "--device", "tpu"}, "--device"},
		{"bad output", []string{"bench", "--model-dir", "x", "--output", "yaml"}, "yaml"},
		{"unknown dataset", []string{"bench", "--model-dir", "x", "--dataset", "nope"}, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(t.Context(), tc.args, strings.NewReader(""), &out, &errb)
			if code != exitUsage || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("got exit %d, stderr %q; want %d naming %q", code, errb.String(), exitUsage, tc.want)
			}
		})
	}
}

func TestMedianRun(t *testing.T) {
	runs := []benchRun{{Run: 1, Ratio: 1.3}, {Run: 2, Ratio: 1.01}, {Run: 3, Ratio: 1.05}, {Run: 4, Ratio: 1.02}}
	if got := medianRun(runs); got.Run != 4 {
		t.Errorf("got run %d, want 4 (ratio 1.02, the lower middle)", got.Run)
	}
}

func TestPeakRSS(t *testing.T) {
	if got := peakRSSKiB(); got <= 0 {
		t.Errorf("got peak RSS %d KiB, want > 0", got)
	}
}
