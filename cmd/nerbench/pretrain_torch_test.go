//go:build torch

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPretrainChain runs the whole chain on the fixture dump: pretrain
// data, pretrain (a tiny model on the CPU), daluke masked on the archive it
// writes (the masked entity of a sentence from the fixture must be ranked
// first), and train daluke (NER fine-tuning) starting from that archive.
func TestPretrainChain(t *testing.T) {
	if testing.Short() {
		t.Skip("pretrains for several seconds")
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	modelsDir := filepath.Join(tmp, "models")
	out := filepath.Join(modelsDir, "daluke")
	steps := [][]string{
		{"pretrain", "data", fixtureDump, data, "--tokenizer", fixtureTokenizer},
		{"pretrain", data, out, "--tokenizer", fixtureTokenizer, "--hidden", "64", "--layers", "2", "--heads", "4",
			"--intermediate", "128", "--entity-size", "32", "--epochs", "40", "--batch-size", "8", "--micro-batch", "4",
			"--lr", "3e-3", "--dropout", "0", "--attention-dropout", "0", "--val-share", "0.1", "--val-every", "20",
			"--checkpoint-every", "50"},
	}
	for _, args := range steps {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, nil, &stdout, &stderr); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		t.Logf("%s", stdout.String())
	}
	for _, f := range []string{"daluke.tar.gz", "vocab.txt", "train-log.jsonl", "train-loss.png", "train-accuracy.svg", "ckpt/LATEST"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	recs, err := readPretrainLog(filepath.Join(out, "train-log.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	val := 0
	for _, r := range recs {
		if r.Kind == "validation" {
			val++
		}
	}
	if val != 2 {
		t.Errorf("%d validation records, want 2 (epochs 20 and 40)", val)
	}
	// A sentence of the fixture with its first entity masked (its word
	// too: daluke masked masks an entity through [MASK] words): the right
	// entity must be among the first three. With 22 examples the tiny model
	// leans on entity frequency; a rarer entity (Aarhus in "[MASK] er
	// danmarks næststørste by ...") is not reliably found.
	var stdout, stderr bytes.Buffer
	var code int
	for _, q := range []struct{ text, want string }{
		{"[MASK] er hovedstad i danmark og ligger på sjælland ved øresund .", "København"},
	} {
		stdout.Reset()
		code = run(t.Context(), []string{"daluke", "masked", q.text, "--entity-spans", "1", "--models-dir", modelsDir,
			"--device", "cpu", "--output", "json", "--top", "3"}, strings.NewReader(""), &stdout, &stderr)
		if code != exitOK {
			t.Fatalf("daluke masked: exit %d: %s", code, stderr.String())
		}
		var res struct {
			Entities []struct {
				Top []struct {
					Text string
					Prob float64
				}
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatalf("%v: %s", err, stdout.String())
		}
		t.Logf("%s: %+v", q.text, res.Entities)
		found := false
		for _, p := range res.Entities[0].Top {
			found = found || p.Text == q.want
		}
		if len(res.Entities) != 1 || !found {
			t.Errorf("%q: want %s among the first three entities, got %+v", q.text, q.want, res.Entities)
		}
	}
	// NER fine-tuning from the pretrained archive, on a few sentences
	// written for this test.
	ner := filepath.Join(tmp, "ner.txt")
	sents := "Aarhus B-LOC\nligger O\ni O\nJylland B-LOC\n. O\n\nH.C. B-PER\nAndersen I-PER\nkom O\nfra O\nOdense B-LOC\n. O\n\n" +
		"Folketinget B-ORG\nmødes O\npå O\nChristiansborg B-LOC\n. O\n"
	if err := os.WriteFile(ner, []byte(strings.ReplaceAll(sents, " ", "\t")), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	code = run(t.Context(), []string{"train", "daluke", "--from", filepath.Join(out, "daluke.tar.gz"), "--vocab", out,
		"--train-file", ner, "--dev-file", ner, "--epochs", "2", "--batch-size", "2", "--accum", "1", "--out", filepath.Join(tmp, "ner")},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("train daluke: exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{"best.tar.gz", "last.tar.gz"} {
		if _, err := os.Stat(filepath.Join(tmp, "ner", f)); err != nil {
			t.Error(err)
		}
	}
}

// TestPretrainInterruptResume cancels a run (as Ctrl-C does) once its log
// has a few updates, expects exit 130 and a checkpoint, then runs the same
// command again: it resumes, and the log ends with every update exactly
// once.
func TestPretrainInterruptResume(t *testing.T) {
	if testing.Short() {
		t.Skip("pretrains for several seconds")
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	out := filepath.Join(tmp, "run")
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"pretrain", "data", fixtureDump, data, "--tokenizer", fixtureTokenizer}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("pretrain data: exit %d: %s", code, stderr.String())
	}
	args := []string{"pretrain", data, out, "--tokenizer", fixtureTokenizer, "--hidden", "32", "--layers", "1", "--heads", "2",
		"--intermediate", "64", "--entity-size", "16", "--epochs", "12", "--batch-size", "8", "--micro-batch", "4",
		"--val-share", "0", "--checkpoint-every", "0"}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer cancel()
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if b, err := os.ReadFile(filepath.Join(out, "train-log.jsonl")); err == nil && bytes.Count(b, []byte("\n")) >= 3 {
				return
			}
		}
	}()
	code := run(ctx, args, nil, &stdout, &stderr)
	close(done)
	if code != exitCancelled {
		t.Fatalf("interrupted run: exit %d, want %d: %s", code, exitCancelled, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "ckpt", "LATEST")); err != nil {
		t.Fatalf("no checkpoint after the interrupt: %v", err)
	}
	if code := run(t.Context(), args, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("resumed run: exit %d: %s", code, stderr.String())
	}
	recs, err := readPretrainLog(filepath.Join(out, "train-log.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// 22 examples: 6 micro-batches, 3 updates an epoch, 36 in all.
	if len(recs) != 36 {
		t.Fatalf("%d log records, want 36", len(recs))
	}
	for i, r := range recs {
		if r.Step != i+1 {
			t.Fatalf("record %d is update %d, want %d", i, r.Step, i+1)
		}
	}
}
