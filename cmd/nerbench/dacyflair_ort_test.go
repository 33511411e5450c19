//go:build ort

package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/internal/results"
)

// TestRunDacyFlair runs `nerbench run --model dacy-large,flair` on the
// embedded DaNE test split with the fixtures: DaCy is scored with MISC,
// Flair (no MISC) with MISC off, as da-BERT.
func TestRunDacyFlair(t *testing.T) {
	modelsDir := dacyFlairModels(t)
	resultsDir := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"run", "--dataset", "dane", "--model", "dacy-large,flair", "--models-dir", modelsDir,
		"--data-dir", t.TempDir(), "--results-dir", resultsDir, "--resamples", "50"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"dacy-large", "flair", "flair: the model predicts no MISC"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("got\n%s\nwant it to contain %q", out.String(), want)
		}
	}
	d, err := results.Load(filepath.Join(resultsDir, "dane_test_dacy-large.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Predictions) != 565 || d.Main != results.MainMISCOn || d.MISCOn.Micro.Gold != 558 {
		t.Errorf("dacy-large: got %d predictions, main %s; want 565, misc_on with 558 gold", len(d.Predictions), d.Main)
	}
	f, err := results.Load(filepath.Join(resultsDir, "dane_test_flair.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Predictions) != 565 || f.Main != results.MainMISCOff || f.MISCOn != nil || f.MISCOff.Micro.Gold != 437 {
		t.Errorf("flair: got %d predictions, main %s; want 565, misc_off with 437 gold", len(f.Predictions), f.Main)
	}
	var cfg struct {
		Tokenization string `json:"tokenization"`
	}
	raw, _ := json.Marshal(d.Model.Config)
	if err := json.Unmarshal(raw, &cfg); err != nil || !strings.Contains(cfg.Tokenization, "spaCy's tokenizer bypassed") {
		t.Errorf("dacy-large config %s: want the tokenization recorded", raw)
	}
}

// TestCopredictionFlairDacy runs `nerbench coprediction flair dacy-large`
// through the CLI on the fixtures.
func TestCopredictionFlairDacy(t *testing.T) {
	modelsDir := dacyFlairModels(t)
	copredictDaNETest(t, "flair", "dacy-large", modelsDir)
}
