package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/testenv"
)

// userFile is a small hand-written CoNLL file in the layout of a user's own
// annotation: word, POS and tag, tab-separated, IOB2 over PER, LOC and ORG.
const userFile = "Mette\tPROPN\tB-PER\nFrederiksen\tPROPN\tI-PER\nbesøgte\tVERB\tO\nAalborg\tPROPN\tB-LOC\n.\tPUNCT\tO\n\n" +
	"Hun\tPRON\tO\ntalte\tVERB\tO\nmed\tADP\tO\nDansk\tPROPN\tB-ORG\nMetal\tPROPN\tI-ORG\n.\tPUNCT\tO\n\n" +
	"Karen\tPROPN\tB-PER\nBlixen\tPROPN\tI-PER\nboede\tVERB\tO\ni\tADP\tO\nRungsted\tPROPN\tB-LOC\n"

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs nerbench with args and returns its exit code, standard output
// and standard error.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, nil, &stdout, &stderr)
	if strings.Contains(stderr.String(), "goroutine ") {
		t.Fatalf("nerbench %s panicked:\n%s", strings.Join(args, " "), stderr.String())
	}
	return code, stdout.String(), stderr.String()
}

// TestDatasetFileCommands runs every command that takes a dataset on a
// user's file given with --dataset-file (issue 10, row 19).
func TestDatasetFileCommands(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "min fil.conll", userFile)
	sum := sha256.Sum256([]byte(userFile))
	name := "file-min-fil-" + hex.EncodeToString(sum[:4])
	modelFile := filepath.Join("..", "..", "adapters", "baseline", "model", "dane.nbm.gz")
	common := []string{"--dataset-file", file, "--data-dir", t.TempDir(), "--models-dir", t.TempDir(), "--resamples", "20"}
	tests := []struct {
		name string
		args []string
		out  string // in standard output
	}{
		{"run", append([]string{"run", "-m", "baseline"}, common...), name + " test: 3 sentences, 16 tokens"},
		{"errors", append([]string{"errors", "baseline"}, common...), "baseline"},
		{"coprediction", append([]string{"coprediction", "baseline", "copy", "--model-file", "copy=" + modelFile}, common...), "baseline"},
		{"data stats", []string{"data", "stats", "--dataset-file", file}, name},
		{"train baseline", []string{"train", "baseline", "--dataset-file", "train=" + file, "--dataset-file", "dev=" + file,
			"--max-epochs", "2", "--bags", "1", "--out", filepath.Join(dir, "m.nbm.gz")}, "wrote "},
	}
	resultsDir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args, "--results-dir", resultsDir)
			if strings.HasPrefix(tc.name, "data") || strings.HasPrefix(tc.name, "train") {
				args = tc.args
			}
			code, out, errs := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, errs)
			}
			if !strings.Contains(out, tc.out) {
				t.Errorf("got output\n%s\nwant it to contain %q", out, tc.out)
			}
			if !strings.Contains(errs, file+": read as conll, tags from column 3 of 3") {
				t.Errorf("got stderr\n%s\nwant the format it was read in", errs)
			}
		})
	}
	f, err := results.Load(filepath.Join(resultsDir, name+"_test_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Dataset.Name != name || f.Dataset.Source != file || f.Dataset.Sentences != 3 {
		t.Errorf("got dataset %+v, want %s from %s with 3 sentences", f.Dataset, name, file)
	}
	if diff := cmp.Diff([]string{"LOC", "ORG", "PER"}, f.Dataset.Types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}

	// report reads the file again for co-prediction and confusion.
	md := filepath.Join(dir, "report.md")
	code, _, errs := runCLI(t, "report", resultsDir, "--out", md)
	if code != exitOK {
		t.Fatalf("report: got exit code %d, want 0; stderr:\n%s", code, errs)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), name) || strings.Contains(string(b), "left out") {
		t.Errorf("got report\n%s\nwant %s in it, with co-prediction and confusion", b, name)
	}
}

