package cluster

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/internal/golden"
)

func testArray() *Array {
	return &Array{
		Name:    "baseline-seeds",
		Command: []string{"/opt/nerbench/bin/nerbench", "experiment", "run-job", "--plan", "/home/u/exp/plan.json", "--data-dir", "/data/my data", "--index"},
		Indices: []int{1, 2, 3, 4, 5, 7, 9, 10}, MaxParallel: 4,
		Time: "1-02:00:30", CPUs: 2, Mem: "4G", GPUs: 1, Partition: "gpu",
		Dir: "/home/u/exp", LogDir: "/home/u/exp/slurm", Signal: 120,
	}
}

func TestScripts(t *testing.T) {
	s, err := SlurmScript(testArray())
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/array.sbatch", []byte(s))
	l, err := LSFScript(testArray())
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/array.bsub", []byte(l))
}

func TestArrayErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Array)
	}{
		{"no indices", func(a *Array) { a.Indices = nil }},
		{"index 0", func(a *Array) { a.Indices = []int{0, 1} }},
		{"name with space", func(a *Array) { a.Name = "a b" }},
		{"newline in command", func(a *Array) { a.Command = []string{"x\ny"} }},
		{"no command", func(a *Array) { a.Command = nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := testArray()
			tc.edit(a)
			if _, err := SlurmScript(a); !errors.Is(err, ErrArray) {
				t.Errorf("slurm: got %v, want ErrArray", err)
			}
			if _, err := LSFScript(a); !errors.Is(err, ErrArray) {
				t.Errorf("lsf: got %v, want ErrArray", err)
			}
		})
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{[]int{1}, "1"},
		{[]int{3, 1, 2}, "1-3"},
		{[]int{1, 2, 4, 6, 7, 8, 8}, "1-2,4,6-8"},
	}
	for _, tc := range tests {
		if got := Ranges(tc.in); got != tc.want {
			t.Errorf("Ranges(%v): got %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseRanges(tc.want + "%3")
		if err != nil {
			t.Fatal(err)
		}
		if got := Ranges(back); got != tc.want {
			t.Errorf("ParseRanges(%q): got %v", tc.want, back)
		}
	}
	for _, bad := range []string{"", "a", "3-1", "1-x"} {
		if _, err := ParseRanges(bad); err == nil {
			t.Errorf("ParseRanges(%q): want an error", bad)
		}
	}
}

func TestParseOutputs(t *testing.T) {
	for in, want := range map[string]string{"42\n": "42", "42;cluster1\n": "42"} {
		if got, err := ParseSbatch(in); err != nil || got != want {
			t.Errorf("ParseSbatch(%q): got %q, %v", in, got, err)
		}
	}
	if _, err := ParseSbatch("Submitted batch job 42\n"); err == nil {
		t.Error("ParseSbatch without --parsable output: want an error")
	}
	if got, err := ParseBsub("Job <1234> is submitted to queue <hpc>.\n"); err != nil || got != "1234" {
		t.Errorf("ParseBsub: got %q, %v", got, err)
	}
	if _, err := ParseBsub("Request aborted by esub.\n"); err == nil {
		t.Error("ParseBsub of a refusal: want an error")
	}
	out := "42_1|RUNNING|None\n42_2|RUNNING|None\n42_[3-5%2]|PENDING|JobArrayTaskLimit\n43_1|RUNNING|None\n"
	got, err := ParseSqueue(out, "42")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]TaskState{
		1: {1, "RUNNING", "None"}, 2: {2, "RUNNING", "None"},
		3: {3, "PENDING", "JobArrayTaskLimit"}, 4: {4, "PENDING", "JobArrayTaskLimit"}, 5: {5, "PENDING", "JobArrayTaskLimit"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSqueue (-want +got):\n%s", diff)
	}
	if _, err := ParseSqueue("42_1 RUNNING\n", "42"); err == nil {
		t.Error("ParseSqueue of a line without |: want an error")
	}
}

func TestParseScontrol(t *testing.T) {
	// Lines as printed by scontrol of Slurm 22.05, cut to the fields used
	// and a few others.
	out := "JobId=17 ArrayJobId=17 ArrayTaskId=2 JobName=t JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\n" +
		"JobId=18 ArrayJobId=17 ArrayTaskId=1 JobName=t JobState=COMPLETED Reason=None ExitCode=0:0\n" +
		"JobId=19 ArrayJobId=17 ArrayTaskId=4-5%1 JobName=t JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0\n" +
		"JobId=30 ArrayJobId=30 ArrayTaskId=1 JobState=RUNNING Reason=None\n"
	got, err := ParseScontrol(out, "17")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]TaskState{
		1: {1, "COMPLETED", "None"}, 2: {2, "FAILED", "NonZeroExitCode"},
		4: {4, "PENDING", "JobArrayTaskLimit"}, 5: {5, "PENDING", "JobArrayTaskLimit"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseScontrol (-want +got):\n%s", diff)
	}
	if _, err := ParseScontrol("JobId=17 ArrayJobId=17 ArrayTaskId=1\n", "17"); err == nil {
		t.Error("a line without JobState: want an error")
	}
}
