package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/results"
)

// cli runs nerbench with args and returns the exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestCSVOutputIsATable runs every command that has CSV output (issue 10
// row 8) and checks that standard output is a CSV table that encoding/csv
// reads with the same number of cells in every row, no comment lines, no
// "±" and no bracketed intervals in a cell, and numbers where the header
// says they are.
func TestCSVOutputIsATable(t *testing.T) {
	dir := t.TempDir()
	reportResults(t, dir) // dane_test_baseline.json and dane_test_perturbed.json
	cmpDir := t.TempDir()
	writeTestResults(t, cmpDir)
	data := t.TempDir() // empty: DaNE test is the embedded copy
	tests := []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", data, "--results-dir", t.TempDir(), "--resamples", "50", "-o", "csv"}},
		{"run --averages", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", data, "--results-dir", dir, "--resume", "--resamples", "200", "--averages", "-o", "csv"}},
		{"data stats", []string{"data", "stats", "--data-dir", data, "-o", "csv"}},
		{"compare", []string{"compare", "--results-dir", cmpDir, "-o", "csv"}},
		{"compare --all", []string{"compare", "--results-dir", cmpDir, "--all", "-o", "csv"}},
		{"coprediction", []string{"coprediction", "baseline", "perturbed", "--data-dir", data, "--results-dir", dir, "--resamples", "50", "-o", "csv"}},
		{"coprediction --all", []string{"coprediction", "--all", "baseline", "--data-dir", data, "--results-dir", dir, "--resamples", "50", "-o", "csv"}},
		{"errors", []string{"errors", "perturbed", "--data-dir", data, "--results-dir", dir, "-o", "csv"}},
		{"models list", []string{"models", "list", "--models-dir", t.TempDir(), "-o", "csv"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cli(t, tc.args...)
			if code != exitOK {
				t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, errOut)
			}
			checkCSVTable(t, out)
		})
	}
	// bench needs ONNX Runtime to measure; its CSV rendering is checked on
	// a report.
	s, out, _ := testStreams()
	rep := &benchReport{ModelDir: "m, with a comma", Runs: []benchRun{{Run: 1, EndToEndSeconds: 1, ForwardSeconds: 0.9, Ratio: 1.11}}, Notes: []string{"a note, with a comma"}}
	if err := writeBench(s, "csv", rep); err != nil {
		t.Fatal(err)
	}
	checkCSVTable(t, out.String())
}

// numericColumn matches the header of columns that must hold numbers.
var numericColumn = regexp.MustCompile(`^(f1|precision|recall|macro_f1|weighted_f1|gold_entities|sentences|tokens|documents|total|irregular|LOC|MISC|ORG|PER|word_agreement|entity_word_agreement|entity_agreement|p_bootstrap|p_randomisation|value|interval|reproduced|diff)(_.*)?$`)

func checkCSVTable(t *testing.T, out string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if len(rows) < 2 {
		t.Fatalf("got %d rows, want a header and data:\n%s", len(rows), out)
	}
	lengths := map[int]bool{}
	for _, row := range rows {
		lengths[len(row)] = true
	}
	if len(lengths) != 1 {
		t.Errorf("got rows of %d different lengths, want one:\n%s", len(lengths), out)
	}
	if strings.HasPrefix(out, "#") || strings.Contains(out, "\n#") {
		t.Errorf("got comment lines in CSV output:\n%s", out)
	}
	header := rows[0]
	for _, row := range rows[1:] {
		for i, cell := range row {
			if strings.Contains(cell, "±") || strings.HasPrefix(cell, "[") {
				t.Errorf("cell %s = %q holds an interval, want one value per cell", header[i], cell)
			}
			if i < len(header) && numericColumn.MatchString(header[i]) && !strings.HasSuffix(header[i], "_kind") && cell != "" {
				if _, err := strconv.ParseFloat(cell, 64); err != nil {
					t.Errorf("cell %s = %q, want a number or an empty cell", header[i], cell)
				}
			}
		}
	}
}

