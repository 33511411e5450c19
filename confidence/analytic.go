package confidence

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultLevel is the confidence level used when a [Config] leaves Level at 0.
const DefaultLevel = 0.95

// Interval is a two-sided confidence interval around a point estimate. All
// three values are in the units of the estimate (fractions in 0..1 for
// scores, differences of fractions in -1..1 for comparisons).
type Interval struct {
	// Estimate is the point estimate computed on the full data.
	Estimate float64 `json:"estimate"`
	// Lo and Hi are the lower and upper bounds.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// Level is the confidence level, a fraction in (0, 1).
	Level float64 `json:"level"`
}

// HalfWidth returns (Hi-Lo)/2, the "±" figure of a symmetric interval.
func (iv Interval) HalfWidth() float64 { return (iv.Hi - iv.Lo) / 2 }

// Contains reports whether Lo <= x <= Hi.
func (iv Interval) Contains(x float64) bool { return iv.Lo <= x && x <= iv.Hi }

// String formats the interval as "0.8289 [0.7977, 0.8601] (95%)".
func (iv Interval) String() string {
	return fmt.Sprintf("%.4f [%.4f, %.4f] (%.4g%%)", iv.Estimate, iv.Lo, iv.Hi, 100*iv.Level)
}

// NormalQuantile returns z, the two-sided standard normal critical value for
// level: the (1+level)/2 quantile of N(0, 1), computed with gonum's
// distuv.UnitNormal.Quantile rather than a rounded constant. For level 0.95
// it is 1.959963984540054. It panics if level is not in (0, 1).
func NormalQuantile(level float64) float64 {
	checkLevel(level)
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

// Wald returns the normal-approximation (Wald) interval
// estimate ± z·sqrt(estimate·(1−estimate)/n), with z = [NormalQuantile](level).
// With estimate = micro F1 and n = the number of gold entities, this is
// equation 4.3 of the DaLUKE bachelor's thesis (DTU, 2021; LaTeX source at
// github.com/peleiden/bug-free-guacamole), which gives its "±" figures; [ThesisF1] applies it to [Counts]. As in
// the thesis the bounds are not clamped to 0..1. For n == 0 it returns the
// uninformative interval [0, 1].
//
// It panics if estimate is not in 0..1, n is negative or level is not in
// (0, 1).
func Wald(estimate float64, n int, level float64) Interval {
	if !(estimate >= 0 && estimate <= 1) {
		panic(fmt.Sprintf("confidence: estimate %v outside 0..1", estimate))
	}
	if n < 0 {
		panic(fmt.Sprintf("confidence: negative n %d", n))
	}
	z := NormalQuantile(level)
	if n == 0 {
		return Interval{Estimate: estimate, Lo: 0, Hi: 1, Level: level}
	}
	h := z * math.Sqrt(estimate*(1-estimate)/float64(n))
	return Interval{Estimate: estimate, Lo: estimate - h, Hi: estimate + h, Level: level}
}

// ThesisF1 returns the DaLUKE thesis interval (its equation 4.3) for the
// micro F1 of c: [Wald](c.F1(), c.Gold, level). The thesis reports the
// half-width as "±", e.g. F1 82.9 ± 3.1 on the 558 gold entities of the
// DaNE test set. It panics under the conditions of [Wald] (only a level
// outside (0, 1) can trigger them for valid counts).
func ThesisF1(c Counts, level float64) Interval {
	return Wald(c.F1(), c.Gold, level)
}

// Wilson returns the Wilson score interval for a binomial proportion with
// the given number of successes out of n trials (Wilson, 1927; method 3 of
// Newcombe, 1998, without continuity correction), with
// z = [NormalQuantile](level). The estimate is successes/n and the bounds
// lie in 0..1. For n == 0 it returns the uninformative interval [0, 1] with
// estimate 0.
//
// It panics if successes < 0, successes > n or level is not in (0, 1).
func Wilson(successes, n int, level float64) Interval {
	if successes < 0 || successes > n {
		panic(fmt.Sprintf("confidence: successes %d outside 0..%d", successes, n))
	}
	z := NormalQuantile(level)
	if n == 0 {
		return Interval{Estimate: 0, Lo: 0, Hi: 1, Level: level}
	}
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	denom := 1 + z2/nf
	centre := (p + z2/(2*nf)) / denom
	h := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / denom
	// The exact bounds are 0 at successes == 0 and 1 at successes == n;
	// clamp the rounding error there.
	lo, hi := max(centre-h, 0), min(centre+h, 1)
	if successes == 0 {
		lo = 0
	}
	if successes == n {
		hi = 1
	}
	return Interval{Estimate: p, Lo: lo, Hi: hi, Level: level}
}

// WilsonPrecision returns the Wilson interval for micro precision:
// [Wilson](c.TP, c.Pred, level). It panics if c is invalid (see
// [Counts.Validate]) or level is not in (0, 1).
func WilsonPrecision(c Counts, level float64) Interval {
	mustValid(c)
	return Wilson(c.TP, c.Pred, level)
}

// WilsonRecall returns the Wilson interval for micro recall:
// [Wilson](c.TP, c.Gold, level). It panics if c is invalid (see
// [Counts.Validate]) or level is not in (0, 1).
func WilsonRecall(c Counts, level float64) Interval {
	mustValid(c)
	return Wilson(c.TP, c.Gold, level)
}

func mustValid(c Counts) {
	if err := c.Validate(); err != nil {
		panic("confidence: " + err.Error())
	}
}

func checkLevel(level float64) {
	if !(level > 0 && level < 1) {
		panic(fmt.Sprintf("confidence: level %v outside (0, 1)", level))
	}
}
