//go:build torch

package daluke

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nerbench/nerbench/luke"
)

// TestPredictReference checks masked prediction against the pretrained
// forward pass recorded by luke/testdata/reference.py: the same text, the
// same marked spans, and the head scores turned into probabilities.
func TestPredictReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Pre struct {
			Words        []string    `json:"words"`
			WordSpans    [][2]int    `json:"word_spans"`
			WordScores   [][]float32 `json:"word_scores"`
			EntityScores [][]float32 `json:"entity_scores"`
		} `json:"pretrained_forward"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	device := os.Getenv("NERBENCH_DEVICE")
	if device == "" {
		device = "cpu"
	}
	m, err := LoadMasked(t.Context(), fixtureDir, Config{Device: device})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	var spans []luke.Span
	for _, s := range ref.Pre.WordSpans {
		spans = append(spans, luke.Span{Start: s[0], End: s[1]})
	}
	text := ""
	for i, w := range ref.Pre.Words {
		if i > 0 {
			text += " "
		}
		text += w
	}
	const k = 3
	got, err := m.Predict(t.Context(), text, spans, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Masks) != 1 || got.Masks[0].Word != 0 {
		t.Fatalf("got masks %+v, want one in word 0", got.Masks)
	}
	wantEntities := []string{"[MASK]", "USA", "[UNK]"}
	for i, e := range got.Entities {
		if e.Entity != wantEntities[i] {
			t.Errorf("entity %d: got %q, want %q", i, e.Entity, wantEntities[i])
		}
		if (e.Top != nil) != (i == 0) {
			t.Errorf("entity %d: got %d predictions, want them only for [MASK]", i, len(e.Top))
		}
	}
	check := func(name string, top []Prediction, scores []float32, id func(string) int) {
		t.Helper()
		want := topK(scores, k, func(i int64) string { return "" })
		probs := softmax64(scores)
		for r, p := range top {
			if d := math.Abs(p.Prob - want[r].Prob); d > 1e-5 {
				t.Errorf("%s rank %d: got probability %.6f, want %.6f", name, r+1, p.Prob, want[r].Prob)
			}
			if d := math.Abs(p.Prob - probs[id(p.Text)]); d > 1e-5 {
				t.Errorf("%s rank %d (%q): got probability %.6f, the reference gives it %.6f", name, r+1, p.Text,
					p.Prob, probs[id(p.Text)])
			}
		}
	}
	vocab, err := readVocabTxt(filepath.Join(fixtureDir, vocabFile))
	if err != nil {
		t.Fatal(err)
	}
	check("word", got.Masks[0].Top, ref.Pre.WordScores[0], func(s string) int { return vocab[s] })
	check("entity", got.Entities[0].Top, ref.Pre.EntityScores[0], func(s string) int { return m.entities[s] })
	if want := got.Masks[0].Top[0].Text + " blev angrebet af USA i 2003"; got.Filled != want {
		t.Errorf("got filled text %q, want %q", got.Filled, want)
	}
}

func softmax64(scores []float32) []float64 {
	mx := math.Inf(-1)
	for _, v := range scores {
		mx = math.Max(mx, float64(v))
	}
	out := make([]float64, len(scores))
	sum := 0.0
	for i, v := range scores {
		out[i] = math.Exp(float64(v) - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
