package published

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// thesisCommit is the commit of peleiden/bug-free-guacamole every table was
// transcribed from.
const thesisCommit = "a9a28dea53e09e1f17422fc5dfdb070c3d789570"

func TestTables(t *testing.T) {
	ts, err := Tables()
	if err != nil {
		t.Fatal(err)
	}
	type shape struct {
		ID, Label, File, Dataset, Split string
		Kind                            TableKind
		Rows, Columns                   int
	}
	var got []shape
	for _, tb := range ts {
		got = append(got, shape{tb.ID, tb.Label, tb.Source.File, tb.Dataset, tb.Split, tb.Kind, len(tb.Rows), len(tb.Columns)})
		if tb.Source.Commit != thesisCommit || tb.Source.Repo != "peleiden/bug-free-guacamole" {
			t.Errorf("table %s: source %s@%s, want peleiden/bug-free-guacamole@%s", tb.ID, tb.Source.Repo, tb.Source.Commit, thesisCommit)
		}
	}
	// Row and column counts as printed at thesisCommit.
	want := []shape{
		{"5.3", "tab:DaNE", "sections/results.tex", "dane", "test", KindModels, 10, 8},
		{"5.4", "tab:Plank", "sections/results.tex", "plank", "test", KindModels, 10, 8},
		{"5.5", "tab:WikiANN", "sections/results.tex", "wikiann", "test", KindModels, 10, 6},
		{"6.15", "tab:seeds", "sections/discussion.tex", "dane", "test", KindRuns, 7, 7},
		{"6.16", "tab:cross", "sections/discussion.tex", "dane", "cv5", KindRuns, 7, 7},
		{"6.17", "tab:datasets", "sections/discussion.tex", "", "test", KindCrossDataset, 9, 8},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	ids, err := IDs()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"5.3", "5.4", "5.5", "6.15", "6.16", "6.17"}; !slices.Equal(ids, want) {
		t.Errorf("IDs() = %v, want %v", ids, want)
	}
}

func TestSpotValues(t *testing.T) {
	tests := []struct {
		name    string
		table   string
		printed string // the row's printed header cells joined with " | "
		metric  Metric
		want    Cell
	}{
		// sections/results.tex at thesisCommit, line 106.
		{"DaNE DaLUKE F1", "5.3", "DaLUKE | DaNE", F1, Cell{State: Reported, Value: 82.9, Decimals: 1, HasPM: true, PM: 3, Text: "82.9 ± 3"}},
		// results.tex:107: da-BERT is not trained on MISC.
		{"DaNE da-BERT F1 is a dash", "5.3", "DaNLP da-BERT | DaNE", F1, Cell{State: Dash, Text: "--"}},
		// results.tex:111.
		{"DaNE DaCy large MISC", "5.3", "DaCy large | DaNE", F1MISC, Cell{State: Reported, Value: 78.1, Decimals: 1, Text: "78.1"}},
		// results.tex:114, quoted in issue 4 as "Polyglot 64.2".
		{"DaNE Polyglot without MISC", "5.3", "Polyglot | Wikipedia", F1NoMISC, Cell{State: Reported, Value: 64.2, Decimals: 1, HasPM: true, PM: 4, Text: "64.2 ± 4"}},
		// results.tex:115, quoted in issue 4 as "daner 56.5".
		{"DaNE daner without MISC", "5.3", "daner | ITU DDT", F1NoMISC, Cell{State: Reported, Value: 56.5, Decimals: 1, HasPM: true, PM: 5, Text: "56.5 ± 5"}},
		// results.tex:115.
		{"DaNE daner LOC", "5.3", "daner | ITU DDT", F1LOC, Cell{State: Reported, Value: 59.4, Decimals: 1, Text: "59.4"}},
		// results.tex:181.
		{"Plank DaLUKE MISC", "5.4", "DaLUKE | DaNE", F1MISC, Cell{State: Reported, Value: 13.2, Decimals: 1, Text: "13.2"}},
		// results.tex:188.
		{"Plank Flair ORG", "5.4", "DaNLP Flair | DaNE", F1ORG, Cell{State: Reported, Value: 36.1, Decimals: 1, Text: "36.1"}},
		// results.tex:216: the printed F1 of WikiANN is scored without MISC.
		{"WikiANN DaLUKE F1", "5.5", "DaLUKE | DaNE", F1NoMISC, Cell{State: Reported, Value: 66.8, Decimals: 1, HasPM: true, PM: 0.1, Text: "66.8 ± 0.1"}},
		// results.tex: WikiANN has no column for F1 with MISC.
		{"WikiANN has no F1 with MISC", "5.5", "DaLUKE | DaNE", F1, Cell{}},
		// results.tex:224.
		{"WikiANN Polyglot F1", "5.5", "Polyglot | Wikipedia", F1NoMISC, Cell{State: Reported, Value: 62.9, Decimals: 1, HasPM: true, PM: 0.1, Text: "62.9 ± 0.1"}},
		// results.tex:225 (the row continues past the read boundary: "& 14.8").
		{"WikiANN daner ORG", "5.5", "daner | ITU DDT", F1ORG, Cell{State: Reported, Value: 14.8, Decimals: 1, Text: "14.8"}},
		// sections/discussion.tex at thesisCommit, line 568.
		{"seed 3 F1", "6.15", "3", F1, Cell{State: Reported, Value: 84.5, Decimals: 1, Text: "84.5"}},
		// discussion.tex:571.
		{"seeds mean F1", "6.15", "Mean", F1, Cell{State: Reported, Value: 82.7, Decimals: 1, Text: "82.7"}},
		// discussion.tex:572.
		{"seeds std recall", "6.15", "Std.", Recall, Cell{State: Reported, Value: 1.3, Decimals: 1, Text: "1.3"}},
		// discussion.tex:649, the recall that does not fit its row.
		{"cv split 2 recall", "6.16", "2", Recall, Cell{State: Reported, Value: 88.1, Decimals: 1, Text: "88.1"}},
		// discussion.tex:654.
		{"cv std MISC", "6.16", "Std.", F1MISC, Cell{State: Reported, Value: 3.0, Decimals: 1, Text: "3.0"}},
		// discussion.tex:679.
		{"cross Plank|DaNE MISC", "6.17", "Plank | DaNE", F1MISC, Cell{State: Reported, Value: 4.6, Decimals: 1, Text: "4.6"}},
		// discussion.tex:684.
		{"cross WikiANN|WikiANN without MISC", "6.17", "WikiANN | WikiANN", F1NoMISC, Cell{State: Reported, Value: 93.4, Decimals: 1, Text: "93.4"}},
		// discussion.tex:684.
		{"cross WikiANN|WikiANN F1 is a dash", "6.17", "WikiANN | WikiANN", F1, Cell{State: Dash, Text: "--"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := findRow(t, tc.table, tc.printed)
			if diff := cmp.Diff(tc.want, row.Cell(tc.metric)); diff != "" {
				t.Errorf("cell %s (-want +got):\n%s", tc.metric, diff)
			}
		})
	}
}

