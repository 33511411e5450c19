package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/internal/results"
	"github.com/spf13/cobra"
)

func testStreams() (*streams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &streams{In: strings.NewReader(""), Out: &out, Err: &errb}, &out, &errb
}

func TestRunFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		check   func(*testing.T, *runOptions)
	}{
		{args: []string{"--dataset", "plank", "--model", "baseline,x", "--split", "dev", "-o", "markdown", "--resume"}, check: func(t *testing.T, o *runOptions) {
			if o.src.dataset != "plank" || o.src.split != "dev" || len(o.models) != 2 || o.models[1] != "x" || o.output != "markdown" || !o.resume {
				t.Errorf("got %+v", o)
			}
		}},
		{args: []string{"--dataset", "dane", "extra"}, wantErr: "unknown command"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			s, _, _ := testStreams()
			got, err := parseArgs(t, func(f func(context.Context, *runOptions) error) *cobra.Command { return newRunCmd(s, f) }, tc.args...)
			if wantError(t, err, tc.wantErr) {
				return
			}
			tc.check(t, got)
		})
	}
}

// runEmbedded runs the baseline on the embedded DaNE test split.
func runEmbedded(t *testing.T, resultsDir string, extra ...string) (string, string, error) {
	t.Helper()
	s, out, errb := testStreams()
	opts := &runOptions{
		out: s, models: []string{"baseline"}, output: "text", mode: "default", command: []string{"nerbench", "run"},
		src: sourceOptions{
			dataset: "dane", split: "test", dataDir: t.TempDir(), resultsDir: resultsDir,
			resamples: 200, batchSize: 64, device: "cpu",
		},
	}
	for i := 0; i < len(extra); i += 2 {
		switch extra[i] {
		case "output":
			opts.output = extra[i+1]
		case "resume":
			opts.resume = true
		case "mode":
			opts.mode = extra[i+1]
		case "scheme":
			opts.scheme = extra[i+1]
		case "split":
			opts.src.split = extra[i+1]
		case "dataset":
			opts.src.dataset = extra[i+1]
		case "data-dir":
			opts.src.dataDir = extra[i+1]
		case "export-conll":
			opts.exportDir = extra[i+1]
		case "averages":
			opts.averages = true
		}
	}
	err := runRun(t.Context(), opts)
	return out.String(), errb.String(), err
}

func TestRunEmbeddedDaNE(t *testing.T) {
	dir := t.TempDir()
	out, log, err := runEmbedded(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dane test: 565 sentences, 10023 tokens", "baseline", "DaNE train", "n = 558 gold entities with MISC, 437 without"} {
		if !strings.Contains(out, want) {
			t.Errorf("got output\n%s\nwant it to contain %q", out, want)
		}
	}
	if !strings.Contains(log, "embedded DaNE test split") {
		t.Errorf("got log %q, want it to say the embedded split is used", log)
	}
	f, err := results.Load(filepath.Join(dir, "dane_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Dataset.Sentences != 565 || f.MISCOn == nil || f.MISCOn.Micro.Gold != 558 || f.MISCOff.Micro.Gold != 437 || len(f.Predictions) != 565 {
		t.Errorf("got result file %+v", f.Dataset)
	}
	if f.Command[0] != "nerbench" || f.Model.Hash == "" || f.Nerbench == "" {
		t.Errorf("got provenance %v %q %q, want command, model hash and version", f.Command, f.Model.Hash, f.Nerbench)
	}

	// A rerun with --resume reuses the predictions and gives the same scores.
	out2, log2, err := runEmbedded(t, dir, "resume", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log2, "reusing the predictions") {
		t.Errorf("got log %q, want the cached predictions reused", log2)
	}
	if out2 != out {
		t.Errorf("got a different table on resume:\n%s\nwant\n%s", out2, out)
	}
}

func TestRunResumeRejectsStaleCache(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runEmbedded(t, dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "dane_test_baseline.json")
	f, err := results.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Predictions[3].Tags[0] = "B-PER" // tampered: the hash no longer matches
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	_, log, err := runEmbedded(t, dir, "resume", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log, "not reusing") || !strings.Contains(log, "do not match their hash") {
		t.Errorf("got log %q, want the stale cache rejected", log)
	}
}

func TestRunJSONOutput(t *testing.T) {
	out, _, err := runEmbedded(t, t.TempDir(), "output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema  string `json:"schema"`
		Results []struct {
			Main    string `json:"main"`
			MISCOff struct {
				Micro struct {
					Gold int `json:"gold"`
				} `json:"micro"`
			} `json:"misc_off"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if doc.Schema != "nerbench.run/v1" || len(doc.Results) != 1 || doc.Results[0].Main != "misc_on" || doc.Results[0].MISCOff.Micro.Gold != 437 {
		t.Errorf("got %+v", doc)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		extra   []string
		want    string
		isUsage bool
	}{
		{[]string{"dataset", "nope"}, `unknown dataset "nope"`, true},
		{[]string{"split", "validation"}, `no split "validation"`, true},
		{[]string{"mode", "lenient"}, "mode", true},
		{[]string{"scheme", "IOB2"}, "--scheme needs --mode strict", true},
		{[]string{"split", "dev"}, "nerbench data fetch dane", false},
		{[]string{"dataset", ""}, "--dataset is required", true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.extra, " "), func(t *testing.T) {
			_, _, err := runEmbedded(t, t.TempDir(), tc.extra...)
			var fe *flagError
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.As(err, &fe) != tc.isUsage {
				t.Errorf("got %v (usage error %v), want %q (usage error %v)", err, errors.As(err, &fe), tc.want, tc.isUsage)
			}
		})
	}
}

func TestRunStrictMode(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runEmbedded(t, dir, "mode", "strict")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "strict IOB2 mode") {
		t.Errorf("got\n%s\nwant the mode named", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "dane_test_baseline.json")); err != nil {
		t.Error(err)
	}
}

// cancelTagger cancels the run when it is asked to tag, as Ctrl-C would.
type cancelTagger struct{ cancel context.CancelFunc }

func (c cancelTagger) Tag(ctx context.Context, s [][]string) ([][]string, error) {
	c.cancel()
	return nil, ctx.Err()
}

func (cancelTagger) Close() error { return nil }

// TestRunInterruptKeepsFinishedResults interrupts the second model of a run
// and checks that the first model's result file is complete.
func TestRunInterruptKeepsFinishedResults(t *testing.T) {
	out, dir, err := interruptedRun(t, "text")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := results.Load(filepath.Join(dir, "dane_test_baseline.json")); err != nil {
		t.Errorf("the finished model's result is lost: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dane_test_interrupted.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v for the interrupted model's result, want no file", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("got %d files in the results folder, want 1 (no temporary files)", len(entries))
	}
	if !strings.Contains(out, "baseline") {
		t.Errorf("got output %q, want the finished model's row", out)
	}
	if code := exitCode(err); code != exitCancelled {
		t.Errorf("got exit code %d, want %d", code, exitCancelled)
	}
}
