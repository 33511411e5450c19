package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/internal/atomicfile"
	"github.com/nerbench/nerbench/internal/cluster"
	"github.com/nerbench/nerbench/internal/experiment"
	"github.com/nerbench/nerbench/internal/table"
)

// experimentOptions are the flags shared by the experiment subcommands.
type experimentOptions struct {
	out     *streams
	spec    string
	dir     string // root folder; the experiment's folder is dir/<name>
	dataDir string
}

func (o *experimentOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.dir, "dir", "nerbench-experiments", "folder of experiment folders; the experiment's is DIR/<name>")
	cmd.Flags().StringVar(&o.dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
}

// load reads the spec and expands its plan.
func (o *experimentOptions) load() (*experiment.Env, *experiment.Spec, *experiment.Plan, experiment.Store, error) {
	env := experimentEnv(o.dataDir)
	s, err := experiment.LoadSpec(o.spec, env)
	if err != nil {
		return nil, nil, nil, experiment.Store{}, err
	}
	p, err := experiment.NewPlan(s)
	if err != nil {
		return nil, nil, nil, experiment.Store{}, err
	}
	return env, s, p, experiment.Store{Dir: filepath.Join(o.dir, s.Name)}, nil
}

func newExperimentCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "experiment",
		Short: "Run training experiments from spec files, locally or on Slurm or LSF",
		Long: `Experiments are TOML spec files (see experiments/ and 'go doc
./internal/experiment'): a model kind, datasets, axes to vary (seeds, folds,
train/test pairs, feature switches, hyper-parameter grids) and what to
report. Each combination is one job with a stable id, the SHA-256 of its
configuration. Every job writes DIR/<name>/jobs/<id>/result.json; a job
with a valid result is never run again, so a rerun after a crash or a
cancelled array does only what is missing.

  plan      print the jobs (--explain: the hashed lines of each id)
  run       run the missing jobs here, --jobs at a time
  submit    submit the missing jobs as one Slurm (--slurm) or LSF (--lsf) array
  run-job   run one job of plan.json (what each array task runs)
  status    done, failed (with log paths), pending and running jobs
  collect   the thesis-shaped tables, in every format, with figures`,
		Example: `  nerbench experiment plan experiments/baseline-6.15.toml --explain
  nerbench experiment run experiments/baseline-6.15.toml --jobs 2
  nerbench experiment submit --slurm experiments/baseline-6.15.toml
  nerbench experiment status experiments/baseline-6.15.toml
  nerbench experiment collect experiments/baseline-6.15.toml -o markdown`,
	}
	cmd.AddCommand(newExperimentPlanCmd(s), newExperimentRunCmd(s), newExperimentSubmitCmd(s),
		newExperimentRunJobCmd(s), newExperimentStatusCmd(s), newExperimentCollectCmd(s))
	return cmd
}

func specArg(o *experimentOptions) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return flagErrorf("want one spec file, got %d arguments", len(args))
		}
		o.spec = args[0]
		return nil
	}
}

func newExperimentPlanCmd(s *streams) *cobra.Command {
	o := &experimentOptions{out: s}
	var explain bool
	var output string
	cmd := &cobra.Command{
		Use:   "plan SPEC",
		Short: "Print the jobs of an experiment",
		Long: `Validate the spec and print its jobs in array order: index, id (its first
12 hex digits) and configuration. With --explain, print under each job the
lines its id is the SHA-256 of (after the salt line nerbench.job/v1). The
plan is not written; run and submit write DIR/<name>/plan.json.`,
		Example: `  nerbench experiment plan experiments/baseline-6.16.toml
  nerbench experiment plan experiments/daluke-6.15.toml --explain -o json`,
		Args: specArg(o),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return flagErrorf("--output %q: want text or json", output)
			}
			_, spec, p, store, err := o.load()
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			}
			fmt.Fprintf(s.Out, "%s: %d jobs of model kind %s, table %s, folder %s\n", spec.Name, len(p.Jobs), spec.Kind.Name, spec.Shape, store.Dir)
			if spec.Kind.Runner == nil {
				fmt.Fprintf(s.Out, "note: %s cannot run here: %s\n", spec.Kind.Name, spec.Kind.Unavailable)
			}
			for _, j := range p.Jobs {
				fmt.Fprintf(s.Out, "%4d %s %s\n", j.Index, j.Short(), strings.Join(j.Config.Lines(), "; "))
				if explain {
					fmt.Fprintf(s.Out, "       %s\n", experiment.IDSalt)
					for _, l := range j.Config.Lines() {
						fmt.Fprintf(s.Out, "       %s\n", l)
					}
					fmt.Fprintf(s.Out, "       sha256 %s\n", j.ID)
				}
			}
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().BoolVar(&explain, "explain", false, "print the hashed lines of every job id")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

