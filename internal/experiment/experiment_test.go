package experiment

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/golden/published"
	"github.com/nerbench/nerbench/internal/golden"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
)

// fakeRunner tags capitalised words B-PER, except in sentences where the
// seed says to miss them, so that seeds give different scores. It never
// reads the test tags.
type fakeRunner struct {
	calls atomic.Int32
	fail  func(Job) error
}

func (f *fakeRunner) Run(ctx context.Context, t *Task) (*Output, error) {
	f.calls.Add(1)
	if f.fail != nil {
		if err := f.fail(t.Job); err != nil {
			return nil, err
		}
	}
	if len(t.Train) == 0 || len(t.Dev) == 0 {
		return nil, errors.New("no training data")
	}
	pred := make([][]string, len(t.Test.Sentences))
	for i, s := range t.Test.Sentences {
		p := make([]string, len(s.Words))
		for k, w := range s.Words {
			p[k] = "O"
			if w[0] >= 'A' && w[0] <= 'Z' && uint64(i)%(t.Job.Config.Seed+2) != 0 {
				p[k] = "B-PER"
			}
		}
		pred[i] = p
	}
	return &Output{Model: results.Model{Name: "fake", TrainedOn: t.TrainSplitTitle, Types: []string{"PER"}}, Pred: pred}, nil
}

// fakeData makes a dataset of n sentences per split: "Anna ser Bo" with
// gold PER on the capitalised words.
func fakeDataset(name string, splits ...string) benchmarks.Dataset {
	return benchmarks.Dataset{
		Name: name, Splits: splits, Types: []string{"PER"},
		Load: func(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
			c := &benchmarks.Corpus{Split: split, File: name + "/" + split}
			for i := range 60 {
				c.Sentences = append(c.Sentences, benchmarks.Sentence{
					ID:    fmt.Sprintf("%s-%d", split, i+1),
					Words: []string{"Anna", "ser", "Bo", "i", "dag"},
					Tags:  []string{"B-PER", "O", "B-PER", "O", "O"},
				})
			}
			return c, nil
		},
	}
}

func testEnv(r Runner) *Env {
	return &Env{
		Kinds: []Kind{
			{Name: "fake", Params: map[string]ParamType{"epochs": Int, "lr": Float, "name": String, "flag": Bool}, Features: []string{"all", "words", "entities"}, Runner: r},
			{Name: "later", Params: map[string]ParamType{"lr": Float}, Unavailable: "not built"},
		},
		Datasets: []benchmarks.Dataset{fakeDataset("dane", "train", "dev", "test"), fakeDataset("plank", "train-10k", "train-5k", "dev", "test")},
		Load: func(ctx context.Context, ds *benchmarks.Dataset, split string) (*benchmarks.Corpus, error) {
			return ds.Load(ctx, "", split)
		},
		Scoring: results.Options{CI: confidence.Config{Resamples: 50}},
		Version: "test",
	}
}

func writeSpec(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const seedsSpec = `name = "fake-seeds"
title = "Fake model, three seeds"
table = "seeds"
published = "6.15"
[model]
kind = "fake"
[model.params]
epochs = 3
[data]
datasets = ["dane", "plank"]
[axes]
seeds = [1, 2, 3]
[report]
metrics = ["f1", "f1_no_misc", "f1_per", "f1_loc"]
`

func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		name, spec string
		line       int
		want       string
	}{
		{"syntax", "name = \"x\"\ntable = \n", 2, "expected"},
		{"unknown key", "name = \"x\"\ntable = \"seeds\"\n[axes]\nseed = [1]\n", 4, "unknown key axes.seed"},
		{"unknown kind", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"bert\"\n", 4, `unknown model kind "bert"`},
		{"unknown dataset", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"fake\"\n[data]\n\ndatasets = [\"dane\", \"nope\"]\n", 7, `unknown dataset "nope"`},
		{"bad split", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"fake\"\n[data]\ndatasets = [\"plank\"]\n[data.splits.plank]\ntrain = \"train\"\n", 8, `no split "train"`},
		{"param type", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"fake\"\n[model.params]\nepochs = 1.5\n[data]\ndatasets = [\"dane\"]\n", 6, "want a int"},
		{"unknown param", "name = \"x\"\ntable = \"grid\"\n[model]\nkind = \"fake\"\n[data]\ndatasets = [\"dane\"]\n[axes.grid]\nbatch = [1, 2]\n", 8, `no parameter "batch"`},
		{"one seed", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"fake\"\n[data]\ndatasets = [\"dane\"]\n[axes]\nseeds = [4]\n", 8, "at least two seeds"},
		{"duplicate seed", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"fake\"\n[data]\ndatasets = [\"dane\"]\n[axes]\nseeds = [4, 4]\n", 8, "listed twice"},
		{"folds cross", "name = \"x\"\ntable = \"folds\"\n[model]\nkind = \"fake\"\n[data]\ntrain = [\"dane\"]\ntest = [\"plank\"]\n[axes]\nfolds = 5\n", 9, "needs data.datasets"},
		{"metric", "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"fake\"\n[data]\ndatasets = [\"dane\"]\n[axes]\nseeds = [1, 2]\n[report]\nmetrics = [\"f2\"]\n", 10, `unknown metric "f2"`},
		{"feature", "name = \"x\"\ntable = \"features\"\n[model]\nkind = \"fake\"\n[data]\ndatasets = [\"dane\"]\n[axes]\nfeatures = [\"all\", \"chars\"]\n", 8, `no feature switch "chars"`},
		{"name", "name = \"X Y\"\ntable = \"seeds\"\n", 1, "want a name"},
		{"resources", seedsSpec + "[resources]\nmem = \"4 GB\"\n", 16, "resources.mem"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeSpec(t, tc.spec)
			_, err := LoadSpec(path, testEnv(nil))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if !errors.Is(err, ErrSpec) {
				t.Errorf("got %v, want it to wrap ErrSpec", err)
			}
			if pe.File != path || pe.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v (line %d), want line %d and %q", err, pe.Line, tc.line, tc.want)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("%s:%d: ", path, tc.line)) {
				t.Errorf("got %q, want it to start with file:line", err)
			}
		})
	}
}

