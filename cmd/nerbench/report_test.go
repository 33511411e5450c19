package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/internal/golden"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/spf13/cobra"
)

// reportResults fills dir with result files: the embedded baseline on DaNE
// test, a perturbed copy of its predictions (every fourth sentence all O),
// and a hand-made result on a small "plank test" corpus, so that the
// report has two models to compare and two test sets.
func reportResults(t *testing.T, dir string) {
	t.Helper()
	if _, _, err := runEmbedded(t, dir); err != nil {
		t.Fatal(err)
	}
	base, err := results.Load(filepath.Join(dir, "dane_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := dane.LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pred := base.Tags()
	for i := 0; i < len(pred); i += 4 {
		pred[i] = make([]string, len(pred[i]))
		for j := range pred[i] {
			pred[i][j] = "O"
		}
	}
	f := &results.File{Schema: results.Schema, Model: base.Model}
	f.Model.Name = "perturbed"
	opts := results.Options{CI: confidence.Config{Resamples: 200}}
	if err := results.Evaluate(t.Context(), f, corpus, &dane.Dataset, f.Model.Types, pred, opts); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(filepath.Join(dir, "dane_test_perturbed.json")); err != nil {
		t.Fatal(err)
	}
	hc, a, _ := handCorpus()
	hc.Dataset = plank.Dataset.Name
	p := &results.File{Schema: results.Schema, Model: base.Model}
	if err := results.Evaluate(t.Context(), p, hc, &plank.Dataset, p.Model.Types, a, opts); err != nil {
		t.Fatal(err)
	}
	if err := p.Save(filepath.Join(dir, "plank_test_baseline.json")); err != nil {
		t.Fatal(err)
	}
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	reportResults(t, dir)
	data := t.TempDir()
	s, _, errb := testStreams()
	opts := &reportOptions{out: s, resultsDir: dir, file: filepath.Join(dir, "report.md"), figDir: filepath.Join(dir, "figures"), dataDir: data, resamples: 200}
	if err := runReport(t.Context(), opts); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	got, err := os.ReadFile(opts.file)
	if err != nil {
		t.Fatal(err)
	}
	// The plank gold tags are not in the empty data folder: the report says
	// so, naming the folder, which differs from run to run.
	golden.Check(t, filepath.Join("testdata", "report-dane-plank.md"), bytes.ReplaceAll(got, []byte(data), []byte("$DATA")))

	// Every linked figure exists and is a valid image of a non-trivial size.
	links := regexp.MustCompile(`\]\((figures/[^)]+)\)`).FindAllSubmatch(got, -1)
	want := []string{"dane_test_f1", "dane_test_baseline_confusion", "dane_test_perturbed_confusion", "plank_test_f1", "cross_dataset_f1"}
	if len(links) != 2*len(want) {
		t.Errorf("got %d figure links, want %d", len(links), 2*len(want))
	}
	for _, w := range want {
		if !bytes.Contains(got, []byte("figures/"+w+".png")) || !bytes.Contains(got, []byte("figures/"+w+".svg")) {
			t.Errorf("got no link to %s.png and .svg", w)
		}
	}
	for _, l := range links {
		path := filepath.Join(dir, string(l[1]))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2000 {
			t.Errorf("%s: got %d bytes, want at least 2000", path, len(b))
		}
		switch filepath.Ext(path) {
		case ".png":
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if r := img.Bounds(); r.Dx() < 600 || r.Dy() < 370 {
				t.Errorf("%s: got %v, want at least 600×370 pixels", path, r)
			}
		case ".svg":
			var doc struct{ XMLName xml.Name }
			if err := xml.Unmarshal(b, &doc); err != nil || doc.XMLName.Local != "svg" {
				t.Errorf("%s: got root %v, error %v; want an <svg> document", path, doc.XMLName, err)
			}
		}
	}

	// The same results give the same report.
	if err := runReport(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(opts.file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Errorf("got a different report on the second run")
	}
}

func TestReportErrors(t *testing.T) {
	empty := t.TempDir()
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.json"), []byte(`{"schema": "other"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, wantErr string
	}{
		{"no results", empty, "no result files"},
		{"missing folder", filepath.Join(empty, "nosuch"), "results folder"},
		{"not a result file", bad, "not a nerbench result file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := testStreams()
			opts := &reportOptions{out: s, resultsDir: tc.dir, file: filepath.Join(empty, "r.md"), figDir: filepath.Join(empty, "fig"), resamples: 10}
			err := runReport(t.Context(), opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestReportFlags(t *testing.T) {
	tests := []struct {
		args              []string
		wantErr           string
		wantFile, wantFig string
	}{
		{args: []string{"res"}, wantFile: filepath.Join("res", "report.md"), wantFig: filepath.Join("res", "figures")},
		{args: []string{"res", "--out", "r.md", "--figures-dir", "f"}, wantFile: "r.md", wantFig: "f"},
		{args: []string{}, wantErr: "needs the results folder"},
		{args: []string{"res", "--resamples", "0"}, wantErr: "--resamples"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			s, _, _ := testStreams()
			got, err := parseArgs(t, func(f func(context.Context, *reportOptions) error) *cobra.Command { return newReportCmd(s, f) }, tc.args...)
			if wantError(t, err, tc.wantErr) {
				return
			}
			if got.file != tc.wantFile || got.figDir != tc.wantFig {
				t.Errorf("got file %s and figures %s, want %s and %s", got.file, got.figDir, tc.wantFile, tc.wantFig)
			}
		})
	}
}

// TestCopredictPerturbed checks co-prediction on real predictions against
// what follows from how the perturbed model was made: its predictions are
// the baseline's with some sentences set to all O, so its entities are a
// subset of the baseline's, and where they differ it says O.
func TestCopredictPerturbed(t *testing.T) {
	dir := t.TempDir()
	reportResults(t, dir)
	corpus, err := dane.LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	base, err := results.Load(filepath.Join(dir, "dane_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	pert, err := results.Load(filepath.Join(dir, "dane_test_perturbed.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := copredict(t.Context(), &source{opts: &sourceOptions{resamples: 100}, ds: &dane.Dataset, corpus: corpus}, base, pert, 1000)
	if err != nil {
		t.Fatal(err)
	}
	o := len(d.Labels) - 1
	for i := range d.Labels {
		for j := range d.Labels {
			if i != j && j != o && d.Matrix[i][j] != 0 {
				t.Errorf("matrix %s/%s: got %d, want 0", d.Labels[i], d.Labels[j], d.Matrix[i][j])
			}
		}
	}
	if e := d.EntityAgreement; e.Both != e.B || e.B != pert.MISCOn.Micro.Predicted || e.A != base.MISCOn.Micro.Predicted {
		t.Errorf("got entities %+v, want the perturbed model's %d a subset of the baseline's %d", e, pert.MISCOn.Micro.Predicted, base.MISCOn.Micro.Predicted)
	}
	for _, s := range d.WordsByGold {
		if s.Label != "O" && s.OnlyB != 0 {
			t.Errorf("%s: got %d words only the perturbed model gets right, want 0", s.Label, s.OnlyB)
		}
	}
	for _, ex := range d.Examples {
		if ex.Index%4 != 0 {
			t.Errorf("got a difference in sentence %d, want differences only in every fourth sentence", ex.Index)
		}
		for _, w := range ex.Mark {
			if ex.B[w] != "O" || ex.A[w] == "O" {
				t.Errorf("sentence %d word %d: got %s and %s, want an entity tag and O", ex.Index, w, ex.A[w], ex.B[w])
			}
		}
	}
	if d.DifferingSentences != len(d.Examples) || d.DifferingSentences == 0 {
		t.Errorf("got %d differing sentences and %d examples, want all shown", d.DifferingSentences, len(d.Examples))
	}
}
