package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/golden"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
)

func TestErrorAnalysisHandCounted(t *testing.T) {
	c, a, b := handCorpus()
	all := []string{"LOC", "MISC", "ORG", "PER"}
	tests := []struct {
		name          string
		pred          [][]string
		wantPerType   []errorRow
		wantTotal     []int
		wantConfusion [][]int
		wantExamples  map[string][]int // kind: sentence indices
	}{
		{
			// A: S0 PER and LOC correct; S1 ORG correct, MISC missing;
			// S3 PER predicted LOC (wrong type); S4 ORG(0,3) predicted
			// MISC(0,1) (wrong type and boundary).
			name: "a", pred: a,
			wantPerType: []errorRow{
				//                  correct spurious missing type boundary both
				{Type: "LOC", Counts: []int{1, 0, 0, 0, 0, 0}},
				{Type: "PER", Counts: []int{1, 0, 0, 1, 0, 0}},
				{Type: "ORG", Counts: []int{1, 0, 0, 0, 0, 1}},
				{Type: "MISC", Counts: []int{0, 0, 1, 0, 0, 0}},
			},
			wantTotal: []int{3, 0, 1, 1, 0, 1},
			wantConfusion: [][]int{
				{1, 0, 0, 0, 0}, // gold LOC: S0w3
				{1, 1, 0, 0, 0}, // gold PER: S3w0 as LOC, S0w0
				{0, 0, 2, 1, 2}, // gold ORG: S1w0-1, S4w0 as MISC, S4w1-2 as O
				{0, 0, 0, 0, 1}, // gold MISC: S1w3 as O
				{0, 0, 0, 0, 5}, // gold O
			},
			wantExamples: map[string][]int{"missing": {1}, "wrong_type": {3}, "wrong_type_boundary": {4}},
		},
		{
			// B: S0 PER correct, LOC predicted ORG (wrong type); S1
			// ORG(0,2) predicted ORG(0,1) (wrong boundary), MISC correct;
			// S2 PER spurious; S3 PER predicted LOC; S4 ORG correct.
			name: "b", pred: b,
			wantPerType: []errorRow{
				{Type: "LOC", Counts: []int{0, 0, 0, 1, 0, 0}},
				{Type: "PER", Counts: []int{1, 1, 0, 1, 0, 0}},
				{Type: "ORG", Counts: []int{1, 0, 0, 0, 1, 0}},
				{Type: "MISC", Counts: []int{1, 0, 0, 0, 0, 0}},
			},
			wantTotal: []int{3, 1, 0, 2, 1, 0},
			wantConfusion: [][]int{
				{0, 0, 1, 0, 0},
				{1, 1, 0, 0, 0},
				{0, 0, 4, 0, 1},
				{0, 0, 0, 1, 0},
				{0, 1, 0, 0, 4},
			},
			wantExamples: map[string][]int{"spurious": {2}, "wrong_type": {0, 3}, "wrong_boundary": {1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := handResult(t, c, tc.name, all, tc.pred)
			d, err := errorAnalysis(&dane.Dataset, c, f, 5)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantPerType, d.PerType); diff != "" {
				t.Errorf("per type: got %v, want %v (-want +got):\n%s", d.PerType, tc.wantPerType, diff)
			}
			if diff := cmp.Diff(tc.wantTotal, d.Total.Counts); diff != "" {
				t.Errorf("total: got %v, want %v", d.Total.Counts, tc.wantTotal)
			}
			if diff := cmp.Diff(tc.wantConfusion, d.Confusion.Counts); diff != "" {
				t.Errorf("confusion: got %v, want %v", d.Confusion.Counts, tc.wantConfusion)
			}
			got := map[string][]int{}
			for _, ex := range d.Examples {
				if len(ex.Examples) != ex.Count {
					t.Errorf("%s: got %d examples of %d, want all", ex.Kind, len(ex.Examples), ex.Count)
				}
				for _, e := range ex.Examples {
					got[ex.Kind] = append(got[ex.Kind], e.Index)
				}
			}
			if diff := cmp.Diff(tc.wantExamples, got); diff != "" {
				t.Errorf("examples: got %v, want %v", got, tc.wantExamples)
			}
			if f.MISCOn.Micro.TP != d.Total.Counts[0] {
				t.Errorf("got %d correct, want the %d true positives of the result", d.Total.Counts[0], f.MISCOn.Micro.TP)
			}
			for _, fm := range []struct {
				format table.Format
				ext    string
			}{{table.Text, "txt"}, {table.Markdown, "md"}, {table.JSON, "json"}} {
				var buf bytes.Buffer
				if fm.format == table.JSON {
					err = writeJSON(&buf, d)
				} else {
					err = d.render(&buf, fm.format)
				}
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", "errors-hand-"+tc.name+"."+fm.ext), buf.Bytes())
			}
		})
	}
}

func TestErrorsFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{args: []string{"baseline", "-n", "2", "-o", "markdown"}},
		{args: []string{}, wantErr: "needs one model"},
		{args: []string{"a", "b"}, wantErr: "needs one model"},
		{args: []string{"a", "-o", "latex"}, wantErr: "unknown output format"},
		{args: []string{"a", "-n", "-2"}, wantErr: "--examples must be at least 0"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			s, _, _ := testStreams()
			got, err := parseArgs(t, func(f func(context.Context, *errorsOptions) error) *cobra.Command { return newErrorsCmd(s, f) }, tc.args...)
			if wantError(t, err, tc.wantErr) {
				return
			}
			if got.model != "baseline" || got.examples != 2 || got.output != table.Markdown {
				t.Errorf("got %+v", got)
			}
		})
	}
}

// TestErrors runs the command on the embedded baseline's predictions of
// DaNE test and checks its totals against the result file.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	s, out, errb := testStreams()
	opts := &errorsOptions{out: s, src: embeddedSource(t, dir), model: "baseline", examples: 2, output: table.JSON}
	if err := runErrors(t.Context(), opts); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	var d ErrorsJSON
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	f, err := results.Load(filepath.Join(dir, "dane_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := f.MISCOn.Micro
	tot := d.Total.Counts
	// Correct entities are the true positives. Every gold entity is
	// correct, missing or paired; every prediction correct, spurious or
	// paired.
	paired := tot[3] + tot[4] + tot[5]
	if d.Schema != ErrorsSchema || tot[0] != m.TP || tot[0]+tot[2]+paired != m.Gold || tot[0]+tot[1]+paired != m.Predicted {
		t.Errorf("got totals %v, want them to add up to tp %d, gold %d, predicted %d", tot, m.TP, m.Gold, m.Predicted)
	}
	words := 0
	for _, r := range d.Confusion.Counts {
		for _, n := range r {
			words += n
		}
	}
	// DaNE test has 10,023 tokens (data/SOURCES.md).
	if words != 10023 {
		t.Errorf("got %d words in the confusion matrix, want 10023", words)
	}
	for _, ex := range d.Examples {
		if len(ex.Examples) != min(2, ex.Count) {
			t.Errorf("%s: got %d examples of %d, want %d", ex.Kind, len(ex.Examples), ex.Count, min(2, ex.Count))
		}
	}
	// Text output names the error kinds; --figures draws the heat map.
	s, out, _ = testStreams()
	opts.out, opts.output, opts.figures = s, table.Text, true
	if err := runErrors(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".png", ".svg"} {
		path := filepath.Join(dir, "figures", "dane_test_baseline_confusion"+ext)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if ext == ".png" {
			if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() < 600 {
				t.Errorf("%s: got error %v, want a PNG at least 600 pixels wide", path, err)
			}
		} else if !bytes.Contains(b, []byte("<svg")) || len(b) < 2000 {
			t.Errorf("%s: got %d bytes, want an SVG document", path, len(b))
		}
	}
	for _, want := range []string{"Wrong type and boundary", "Gold \\ Pred", "Spurious: 2 of"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("got output without %q", want)
		}
	}
}