func mustPlan(t *testing.T, env *Env, spec string) (*Spec, *Plan) {
	t.Helper()
	s, err := LoadSpec(writeSpec(t, spec), env)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

func TestPlan(t *testing.T) {
	_, p := mustPlan(t, testEnv(nil), seedsSpec)
	if got, want := len(p.Jobs), 6; got != want {
		t.Fatalf("got %d jobs, want %d", got, want)
	}
	// The id is the SHA-256 of the salt and the lines, written out here by
	// hand for the fifth job (plank, seed 2).
	text := "nerbench.job/v1\nmodel fake\nparam epochs 3\nfeatures all\ntrain plank train-10k\ndev plank dev\ntest plank test\nseed 2\n"
	sum := sha256.Sum256([]byte(text))
	j := p.Jobs[4]
	if got, want := j.ID, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("job 5 id: got %s, want %s (lines %q)", got, want, j.Config.Lines())
	}
	if j.Index != 5 {
		t.Errorf("got index %d, want 5", j.Index)
	}
	if err := p.Check(); err != nil {
		t.Error(err)
	}
	if diff := cmp.Diff([]string{"train", "test", "seed"}, p.Varying()); diff != "" {
		t.Errorf("varying axes (-want +got):\n%s", diff)
	}

	// Fields that do not change the result stay out of the id.
	other := strings.Replace(seedsSpec, `title = "Fake model, three seeds"`, `title = "Other"`, 1) + "[resources]\ncpus = 8\n"
	_, p2 := mustPlan(t, testEnv(nil), other)
	for i := range p.Jobs {
		if p.Jobs[i].ID != p2.Jobs[i].ID {
			t.Errorf("job %d: title and resources changed the id", i+1)
		}
	}
	// A parameter does.
	_, p3 := mustPlan(t, testEnv(nil), strings.Replace(seedsSpec, "epochs = 3", "epochs = 4", 1))
	if p.Jobs[0].ID == p3.Jobs[0].ID {
		t.Error("a parameter change kept the id")
	}
}

func TestPlanGridFoldsOrder(t *testing.T) {
	spec := `name = "g"
table = "grid"
[model]
kind = "later"
[data]
datasets = ["dane"]
[axes]
folds = 2
seeds = [1, 2]
[axes.grid]
lr = [1e-5, 0.00005]
`
	_, p := mustPlan(t, testEnv(nil), spec)
	var got []string
	for _, j := range p.Jobs {
		got = append(got, fmt.Sprintf("lr=%s fold=%d seed=%d", j.Config.Params["lr"], j.Config.CV.Fold, j.Config.Seed))
	}
	want := []string{
		"lr=1e-05 fold=1 seed=1", "lr=1e-05 fold=1 seed=2", "lr=1e-05 fold=2 seed=1", "lr=1e-05 fold=2 seed=2",
		"lr=5e-05 fold=1 seed=1", "lr=5e-05 fold=1 seed=2", "lr=5e-05 fold=2 seed=1", "lr=5e-05 fold=2 seed=2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job order (-want +got):\n%s", diff)
	}
	if got := p.Jobs[0].Config.TestSplitName(); got != "cv2" {
		t.Errorf("got test split %q, want cv2", got)
	}
}

