package confidence

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Comparison holds the result of comparing system A with system B on the
// same sentences. Differences are A − B, in fractions (−1..1): a positive
// F1.Estimate means A scored higher.
type Comparison struct {
	Resamples int     `json:"resamples"`
	Level     float64 `json:"level"`
	Seed      uint64  `json:"seed"`
	// Precision, Recall and F1 are paired-bootstrap percentile intervals
	// for the differences in micro precision, recall and F1. Each Estimate
	// is the difference on all sentences.
	Precision Interval `json:"precision"`
	Recall    Interval `json:"recall"`
	F1        Interval `json:"f1"`
	// PBootstrap is the two-sided paired-bootstrap p-value for the F1
	// difference δ, by the shifted-null method: with δ*_b the difference
	// on resample b, p = (1 + #{b : |δ*_b − δ| ≥ |δ|}) / (B + 1).
	// Centring the bootstrap distribution on δ approximates the null
	// distribution (Efron and Tibshirani, 1993, ch. 16). For δ > 0 the
	// upper tail of this count, δ*_b ≥ 2δ, is (up to ties) the
	// "δ(x*) > 2δ(x)" count of Berg-Kirkpatrick, Burkett and Klein
	// ("An Empirical Investigation of Statistical Significance in NLP",
	// EMNLP 2012), whose one-sided p-value is therefore about half of
	// this two-sided one. The +1 terms (Davison and Hinkley, 1997, ch. 4)
	// keep p above 0: the smallest possible value is 1/(B+1).
	PBootstrap float64 `json:"p_bootstrap"`
	// PRandomization is the two-sided approximate-randomisation p-value for
	// the F1 difference (Noreen, 1989; Yeh, 2000, for F-scores; Riezler
	// and Maxwell, 2005): in each of R = Resamples rounds every sentence's
	// A and B counts are swapped with probability 1/2, and
	// p = (1 + #{rounds : |δ_r| ≥ |δ|}) / (R + 1).
	PRandomization float64 `json:"p_randomization"`
}

// Compare compares system A with system B on the same sentences: a[i] and
// b[i] are the counts of the two systems on sentence i (their Gold values
// should agree, though this is not checked, so that different gold filters
// can also be compared). It computes paired-bootstrap intervals for the
// differences in micro precision, recall and F1, a paired-bootstrap p-value
// and an approximate-randomisation p-value for the F1 difference; see
// [Comparison] for the definitions.
//
// The bootstrap resamples are those of [Bootstrap] with the same seed and
// number of sentences; randomisation round r uses the ChaCha8 stream keyed
// by a separate domain tag, cfg.Seed and r. Results do not depend on
// cfg.Workers.
//
// It returns an error wrapping [ErrLengthMismatch] when len(a) != len(b),
// [ErrNoSentences] or [ErrInvalidCounts] (naming the system and 0-based
// sentence index) for bad input, [ErrInvalidConfig] for bad settings, and
// ctx's error if ctx is cancelled before it finishes.
func Compare(ctx context.Context, a, b []Counts, cfg Config) (Comparison, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: %w", err)
	}
	if len(a) != len(b) {
		return Comparison{}, fmt.Errorf("compare: %w: system A has %d sentences, system B %d", ErrLengthMismatch, len(a), len(b))
	}
	if err := validateSentences(a); err != nil {
		return Comparison{}, fmt.Errorf("compare: system A: %w", err)
	}
	if err := validateSentences(b); err != nil {
		return Comparison{}, fmt.Errorf("compare: system B: %w", err)
	}
	n := uint64(len(a))
	dp := make([]float64, cfg.Resamples)
	dr := make([]float64, cfg.Resamples)
	df := make([]float64, cfg.Resamples)
	err = forEach(ctx, cfg.Resamples, cfg.Workers, func(src *rand.ChaCha8, k int) {
		src.Seed(streamKey(domainBootstrap, cfg.Seed, k))
		var ta, tb Counts
		for range n {
			i := uintN(src, n)
			ta = ta.Add(a[i])
			tb = tb.Add(b[i])
		}
		dp[k] = ta.Precision() - tb.Precision()
		dr[k] = ta.Recall() - tb.Recall()
		df[k] = ta.F1() - tb.F1()
	})
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: %w", err)
	}
	ar := make([]float64, cfg.Resamples)
	err = forEach(ctx, cfg.Resamples, cfg.Workers, func(src *rand.ChaCha8, k int) {
		src.Seed(streamKey(domainRandomization, cfg.Seed, k))
		var ta, tb Counts
		var coins uint64
		for i := range a {
			if i%64 == 0 {
				coins = src.Uint64()
			}
			if coins&1 == 1 {
				ta, tb = ta.Add(b[i]), tb.Add(a[i])
			} else {
				ta, tb = ta.Add(a[i]), tb.Add(b[i])
			}
			coins >>= 1
		}
		ar[k] = ta.F1() - tb.F1()
	})
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: %w", err)
	}

	sa, sb := Sum(a), Sum(b)
	delta := sa.F1() - sb.F1()
	var nb, nr int
	for k := range cfg.Resamples {
		if math.Abs(df[k]-delta) >= math.Abs(delta) {
			nb++
		}
		if math.Abs(ar[k]) >= math.Abs(delta) {
			nr++
		}
	}
	denom := float64(cfg.Resamples + 1)
	return Comparison{
		Resamples:      cfg.Resamples,
		Level:          cfg.Level,
		Seed:           cfg.Seed,
		Precision:      percentile(sa.Precision()-sb.Precision(), dp, cfg.Level),
		Recall:         percentile(sa.Recall()-sb.Recall(), dr, cfg.Level),
		F1:             percentile(delta, df, cfg.Level),
		PBootstrap:     float64(nb+1) / denom,
		PRandomization: float64(nr+1) / denom,
	}, nil
}
