package experiment

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/atomicfile"
	"github.com/nerbench/nerbench/internal/results"
)

// Runner trains one model and predicts with it. Implementations live with
// the command (the baseline runner, and DaLUKE's in the torch build);
// this package only calls them.
type Runner interface {
	// Run trains on t.Train, choosing what it needs on t.Dev, and returns
	// the predicted tags of every sentence of t.Test, in order. It must not
	// read t.Test's tags, and must check ctx.
	Run(ctx context.Context, t *Task) (*Output, error)
}

// Task is one job's data and settings, handed to a Runner.
type Task struct {
	Job             Job
	Train, Dev      []benchmarks.Sentence
	Test            *benchmarks.Corpus
	TrainDataset    *benchmarks.Dataset
	TestDataset     *benchmarks.Dataset
	Log             io.Writer // the job's log file
	TrainSplitTitle string    // such as "DaNE train" or "DaNE cv5 fold 1 train"
	// Dir is the job's folder, jobs/<id>, for a runner's own files (such
	// as checkpoints to resume from after a crash).
	Dir string
}

// Output is what a Runner returns.
type Output struct {
	// Model describes the trained model for the result file; Types must
	// list the entity types it predicts.
	Model results.Model
	// Pred holds one tag sequence per test sentence.
	Pred [][]string
}

// Env is what experiments run against: the model kinds and the datasets.
type Env struct {
	Kinds    []Kind
	Datasets []benchmarks.Dataset
	// Load reads a split of a dataset.
	Load func(ctx context.Context, ds *benchmarks.Dataset, split string) (*benchmarks.Corpus, error)
	// Scoring configures the scoring of predictions (the zero value:
	// seqeval default mode, 1000 bootstrap resamples, seed 0, 95 %).
	Scoring results.Options
	// Version is the nerbench version written into result files.
	Version string
}

func (e *Env) kind(name string) *Kind {
	for i := range e.Kinds {
		if e.Kinds[i].Name == name {
			return &e.Kinds[i]
		}
	}
	return nil
}

func (e *Env) kindNames() []string {
	var out []string
	for _, k := range e.Kinds {
		out = append(out, k.Name)
	}
	return out
}

func (e *Env) dataset(name string) *benchmarks.Dataset {
	for i := range e.Datasets {
		if e.Datasets[i].Name == name {
			return &e.Datasets[i]
		}
	}
	return nil
}

func (e *Env) datasetNames() []string {
	var out []string
	for _, d := range e.Datasets {
		out = append(out, d.Name)
	}
	return out
}

// Store is an experiment's folder: plan.json, and jobs/<id>/result.json
// and jobs/<id>/log.txt for every job.
type Store struct{ Dir string }

// PlanPath is the plan file's path.
func (s Store) PlanPath() string { return filepath.Join(s.Dir, "plan.json") }

// JobDir is the folder of one job.
func (s Store) JobDir(id string) string { return filepath.Join(s.Dir, "jobs", id) }

// ResultPath is the result file of a job.
func (s Store) ResultPath(id string) string { return filepath.Join(s.JobDir(id), "result.json") }

// LogPath is the log file of a job.
func (s Store) LogPath(id string) string { return filepath.Join(s.JobDir(id), "log.txt") }

// Result is a job's result file: a result file of internal/results (schema
// nerbench.result/v1, every key kept) with the job added under "job".
type Result struct {
	results.File
	Job Job `json:"job"`
}

// Load returns the job's result if it is valid: the file parses as a
// result file and its embedded configuration hashes to the job's id.
// Anything else is a miss, reported as (nil, reason).
func (s Store) Load(j Job) (*Result, string) {
	data, err := os.ReadFile(s.ResultPath(j.ID))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "no result"
		}
		return nil, err.Error()
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Sprintf("result does not parse: %v", err)
	}
	switch {
	case r.Schema != results.Schema:
		return nil, fmt.Sprintf("result schema %q, want %q", r.Schema, results.Schema)
	case r.MISCOff == nil:
		return nil, "result has no misc_off scores"
	case r.Job.Config.ID() != j.ID || r.Job.ID != j.ID:
		return nil, "result's configuration does not hash to the job id"
	}
	return &r, ""
}

// failedPrefix starts the last line of the log of a failed job.
const failedPrefix = "nerbench: job failed: "

