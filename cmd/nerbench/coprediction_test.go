package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/internal/golden"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
)

// handCorpus is a five-sentence corpus with two models' predictions whose
// agreement and errors were counted by hand (see the comments of the tests
// that use it).
//
//	S0  Anders bor i Aarhus        gold PER O O LOC   A PER O O LOC   B PER O O ORG
//	S1  Novo Nordisk købte Danske  gold ORG ORG O MISC A ORG ORG O O  B ORG O O MISC
//	S2  Det regner                 gold O O           A O O           B O PER
//	S3  Kim                        gold PER           A LOC           B LOC
//	S4  Dansk Supermarked A/S      gold ORG ORG ORG   A MISC O O      B ORG ORG ORG
func handCorpus() (*benchmarks.Corpus, [][]string, [][]string) {
	c := &benchmarks.Corpus{Dataset: "dane", Split: "test", File: "hand", Sentences: []benchmarks.Sentence{
		{ID: "s0", Words: []string{"Anders", "bor", "i", "Aarhus"}, Tags: []string{"B-PER", "O", "O", "B-LOC"}},
		{ID: "s1", Words: []string{"Novo", "Nordisk", "købte", "Danske"}, Tags: []string{"B-ORG", "I-ORG", "O", "B-MISC"}},
		{ID: "s2", Words: []string{"Det", "regner"}, Tags: []string{"O", "O"}},
		{ID: "s3", Words: []string{"Kim"}, Tags: []string{"B-PER"}},
		{ID: "s4", Words: []string{"Dansk", "Supermarked", "A/S"}, Tags: []string{"B-ORG", "I-ORG", "I-ORG"}},
	}}
	a := [][]string{
		{"B-PER", "O", "O", "B-LOC"},
		{"B-ORG", "I-ORG", "O", "O"},
		{"O", "O"},
		{"B-LOC"},
		{"B-MISC", "O", "O"},
	}
	b := [][]string{
		{"B-PER", "O", "O", "B-ORG"},
		{"B-ORG", "O", "O", "B-MISC"},
		{"O", "B-PER"},
		{"B-LOC"},
		{"B-ORG", "I-ORG", "I-ORG"},
	}
	return c, a, b
}

// handResult scores pred as `nerbench run` does and names the model.
func handResult(t *testing.T, c *benchmarks.Corpus, name string, types []string, pred [][]string) *results.File {
	t.Helper()
	f := &results.File{Schema: results.Schema, Model: results.Model{Name: name, TrainedOn: "hand", Types: types, Hash: "sha256:" + name}}
	if err := results.Evaluate(t.Context(), f, c, &dane.Dataset, types, pred, results.Options{CI: confidence.Config{Resamples: 200}}); err != nil {
		t.Fatal(err)
	}
	return f
}

func handSource(c *benchmarks.Corpus) *source {
	return &source{opts: &sourceOptions{resamples: 200}, ds: &dane.Dataset, corpus: c}
}

func TestCopredictHandCounted(t *testing.T) {
	c, a, b := handCorpus()
	all := []string{"LOC", "MISC", "ORG", "PER"}
	fa, fb := handResult(t, c, "a", all, a), handResult(t, c, "b", all, b)
	d, err := copredict(t.Context(), handSource(c), fa, fb, 10)
	if err != nil {
		t.Fatal(err)
	}
	// 14 words; A and B differ on S0w3, S1w1, S1w3, S2w1 and all of S4.
	// Words in an entity of A or B: S0w0 S0w3 S1w0 S1w1 S1w3 S2w1 S3w0 and
	// S4's three; they agree on S0w0, S1w0 and S3w0. Entities: A has 5, B
	// 7, shared S0 PER and S3 LOC: Jaccard 2/10.
	// F1: A has 3 TP, 5 predicted, 6 gold: P .6, R .5, F1 6/11; B has 3
	// TP, 7 predicted, 6 gold: P 3/7, R .5, F1 6/13.
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"word agreement", d.WordAgreement, rate{Agree: 7, Total: 14, Rate: 7.0 / 14}},
		{"entity words", d.EntityWordAgreement, rate{Agree: 3, Total: 10, Rate: 0.3}},
		{"entities", d.EntityAgreement, entityAgreement{Both: 2, A: 5, B: 7, Jaccard: 0.2}},
		{"labels", d.Labels, []string{"LOC", "PER", "ORG", "MISC", "O"}},
		{"matrix", d.Matrix, [][]int{
			{1, 0, 1, 0, 0}, // A LOC: S3w0/LOC, S0w3/ORG
			{0, 1, 0, 0, 0}, // A PER: S0w0
			{0, 0, 1, 0, 1}, // A ORG: S1w0/ORG, S1w1/O
			{0, 0, 1, 0, 0}, // A MISC: S4w0/ORG
			{0, 1, 2, 1, 4}, // A O: S2w1/PER, S4w1-2/ORG, S1w3/MISC, S0w1 S0w2 S1w2 S2w0
		}},
		{"differing", d.DifferingSentences, 4},
		{"example sentences", []int{d.Examples[0].Index, d.Examples[1].Index, d.Examples[2].Index, d.Examples[3].Index}, []int{0, 1, 2, 4}},
		{"example marks", d.Examples[3].Mark, []int{0, 1, 2}},
		{"f1 a", math.Abs(d.Significance.F1A-6.0/11) < 1e-12, true},
		{"f1 b", math.Abs(d.Significance.F1B-6.0/13) < 1e-12, true},
		{"difference", math.Abs(d.Significance.Comparison.F1.Estimate-(6.0/11-6.0/13)) < 1e-12, true},
		{"misc", d.Significance.MISC, "on"},
	} {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	for _, f := range []struct {
		format table.Format
		file   string
	}{{table.Text, "coprediction-hand.txt"}, {table.Markdown, "coprediction-hand.md"}, {table.JSON, "coprediction-hand.json"}} {
		var buf bytes.Buffer
		var err error
		if f.format == table.JSON {
			err = writeJSON(&buf, d)
		} else {
			err = d.render(&buf, f.format)
		}
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", f.file), buf.Bytes())
	}
}

