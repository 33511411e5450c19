package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
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
