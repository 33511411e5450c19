package results

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

func corpus() (*benchmarks.Corpus, *benchmarks.Dataset) {
	c := &benchmarks.Corpus{Dataset: "toy", Split: "test", File: "toy.conll", Sentences: []benchmarks.Sentence{
		{ID: "s1", Words: []string{"Anders", "Fogh", "bor", "i", "Ribe"}, Tags: []string{"B-PER", "I-PER", "O", "O", "B-LOC"}},
		{ID: "s2", Words: []string{"Han", "elsker", "danske", "film"}, Tags: []string{"O", "O", "B-MISC", "O"}},
		{ID: "s3", Words: []string{"Novo", "Nordisk"}, Tags: []string{"B-ORG", "I-ORG"}},
	}}
	ds := &benchmarks.Dataset{Name: "toy", Types: []string{"LOC", "MISC", "ORG", "PER"}}
	return c, ds
}

// Hand-computed: the prediction finds PER and ORG exactly, misses LOC,
// finds MISC, and adds a spurious LOC in s2.
var pred = [][]string{
	{"B-PER", "I-PER", "O", "O", "O"},
	{"B-LOC", "O", "B-MISC", "O"},
	{"B-ORG", "I-ORG"},
}

func TestEvaluate(t *testing.T) {
	c, ds := corpus()
	var f File
	if err := Evaluate(t.Context(), &f, c, ds, ds.Types, pred, Options{}); err != nil {
		t.Fatal(err)
	}
	if f.Main != MainMISCOn {
		t.Errorf("got main %s, want %s", f.Main, MainMISCOn)
	}
	// MISC on: gold 4 (PER, LOC, MISC, ORG), predicted 4 (PER, LOC, MISC, ORG), tp 3.
	want := Metric{Precision: 0.75, Recall: 0.75, F1: 0.75, TP: 3, Predicted: 4, Gold: 4}
	if diff := cmp.Diff(want, f.MISCOn.Micro); diff != "" {
		t.Errorf("misc_on micro (-want +got):\n%s", diff)
	}
	// MISC off: gold 3, predicted 3, tp 2.
	p := 2.0 / 3
	want = Metric{Precision: p, Recall: p, F1: p, TP: 2, Predicted: 3, Gold: 3}
	if diff := cmp.Diff(want, f.MISCOff.Micro, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-12 })); diff != "" {
		t.Errorf("misc_off micro (-want +got):\n%s", diff)
	}
	if _, ok := f.MISCOff.PerType["MISC"]; ok {
		t.Error("got a MISC row with MISC off, want none")
	}
	wantSent := []struct{ tp, pred, gold int }{{1, 1, 2}, {0, 1, 0}, {1, 1, 1}}
	for i, w := range wantSent {
		got := f.MISCOff.Sentence[i]
		if got.TP != w.tp || got.Pred != w.pred || got.Gold != w.gold {
			t.Errorf("sentence %d: got %+v, want %+v", i, got, w)
		}
	}
	// F1 0.75 on 4 gold entities: ± 1.96·√(0.75·0.25/4) = 0.4243.
	if got := f.MISCOn.Intervals.ThesisF1; math.Abs(got.Hi-0.75-0.42435) > 1e-4 {
		t.Errorf("got thesis interval %+v, want 0.75 ± 0.4243", got)
	}
	if f.PredictionsHash != PredictionsHash(pred) || len(f.Predictions) != 3 || f.Predictions[1].ID != "s2" {
		t.Errorf("got predictions %+v (hash %s)", f.Predictions, f.PredictionsHash)
	}
}

func TestEvaluateMainScore(t *testing.T) {
	c, ds := corpus()
	tests := []struct {
		name       string
		dataTypes  []string
		modelTypes []string
		wantMain   string
		wantOn     bool
	}{
		{"both have MISC", []string{"LOC", "MISC", "ORG", "PER"}, []string{"LOC", "MISC", "ORG", "PER"}, MainMISCOn, true},
		{"model without MISC", []string{"LOC", "MISC", "ORG", "PER"}, []string{"LOC", "ORG", "PER"}, MainMISCOff, false},
		{"dataset without MISC", []string{"LOC", "ORG", "PER"}, []string{"LOC", "MISC", "ORG", "PER"}, MainMISCOff, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := *ds
			d.Types = tc.dataTypes
			var f File
			if err := Evaluate(t.Context(), &f, c, &d, tc.modelTypes, pred, Options{}); err != nil {
				t.Fatal(err)
			}
			if f.Main != tc.wantMain || (f.MISCOn != nil) != tc.wantOn || f.MainScore() == nil {
				t.Errorf("got main %s, misc_on present %v; want %s, %v", f.Main, f.MISCOn != nil, tc.wantMain, tc.wantOn)
			}
		})
	}
}

func TestEvaluateLengthMismatch(t *testing.T) {
	c, ds := corpus()
	var f File
	err := Evaluate(t.Context(), &f, c, ds, ds.Types, pred[:2], Options{})
	if !errors.Is(err, benchmarks.ErrPrediction) {
		t.Errorf("got %v, want ErrPrediction", err)
	}
}

func TestSaveLoadAndCache(t *testing.T) {
	c, ds := corpus()
	f := File{Schema: Schema, Model: Model{Name: "toy", Hash: "sha256:aa"}}
	if err := Evaluate(t.Context(), &f, c, ds, ds.Types, pred, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(f.Golden()), string(g.Golden())); diff != "" {
		t.Errorf("round trip changed the result (-saved +loaded):\n%s", diff)
	}
	if tags, why := g.CachedPredictions(c, "sha256:aa"); why != "" || len(tags) != 3 {
		t.Errorf("got cache miss %q, want a hit", why)
	}
	if _, why := g.CachedPredictions(c, "sha256:bb"); why != "the model changed" {
		t.Errorf("got %q, want the model changed", why)
	}
	c.Sentences[0].Tags[4] = "O"
	if _, why := g.CachedPredictions(c, "sha256:aa"); why != "the dataset changed" {
		t.Errorf("got %q, want the dataset changed", why)
	}
	if err := os.WriteFile(path, []byte(`{"schema":"other"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrSchema) {
		t.Errorf("got %v, want ErrSchema", err)
	}
}

func TestGoldenIsDeterministic(t *testing.T) {
	c, ds := corpus()
	var a, b File
	for _, f := range []*File{&a, &b} {
		if err := Evaluate(t.Context(), f, c, ds, ds.Types, pred, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if string(a.Golden()) != string(b.Golden()) {
		t.Error("got different golden summaries for the same input")
	}
	if !strings.Contains(string(a.Golden()), "misc_on micro p=0.7500 r=0.7500 f1=0.7500 tp=3 pred=4 gold=4") {
		t.Errorf("got golden summary\n%s", a.Golden())
	}
}
