// Package cluster writes and submits job arrays to the Slurm and LSF
// schedulers: one command line run once per array index. It knows nothing
// of what the command does; the index reaches it as its last argument.
//
// The scheduler's command-line tools are called with exec.CommandContext,
// and their standard error is put into the error when they fail:
// `sbatch --parsable` (which prints "jobid" or "jobid;cluster"), `squeue`
// with an explicit --format, `bsub` (which prints "Job <id> is submitted
// to queue <q>.").
package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Array is one job array.
type Array struct {
	// Name is the scheduler's job name.
	Name string
	// Command is the argument vector each task runs; the task's index is
	// appended as its last argument. The script execs it, so that signals
	// sent to the batch shell reach it.
	Command []string
	// Indices are the array indices to run (at least one, each ≥ 1).
	Indices []int
	// MaxParallel is the most tasks running at once (%K); 0 for no limit.
	MaxParallel int
	// Time is the wall-clock limit per task, HH:MM:SS or D-HH:MM:SS.
	Time string
	// CPUs and Mem (such as "4G") per task; GPUs 0 for none.
	CPUs int
	Mem  string
	GPUs int
	// Partition (Slurm) or queue (LSF); empty for the default.
	Partition string
	// Dir is the working folder of each task, and LogDir the folder of
	// the scheduler's output files (absolute paths).
	Dir, LogDir string
	// Signal, when set, asks Slurm to send SIGUSR1 to the batch shell
	// this many seconds before the time limit (#SBATCH --signal=B:USR1@N).
	Signal int
}

// ErrArray is wrapped for an array that cannot be written.
var ErrArray = errors.New("bad job array")

func (a *Array) check() error {
	switch {
	case a.Name == "" || strings.ContainsAny(a.Name, " \t\n'\"[]%"):
		return fmt.Errorf("%w: job name %q", ErrArray, a.Name)
	case len(a.Command) == 0:
		return fmt.Errorf("%w: no command", ErrArray)
	case len(a.Indices) == 0:
		return fmt.Errorf("%w: no array indices", ErrArray)
	case a.Dir == "" || a.LogDir == "":
		return fmt.Errorf("%w: no working or log folder", ErrArray)
	}
	for _, i := range a.Indices {
		if i < 1 {
			return fmt.Errorf("%w: array index %d < 1", ErrArray, i)
		}
	}
	for _, s := range append(slices.Clone(a.Command), a.Dir, a.LogDir, a.Time, a.Mem, a.Partition) {
		if strings.ContainsAny(s, "\n\r\x00") {
			return fmt.Errorf("%w: %q holds a line break", ErrArray, s)
		}
	}
	return nil
}