// TestErrorsNervaluateHandCounted checks nervaluate's schemas in errors'
// JSON and CSV on the hand corpus, with MISC on and off (issue 10, row 23).
func TestErrorsNervaluateHandCounted(t *testing.T) {
	c, _, b := handCorpus()
	noMisc := [][]string{b[0], {"B-ORG", "O", "O", "O"}, b[2], b[3], b[4]}
	type counts = nervalCounts
	tests := []struct {
		name    string
		types   []string
		pred    [][]string
		misc    string
		overall map[string]counts // schema: counts without the metrics
		org     map[string]counts
		types2  []string
	}{
		{
			// B: S0 PER exact, LOC(3,4) predicted ORG; S1 ORG(0,2)
			// predicted ORG(0,1), MISC exact; S2 PER spurious; S3 PER
			// predicted LOC; S4 ORG exact. 6 gold, 7 predicted.
			name: "b", types: []string{"LOC", "MISC", "ORG", "PER"}, pred: b, misc: "on",
			overall: map[string]counts{
				"strict":   {Correct: 3, Incorrect: 3, Spurious: 1, Possible: 6, Actual: 7},
				"exact":    {Correct: 5, Incorrect: 1, Spurious: 1, Possible: 6, Actual: 7},
				"partial":  {Correct: 5, Partial: 1, Spurious: 1, Possible: 6, Actual: 7},
				"ent_type": {Correct: 4, Incorrect: 2, Spurious: 1, Possible: 6, Actual: 7},
			},
			// ORG alone: gold S1(0,2), S4; predicted S0(3,4) (spurious,
			// no gold ORG there), S1(0,1), S4.
			org: map[string]counts{
				"strict":   {Correct: 1, Incorrect: 1, Spurious: 1, Possible: 2, Actual: 3},
				"exact":    {Correct: 1, Incorrect: 1, Spurious: 1, Possible: 2, Actual: 3},
				"partial":  {Correct: 1, Partial: 1, Spurious: 1, Possible: 2, Actual: 3},
				"ent_type": {Correct: 2, Spurious: 1, Possible: 2, Actual: 3},
			},
			types2: []string{"LOC", "MISC", "ORG", "PER"},
		},
		{
			// B without its MISC, from a model without MISC: scored MISC
			// off, so the gold MISC of S1 is not missed. 5 gold, 6
			// predicted.
			name: "b-no-misc", types: []string{"LOC", "ORG", "PER"}, pred: noMisc, misc: "off",
			overall: map[string]counts{
				"strict":   {Correct: 2, Incorrect: 3, Spurious: 1, Possible: 5, Actual: 6},
				"exact":    {Correct: 4, Incorrect: 1, Spurious: 1, Possible: 5, Actual: 6},
				"partial":  {Correct: 4, Partial: 1, Spurious: 1, Possible: 5, Actual: 6},
				"ent_type": {Correct: 3, Incorrect: 2, Spurious: 1, Possible: 5, Actual: 6},
			},
			org: map[string]counts{
				"strict":   {Correct: 1, Incorrect: 1, Spurious: 1, Possible: 2, Actual: 3},
				"exact":    {Correct: 1, Incorrect: 1, Spurious: 1, Possible: 2, Actual: 3},
				"partial":  {Correct: 1, Partial: 1, Spurious: 1, Possible: 2, Actual: 3},
				"ent_type": {Correct: 2, Spurious: 1, Possible: 2, Actual: 3},
			},
			types2: []string{"LOC", "ORG", "PER"},
		},
	}
	strip := func(s nervalSchemas) map[string]counts {
		m := map[string]counts{}
		for _, n := range s.list() {
			c := *n.c
			c.Precision, c.Recall, c.F1 = 0, 0, 0
			m[n.name] = c
		}
		return m
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := handResult(t, c, tc.name, tc.types, tc.pred)
			d, err := errorAnalysis(&dane.Dataset, c, f, 1)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := writeJSON(&buf, d); err != nil {
				t.Fatal(err)
			}
			var got ErrorsJSON
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.MISC != tc.misc {
				t.Errorf("got MISC %s, want %s", got.MISC, tc.misc)
			}
			if diff := cmp.Diff(tc.overall, strip(got.Nervaluate.Overall)); diff != "" {
				t.Errorf("overall (-want +got):\n%s", diff)
			}
			var typesGot []string
			for _, r := range got.Nervaluate.PerType {
				typesGot = append(typesGot, r.Type)
				if r.Type == "ORG" {
					if diff := cmp.Diff(tc.org, strip(r.Schemas)); diff != "" {
						t.Errorf("ORG (-want +got):\n%s", diff)
					}
				}
			}
			if diff := cmp.Diff(tc.types2, typesGot); diff != "" {
				t.Errorf("types (-want +got):\n%s", diff)
			}
			// Partial: (correct + ½ partial) / actual and / possible.
			p := got.Nervaluate.Overall.Partial
			wantP, wantR := (float64(p.Correct)+0.5)/float64(p.Actual), (float64(p.Correct)+0.5)/float64(p.Possible)
			if math.Abs(p.Precision-wantP) > 1e-12 || math.Abs(p.Recall-wantR) > 1e-12 {
				t.Errorf("partial: got precision %v recall %v, want %v %v", p.Precision, p.Recall, wantP, wantR)
			}

			// The CSV stays one long-form table, with the same counts.
			buf.Reset()
			if err := d.csvTable().Print(&buf, io.Discard, table.CSV); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatalf("CSV is not one table: %v", err)
			}
			want := []string{"dataset", "split", "model", "section", "row", "column", "value"}
			if diff := cmp.Diff(want, recs[0]); diff != "" {
				t.Fatalf("CSV header (-want +got):\n%s", diff)
			}
			cells := map[string]string{}
			for _, r := range recs[1:] {
				cells[strings.Join(r[3:6], "/")] = r[6]
			}
			for key, wantV := range map[string]string{
				"nervaluate_strict/All/correct":    strconv.Itoa(tc.overall["strict"].Correct),
				"nervaluate_partial/All/partial":   "1",
				"nervaluate_ent_type/ORG/correct":  "2",
				"nervaluate_exact/All/possible":    strconv.Itoa(tc.overall["exact"].Possible),
				"nervaluate_partial/All/precision": table.Float(100*wantP, 4),
			} {
				if cells[key] != wantV {
					t.Errorf("CSV %s: got %q, want %q", key, cells[key], wantV)
				}
			}
		})
	}
}
