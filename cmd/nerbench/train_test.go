package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/baseline"
)

func TestTrainFlags(t *testing.T) {
	def := baseline.TrainConfig{}.Resolved()
	defaults := trainOptions{
		model: "baseline", dataset: "dane", split: "train", file: "baseline-dane.nbm.gz", output: "text",
		seed: def.Seed, maxEpochs: def.MaxEpochs, patience: def.Patience, minCount: def.MinCount,
		gazLen: def.GazetteerMaxLen, bags: def.Bags, prune: def.Prune,
	}
	tests := []struct {
		name string
		args []string
		want func(o *trainOptions)
	}{
		{"defaults", []string{"baseline", "--dataset", "dane"}, func(*trainOptions) {}},
		{"conll2003 default file", []string{"baseline", "--dataset", "conll2003"}, func(o *trainOptions) {
			o.dataset, o.file = "conll2003", "baseline-conll2003.nbm.gz"
		}},
		{"plank trains on train-10k", []string{"baseline", "-d", "Plank"}, func(o *trainOptions) {
			o.dataset, o.split, o.file = "plank", "train-10k", "baseline-plank.nbm.gz"
		}},
		{"plank train-5k", []string{"baseline", "-d", "plank", "--train-split", "train-5k"}, func(o *trainOptions) {
			o.dataset, o.split, o.file = "plank", "train-5k", "baseline-plank.nbm.gz"
		}},
		{"wikiann", []string{"baseline", "-d", "wikiann"}, func(o *trainOptions) {
			o.dataset, o.file = "wikiann", "baseline-wikiann.nbm.gz"
		}},
		{"every setting", []string{"baseline", "--dataset", "dane", "--data-dir", "/d", "--out", "m.gz", "-o", "json",
			"--seed", "7", "--max-epochs", "9", "--patience", "-1", "--min-count", "2", "--gazetteer-max-len", "3",
			"--bags", "4", "--prune", "0.5"}, func(o *trainOptions) {
			o.dataDir, o.file, o.output = "/d", "m.gz", "json"
			o.seed, o.maxEpochs, o.patience, o.minCount, o.gazLen, o.bags, o.prune = 7, 9, -1, 2, 3, 4, 0.5
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, func(f func(context.Context, *trainOptions) error) *cobra.Command { return newTrainCmd(&streams{}, f) }, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			got.out = nil
			want := defaults
			tc.want(&want)
			if diff := cmp.Diff(want, *got, cmp.AllowUnexported(trainOptions{}, datasetOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrainUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"no model", []string{"train", "--dataset", "dane"}, "train takes one model name (baseline), got 0 arguments"},
		{"unknown model", []string{"train", "crf", "--dataset", "dane"}, `unknown model "crf": train baseline or daluke`},
		{"no dataset", []string{"train", "baseline"}, "--dataset is required: want dane, plank, wikiann, conll2003"},
		{"unknown dataset", []string{"train", "baseline", "--dataset", "ontonotes"}, `--dataset "ontonotes": want dane, plank, wikiann, conll2003`},
		{"test split", []string{"train", "baseline", "--dataset", "dane", "--train-split", "test"}, `--train-split "test": want a split of dane other than dev and test`},
		{"zero epochs", []string{"train", "baseline", "--dataset", "dane", "--max-epochs", "0"}, "--max-epochs must be at least 1, got 0"},
		{"zero bags", []string{"train", "baseline", "--dataset", "dane", "--bags", "0"}, "--bags must be at least 1, got 0"},
		{"out in a missing folder", []string{"train", "baseline", "--dataset", "dane", "--out", "/nonexistent-nerbench/m.nbm.gz"}, "--out /nonexistent-nerbench/m.nbm.gz: no folder /nonexistent-nerbench"},
		{"out is a folder", []string{"train", "baseline", "--dataset", "dane", "--out", os.TempDir()}, "is a folder; give a file name"},
		{"bad output", []string{"train", "baseline", "--dataset", "dane", "--output", "csv"}, `--output "csv": want text or json`},
		{"bad seed", []string{"train", "baseline", "--dataset", "dane", "--seed", "-1"}, `invalid argument "-1" for "--seed"`},
		{"train split with a dataset file", []string{"train", "baseline", "--dataset-file", "train=a.conll", "--dataset-file", "dev=b.conll", "--train-split", "train-5k", "--out", "m.nbm.gz"}, "--train-split applies to a known dataset"},
		{"dataset file without out", []string{"train", "baseline", "--dataset-file", "train=a.conll", "--dataset-file", "dev=b.conll"}, "--out is required with --dataset-file"},
		{"dataset file and zero epochs", []string{"train", "baseline", "--dataset-file", "train=a.conll", "--dataset-file", "dev=b.conll", "--out", "m.nbm.gz", "--max-epochs", "0"}, "--max-epochs must be at least 1, got 0"},
		{"dataset file and a dataset", []string{"train", "baseline", "-d", "dane", "--dataset-file", "train=a.conll", "--dataset-file", "dev=b.conll", "--out", "m.nbm.gz"}, "exclude each other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.message) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tc.message)
			}
		})
	}
}

// writeDaNE writes a tiny DaNE data folder in the CoNLL-U layout of the
// official release (name=TAG in the MISC column) and returns the data
// folder.
func writeDaNE(t *testing.T) string {
	t.Helper()
	sents := []struct{ words, tags string }{
		{"Anders Fogh Rasmussen besøgte København i går .", "B-PER I-PER I-PER O B-LOC O O O"},
		{"Mette Frederiksen talte med Novo Nordisk om Aarhus .", "B-PER I-PER O O B-ORG I-ORG O B-LOC O"},
		{"Politiken skrev om Danske Bank og Mærsk .", "B-ORG O O B-ORG I-ORG O B-ORG O"},
		{"De danske spillere vandt VM i håndbold .", "O B-MISC O O B-MISC O O O"},
		{"Jens Hansen flyttede fra Aalborg til Esbjerg .", "B-PER I-PER O O B-LOC O B-LOC O"},
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "dane"), 0o755); err != nil {
		t.Fatal(err)
	}
	for split, idx := range map[string][]int{"train": {0, 1, 2, 3}, "dev": {4}} {
		var b strings.Builder
		for n, i := range idx {
			fmt.Fprintf(&b, "# sent_id = %s-s%d\n", split, n+1)
			tags := strings.Fields(sents[i].tags)
			for j, w := range strings.Fields(sents[i].words) {
				fmt.Fprintf(&b, "%d\t%s\t_\t_\t_\t_\t_\t_\t_\tname=%s\n", j+1, w, tags[j])
			}
			b.WriteString("\n")
		}
		if err := os.WriteFile(filepath.Join(dir, "dane", "ddt."+split+".conllu"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTrainRun(t *testing.T) {
	data := writeDaNE(t)
	out := t.TempDir()
	args := func(file string, extra ...string) []string {
		return append([]string{"train", "baseline", "--dataset", "dane", "--data-dir", data, "--out", file, "--max-epochs", "3"}, extra...)
	}
	var stdout, stderr bytes.Buffer
	first := filepath.Join(out, "a.nbm.gz")
	if code := run(t.Context(), args(first), strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitOK, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "wrote "+first+" (") {
		t.Errorf("stdout %q, want it to start with %q", stdout.String(), "wrote "+first)
	}
	if !strings.Contains(stderr.String(), "training baseline on dane train (4 sentences), selecting on dev (1 sentences)\nepoch 1: dev micro-F1 ") {
		t.Errorf("stderr lacks the progress lines:\n%s", stderr.String())
	}
	m, err := baseline.Load(t.Context(), first, baseline.Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Provenance()
	wantCmd := "nerbench train baseline --dataset dane --seed 0 --max-epochs 3 --patience 6 --min-count 1 --gazetteer-max-len 6 --bags 1 --prune 0.05"
	if p.Command != wantCmd || p.Dataset != "dane" || p.TrainSentences != 4 || p.DevSentences != 1 {
		t.Errorf("provenance %+v, want command %q, dataset dane, 4 train and 1 dev sentences", p, wantCmd)
	}

	// The same command again gives the same bytes; --output json reports
	// the file and its provenance.
	stdout.Reset()
	second := filepath.Join(out, "b.nbm.gz")
	if code := run(t.Context(), args(second, "-o", "json"), strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitOK, stderr.String())
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if !bytes.Equal(a, b) {
		t.Error("training twice with the same settings gave different files")
	}
	var sum trainSummary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
	}
	if sum.Schema != "nerbench.train/v1" || sum.File != second || sum.Bytes != int64(len(b)) || sum.Provenance.Command != wantCmd {
		t.Errorf("summary %+v, want file %s, %d bytes, command %q", sum, second, len(b), wantCmd)
	}
}

func TestTrainMissingData(t *testing.T) {
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"train", "baseline", "--dataset", "dane", "--data-dir", data, "--out", filepath.Join(data, "m.gz")},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	want := filepath.Join(data, "dane", "ddt.train.conllu")
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q, want it to name %s", stderr.String(), want)
	}
	if _, err := os.Stat(filepath.Join(data, "m.gz")); err == nil {
		t.Error("a model file was written although training failed")
	}
}

// TestTrainOtherDatasets trains the baseline on tiny Plank and WikiANN data
// folders: any dataset with a training and a dev split can be trained on,
// and the model file records the split.
func TestTrainOtherDatasets(t *testing.T) {
	sents := []struct{ words, tags string }{
		{"Anders Fogh Rasmussen besøgte København .", "B-PER I-PER I-PER O B-LOC O"},
		{"Mette Frederiksen talte med Novo Nordisk .", "B-PER I-PER O O B-ORG I-ORG O"},
		{"Jens Hansen flyttede fra Aalborg .", "B-PER I-PER O O B-LOC O"},
	}
	write := func(t *testing.T, path, prefix string, idx ...int) {
		t.Helper()
		var b strings.Builder
		for _, i := range idx {
			tags := strings.Fields(sents[i].tags)
			for j, w := range strings.Fields(sents[i].words) {
				fmt.Fprintf(&b, "%s%s\t%s\n", prefix, w, tags[j])
			}
			b.WriteString("\n")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		dataset, split string
		files          func(t *testing.T, data string)
	}{
		{"plank", "train-10k", func(t *testing.T, data string) {
			write(t, filepath.Join(data, "plank", "da_ddt-ud-ner-train-10k.conll"), "", 0, 1)
			write(t, filepath.Join(data, "plank", "da_ddt-ud-ner-dev.conll"), "", 2)
		}},
		{"wikiann", "train", func(t *testing.T, data string) {
			write(t, filepath.Join(data, "wikiann", "train"), "da:", 0, 1)
			write(t, filepath.Join(data, "wikiann", "dev"), "da:", 2)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.dataset, func(t *testing.T) {
			data := t.TempDir()
			tc.files(t, data)
			file := filepath.Join(t.TempDir(), "m.nbm.gz")
			var stdout, stderr bytes.Buffer
			args := []string{"train", "baseline", "-d", tc.dataset, "--data-dir", data, "--out", file, "--max-epochs", "2"}
			if code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
				t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
			}
			m, err := baseline.Load(t.Context(), file, baseline.Config{})
			if err != nil {
				t.Fatal(err)
			}
			p := m.Provenance()
			if p.Dataset != tc.dataset || p.TrainSplit != tc.split || p.TrainSentences != 2 || p.DevSentences != 1 {
				t.Errorf("got provenance %+v, want %s %s, 2 train and 1 dev sentences", p, tc.dataset, tc.split)
			}
		})
	}
}