// jobProgress shows finished jobs out of those to run: a bar on a
// terminal, else a line per job.
func jobProgress(w io.Writer) func(done, total int) {
	if !isTerminal(w) {
		return func(done, total int) { fmt.Fprintf(w, "jobs: %d/%d finished\n", done, total) }
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("jobs"),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		}
		_ = bar.Set(done)
	}
}

func printFailures(w io.Writer, failed []experiment.JobState) {
	for _, f := range failed {
		fmt.Fprintf(w, "job %d %s failed: %s\n  log: %s\n", f.Job.Index, f.Job.Short(), f.Reason, f.Log)
	}
}

func newExperimentRunCmd(s *streams) *cobra.Command {
	o := &experimentOptions{out: s}
	var jobs int
	cmd := &cobra.Command{
		Use:   "run SPEC",
		Short: "Run the missing jobs of an experiment here",
		Long: `Write DIR/<name>/plan.json (once: a spec that now expands to other jobs
is refused) and run every job without a valid result, --jobs at a time.
A failing job does not stop the others; failures are listed at the end
with their log paths, and the command exits 1. Ctrl-C stops after the
running jobs give up; finished results are kept.`,
		Example: `  nerbench experiment run experiments/baseline-6.15.toml --jobs 2
  nerbench experiment run experiments/baseline-6.17.toml --dir out/ --data-dir ~/nerdata`,
		Args: specArg(o),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if jobs < 1 {
				return flagErrorf("--jobs %d: want at least 1", jobs)
			}
			env, spec, p, store, err := o.load()
			if err != nil {
				return err
			}
			if spec.Kind.Runner == nil {
				return fmt.Errorf("%w: %s: %s", experiment.ErrUnavailable, spec.Kind.Name, spec.Kind.Unavailable)
			}
			if err := experiment.WritePlan(store.PlanPath(), p); err != nil {
				return err
			}
			start := time.Now()
			sum, err := experiment.RunLocal(cmd.Context(), env, store, p, experiment.LocalOptions{Jobs: jobs, Progress: jobProgress(s.Err)})
			fmt.Fprintf(s.Err, "%s: %d jobs ran, %d skipped (already done), %d failed, in %.1f s\n", spec.Name, sum.Ran, sum.Skipped, len(sum.Failed), time.Since(start).Seconds())
			printFailures(s.Err, sum.Failed)
			if err != nil {
				return err
			}
			if len(sum.Failed) > 0 {
				return fmt.Errorf("%d of %d jobs failed", len(sum.Failed), len(p.Jobs))
			}
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().IntVarP(&jobs, "jobs", "j", 1, "jobs to run at once")
	return cmd
}

// submission records one array submitted by `experiment submit`.
type submission struct {
	Scheduler string `json:"scheduler"`
	JobID     string `json:"job_id"`
	Indices   []int  `json:"indices"`
	Script    string `json:"script"`
}

func submissionsPath(store experiment.Store) string {
	return filepath.Join(store.Dir, "submissions.json")
}

func readSubmissions(store experiment.Store) ([]submission, error) {
	data, err := os.ReadFile(submissionsPath(store))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var subs []submission
	if err := json.Unmarshal(data, &subs); err != nil {
		return nil, fmt.Errorf("%s: %w", submissionsPath(store), err)
	}
	return subs, nil
}

func newExperimentSubmitCmd(s *streams) *cobra.Command {
	o := &experimentOptions{out: s}
	var slurm, lsf, dryRun bool
	var maxPar int
	var binary string
	cmd := &cobra.Command{
		Use:   "submit (--slurm | --lsf) SPEC",
		Short: "Submit the missing jobs of an experiment as one job array",
		Long: `Write DIR/<name>/plan.json (once), then one array script with a task per
job that has no valid result: DIR/<name>/slurm/array-N.sbatch (--array=
indices%K) or DIR/<name>/lsf/array-N.bsub (-J "name[indices]%K"), with the
spec's [resources]. Submit it with 'sbatch --parsable' or 'bsub <', and
print the job id. Task i runs

  exec nerbench experiment run-job --plan DIR/<name>/plan.json --plan-digest D --index i

which refuses to run if plan.json no longer has digest D. Submitting again
after a crash or a cancel submits only the jobs still missing; jobs of an
earlier Slurm array that squeue still lists are not submitted twice (LSF
arrays are not checked).`,
		Example: `  nerbench experiment submit --slurm experiments/baseline-6.15.toml
  nerbench experiment submit --lsf --dry-run experiments/daluke-6.15.toml --max-parallel 2`,
		Args: specArg(o),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if slurm == lsf {
				return flagErrorf("want exactly one of --slurm and --lsf")
			}
			_, spec, p, store, err := o.load()
			if err != nil {
				return err
			}
			if err := experiment.WritePlan(store.PlanPath(), p); err != nil {
				return err
			}
			digest, err := p.Digest()
			if err != nil {
				return err
			}
			subs, err := readSubmissions(store)
			if err != nil {
				return err
			}
			// Tasks of earlier Slurm arrays still in squeue are not
			// submitted again.
			queued := map[int]string{}
			for _, sub := range subs {
				if sub.Scheduler != "slurm" || dryRun {
					continue
				}
				tasks, err := cluster.SlurmTasks(cmd.Context(), sub.JobID)
				if err != nil {
					return err
				}
				for i, t := range tasks {
					queued[i] = sub.JobID + " " + strings.ToLower(t.State)
				}
			}
			var todo []int
			done := 0
			for _, st := range store.States(p) {
				if st.Status == experiment.StatusDone {
					done++
				}
				if q, ok := queued[st.Job.Index]; ok && st.Status != experiment.StatusDone {
					fmt.Fprintf(s.Err, "job %d %s: still queued (array %s); not submitted again\n", st.Job.Index, st.Job.Short(), q)
				} else if st.Status != experiment.StatusDone {
					todo = append(todo, st.Job.Index)
				}
			}
			if len(todo) == 0 {
				fmt.Fprintf(s.Err, "%s: %d of %d jobs done, the others queued; nothing to submit\n", spec.Name, done, len(p.Jobs))
				return nil
			}
			abs, err := filepath.Abs(store.Dir)
			if err != nil {
				return err
			}
			if binary == "" {
				if binary, err = os.Executable(); err != nil {
					return err
				}
			}
			command := []string{binary, "experiment", "run-job", "--plan", filepath.Join(abs, "plan.json"), "--plan-digest", digest}
			if o.dataDir != "" {
				dd, err := filepath.Abs(o.dataDir)
				if err != nil {
					return err
				}
				command = append(command, "--data-dir", dd)
			}
			command = append(command, "--index")
			sched, ext := "slurm", "sbatch"
			if lsf {
				sched, ext = "lsf", "bsub"
			}
			r := spec.Resources
			if maxPar > 0 {
				r.MaxParallel = maxPar
			}
			arr := &cluster.Array{
				Name: spec.Name, Command: command, Indices: todo, MaxParallel: r.MaxParallel,
				Time: r.Time, CPUs: r.CPUs, Mem: r.Mem, GPUs: r.GPUs, Partition: r.Partition,
				Dir: abs, LogDir: filepath.Join(abs, sched), Signal: 120,
			}
			var script string
			if lsf {
				script, err = cluster.LSFScript(arr)
			} else {
				script, err = cluster.SlurmScript(arr)
			}
			if err != nil {
				return err
			}
			if err := os.MkdirAll(arr.LogDir, 0o755); err != nil {
				return err
			}
			path := filepath.Join(arr.LogDir, fmt.Sprintf("array-%d.%s", len(subs)+1, ext))
			if err := atomicfile.WriteFile(path, []byte(script), 0o755); err != nil {
				return err
			}
			if dryRun {
				fmt.Fprintf(s.Err, "wrote %s (%d tasks); not submitted (--dry-run)\n", path, len(todo))
				return nil
			}
			var id string
			if lsf {
				id, err = cluster.SubmitLSF(cmd.Context(), []byte(script))
			} else {
				id, err = cluster.SubmitSlurm(cmd.Context(), path)
			}
			if err != nil {
				return err
			}
			subs = append(subs, submission{Scheduler: sched, JobID: id, Indices: todo, Script: path})
			data, err := json.MarshalIndent(subs, "", "  ")
			if err != nil {
				return err
			}
			if err := atomicfile.WriteFile(submissionsPath(store), append(data, '\n'), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "submitted %d of %d jobs as %s array %s (%s)\n", len(todo), len(p.Jobs), sched, id, path)
			fmt.Fprintln(s.Out, id)
			return nil
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&slurm, "slurm", false, "submit to Slurm with sbatch")
	f.BoolVar(&lsf, "lsf", false, "submit to LSF with bsub")
	f.BoolVar(&dryRun, "dry-run", false, "write the script but do not submit it")
	f.IntVar(&maxPar, "max-parallel", 0, "most tasks at once (default: the spec's resources.max_parallel)")
	f.StringVar(&binary, "nerbench", "", "nerbench binary the tasks run (default: this one)")
	return cmd
}

func newExperimentRunJobCmd(s *streams) *cobra.Command {
	var planPath, digest, dataDir string
	var index int
	cmd := &cobra.Command{
		Use:   "run-job --plan plan.json --index I",
		Short: "Run one job of a written plan (what each array task runs)",
		Long: `Run job I (from 1) of plan.json, which 'experiment run' or 'submit' wrote,
and write its result into the experiment folder beside plan.json. The job's
id must be the hash of its configuration, and with --plan-digest the plan
file must have that digest, so that a plan changed after submission fails
loudly. A job whose valid result exists is skipped.`,
		Example: `  nerbench experiment run-job --plan nerbench-experiments/baseline-seeds/plan.json --index 3`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if planPath == "" || index < 1 {
				return flagErrorf("want --plan FILE and --index I (I ≥ 1)")
			}
			p, err := experiment.ReadPlan(planPath)
			if err != nil {
				return err
			}
			if digest != "" {
				got, err := p.Digest()
				if err != nil {
					return err
				}
				if got != digest {
					return fmt.Errorf("%s: %w: digest %s, the array was submitted with %s", planPath, experiment.ErrPlanChanged, got, digest)
				}
			}
			j, err := p.Job(index)
			if err != nil {
				return &flagError{err}
			}
			store := experiment.Store{Dir: filepath.Dir(planPath)}
			if _, why := store.Load(j); why == "" {
				fmt.Fprintf(s.Err, "job %d %s: already done\n", j.Index, j.Short())
				return nil
			}
			env := experimentEnv(dataDir)
			fmt.Fprintf(s.Err, "job %d %s: %s\n", j.Index, j.Short(), strings.Join(j.Config.Lines(), "; "))
			ctx := cmd.Context()
			if len(jobSignals) > 0 {
				var stop context.CancelFunc
				ctx, stop = signal.NotifyContext(ctx, jobSignals...)
				defer stop()
			}
			if err := experiment.RunJob(ctx, env, store, j); err != nil {
				return fmt.Errorf("job %d %s: %w (log %s)", j.Index, j.Short(), err, store.LogPath(j.ID))
			}
			fmt.Fprintf(s.Err, "job %d %s: done, %s\n", j.Index, j.Short(), store.ResultPath(j.ID))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&planPath, "plan", "", "plan.json of the experiment")
	f.IntVar(&index, "index", 0, "job index, from 1 (the array task id)")
	f.StringVar(&digest, "plan-digest", "", "refuse to run unless plan.json has this digest (sha256:...)")
	f.StringVar(&dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	return cmd
}

func newExperimentStatusCmd(s *streams) *cobra.Command {
	o := &experimentOptions{out: s}
	cmd := &cobra.Command{
		Use:   "status SPEC",
		Short: "Show which jobs are done, failed, pending or running",
		Long: `Show the state of every job: done (a valid result file), pending or
running (squeue), or what scontrol remembers of a finished Slurm task
(cancelled, failed, timeout), for the arrays 'submit' recorded; failed
(the log ends in the error) or missing, with the log's path. Exits 0 only
when every job is done.`,
		Example: `  nerbench experiment status experiments/baseline-6.15.toml`,
		Args:    specArg(o),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, spec, p, store, err := o.load()
			if err != nil {
				return err
			}
			subs, err := readSubmissions(store)
			if err != nil {
				return err
			}
			sched := map[int]cluster.TaskState{}
			schedLog := map[int]string{} // the scheduler's output file of the latest submission of each job
			for _, sub := range subs {
				for _, i := range sub.Indices {
					schedLog[i] = filepath.Join(filepath.Dir(sub.Script), fmt.Sprintf("%s-%s_%d.out", spec.Name, sub.JobID, i))
				}
				if sub.Scheduler != "slurm" {
					continue
				}
				// squeue lists waiting and running tasks; scontrol also
				// remembers finished ones for a while (MinJobAge).
				finished, err := cluster.SlurmJobs(cmd.Context(), sub.JobID)
				if err != nil {
					return err
				}
				queued, err := cluster.SlurmTasks(cmd.Context(), sub.JobID)
				if err != nil {
					return err
				}
				for _, tasks := range []map[int]cluster.TaskState{finished, queued} {
					for i, t := range tasks {
						sched[i] = t
					}
				}
			}
			counts := map[string]int{}
			t := &table.Table{Title: fmt.Sprintf("%s: %d jobs", spec.Name, len(p.Jobs)), Header: []string{"Job", "Id", "State", "Detail"}}
			for _, st := range store.States(p) {
				state, detail := string(st.Status), st.Reason
				if st.Status == experiment.StatusDone {
					detail = ""
				} else if ts, ok := sched[st.Job.Index]; ok && ts.State != "COMPLETED" {
					state = strings.ToLower(ts.State)
					if ts.Reason != "" && ts.Reason != "None" {
						detail = ts.Reason + "; " + detail
					}
				}
				if state != "pending" && state != "running" && st.Status != experiment.StatusDone {
					if st.Log != "" {
						detail += " (log " + st.Log + ")"
					}
					if out, ok := schedLog[st.Job.Index]; ok {
						if _, err := os.Stat(out); err == nil {
							detail += " (scheduler output " + out + ")"
						}
					}
				}
				counts[state]++
				t.Rows = append(t.Rows, []string{fmt.Sprint(st.Job.Index), st.Job.Short(), state, detail})
			}
			var parts []string
			for _, k := range []string{"done", "running", "pending", "failed", "missing"} {
				if counts[k] > 0 {
					parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
				}
			}
			t.Notes = append(t.Notes, strings.Join(parts, ", "))
			if err := t.Render(s.Out, table.Text); err != nil {
				return err
			}
			if counts["done"] != len(p.Jobs) {
				return fmt.Errorf("%d of %d jobs are not done", len(p.Jobs)-counts["done"], len(p.Jobs))
			}
			return nil
		},
	}
	o.addFlags(cmd)
	return cmd
}

func newExperimentCollectCmd(s *streams) *cobra.Command {
	o := &experimentOptions{out: s}
	var output string
	var noFiles bool
	cmd := &cobra.Command{
		Use:   "collect SPEC",
		Short: "Aggregate an experiment's results into thesis-shaped tables",
		Long: `Read every job's result and print the experiment's table: mean ±
Student-t interval over seeds (table = "seeds", Table 6.15), per fold and
mean (folds, 6.16), the train × test matrix (cross, 6.17), feature rows
(features, 6.19) or the grid (grid, A.3). Jobs without a result make it
fail, listing them with their log paths.

It also writes DIR/<name>/collect/<name>.{txt,md,csv,json,tex} and a figure
per table (<name>-N.png and .svg). The JSON file (schema
nerbench.experiment.collect/v1) is read by 'nerbench compare --published
--results-dir DIR/<name>/collect'. CSV is one long table, one number per
cell: table, train, test, features, params, seed, fold, row, metric, n,
value, sd, ci_lo, ci_hi.`,
		Example: `  nerbench experiment collect experiments/baseline-6.15.toml
  nerbench experiment collect experiments/baseline-6.17.toml -o latex
  nerbench compare --published 5.3 --results-dir nerbench-experiments/baseline-seeds/collect`,
		Args: specArg(o),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := table.ParseFormat(output, experiment.Formats...)
			if err != nil {
				return &flagError{err}
			}
			_, spec, p, store, err := o.load()
			if err != nil {
				return err
			}
			c, err := experiment.Collect(spec, p, store)
			if err != nil {
				return err
			}
			if !noFiles {
				dir := filepath.Join(store.Dir, "collect")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				for _, ff := range []struct {
					f   table.Format
					ext string
				}{{table.Text, "txt"}, {table.Markdown, "md"}, {table.CSV, "csv"}, {table.JSON, "json"}, {table.LaTeX, "tex"}} {
					path := filepath.Join(dir, spec.Name+"."+ff.ext)
					if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return c.Render(w, ff.f) }); err != nil {
						return err
					}
				}
				paths, err := c.Figures(filepath.Join(dir, spec.Name))
				if err != nil {
					return err
				}
				fmt.Fprintf(s.Err, "wrote %s: tables in 5 formats and %d figure files\n", dir, len(paths))
			}
			return c.Render(s.Out, f)
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, markdown, csv, json or latex")
	cmd.Flags().BoolVar(&noFiles, "no-files", false, "print only; do not write the collect folder")
	return cmd
}
