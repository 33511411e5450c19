package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nerbench/nerbench/golden/published"
	"github.com/nerbench/nerbench/internal/experiment"
	"github.com/nerbench/nerbench/internal/testenv"
)

// asNerbench makes the test binary act as nerbench when the Slurm test's
// array tasks exec it, so that no separate build is needed.
const asNerbench = "NERBENCH_TEST_AS_NERBENCH"

// holdTask names the environment variable whose value is the index of an
// array task that waits until it is cancelled (TestExperimentSlurm).
const holdTask = "NERBENCH_TEST_HOLD_TASK"

func TestMain(m *testing.M) {
	if os.Getenv(asNerbench) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		// A test can hold one array task until it is cancelled, so that
		// scancel always finds it running however fast the machine is.
		if id := os.Getenv("SLURM_ARRAY_TASK_ID"); id != "" && id == os.Getenv(holdTask) {
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Minute):
			}
		}
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// nb runs nerbench with args and returns stdout, stderr and the exit code.
func nb(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestShippedSpecsPlan plans every spec in experiments/, DaLUKE's included.
func TestShippedSpecsPlan(t *testing.T) {
	specs, err := filepath.Glob("../../experiments/*.toml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no specs in experiments/: %v", err)
	}
	for _, spec := range specs {
		t.Run(filepath.Base(spec), func(t *testing.T) {
			out, stderr, code := nb(t, "experiment", "plan", spec, "--explain", "--dir", t.TempDir())
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(out, experiment.IDSalt) || !strings.Contains(out, "sha256 ") {
				t.Errorf("plan --explain shows no hashed lines:\n%s", out)
			}
		})
	}
}

func TestExperimentCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("name = \"x\"\ntable = \"seeds\"\n[model]\nkind = \"baseline\"\n[model.params]\nepochs = 3\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"spec error", []string{"experiment", "plan", bad}, exitError, "bad.toml:6: bad experiment spec: model.params.epochs"},
		{"no spec", []string{"experiment", "plan"}, exitUsage, "want one spec file"},
		{"submit needs a scheduler", []string{"experiment", "submit", "../../experiments/baseline-6.15.toml", "--dir", dir}, exitUsage, "--slurm and --lsf"},
		{"run-job without plan", []string{"experiment", "run-job", "--index", "1"}, exitUsage, "want --plan"},
		{"bad jobs", []string{"experiment", "run", "../../experiments/baseline-6.15.toml", "--jobs", "0"}, exitUsage, "--jobs 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := nb(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

func TestExperimentSubmitLSFDryRun(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := nb(t, "experiment", "submit", "--lsf", "--dry-run", "../../experiments/daluke-6.15.toml", "--dir", dir, "--nerbench", "/opt/nerbench")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "daluke-6.15", "lsf", "array-1.bsub"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`#BSUB -J "daluke-6.15[1-5]`, "exec /opt/nerbench experiment run-job --plan " + filepath.Join(dir, "daluke-6.15", "plan.json"), `"$LSB_JOBINDEX"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("script lacks %q:\n%s", want, data)
		}
	}
	// run-job refuses a plan whose digest changed.
	_, stderr, code = nb(t, "experiment", "run-job", "--plan", filepath.Join(dir, "daluke-6.15", "plan.json"), "--plan-digest", "sha256:00", "--index", "1")
	if code != exitError || !strings.Contains(stderr, "plan changed") {
		t.Errorf("wrong digest: got exit %d, %q", code, stderr)
	}
}

// slurmSpec is the Slurm test's experiment: 5 seeds × DaNE and Plank of
// the baseline, with few epochs to keep CI short.
const slurmSpec = `name = "slurm-test"
table = "seeds"
[model]
kind = "baseline"
[model.params]
max_epochs = 1
[data]
datasets = ["dane", "plank"]
[axes]
seeds = [1, 2, 3, 4, 5]
[resources]
time = "00:10:00"
mem = "2G"
`

// requireSlurm skips unless a Slurm cluster is configured, except under
// CI=true, where a missing or broken cluster fails the test.
func requireSlurm(t *testing.T) {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	if os.Getenv("SLURM_CONF") == "" && !ci {
		t.Skip("SLURM_CONF is unset; tools/slurm/start-cluster.sh starts a local cluster")
	}
	out, err := exec.CommandContext(t.Context(), "sinfo", "--noheader", "--format=%t").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "idle") && !strings.Contains(string(out), "mix") && !strings.Contains(string(out), "alloc") {
		t.Fatalf("no usable Slurm cluster (CI=%v, SLURM_CONF=%q): sinfo: %v: %s", ci, os.Getenv("SLURM_CONF"), err, out)
	}
}

// waitJobs polls the store until want reports true or the deadline.
func waitJobs(t *testing.T, store experiment.Store, p *experiment.Plan, want func([]experiment.JobState) bool) []experiment.JobState {
	t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for {
		st := store.States(p)
		if want(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out; states: %+v", st)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func allDone(st []experiment.JobState) bool {
	for _, s := range st {
		if s.Status != experiment.StatusDone {
			return false
		}
	}
	return true
}

func squeueState(t *testing.T, id string) string {
	out, _ := exec.CommandContext(t.Context(), "squeue", "--noheader", "--array", "--jobs", id, "--format=%i|%T").Output()
	return string(out)
}

func TestExperimentSlurm(t *testing.T) {
	requireSlurm(t)
	data := testenv.DataDir(t)
	root := t.TempDir()
	spec := filepath.Join(root, "spec.toml")
	if err := os.WriteFile(spec, []byte(slurmSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	localDir, slurmDir := filepath.Join(root, "local"), filepath.Join(root, "slurm")

	// Local executor.
	if _, stderr, code := nb(t, "experiment", "run", spec, "--dir", localDir, "--data-dir", data, "--jobs", "2"); code != 0 {
		t.Fatalf("local run: exit %d: %s", code, stderr)
	}
	want, stderr, code := nb(t, "experiment", "collect", spec, "--dir", localDir, "--data-dir", data, "-o", "csv", "--no-files")
	if code != 0 {
		t.Fatalf("local collect: %s", stderr)
	}

	// The same spec on Slurm. The array tasks exec this test binary,
	// which acts as nerbench (TestMain).
	t.Setenv(asNerbench, "1")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	submit := func(extra ...string) string {
		t.Helper()
		args := append([]string{"experiment", "submit", "--slurm", spec, "--dir", slurmDir, "--data-dir", data, "--nerbench", self}, extra...)
		out, stderr, code := nb(t, args...)
		if code != 0 {
			t.Fatalf("submit: exit %d: %s", code, stderr)
		}
		return strings.TrimSpace(out)
	}
	env := experimentEnv(data)
	s, err := experiment.LoadSpec(spec, env)
	if err != nil {
		t.Fatal(err)
	}
	p, err := experiment.NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	store := experiment.Store{Dir: filepath.Join(slurmDir, s.Name)}
	jobID := submit()
	t.Cleanup(func() { exec.Command("scancel", jobID).Run() })
	if again := submit(); again != "" {
		t.Errorf("a second submit while the array is queued submitted array %s", again)
	}
	waitJobs(t, store, p, allDone)
	got, stderr, code := nb(t, "experiment", "collect", spec, "--dir", slurmDir, "--data-dir", data, "-o", "csv", "--no-files")
	if code != 0 {
		t.Fatalf("slurm collect: %s", stderr)
	}
	if got != want {
		t.Errorf("Slurm table differs from the local one:\nslurm:\n%s\nlocal:\n%s", got, want)
	}
	if out, _, code := nb(t, "experiment", "status", spec, "--dir", slurmDir); code != 0 || !strings.Contains(out, "10 done") {
		t.Errorf("status after the array: exit %d:\n%s", code, out)
	}

	// Remove two results, resubmit one task at a time, and cancel the
	// second task while it runs.
	for _, i := range []int{3, 7} {
		os.Remove(store.ResultPath(p.Jobs[i-1].ID))
	}
	kept, err := os.Stat(store.ResultPath(p.Jobs[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(holdTask, "7") // task 7 waits for its scancel
	jobID2 := submit("--max-parallel", "1")
	t.Cleanup(func() { exec.Command("scancel", jobID2).Run() })
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(squeueState(t, jobID2), jobID2+"_7|RUNNING") {
		if time.Now().After(deadline) {
			t.Fatalf("task 7 never ran; squeue: %s", squeueState(t, jobID2))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out, err := exec.CommandContext(t.Context(), "scancel", jobID2+"_7").CombinedOutput(); err != nil {
		t.Fatalf("scancel: %v: %s", err, out)
	}
	for strings.TrimSpace(squeueState(t, jobID2)) != "" {
		if time.Now().After(deadline) {
			t.Fatalf("array %s did not end; squeue: %s", jobID2, squeueState(t, jobID2))
		}
		time.Sleep(200 * time.Millisecond)
	}
	st := store.States(p)
	if st[2].Status != experiment.StatusDone || st[6].Status == experiment.StatusDone {
		t.Fatalf("after cancelling task 7: job 3 %s, job 7 %s; want done and not done", st[2].Status, st[6].Status)
	}
	if _, _, code := nb(t, "experiment", "collect", spec, "--dir", slurmDir, "--no-files"); code == 0 {
		t.Error("collect with a cancelled job: want a failure")
	}
	out, _, code := nb(t, "experiment", "status", spec, "--dir", slurmDir)
	if row := lineWith(out, "│ 7 "); code == 0 || !strings.Contains(row, "cancelled") || !strings.Contains(row, "log.txt") {
		t.Errorf("status after scancel: exit %d, job 7 row %q; want cancelled with its log\n%s", code, row, out)
	}

	// A resubmit runs only the cancelled job.
	t.Setenv(holdTask, "")
	submit()
	subs, err := readSubmissions(store)
	if err != nil {
		t.Fatal(err)
	}
	if got := subs[len(subs)-1].Indices; !slices.Equal(got, []int{7}) {
		t.Errorf("resubmitted indices: got %v, want [7]", got)
	}
	waitJobs(t, store, p, allDone)
	if again, err := os.Stat(store.ResultPath(p.Jobs[0].ID)); err != nil || !again.ModTime().Equal(kept.ModTime()) {
		t.Errorf("job 1's result was rewritten: %v", err)
	}
	got, stderr, code = nb(t, "experiment", "collect", spec, "--dir", slurmDir, "--data-dir", data, "-o", "csv", "--no-files")
	if code != 0 || got != want {
		t.Errorf("after the resubmit: exit %d (%s), table equal to local: %v", code, stderr, got == want)
	}
}

// TestCompareReadsCollected checks that compare --published takes the mean
// of a collected experiment as the reproduced number of the Mean row.
func TestCompareReadsCollected(t *testing.T) {
	dir := t.TempDir()
	c := experiment.Collected{
		Schema: experiment.CollectSchema, Name: "daluke-6.15", Shape: experiment.Seeds, Model: "daluke",
		Compare: []experiment.CompareResult{{
			Model: "daluke", TrainedOn: "dane", Dataset: "dane", Split: "test", Runs: 5,
			Scores: map[published.Metric]float64{published.F1: 82.5},
			CI:     map[published.Metric][2]float64{published.F1: {81.5, 83.5}},
		}},
	}
	data, _ := json.Marshal(c)
	os.WriteFile(filepath.Join(dir, "daluke-6.15.json"), data, 0o644)
	out, stderr, code := nb(t, "compare", "--published", "6.15", "--results-dir", dir, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc compareJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, cj := range doc.Tables[0].Comparisons {
		if cj.Metric == "f1" && cj.Reproduced != nil {
			found = true
			if *cj.Reproduced != 82.5 || cj.Row != "DaLUKE (Mean)" || cj.WithinReproduced != "yes" {
				t.Errorf("got %+v, want 82.5 on the Mean row, published 82.7 within [81.5, 83.5]", cj)
			}
		}
	}
	if !found {
		t.Errorf("no reproduced F1 in:\n%s", out)
	}
}

func lineWith(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestExperimentRunBaseline runs a small cross-validation experiment of the
// real baseline with the local executor, and reruns it.
func TestExperimentRunBaseline(t *testing.T) {
	data := testenv.DataDir(t)
	dir := t.TempDir()
	spec := filepath.Join(dir, "cv.toml")
	os.WriteFile(spec, []byte(`name = "cv"
table = "folds"
[model]
kind = "baseline"
[model.params]
max_epochs = 1
[data]
datasets = ["dane"]
[axes]
folds = 2
[report]
metrics = ["f1", "f1_no_misc"]
`), 0o644)
	_, stderr, code := nb(t, "experiment", "run", spec, "--dir", dir, "--data-dir", data, "--jobs", "2")
	if code != 0 || !strings.Contains(stderr, "2 jobs ran, 0 skipped") {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	_, stderr, code = nb(t, "experiment", "run", spec, "--dir", dir, "--data-dir", data)
	if code != 0 || !strings.Contains(stderr, "0 jobs ran, 2 skipped") {
		t.Errorf("rerun: exit %d: %s", code, stderr)
	}
	out, stderr, code := nb(t, "experiment", "collect", spec, "--dir", dir, "-o", "json")
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	var c experiment.Collected
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Tables) != 1 || len(c.Tables[0].Rows) != 4 || len(c.Compare) != 1 || c.Compare[0].Split != "cv2" {
		t.Fatalf("got %+v, want 2 folds, mean and std, compared on split cv2", c)
	}
	// Each DaNE sentence is tested in exactly one fold (DaNE has 5512).
	total := 0
	for _, j := range []int{1, 2} {
		r, err := os.ReadFile(filepath.Join(dir, "cv", "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		var p experiment.Plan
		json.Unmarshal(r, &p)
		res, why := experiment.Store{Dir: filepath.Join(dir, "cv")}.Load(p.Jobs[j-1])
		if res == nil {
			t.Fatal(why)
		}
		total += res.Dataset.Sentences
	}
	if total != 5512 {
		t.Errorf("test folds hold %d sentences, want all 5512 of DaNE", total)
	}
	for _, ext := range []string{"txt", "md", "csv", "json", "tex"} {
		if _, err := os.Stat(filepath.Join(dir, "cv", "collect", "cv."+ext)); err != nil {
			t.Error(err)
		}
	}
}
