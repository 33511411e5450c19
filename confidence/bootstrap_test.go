package confidence

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// simulate returns n sentences drawn from a fixed model whose population
// micro F1 is 0.8: Gold is uniform on 0..3, each gold entity is found with
// probability 0.8, and a sentence gets one spurious prediction with
// probability 0.3. Then E[TP] = 1.2, E[Pred] = 1.5, E[Gold] = 1.5 and the
// limit of micro F1 is 2·1.2/(1.5+1.5) = 0.8.
func simulate(r *rand.Rand, n int) []Counts {
	s := make([]Counts, n)
	for i := range s {
		s[i] = predict(r, r.IntN(4))
	}
	return s
}

// predict returns the counts of the model of simulate on a sentence with
// gold gold entities.
func predict(r *rand.Rand, gold int) Counts {
	tp := 0
	for range gold {
		if r.Float64() < 0.8 {
			tp++
		}
	}
	fp := 0
	if r.Float64() < 0.3 {
		fp = 1
	}
	return Counts{TP: tp, Pred: tp + fp, Gold: gold}
}

const simulatedF1 = 0.8

func TestBootstrapWorkersIdentical(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(1, 2)), 311)
	var first BootstrapResult
	for i, w := range []int{1, 2, 7, 0} {
		got, err := Bootstrap(t.Context(), s, Config{Resamples: 401, Seed: 42, Workers: w})
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
	other, err := Bootstrap(t.Context(), s, Config{Resamples: 401, Seed: 43})
	if err != nil {
		t.Fatal(err)
	}
	if other.F1 == first.F1 {
		t.Errorf("seeds 42 and 43 give the same F1 interval %v; the seed is not used", other.F1)
	}
}

func TestBootstrapDefaults(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(3, 4)), 50)
	got, err := Bootstrap(t.Context(), s, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Resamples != DefaultResamples || got.Level != DefaultLevel || got.F1.Level != DefaultLevel {
		t.Errorf("got resamples %d level %v/%v, want %d and %v", got.Resamples, got.Level, got.F1.Level, DefaultResamples, DefaultLevel)
	}
}

