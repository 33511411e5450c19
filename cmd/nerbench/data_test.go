package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/internal/fetch"
	"github.com/nerbench/nerbench/internal/golden"
	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/internal/testenv"
)

func TestDataStatsFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want dataStatsOptions
	}{
		{"defaults", []string{}, dataStatsOptions{output: table.Text}},
		{"dataset and folder", []string{"--dataset", "plank", "--data-dir", "/d"}, dataStatsOptions{dataset: "plank", dataDir: "/d", output: table.Text}},
		{"json", []string{"-o", "json"}, dataStatsOptions{output: table.JSON}},
		{"csv", []string{"--output", "csv"}, dataStatsOptions{output: table.CSV}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, func(f func(context.Context, *dataStatsOptions) error) *cobra.Command {
				return newDataStatsCmd(&streams{}, f)
			}, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			got.out = nil
			if diff := cmp.Diff(tc.want, *got, cmp.AllowUnexported(dataStatsOptions{}, datasetOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDataUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"unknown dataset", []string{"data", "stats", "--dataset", "germeval"}, `--dataset "germeval": want one of dane, plank, wikiann, conll2003`},
		{"bad output", []string{"data", "stats", "--output", "yaml"}, `unknown output format "yaml"`},
		{"fetch without dataset", []string{"data", "fetch"}, "fetch takes one dataset"},
		{"fetch unknown", []string{"data", "fetch", "germeval"}, `unknown dataset "germeval": want one of conll2003, dane, plank, wikiann`},
		{"conll2003 without --from", []string{"data", "fetch", "conll2003", "--data-dir", "/nonexistent"}, "nerbench data fetch conll2003 --from FOLDER"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, nil, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("got exit code %d, want %d (stderr %q)", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.message) {
				t.Errorf("got stderr %q, want it to contain %q", stderr.String(), tc.message)
			}
		})
	}
}

// dataStatsJSONOf runs `data stats` with the given arguments and decodes its
// JSON output.
func dataStatsJSONOf(t *testing.T, args ...string) []dataStatsJSON {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"data", "stats", "--output", "json"}, args...)
	if code := run(t.Context(), args, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, stderr.String())
	}
	var doc dataStatsDoc
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || doc.Schema != DataStatsSchema {
		t.Fatalf("got schema %q, error %v; want %s", doc.Schema, err, DataStatsSchema)
	}
	rows := doc.Splits
	return rows
}

