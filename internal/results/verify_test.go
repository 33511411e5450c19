package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
)

// savedToy evaluates the toy prediction, saves it and returns the file's
// path and its JSON as a generic map, for editing.
func savedToy(t *testing.T) (string, map[string]any) {
	t.Helper()
	c, ds := corpus()
	f := File{Schema: Schema, Model: Model{Name: "toy", Hash: "sha256:aa", Types: ds.Types}}
	if err := Evaluate(t.Context(), &f, c, ds, ds.Types, pred, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "toy_test_toy.json")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return path, doc
}

// set sets the value at a dotted key path of doc ("misc_on.micro.f1").
func set(t *testing.T, doc map[string]any, key string, v any) {
	t.Helper()
	parts := strings.Split(key, ".")
	m := doc
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			t.Fatalf("no object %s in %s", p, key)
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

func writeDoc(t *testing.T, path string, doc map[string]any) {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesEditedScores edits one stored figure at a time: Load must
// refuse the file, naming it and the figure, since the stored counts give
// another number.
func TestLoadRefusesEditedScores(t *testing.T) {
	tests := []struct {
		key     string
		value   any
		wantErr string
	}{
		{"misc_on.micro.f1", 0.99, "misc_on.micro.f1 is 0.9900, its counts give 0.7500"},
		{"misc_off.micro.precision", 1.0, "misc_off.micro.precision is 1.0000"},
		{"misc_on.per_type.PER.recall", 0.5, "misc_on.per_type.PER.recall"},
		{"misc_on.per_type.LOC.gold", 7, "misc_on.per_type.LOC"},
		{"misc_on.micro.tp", 9, "misc_on.micro"},
		{"misc_on.intervals.thesis_f1.hi", 0.99, "misc_on.intervals.thesis_f1.hi"},
		{"misc_off.intervals.wilson_recall.lo", 0.01, "misc_off.intervals.wilson_recall.lo"},
		{"misc_on.macro.f1", 0.99, "misc_on.macro.f1"},
		{"misc_off.weighted.support", 12, "misc_off.weighted.support"},
		{"misc_on.accuracy", 1.5, "misc_on.accuracy"},
		{"scoring.level", 2.0, "scoring.level"},
		{"main", "neither", "main is"},
		{"dataset.sentences", 5, "dataset.sentences"},
		{"predictions_hash", "sha256:00", "predictions_hash"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			path, doc := savedToy(t)
			set(t, doc, tc.key, tc.value)
			writeDoc(t, path, doc)
			_, err := Load(path)
			if !errors.Is(err, ErrScores) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want ErrScores naming %s and containing %q", err, path, tc.wantErr)
			}
		})
	}
}

// TestLoadAcceptsFilesWithoutAverages reads a file written before macro and
// weighted averages existed.
func TestLoadAcceptsFilesWithoutAverages(t *testing.T) {
	path, doc := savedToy(t)
	for _, s := range []string{"misc_on", "misc_off"} {
		score := doc[s].(map[string]any)
		delete(score, "macro")
		delete(score, "weighted")
	}
	writeDoc(t, path, doc)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c, ds := corpus()
	if err := f.Verify(t.Context(), c, ds); err != nil {
		t.Errorf("got %v, want the file verified", err)
	}
}