func TestWritePlanOnce(t *testing.T) {
	dir := t.TempDir()
	_, p := mustPlan(t, testEnv(nil), seedsSpec)
	path := filepath.Join(dir, "plan.json")
	if err := WritePlan(path, p); err != nil {
		t.Fatal(err)
	}
	if err := WritePlan(path, p); err != nil {
		t.Fatalf("same plan again: %v", err)
	}
	_, p2 := mustPlan(t, testEnv(nil), strings.Replace(seedsSpec, "seeds = [1, 2, 3]", "seeds = [1, 2, 4]", 1))
	if err := WritePlan(path, p2); !errors.Is(err, ErrPlanChanged) {
		t.Errorf("changed plan: got %v, want ErrPlanChanged", err)
	}
	got, err := ReadPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("plan round trip (-want +got):\n%s", diff)
	}
	// A hand-edited job fails the check.
	data, _ := os.ReadFile(path)
	data = bytes.Replace(data, []byte(`"seed": 3`), []byte(`"seed": 9`), 1)
	os.WriteFile(path, data, 0o644)
	if _, err := ReadPlan(path); !errors.Is(err, ErrPlanCorrupt) {
		t.Errorf("edited plan: got %v, want ErrPlanCorrupt", err)
	}
}

func TestRunLocalSkipsDoneAndListsFailures(t *testing.T) {
	r := &fakeRunner{}
	env := testEnv(r)
	s, p := mustPlan(t, env, seedsSpec)
	store := Store{Dir: t.TempDir()}
	r.fail = func(j Job) error {
		if j.Index == 4 {
			return errors.New("out of memory")
		}
		return nil
	}
	var progress []int
	sum, err := RunLocal(t.Context(), env, store, p, LocalOptions{Jobs: 3, Progress: func(done, total int) { progress = append(progress, done*100+total) }})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 5 || sum.Skipped != 0 || len(sum.Failed) != 1 {
		t.Fatalf("got %+v, want 5 ran, 1 failed", sum)
	}
	f := sum.Failed[0]
	if f.Job.Index != 4 || f.Log != store.LogPath(p.Jobs[3].ID) || !strings.Contains(f.Reason, "out of memory") {
		t.Errorf("got failure %+v", f)
	}
	if _, err := os.Stat(store.ResultPath(p.Jobs[3].ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed job has a result file: %v", err)
	}
	if got := store.Failure(p.Jobs[3].ID); !strings.Contains(got, "out of memory") {
		t.Errorf("log failure line: got %q", got)
	}
	if diff := cmp.Diff([]int{106, 206, 306, 406, 506, 606}, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	if _, err := Collect(s, p, store); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "log.txt") {
		t.Errorf("collect with a failed job: got %v, want ErrIncomplete naming the log", err)
	}

	// A rerun does only the failed job.
	r.fail = nil
	r.calls.Store(0)
	sum, err = RunLocal(t.Context(), env, store, p, LocalOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 1 || sum.Skipped != 5 || r.calls.Load() != 1 {
		t.Errorf("rerun: got %+v and %d runner calls, want 1 ran, 5 skipped", sum, r.calls.Load())
	}

	// A result whose embedded configuration does not hash to its id is a
	// miss, and so is a truncated one.
	path := store.ResultPath(p.Jobs[0].ID)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(data, []byte(`"seed": 1`), []byte(`"seed": 7`), 1), 0o644)
	os.WriteFile(store.ResultPath(p.Jobs[1].ID), data[:len(data)/2], 0o644)
	r.calls.Store(0)
	sum, err = RunLocal(t.Context(), env, store, p, LocalOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 2 || r.calls.Load() != 2 {
		t.Errorf("after tampering: got %+v, want 2 jobs rerun", sum)
	}
}

func TestRunLocalUnavailableKind(t *testing.T) {
	spec := "name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"later\"\n[data]\ndatasets = [\"dane\"]\n[axes]\nseeds = [1, 2]\n"
	env := testEnv(nil)
	_, p := mustPlan(t, env, spec)
	store := Store{Dir: t.TempDir()}
	sum, err := RunLocal(t.Context(), env, store, p, LocalOptions{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) != 2 || !strings.Contains(sum.Failed[0].Reason, "not built") {
		t.Errorf("got %+v, want both jobs failed, saying why", sum)
	}
}

func TestRunLocalCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := &fakeRunner{fail: func(Job) error { cancel(); return context.Canceled }}
	env := testEnv(r)
	_, p := mustPlan(t, env, seedsSpec)
	_, err := RunLocal(ctx, env, Store{Dir: t.TempDir()}, p, LocalOptions{Jobs: 1})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func runAndCollect(t *testing.T, spec string) *Collected {
	t.Helper()
	env := testEnv(&fakeRunner{})
	s, p := mustPlan(t, env, spec)
	store := Store{Dir: t.TempDir()}
	sum, err := RunLocal(t.Context(), env, store, p, LocalOptions{Jobs: 2})
	if err != nil || len(sum.Failed) > 0 {
		t.Fatalf("run: %v %+v", err, sum.Failed)
	}
	c, err := Collect(s, p, store)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCollectSeeds(t *testing.T) {
	c := runAndCollect(t, seedsSpec)
	if len(c.Tables) != 2 {
		t.Fatalf("got %d tables, want one per dataset", len(c.Tables))
	}
	tb := c.Tables[0]
	if len(tb.Rows) != 5 || tb.Rows[3].Kind != RowMean || tb.Rows[4].Kind != RowStd {
		t.Fatalf("got rows %+v, want 3 seeds, mean, std", tb.Rows)
	}
	var f1s []float64
	for _, r := range tb.Rows[:3] {
		f1s = append(f1s, r.Cells[published.F1NoMISC].Value)
	}
	// Reference: the Student-t interval from confidence.SummarizeRuns,
	// rounded to 4 decimals (tolerance 1e-4).
	rs, err := confidence.SummarizeRuns(f1s, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	mean := tb.Rows[3].Cells[published.F1NoMISC]
	if d := mean.Value - rs.Mean; d > 1e-4 || d < -1e-4 || mean.N != 3 || (mean.CI[1]-rs.CI.Hi) > 1e-4 {
		t.Errorf("mean cell %+v, want mean %v CI %v", mean, rs.Mean, rs.CI)
	}
	if _, ok := tb.Rows[0].Cells[published.F1]; ok {
		t.Error("the fake model has no MISC, so F1 with MISC must be empty")
	}
	if _, ok := tb.Rows[0].Cells[published.F1LOC]; ok {
		t.Error("the fake model predicts no LOC, so its cell must be empty")
	}
	if len(c.Compare) != 2 || c.Compare[1].Dataset != "plank" || c.Compare[1].Split != "test" || c.Compare[1].Runs != 3 {
		t.Errorf("compare results: got %+v", c.Compare)
	}
	var text, csv bytes.Buffer
	if err := c.Render(&text, table.Text); err != nil {
		t.Fatal(err)
	}
	if err := c.Render(&csv, table.CSV); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/seeds.txt", text.Bytes())
	golden.Check(t, "testdata/seeds.csv", csv.Bytes())
}

func TestCollectCrossAndFolds(t *testing.T) {
	cross := `name = "c"
table = "cross"
[model]
kind = "fake"
[data]
train = ["dane", "plank"]
test = ["dane", "plank"]
[axes]
seeds = [1, 2]
[report]
metrics = ["f1_no_misc", "f1_per"]
`
	c := runAndCollect(t, cross)
	if len(c.Tables) != 1 || c.Tables[0].Matrix == nil {
		t.Fatalf("got %+v, want one table with a matrix", c.Tables)
	}
	m := c.Tables[0].Matrix
	if diff := cmp.Diff([]string{"dane", "plank"}, m.Train); diff != "" {
		t.Error(diff)
	}
	for i := range m.Cells {
		for j := range m.Cells[i] {
			if m.Cells[i][j] == nil || m.Cells[i][j].N != 2 {
				t.Errorf("matrix cell %d,%d: got %+v, want the mean of 2 seeds", i, j, m.Cells[i][j])
			}
		}
	}
	if len(c.Compare) != 4 {
		t.Errorf("got %d compare results, want 4", len(c.Compare))
	}
	var md bytes.Buffer
	if err := c.Render(&md, table.Markdown); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/cross.md", md.Bytes())

	folds := `name = "f"
table = "folds"
[model]
kind = "fake"
[data]
datasets = ["dane"]
[axes]
folds = 3
[report]
metrics = ["f1_no_misc"]
`
	c = runAndCollect(t, folds)
	if got := len(c.Tables[0].Rows); got != 5 {
		t.Errorf("got %d rows, want 3 folds, mean, std", got)
	}
	if len(c.Compare) != 1 || c.Compare[0].Split != "cv3" {
		t.Errorf("compare: got %+v, want one result on split cv3", c.Compare)
	}
	var js bytes.Buffer
	if err := c.Render(&js, table.JSON); err != nil {
		t.Fatal(err)
	}
	var back Collected
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Schema != CollectSchema {
		t.Errorf("JSON output: %v, schema %q", err, back.Schema)
	}
}

func TestCollectFigures(t *testing.T) {
	c := runAndCollect(t, seedsSpec)
	paths, err := c.Figures(filepath.Join(t.TempDir(), "fig"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Errorf("got %v, want PNG and SVG for 2 tables", paths)
	}
}

func TestFoldSplit(t *testing.T) {
	var pool []benchmarks.Sentence
	for i := range 103 {
		pool = append(pool, benchmarks.Sentence{ID: fmt.Sprint(i)})
	}
	seen := map[string]int{}
	var sizes []int
	for fold := 1; fold <= 5; fold++ {
		train, dev, test, err := FoldSplit(pool, "dane", CV{K: 5, Fold: fold})
		if err != nil {
			t.Fatal(err)
		}
		if len(train)+len(dev)+len(test) != len(pool) {
			t.Errorf("fold %d: %d+%d+%d sentences, want %d", fold, len(train), len(dev), len(test), len(pool))
		}
		for _, s := range test {
			seen[s.ID]++
		}
		sizes = append(sizes, len(test))
		if want := (len(pool) - len(test)) / 10; len(dev) != want {
			t.Errorf("fold %d: %d dev sentences, want %d", fold, len(dev), want)
		}
		again, _, _, _ := FoldSplit(pool, "dane", CV{K: 5, Fold: fold})
		if !slices.EqualFunc(train, again, func(a, b benchmarks.Sentence) bool { return a.ID == b.ID }) {
			t.Errorf("fold %d: not deterministic", fold)
		}
	}
	if len(seen) != len(pool) {
		t.Errorf("test folds cover %d sentences, want all %d once", len(seen), len(pool))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("sentence %s is in %d test folds", id, n)
		}
	}
	if diff := cmp.Diff([]int{21, 21, 21, 20, 20}, sizes); diff != "" {
		t.Errorf("fold sizes (-want +got):\n%s", diff)
	}
	_, _, a, _ := FoldSplit(pool, "dane", CV{K: 5, Fold: 1, Seed: 1})
	_, _, b, _ := FoldSplit(pool, "dane", CV{K: 5, Fold: 1, Seed: 0})
	if slices.EqualFunc(a, b, func(x, y benchmarks.Sentence) bool { return x.ID == y.ID }) {
		t.Error("another fold seed gave the same test fold")
	}
	if _, _, _, err := FoldSplit(pool[:20], "dane", CV{K: 5, Fold: 1}); err == nil {
		t.Error("20 sentences in 5 folds: want an error")
	}
}

func TestCollectFeaturesAndGrid(t *testing.T) {
	features := `name = "feat"
table = "features"
[model]
kind = "fake"
[data]
datasets = ["dane"]
[axes]
features = ["all", "words", "entities"]
seeds = [1, 2]
[report]
metrics = ["f1_no_misc"]
`
	c := runAndCollect(t, features)
	var labels []string
	for _, r := range c.Tables[0].Rows {
		labels = append(labels, strings.Join(r.Labels, "/"))
		if cell := r.Cells[published.F1NoMISC]; cell.N != 2 || cell.CI == nil {
			t.Errorf("row %v: got %+v, want the mean of 2 seeds with an interval", r.Labels, cell)
		}
	}
	if diff := cmp.Diff([]string{"all", "words", "entities"}, labels); diff != "" {
		t.Errorf("feature rows (-want +got):\n%s", diff)
	}
	if len(c.Compare) != 0 {
		t.Errorf("feature rows share model and data, so compare must get none, got %+v", c.Compare)
	}

	grid := `name = "grid"
table = "grid"
[model]
kind = "fake"
[model.params]
flag = true
[data]
datasets = ["dane"]
[axes]
seeds = [1, 2]
[axes.grid]
lr = [0.1, 0.2]
epochs = [1, 2, 3]
[report]
metrics = ["f1_no_misc", "f1_per"]
`
	c = runAndCollect(t, grid)
	tb := c.Tables[0]
	if diff := cmp.Diff([]string{"epochs", "lr"}, tb.Labels); diff != "" {
		t.Errorf("grid label columns (-want +got):\n%s", diff)
	}
	if len(tb.Rows) != 6 || strings.Join(tb.Rows[1].Labels, ",") != "1,0.2" {
		t.Errorf("got %d rows, second %v; want 6 combinations, epochs outer", len(tb.Rows), tb.Rows[1].Labels)
	}
	var tex bytes.Buffer
	if err := c.Render(&tex, table.LaTeX); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/grid.tex", tex.Bytes())
}
