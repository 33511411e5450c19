package confidence

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped with detail by the functions that return them.
var (
	// ErrInvalidCounts reports counts that cannot come from a scorer:
	// negative values, or more true positives than predicted or gold
	// entities.
	ErrInvalidCounts = errors.New("invalid counts")
	// ErrNoSentences reports an empty slice of per-sentence counts.
	ErrNoSentences = errors.New("no sentences")
	// ErrLengthMismatch reports two systems scored on different numbers of
	// sentences.
	ErrLengthMismatch = errors.New("length mismatch")
	// ErrTooFewRuns reports fewer than two repeated runs, from which no
	// standard deviation can be estimated.
	ErrTooFewRuns = errors.New("too few runs")
	// ErrInvalidConfig reports a bad [Config] field or level.
	ErrInvalidConfig = errors.New("invalid config")
)

// Counts holds the entity counts of one sentence (or of any set of
// sentences): TP entities predicted with the right type and span, Pred
// predicted entities and Gold gold entities. Valid counts satisfy
// 0 <= TP <= min(Pred, Gold).
type Counts struct {
	TP   int `json:"tp"`
	Pred int `json:"predicted"`
	Gold int `json:"gold"`
}

// Add returns the element-wise sum of c and o.
func (c Counts) Add(o Counts) Counts {
	return Counts{TP: c.TP + o.TP, Pred: c.Pred + o.Pred, Gold: c.Gold + o.Gold}
}

// Precision returns TP/Pred as a fraction in 0..1, and 0 when Pred is 0.
func (c Counts) Precision() float64 {
	if c.Pred == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.Pred)
}

// Recall returns TP/Gold as a fraction in 0..1, and 0 when Gold is 0.
func (c Counts) Recall() float64 {
	if c.Gold == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.Gold)
}

// F1 returns the harmonic mean of [Counts.Precision] and [Counts.Recall] as a
// fraction in 0..1, and 0 when both are 0. It is computed from precision and
// recall as seqeval does (2·P·R/(P+R)), so that it equals seqeval's micro F1
// bit for bit given the same counts.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Validate returns an error wrapping [ErrInvalidCounts] unless
// 0 <= TP <= min(Pred, Gold).
func (c Counts) Validate() error {
	switch {
	case c.TP < 0 || c.Pred < 0 || c.Gold < 0:
		return fmt.Errorf("%w: negative count in %+v", ErrInvalidCounts, c)
	case c.TP > c.Pred:
		return fmt.Errorf("%w: tp %d > predicted %d", ErrInvalidCounts, c.TP, c.Pred)
	case c.TP > c.Gold:
		return fmt.Errorf("%w: tp %d > gold %d", ErrInvalidCounts, c.TP, c.Gold)
	}
	return nil
}

// Sum returns the sum of the per-sentence counts; it is the zero Counts for
// an empty slice.
func Sum(sentences []Counts) Counts {
	var t Counts
	for _, c := range sentences {
		t = t.Add(c)
	}
	return t
}

// validateSentences checks that sentences is non-empty and that every
// element is valid; the error names the 0-based sentence index.
func validateSentences(sentences []Counts) error {
	if len(sentences) == 0 {
		return ErrNoSentences
	}
	for i, c := range sentences {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("sentence %d: %w", i, err)
		}
	}
	return nil
}
