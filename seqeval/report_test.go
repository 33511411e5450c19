package seqeval

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/internal/golden"
)

// TestConllevalReport compares with conlleval.pl (2004-01-26) output,
// produced by running it on these tags (w<i> gold pred lines, a blank line
// between sentences). cmd/nerbench tests more cases against files.
func TestConllevalReport(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred [][]string
		opts       Options
		want       string
	}{
		{"case 09 untyped: duplicate rows", corpus("B I O B"), corpus("B I O I"), Options{},
			"processed 4 tokens with 2 phrases; found: 2 phrases; correct: 2.\n" +
				"accuracy:  75.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n" +
				"                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  2\n" +
				"                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  2\n"},
		{"case 24: the last column is found", corpus("B-MISC O B-PER"), corpus("O O B-PER"), Options{},
			"processed 3 tokens with 2 phrases; found: 1 phrases; correct: 1.\n" +
				"accuracy:  66.67%; precision: 100.00%; recall:  50.00%; FB1:  66.67\n" +
				"             MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n" +
				"              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"},
		{"case 20: no phrases", corpus("O O"), corpus("O O"), Options{},
			"processed 2 tokens with 0 phrases; found: 0 phrases; correct: 0.\n" +
				"accuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n"},
		{"case 23: no tokens", corpus(), corpus(), Options{},
			"processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"},
		// Type "" only on one side prints one row.
		{"untyped gold only", corpus("B O"), corpus("O O"), Options{},
			"processed 2 tokens with 1 phrases; found: 0 phrases; correct: 0.\n" +
				"accuracy:  50.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n" +
				"                 : precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n"},
		// A type longer than 17 bytes is not cut; "é" counts two bytes.
		{"long and non-ASCII types", corpus("B-ORGANISATION-COMPANY B-é"), corpus("B-ORGANISATION-COMPANY B-é"), Options{},
			"processed 2 tokens with 2 phrases; found: 2 phrases; correct: 2.\n" +
				"accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n" +
				"ORGANISATION-COMPANY: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n" +
				"               é: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Score(tc.gold, tc.pred, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, r.ConllevalReport()); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	r, err := Score(seqevalExampleGold, seqevalExamplePred, Options{Details: true, Mode: Strict, Scheme: IOB2, Map: map[string]string{"PER": "PER"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/result.json", b)

	// The schema of the issue: every figure can be recomputed from the
	// raw counts.
	var j struct {
		Mode   string  `json:"mode"`
		Scheme *string `json:"scheme"`
		Micro  struct {
			Precision, Recall, F1 float64
			TP, Predicted, Gold   int
		}
		PerType map[string]struct {
			Precision, Recall, F1  float64
			TP, Predicted, Support int
		} `json:"per_type"`
		Accuracy float64 `json:"accuracy"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if j.Mode != "strict" || j.Scheme == nil || *j.Scheme != "IOB2" {
		t.Errorf("mode, scheme: got %q, %v", j.Mode, j.Scheme)
	}
	if got := float64(j.Micro.TP) / float64(j.Micro.Predicted); got != j.Micro.Precision {
		t.Errorf("micro precision: got %v, recomputed %v", j.Micro.Precision, got)
	}
	if pt := j.PerType["PER"]; pt.TP != 1 || pt.Support != 1 || pt.Predicted != 1 {
		t.Errorf("per_type PER: got %+v", pt)
	}

	// NaN (the macro average of nothing) encodes as null.
	r, err = Score(nil, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err = r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Macro struct{ Precision *float64 } }
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if e.Macro.Precision != nil || !math.IsNaN(r.Macro.Precision) {
		t.Errorf("empty macro precision: got %v in JSON, %v in Result, want null and NaN", e.Macro.Precision, r.Macro.Precision)
	}
}

func TestHeader(t *testing.T) {
	r, err := Score(corpus("i-per o"), corpus("I-PER O"), Options{Mode: Strict, Scheme: IOB1, NoMisc: true, ZeroDivisionOne: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "mode: strict; scheme: IOB1; MISC: off; zero_division: 1; repairs: 2 gold prefixes upper-cased"
	if got := r.Header(); got != want {
		t.Errorf("header: got %q, want %q", got, want)
	}
}
