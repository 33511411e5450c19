package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// anyFailure in a TestBadInputs case accepts any non-zero exit code.
const anyFailure = -2

// TestBadInputs runs each command against the bad-input corpus of
// testdata/bad (written by testdata/bad/generate.py: malformed, empty and
// binary files, missing files, bad flags, duplicate names) and checks that
// each exits non-zero with a one-line "nerbench: ..." message naming what
// is wrong, and never panics or prints a goroutine trace (issue 10, "Done
// when"). {tmp} in an argument is a fresh temporary folder,
// {garbage-conll2003} a data folder whose CoNLL-2003 test file is garbage.
func TestBadInputs(t *testing.T) {
	bad := func(p string) string { return filepath.Join("testdata", "bad", filepath.FromSlash(p)) }
	tests := []struct {
		name string
		args []string
		code int    // the exit code: exitError, exitUsage, or anyFailure for any but 0
		want string // in the message
	}{
		// Unknown commands and flags.
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"unknown flag", []string{"run", "--frobnicate"}, exitUsage, "unknown flag"},
		{"version with an argument", []string{"version", "x"}, exitUsage, "x"},

		// run: data.
		{"run malformed DaNE", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", bad("data/malformed"), "--results-dir", "{tmp}"}, exitError, "ddt.test.conllu:2"},
		{"run malformed Plank", []string{"run", "-d", "plank", "-m", "baseline", "--data-dir", bad("data/malformed"), "--results-dir", "{tmp}"}, exitError, "da_ddt-ud-ner-test.conll:1"},
		{"run malformed WikiANN", []string{"run", "-d", "wikiann", "-m", "baseline", "--data-dir", bad("data/malformed"), "--results-dir", "{tmp}"}, exitError, "wikiann"},
		{"run empty DaNE", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", bad("data/empty"), "--results-dir", "{tmp}"}, exitError, "ddt.test.conllu"},
		{"run empty Plank", []string{"run", "-d", "plank", "-m", "baseline", "--data-dir", bad("data/empty"), "--results-dir", "{tmp}"}, exitError, "da_ddt-ud-ner-test.conll"},
		{"run empty WikiANN", []string{"run", "-d", "wikiann", "-m", "baseline", "--data-dir", bad("data/empty"), "--results-dir", "{tmp}"}, exitError, "test"},
		{"run garbage DaNE", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", bad("data/garbage"), "--results-dir", "{tmp}"}, exitError, "ddt.test.conllu"},
		{"run garbage Plank", []string{"run", "-d", "plank", "-m", "baseline", "--data-dir", bad("data/garbage"), "--results-dir", "{tmp}"}, exitError, "da_ddt-ud-ner-test.conll"},
		{"run garbage WikiANN", []string{"run", "-d", "wikiann", "-m", "baseline", "--data-dir", bad("data/garbage"), "--results-dir", "{tmp}"}, exitError, "test"},
		{"run garbage CoNLL-2003", []string{"run", "-d", "conll2003", "-m", "baseline", "--data-dir", "{garbage-conll2003}", "--results-dir", "{tmp}"}, exitError, "eng.testb"},
		{"run missing data folder", []string{"run", "-d", "plank", "--data-dir", bad("data/nosuch"), "--results-dir", "{tmp}"}, exitError, "nerbench data fetch plank"},
		// run: models.
		{"run garbage model file", []string{"run", "-d", "dane", "--model-file", "x=" + bad("garbage.bin"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "garbage.bin"},
		{"run empty model file", []string{"run", "-d", "dane", "--model-file", "x=" + bad("empty.conll"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "empty.conll"},
		{"run missing model file", []string{"run", "-d", "dane", "--model-file", "x=" + bad("nosuch.nbm.gz"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "nosuch.nbm.gz"},
		{"run model file without a name", []string{"run", "-d", "dane", "--model-file", bad("garbage.bin")}, exitUsage, "NAME=PATH"},
		{"run model file name taken", []string{"run", "-d", "dane", "--model-file", "baseline=" + bad("garbage.bin")}, exitUsage, "taken"},
		{"run garbage model folder", []string{"run", "-d", "dane", "--model-dir", bad("models/garbage"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "garbage"},
		{"run empty model folder", []string{"run", "-d", "dane", "--model-dir", bad("models/empty"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "empty"},
		{"run model folder with bad JSON", []string{"run", "-d", "dane", "--model-dir", bad("models/badjson"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "config.json"},
		{"run missing model folder", []string{"run", "-d", "dane", "--model-dir", bad("models/nosuch"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "nosuch"},
		{"run unknown model", []string{"run", "-d", "dane", "-m", "nosuch", "--data-dir", "{tmp}"}, exitUsage, `unknown model "nosuch"`},
		{"run a model twice", []string{"run", "-d", "dane", "-m", "baseline,baseline", "--data-dir", "{tmp}"}, exitUsage, "baseline is given twice"},
		{"run a model twice in another case", []string{"run", "-d", "dane", "-m", "baseline,BASELINE", "--data-dir", "{tmp}"}, exitUsage, "baseline is given twice"},
		{"run model folders of the same name", []string{"run", "-d", "dane", "--model-dir", "{tmp}/a/model", "--model-dir", "{tmp}/b/model", "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "a/model"},
		{"run a model folder twice", []string{"run", "-d", "dane", "--model-dir", bad("models/garbage"), "--model-dir", bad("models/garbage/"), "--data-dir", "{tmp}", "--results-dir", "{tmp}"}, exitError, "garbage"},
		{"run a model file named like a model folder", []string{"run", "-d", "dane", "--model-dir", bad("models/garbage"), "--model-file", "dir:garbage=" + bad("garbage.bin")}, exitUsage, "dir:garbage"},
		// run: flags.
		{"run without a dataset", []string{"run"}, exitUsage, "--dataset is required"},
		{"run unknown dataset", []string{"run", "-d", "nosuch"}, exitUsage, `unknown dataset "nosuch"`},
		{"run unknown split", []string{"run", "-d", "dane", "--split", "nosuch"}, exitUsage, `no split "nosuch"`},
		{"run unknown output", []string{"run", "-d", "dane", "-o", "yaml"}, exitUsage, `"yaml"`},
		{"run unknown mode", []string{"run", "-d", "dane", "--mode", "lenient"}, exitUsage, "lenient"},
		{"run unknown scheme", []string{"run", "-d", "dane", "--mode", "strict", "--scheme", "XYZ"}, exitUsage, "XYZ"},
		{"run unknown device", []string{"run", "-d", "dane", "--device", "tpu"}, exitUsage, "tpu"},
		{"run zero resamples", []string{"run", "-d", "dane", "--resamples", "0"}, exitUsage, "--resamples"},
		{"run batch size not a number", []string{"run", "-d", "dane", "--batch-size", "many"}, exitUsage, "many"},
		{"run extra argument", []string{"run", "-d", "dane", "extra"}, exitUsage, "extra"},
		{"run export folder is a file", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", "{tmp}", "--results-dir", "{tmp}", "--resamples", "10", "--export-conll", bad("garbage.bin")}, exitError, "garbage.bin"},
		{"run results folder is a file", []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", "{tmp}", "--results-dir", bad("garbage.bin")}, exitError, "garbage.bin"},

		// score.
		{"score malformed", []string{"score", bad("malformed.conll")}, exitError, "malformed.conll:2"},
		{"score garbage", []string{"score", bad("garbage.bin")}, exitError, "garbage.bin"},
		{"score missing file", []string{"score", bad("nosuch.conll")}, exitError, "nosuch.conll"},
		{"score a folder", []string{"score", bad("data")}, exitError, "data"},
		{"score two files", []string{"score", bad("empty.conll"), bad("malformed.conll")}, exitUsage, "at most one FILE"},
		{"score unknown mode", []string{"score", "--mode", "x", bad("empty.conll")}, exitUsage, "--mode"},

		// data.
		{"data stats malformed", []string{"data", "stats", "-d", "dane", "--data-dir", bad("data/malformed")}, exitError, "ddt."},
		{"data stats garbage", []string{"data", "stats", "-d", "wikiann", "--data-dir", bad("data/garbage")}, exitError, "wikiann"},
		{"data stats missing folder", []string{"data", "stats", "--dataset", "plank", "--data-dir", bad("data/nosuch")}, exitError, "plank"},
		{"data stats unknown dataset", []string{"data", "stats", "--dataset", "nosuch"}, exitUsage, "nosuch"},
		{"data stats unknown output", []string{"data", "stats", "-o", "yaml"}, exitUsage, "yaml"},
		{"data fetch unknown dataset", []string{"data", "fetch", "nosuch", "--data-dir", "{tmp}"}, exitUsage, "nosuch"},
		{"data fetch from a missing folder", []string{"data", "fetch", "conll2003", "--from", bad("nosuch"), "--data-dir", "{tmp}"}, exitError, "nosuch"},
		{"data fetch from garbage", []string{"data", "fetch", "conll2003", "--from", bad("data/garbage/conll2003"), "--data-dir", "{tmp}"}, exitError, "conll2003"},

		// train.
		{"train on malformed data", []string{"train", "baseline", "-d", "dane", "--data-dir", bad("data/malformed"), "--out", "{tmp}/m.nbm.gz"}, exitError, "ddt."},
		{"train on missing data", []string{"train", "baseline", "--dataset", "conll2003", "--data-dir", bad("data/nosuch"), "--out", "{tmp}/m.nbm.gz"}, exitError, "nosuch"},
		{"train an unknown model", []string{"train", "nosuch", "--dataset", "dane"}, exitUsage, "nosuch"},

		// bench.
		{"bench without a model", []string{"bench"}, exitUsage, "--model-dir is required"},
		{"bench garbage model folder", []string{"bench", "--model-dir", bad("models/garbage"), "--data-dir", "{tmp}"}, exitError, "garbage"},
		{"bench missing model folder", []string{"bench", "--model-dir", bad("models/nosuch"), "--data-dir", "{tmp}"}, exitError, "nosuch"},
		{"bench zero batch", []string{"bench", "--model-dir", bad("models/garbage"), "--batch-size", "0"}, exitUsage, "--batch-size"},

		// compare.
		{"compare truncated result", []string{"compare", "--results-dir", bad("results/truncated")}, exitError, "dane_test_baseline.json"},
		{"compare empty result", []string{"compare", "--results-dir", bad("results/empty")}, exitError, "dane_test_baseline.json"},
		{"compare other schema", []string{"compare", "--results-dir", bad("results/other")}, exitError, "not a nerbench result file"},
		{"compare garbage result", []string{"compare", "--results-dir", bad("results/garbage")}, exitError, "dane_test_baseline.json"},
		{"compare contradictory result", []string{"compare", "--results-dir", bad("results/contradictory")}, exitError, "misc_off.micro.f1 is 0.9900"},
		{"compare missing folder", []string{"compare", "--results-dir", bad("results/nosuch")}, exitError, "nosuch"},
		{"compare unknown table", []string{"compare", "9.9"}, exitUsage, "9.9"},

		// coprediction and errors.
		{"coprediction truncated result", []string{"coprediction", "baseline", "other", "--results-dir", bad("results/truncated"), "--data-dir", "{tmp}"}, exitError, "dane_test_baseline.json"},
		{"coprediction garbage result", []string{"coprediction", "baseline", "other", "--results-dir", bad("results/garbage"), "--data-dir", "{tmp}"}, exitError, "dane_test_baseline.json"},
		{"coprediction contradictory result", []string{"coprediction", "baseline", "other", "--results-dir", bad("results/contradictory"), "--data-dir", "{tmp}"}, exitError, "misc_off.micro.f1"},
		{"coprediction same model twice", []string{"coprediction", "baseline", "baseline"}, exitUsage, "both baseline"},
		{"coprediction one model", []string{"coprediction", "baseline"}, exitUsage, "two models"},
		{"coprediction unknown model", []string{"coprediction", "baseline", "nosuch", "--results-dir", "{tmp}", "--data-dir", "{tmp}"}, exitError, "nosuch"},
		{"coprediction --all with models", []string{"coprediction", "--all", "baseline", "x"}, exitUsage, "--all"},
		{"coprediction malformed data", []string{"coprediction", "baseline", "other", "--data-dir", bad("data/malformed"), "--results-dir", "{tmp}"}, exitError, "ddt.test.conllu"},
		{"errors truncated result", []string{"errors", "baseline", "--results-dir", bad("results/truncated"), "--data-dir", "{tmp}"}, exitError, "dane_test_baseline.json"},
		{"errors empty result", []string{"errors", "baseline", "--results-dir", bad("results/empty"), "--data-dir", "{tmp}"}, exitError, "dane_test_baseline.json"},
		{"errors contradictory result", []string{"errors", "baseline", "--results-dir", bad("results/contradictory"), "--data-dir", "{tmp}"}, exitError, "misc_off.micro.f1"},
		{"errors no model", []string{"errors"}, exitUsage, "one model"},
		{"errors negative examples", []string{"errors", "baseline", "-n", "-1"}, exitUsage, "--examples"},
		{"errors garbage data", []string{"errors", "baseline", "-d", "plank", "--data-dir", bad("data/garbage"), "--results-dir", "{tmp}"}, exitError, "da_ddt-ud-ner-test.conll"},

		// report.
		{"report only unreadable results", []string{"report", bad("results/truncated"), "--out", "{tmp}/r.md", "--no-figures"}, exitError, "dane_test_baseline.json"},
		{"report only garbage results", []string{"report", bad("results/garbage"), "--out", "{tmp}/r.md", "--no-figures"}, exitError, "dane_test_baseline.json"},
		{"report only contradictory results", []string{"report", bad("results/contradictory"), "--out", "{tmp}/r.md", "--no-figures"}, exitError, "misc_off.micro.f1"},
		{"report missing folder", []string{"report", bad("results/nosuch"), "--out", "{tmp}/r.md"}, exitError, "nosuch"},
		{"report a file as folder", []string{"report", bad("garbage.bin"), "--out", "{tmp}/r.md"}, exitError, "garbage.bin"},
		{"report no folder", []string{"report"}, exitUsage, "results folder"},

		// models.
		{"models list unknown output", []string{"models", "list", "-o", "yaml"}, exitUsage, "yaml"},
	}
	// A CoNLL-2003 data folder whose eng.testb is binary garbage. It is
	// made here rather than committed, so that no file of the project is
	// named like the Reuters corpus, which must never be committed.
	garbage2003 := t.TempDir()
	garbageBytes, err := os.ReadFile(bad("data/garbage/wikiann/test"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(garbage2003, "conll2003"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(garbage2003, "conll2003", "eng.testb"), garbageBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				a = strings.ReplaceAll(a, "{garbage-conll2003}", garbage2003)
				args[i] = strings.ReplaceAll(a, "{tmp}", tmp)
			}
			var stdout, stderr bytes.Buffer
			code := func() (code int) {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("panic: %v\n%s", r, debug.Stack())
						code = -1
					}
				}()
				return run(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
			}()
			msg := stderr.String()
			if code == exitOK || (tc.code != anyFailure && code != tc.code) {
				t.Errorf("got exit code %d, want %d; stderr:\n%s", code, tc.code, msg)
			}
			if !strings.Contains(msg, "nerbench: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("got stderr\n%s\nwant a \"nerbench: \" message containing %q", msg, tc.want)
			}
			for _, trace := range []string{"goroutine ", "panic", "runtime error", ".go:"} {
				if strings.Contains(msg, trace) || strings.Contains(stdout.String(), trace) {
					t.Errorf("got %q in the output, want no trace:\n%s", trace, msg)
				}
			}
		})
	}
}
