package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLinearWarmupDecay(t *testing.T) {
	// Reference: transformers.get_linear_schedule_with_warmup with
	// warmup int(0.06·T); T = 100 gives warmup 6.
	s := LinearWarmupDecay(0.06)
	tests := []struct {
		step, total int
		want        float64
	}{
		{0, 100, 0}, {3, 100, 0.5}, {6, 100, 1}, {53, 100, 0.5}, {100, 100, 0}, {120, 100, 0},
		{0, 10, 1}, {5, 10, 0.5}, // int(0.6) = 0: no warmup
	}
	for _, tc := range tests {
		if got := s(tc.step, tc.total); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("step %d of %d: got %v, want %v", tc.step, tc.total, got, tc.want)
		}
	}
}

func TestPolynomialWarmupDecay(t *testing.T) {
	// Reference: transformers.get_polynomial_decay_schedule_with_warmup,
	// lr_end = lr/10, power √3, warmup int(0.06·T) = 6 of T = 100.
	s := PolynomialWarmupDecay(0.06, 0.1, math.Sqrt(3))
	tests := []struct {
		step int
		want float64
	}{
		{0, 0}, {3, 0.5}, {6, 1}, {100, 0.1}, {101, 0.1},
		{53, 0.9*math.Pow(0.5, math.Sqrt(3)) + 0.1},
	}
	for _, tc := range tests {
		if got := s(tc.step, 100); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("step %d: got %v, want %v", tc.step, got, tc.want)
		}
	}
}

func TestPlan(t *testing.T) {
	got := Plan(5, 2, false, 1, 0)
	if diff := cmp.Diff([][]int{{0, 1}, {2, 3}, {4}}, got); diff != "" {
		t.Errorf("unshuffled plan (-want +got):\n%s", diff)
	}
	a, b := Plan(50, 8, true, 1, 3), Plan(50, 8, true, 1, 3)
	if !cmp.Equal(a, b) {
		t.Error("the same seed and epoch gave two plans")
	}
	if cmp.Equal(a, Plan(50, 8, true, 1, 4)) || cmp.Equal(a, Plan(50, 8, true, 2, 3)) {
		t.Error("another epoch or seed gave the same plan")
	}
	seen := make([]bool, 50)
	for _, batch := range a {
		for _, i := range batch {
			if seen[i] {
				t.Fatalf("example %d twice", i)
			}
			seen[i] = true
		}
	}
	if Updates(7, 3) != 3 || Updates(6, 3) != 2 {
		t.Errorf("Updates(7, 3) = %d, Updates(6, 3) = %d, want 3 and 2", Updates(7, 3), Updates(6, 3))
	}
}

func TestStreamsDiffer(t *testing.T) {
	first := func(purpose string, epoch, index int) uint64 { return Stream(1, purpose, epoch, index).Uint64() }
	base := first("dropout", 0, 0)
	for _, other := range []uint64{first("shuffle", 0, 0), first("dropout", 1, 0), first("dropout", 0, 1), Stream(2, "dropout", 0, 0).Uint64()} {
		if other == base {
			t.Error("two different stream keys gave the same first draw")
		}
	}
	if first("dropout", 0, 0) != base {
		t.Error("the same stream key gave two first draws")
	}
}

// toyRun is a deterministic fake model: the "weights" are one number,
// each micro-batch adds the sum of its example indices to a gradient, and
// an update subtracts lr·gradient.
type toyRun struct {
	w, grad float64
	trace   []string
}

func (r *toyRun) loop(st *State, epochs, accum int) *Loop {
	l := &Loop{State: st, Epochs: epochs, Accum: accum, LR: 0.5, Schedule: LinearWarmupDecay(0.2),
		Plan: func(epoch int) [][]int { return Plan(7, 2, true, st.Seed, epoch) },
		Forward: func(_ context.Context, m Micro) (float64, error) {
			for _, i := range m.Batch {
				r.grad += float64(i+1) / float64(m.Parts)
			}
			return r.w, nil
		},
		Update: func(_ context.Context, u Update) error {
			r.w -= u.LR * r.grad * 1e-3
			r.grad = 0
			return nil
		},
	}
	l.OnStep("trace", func(_ context.Context, l *Loop, s StepInfo) error {
		r.trace = append(r.trace, strings.Repeat("x", s.Epoch)+"|")
		return nil
	})
	return l
}

