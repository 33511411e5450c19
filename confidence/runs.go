package confidence

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// RunSummary summarises one score over repeated training runs (different
// seeds), as in table 6.15 of the DaLUKE thesis. Values are in the units of
// the input (fractions in 0..1 for scores).
type RunSummary struct {
	// N is the number of runs.
	N int `json:"n"`
	// Mean is the arithmetic mean, and SD the sample standard deviation
	// (divisor N−1).
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// CI is the Student-t interval for the mean,
	// Mean ± t(N−1, (1+level)/2)·SD/√N, with the quantile from gonum's
	// distuv.StudentsT.
	CI Interval `json:"ci"`
}

// SummarizeRuns returns the mean, sample standard deviation and Student-t
// confidence interval of the mean of values, one score per run.
//
// It returns an error wrapping [ErrTooFewRuns] for fewer than two values,
// [ErrInvalidConfig] if level is not in (0, 1), and an error naming the
// index of a NaN or infinite value.
func SummarizeRuns(values []float64, level float64) (RunSummary, error) {
	if len(values) < 2 {
		return RunSummary{}, fmt.Errorf("summarize runs: %w: got %d, need at least 2", ErrTooFewRuns, len(values))
	}
	if !(level > 0 && level < 1) {
		return RunSummary{}, fmt.Errorf("summarize runs: %w: level %v outside (0, 1)", ErrInvalidConfig, level)
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return RunSummary{}, fmt.Errorf("summarize runs: run %d: value %v is not finite", i, v)
		}
	}
	mean, sd := stat.MeanStdDev(values, nil)
	n := float64(len(values))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(1 - (1-level)/2)
	h := t * sd / math.Sqrt(n)
	return RunSummary{
		N:    len(values),
		Mean: mean,
		SD:   sd,
		CI:   Interval{Estimate: mean, Lo: mean - h, Hi: mean + h, Level: level},
	}, nil
}
