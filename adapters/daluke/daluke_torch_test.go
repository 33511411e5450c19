//go:build torch

package daluke

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/luke"
)

// TestTagReference tags the fixture's texts, given as words, with the
// fixture NER model and expects the tags of the PyTorch reference
// (luke/testdata/reference.py); the model is read from the archive and, as
// model.safetensors, through luke.OpenSafetensors.
func TestTagReference(t *testing.T) {
	texts := readReferenceTexts(t)
	var sentences, want [][]string
	for _, tx := range texts {
		sentences = append(sentences, tx.Words)
		want = append(want, tx.Tags)
	}
	st := t.TempDir()
	ck, err := luke.ReadArchive(filepath.Join(fixtureDir, "daluke-ner.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := luke.SaveSafetensors(filepath.Join(st, "model.safetensors"), ck); err != nil {
		t.Fatal(err)
	}
	vocab, err := os.ReadFile(filepath.Join(fixtureDir, "vocab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(st, "vocab.txt"), vocab, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{{}, {BatchSize: 1, Sentences: 2}, {Archive: "model.safetensors"}} {
		cfg.Device = os.Getenv("NERBENCH_DEVICE")
		if cfg.Device == "" {
			cfg.Device = "cpu"
		}
		dir := fixtureDir
		if cfg.Archive != "" {
			dir = st
		}
		m, err := Load(t.Context(), dir, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		got, err := m.Tag(t.Context(), sentences)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("config %+v: tags mismatch (-want +got):\n%s", cfg, diff)
		}
	}
}

// TestTagDaNE tags the whole DaNE test split (embedded in the binary) with
// the tiny fixture model: the weights are random, so only the shape of the
// output is checked, on real text (its long sentences are windowed, since
// the fixture allows 32 word pieces per pass).
func TestTagDaNE(t *testing.T) {
	if testing.Short() {
		t.Skip("tags 565 sentences")
	}
	corpus, err := dane.LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(t.Context(), fixtureDir, Config{Device: "cpu", BatchSize: 32})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	sentences := make([][]string, len(corpus.Sentences))
	for i, s := range corpus.Sentences {
		sentences[i] = s.Words
	}
	got, err := m.Tag(t.Context(), sentences)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sentences) {
		t.Fatalf("got %d tag sequences, want %d", len(got), len(sentences))
	}
	entities := 0
	for i, tags := range got {
		if len(tags) != len(sentences[i]) {
			t.Fatalf("sentence %s: got %d tags, want %d", corpus.Sentences[i].ID, len(tags), len(sentences[i]))
		}
		for k, tag := range tags {
			typ, ok := strings.CutPrefix(tag, "I-")
			if ok && (k == 0 || (tags[k-1] != "B-"+typ && tags[k-1] != "I-"+typ)) {
				t.Fatalf("sentence %s word %d: %s after %q is no IOB2", corpus.Sentences[i].ID, k, tag, tags[max(k-1, 0)])
			}
			if strings.HasPrefix(tag, "B-") {
				entities++
			}
		}
	}
	t.Logf("%d sentences, %d predicted entities", len(got), entities)
}