// Ranges formats indices as a sorted list of ranges: 1-5,7,9-10.
func Ranges(indices []int) string {
	s := slices.Clone(indices)
	slices.Sort(s)
	s = slices.Compact(s)
	var parts []string
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(s[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", s[i], s[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// ParseRanges reads a Ranges list, allowing a "%K" suffix (ignored), as
// squeue prints pending array tasks ("5-10%4").
func ParseRanges(s string) ([]int, error) {
	s, _, _ = strings.Cut(s, "%")
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("array range %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, fmt.Errorf("array range %q: %w", s, err)
			}
		}
		if b < a || b-a > 1_000_000 {
			return nil, fmt.Errorf("array range %q: bad range %s", s, part)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// quote quotes s for a POSIX shell.
func quote(s string) string {
	if s != "" && regexp.MustCompile(`^[A-Za-z0-9_./:=,+@%-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func command(argv []string, indexVar string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = quote(a)
	}
	return "exec " + strings.Join(q, " ") + ` "$` + indexVar + `"`
}

// SlurmScript returns the sbatch script of a.
func SlurmScript(a *Array) (string, error) {
	if err := a.check(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", a.Name)
	arr := Ranges(a.Indices)
	if a.MaxParallel > 0 {
		arr += "%" + strconv.Itoa(a.MaxParallel)
	}
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", arr)
	if a.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", a.Time)
	}
	fmt.Fprintf(&b, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=%d\n", max(a.CPUs, 1))
	if a.Mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", a.Mem)
	}
	if a.GPUs > 0 {
		fmt.Fprintf(&b, "#SBATCH --gres=gpu:%d\n", a.GPUs)
	}
	if a.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", a.Partition)
	}
	fmt.Fprintf(&b, "#SBATCH --chdir=%s\n", a.Dir)
	fmt.Fprintf(&b, "#SBATCH --output=%s/%%x-%%A_%%a.out\n", a.LogDir)
	if a.Signal > 0 {
		fmt.Fprintf(&b, "#SBATCH --signal=B:USR1@%d\n", a.Signal)
	}
	b.WriteString("set -eu\n")
	b.WriteString(command(a.Command, "SLURM_ARRAY_TASK_ID") + "\n")
	return b.String(), nil
}

// LSFScript returns the bsub script of a, to be submitted as `bsub < FILE`.
func LSFScript(a *Array) (string, error) {
	if err := a.check(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	arr := fmt.Sprintf("%s[%s]", a.Name, Ranges(a.Indices))
	if a.MaxParallel > 0 {
		arr += "%" + strconv.Itoa(a.MaxParallel)
	}
	fmt.Fprintf(&b, "#BSUB -J \"%s\"\n", arr)
	if a.Time != "" {
		// LSF's -W takes [HH:]MM; round seconds up to a minute.
		m, err := minutes(a.Time)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "#BSUB -W %d:%02d\n", m/60, m%60)
	}
	fmt.Fprintf(&b, "#BSUB -n %d\n#BSUB -R \"span[hosts=1]\"\n", max(a.CPUs, 1))
	if a.Mem != "" {
		mb, err := megabytes(a.Mem)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "#BSUB -R \"rusage[mem=%dMB]\"\n#BSUB -M %dMB\n", mb, mb)
	}
	if a.GPUs > 0 {
		fmt.Fprintf(&b, "#BSUB -gpu \"num=%d:mode=exclusive_process\"\n", a.GPUs)
	}
	if a.Partition != "" {
		fmt.Fprintf(&b, "#BSUB -q %s\n", a.Partition)
	}
	fmt.Fprintf(&b, "#BSUB -cwd %s\n", quote(a.Dir))
	fmt.Fprintf(&b, "#BSUB -o %s/%s-%%J_%%I.out\n", a.LogDir, a.Name)
	b.WriteString("set -eu\n")
	b.WriteString(command(a.Command, "LSB_JOBINDEX") + "\n")
	return b.String(), nil
}

var timeRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:([0-9]+)-)?([0-9]{1,2}):([0-9]{2}):([0-9]{2})$`)
})

func minutes(t string) (int, error) {
	m := timeRE().FindStringSubmatch(t)
	if m == nil {
		return 0, fmt.Errorf("%w: time %q: want HH:MM:SS or D-HH:MM:SS", ErrArray, t)
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	secs := n(m[1])*86400 + n(m[2])*3600 + n(m[3])*60 + n(m[4])
	return (secs + 59) / 60, nil
}

func megabytes(mem string) (int, error) {
	m := regexp.MustCompile(`^([0-9]+)([KMGT])$`).FindStringSubmatch(mem)
	if m == nil {
		return 0, fmt.Errorf("%w: memory %q: want a number and K, M, G or T", ErrArray, mem)
	}
	v, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "K":
		return (v + 1023) / 1024, nil
	case "G":
		return v * 1024, nil
	case "T":
		return v * 1024 * 1024, nil
	}
	return v, nil
}

// run runs a scheduler tool and returns its standard output; a failure's
// error holds its standard error.
func run(ctx context.Context, stdin []byte, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = strings.TrimSpace(out.String())
		}
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, msg)
	}
	return out.String(), nil
}

// SubmitSlurm submits the sbatch script at path and returns the job id.
func SubmitSlurm(ctx context.Context, path string) (string, error) {
	out, err := run(ctx, nil, "sbatch", "--parsable", path)
	if err != nil {
		return "", err
	}
	return ParseSbatch(out)
}

// ParseSbatch reads the output of `sbatch --parsable`: "jobid" or
// "jobid;cluster".
func ParseSbatch(out string) (string, error) {
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", fmt.Errorf("sbatch --parsable printed %q, want a job id", strings.TrimSpace(out))
	}
	return id, nil
}

