//go:build torch

package finetune

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/testenv"
	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

func paritySentences(t *testing.T) []Sentence {
	t.Helper()
	f := readParity(t)
	var sents []Sentence
	for i, s := range f.Sentences {
		sents = append(sents, Sentence{ID: string(rune('a' + i)), Pieces: s.Pieces, Tags: s.Tags})
	}
	return sents
}

// runFor trains r, cancelling after update stop (0: never), and returns
// the error of Run.
func runFor(t *testing.T, r *Run, stop int) error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s, err := r.Prepare(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if stop > 0 {
		s.Loop.OnStep("stop", train.EveryNSteps(stop, func(context.Context, *train.Loop, train.StepInfo) error {
			cancel()
			return nil
		}))
	}
	_, err = s.Run(ctx)
	return err
}

// stepLog returns the log's lines without the wall-clock "seconds" of the
// epoch records.
func stepLog(t *testing.T, dir string) []string {
	t.Helper()
	steps, epochs, err := ReadLog(filepath.Join(dir, LogFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range steps {
		out = append(out, strings.TrimSpace(mustJSON(t, s)))
	}
	for _, e := range epochs {
		e.Seconds = 0
		out = append(out, strings.TrimSpace(mustJSON(t, e)))
	}
	return out
}

// TestResumeEqualsStraight interrupts a run with shuffling, dropout and
// gradient accumulation after k updates, resumes it, and checks that the
// final weights, the best model and the log equal those of a run that was
// never interrupted, bit for bit.
func TestResumeEqualsStraight(t *testing.T) {
	sents := paritySentences(t)
	cfg := DefaultConfig()
	cfg.Epochs, cfg.BatchSize, cfg.Accum, cfg.LR = 2, 4, 2, 1e-3
	newRun := func(dir string, resume bool) *Run {
		return &Run{Dir: dir, Config: cfg, Start: readStart(t), Device: "cpu", Special: fixtureSpecial,
			Train: sents[:10], Dev: sents[10:], Resume: resume}
	}
	straight := t.TempDir()
	if err := runFor(t, newRun(straight, false), 0); err != nil {
		t.Fatal(err)
	}
	want, err := luke.LoadSafetensors(filepath.Join(straight, LastSafetensors))
	if err != nil {
		t.Fatal(err)
	}
	// 31 examples of the first 10 sentences: 7 micro-batches, 4 updates an
	// epoch; k = 2 stops mid-epoch, k = 4 at the end of an epoch.
	for _, k := range []int{2, 4} {
		dir := t.TempDir()
		if err := runFor(t, newRun(dir, false), k); !errors.Is(err, context.Canceled) {
			t.Fatalf("k=%d: got %v, want context.Canceled", k, err)
		}
		if err := runFor(t, newRun(dir, false), 0); err == nil || !strings.Contains(err.Error(), "resume it") {
			t.Errorf("k=%d: a new run in a folder with a checkpoint: got %v, want a refusal", k, err)
		}
		other := newRun(dir, true)
		other.Config.LR = 2e-3
		if err := runFor(t, other, 0); err == nil || !strings.Contains(err.Error(), "lr: 0.001 → 0.002") {
			t.Errorf("k=%d: resume with another lr: got %v, want an error naming lr", k, err)
		}
		if err := runFor(t, newRun(dir, true), 0); err != nil {
			t.Fatalf("k=%d: resume: %v", k, err)
		}
		got, err := luke.LoadSafetensors(filepath.Join(dir, LastSafetensors))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Tensors, got.Tensors); diff != "" {
			t.Errorf("k=%d: resumed weights differ from the uninterrupted run's (-want +got):\n%.2000s", k, diff)
		}
		if diff := cmp.Diff(stepLog(t, straight), stepLog(t, dir)); diff != "" {
			t.Errorf("k=%d: logs differ (-want +got):\n%s", k, diff)
		}
		for _, f := range []string{BestSafetensors, BestArchive, LastArchive} {
			a, _ := os.ReadFile(filepath.Join(straight, f))
			b, _ := os.ReadFile(filepath.Join(dir, f))
			if len(a) == 0 || string(a) != string(b) {
				t.Errorf("k=%d: %s differs from the uninterrupted run's", k, f)
			}
		}
	}
}

// TestOverfitDaNE trains a tiny randomly initialised model on 32 DaNE
// training sentences, with a word-level vocabulary of those sentences,
// and requires a training micro F1 of at least 95 %: the recipe learns.
func TestOverfitDaNE(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for about half a minute")
	}
	corpus, err := dane.Load(t.Context(), testenv.DataDir(t, "dane"), "train")
	if err != nil {
		t.Fatal(err)
	}
	raw := corpus.Sentences[:32]
	vocab := map[string]int{}
	for _, tok := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"} {
		vocab[tok] = len(vocab)
	}
	var words []string
	for _, s := range raw {
		for _, w := range s.Words {
			w = strings.ToLower(w)
			// BERT's pre-tokeniser splits at punctuation: the runs of
			// letters and digits are words of their own.
			words = append(words, strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
			for _, r := range w {
				words = append(words, string(r), "##"+string(r))
			}
		}
	}
	sort.Strings(words)
	for _, w := range words {
		if _, ok := vocab[w]; !ok {
			vocab[w] = len(vocab)
		}
	}
	tok, err := daluke.NewTokenizer(vocab)
	if err != nil {
		t.Fatal(err)
	}
	var sents []Sentence
	for _, s := range raw {
		p, err := tok.Words(s.Words)
		if err != nil {
			t.Fatal(err)
		}
		sents = append(sents, Sentence{ID: s.ID, Pieces: p, Tags: s.Tags})
	}
	meta := luke.Metadata{MaxSeqLength: 128, MaxEntities: 128, MaxEntitySpan: 6}
	start, err := RandomInit(Sizes{VocabSize: len(vocab), Hidden: 64, Layers: 2, Heads: 4, Intermediate: 128,
		MaxPositions: 128, EntitySize: 32}, meta, len(luke.Labels), luke.AllFeatures, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig().Deterministic()
	cfg.Epochs, cfg.LR = 30, 3e-3
	r := &Run{Dir: t.TempDir(), Config: cfg, Start: start, Device: "cpu", Special: tok.Special(), Train: sents}
	s, err := r.Prepare(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	f1, _, err := s.Score(t.Context(), sents)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("training micro F1 after %d updates: %.2f", s.Loop.State.Step, 100*f1)
	if f1 < 0.95 {
		t.Errorf("training micro F1 %.2f, want at least 95", 100*f1)
		pred, _ := s.Trainer.Tag(t.Context(), sents, 8)
		for i := range sents {
			if strings.Join(pred[i], " ") != strings.Join(sents[i].Tags, " ") {
				t.Logf("sentence %s: %v\ngold %v\npred %v", sents[i].ID, raw[i].Words, sents[i].Tags, pred[i])
			}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