// TestCopredictLackingType checks the dashes of a model without MISC and
// the significance test with MISC off.
func TestCopredictLackingType(t *testing.T) {
	c, a, b := handCorpus()
	noMisc := make([][]string, len(b))
	for i, s := range b {
		noMisc[i] = make([]string, len(s))
		for j, tag := range s {
			if strings.HasSuffix(tag, "-MISC") {
				tag = "O"
			}
			noMisc[i][j] = tag
		}
	}
	fa := handResult(t, c, "a", []string{"LOC", "MISC", "ORG", "PER"}, a)
	fb := handResult(t, c, "b", []string{"LOC", "ORG", "PER"}, noMisc)
	d, err := copredict(t.Context(), handSource(c), fa, fb, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Significance.MISC != "off" {
		t.Errorf("got MISC %s, want off", d.Significance.MISC)
	}
	// With MISC off, A has S0 PER, LOC, S1 ORG and S3 LOC: 3 TP of 4
	// predicted, 5 gold entities without MISC: F1 2·.75·.6/1.35.
	if want := 2 * 0.75 * 0.6 / 1.35; math.Abs(d.Significance.F1A-want) > 1e-12 {
		t.Errorf("got F1 of A %v, want %v", d.Significance.F1A, want)
	}
	if len(d.Examples) != 0 {
		t.Errorf("got %d examples, want none with --examples 0", len(d.Examples))
	}
	matrix := d.tables()[1]
	misc := matrix.Rows[0][4] // A's LOC row, B's MISC column
	if misc != "-" {
		t.Errorf("got LOC/MISC cell %q, want a dash for B's missing MISC", misc)
	}
	if got := matrix.Rows[3][1]; got != "0" {
		t.Errorf("got MISC/LOC cell %q, want 0: A predicts MISC", got)
	}
}

func TestCopredictionFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		check   func(*testing.T, *copredictionOptions)
	}{
		{args: []string{"baseline", "b7", "--model-file", "b7=x.nbm.gz", "-n", "3", "-o", "json", "--dataset", "plank", "--split", "dev"},
			check: func(t *testing.T, o *copredictionOptions) {
				if o.a != "baseline" || o.b != "b7" || o.examples != 3 || o.output != table.JSON || o.src.dataset != "plank" || o.src.split != "dev" || o.src.modelFiles[0] != "b7=x.nbm.gz" {
					t.Errorf("got %+v", o)
				}
			}},
		{args: []string{"--all", "baseline"}, check: func(t *testing.T, o *copredictionOptions) {
			if o.all != "baseline" || o.src.dataset != "dane" || o.src.split != "test" || o.output != table.Text {
				t.Errorf("got %+v", o)
			}
		}},
		{args: []string{"baseline"}, wantErr: "needs two models"},
		{args: []string{"baseline", "baseline"}, wantErr: "both baseline"},
		{args: []string{"--all", "baseline", "x"}, wantErr: "--all takes no model arguments"},
		{args: []string{"a", "b", "-o", "yaml"}, wantErr: "unknown output format"},
		{args: []string{"a", "b", "-n", "-1"}, wantErr: "--examples must be at least 0"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			s, _, _ := testStreams()
			got, err := parseArgs(t, func(f func(context.Context, *copredictionOptions) error) *cobra.Command {
				return newCopredictionCmd(s, f)
			}, tc.args...)
			if wantError(t, err, tc.wantErr) {
				return
			}
			tc.check(t, got)
		})
	}
}

