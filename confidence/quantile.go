package confidence

import (
	"fmt"
	"math"
	"slices"
)

// Quantile returns the p-quantile of sorted by linear interpolation between
// order statistics: with h = (n−1)·p, it returns
// x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (0-based). This is definition 7 of
// Hyndman and Fan (1996), the default of R's quantile and of numpy.quantile
// (method="linear"); gonum's stat.Quantile offers no such method.
//
// It panics if sorted is empty, is not sorted in increasing order or
// contains NaN, or if p is not in 0..1.
func Quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		panic("confidence: quantile of empty data")
	}
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("confidence: quantile probability %v outside 0..1", p))
	}
	if !slices.IsSorted(sorted) || math.IsNaN(sorted[0]) || math.IsNaN(sorted[len(sorted)-1]) {
		panic("confidence: quantile data not sorted")
	}
	h := float64(len(sorted)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// percentile returns the type-7 percentile interval of the unsorted values
// at level, sorting values in place.
func percentile(estimate float64, values []float64, level float64) Interval {
	slices.Sort(values)
	a := (1 - level) / 2
	return Interval{
		Estimate: estimate,
		Lo:       Quantile(values, a),
		Hi:       Quantile(values, 1-a),
		Level:    level,
	}
}
