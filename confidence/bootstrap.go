package confidence

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// DefaultResamples is the number of bootstrap resamples (and randomisation
// rounds) used when a [Config] leaves Resamples at 0.
const DefaultResamples = 1000

// Config holds the settings of [Bootstrap] and [Compare]. The zero Config
// gives the defaults, stated on each field; only Seed changes the results
// beyond Resamples and Level.
type Config struct {
	// Resamples is the number of bootstrap resamples, and for [Compare]
	// also the number of approximate-randomisation rounds. 0 means
	// [DefaultResamples]; negative values are an error.
	Resamples int
	// Level is the confidence level, a fraction in (0, 1). 0 means
	// [DefaultLevel].
	Level float64
	// Seed selects the random streams. The same Seed, Resamples and data
	// give bit-identical results.
	Seed uint64
	// Workers is the number of goroutines; it never changes the results.
	// 0 means runtime.GOMAXPROCS(0); negative values are an error.
	Workers int
}

// resolve fills in the defaults and checks the fields.
func (c Config) resolve() (Config, error) {
	if c.Resamples == 0 {
		c.Resamples = DefaultResamples
	}
	if c.Level == 0 {
		c.Level = DefaultLevel
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case c.Resamples < 0:
		return c, fmt.Errorf("%w: resamples %d < 0", ErrInvalidConfig, c.Resamples)
	case !(c.Level > 0 && c.Level < 1):
		return c, fmt.Errorf("%w: level %v outside (0, 1)", ErrInvalidConfig, c.Level)
	case c.Workers < 0:
		return c, fmt.Errorf("%w: workers %d < 0", ErrInvalidConfig, c.Workers)
	}
	c.Workers = min(c.Workers, c.Resamples)
	return c, nil
}

// BootstrapResult holds sentence-level bootstrap percentile intervals for
// micro precision, recall and F1. Each Estimate is the score on all
// sentences; the bounds are fractions in 0..1.
type BootstrapResult struct {
	Resamples int      `json:"resamples"`
	Level     float64  `json:"level"`
	Seed      uint64   `json:"seed"`
	Precision Interval `json:"precision"`
	Recall    Interval `json:"recall"`
	F1        Interval `json:"f1"`
}

// Bootstrap computes sentence-level bootstrap percentile intervals for micro
// precision, recall and F1 (Efron and Tibshirani, 1993, ch. 13). Each of
// cfg.Resamples resamples draws len(sentences) sentences uniformly with
// replacement, sums their counts and computes the scores; the interval
// bounds are the (1−level)/2 and (1+level)/2 quantiles ([Quantile], type 7)
// of the resampled scores.
//
// Resample b draws from the ChaCha8 stream keyed by (cfg.Seed, b), so the
// results do not depend on cfg.Workers, and for a fixed seed any two inputs
// with the same number of sentences are resampled with the same sentence
// indices: per-type calls and the micro call share their resamples, and
// [Compare] uses them too.
//
// It returns an error wrapping [ErrNoSentences] or [ErrInvalidCounts] (with
// the 0-based sentence index) for bad input, [ErrInvalidConfig] for bad
// settings, and ctx's error if ctx is cancelled before it finishes.
func Bootstrap(ctx context.Context, sentences []Counts, cfg Config) (BootstrapResult, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return BootstrapResult{}, fmt.Errorf("bootstrap: %w", err)
	}
	if err := validateSentences(sentences); err != nil {
		return BootstrapResult{}, fmt.Errorf("bootstrap: %w", err)
	}
	n := uint64(len(sentences))
	p := make([]float64, cfg.Resamples)
	r := make([]float64, cfg.Resamples)
	f := make([]float64, cfg.Resamples)
	err = forEach(ctx, cfg.Resamples, cfg.Workers, func(src *rand.ChaCha8, b int) {
		src.Seed(streamKey(domainBootstrap, cfg.Seed, b))
		var t Counts
		for range n {
			t = t.Add(sentences[uintN(src, n)])
		}
		p[b], r[b], f[b] = t.Precision(), t.Recall(), t.F1()
	})
	if err != nil {
		return BootstrapResult{}, fmt.Errorf("bootstrap: %w", err)
	}
	all := Sum(sentences)
	return BootstrapResult{
		Resamples: cfg.Resamples,
		Level:     cfg.Level,
		Seed:      cfg.Seed,
		Precision: percentile(all.Precision(), p, cfg.Level),
		Recall:    percentile(all.Recall(), r, cfg.Level),
		F1:        percentile(all.F1(), f, cfg.Level),
	}, nil
}

// Domain tags keep the random streams of different procedures apart.
const (
	domainBootstrap     uint64 = 0x6e62_626f_6f74_0001 // "nbboot" v1
	domainRandomization uint64 = 0x6e62_7261_6e64_0001 // "nbrand" v1
)

// streamKey returns the ChaCha8 seed of stream b of a procedure: the
// little-endian domain tag, seed and b in bytes 0–7, 8–15 and 16–23, and
// zeros in bytes 24–31.
func streamKey(domain, seed uint64, b int) [32]byte {
	var k [32]byte
	binary.LittleEndian.PutUint64(k[0:], domain)
	binary.LittleEndian.PutUint64(k[8:], seed)
	binary.LittleEndian.PutUint64(k[16:], uint64(b))
	return k
}

// uintN returns a uniform integer in [0, n) for n > 0, by Lemire's
// multiply-and-reject method ("Fast random integer generation in an
// interval", ACM TOMACS 2019). It is implemented here so that the draws stay
// fixed across Go versions.
func uintN(src *rand.ChaCha8, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// forEach calls work(src, b) for every b in [0, n) on workers goroutines.
// Each goroutine owns its src, which work must reseed; b values are handed
// out in increasing order, so work must write only to slots indexed by b.
// It stops early and returns ctx's error when ctx is cancelled.
func forEach(ctx context.Context, n, workers int, work func(src *rand.ChaCha8, b int)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range max(workers, 1) {
		g.Go(func() error {
			var src rand.ChaCha8
			for {
				if err := gctx.Err(); err != nil {
					return err
				}
				b := int(next.Add(1) - 1)
				if b >= n {
					return nil
				}
				work(&src, b)
			}
		})
	}
	return g.Wait()
}