// Failure returns the error recorded at the end of the job's log, or ""
// when the log does not end in one (or does not exist).
func (s Store) Failure(id string) string {
	f, err := os.Open(s.LogPath(id))
	if err != nil {
		return ""
	}
	defer f.Close()
	last := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	msg, ok := strings.CutPrefix(last, failedPrefix)
	if !ok {
		return ""
	}
	return msg
}

// ErrUnavailable is wrapped when a job's model kind has no Runner here.
var ErrUnavailable = errors.New("model kind cannot be trained here")

// RunJob runs one job: it loads the data, calls the kind's Runner, scores
// the predictions and writes jobs/<id>/result.json atomically. Progress
// and errors go to the job's log, truncated first; a failure ends the log
// with a "nerbench: job failed:" line and writes no result.
func RunJob(ctx context.Context, env *Env, store Store, j Job) (err error) {
	if err := os.MkdirAll(store.JobDir(j.ID), 0o755); err != nil {
		return err
	}
	logf, err := os.Create(store.LogPath(j.ID))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			fmt.Fprintf(logf, "%s%v\n", failedPrefix, oneLine(err))
		}
		if cerr := logf.Close(); err == nil {
			err = cerr
		}
	}()
	fmt.Fprintf(logf, "job %d %s\n", j.Index, j.ID)
	for _, l := range j.Config.Lines() {
		fmt.Fprintf(logf, "  %s\n", l)
	}
	return runJob(ctx, env, store, j, logf)
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " | ")
}

