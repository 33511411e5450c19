// Package agreement compares the predictions of two NER models on the same
// sentences, after section 6.3.3 of the DaLUKE thesis (Holm and Schultz, DTU
// 2021): how often they predict the same thing (Table 6.24), what one
// predicts where the other predicts something else (Tables 6.25 and 6.27),
// and, beyond the thesis, which of the two is right where they disagree.
//
// All chunking, matching and word labelling is done by package seqeval with
// the caller's options, so the numbers here are consistent with the scores
// of 'nerbench run'. A word's label is the type of the entity that covers
// it, or "O" when none does. In seqeval's default mode this is the tag with
// its prefix stripped, the label of seqeval's confusion matrix, and Compare
// checks that the two agree. In strict mode, words whose tags form no valid
// chunk are "O", as they count for the scores, while seqeval's confusion
// matrix gives them the tag's type.
package agreement

import (
	"errors"
	"fmt"
	"slices"

	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/seqeval"
)

// Outside is the label of words outside every entity.
const Outside = "O"

// ErrInconsistent is wrapped by Compare when, in seqeval's default mode, the
// word labels taken from the entities differ from seqeval's confusion
// matrix: a tag such as "." gets a type in the matrix but is in no entity.
var ErrInconsistent = errors.New("word labels disagree with the confusion matrix")

// Options configures Compare.
type Options struct {
	// Scoring is passed to seqeval.Score for every chunking.
	Scoring seqeval.Options
	// Types lists entity types that Labels always holds, in this order,
	// whether or not any sentence has them; other types found in the tags
	// follow in sorted order. Nil means LOC, PER, ORG, MISC, the order of the
	// thesis tables.
	Types []string
}

// DefaultTypes is the type order of the thesis tables.
var DefaultTypes = []string{"LOC", "PER", "ORG", "MISC"}

// Split counts items with a given gold label by which model got them right:
// both, only A, only B, or neither. NeitherSame counts the items of Neither
// on which A and B made the same mistake.
type Split struct {
	Label       string `json:"label"`
	Total       int    `json:"total"`
	Both        int    `json:"both_right"`
	OnlyA       int    `json:"only_a_right"`
	OnlyB       int    `json:"only_b_right"`
	Neither     int    `json:"both_wrong"`
	NeitherSame int    `json:"both_wrong_same"`
}

func (s *Split) add(a, b, same bool) {
	s.Total++
	switch {
	case a && b:
		s.Both++
	case a:
		s.OnlyA++
	case b:
		s.OnlyB++
	default:
		s.Neither++
		if same {
			s.NeitherSame++
		}
	}
}

// Difference is a sentence on which the two models' tags differ.
type Difference struct {
	// Sentence is the 0-based index of the sentence.
	Sentence int
	// Words are the 0-based indices of the words whose predicted tags
	// differ, in increasing order.
	Words []int
	// ARight and BRight report whether the model found exactly the gold
	// entities of the sentence.
	ARight, BRight bool
}

// Result is the comparison of model A with model B.
type Result struct {
	// Labels are the word labels: the types in Options.Types order, other
	// types sorted, then "O".
	Labels []string
	// Sentences and Words count the input.
	Sentences, Words int
	// WordAgree counts words on which A and B have the same label.
	WordAgree int
	// EntityWords counts words that A or B puts in an entity, and
	// EntityWordAgree those of them on which A and B have the same label.
	EntityWords, EntityWordAgree int
	// Matrix[i][j] counts words that A labels Labels[i] and B labels
	// Labels[j] (Tables 6.25 and 6.27).
	Matrix [][]int
	// EntitiesA and EntitiesB count the predicted entities of each model,
	// EntitiesBoth those that both predict with the same span and type.
	EntitiesA, EntitiesB, EntitiesBoth int
	// WordsByGold splits the words of each gold label (in Labels order) by
	// which model labels them right.
	WordsByGold []Split
	// EntitiesByGold splits the gold entities of each type (in Labels
	// order, without "O") by which model predicts them exactly (same span
	// and type).
	EntitiesByGold []Split
	// CountsA and CountsB are the per-sentence entity counts of each model
	// against gold, for confidence.Compare.
	CountsA, CountsB []confidence.Counts
	// Differences lists the sentences on which the predicted tags differ,
	// in corpus order.
	Differences []Difference
	// A and B are seqeval's scoring of each model against gold.
	A, B *seqeval.Result
}

// WordAgreement returns WordAgree/Words, the co-prediction rate of Table
// 6.24, as a fraction in 0..1 (0 for no words).
func (r *Result) WordAgreement() float64 { return frac(r.WordAgree, r.Words) }

// EntityWordAgreement returns EntityWordAgree/EntityWords, the agreement on
// the words that either model puts in an entity, as a fraction in 0..1 (0
// when neither predicts any entity).
func (r *Result) EntityWordAgreement() float64 { return frac(r.EntityWordAgree, r.EntityWords) }

// EntityAgreement returns the Jaccard index of the two sets of predicted
// entities, |A∩B|/|A∪B|, as a fraction in 0..1 (0 when both are empty).
func (r *Result) EntityAgreement() float64 {
	return frac(r.EntitiesBoth, r.EntitiesA+r.EntitiesB-r.EntitiesBoth)
}