// TestDatasetFileErrors checks the usage errors and bad files of
// --dataset-file and its companion flags.
func TestDatasetFileErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "f.conll", userFile)
	iob1 := writeFile(t, dir, "iob1.conll", "EU\tI-ORG\nrejects\tO\n\nGerman\tI-MISC\n")
	common := []string{"--data-dir", t.TempDir(), "--models-dir", t.TempDir(), "--results-dir", t.TempDir()}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"with --dataset", []string{"run", "-d", "plank", "--dataset-file", file}, exitUsage, "--dataset plank and --dataset-file exclude each other"},
		{"bad format", []string{"run", "--dataset-file", file, "--format", "yaml"}, exitUsage, `--format: unknown format "yaml"`},
		{"format without file", []string{"run", "-d", "dane", "--format", "conll"}, exitUsage, "--format applies to --dataset-file only"},
		{"types without file", []string{"data", "stats", "--types", "PER"}, exitUsage, "--types applies to --dataset-file only"},
		{"negative tag column", []string{"errors", "baseline", "--dataset-file", file, "--tag-column", "-1"}, exitUsage, "--tag-column -1"},
		{"wrong split", []string{"run", "--dataset-file", "dev=" + file}, exitUsage, "--dataset-file: no file for split test (files given for dev)"},
		{"train needs named splits", []string{"train", "baseline", "--dataset-file", file, "--out", filepath.Join(dir, "m")}, exitUsage, "give each split as SPLIT=PATH"},
		{"two files for a split", []string{"data", "stats", "--dataset-file", file, "--dataset-file", file}, exitUsage, "two files for split test"},
		{"type outside --types", []string{"run", "--dataset-file", file, "--types", "PER,LOC"}, exitError,
			file + `:10: unknown entity type "ORG" in tag B-ORG: dataset file-f-`},
		{"ambiguous", []string{"errors", "baseline", "--dataset-file", iob1}, exitError,
			iob1 + ":1: format cannot be detected: 2 chunks start with I- and none with B-"},
		{"missing file", []string{"run", "--dataset-file", filepath.Join(dir, "nope")}, exitError, "no such file"},
		{"bench with --dataset", []string{"bench", "--model-dir", dir, "-d", "plank", "--dataset-file", file}, exitUsage, "--dataset plank and --dataset-file exclude each other"},
		{"bad tag", []string{"data", "stats", "--dataset-file", writeFile(t, dir, "s.conll", "a\tS-PER\n")}, exitError, `s.conll:1: invalid tag "S-PER"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args[0] != "data" && args[0] != "train" && args[0] != "bench" {
				args = append(args, common...)
			}
			code, _, errs := runCLI(t, args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Errorf("got exit code %d and stderr\n%s\nwant %d and %q", code, errs, tc.code, tc.msg)
			}
		})
	}
}

// plankXYZ is a Plank test file whose second sentence holds a tag of a
// type Plank does not declare, on line 4.
const plankXYZ = "Hans\tB-PER\nbor\tO\n\t\nFoo\tB-XYZ\nBar\tI-XYZ\n\t\nAarhus\tB-LOC\n"

// TestUnknownEntityTypes checks that a gold tag of an undeclared type is an
// error naming file and line in every command that loads data, and that
// with --allow-unknown-types it is kept and the per-type counts add up to
// the total (issue 10, row 4).
func TestUnknownEntityTypes(t *testing.T) {
	data := t.TempDir()
	plankTest := writeFile(t, data, filepath.Join("plank", plank.Files["test"]), plankXYZ)
	wikiTest := writeFile(t, data, filepath.Join("wikiann", "test"), "da:Hans\tB-PER\n\nda:EU\tB-MISC\nda:og\tO\n")
	common := []string{"--data-dir", data, "--models-dir", t.TempDir(), "--results-dir", t.TempDir(), "--resamples", "20"}
	fails := []struct {
		name string
		args []string
		msg  string
	}{
		{"data stats plank", []string{"data", "stats", "--dataset", "plank", "--data-dir", data}, plankTest + `:4: unknown entity type "XYZ" in tag B-XYZ`},
		{"run plank", append([]string{"run", "-d", "plank", "-m", "baseline"}, common...), plankTest + `:4: unknown entity type "XYZ"`},
		{"errors plank", append([]string{"errors", "baseline", "-d", "plank"}, common...), plankTest + `:4: unknown entity type "XYZ"`},
		{"data stats wikiann", []string{"data", "stats", "--dataset", "wikiann", "--data-dir", data}, wikiTest + `:3: unknown entity type "MISC" in tag B-MISC: dataset wikiann declares LOC, ORG, PER`},
		{"run wikiann", append([]string{"run", "-d", "wikiann", "-m", "baseline"}, common...), wikiTest + `:3: unknown entity type "MISC"`},
	}
	for _, tc := range fails {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tc.args...)
			if code != exitError || !strings.Contains(errs, tc.msg) || !strings.Contains(errs, "--allow-unknown-types keeps it") {
				t.Errorf("got exit code %d and stderr\n%s\nwant %d, %q and the opt-out flag", code, errs, exitError, tc.msg)
			}
		})
	}

	t.Run("data stats with the opt-out", func(t *testing.T) {
		rows := dataStatsJSONOf(t, "--dataset", "plank", "--data-dir", data, "--allow-unknown-types")
		if len(rows) != 1 || rows[0].Entities["XYZ"] != 1 || rows[0].Total != 3 {
			t.Fatalf("got %+v, want one row with an XYZ entity and 3 in total", rows)
		}
		sum := 0
		for _, n := range rows[0].Entities {
			sum += n
		}
		if sum != rows[0].Total {
			t.Errorf("got entities %v summing to %d, want the total %d", rows[0].Entities, sum, rows[0].Total)
		}
		code, out, errs := runCLI(t, "data", "stats", "--dataset", "plank", "--data-dir", data, "--allow-unknown-types")
		if code != exitOK {
			t.Fatalf("got exit code %d; stderr:\n%s", code, errs)
		}
		header := strings.Split(out, "\n")[1] // under the top border of the table
		if !strings.Contains(header, " XYZ ") {
			t.Errorf("got table\n%s\nwant an XYZ column, so that the columns add up to the total", out)
		}
	})

	t.Run("run with the opt-out", func(t *testing.T) {
		resultsDir := t.TempDir()
		args := []string{"run", "-d", "wikiann", "-m", "baseline", "--allow-unknown-types", "--data-dir", data,
			"--models-dir", t.TempDir(), "--results-dir", resultsDir, "--resamples", "20"}
		code, out, errs := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("got exit code %d; stderr:\n%s", code, errs)
		}
		if !strings.Contains(out, "MISC") {
			t.Errorf("got output\n%s\nwant a MISC column", out)
		}
		f, err := results.Load(filepath.Join(resultsDir, "wikiann_test_baseline.json"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"LOC", "MISC", "ORG", "PER"}, f.Dataset.Types); diff != "" {
			t.Errorf("types (-want +got):\n%s", diff)
		}
		for _, sc := range []*results.Score{f.MISCOn, f.MISCOff} {
			if sc == nil {
				t.Fatal("got no MISC-on score, want one: the kept MISC tags make MISC part of the data")
			}
			sum := 0
			for _, m := range sc.PerType {
				sum += m.Gold
			}
			if sum != sc.Micro.Gold {
				t.Errorf("got per-type gold counts summing to %d, want the total %d", sum, sc.Micro.Gold)
			}
		}
		if f.MISCOn.Micro.Gold != 2 {
			t.Errorf("got %d gold entities, want 2 (PER and the kept MISC)", f.MISCOn.Micro.Gold)
		}

		// report reads the gold tags again, with the types the result kept.
		md := filepath.Join(t.TempDir(), "report.md")
		code, _, errs = runCLI(t, "report", resultsDir, "--out", md, "--data-dir", data)
		if code != exitOK {
			t.Fatalf("report: got exit code %d; stderr:\n%s", code, errs)
		}
		if b, err := os.ReadFile(md); err != nil || strings.Contains(string(b), "left out") {
			t.Errorf("got report %s (%v), want the confusion matrices, which need the gold tags", b, err)
		}
	})
}

// TestDataStatsMissingSplit checks that `data stats` shows the splits that
// exist when one is missing, as run reads them (issue 10, row 17), and
// notes the missing ones on standard error in machine-readable output.
func TestDataStatsMissingSplit(t *testing.T) {
	data := t.TempDir()
	writeFile(t, data, filepath.Join("plank", plank.Files["dev"]), "Hans\tB-PER\n")
	writeFile(t, data, filepath.Join("plank", plank.Files["test"]), "Aarhus\tB-LOC\n\nbor\tO\n")
	code, out, errs := runCLI(t, "data", "stats", "--dataset", "plank", "--data-dir", data)
	if code != exitOK {
		t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, errs)
	}
	for _, want := range []string{" dev ", " test ", "plank train-10k: skipped: ", "plank train-5k: skipped: "} {
		if !strings.Contains(out, want) {
			t.Errorf("got output\n%s\nwant it to contain %q", out, want)
		}
	}
	code, out, errs = runCLI(t, "data", "stats", "--dataset", "plank", "--data-dir", data, "-o", "json")
	if code != exitOK || strings.Count(out, `"split"`) != 2 || !strings.Contains(errs, "warning: plank train-10k: skipped: ") {
		t.Errorf("got exit code %d, output\n%s\nstderr\n%s\nwant two splits and a warning for each missing one", code, out, errs)
	}
	empty := t.TempDir()
	writeFile(t, empty, filepath.Join("plank", "README.md"), "no data\n")
	if code, _, errs := runCLI(t, "data", "stats", "--dataset", "plank", "--data-dir", empty); code != exitError || !strings.Contains(errs, "plank: no split file in") {
		t.Errorf("got exit code %d and stderr %q, want an error for a folder without any split", code, errs)
	}
}

// TestDataStatsJSONLOnly checks that a DaNE folder holding only the
// ScandEval JSONL copy gives the same statistics as the CoNLL-U files
// (issue 10, row 13).
func TestDataStatsJSONLOnly(t *testing.T) {
	src := testenv.DataDir(t, "dane")
	data := t.TempDir()
	for _, name := range []string{dane.TrainJSONL, dane.TestJSONL} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, data, filepath.Join("dane", name), string(b))
	}
	got := dataStatsJSONOf(t, "--dataset", "dane", "--data-dir", data)
	want := dataStatsJSONOf(t, "--dataset", "dane", "--data-dir", filepath.Dir(src))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-CoNLL-U +JSONL):\n%s", diff)
	}
}

// TestDataStatsDanPlus reads the outer level of DaN+ news with
// --dataset-file and --tag-column (SOURCES.md section 2b).
func TestDataStatsDanPlus(t *testing.T) {
	dir := testenv.DataDir(t, "plank", "danplus")
	rows := dataStatsJSONOf(t, "--dataset-file", "test="+filepath.Join(dir, "da_news_test.tsv"), "--dataset-file", "dev="+filepath.Join(dir, "da_news_dev.tsv"), "--tag-column", "2")
	if len(rows) != 2 || rows[0].Split != "test" || rows[1].Split != "dev" {
		t.Fatalf("got %+v, want the test and dev rows in the order given", rows)
	}
	// SOURCES.md section 2b: outer-level test counts, 526 in total; the
	// sentences are DaNE's (565 test, 564 dev).
	if rows[0].Sentences != 565 || rows[0].Total != 526 || rows[0].Entities["ORG"] != 156 || rows[0].Entities["LOCderiv"] != 30 || rows[1].Sentences != 564 {
		t.Errorf("got %+v", rows)
	}
}
