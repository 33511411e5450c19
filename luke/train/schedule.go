package train

import (
	"fmt"
	"math"
)

// Schedule returns the learning-rate multiplier of the update that follows
// step applied updates, out of total updates. It must be a pure function of
// its arguments: a resumed run calls it afresh.
type Schedule func(step, total int) float64

// Constant is the schedule with multiplier 1 throughout.
func Constant(step, total int) float64 { return 1 }

// WarmupSteps returns int(frac·total), the warmup length of the schedules
// below, computed as the reference code does (Python's int() of a float
// product, which truncates).
func WarmupSteps(frac float64, total int) int {
	return int(frac * float64(total))
}

// LinearWarmupDecay is Hugging Face's get_linear_schedule_with_warmup with
// warmup = int(warmupFrac·total) updates: the multiplier rises linearly from
// 0 to 1 over the warmup and then falls linearly to 0 at total (spec §2.8).
// It panics if warmupFrac is outside [0, 1].
func LinearWarmupDecay(warmupFrac float64) Schedule {
	if !(warmupFrac >= 0 && warmupFrac <= 1) {
		panic(fmt.Sprintf("train: warmup fraction %v outside [0, 1]", warmupFrac))
	}
	return func(step, total int) float64 {
		w := WarmupSteps(warmupFrac, total)
		if step < w {
			return float64(step) / float64(max(1, w))
		}
		return max(0, float64(total-step)/float64(max(1, total-w)))
	}
}

// PolynomialWarmupDecay is Hugging Face's
// get_polynomial_decay_schedule_with_warmup with warmup =
// int(warmupFrac·total) updates, final multiplier endRatio (lr_end/lr) and
// the given power (spec §3.6: endRatio 0.1 and power √3 for DaLUKE's
// pretraining): s/warmup during the warmup, endRatio after total, and
// (1-endRatio)·(1-(s-warmup)/(total-warmup))^power + endRatio in between.
// It panics if warmupFrac is outside [0, 1] or endRatio outside [0, 1].
func PolynomialWarmupDecay(warmupFrac, endRatio, power float64) Schedule {
	if !(warmupFrac >= 0 && warmupFrac <= 1) || !(endRatio >= 0 && endRatio <= 1) {
		panic(fmt.Sprintf("train: warmup fraction %v or end ratio %v outside [0, 1]", warmupFrac, endRatio))
	}
	return func(step, total int) float64 {
		w := WarmupSteps(warmupFrac, total)
		switch {
		case step < w:
			return float64(step) / float64(max(1, w))
		case step > total:
			return endRatio
		}
		left := 1 - float64(step-w)/float64(total-w)
		return (1-endRatio)*math.Pow(left, power) + endRatio
	}
}