// editJSON rewrites the JSON file at path after edit changes its generic
// form.
func editJSON(t *testing.T, path string, edit func(doc map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEditedResultFileIsRefused edits a result file (issue 10 row 2): its
// misc_on micro F1 set to 0.99, which its own counts contradict, or a
// prediction changed with its hash recomputed, which only the gold data
// reveals. Every command that reads result files refuses it, naming it.
func TestEditedResultFileIsRefused(t *testing.T) {
	edits := []struct {
		name    string
		edit    func(t *testing.T, path string)
		wantErr string
	}{
		{"f1 edited", func(t *testing.T, path string) {
			editJSON(t, path, func(doc map[string]any) {
				doc["misc_on"].(map[string]any)["micro"].(map[string]any)["f1"] = 0.99
			})
		}, "misc_on.micro.f1 is 0.9900, its counts give"},
		{"prediction edited with its hash", func(t *testing.T, path string) {
			f, err := results.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range f.Predictions { // drop the first predicted entity
				if j := strings.IndexFunc(strings.Join(p.Tags, " "), func(r rune) bool { return r == '-' }); j >= 0 {
					for k := range p.Tags {
						f.Predictions[i].Tags[k] = "O"
					}
					break
				}
			}
			f.PredictionsHash = results.PredictionsHash(f.Tags())
			if err := f.Save(path); err != nil {
				t.Fatal(err)
			}
		}, "its predictions give"},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			dir := t.TempDir()
			reportResults(t, dir)
			path := filepath.Join(dir, "dane_test_baseline.json")
			e.edit(t, path)
			data := t.TempDir()

			// coprediction and errors refuse it.
			for _, args := range [][]string{
				{"coprediction", "baseline", "perturbed", "--data-dir", data, "--results-dir", dir, "--resamples", "20"},
				{"errors", "baseline", "--data-dir", data, "--results-dir", dir},
			} {
				code, _, stderr := cli(t, args...)
				if code != exitError || !strings.Contains(stderr, path) || !strings.Contains(stderr, e.wantErr) {
					t.Errorf("%s: got exit code %d, stderr %q; want 1 naming %s and %q", args[0], code, stderr, path, e.wantErr)
				}
			}
			// report leaves it out, says so and shows no 99.00.
			report := filepath.Join(t.TempDir(), "r.md")
			code, _, stderr := cli(t, "report", dir, "--data-dir", data, "--out", report, "--no-figures", "--resamples", "20")
			if code != exitOK || !strings.Contains(stderr, "skipping "+path) || !strings.Contains(stderr, e.wantErr) {
				t.Errorf("report: got exit code %d, stderr %q; want 0 and a warning naming %s", code, stderr, path)
			}
			md, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(md), "99.00") || !strings.Contains(string(md), "`dane_test_baseline.json`") {
				t.Errorf("report: got\n%s\nwant the file listed as left out and no 99.00", md)
			}
			// run --resume predicts again instead of reusing it.
			_, log, err := runEmbedded(t, dir, "resume", "", "data-dir", data)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(log, "not reusing "+path) || !strings.Contains(log, e.wantErr) {
				t.Errorf("run --resume: got log %q, want the file refused", log)
			}
		})
	}
	// compare has no gold data: it checks the stored figures against the
	// stored counts, and refuses the edited F1.
	dir := t.TempDir()
	writeTestResults(t, dir)
	path := filepath.Join(dir, "dane_test_daluke.json")
	editJSON(t, path, func(doc map[string]any) {
		doc["misc_on"].(map[string]any)["micro"].(map[string]any)["f1"] = 0.99
	})
	code, stdout, stderr := cli(t, "compare", "--results-dir", dir)
	if code != exitError || !strings.Contains(stderr, path) || !strings.Contains(stderr, "misc_on.micro.f1 is 0.9900") || strings.Contains(stdout, "99.00") {
		t.Errorf("compare: got exit code %d, stdout %q, stderr %q; want 1 naming %s", code, stdout, stderr, path)
	}
}