// TestVerify edits a file so that its figures agree with its counts (Load
// accepts it) but not with its predictions; Verify must refuse it.
func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(t *testing.T, doc map[string]any)
		wantErr string // "" for a file that verifies
	}{
		{"untouched", func(*testing.T, map[string]any) {}, ""},
		{"counts and figures edited together", func(t *testing.T, doc map[string]any) {
			// ORG's one true positive is taken away, and every figure
			// that depends on it edited to match: Load cannot tell.
			set(t, doc, "misc_off.per_type.ORG.tp", 0)
			set(t, doc, "misc_off.per_type.ORG.precision", 0)
			set(t, doc, "misc_off.per_type.ORG.recall", 0)
			set(t, doc, "misc_off.per_type.ORG.f1", 0)
			set(t, doc, "misc_off.micro.tp", 1)
			set(t, doc, "misc_off.micro.precision", 1.0/3)
			set(t, doc, "misc_off.micro.recall", 1.0/3)
			set(t, doc, "misc_off.micro.f1", 1.0/3)
			iv := confidence.ThesisF1(confidence.Counts{TP: 1, Pred: 3, Gold: 3}, confidence.DefaultLevel)
			set(t, doc, "misc_off.intervals.thesis_f1", map[string]any{"lo": iv.Lo, "hi": iv.Hi})
			w := confidence.WilsonPrecision(confidence.Counts{TP: 1, Pred: 3, Gold: 3}, confidence.DefaultLevel)
			set(t, doc, "misc_off.intervals.wilson_precision", map[string]any{"lo": w.Lo, "hi": w.Hi})
			w = confidence.WilsonRecall(confidence.Counts{TP: 1, Pred: 3, Gold: 3}, confidence.DefaultLevel)
			set(t, doc, "misc_off.intervals.wilson_recall", map[string]any{"lo": w.Lo, "hi": w.Hi})
			delete(doc["misc_off"].(map[string]any), "macro")
			delete(doc["misc_off"].(map[string]any), "weighted")
		}, "misc_off.micro has tp=1 predicted=3 gold=3, its predictions give tp=2"},
		{"bootstrap interval edited", func(t *testing.T, doc map[string]any) {
			set(t, doc, "misc_on.intervals.bootstrap_f1.hi", 0.99)
		}, "misc_on.intervals.bootstrap_f1.hi is 0.9900"},
		{"per-type bootstrap interval edited", func(t *testing.T, doc map[string]any) {
			set(t, doc, "misc_on.per_type_bootstrap_f1.PER.lo", 0.5)
		}, "misc_on.per_type_bootstrap_f1.PER.lo"},
		{"main edited", func(t *testing.T, doc map[string]any) {
			set(t, doc, "main", MainMISCOff)
		}, "main is misc_off"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, doc := savedToy(t)
			tc.edit(t, doc)
			writeDoc(t, path, doc)
			f, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			c, ds := corpus()
			err = f.Verify(t.Context(), c, ds)
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrScores) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want ErrScores containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestEvaluateAverages checks the macro and weighted averages against
// seqeval 1.2.2: the classification_report docstring example
// (seqeval/metrics/sequence_labeling.py, "macro avg 0.50 0.50 0.50 2",
// "weighted avg 0.50 0.50 0.50 2"), and a hand-computed case with unequal
// supports, where the two differ.
func TestEvaluateAverages(t *testing.T) {
	tests := []struct {
		name            string
		gold, pred      [][]string
		macro, weighted Average
	}{
		{"seqeval docstring",
			[][]string{{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}},
			[][]string{{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}},
			Average{0.5, 0.5, 0.5, 2}, Average{0.5, 0.5, 0.5, 2}},
		// PER: 2 of 2 predicted right, 2 of 3 gold found: P 1, R 2/3,
		// F1 0.8. LOC: 0 of 1 and 0 of 1. Macro: (1+0)/2, (2/3+0)/2,
		// (0.8+0)/2. Weighted by gold 3 and 1: 3/4, (2/3·3)/4, (0.8·3)/4.
		{"unequal supports",
			[][]string{{"B-PER", "I-PER", "O", "B-LOC"}, {"B-PER", "O", "B-PER"}},
			[][]string{{"B-PER", "I-PER", "O", "O"}, {"B-PER", "O", "B-LOC"}},
			Average{0.5, 1.0 / 3, 0.4, 4}, Average{0.75, 0.5, 0.6, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &benchmarks.Corpus{Dataset: "toy", Split: "test"}
			for i, g := range tc.gold {
				words := make([]string, len(g))
				for j := range words {
					words[j] = "w"
				}
				c.Sentences = append(c.Sentences, benchmarks.Sentence{ID: fmt.Sprint(i), Words: words, Tags: g})
			}
			ds := &benchmarks.Dataset{Name: "toy", Types: []string{"LOC", "MISC", "PER"}}
			var f File
			if err := Evaluate(t.Context(), &f, c, ds, ds.Types, tc.pred, Options{CI: confidence.Config{Resamples: 10}}); err != nil {
				t.Fatal(err)
			}
			approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-12 })
			if diff := cmp.Diff(&tc.macro, f.MISCOn.Macro, approx); diff != "" {
				t.Errorf("macro (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(&tc.weighted, f.MISCOn.Weighted, approx); diff != "" {
				t.Errorf("weighted (-want +got):\n%s", diff)
			}
		})
	}
}
