package table

import (
	"bytes"
	"strings"
	"testing"
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
		{CSV, []string{"# MISC off\nModel,F1,Note\nbaseline,70.1 ± 3.8,a|b\n"}},
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