// TestReportSkipsUnreadableFile puts a truncated file beside good ones
// (issue 10 row 17): report warns, names it in the report and goes on.
func TestReportSkipsUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	reportResults(t, dir)
	bad := filepath.Join(dir, "dane_test_broken.json")
	if err := os.WriteFile(bad, []byte(`{"schema": "nerbench.result/v1", "model": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "r.md")
	code, _, stderr := cli(t, "report", dir, "--data-dir", t.TempDir(), "--out", report, "--no-figures", "--resamples", "20")
	if code != exitOK || !strings.Contains(stderr, "skipping "+bad) {
		t.Fatalf("got exit code %d, stderr %q; want 0 and a warning naming %s", code, stderr, bad)
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"`dane_test_broken.json`", "| baseline", "| perturbed"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("got report\n%s\nwant it to contain %q", md, want)
		}
	}
	if strings.Contains(string(md), dir) {
		t.Errorf("the report holds the absolute path %s", dir)
	}
}

// TestReportSafeFigureNames gives report a model from a folder whose name
// has a space and a colon, and a figures folder with a space (issue 10 row
// 9): figure files are named with safeName, as result files are, and the
// links resolve.
func TestReportSafeFigureNames(t *testing.T) {
	dir := t.TempDir()
	reportResults(t, dir)
	f, err := results.Load(filepath.Join(dir, "dane_test_perturbed.json"))
	if err != nil {
		t.Fatal(err)
	}
	f.Model.Name = "dir:my model:v2"
	if err := os.Remove(filepath.Join(dir, "dane_test_perturbed.json")); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(resultPath(dir, "dane", "test", f.Model.Name)); err != nil {
		t.Fatal(err)
	}
	figDir := filepath.Join(dir, "my figures")
	report := filepath.Join(dir, "report.md")
	code, _, stderr := cli(t, "report", dir, "--data-dir", t.TempDir(), "--figures-dir", figDir, "--resamples", "20")
	if code != exitOK {
		t.Fatalf("got exit code %d; stderr:\n%s", code, stderr)
	}
	want := "dane_test_dir-my-model-v2_confusion"
	for _, ext := range []string{".png", ".svg"} {
		if _, err := os.Stat(filepath.Join(figDir, want+ext)); err != nil {
			t.Errorf("no figure %s%s: %v", want, ext, err)
		}
	}
	entries, _ := os.ReadDir(figDir)
	for _, e := range entries {
		if strings.ContainsAny(e.Name(), ": ") {
			t.Errorf("figure file name %q has a colon or a space", e.Name())
		}
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`\]\(([^)]*)\)`).FindAllStringSubmatch(string(md), -1)
	if len(links) == 0 {
		t.Fatal("no links in the report")
	}
	for _, l := range links {
		if strings.ContainsAny(l[1], ": ") {
			t.Errorf("link %q has a colon or a space", l[1])
		}
		path := strings.ReplaceAll(l[1], "%20", " ")
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(path))); err != nil {
			t.Errorf("link %q: %v", l[1], err)
		}
	}
	if !strings.Contains(string(md), "my%20figures/"+want+".png") {
		t.Errorf("got no link to %s.png in the report", want)
	}
}

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"baseline", "baseline"},
		{"dir:my model", "dir-my-model"},
		{`a/b\c<d>e"f|g?h*i`, "a-b-c-d-e-f-g-h-i"},
		{"tab\there(1)", "tab-here-1-"},
		{"ælæctra", "ælæctra"},
	} {
		if got := safeName(tc.in); got != tc.want {
			t.Errorf("safeName(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestRunInterruptedJSON interrupts the second model of a JSON run (issue
// 10 row 17): the output has "interrupted": true and the finished model.
func TestRunInterruptedJSON(t *testing.T) {
	out, _, err := interruptedRun(t, "json")
	if code := exitCode(err); code != exitCancelled {
		t.Errorf("got exit code %d, want %d", code, exitCancelled)
	}
	var doc runJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if doc.Schema != RunSchema || !doc.Interrupted || len(doc.Results) != 1 || doc.Results[0].Model.Name != "baseline" {
		t.Errorf("got schema %q, interrupted %v, %d results; want %s, true and the baseline", doc.Schema, doc.Interrupted, len(doc.Results), RunSchema)
	}
	// A run that finishes says "interrupted": false.
	out, _, err = runEmbedded(t, t.TempDir(), "output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"interrupted": false`) {
		t.Errorf("got\n%s\nwant \"interrupted\": false", out)
	}
}

// TestRunMacroWeightedAverages checks the macro and weighted F1 of run's
// JSON and of --averages (issue 10 row 21) against their definition in
// seqeval 1.2.2's classification_report (metrics/v1.py
// _precision_recall_fscore_support, average='macro' and 'weighted'): the
// mean of the per-type F1 and their mean weighted by gold entities, here
// recomputed from the per-type figures of the same output.
func TestRunMacroWeightedAverages(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runEmbedded(t, dir, "output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc runJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*results.Score{doc.Results[0].MISCOn, doc.Results[0].MISCOff} {
		if s.Macro == nil || s.Weighted == nil {
			t.Fatalf("got no macro or weighted average in %+v", s)
		}
		var sum, wsum float64
		gold := 0
		for _, m := range s.PerType {
			sum += m.F1
			wsum += m.F1 * float64(m.Gold)
			gold += m.Gold
		}
		// Tolerance 1e-12: numpy's pairwise sum against a plain loop.
		if macro := sum / float64(len(s.PerType)); math.Abs(s.Macro.F1-macro) > 1e-12 {
			t.Errorf("got macro F1 %v, want %v", s.Macro.F1, macro)
		}
		if w := wsum / float64(gold); math.Abs(s.Weighted.F1-w) > 1e-12 || s.Weighted.Support != gold {
			t.Errorf("got weighted F1 %v (support %d), want %v (%d)", s.Weighted.F1, s.Weighted.Support, w, gold)
		}
	}
	text, _, err := runEmbedded(t, dir, "resume", "", "averages", "")
	if err != nil {
		t.Fatal(err)
	}
	on := doc.Results[0].MISCOn
	for _, want := range []string{"Macro F1", "Weighted F1", pct(on.Macro.F1), pct(on.Weighted.F1)} {
		if !strings.Contains(text, want) {
			t.Errorf("got table\n%s\nwant it to contain %q", text, want)
		}
	}
	plain, _, err := runEmbedded(t, dir, "resume", "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain, "Macro F1") {
		t.Error("got macro F1 without --averages")
	}
}

// TestRunExportCoNLL exports the baseline's predictions (issue 10 row 20)
// and scores the file with `nerbench score`, the conlleval.pl drop-in: its
// counts and F1 equal those of the run.
func TestRunExportCoNLL(t *testing.T) {
	dir, export := t.TempDir(), filepath.Join(t.TempDir(), "pred")
	if _, _, err := runEmbedded(t, dir, "export-conll", export); err != nil {
		t.Fatal(err)
	}
	f, err := results.Load(filepath.Join(dir, "dane_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(export, "dane_test_baseline.conll")
	code, out, stderr := cli(t, "score", path)
	if code != exitOK {
		t.Fatalf("score: exit code %d; stderr:\n%s", code, stderr)
	}
	m := regexp.MustCompile(`processed (\d+) tokens with (\d+) phrases; found: (\d+) phrases; correct: (\d+)\.`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("got score output\n%s\nwant conlleval's counts line", out)
	}
	micro := f.MISCOn.Micro
	want := []string{strconv.Itoa(f.Dataset.Tokens), strconv.Itoa(micro.Gold), strconv.Itoa(micro.Predicted), strconv.Itoa(micro.TP)}
	for i, w := range want {
		if m[i+1] != w {
			t.Errorf("score: got counts %v, want tokens, gold, found, correct %v", m[1:], want)
			break
		}
	}
	if fb1 := "FB1:  " + pct(micro.F1); !strings.Contains(out, fb1) {
		t.Errorf("score: got\n%s\nwant overall %q", out, fb1)
	}
	// No temporary file is left beside the export.
	entries, _ := os.ReadDir(export)
	if len(entries) != 1 {
		t.Errorf("got %d files in the export folder, want 1", len(entries))
	}
}

func TestExportCoNLLRefusesUnwritableWords(t *testing.T) {
	for _, word := range []string{"New York", "", "-X-", "tab\there"} {
		c, a, _ := handCorpus()
		c.Sentences[2].Words[1] = word
		f := handResult(t, c, "a", []string{"LOC", "MISC", "ORG", "PER"}, a)
		err := exportCoNLL(t.TempDir(), c, f)
		if err == nil || !strings.Contains(err.Error(), "sentence s2, word 2") {
			t.Errorf("word %q: got %v, want an error naming sentence s2, word 2", word, err)
		}
	}
}

// TestRunShowsIrregularChunks runs on a Plank dev file with Plank's
// irregular B-PER I-PER I-LOC (issue 10 row 17): the table lists it as
// `data stats` does, and the JSON output holds it.
func TestRunShowsIrregularChunks(t *testing.T) {
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, "plank"), 0o755); err != nil {
		t.Fatal(err)
	}
	dev := "Hans\tB-PER\nsang\tO\n\t\nNat\tB-PER\nKing\tI-PER\nCole\tI-LOC\nsang\tO\n\t\n"
	if err := os.WriteFile(filepath.Join(data, "plank", "da_ddt-ud-ner-dev.conll"), []byte(dev), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stats, stderr := cli(t, "data", "stats", "-d", "plank", "--data-dir", data)
	if code != exitOK {
		t.Logf("data stats: exit code %d (%s); comparing with run alone", code, stderr)
	}
	want := "irregular: plank dev, sentence dev-2 (line 6, word 3): I-LOC follows I-PER; kept as is, counted as its own chunk"
	if code == exitOK && !strings.Contains(stats, want) {
		t.Errorf("data stats: got\n%s\nwant %q", stats, want)
	}
	out, _, err := runEmbedded(t, t.TempDir(), "dataset", "plank", "split", "dev", "data-dir", data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, want) {
		t.Errorf("run: got\n%s\nwant %q", out, want)
	}
	js, _, err := runEmbedded(t, t.TempDir(), "dataset", "plank", "split", "dev", "data-dir", data, "output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc runJSON
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Irregular) != 1 || doc.Irregular[0].Sentence != "dev-2" || doc.Irregular[0].Line != 6 || doc.Irregular[0].Word != 3 {
		t.Errorf("got irregular chunks %+v, want dev-2 line 6 word 3", doc.Irregular)
	}
}

// interruptedRun runs the baseline and then a model that cancels the run,
// as Ctrl-C would, with the given output format, and returns standard
// output, the results folder and the error of the run.
func interruptedRun(t *testing.T, output string) (out, dir string, err error) {

	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, err := registry().Lookup("baseline")
	if err != nil {
		t.Fatal(err)
	}
	interrupted := &models.Spec{
		Name: "interrupted", Embedded: true, Types: []string{"PER"},
		Load: func(context.Context, string, models.LoadOptions) (*models.Loaded, error) {
			return &models.Loaded{Model: cancelTagger{cancel}, Hash: "sha256:00"}, nil
		},
	}
	s, stdout, _ := testStreams()
	dir = t.TempDir()
	opts := &runOptions{
		out: s, models: []string{"baseline", "interrupted"}, output: output, mode: "default",
		src: sourceOptions{
			dataset: "dane", split: "test", dataDir: t.TempDir(), resultsDir: dir,
			resamples: 50, device: "cpu", base: models.New(base, interrupted),
		},
	}
	err = runRun(ctx, opts)
	return stdout.String(), dir, err
}

// TestRunDefaultModels checks which models a run without --model uses
// (issue 10 row 13): with a model given by --model-dir or --model-file,
// only that one, and no line about the others; otherwise every available
// one, with a line for each skipped one.
func TestRunDefaultModels(t *testing.T) {
	base, err := registry().Lookup("baseline")
	if err != nil {
		t.Fatal(err)
	}
	missing := &models.Spec{Name: "missing", Get: "get it somewhere"}
	given := &models.Spec{Name: "dir:mine", Get: givenWithModelDir}
	tests := []struct {
		name    string
		specs   []*models.Spec
		want    []string
		wantLog string
	}{
		{"registry only", []*models.Spec{base, missing}, []string{"baseline"}, "skipping missing: no folder"},
		{"a model given", []*models.Spec{base, missing, given}, []string{"dir:mine"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _, errb := testStreams()
			src := &source{out: s, reg: models.New(tc.specs...), modelsDir: t.TempDir()}
			got := src.defaultModels()
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got models %v, want %v", got, tc.want)
			}
			if tc.wantLog == "" && errb.Len() > 0 || !strings.Contains(errb.String(), tc.wantLog) {
				t.Errorf("got log %q, want %q", errb.String(), tc.wantLog)
			}
		})
	}
}

// TestJSONSchemas checks the versioned schema name of the JSON outputs of
// data stats and bench (issue 10 row 13; train's is checked in
// TestTrainBaseline).
func TestJSONSchemas(t *testing.T) {
	code, out, stderr := cli(t, "data", "stats", "--data-dir", t.TempDir(), "-o", "json")
	if code != exitOK {
		t.Fatalf("data stats: exit code %d; stderr:\n%s", code, stderr)
	}
	var doc struct {
		Schema string          `json:"schema"`
		Splits []dataStatsJSON `json:"splits"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Schema != "nerbench.datastats/v1" || len(doc.Splits) != 1 {
		t.Errorf("data stats: got schema %q, %d splits, error %v; want nerbench.datastats/v1 and the embedded DaNE test", doc.Schema, len(doc.Splits), err)
	}
	s, buf, _ := testStreams()
	rep := &benchReport{Schema: "nerbench.bench/v1", Runs: []benchRun{{Run: 1}}}
	if err := writeBench(s, "json", rep); err != nil {
		t.Fatal(err)
	}
	var b struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil || b.Schema != "nerbench.bench/v1" {
		t.Errorf("bench: got schema %q, error %v", b.Schema, err)
	}
}

// TestOtherModelsSafeNames checks that coprediction --all finds the result
// file of a model whose name safeName changes (dir:my model is saved as
// ..._dir-my-model.json) under the model's own name, once.
func TestOtherModelsSafeNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"dane_test_baseline.json", "dane_test_dir-my-model.json", "dane_test_b7.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base, err := registry().Lookup("baseline")
	if err != nil {
		t.Fatal(err)
	}
	given := &models.Spec{Name: "dir:my model", Get: givenWithModelDir}
	src := &source{opts: &sourceOptions{resultsDir: dir}, ds: &dane.Dataset, corpus: &benchmarks.Corpus{Split: "test"},
		reg: models.New(base, given), modelsDir: t.TempDir()}
	names, skipped, err := src.otherModels("baseline")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "dir:my model,b7" || len(skipped) != 0 {
		t.Errorf("got models %q, skipped %v; want \"dir:my model,b7\" and none skipped", got, skipped)
	}
}
