//go:build torch

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/results"
)

// TestDalukeMaskedEndToEnd runs masked prediction on the parity fixture's
// pretrained model (random weights, so only the shape of the answer is
// checked here; luke and adapters/daluke check the numbers).
func TestDalukeMaskedEndToEnd(t *testing.T) {
	models := dalukeModels(t)
	for _, output := range []string{"text", "json"} {
		t.Run(output, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(t.Context(), []string{"daluke", "masked", "[MASK] blev angrebet af USA i 2003", "--entity-spans", "1;5",
				"--top", "2", "--models-dir", models, "--device", "cpu", "--output", output}, strings.NewReader(""), &out, &errb)
			if code != exitOK {
				t.Fatalf("exit code %d, stderr %q", code, errb.String())
			}
			if output == "text" {
				for _, want := range []string{"DaLUKE masked prediction: ", "word", "entity", `entity span 5 "USA" given as USA`} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("output lacks %q:\n%s", want, out.String())
					}
				}
				return
			}
			var res struct {
				Schema   string `json:"schema"`
				Masks    []struct{ Top []struct{ Prob float64 } }
				Entities []struct{ Entity string }
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if res.Schema != "nerbench.daluke-masked/v1" || len(res.Masks) != 1 || len(res.Masks[0].Top) != 2 ||
				len(res.Entities) != 2 || res.Entities[0].Entity != "[MASK]" || res.Entities[1].Entity != "USA" {
				t.Errorf("got %+v", res)
			}
		})
	}
}

// TestLoadDaluke loads the NER fixture as the registry does and tags the
// reference's first text. --batch-size counts sentences: it becomes the
// adapter's Sentences, not its forward-pass examples.
func TestLoadDaluke(t *testing.T) {
	if s := dalukeSpec(); s.Unavailable != "" {
		t.Fatalf("got Unavailable %q in the torch build", s.Unavailable)
	}
	var log bytes.Buffer
	l, err := loadDaluke(t.Context(), filepath.Join(dalukeModels(t), "daluke"), models.LoadOptions{BatchSize: 32, Threads: 2, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Model.Close() })
	m, ok := l.Model.(interface{ Config() daluke.Config })
	if !ok {
		t.Fatalf("got model %T, want one with Config", l.Model)
	}
	if cfg := m.Config(); cfg.Sentences != 32 || cfg.BatchSize != 0 {
		t.Errorf("got Sentences %d, BatchSize %d for --batch-size 32, want 32, 0", cfg.Sentences, cfg.BatchSize)
	}
	if !strings.HasPrefix(l.Hash, "sha256:") || !strings.Contains(log.String(), "--threads") {
		t.Errorf("got hash %q and log %q", l.Hash, log.String())
	}
	// luke/testdata/reference.py's tags for its first text.
	words := strings.Fields("Mette Frederiksen besøgte København i går .")
	want := []string{"O", "B-LOC", "B-PER", "I-PER", "B-LOC", "O", "B-PER"}
	got, err := l.Model.Tag(t.Context(), [][]string{words})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{want}, got); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
}

// TestDalukeRunEndToEnd runs `nerbench run --model daluke` on the embedded
// DaNE test split with the NER parity fixture in a models folder, as a user
// with the released archive would.
func TestDalukeRunEndToEnd(t *testing.T) {
	modelsDir := t.TempDir()
	dir := filepath.Join(modelsDir, "daluke")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"daluke-ner.tar.gz", "vocab.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "luke", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resultsDir := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"run", "--dataset", "dane", "--model", "daluke", "--models-dir", modelsDir,
		"--data-dir", t.TempDir(), "--results-dir", resultsDir, "--resamples", "50"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	f, err := results.Load(filepath.Join(resultsDir, "dane_test_daluke.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Predictions) != 565 || f.Main != results.MainMISCOn || f.MISCOn.Micro.Gold != 558 {
		t.Errorf("got %d predictions, main %s; want 565, misc_on with 558 gold", len(f.Predictions), f.Main)
	}
	if !strings.Contains(out.String(), "daluke") {
		t.Errorf("got\n%s\nwant a daluke row", out.String())
	}
}