func TestLoopResumeEqualsStraight(t *testing.T) {
	const epochs, accum = 3, 2
	total := epochs * Updates(4, accum) // 7 examples in batches of 2: 4 micro-batches
	straight := &toyRun{}
	if err := straight.loop(NewState(map[string]string{"a": "1"}, 9, total), epochs, accum).Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	for k := 1; k < total; k++ {
		dir := t.TempDir()
		first := &toyRun{}
		ctx, cancel := context.WithCancel(t.Context())
		l := first.loop(NewState(map[string]string{"a": "1"}, 9, total), epochs, accum)
		l.OnStep("stop", EveryNSteps(k, func(context.Context, *Loop, StepInfo) error { cancel(); return nil }))
		saved := 0.0
		l.OnInterrupt("save", func(_ context.Context, l *Loop) error {
			saved = first.w
			_, err := SaveCheckpoint(dir, l.State, func(string) error { return nil })
			return err
		})
		if err := l.Run(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("k=%d: got %v, want context.Canceled", k, err)
		}
		_, st, err := Latest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if st.Step != k {
			t.Fatalf("k=%d: checkpoint at step %d", k, st.Step)
		}
		second := &toyRun{w: saved}
		if err := second.loop(st, epochs, accum).Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if second.w != straight.w {
			t.Errorf("k=%d: resumed weight %v, straight %v", k, second.w, straight.w)
		}
	}
}

func TestLoopErrors(t *testing.T) {
	r := &toyRun{}
	l := r.loop(NewState(nil, 1, 8), 2, 1)
	l.Forward = func(context.Context, Micro) (float64, error) { return math.NaN(), nil }
	if err := l.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "update 1 ") || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("got %v, want a NaN loss error naming update 1", err)
	}
	r = &toyRun{}
	l = r.loop(NewState(nil, 1, 8), 2, 1)
	l.OnEpoch("broken", func(context.Context, *Loop, int) error { return errors.New("disk full") })
	if err := l.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "epoch hook broken: disk full") {
		t.Errorf("got %v, want the hook's error naming it", err)
	}
}

func TestCheckpointProtocol(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Latest(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("empty folder: got %v, want os.ErrNotExist", err)
	}
	cfg := map[string]string{"lr": "5e-05", "epochs": "15"}
	for _, step := range []int{3, 6} {
		st := NewState(cfg, 1, 10)
		st.Step = step
		if _, err := SaveCheckpoint(dir, st, func(folder string) error {
			return os.WriteFile(filepath.Join(folder, WeightsFile), []byte("w"), 0o644)
		}); err != nil {
			t.Fatal(err)
		}
	}
	folder, st, err := Latest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Step != 6 || filepath.Base(folder) != "step-6" {
		t.Errorf("got step %d in %s, want step-6", st.Step, folder)
	}
	if _, err := os.Stat(filepath.Join(dir, "step-3")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the older checkpoint is still there: %v", err)
	}
	// A failing writer leaves the last good checkpoint in place.
	st.Step = 9
	if _, err := SaveCheckpoint(dir, st, func(string) error { return errors.New("no space") }); err == nil {
		t.Fatal("got no error from a failing writer")
	}
	if _, st2, err := Latest(dir); err != nil || st2.Step != 6 {
		t.Errorf("after a failed save: step %v, error %v; want step 6", st2, err)
	}
	// A resume with other settings names them.
	err = st.CheckResume(map[string]string{"lr": "1e-4", "epochs": "15"})
	if err == nil || !strings.Contains(err.Error(), "lr: 5e-05 → 1e-4") {
		t.Errorf("got %v, want an error naming lr", err)
	}
	if err := st.CheckResume(cfg); err != nil {
		t.Errorf("same settings: %v", err)
	}
}
