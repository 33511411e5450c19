package confidence

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompareIdentical(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(10, 11)), 200)
	got, err := Compare(t.Context(), s, s, Config{Resamples: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Every difference is exactly 0, so both p-values are (B+1)/(B+1).
	zero := Interval{Level: DefaultLevel}
	want := Comparison{Resamples: 500, Level: DefaultLevel, Seed: 1, Precision: zero, Recall: zero, F1: zero, PBootstrap: 1, PRandomization: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identical systems (-want +got):\n%s", diff)
	}
}

func TestCompareClearlyBetter(t *testing.T) {
	gold := simulate(rand.New(rand.NewPCG(12, 13)), 300)
	a := make([]Counts, len(gold))
	b := make([]Counts, len(gold))
	for i, c := range gold {
		// A is perfect; B misses every entity of every other sentence.
		a[i] = Counts{TP: c.Gold, Pred: c.Gold, Gold: c.Gold}
		if i%2 == 0 {
			b[i] = Counts{TP: 0, Pred: 0, Gold: c.Gold}
		} else {
			b[i] = a[i]
		}
	}
	got, err := Compare(t.Context(), a, b, Config{Resamples: 999, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	// No resample or randomisation round reaches |δ|, so p = 1/1000.
	if got.PBootstrap != 0.001 || got.PRandomization != 0.001 {
		t.Errorf("got p-values %v (bootstrap), %v (randomisation), want 0.001", got.PBootstrap, got.PRandomization)
	}
	if !(got.F1.Lo > 0 && got.F1.Contains(got.F1.Estimate)) {
		t.Errorf("F1 difference: got %v, want an interval above 0 around the estimate", got.F1)
	}
	// Precision is 1 for both systems on every resample.
	if got.Precision != (Interval{Level: DefaultLevel}) {
		t.Errorf("precision difference: got %v, want exactly 0", got.Precision)
	}
}

// TestCompareHandDelta checks the estimates on a hand case: A has P 3/4,
// R 3/5, F1 2/3; B has P 2/4, R 2/5, F1 4/9.
func TestCompareHandDelta(t *testing.T) {
	a := []Counts{{2, 2, 2}, {1, 2, 3}}
	b := []Counts{{1, 2, 2}, {1, 2, 3}}
	got, err := Compare(t.Context(), a, b, Config{Resamples: 100, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := [3]float64{0.25, 0.2, 2.0/3 - 4.0/9}
	est := [3]float64{got.Precision.Estimate, got.Recall.Estimate, got.F1.Estimate}
	for i := range want {
		if math.Abs(est[i]-want[i]) > 1e-15 {
			t.Errorf("differences: got %v, want %v", est, want)
			break
		}
	}
}

func TestCompareSymmetric(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	a, b := simulate(r, 150), simulate(r, 150)
	cfg := Config{Resamples: 300, Seed: 4}
	ab, err := Compare(t.Context(), a, b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ba, err := Compare(t.Context(), b, a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ab.PBootstrap != ba.PBootstrap || ab.PRandomization != ba.PRandomization {
		t.Errorf("p-values: got %v/%v for (a, b) and %v/%v for (b, a), want equal",
			ab.PBootstrap, ab.PRandomization, ba.PBootstrap, ba.PRandomization)
	}
	mirror := Interval{Estimate: -ba.F1.Estimate, Lo: -ba.F1.Hi, Hi: -ba.F1.Lo, Level: ba.F1.Level}
	if diff := cmp.Diff(ab.F1, mirror, cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) <= 1e-12 })); diff != "" {
		t.Errorf("F1 difference of (a, b) is not the mirror of (b, a) (-want +got):\n%s", diff)
	}
}

func TestCompareWorkersIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 17))
	a, b := simulate(r, 130), simulate(r, 130)
	var first Comparison
	for i, w := range []int{1, 2, 7} {
		got, err := Compare(t.Context(), a, b, Config{Resamples: 257, Seed: 5, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("workers=%d differs from workers=1 (-want +got):\n%s", w, diff)
		}
	}
	// The bootstrap part resamples the same sentences as Bootstrap does.
	ba, err := Bootstrap(t.Context(), a, Config{Resamples: 257, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]Counts, len(a))
	for i, c := range a {
		zeros[i] = Counts{Gold: c.Gold}
	}
	got, err := Compare(t.Context(), a, zeros, Config{Resamples: 257, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.F1.Lo != ba.F1.Lo || got.F1.Hi != ba.F1.Hi {
		t.Errorf("A against an empty system: got F1 difference %v, want Bootstrap's %v", got.F1, ba.F1)
	}
}

// TestCompareNull is a sanity check of calibration: when A and B come from
// the same model, p-values are roughly uniform, so about 5% fall below 0.05.
func TestCompareNull(t *testing.T) {
	reps := 150
	if testing.Short() {
		reps = 50
	}
	r := rand.New(rand.NewPCG(18, 19))
	var lowB, lowR int
	var sumB, sumR float64
	for i := range reps {
		a := simulate(r, 200)
		b := make([]Counts, len(a))
		for j, c := range a {
			b[j] = predict(r, c.Gold)
		}
		got, err := Compare(t.Context(), a, b, Config{Resamples: 300, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if got.PBootstrap < 0.05 {
			lowB++
		}
		if got.PRandomization < 0.05 {
			lowR++
		}
		sumB += got.PBootstrap
		sumR += got.PRandomization
	}
	n := float64(reps)
	t.Logf("null: P(p<0.05) bootstrap %.3f randomisation %.3f; mean p %.3f, %.3f", float64(lowB)/n, float64(lowR)/n, sumB/n, sumR/n)
	// Binomial(reps, 0.05) exceeds 0.15·reps with probability < 0.001
	// for reps >= 50; a uniform mean lies in [0.35, 0.65] likewise.
	for name, v := range map[string]float64{"bootstrap": float64(lowB) / n, "randomisation": float64(lowR) / n} {
		if v > 0.15 {
			t.Errorf("%s: got rejection rate %.3f at 0.05 under the null, want about 0.05", name, v)
		}
	}
	for name, v := range map[string]float64{"bootstrap": sumB / n, "randomisation": sumR / n} {
		if v < 0.35 || v > 0.65 {
			t.Errorf("%s: got mean p %.3f under the null, want about 0.5", name, v)
		}
	}
}

func TestCompareErrors(t *testing.T) {
	good := []Counts{{1, 1, 1}, {0, 1, 1}}
	tests := []struct {
		name    string
		a, b    []Counts
		cfg     Config
		wantErr error
		wantMsg string
	}{
		{"length", good, good[:1], Config{}, ErrLengthMismatch, "system A has 2 sentences, system B 1"},
		{"empty", nil, nil, Config{}, ErrNoSentences, "system A: no sentences"},
		{"invalid b", good, []Counts{{1, 1, 1}, {2, 1, 1}}, Config{}, ErrInvalidCounts, "system B: sentence 1"},
		{"level", good, good, Config{Level: -0.1}, ErrInvalidConfig, "level -0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(t.Context(), tc.a, tc.b, tc.cfg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("got %q, want it to contain %q", err, tc.wantMsg)
			}
		})
	}
}