func TestBootstrapHandCases(t *testing.T) {
	tests := []struct {
		name  string
		s     []Counts
		level float64
		// want holds Precision, Recall and F1 as [estimate, lo, hi].
		want [3][3]float64
	}{
		{
			// Every resample equals the data: the interval is a point.
			name:  "identical sentences",
			s:     slices.Repeat([]Counts{{TP: 2, Pred: 3, Gold: 4}}, 20),
			level: 0.95,
			want:  [3][3]float64{{2.0 / 3, 2.0 / 3, 2.0 / 3}, {0.5, 0.5, 0.5}, {4.0 / 7, 4.0 / 7, 4.0 / 7}},
		},
		{
			// Two sentences, one right and one wrong: a resample is
			// {right,right} (F1 1) or {wrong,wrong} (F1 0) with
			// probability 1/4 each, so the 5% and 95% quantiles of 2000
			// resamples are 0 and 1.
			name:  "two sentences",
			s:     []Counts{{TP: 1, Pred: 1, Gold: 1}, {TP: 0, Pred: 1, Gold: 1}},
			level: 0.9,
			want:  [3][3]float64{{0.5, 0, 1}, {0.5, 0, 1}, {0.5, 0, 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Bootstrap(t.Context(), tc.s, Config{Resamples: 2000, Level: tc.level, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			for i, iv := range []Interval{got.Precision, got.Recall, got.F1} {
				g := [3]float64{iv.Estimate, iv.Lo, iv.Hi}
				for j := range g {
					if math.Abs(g[j]-tc.want[i][j]) > 1e-15 {
						t.Errorf("metric %d: got %v, want %v", i, g, tc.want[i])
						break
					}
				}
			}
		})
	}
}

// TestBootstrapExactDistribution checks the percentile bounds against the
// exact bootstrap distribution, enumerated over all 5^5 ordered resamples of
// a five-sentence hand case.
func TestBootstrapExactDistribution(t *testing.T) {
	s := []Counts{{2, 2, 3}, {0, 1, 1}, {1, 2, 1}, {3, 3, 3}, {0, 0, 2}}
	var exact []float64
	idx := make([]int, len(s))
	for {
		var c Counts
		for _, i := range idx {
			c = c.Add(s[i])
		}
		exact = append(exact, c.F1())
		k := 0
		for k < len(idx) && idx[k] == len(s)-1 {
			idx[k] = 0
			k++
		}
		if k == len(idx) {
			break
		}
		idx[k]++
	}
	slices.Sort(exact)
	// invCDF returns the smallest x with P(F1 <= x) >= p.
	invCDF := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(exact)))) - 1
		return exact[min(max(i, 0), len(exact)-1)]
	}
	const eps = 0.01 // Monte Carlo slack in probability, ~4 SE at B = 20000
	for _, level := range []float64{0.5, 0.8, 0.9, 0.95} {
		got, err := Bootstrap(t.Context(), s, Config{Resamples: 20000, Level: level, Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		a := (1 - level) / 2
		t.Logf("level %v: got %v; exact quantiles %v, %v", level, got.F1, invCDF(a), invCDF(1-a))
		if lo, hi := invCDF(a-eps), invCDF(a+eps); got.F1.Lo < lo || got.F1.Lo > hi {
			t.Errorf("level %v: got lo %v, want within exact quantiles [%v, %v]", level, got.F1.Lo, lo, hi)
		}
		if lo, hi := invCDF(1-a-eps), invCDF(1-a+eps); got.F1.Hi < lo || got.F1.Hi > hi {
			t.Errorf("level %v: got hi %v, want within exact quantiles [%v, %v]", level, got.F1.Hi, lo, hi)
		}
	}
}

// TestBootstrapCoverage is a sanity check that 95% intervals cover the
// population F1 of simulated test sets about 95% of the time.
func TestBootstrapCoverage(t *testing.T) {
	reps, resamples := 200, 500
	if testing.Short() {
		reps, resamples = 60, 300
	}
	r := rand.New(rand.NewPCG(5, 6))
	covered := 0
	for i := range reps {
		got, err := Bootstrap(t.Context(), simulate(r, 200), Config{Resamples: resamples, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if got.F1.Contains(simulatedF1) {
			covered++
		}
	}
	// With true coverage 0.95, the observed rate lies in [0.88, 0.99]
	// with probability > 0.99 for reps >= 60.
	rate := float64(covered) / float64(reps)
	t.Logf("coverage %.3f over %d test sets", rate, reps)
	if rate < 0.88 || rate > 0.995 {
		t.Errorf("coverage: got %.3f over %d test sets, want about 0.95", rate, reps)
	}
}

// TestBootstrapSharedResamples checks that the resamples depend only on the
// seed and the number of sentences: doubling every count leaves every
// resample's scores, and so the intervals, unchanged.
func TestBootstrapSharedResamples(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(8, 9)), 120)
	d := make([]Counts, len(s))
	for i, c := range s {
		d[i] = Counts{2 * c.TP, 2 * c.Pred, 2 * c.Gold}
	}
	cfg := Config{Resamples: 300, Seed: 99}
	a, err := Bootstrap(t.Context(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bootstrap(t.Context(), d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("doubled counts give other intervals (-want +got):\n%s", diff)
	}
}

func TestBootstrapErrors(t *testing.T) {
	good := []Counts{{1, 1, 1}}
	tests := []struct {
		name    string
		s       []Counts
		cfg     Config
		wantErr error
		wantMsg string
	}{
		{"empty", nil, Config{}, ErrNoSentences, "no sentences"},
		{"tp > gold", []Counts{{1, 1, 1}, {0, 0, 0}, {2, 3, 1}}, Config{}, ErrInvalidCounts, "sentence 2: invalid counts: tp 2 > gold 1"},
		{"negative", []Counts{{0, -1, 0}}, Config{}, ErrInvalidCounts, "sentence 0"},
		{"resamples", good, Config{Resamples: -5}, ErrInvalidConfig, "resamples -5"},
		{"level", good, Config{Level: 95}, ErrInvalidConfig, "level 95"},
		{"workers", good, Config{Workers: -1}, ErrInvalidConfig, "workers -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Bootstrap(t.Context(), tc.s, tc.cfg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("got %q, want it to contain %q", err, tc.wantMsg)
			}
		})
	}
}

func TestBootstrapCancel(t *testing.T) {
	s := simulate(rand.New(rand.NewPCG(1, 1)), 500)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Bootstrap(ctx, s, Config{Resamples: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: got %v, want %v", err, context.Canceled)
	}

	// A million resamples of 500 sentences take seconds; cancellation must
	// stop them promptly.
	ctx, cancel = context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Bootstrap(ctx, s, Config{Resamples: 1_000_000, Workers: 2})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled during: got %v, want %v", err, context.DeadlineExceeded)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled during: returned after %v, want promptly", d)
	}
}

func TestUintNUniform(t *testing.T) {
	// Chi-square check of the bounded draw for a non-power-of-two n.
	// Critical value: chi-square with 6 degrees of freedom at 0.999 is
	// 22.458 (standard tables); the seed is fixed, so this is deterministic.
	const n, draws = 7, 70000
	var src rand.ChaCha8
	src.Seed(streamKey(domainBootstrap, 1, 0))
	var counts [n]int
	for range draws {
		counts[uintN(&src, n)]++
	}
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - draws/n
		chi2 += d * d / (draws / n)
	}
	if chi2 > 22.458 {
		t.Errorf("chi-square: got %.2f for counts %v, want <= 22.458", chi2, counts)
	}
}

// FuzzBootstrap checks, for arbitrary small inputs, that the intervals lie
// in 0..1 with lo <= hi and that the result does not depend on the number of
// workers.
func FuzzBootstrap(f *testing.F) {
	f.Add([]byte{1, 2, 3, 0, 0, 1, 2, 2, 2}, uint64(1))
	f.Add([]byte{0}, uint64(0))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		var s []Counts
		for i := 0; i+2 < len(data) && len(s) < 64; i += 3 {
			tp := int(data[i] % 4)
			s = append(s, Counts{TP: tp, Pred: tp + int(data[i+1]%3), Gold: tp + int(data[i+2]%3)})
		}
		if len(s) == 0 {
			t.Skip()
		}
		one, err := Bootstrap(t.Context(), s, Config{Resamples: 37, Seed: seed, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		three, err := Bootstrap(t.Context(), s, Config{Resamples: 37, Seed: seed, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(one, three); diff != "" {
			t.Errorf("workers=3 differs from workers=1 (-want +got):\n%s", diff)
		}
		for _, iv := range []Interval{one.Precision, one.Recall, one.F1} {
			if !(0 <= iv.Lo && iv.Lo <= iv.Hi && iv.Hi <= 1) {
				t.Errorf("got %v, want 0 <= lo <= hi <= 1", iv)
			}
		}
	})
}
