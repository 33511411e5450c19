package confidence

import (
	"errors"
	"math"
	"testing"
)

func TestSummarizeRuns(t *testing.T) {
	tests := []struct {
		name           string
		values         []float64
		level          float64
		mean, sd       float64
		lo, hi         float64
		tol            float64
		referenceTitle string
	}{
		{
			// Student (1908) / Cushny and Peebles sleep data, the
			// per-patient differences of R's datasets::sleep. R 4.x:
			// t.test(extra ~ group, data = sleep, paired = TRUE) prints
			// mean difference -1.58 and 95% CI -2.4598858 -0.7001142; the
			// differences here are group 2 − group 1, so the signs flip.
			// sd = sqrt(13.616/9) by hand. Tolerance 1e-7 (R prints 8
			// significant digits).
			name:   "sleep",
			values: []float64{1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4},
			level:  0.95,
			mean:   1.58, sd: math.Sqrt(13.616 / 9),
			lo: 0.7001142, hi: 2.4598858,
			tol: 1e-7,
		},
		{
			// Two runs: t(1, 0.975) = 12.706204736 (standard t tables),
			// sd = 0.1/sqrt(2), half-width 12.706204736·0.05 = 0.6353102.
			name:   "two runs",
			values: []float64{0.8, 0.9},
			level:  0.95,
			mean:   0.85, sd: 0.1 / math.Sqrt2,
			lo: 0.85 - 0.6353102368, hi: 0.85 + 0.6353102368,
			tol: 1e-9,
		},
		{
			// Identical runs: no spread, a point interval.
			name:   "constant",
			values: []float64{0.829, 0.829, 0.829},
			level:  0.9,
			mean:   0.829, sd: 0, lo: 0.829, hi: 0.829,
			tol: 1e-15,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SummarizeRuns(tc.values, tc.level)
			if err != nil {
				t.Fatal(err)
			}
			if got.N != len(tc.values) {
				t.Errorf("N: got %d, want %d", got.N, len(tc.values))
			}
			g := [4]float64{got.Mean, got.SD, got.CI.Lo, got.CI.Hi}
			w := [4]float64{tc.mean, tc.sd, tc.lo, tc.hi}
			for i := range g {
				if math.Abs(g[i]-w[i]) > tc.tol {
					t.Errorf("mean, sd, lo, hi: got %v, want %v (tolerance %g)", g, w, tc.tol)
					break
				}
			}
			if got.CI.Estimate != got.Mean || got.CI.Level != tc.level {
				t.Errorf("CI: got %v, want estimate %v and level %v", got.CI, got.Mean, tc.level)
			}
		})
	}
}

func TestSummarizeRunsErrors(t *testing.T) {
	tests := []struct {
		name    string
		values  []float64
		level   float64
		wantErr error
	}{
		{"none", nil, 0.95, ErrTooFewRuns},
		{"one", []float64{0.8}, 0.95, ErrTooFewRuns},
		{"level", []float64{0.8, 0.9}, 1, ErrInvalidConfig},
		{"NaN", []float64{0.8, math.NaN()}, 0.95, nil},
	}
	for _, tc := range tests {
		_, err := SummarizeRuns(tc.values, tc.level)
		if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}