// findRow returns the row of table id whose printed header cells, joined
// with " | ", are printed.
func findRow(t *testing.T, id, printed string) Row {
	t.Helper()
	tb, err := ByID(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tb.Rows {
		if strings.Join(r.Printed, " | ") == printed {
			return r
		}
	}
	t.Fatalf("table %s has no row %q", id, printed)
	return Row{}
}

// TestCrossDatasetReading checks the reading of Table 6.17 given in its
// notes: the row printed "DaNE | Plank" is the model trained on DaNE and
// tested on Plank, so it must agree with Table 5.4's DaLUKE row, and
// likewise "DaNE | WikiANN" with Table 5.5. Both print one decimal, one
// rounded and one truncated, so they may differ by up to 0.1.
func TestCrossDatasetReading(t *testing.T) {
	tests := []struct {
		printed, table string
	}{
		{"DaNE | DaNE", "5.3"},
		{"DaNE | Plank", "5.4"},
		{"DaNE | WikiANN", "5.5"},
	}
	for _, tc := range tests {
		t.Run(tc.printed, func(t *testing.T) {
			cross := findRow(t, "6.17", tc.printed)
			main := findRow(t, tc.table, "DaLUKE | DaNE")
			if cross.TrainedOn != "dane" || cross.Dataset != main.Dataset {
				t.Errorf("6.17 row %q: trained on %s, tested on %s; want dane, %s", tc.printed, cross.TrainedOn, cross.Dataset, main.Dataset)
			}
			n := 0
			for m, c := range cross.Cells {
				mc := main.Cell(m)
				if c.State != Reported || mc.State != Reported {
					continue
				}
				n++
				if math.Abs(c.Value-mc.Value) > 0.1+1e-9 {
					t.Errorf("%s: 6.17 %v, %s %v; want within 0.1", m, c.Value, tc.table, mc.Value)
				}
			}
			if n < 4 {
				t.Errorf("only %d metrics in common, want at least 4", n)
			}
		})
	}
}

func TestParseCell(t *testing.T) {
	tests := []struct {
		in      string
		want    Cell
		wantErr string
	}{
		{"82.9", Cell{State: Reported, Value: 82.9, Decimals: 1, Text: "82.9"}, ""},
		{"87.0", Cell{State: Reported, Value: 87, Decimals: 1, Text: "87.0"}, ""},
		{"74.00", Cell{State: Reported, Value: 74, Decimals: 2, Text: "74.00"}, ""},
		{"100", Cell{State: Reported, Value: 100, Text: "100"}, ""},
		{"82.9 ± 3", Cell{State: Reported, Value: 82.9, Decimals: 1, HasPM: true, PM: 3, Text: "82.9 ± 3"}, ""},
		{"66.8 ± 0.1", Cell{State: Reported, Value: 66.8, Decimals: 1, HasPM: true, PM: 0.1, Text: "66.8 ± 0.1"}, ""},
		{"--", Cell{State: Dash, Text: "--"}, ""},
		{"", Cell{}, "empty cell"},
		{"-", Cell{}, "not a plain decimal"},
		{"8,29", Cell{}, "not a plain decimal"},
		{"1e2", Cell{}, "not a plain decimal"},
		{"100.1", Cell{}, "above 100"},
		{"82.9 ±", Cell{}, "after ±"},
		{"82.9 ± 0", Cell{}, "not positive"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseCell(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseCell(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseCell(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// goodTable is a minimal valid table file; the load tests break one thing
// in it at a time.
const goodTable = `{
  "schema": "nerbench.published/v1",
  "id": "9.1", "label": "tab:x", "title": "t", "caption": "c", "kind": "models",
  "dataset": "dane", "split": "test",
  "source": {"repo": "r", "file": "f.tex", "commit": "a9a28dea53e09e1f17422fc5dfdb070c3d789570", "lines": "1-2"},
  "numbering": "n", "header": ["Model name", "Trained on"],
  "columns": [{"metric": "f1", "printed": "F1"}, {"metric": "f1_misc", "printed": "MISC"}],
  "rows": [{"kind": "model", "printed": ["DaLUKE", "DaNE"], "model": "DaLUKE", "trained_on": "dane", "cells": {"f1": "82.9 ± 3", "f1_misc": "--"}}]
}`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, from, to, wantErr string
	}{
		{"valid", "table-9.1.json", "", "", ""},
		{"schema", "table-9.1.json", `published/v1`, `published/v2`, `schema "nerbench.published/v2"`},
		{"file name", "table-9.2.json", "", "", `id "9.1" does not match the file name`},
		{"unknown field", "table-9.1.json", `"title"`, `"titel"`, `unknown field "titel"`},
		{"commit", "table-9.1.json", `a9a28dea53e09e1f17422fc5dfdb070c3d789570`, `a9a28dea`, "not a full commit hash"},
		{"unknown metric", "table-9.1.json", `"metric": "f1_misc"`, `"metric": "f2"`, `unknown metric "f2"`},
		{"cell outside the columns", "table-9.1.json", `"f1_misc": "--"`, `"f1_loc": "80.0"`, `cell "f1_loc" is not one of the table's columns`},
		{"bad number", "table-9.1.json", `"82.9 ± 3"`, `"82,9"`, `row 1 (DaLUKE | DaNE): cell f1: "82,9" is not a plain decimal`},
		{"empty cell", "table-9.1.json", `"f1_misc": "--"`, `"f1_misc": ""`, "empty cell"},
		{"unknown model", "table-9.1.json", `"model": "DaLUKE"`, `"model": "DaBERT"`, `model "DaBERT" is not in the thesis-to-nerbench model map`},
		{"printed cells", "table-9.1.json", `["DaLUKE", "DaNE"]`, `["DaLUKE"]`, "1 printed row-header cells, want 2"},
		{"row kind", "table-9.1.json", `"kind": "model"`, `"kind": "mean"`, `kind "mean" does not belong in a models table`},
		{"no number", "table-9.1.json", `"82.9 ± 3"`, `"--"`, "no number in the row"},
		{"runs without std", "table-9.1.json", `"kind": "models"`, `"kind": "runs"`, `kind "model" does not belong in a runs table`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := goodTable
			if tc.from != "" {
				if !strings.Contains(data, tc.from) {
					t.Fatalf("test setup: %q not in the good table", tc.from)
				}
				data = strings.Replace(data, tc.from, tc.to, 1)
			}
			ts, err := load(fstest.MapFS{tc.file: {Data: []byte(data)}})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(ts) != 1 || ts[0].Rows[0].Cell(F1).Value != 82.9 {
					t.Errorf("load() = %+v, want the one good table", ts)
				}
				return
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("load() error = %v, want ErrFormat naming %s and containing %q", err, tc.file, tc.wantErr)
			}
		})
	}
	if _, err := load(fstest.MapFS{}); !errors.Is(err, ErrFormat) {
		t.Errorf("load(empty) error = %v, want ErrFormat", err)
	}
}

func TestRunsTableNeedsMeanAndStd(t *testing.T) {
	runs := strings.NewReplacer(
		`"kind": "models"`, `"kind": "runs"`, `"header": ["Model name", "Trained on"]`, `"header": ["Seed"]`,
	).Replace(goodTable)
	row := `{"kind": "%s", "printed": ["%s"], "model": "DaLUKE", "trained_on": "dane", "cells": {"f1": "82.0"}}`
	rows := func(kinds ...string) string {
		var rs []string
		for _, k := range kinds {
			rs = append(rs, strings.NewReplacer("%s", k).Replace(row))
		}
		return `"rows": [` + strings.Join(rs, ", ") + "]\n}"
	}
	i := strings.Index(runs, `"rows"`)
	tests := []struct {
		name  string
		kinds []string
		ok    bool
	}{
		{"complete", []string{"run", "run", "mean", "std"}, true},
		{"no std", []string{"run", "run", "mean"}, false},
		{"two means", []string{"run", "run", "mean", "mean", "std"}, false},
		{"one run", []string{"run", "mean", "std"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(fstest.MapFS{"table-9.1.json": {Data: []byte(runs[:i] + rows(tc.kinds...))}})
			if tc.ok && err != nil {
				t.Fatal(err)
			}
			if !tc.ok && !errors.Is(err, ErrFormat) {
				t.Fatalf("load() error = %v, want ErrFormat", err)
			}
		})
	}
}

func TestByIDUnknown(t *testing.T) {
	_, err := ByID("5.6")
	if !errors.Is(err, ErrUnknownTable) || !strings.Contains(err.Error(), "5.3, 5.4, 5.5, 6.15, 6.16, 6.17") {
		t.Errorf("ByID(5.6) error = %v, want ErrUnknownTable listing the stored tables", err)
	}
}

func TestModels(t *testing.T) {
	// The map the issue asks for (issue 4, section 5, and the task brief).
	tests := []struct {
		thesis, adapter string
	}{
		{"DaLUKE", "daluke"},
		{"DaNLP da-BERT", "dabert"},
		{"NERDA m-BERT", "mbert"},
		{"NERDA Ælæctra", "aelaectra"},
		{"DaCy large", "dacy-large"},
		{"DaNLP Flair", "flair"},
		{"Polyglot", ""},
		{"daner", ""},
		{"DaNLP spaCy", ""},
	}
	for _, tc := range tests {
		t.Run(tc.thesis, func(t *testing.T) {
			m, ok := ThesisModel(tc.thesis)
			if !ok || m.Adapter != tc.adapter {
				t.Errorf("ThesisModel(%q) = %+v, %v; want adapter %q", tc.thesis, m, ok, tc.adapter)
			}
			if m.Note == "" {
				t.Errorf("ThesisModel(%q) has no note", tc.thesis)
			}
			if tc.adapter != "" {
				back, ok := AdapterModel(tc.adapter)
				if !ok || back.Thesis != tc.thesis {
					t.Errorf("AdapterModel(%q) = %+v, %v; want thesis %q", tc.adapter, back, ok, tc.thesis)
				}
			}
		})
	}
	b, ok := AdapterModel("baseline")
	if !ok || b.Thesis != "" || b.TrainedOn != "dane" {
		t.Errorf(`AdapterModel("baseline") = %+v, %v; want a model not in the thesis, trained on dane`, b, ok)
	}
	seen := map[string]bool{}
	for _, m := range Models() {
		if m.Adapter != "" && seen[m.Adapter] {
			t.Errorf("adapter %q mapped twice", m.Adapter)
		}
		seen[m.Adapter] = true
	}
	if _, ok := ThesisModel(""); ok {
		t.Error(`ThesisModel("") found a model`)
	}
	if _, ok := AdapterModel(""); ok {
		t.Error(`AdapterModel("") found a model`)
	}
}

func TestAgrees(t *testing.T) {
	cell := func(s string) Cell {
		c, err := parseCell(s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		x    float64
		cell string
		want bool
	}{
		{82.89, "82.9", true},  // rounded (Table 5.3, DaLUKE F1)
		{82.89, "82.8", true},  // truncated (Table 6.17, DaNE | DaNE)
		{81.58, "81.5", true},  // truncated (Table 6.15, seed 2)
		{81.58, "81.6", true},  // rounded
		{81.58, "81.7", false}, // neither
		{81.5, "81.5", true},   // exact
		{81.49999999999, "81.5", true},
		{81.45, "81.5", true}, // half away from zero
		{87.0, "87.0", true},
		{86.94, "87.0", false},
		{74.004, "74.00", true},
		{74.014, "74.00", false},
		{3.04, "3", true},
		{2.4, "3", false},
		{3.99, "3", true}, // truncated
	}
	for _, tc := range tests {
		if got := agrees(tc.x, cell(tc.cell)); got != tc.want {
			t.Errorf("agrees(%v, %s) = %v, want %v", tc.x, tc.cell, got, tc.want)
		}
	}
}
