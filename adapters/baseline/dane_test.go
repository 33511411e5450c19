package baseline

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/testenv"
)

func loadEmbedded(t testing.TB) *Model {
	t.Helper()
	m, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestEmbedded(t *testing.T) {
	m := loadEmbedded(t)
	if got, want := m.Types(), []string{"LOC", "MISC", "ORG", "PER"}; !cmp.Equal(got, want) {
		t.Errorf("Types() = %v, want %v", got, want)
	}
	sum := sha256.Sum256(embeddedDaNE)
	if got, want := m.Hash(), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Hash() = %s, want %s", got, want)
	}
	if got := m.File(); got != EmbeddedFile {
		t.Errorf("File() = %q, want %q", got, EmbeddedFile)
	}
	p := m.Provenance()
	// Sentence counts from shared/data/SOURCES.md (DaNE train and dev).
	want := struct {
		Dataset, TrainSplit, DevSplit string
		TrainSentences, DevSentences  int
		Format                        int
	}{"dane", "train", "dev", dane.TrainSentences, dane.DevSentences, FormatVersion}
	got := want
	got.Dataset, got.TrainSplit, got.DevSplit = p.Dataset, p.TrainSplit, p.DevSplit
	got.TrainSentences, got.DevSentences, got.Format = p.TrainSentences, p.DevSentences, p.Format
	if got != want {
		t.Errorf("provenance = %+v, want %+v", got, want)
	}
	if p.Hyper != (TrainConfig{}).Resolved() {
		t.Errorf("hyper-parameters %+v, want the defaults %+v", p.Hyper, TrainConfig{}.Resolved())
	}
	if p.Command == "" || len(p.Epochs) != p.Hyper.Bags {
		t.Errorf("provenance lacks the command or the epochs: %+v", p)
	}
}

// TestEmbeddedReproduces retrains the shipped model from DaNE with the
// settings recorded in it and checks that the file is byte-identical.
func TestEmbeddedReproduces(t *testing.T) {
	dir := testenv.DataDir(t, "dane")
	m := loadEmbedded(t)
	p := m.Provenance()
	train, err := dane.Load(t.Context(), dir, p.TrainSplit)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := dane.Load(t.Context(), dir, p.DevSplit)
	if err != nil {
		t.Fatal(err)
	}
	if got := HashSentences(train.Sentences); got != p.TrainHash {
		t.Fatalf("%s: hash %s, but the model was trained on data with hash %s", train.File, got, p.TrainHash)
	}
	if got := HashSentences(dev.Sentences); got != p.DevHash {
		t.Fatalf("%s: hash %s, but the model was selected on data with hash %s", dev.File, got, p.DevHash)
	}
	h := p.Hyper
	re, err := Train(t.Context(), train.Sentences, dev.Sentences, TrainConfig{
		Seed: h.Seed, MaxEpochs: h.MaxEpochs, Patience: h.Patience, MinCount: h.MinCount,
		GazetteerMaxLen: h.GazetteerMaxLen, Bags: h.Bags, Prune: h.Prune,
		Dataset: p.Dataset, TrainSplit: p.TrainSplit, DevSplit: p.DevSplit, Command: p.Command,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := modelBytes(t, re)
	if bytes.Equal(got, embeddedDaNE) {
		return
	}
	raw, err := re.encode()
	if err != nil {
		t.Fatal(err)
	}
	if zr, err := gzip.NewReader(bytes.NewReader(embeddedDaNE)); err == nil {
		if want, err := io.ReadAll(zr); err == nil && bytes.Equal(raw, want) {
			t.Fatal("retraining gives the same model, but compress/gzip encodes it differently from the embedded file: has Go's compressor changed? Rebuild the file with go generate")
		}
	}
	t.Errorf("retraining gives a different model file (%d bytes, hash %s) than the embedded one (%d bytes, hash %s); provenance diff (-embedded +retrained):\n%s",
		len(got), re.Hash(), len(embeddedDaNE), m.Hash(), cmp.Diff(p, re.Provenance()))
}

// TestEmbeddedQuality checks the shipped model against the quality bar of
// issue 4 on DaNE test (the copy embedded in package dane): micro-F1 at
// least 65 with MISC and at least 70 without. The exact scores are guarded
// by the golden files in golden/.
func TestEmbeddedQuality(t *testing.T) {
	m := loadEmbedded(t)
	test, err := dane.LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pred, err := m.Tag(t.Context(), words(test.Sentences))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		noMisc bool
		min    float64
	}{
		{"MISC on", false, 65},
		{"MISC off", true, 70},
	} {
		if f1 := microF1(t, test.Sentences, pred, tc.noMisc); f1 < tc.min {
			t.Errorf("%s: DaNE test micro-F1 %.2f, want at least %.0f", tc.name, f1, tc.min)
		}
	}
}

// BenchmarkTag tags the DaNE test split (565 sentences, 10,023 words) with
// the embedded model.
func BenchmarkTag(b *testing.B) {
	m := loadEmbedded(b)
	test, err := dane.LoadEmbedded(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	sents := words(test.Sentences)
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Tag(b.Context(), sents); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(sents))/b.Elapsed().Seconds(), "sentences/s")
}

// BenchmarkTrain trains the DaNE model with the default settings.
func BenchmarkTrain(b *testing.B) {
	dir := testenv.DataDir(b, "dane")
	var splits [2][]benchmarks.Sentence
	for i, split := range []string{"train", "dev"} {
		c, err := dane.Load(b.Context(), dir, split)
		if err != nil {
			b.Fatal(err)
		}
		splits[i] = c.Sentences
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Train(b.Context(), splits[0], splits[1], TrainConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}