// SubmitLSF submits the bsub script at path (`bsub < path`) and returns the
// job id.
func SubmitLSF(ctx context.Context, script []byte) (string, error) {
	out, err := run(ctx, script, "bsub")
	if err != nil {
		return "", err
	}
	return ParseBsub(out)
}

var bsubRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`Job <([0-9]+)> is submitted`) })

// ParseBsub reads bsub's "Job <id> is submitted to queue <q>." line.
func ParseBsub(out string) (string, error) {
	m := bsubRE().FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("bsub printed %q, want \"Job <id> is submitted ...\"", strings.TrimSpace(out))
	}
	return m[1], nil
}

// TaskState is the scheduler's state of one array task, such as "PENDING"
// or "RUNNING".
type TaskState struct {
	Index  int
	State  string
	Reason string
}

// SlurmTasks returns the tasks of the array job id that squeue still
// lists (pending, running, completing...), by index. Finished tasks drop
// out of squeue; their results tell whether they succeeded.
func SlurmTasks(ctx context.Context, jobID string) (map[int]TaskState, error) {
	out, err := run(ctx, nil, "squeue", "--noheader", "--array", "--jobs", jobID, "--format=%i|%T|%r")
	if err != nil {
		// squeue fails with "Invalid job id specified" once the job is
		// gone from the controller.
		if strings.Contains(err.Error(), "Invalid job id") {
			return map[int]TaskState{}, nil
		}
		return nil, err
	}
	return ParseSqueue(out, jobID)
}

// ParseSqueue reads squeue lines "JOBID_INDEX|STATE|REASON", where a
// pending remainder prints as "JOBID_[5-10%4]".
func ParseSqueue(out, jobID string) (map[int]TaskState, error) {
	tasks := map[int]TaskState{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 3 {
			return nil, fmt.Errorf("squeue line %q: want 3 |-separated fields", line)
		}
		id, idx, ok := strings.Cut(f[0], "_")
		if !ok || id != jobID {
			continue // not a task of this array
		}
		idx = strings.Trim(idx, "[]")
		indices, err := ParseRanges(idx)
		if err != nil {
			return nil, fmt.Errorf("squeue line %q: %w", line, err)
		}
		for _, i := range indices {
			tasks[i] = TaskState{Index: i, State: f[1], Reason: f[2]}
		}
	}
	return tasks, nil
}

// SlurmJobs returns the tasks of the array job id that `scontrol show job`
// still knows, by index: those in squeue, and finished ones (COMPLETED,
// FAILED, CANCELLED, TIMEOUT...) for the controller's MinJobAge after they
// end. Without slurmdbd this is all Slurm remembers.
func SlurmJobs(ctx context.Context, jobID string) (map[int]TaskState, error) {
	out, err := run(ctx, nil, "scontrol", "show", "job", "--oneliner", jobID)
	if err != nil {
		if strings.Contains(err.Error(), "Invalid job id") {
			return map[int]TaskState{}, nil
		}
		return nil, err
	}
	return ParseScontrol(out, jobID)
}

// ParseScontrol reads `scontrol show job --oneliner` output: one line per
// job record of space-separated Key=Value fields, of which it uses
// ArrayJobId, ArrayTaskId (an index or a range of pending ones),
// JobState and Reason.
func ParseScontrol(out, jobID string) (map[int]TaskState, error) {
	tasks := map[int]TaskState{}
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		kv := map[string]string{}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = v
			}
		}
		if kv["ArrayJobId"] != jobID || kv["ArrayTaskId"] == "" {
			continue
		}
		if kv["JobState"] == "" {
			return nil, fmt.Errorf("scontrol line for %s_%s has no JobState", jobID, kv["ArrayTaskId"])
		}
		indices, err := ParseRanges(kv["ArrayTaskId"])
		if err != nil {
			return nil, fmt.Errorf("scontrol: %w", err)
		}
		for _, i := range indices {
			tasks[i] = TaskState{Index: i, State: kv["JobState"], Reason: kv["Reason"]}
		}
	}
	return tasks, nil
}

// CancelSlurm cancels one task of an array job (scancel JOBID_INDEX), or
// the whole array when index is 0.
func CancelSlurm(ctx context.Context, jobID string, index int) error {
	target := jobID
	if index > 0 {
		target += "_" + strconv.Itoa(index)
	}
	_, err := run(ctx, nil, "scancel", target)
	return err
}