// TestDataStatsReal checks that `data stats` reproduces the published
// figures on the real files (issue 2, from the thesis Tables 3.2-3.4):
// DaNE from Hvingelby et al. (2020), Plank from SOURCES.md section 2,
// CoNLL-2003 from Tjong Kim Sang and De Meulder (2003) and SOURCES.md
// section 3.
func TestDataStatsReal(t *testing.T) {
	data := testenv.DataDir(t)
	type row struct {
		dataset, split                 string
		sentences, tokens, documents   int
		loc, per, org, misc, irregular int
	}
	want := []row{
		{"dane", "train", 4383, 80378, 0, 945, 1249, 802, 1007, 0},
		{"dane", "dev", 564, 10332, 0, 111, 166, 90, 113, 0},
		{"dane", "test", 565, 10023, 0, 96, 180, 161, 121, 0},
		{"plank", "train-10k", 604, 10069, 0, 102, 151, 63, 24, 0},
		{"plank", "train-5k", 272, 4669, 0, 39, 68, 33, 13, 0},
		{"plank", "dev", 564, 10332, 0, 103, 156, 68, 21, 1},
		{"plank", "test", 565, 10023, 0, 97, 169, 94, 30, 0},
		{"conll2003", "train", 14041, 203621, 946, 7140, 6600, 6321, 3438, 0},
		{"conll2003", "dev", 3250, 51362, 216, 1837, 1842, 1341, 922, 0},
		{"conll2003", "test", 3453, 46435, 231, 1668, 1617, 1661, 702, 0},
	}
	var got []row
	for _, r := range dataStatsJSONOf(t, "--data-dir", data) {
		e := r.Entities
		got = append(got, row{r.Dataset, r.Split, r.Sentences, r.Tokens, r.Documents, e["LOC"], e["PER"], e["ORG"], e["MISC"], len(r.Irregular)})
		if n := e["LOC"] + e["PER"] + e["ORG"] + e["MISC"]; r.Total != n || len(e) != 4 {
			t.Errorf("%s %s: got total %d and types %v, want %d over LOC, MISC, ORG, PER", r.Dataset, r.Split, r.Total, e, n)
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// TestDataStatsGolden checks the text, markdown and CSV renderings.
func TestDataStatsGolden(t *testing.T) {
	data := testenv.DataDir(t)
	tests := []struct {
		dataset, output, golden string
	}{
		{"plank", "text", "testdata/data-stats-plank.txt"},
		{"dane", "markdown", "testdata/data-stats-dane.md"},
		{"conll2003", "csv", "testdata/data-stats-conll2003.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.dataset, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := []string{"data", "stats", "--dataset", tc.dataset, "--output", tc.output, "--data-dir", data}
			if code := run(t.Context(), args, nil, &stdout, &stderr); code != exitOK {
				t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, stderr.String())
			}
			golden.Check(t, tc.golden, stdout.Bytes())
		})
	}
}

// TestDataStatsEmbedded checks that, with an empty data folder, `data stats`
// shows DaNE's embedded test split and says so.
func TestDataStatsEmbedded(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	if code := run(t.Context(), []string{"data", "stats", "--data-dir", dir}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"showing the test split embedded in nerbench", "plank: no folder", "│ dane    │ test  │       565 │  10023 │"} {
		if !strings.Contains(out, want) {
			t.Errorf("got output\n%s\nwant it to contain %q", out, want)
		}
	}
	// Asked for by name, a missing dataset is an error.
	stdout.Reset()
	stderr.Reset()
	if code := run(t.Context(), []string{"data", "stats", "--dataset", "plank", "--data-dir", dir}, nil, &stdout, &stderr); code != exitError {
		t.Errorf("got exit code %d, want %d", code, exitError)
	}
	if want := "run 'nerbench data fetch plank'"; !strings.Contains(stderr.String(), want) {
		t.Errorf("got stderr %q, want it to contain %q", stderr.String(), want)
	}
}

func TestDataStatsBadFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "plank"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"da_ddt-ud-ner-train-10k.conll", "da_ddt-ud-ner-train-5k.conll", "da_ddt-ud-ner-dev.conll", "da_ddt-ud-ner-test.conll"} {
		if err := os.WriteFile(filepath.Join(dir, "plank", name), []byte("Hans\tB-PER\nbor\tO\tx\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"data", "stats", "--dataset", "plank", "--data-dir", dir}, nil, &stdout, &stderr); code != exitError {
		t.Errorf("got exit code %d, want %d", code, exitError)
	}
	if want := "da_ddt-ud-ner-train-10k.conll:2: want 2 columns, got 3"; !strings.Contains(stderr.String(), want) {
		t.Errorf("got stderr %q, want it to contain %q", stderr.String(), want)
	}
}

// TestDataFetchFrom fetches Plank and CoNLL-2003 from local copies into an
// empty data folder and checks the printed statistics and the files.
func TestDataFetchFrom(t *testing.T) {
	data := testenv.DataDir(t)
	root := t.TempDir()
	for _, tc := range []struct {
		dataset   string
		sentences map[string]int
	}{
		{"plank", map[string]int{"train-10k": 604, "train-5k": 272, "dev": 564, "test": 565}},
		{"conll2003", map[string]int{"train": 14041, "dev": 3250, "test": 3453}},
	} {
		t.Run(tc.dataset, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := []string{"data", "fetch", tc.dataset, "--from", filepath.Join(data, tc.dataset), "--data-dir", root, "--output", "json"}
			if code := run(t.Context(), args, nil, &stdout, &stderr); code != exitOK {
				t.Fatalf("got exit code %d, want 0; stderr:\n%s", code, stderr.String())
			}
			var doc dataStatsDoc
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || doc.Schema != DataStatsSchema {
				t.Fatalf("got schema %q, error %v; want %s", doc.Schema, err, DataStatsSchema)
			}
			rows := doc.Splits
			got := map[string]int{}
			for _, r := range rows {
				got[r.Split] = r.Sentences
			}
			if diff := cmp.Diff(tc.sentences, got); diff != "" {
				t.Errorf("sentences per split (-want +got):\n%s", diff)
			}
			if !strings.Contains(stderr.String(), "verified "+tc.dataset+" test") {
				t.Errorf("got stderr %q, want a verification line", stderr.String())
			}
		})
	}
	// The fetched folder now serves `data stats`.
	rows := dataStatsJSONOf(t, "--data-dir", root, "--dataset", "conll2003")
	if len(rows) != 3 || rows[2].Entities["LOC"] != 1668 {
		t.Errorf("got %+v, want the three CoNLL-2003 splits with test LOC 1668", rows)
	}
}

// TestDataFetchDownload runs `data fetch plank` against a local server that
// serves the reference files, and checks the files and the printed table.
func TestDataFetchDownload(t *testing.T) {
	data := testenv.DataDir(t, "plank")
	srv := httptest.NewServer(http.StripPrefix("/data/", http.FileServer(http.Dir(data))))
	t.Cleanup(srv.Close)
	root := t.TempDir()
	var stdout, stderr bytes.Buffer
	opts := &dataFetchOptions{
		out: &streams{Out: &stdout, Err: &stderr}, dataset: "plank", dataDir: root, output: table.Text,
		urls: fetch.Options{PlankURL: srv.URL + "/data/", Client: srv.Client()},
	}
	if err := runDataFetch(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if want := "│ plank   │ test      │       565 │  10023 │  97 │   30 │  94 │ 169 │   390 │         0 │"; !strings.Contains(stdout.String(), want) {
		t.Errorf("got output\n%s\nwant it to contain %q", stdout.String(), want)
	}
	if want := "irregular: plank dev, sentence dev-500 (line 9739, word 8)"; !strings.Contains(stdout.String(), want) {
		t.Errorf("got output\n%s\nwant it to contain %q", stdout.String(), want)
	}
	for _, line := range []string{"downloading " + srv.URL + "/data/da_ddt-ud-ner-test.conll", "wrote " + filepath.Join(root, "plank", "da_ddt-ud-ner-test.conll")} {
		if !strings.Contains(stderr.String(), line) {
			t.Errorf("got stderr\n%s\nwant it to contain %q", stderr.String(), line)
		}
	}
}
