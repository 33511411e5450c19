package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/results"
)

// embeddedModelFile is the baseline model file embedded in the binary.
var embeddedModelFile = filepath.Join("..", "..", "adapters", "baseline", "model", "dane.nbm.gz")

// TestModelDirNames checks the names of --model-dir folders: the folder's
// name when it is unique, else the shortest distinguishing suffix of its
// path; a folder given twice is used once.
func TestModelDirNames(t *testing.T) {
	root := t.TempDir()
	p := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	tests := []struct {
		name      string
		dirs      []string
		want      []string
		wantNotes int
	}{
		{"one", []string{p("x/model")}, []string{"dir:model"}, 0},
		{"same last name", []string{p("coll/a/model"), p("coll/b/model")}, []string{"dir:a/model", "dir:b/model"}, 0},
		{"same last two names", []string{p("a/x/onnx"), p("b/x/onnx"), p("c/onnx")}, []string{"dir:a/x/onnx", "dir:b/x/onnx", "dir:c/onnx"}, 0},
		{"different last names", []string{p("a/model"), p("b/onnx")}, []string{"dir:model", "dir:onnx"}, 0},
		{"names differing in case only", []string{p("a/Model"), p("b/model")}, []string{"dir:a/Model", "dir:b/model"}, 0},
		{"one folder twice", []string{p("a/model"), p("a/model/"), p("a/../a/model")}, []string{"dir:model"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			specs, err := modelDirSpecs(tc.dirs, &log)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range specs {
				got = append(got, s.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if n := strings.Count(log.String(), "using it once"); n != tc.wantNotes {
				t.Errorf("got %d notes %q, want %d", n, log.String(), tc.wantNotes)
			}
		})
	}
}

// TestDuplicateModelNames runs every command that takes models with
// duplicate and conflicting model names. None may panic: each runs, or
// fails with a message naming the folders or the name, and a usage error
// exits 2.
func TestDuplicateModelNames(t *testing.T) {
	coll := t.TempDir()
	a, b := filepath.Join(coll, "a", "model"), filepath.Join(coll, "b", "model")
	for _, d := range []string{a, b} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dirs := []string{"--model-dir", a, "--model-dir", b}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // in stderr
	}{
		{"run, two folders called model", append([]string{"run", "-m", "baseline"}, dirs...), exitOK, nil},
		{"run, one folder twice", []string{"run", "-m", "baseline", "--model-dir", a, "--model-dir", a + "/"}, exitOK, []string{"using it once"}},
		{"run, the second folder", append([]string{"run", "-m", "dir:b/model"}, dirs...), exitError, []string{"dir:b/model", b}},
		{"run, the ambiguous short name", append([]string{"run", "-m", "dir:model"}, dirs...), exitUsage, []string{`unknown model "dir:model"`, "dir:a/model", "dir:b/model"}},
		{"coprediction, two folders called model", append([]string{"coprediction", "dir:a/model", "dir:b/model"}, dirs...), exitError, []string{a}},
		{"coprediction, one folder twice", []string{"coprediction", "baseline", "dir:model", "--model-dir", a, "--model-dir", a}, exitError, []string{"using it once", a}},
		{"errors, two folders called model", append([]string{"errors", "dir:a/model"}, dirs...), exitError, []string{a}},
		{"run, --model-file named like a registered model", []string{"run", "-m", "baseline", "--model-file", "Baseline=" + embeddedModelFile}, exitUsage, []string{"Baseline is taken"}},
		{"run, two --model-file with one name", []string{"run", "--model-file", "b7=" + embeddedModelFile, "--model-file", "B7=" + embeddedModelFile}, exitUsage, []string{"B7 is taken"}},
		{"coprediction, --model-file named like a --model-dir", []string{"coprediction", "baseline", "x", "--model-dir", b, "--model-file", "dir:model=" + embeddedModelFile}, exitUsage, []string{"dir:model is taken"}},
		{"errors, --model-file named like a --model-dir", []string{"errors", "baseline", "--model-dir", a, "--model-file", "DIR:MODEL=" + embeddedModelFile}, exitUsage, []string{"DIR:MODEL is taken"}},
		{"coprediction, one model under two spellings", []string{"coprediction", "baseline", "BASELINE"}, exitUsage, []string{"both"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append(tc.args, "-d", "dane", "--data-dir", t.TempDir(), "--results-dir", t.TempDir(), "--models-dir", t.TempDir(), "--resamples", "20")
			code := run(t.Context(), args, strings.NewReader(""), &out, &errb)
			if code != tc.wantCode {
				t.Errorf("got exit code %d, want %d; stderr:\n%s", code, tc.wantCode, errb.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("got stderr\n%s\nwant it to contain %q", errb.String(), w)
				}
			}
			if strings.Contains(errb.String(), "goroutine") || strings.Contains(errb.String(), "panic") {
				t.Errorf("got a panic:\n%s", errb.String())
			}
		})
	}
}

// TestStaleResultFile gives coprediction and errors a result file made by
// another version of a model named on the command line: each must predict
// again, as `run --resume` does, and not use the old predictions. A result
// file of a model that cannot be loaded here is used as it is, with a note.
func TestStaleResultFile(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
		file string // result file that must have the current hash afterwards
	}{
		{"coprediction, --model-file", []string{"coprediction", "baseline", "b7", "--model-file", "b7=" + embeddedModelFile}, "b7: ", "dane_test_b7.json"},
		{"coprediction, the embedded baseline", []string{"coprediction", "baseline", "b7", "--model-file", "b7=" + embeddedModelFile}, "baseline: ", "dane_test_baseline.json"},
		{"errors, --model-file named in another case", []string{"errors", "B7", "--model-file", "b7=" + embeddedModelFile}, "b7: ", "dane_test_b7.json"},
	}
	// One run makes the result files; each case starts from a copy.
	made, dataDir := t.TempDir(), t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"run", "-m", "baseline,b7", "--model-file", "b7=" + embeddedModelFile, "-d", "dane", "--data-dir", dataDir,
		"--results-dir", made, "--resamples", "20", "--models-dir", t.TempDir()}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, errb.String())
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(made)); err != nil {
				t.Fatal(err)
			}
			common := []string{"-d", "dane", "--data-dir", dataDir, "--results-dir", dir, "--resamples", "20", "--models-dir", t.TempDir()}
			path := filepath.Join(dir, tc.file)
			f, err := results.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			current := f.Model.Hash
			f.Model.Hash = "sha256:" + strings.Repeat("0", 64) // an older model
			if err := f.Save(path); err != nil {
				t.Fatal(err)
			}
			errb.Reset()
			if code := run(t.Context(), append(tc.args, common...), strings.NewReader(""), &out, &errb); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if want := tc.want + path + " was made by another version of the model or another --label-map"; !strings.Contains(errb.String(), want) {
				t.Errorf("got stderr\n%s\nwant it to contain %q", errb.String(), want)
			}
			if f, err = results.Load(path); err != nil {
				t.Fatal(err)
			}
			if f.Model.Hash != current {
				t.Errorf("got model hash %s in %s, want the current %s", f.Model.Hash, path, current)
			}
		})
	}
	t.Run("a model not available here", func(t *testing.T) {
		dir := t.TempDir()
		common := []string{"-d", "dane", "--data-dir", dataDir, "--results-dir", dir, "--resamples", "20", "--models-dir", t.TempDir()}
		f, err := results.Load(filepath.Join(made, "dane_test_baseline.json"))
		if err != nil {
			t.Fatal(err)
		}
		f.Model.Name, f.Model.Hash = "dabert", "sha256:"+strings.Repeat("1", 64)
		path := filepath.Join(dir, "dane_test_dabert.json")
		if err := f.Save(path); err != nil {
			t.Fatal(err)
		}
		errb.Reset()
		if code := run(t.Context(), append([]string{"errors", "dabert"}, common...), strings.NewReader(""), &out, &errb); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		if want := "dabert: not available here to check; using " + path + " as it is"; !strings.Contains(errb.String(), want) {
			t.Errorf("got stderr\n%s\nwant it to contain %q", errb.String(), want)
		}
	})
}

