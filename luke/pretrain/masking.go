package pretrain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/corpus"
)

// MaskConfig configures the thesis-era masking (spec §3.3). Probabilities
// are in [0, 1].
type MaskConfig struct {
	CLS, SEP, Mask int64 // word-piece ids of [CLS], [SEP] and [MASK]
	VocabSize      int   // word pieces; random replacements are drawn from (Mask, VocabSize)
	EntityMask     int64 // the entity id of [MASK], 2
	WordProb       float64
	UnmaskProb     float64 // share of the chosen words left as they are
	RandomProb     float64 // share of the chosen words replaced by random pieces
	EntityProb     float64
}

// DefaultMaskConfig returns the Hyperparams defaults of the reference:
// 15 % of the words (80/10/10) and 15 % of the entities.
func DefaultMaskConfig(cls, sep, mask int64, vocabSize int) MaskConfig {
	return MaskConfig{CLS: cls, SEP: sep, Mask: mask, VocabSize: vocabSize, EntityMask: 2,
		WordProb: 0.15, UnmaskProb: 0.1, RandomProb: 0.1, EntityProb: 0.15}
}

// MaskCount is round_half_even(n·prob), at least 1 (Python's
// int(round(n*p)) or 1); 0 when n is 0. The product is one IEEE float64
// multiplication, as in Python.
func MaskCount(n int, prob float64) int {
	if n == 0 {
		return 0
	}
	return min(n, max(1, int(math.RoundToEven(float64(n)*prob))))
}

// Masked is one example ready for the model, with its masks.
type Masked struct {
	Input luke.Input // [CLS] words [SEP]; spans shifted by one
	// WordPos are the masked word positions (in Input.WordIDs) in
	// ascending order and WordLabels their original ids.
	WordPos    []int
	WordLabels []int64
	// EntityPos are the masked entity slots in ascending order and
	// EntityLabels their original ids.
	EntityPos    []int
	EntityLabels []int64
}

// choose returns k distinct indices of n, uniformly, by a partial
// Fisher-Yates shuffle, in the order drawn.
func choose(r *rand.Rand, n, k int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for j := range k {
		s := j + r.IntN(n-j)
		idx[j], idx[s] = idx[s], idx[j]
	}
	return idx[:k]
}

// Mask builds the model input of ex and masks it with draws from r (spec
// §3.3, thesis-era): k = MaskCount(spans, WordProb) whole-word spans are
// chosen; for each, one draw u decides: u < UnmaskProb keeps the pieces,
// u > 1-RandomProb replaces each piece by a uniform random id above
// [MASK], otherwise every piece becomes [MASK]; all pieces of a chosen span
// are labelled. Then k = MaskCount(entities, EntityProb) entity slots get
// the [MASK] entity. The draws are, in order: the span choice, one u per
// chosen span (and one id per piece replaced), the entity choice.
func Mask(ex *corpus.Example, r *rand.Rand, c MaskConfig) (*Masked, error) {
	n := len(ex.WordIDs)
	ids := make([]int64, 0, n+2)
	ids = append(ids, c.CLS)
	for _, id := range ex.WordIDs {
		if id < 0 || id >= c.VocabSize {
			return nil, fmt.Errorf("word id %d outside the vocabulary of %d", id, c.VocabSize)
		}
		ids = append(ids, int64(id))
	}
	ids = append(ids, c.SEP)
	m := &Masked{}
	orig := slices.Clone(ids)
	for _, si := range choose(r, len(ex.WordSpans), MaskCount(len(ex.WordSpans), c.WordProb)) {
		sp := ex.WordSpans[si]
		u := r.Float64()
		for p := sp[0] + 1; p < sp[1]+1; p++ {
			m.WordPos = append(m.WordPos, p)
			switch {
			case u < c.UnmaskProb:
			case u > 1-c.RandomProb:
				ids[p] = c.Mask + 1 + int64(r.IntN(c.VocabSize-int(c.Mask)-1))
			default:
				ids[p] = c.Mask
			}
		}
	}
	slices.Sort(m.WordPos)
	for _, p := range m.WordPos {
		m.WordLabels = append(m.WordLabels, orig[p])
	}
	ents := make([]luke.Entity, len(ex.EntityIDs))
	for i, id := range ex.EntityIDs {
		sp := ex.EntitySpans[i]
		ents[i] = luke.Entity{ID: int64(id), Start: sp[0] + 1, End: sp[1] + 1}
	}
	m.EntityPos = choose(r, len(ents), MaskCount(len(ents), c.EntityProb))
	slices.Sort(m.EntityPos)
	for _, i := range m.EntityPos {
		m.EntityLabels = append(m.EntityLabels, ents[i].ID)
		ents[i].ID = c.EntityMask
	}
	m.Input = luke.Input{WordIDs: ids, Entities: ents}
	return m, nil
}