// embeddedSource returns source options for the embedded DaNE test split
// with the embedded baseline model file also known as "copy".
func embeddedSource(t *testing.T, resultsDir string) sourceOptions {
	t.Helper()
	return sourceOptions{
		dataset: "dane", split: "test", dataDir: t.TempDir(), modelsDir: t.TempDir(), resultsDir: resultsDir,
		modelFiles: []string{"copy=" + filepath.Join("..", "..", "adapters", "baseline", "model", "dane.nbm.gz")},
		device:     "cpu", batchSize: 64, resamples: 100,
	}
}

// TestCoprediction runs the command on real predictions: the embedded
// baseline against the same model file loaded with --model-file, which
// must agree everywhere, and with --all.
func TestCoprediction(t *testing.T) {
	dir := t.TempDir()
	s, out, errb := testStreams()
	opts := &copredictionOptions{out: s, src: embeddedSource(t, dir), a: "baseline", b: "copy", examples: 3, output: table.JSON}
	if err := runCoprediction(t.Context(), opts); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	var d CopredictionJSON
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	// DaNE test has 565 sentences and 10,023 tokens (data/SOURCES.md).
	if d.Schema != CopredictionSchema || d.WordAgreement.Total != 10023 || d.WordAgreement.Rate != 1 || d.EntityAgreement.Jaccard != 1 ||
		d.DifferingSentences != 0 || len(d.Examples) != 0 || d.Significance.Comparison.F1.Estimate != 0 {
		t.Errorf("got %+v, want complete agreement on 10023 words", d)
	}
	for _, g := range d.WordsByGold {
		if g.OnlyA != 0 || g.OnlyB != 0 || g.Neither != g.NeitherSame {
			t.Errorf("got split %+v, want no disagreement", g)
		}
	}
	for _, name := range []string{"baseline", "copy"} {
		if _, err := os.Stat(filepath.Join(dir, "dane_test_"+name+".json")); err != nil {
			t.Errorf("got %v, want the result file of %s written", err, name)
		}
	}

	// --all REF uses the cached results and lists the other model.
	s, out, errb = testStreams()
	opts = &copredictionOptions{out: s, src: embeddedSource(t, dir), all: "copy", output: table.Text}
	if err := runCoprediction(t.Context(), opts); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	if !strings.Contains(out.String(), "│ baseline │") || !strings.Contains(out.String(), "100.00") {
		t.Errorf("got\n%s\nwant a row for baseline with 100 %% agreement", out)
	}
	if strings.Contains(errb.String(), "predicting") {
		t.Errorf("got log %q, want the cached results used", errb)
	}

	// The JSON schema of --all. The skipped models depend on the registry,
	// which grows; they are checked here and left out of the golden file.
	s, out, errb = testStreams()
	opts = &copredictionOptions{out: s, src: embeddedSource(t, dir), all: "copy", output: table.JSON}
	if err := runCoprediction(t.Context(), opts); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	var all CopredictionAllJSON
	if err := json.Unmarshal(out.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if len(all.Skipped) == 0 {
		t.Errorf("got no skipped models, want the registry's models without a folder in the empty models folder")
	}
	for _, sk := range all.Skipped {
		if sk.Model == "" || !strings.Contains(sk.Reason, opts.src.modelsDir) && !strings.Contains(sk.Reason, "torch build") {
			t.Errorf("got skipped %+v, want a model and a reason naming the models folder or the torch build", sk)
		}
	}
	all.Skipped = []skippedModel{}
	var buf bytes.Buffer
	if err := writeJSON(&buf, &all); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "coprediction-all-dane.json"), buf.Bytes())
}

func TestCopredictionErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		edit    func(*copredictionOptions)
		wantErr string
	}{
		{"unknown model", func(o *copredictionOptions) { o.b = "nosuch" }, "unknown model"},
		{"bad model file", func(o *copredictionOptions) { o.src.modelFiles = []string{"x"} }, "want NAME=PATH"},
		{"taken name", func(o *copredictionOptions) { o.src.modelFiles = []string{"baseline=x.nbm.gz"} }, "the name baseline is taken"},
		{"missing model file", func(o *copredictionOptions) { o.src.modelFiles = []string{"c=nosuch.nbm.gz"} }, "nosuch.nbm.gz"},
		{"bad split", func(o *copredictionOptions) { o.src.split = "nosuch" }, "no split"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := testStreams()
			opts := &copredictionOptions{out: s, src: embeddedSource(t, dir), a: "baseline", b: "copy", output: table.Text}
			tc.edit(opts)
			err := runCoprediction(t.Context(), opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
	// A result file for other data is refused.
	s, _, _ := testStreams()
	c, a, _ := handCorpus()
	f := handResult(t, c, "baseline", nil, a)
	if err := f.Save(filepath.Join(dir, "dane_test_baseline.json")); err != nil {
		t.Fatal(err)
	}
	opts := &copredictionOptions{out: s, src: embeddedSource(t, dir), a: "baseline", b: "copy", output: table.Text}
	if err := runCoprediction(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "the dataset changed") {
		t.Errorf("got %v, want an error saying the dataset changed", err)
	}
}