func runJob(ctx context.Context, env *Env, store Store, j Job, log io.Writer) error {
	c := j.Config
	k := env.kind(c.Model)
	if k == nil {
		return fmt.Errorf("unknown model kind %q", c.Model)
	}
	if k.Runner == nil {
		return fmt.Errorf("%w: %s: %s", ErrUnavailable, k.Name, k.Unavailable)
	}
	t, err := loadTask(ctx, env, j)
	if err != nil {
		return err
	}
	t.Log, t.Dir = log, store.JobDir(j.ID)
	fmt.Fprintf(log, "train %d sentences, dev %d, test %d (%s %s)\n", len(t.Train), len(t.Dev), len(t.Test.Sentences), t.TestDataset.Name, t.Test.Split)
	out, err := k.Runner.Run(ctx, t)
	if err != nil {
		return fmt.Errorf("%s: %w", k.Name, err)
	}
	f := results.File{
		Schema:   results.Schema,
		Nerbench: env.Version,
		Command:  []string{"nerbench", "experiment", "run-job", "--index", fmt.Sprint(j.Index)},
		Model:    out.Model,
	}
	if err := results.Evaluate(ctx, &f, t.Test, t.TestDataset, out.Model.Types, out.Pred, env.Scoring); err != nil {
		return fmt.Errorf("score: %w", err)
	}
	r := Result{File: f, Job: j}
	data, err := json.MarshalIndent(&r, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(store.ResultPath(j.ID), append(data, '\n'), 0o644); err != nil {
		return err
	}
	m := f.MainScore().Micro
	fmt.Fprintf(log, "done: %s micro-F1 %.2f (P %.2f, R %.2f)\n", f.Main, 100*m.F1, 100*m.Precision, 100*m.Recall)
	return nil
}

// loadTask reads the job's data, drawing the folds for cross-validation.
func loadTask(ctx context.Context, env *Env, j Job) (*Task, error) {
	c := j.Config
	trainDS, testDS := env.dataset(c.Train.Dataset), env.dataset(c.Test.Dataset)
	if trainDS == nil || testDS == nil {
		return nil, fmt.Errorf("unknown dataset %s or %s", c.Train.Dataset, c.Test.Dataset)
	}
	load := func(ds *benchmarks.Dataset, split string) (*benchmarks.Corpus, error) {
		corp, err := env.Load(ctx, ds, split)
		if err != nil {
			return nil, fmt.Errorf("load %s %s: %w", ds.Name, split, err)
		}
		return corp, nil
	}
	t := &Task{Job: j, TrainDataset: trainDS, TestDataset: testDS}
	if c.CV != nil {
		var pool []benchmarks.Sentence
		for _, sp := range []Split{c.Train, c.Dev, c.Test} {
			corp, err := load(trainDS, sp.Split)
			if err != nil {
				return nil, err
			}
			pool = append(pool, corp.Sentences...)
		}
		train, dev, test, err := FoldSplit(pool, c.Train.Dataset, *c.CV)
		if err != nil {
			return nil, err
		}
		t.Train, t.Dev = train, dev
		t.Test = &benchmarks.Corpus{Split: c.TestSplitName(), File: fmt.Sprintf("%s %s+%s+%s, fold %d of %d", c.Train.Dataset, c.Train.Split, c.Dev.Split, c.Test.Split, c.CV.Fold, c.CV.K), Sentences: test}
		t.TrainSplitTitle = fmt.Sprintf("%s cv%d fold %d", trainDS.Name, c.CV.K, c.CV.Fold)
		return t, nil
	}
	tr, err := load(trainDS, c.Train.Split)
	if err != nil {
		return nil, err
	}
	dv, err := load(trainDS, c.Dev.Split)
	if err != nil {
		return nil, err
	}
	te, err := load(testDS, c.Test.Split)
	if err != nil {
		return nil, err
	}
	t.Train, t.Dev, t.Test = tr.Sentences, dv.Sentences, te
	t.TrainSplitTitle = trainDS.Name + " " + c.Train.Split
	return t, nil
}

// FoldSplit draws the folds of k-fold cross-validation over pool (the
// dataset's train, dev and test splits concatenated in that order) and
// returns the train, dev and test sentences of fold cv.Fold.
//
// The assignment (scheme nerbench.folds/v1): a permutation of the pool's
// positions is drawn with math/rand/v2's ChaCha8, seeded with the SHA-256
// of "nerbench.folds/v1\n<dataset>\n<cv.Seed>\n"; the sentence at permuted
// position p belongs to fold (p mod K)+1, so fold sizes differ by at most
// one. Fold cv.Fold is the test set. Of the other sentences, taken in
// permuted order, every tenth (the 10th, 20th, ...) is dev, used only for
// model selection, and the rest is train. Each returned set keeps the
// pool's order.
func FoldSplit(pool []benchmarks.Sentence, dataset string, cv CV) (train, dev, test []benchmarks.Sentence, err error) {
	if cv.K < 2 || cv.Fold < 1 || cv.Fold > cv.K {
		return nil, nil, nil, fmt.Errorf("fold %d of %d is not a valid fold", cv.Fold, cv.K)
	}
	if len(pool) < 10*cv.K {
		return nil, nil, nil, fmt.Errorf("%d sentences are too few for %d folds", len(pool), cv.K)
	}
	key := sha256.Sum256(fmt.Appendf(nil, "%s\n%s\n%d\n", FoldScheme, dataset, cv.Seed))
	rng := rand.New(rand.NewChaCha8(key))
	perm := rng.Perm(len(pool)) // perm[p] is the pool index at permuted position p
	role := make([]byte, len(pool))
	rest := 0
	for p, idx := range perm {
		if p%cv.K+1 == cv.Fold {
			role[idx] = 't'
			continue
		}
		rest++
		if rest%10 == 0 {
			role[idx] = 'd'
		} else {
			role[idx] = 'r'
		}
	}
	for i, s := range pool {
		switch role[i] {
		case 't':
			test = append(test, s)
		case 'd':
			dev = append(dev, s)
		default:
			train = append(train, s)
		}
	}
	return train, dev, test, nil
}

// Status is the state of one job as seen from the store.
type Status string

// The job states the store can tell.
const (
	StatusDone    Status = "done"
	StatusFailed  Status = "failed"
	StatusMissing Status = "missing"
)

// JobState is one job's state with the reason and log path.
type JobState struct {
	Job    Job
	Status Status
	Reason string // why a job is not done; the error of a failed job
	Log    string // the job's log path ("" when there is none)
}

// States returns the state of every job of p.
func (s Store) States(p *Plan) []JobState {
	out := make([]JobState, len(p.Jobs))
	for i, j := range p.Jobs {
		st := JobState{Job: j}
		if _, err := os.Stat(s.LogPath(j.ID)); err == nil {
			st.Log = s.LogPath(j.ID)
		}
		if _, why := s.Load(j); why == "" {
			st.Status = StatusDone
		} else if msg := s.Failure(j.ID); msg != "" {
			st.Status, st.Reason = StatusFailed, msg
		} else {
			st.Status, st.Reason = StatusMissing, why
		}
		out[i] = st
	}
	return out
}
