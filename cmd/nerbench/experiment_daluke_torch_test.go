//go:build torch

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/internal/experiment"
)

// tinyDaneDir writes a data folder whose DaNE splits are 12, 6 and 6
// disjoint sentences of the embedded DaNE test split, so that a DaLUKE
// experiment runs in seconds and needs no downloaded data.
func tinyDaneDir(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "benchmarks", "dane", "embedded", "ddt.test.conllu"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSpace(string(raw)), "\n\n")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "dane"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sp := range []struct {
		file   string
		lo, hi int
	}{{"ddt.train.conllu", 0, 12}, {"ddt.dev.conllu", 12, 18}, {"ddt.test.conllu", 18, 24}} {
		text := strings.Join(blocks[sp.lo:sp.hi], "\n\n") + "\n\n"
		if err := os.WriteFile(filepath.Join(dir, "dane", sp.file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExperimentDalukeRuns runs a two-seed DaLUKE experiment of a tiny
// random model end to end with the local executor (fine-tuning, the best
// dev model, tagging the test split, one result file per job), reruns it
// (nothing left to do) and collects the seeds table.
func TestExperimentDalukeRuns(t *testing.T) {
	data := tinyDaneDir(t)
	vocab, err := filepath.Abs(filepath.Join("..", "..", "luke", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "tiny.toml")
	os.WriteFile(spec, []byte(fmt.Sprintf(`name = "tiny-daluke"
table = "seeds"
[model]
kind = "daluke"
[model.params]
pretrained = "random"
vocab = %q
layers = 1
hidden = 32
heads = 2
entity_size = 16
epochs = 2
batch_size = 4
lr = 1e-3
[data]
datasets = ["dane"]
[axes]
seeds = [1, 2]
[report]
metrics = ["f1", "precision", "recall"]
`, vocab)), 0o644)
	_, stderr, code := nb(t, "experiment", "run", spec, "--dir", dir, "--data-dir", data)
	if code != 0 || !strings.Contains(stderr, "2 jobs ran, 0 skipped") {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	_, stderr, code = nb(t, "experiment", "run", spec, "--dir", dir, "--data-dir", data)
	if code != 0 || !strings.Contains(stderr, "0 jobs ran, 2 skipped") {
		t.Errorf("rerun: exit %d: %s", code, stderr)
	}

	files, err := filepath.Glob(filepath.Join(dir, "tiny-daluke", "jobs", "*", "result.json"))
	if err != nil || len(files) != 2 {
		t.Fatalf("result files %v (%v), want 2", files, err)
	}
	hashes := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r experiment.Result
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		if r.Model.Name != "daluke" || !strings.HasPrefix(r.Model.Hash, "sha256:") || r.Dataset.Sentences != 6 ||
			r.Job.Config.Params["pretrained"] != "random" {
			t.Errorf("%s: model %+v, dataset %+v, job %+v", f, r.Model, r.Dataset, r.Job.Config)
		}
		hashes[r.Model.Hash] = true
		if _, err := os.Stat(filepath.Join(filepath.Dir(f), dalukeRunDir, "best.tar.gz")); err != nil {
			t.Error(err)
		}
	}
	if len(hashes) != 2 {
		t.Errorf("the two seeds trained the same model: %v", hashes)
	}

	// A job that dies after training (its result lost) resumes from its
	// run's checkpoint rather than training again, to the same model.
	before, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var r0 experiment.Result
	if err := json.Unmarshal(before, &r0); err != nil {
		t.Fatal(err)
	}
	os.Remove(files[0])
	_, stderr, code = nb(t, "experiment", "run", spec, "--dir", dir, "--data-dir", data)
	if code != 0 || !strings.Contains(stderr, "1 jobs ran, 1 skipped") {
		t.Fatalf("run after a lost result: exit %d: %s", code, stderr)
	}
	log, err := os.ReadFile(filepath.Join(filepath.Dir(files[0]), "log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "resuming the fine-tuning run") {
		t.Errorf("the rerun did not resume:\n%s", log)
	}
	after, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var r1 experiment.Result
	if err := json.Unmarshal(after, &r1); err != nil {
		t.Fatal(err)
	}
	if r1.Model.Hash != r0.Model.Hash || r1.MainScore().Micro != r0.MainScore().Micro {
		t.Errorf("resumed job: model %s scores %+v, first run %s %+v", r1.Model.Hash, r1.MainScore().Micro, r0.Model.Hash, r0.MainScore().Micro)
	}

	out, stderr, code := nb(t, "experiment", "collect", spec, "--dir", dir, "-o", "json", "--no-files")
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	var c experiment.Collected
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Model != "daluke" || c.Jobs != 2 || len(c.Tables) != 1 || len(c.Tables[0].Rows) != 4 {
		t.Fatalf("got %+v, want one table of 2 seeds, mean and std", c)
	}
	if got := c.Tables[0].Rows[2].Cells["f1"].N; got != 2 {
		t.Errorf("mean row over %d runs, want 2", got)
	}
}