// TestNamesAndWarnings checks the friendlier spellings of datasets and
// models (any case, spaces after commas) and the warning for a model scored
// on its own training split.
func TestNamesAndWarnings(t *testing.T) {
	data := writeDaNE(t) // train and dev splits
	tests := []struct {
		name     string
		args     []string
		wantRows []string // model rows in stdout
		warn     bool
	}{
		{"dataset and model in another case", []string{"-d", "DaNE", "-m", "Baseline", "--split", "dev"}, []string{"baseline"}, false},
		{"spaces after commas", []string{"-d", "dane", "-m", "baseline, b7 ", "--model-file", "b7=" + embeddedModelFile, "--split", "dev"}, []string{"baseline", "b7"}, false},
		{"scored on its training split", []string{"-d", "dane", "-m", "baseline", "--split", "train"}, []string{"baseline"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"run", "--data-dir", data, "--results-dir", t.TempDir(), "--models-dir", t.TempDir(), "--resamples", "20", "-o", "json"}, tc.args...)
			if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var doc struct {
				Results []struct {
					Model struct{ Name string } `json:"model"`
				} `json:"results"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range doc.Results {
				got = append(got, r.Model.Name)
			}
			if diff := cmp.Diff(tc.wantRows, got); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
			warned := strings.Contains(errb.String(), "warning: baseline was trained on DaNE train")
			if warned != tc.warn {
				t.Errorf("got warning %v, want %v; stderr:\n%s", warned, tc.warn, errb.String())
			}
		})
	}
}

// writePredictions writes the baseline's predictions on the embedded DaNE
// test split as a "word gold pred" file (or "word pred" when gold is
// false), changing the second word of sentence bad (0-based; -1: none).
// It returns the file and the line of the changed word.
func writePredictions(t *testing.T, resultsDir string, gold bool, bad int) (string, int) {
	t.Helper()
	f, err := results.Load(filepath.Join(resultsDir, "dane_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := dane.LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	line, badLine := 0, 0
	for i, s := range c.Sentences {
		for j, w := range s.Words {
			line++
			if i == bad && j == 1 {
				w, badLine = "XXX", line
			}
			if gold {
				fmt.Fprintf(&b, "%s %s %s\n", w, s.Tags[j], f.Predictions[i].Tags[j])
			} else {
				fmt.Fprintf(&b, "%s\t%s\n", w, f.Predictions[i].Tags[j])
			}
		}
		b.WriteString("\n")
		line++
	}
	path := filepath.Join(t.TempDir(), "ext.conll")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, badLine
}

// TestPredictionsModel gives predictions made elsewhere (here: the
// baseline's, written out) to run, coprediction, errors and report as the
// model "ext": each must treat them as the baseline's own, and a file that
// does not match the corpus is refused, naming the line and the sentence.
func TestPredictionsModel(t *testing.T) {
	dir, dataDir := t.TempDir(), t.TempDir()
	common := []string{"-d", "dane", "--data-dir", dataDir, "--results-dir", dir, "--resamples", "20", "--models-dir", t.TempDir()}
	exec := func(t *testing.T, args ...string) (string, string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		code := run(t.Context(), args, strings.NewReader(""), &out, &errb)
		return out.String(), errb.String(), code
	}
	if _, errs, code := exec(t, append([]string{"run", "-m", "baseline"}, common...)...); code != exitOK {
		t.Fatalf("run baseline: exit %d: %s", code, errs)
	}
	for _, gold := range []bool{true, false} {
		t.Run(fmt.Sprintf("gold column %v", gold), func(t *testing.T) {
			path, _ := writePredictions(t, dir, gold, -1)
			_, errs, code := exec(t, append([]string{"run", "-m", "ext", "--predictions", "ext=" + path}, common...)...)
			if code != exitOK {
				t.Fatalf("run: exit %d: %s", code, errs)
			}
			base, err := results.Load(filepath.Join(dir, "dane_test_baseline.json"))
			if err != nil {
				t.Fatal(err)
			}
			ext, err := results.Load(filepath.Join(dir, "dane_test_ext.json"))
			if err != nil {
				t.Fatal(err)
			}
			if ext.MISCOn.Micro != base.MISCOn.Micro || ext.Model.Hash == base.Model.Hash {
				t.Errorf("got %+v (hash %s), want the baseline's %+v with the file's own hash", ext.MISCOn.Micro, ext.Model.Hash, base.MISCOn.Micro)
			}
			out, errs, code := exec(t, append([]string{"coprediction", "baseline", "ext", "--predictions", "ext=" + path, "-o", "json"}, common...)...)
			if code != exitOK {
				t.Fatalf("coprediction: exit %d: %s", code, errs)
			}
			var d CopredictionJSON
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatal(err)
			}
			if d.WordAgreement.Rate != 1 {
				t.Errorf("got word agreement %v, want 1", d.WordAgreement.Rate)
			}
			if _, errs, code := exec(t, append([]string{"errors", "ext", "--predictions", "ext=" + path}, common...)...); code != exitOK {
				t.Fatalf("errors: exit %d: %s", code, errs)
			}
		})
	}
	t.Run("report", func(t *testing.T) {
		out, errs, code := exec(t, "report", dir, "--no-figures", "--data-dir", dataDir, "--resamples", "20")
		if code != exitOK {
			t.Fatalf("report: exit %d: %s\n%s", code, errs, out)
		}
		report, err := os.ReadFile(filepath.Join(dir, "report.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(report), "| ext ") {
			t.Errorf("the report has no row for ext:\n%s", report)
		}
	})
	t.Run("misaligned", func(t *testing.T) {
		path, line := writePredictions(t, dir, true, 2)
		for _, cmd := range [][]string{{"run", "-m", "ext"}, {"coprediction", "baseline", "ext"}, {"errors", "ext"}} {
			_, errs, code := exec(t, append(append(cmd, "--predictions", "ext="+path), common...)...)
			if code != exitError {
				t.Errorf("%s: got exit %d, want %d", cmd[0], code, exitError)
			}
			if !strings.Contains(errs, fmt.Sprintf("%s:%d:", path, line)) || !strings.Contains(errs, "sentence 3 (") || !strings.Contains(errs, `word 2: got "XXX"`) {
				t.Errorf("%s: got stderr %q, want the file, line and sentence named", cmd[0], errs)
			}
		}
	})
}

// TestDatasetNameCase checks that every command that takes a dataset name
// takes it in any case.
func TestDatasetNameCase(t *testing.T) {
	data := writeDaNE(t)
	dev, err := os.ReadFile(filepath.Join(data, "dane", "ddt.dev.conllu"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "dane", "ddt.test.conllu"), dev, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := [][]string{
		{"data", "stats", "-d", "DaNE", "--data-dir", data},
		{"run", "-d", "DANE", "-m", "baseline", "--split", "dev", "--data-dir", data, "--results-dir", t.TempDir(), "--resamples", "20"},
		{"train", "baseline", "-d", "Dane", "--data-dir", data, "--out", filepath.Join(t.TempDir(), "m.nbm.gz"), "--max-epochs", "1"},
	}
	for _, args := range tests {
		t.Run(args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
		})
	}
}

// TestFixedModelNotes checks that the baseline says it ignores --device
// cuda and --label-map instead of ignoring them silently.
func TestFixedModelNotes(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"run", "-d", "dane", "-m", "baseline", "--device", "cuda", "--label-map", "PERSON=PER",
		"--data-dir", t.TempDir(), "--results-dir", t.TempDir(), "--resamples", "20"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, w := range []string{"baseline: runs on the CPU only; --device cuda does not apply to it", "baseline: predicts the dataset's own types; --label-map does not apply to it"} {
		if !strings.Contains(errb.String(), w) {
			t.Errorf("got stderr\n%s\nwant it to contain %q", errb.String(), w)
		}
	}
}

// TestCopredictionAllNames runs coprediction --all with the reference
// named in another case and a model whose name has a character that result
// file names avoid: each other model must get one row, and the reference
// none.
func TestCopredictionAllNames(t *testing.T) {
	dir, dataDir := t.TempDir(), t.TempDir()
	common := []string{"-d", "dane", "--data-dir", dataDir, "--results-dir", dir, "--resamples", "20", "--models-dir", t.TempDir()}
	var out, errb bytes.Buffer
	if code := run(t.Context(), append([]string{"run", "-m", "baseline"}, common...), strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, errb.String())
	}
	path, _ := writePredictions(t, dir, false, -1)
	args := append([]string{"run", "-m", "ext:1", "--predictions", "ext:1=" + path}, common...)
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("run ext:1: exit %d: %s", code, errb.String())
	}
	out.Reset()
	args = append([]string{"coprediction", "--all", "BASELINE", "--predictions", "ext:1=" + path, "-o", "json"}, common...)
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("coprediction --all: exit %d: %s", code, errb.String())
	}
	var doc struct {
		Rows []struct {
			Model struct{ Name string } `json:"model"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range doc.Rows {
		got = append(got, r.Model.Name)
	}
	if diff := cmp.Diff([]string{"ext:1"}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
