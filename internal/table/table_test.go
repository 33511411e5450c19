package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sample() *Table {
	return &Table{
		Title:   "DaNE test",
		Header:  []string{"Model", "F1", "Note"},
		Numeric: []bool{false, true},
		Rows: [][]string{
			{"baseline", "70.1 ± 3.8", "a|b"},
			{"crf_x", "9.0", "50% & more"},
		},
		Notes: []string{"MISC off"},
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		format Format
		want   []string // substrings that must appear
	}{
		{Text, []string{"DaNE test", "Model", "baseline", "70.1 ± 3.8", "MISC off"}},
		{Markdown, []string{"**DaNE test**", "| Model", `a\|b`, "MISC off"}},
		{CSV, []string{"Model,F1,Note\nbaseline,70.1 ± 3.8,a|b\n"}},
		{LaTeX, []string{`\begin{tabular}{lrl}`, `baseline & 70.1 $\pm$ 3.8 & a|b \\`, `50\% \& more`, `crf\_x`}},
	}
	for _, tc := range tests {
		t.Run(string(tc.format), func(t *testing.T) {
			var b bytes.Buffer
			if err := sample().Render(&b, tc.format); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("got %q, want it to contain %q", b.String(), w)
				}
			}
		})
	}
}

// TestCSVIsATable checks that CSV output is a header and rows of equal
// length, with the title and notes on the diagnostics writer only.
func TestCSVIsATable(t *testing.T) {
	var out, diag bytes.Buffer
	if err := sample().Print(&out, &diag, CSV); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out.String())
	}
	want := [][]string{{"Model", "F1", "Note"}, {"baseline", "70.1 ± 3.8", "a|b"}, {"crf_x", "9.0", "50% & more"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("CSV rows (-want +got):\n%s", diff)
	}
	if got := diag.String(); got != "DaNE test\nMISC off\n" {
		t.Errorf("got diagnostics %q, want the title and the note", got)
	}
	// Text output keeps its notes with the table.
	out.Reset()
	diag.Reset()
	if err := sample().Print(&out, &diag, Text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "MISC off") || diag.Len() != 0 {
		t.Errorf("got text %q and diagnostics %q, want the notes in the text", out.String(), diag.String())
	}
}

func TestCSVRaggedRowIsAnError(t *testing.T) {
	tb := sample()
	tb.Rows[1] = tb.Rows[1][:2]
	if err := tb.Render(&bytes.Buffer{}, CSV); !errors.Is(err, ErrRagged) {
		t.Errorf("got %v, want ErrRagged", err)
	}
}

func TestFloat(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		prec int
		want string
	}{{70.8, 2, "70.80"}, {math.NaN(), 2, ""}, {-0.5, 4, "-0.5000"}} {
		if got := Float(tc.x, tc.prec); got != tc.want {
			t.Errorf("Float(%v, %d): got %q, want %q", tc.x, tc.prec, got, tc.want)
		}
	}
}

func TestRenderJSONIsAnError(t *testing.T) {
	if err := sample().Render(&bytes.Buffer{}, JSON); err == nil {
		t.Error("got nil error for JSON, want one")
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat("csv", Text, CSV); err != nil || f != CSV {
		t.Errorf("got %v, %v, want csv, nil", f, err)
	}
	if _, err := ParseFormat("xml", Text, CSV); err == nil || !strings.Contains(err.Error(), "text, csv") {
		t.Errorf("got %v, want an error listing the formats", err)
	}
}