func frac(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Compare compares the predicted tags a and b of two models with the gold
// tags, sentence by sentence. All three must have the same number of
// sentences and words per sentence; otherwise, and for tags seqeval cannot
// score, it returns seqeval's error. It returns an error wrapping
// ErrInconsistent when the entity-based word labels differ from seqeval's
// confusion matrix.
func Compare(gold, a, b [][]string, opts Options) (*Result, error) {
	opts.Scoring.Details = true // the entities and the confusion matrices
	ra, err := seqeval.Score(gold, a, opts.Scoring)
	if err != nil {
		return nil, fmt.Errorf("model A: %w", err)
	}
	rb, err := seqeval.Score(gold, b, opts.Scoring)
	if err != nil {
		return nil, fmt.Errorf("model B: %w", err)
	}
	// Scoring B against A gives the A-vs-B confusion matrix. Types that
	// passed the gold check above map to themselves, so that a type only B
	// predicts is not reported as unmapped.
	abOpts := opts.Scoring
	if len(abOpts.Map) > 0 {
		abOpts.Map = make(map[string]string)
		for _, l := range slices.Concat(ra.Confusion.Labels, rb.Confusion.Labels) {
			if l != Outside {
				abOpts.Map[l] = l
			}
		}
		for k, v := range opts.Scoring.Map {
			abOpts.Map[k] = v
		}
	}
	rab, err := seqeval.Score(a, b, abOpts)
	if err != nil {
		return nil, fmt.Errorf("model A against model B: %w", err)
	}
	types := opts.Types
	if types == nil {
		types = DefaultTypes
	}
	r := &Result{Sentences: len(gold), A: ra, B: rb, Labels: labelOrder(types, ra.Confusion.Labels, rb.Confusion.Labels)}
	index := make(map[string]int, len(r.Labels))
	for i, l := range r.Labels {
		index[l] = i
	}
	n := len(r.Labels)
	r.Matrix = square(n)
	r.WordsByGold = make([]Split, n)
	r.EntitiesByGold = make([]Split, n-1)
	for i, l := range r.Labels {
		r.WordsByGold[i].Label = l
		if l != Outside {
			r.EntitiesByGold[i].Label = l
		}
	}
	r.CountsA = make([]confidence.Counts, len(gold))
	r.CountsB = make([]confidence.Counts, len(gold))
	var gl, al, bl []string
	for s := range gold {
		words := len(gold[s])
		r.Words += words
		gl = wordLabels(gl, ra.Gold[s], words)
		al = wordLabels(al, ra.Pred[s], words)
		bl = wordLabels(bl, rb.Pred[s], words)
		for w := range words {
			ai, bi := index[al[w]], index[bl[w]]
			r.Matrix[ai][bi]++
			if ai == bi {
				r.WordAgree++
			}
			if al[w] != Outside || bl[w] != Outside {
				r.EntityWords++
				if ai == bi {
					r.EntityWordAgree++
				}
			}
			r.WordsByGold[index[gl[w]]].add(al[w] == gl[w], bl[w] == gl[w], ai == bi)
		}
		ga, pa, pb := ra.Gold[s], ra.Pred[s], rb.Pred[s]
		r.EntitiesA += len(pa)
		r.EntitiesB += len(pb)
		for _, e := range pa {
			if slices.Contains(pb, e) {
				r.EntitiesBoth++
			}
		}
		// Entities that both models miss do not count as the same mistake.
		for _, e := range ga {
			r.EntitiesByGold[index[e.Type]].add(slices.Contains(pa, e), slices.Contains(pb, e), false)
		}
		r.CountsA[s] = counts(ga, pa)
		r.CountsB[s] = counts(ga, pb)
		var diff []int
		for w := range words {
			if a[s][w] != b[s][w] {
				diff = append(diff, w)
			}
		}
		if diff != nil {
			r.Differences = append(r.Differences, Difference{
				Sentence: s, Words: diff,
				ARight: slices.Equal(ga, pa), BRight: slices.Equal(ga, pb),
			})
		}
	}
	if opts.Scoring.Mode == seqeval.Default {
		if err := checkConfusion(r, &rab.Confusion); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// labelOrder returns types, then the other labels of the confusion
// matrices sorted, then "O".
func labelOrder(types []string, confusions ...[]string) []string {
	out := slices.Clone(types)
	var extra []string
	for _, labels := range confusions {
		for _, l := range labels {
			if l != Outside && !slices.Contains(out, l) && !slices.Contains(extra, l) {
				extra = append(extra, l)
			}
		}
	}
	slices.Sort(extra)
	return append(append(out, extra...), Outside)
}

func square(n int) [][]int {
	m := make([][]int, n)
	for i := range m {
		m[i] = make([]int, n)
	}
	return m
}

// wordLabels returns the label of each of n words given a sentence's
// entities, reusing buf.
func wordLabels(buf []string, ents []seqeval.Entity, n int) []string {
	buf = slices.Grow(buf[:0], n)[:n]
	for i := range buf {
		buf[i] = Outside
	}
	for _, e := range ents {
		for w := e.Start; w < e.End; w++ {
			buf[w] = e.Type
		}
	}
	return buf
}

// counts returns the entity counts of one sentence: predicted entities with
// the span and type of a gold one are true positives.
func counts(gold, pred []seqeval.Entity) confidence.Counts {
	c := confidence.Counts{Pred: len(pred), Gold: len(gold)}
	for _, e := range pred {
		if slices.Contains(gold, e) {
			c.TP++
		}
	}
	return c
}

// checkConfusion compares Matrix with seqeval's confusion matrix of B
// scored against A.
func checkConfusion(r *Result, c *seqeval.Confusion) error {
	total := 0
	for i, gl := range c.Labels {
		for j, pl := range c.Labels {
			total += c.Counts[i][j]
			if got, want := r.Matrix[slices.Index(r.Labels, gl)][slices.Index(r.Labels, pl)], c.Counts[i][j]; got != want {
				return fmt.Errorf("%w: %d words labelled %s by A and %s by B, seqeval counts %d", ErrInconsistent, got, gl, pl, want)
			}
		}
	}
	if total != r.Words {
		return fmt.Errorf("%w: %d words, seqeval counts %d", ErrInconsistent, r.Words, total)
	}
	return nil
}
