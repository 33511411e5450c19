//go:build torch

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/luke/finetune"
)

// trainDalukeFile writes a few tagged Danish sentences in two columns.
func trainDalukeFile(t *testing.T) string {
	t.Helper()
	text := `Mette	B-PER
Frederiksen	I-PER
besøgte	O
København	B-LOC
i	O
går	O
.	O

Novo	B-ORG
Nordisk	I-ORG
har	O
hovedkontor	O
i	O
Bagsværd	B-LOC

USA	B-LOC
og	O
Irak	B-LOC
var	O
i	O
krig	O
`
	file := filepath.Join(t.TempDir(), "train.txt")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestTrainDalukeEndToEnd fine-tunes the pretrained fixture (mutate_for_ner),
// is interrupted, resumes, and runs the resulting archive through
// `nerbench run --model daluke`.
func TestTrainDalukeEndToEnd(t *testing.T) {
	testdata := filepath.Join("..", "..", "luke", "testdata")
	file := trainDalukeFile(t)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "daluke", "--from", filepath.Join(testdata, "daluke.tar.gz"), "--vocab", testdata,
		"--train-file", file, "--dev-file", file, "--epochs", "2", "--batch-size", "2", "--lr", "1e-3", "--out", out}

	// Interrupted (as by Ctrl-C) once training starts: a checkpoint, exit 130.
	cancelled, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr bytes.Buffer
	onStart := &cancelOn{w: &stderr, text: "training on", cancel: cancel}
	if code := run(cancelled, args, strings.NewReader(""), &stdout, onStart); code != exitCancelled {
		t.Fatalf("cancelled run: exit %d, want %d; stderr %s", code, exitCancelled, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--resume") {
		t.Errorf("stderr %q does not say how to resume", stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(t.Context(), append(args, "--resume"), strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("resume: exit %d; stderr %s", code, stderr.String())
	}
	for _, f := range []string{finetune.BestArchive, finetune.LastArchive, finetune.LastSafetensors, finetune.LogFile,
		"learning-curve.png", "learning-curve.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	_, epochs, err := finetune.ReadLog(filepath.Join(out, finetune.LogFile))
	if err != nil || len(epochs) != 2 || epochs[0].DevF1 == nil {
		t.Fatalf("log: %d epoch records, error %v; want 2 with dev F1", len(epochs), err)
	}

	// The best model, with the vocabulary, is a DaLUKE model folder.
	modelsDir := t.TempDir()
	dir := filepath.Join(modelsDir, "daluke")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{filepath.Join(out, finetune.BestArchive): "daluke-ner.tar.gz",
		filepath.Join(testdata, "vocab.txt"): "vocab.txt"} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resultsDir := t.TempDir()
	stdout.Reset()
	stderr.Reset()
	runArgs := []string{"run", "--dataset", "dane", "--model", "daluke", "--models-dir", modelsDir,
		"--data-dir", t.TempDir(), "--results-dir", resultsDir, "--resamples", "20"}
	if code := run(t.Context(), runArgs, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr.String())
	}
	f, err := results.Load(filepath.Join(resultsDir, "dane_test_daluke.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Predictions) != 565 {
		t.Errorf("got %d predictions, want 565", len(f.Predictions))
	}
}

// cancelOn cancels a context once text is written through it.
type cancelOn struct {
	w      *bytes.Buffer
	text   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if strings.Contains(c.w.String(), c.text) {
		c.cancel()
	}
	return n, err
}
