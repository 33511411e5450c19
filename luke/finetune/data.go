package finetune

import (
	"fmt"
	"slices"
	"sort"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/seqeval"
)

// Sentence is one training or evaluation sentence: the word pieces of each
// word and one IOB2 tag per word.
type Sentence struct {
	// ID names the sentence in errors (the dataset's sentence id).
	ID     string
	Pieces [][]int64
	Tags   []string
}

// Item is one training example: a forward pass (a window of a sentence
// and up to max-entities of its spans) and the class of each span.
type Item struct {
	luke.Example
	// Labels holds the index in the label list of each span's gold type,
	// 0 (O) for a span that is no gold entity.
	Labels []int
}

// Items builds the training examples of sentences (spec §2.3-§2.5): for
// each window of each sentence, its candidate spans together with its gold
// entities (which are always included, even when longer than
// max-entity-span), sorted by start and end and cut into chunks of
// meta.MaxEntities. labels[0] is the outside class; a gold type that is not
// in labels, or a gold entity that crosses a window boundary, is an error
// naming the sentence.
func Items(sents []Sentence, meta luke.Metadata, special luke.SpecialIDs, labels []string) ([]Item, error) {
	class := make(map[string]int, len(labels))
	for i, l := range labels {
		class[l] = i
	}
	var out []Item
	for _, s := range sents {
		if len(s.Tags) != len(s.Pieces) {
			return nil, fmt.Errorf("sentence %s: %d tags for %d words", s.ID, len(s.Tags), len(s.Pieces))
		}
		gold := map[luke.Span]int{}
		var goldSpans []luke.Span
		for _, e := range seqeval.DefaultEntities(s.Tags) {
			c, ok := class[e.Type]
			if !ok || c == 0 {
				return nil, fmt.Errorf("sentence %s: entity type %q at words %d-%d is not one of the classes %v",
					s.ID, e.Type, e.Start+1, e.End, labels[1:])
			}
			sp := luke.Span{Start: e.Start, End: e.End}
			gold[sp] = c
			goldSpans = append(goldSpans, sp)
		}
		counts := make([]int, len(s.Pieces))
		for i, p := range s.Pieces {
			counts[i] = len(p)
		}
		windows, err := luke.Windows(counts, meta.MaxSeqLength)
		if err != nil {
			return nil, fmt.Errorf("sentence %s: %w", s.ID, err)
		}
		for _, sp := range goldSpans {
			inside := false
			for _, w := range windows {
				if sp.Start >= w.Start && sp.End <= w.End {
					inside = true
				}
			}
			if !inside {
				return nil, fmt.Errorf("sentence %s: the entity at words %d-%d crosses the boundary of a %d-word-piece window",
					s.ID, sp.Start+1, sp.End, meta.MaxSeqLength)
			}
		}
		for _, w := range windows {
			ids := []int64{special.CLS}
			starts := make([]int, w.End-w.Start+1)
			for k, p := range s.Pieces[w.Start:w.End] {
				starts[k] = len(ids)
				ids = append(ids, p...)
			}
			starts[w.End-w.Start] = len(ids)
			ids = append(ids, special.SEP)
			spans := luke.CandidateSpans(counts[w.Start:w.End], meta.MaxEntitySpan)
			for _, sp := range goldSpans {
				if sp.Start >= w.Start && sp.End <= w.End {
					rel := luke.Span{Start: sp.Start - w.Start, End: sp.End - w.Start}
					if !slices.Contains(spans, rel) {
						spans = append(spans, rel)
					}
				}
			}
			sort.Slice(spans, func(i, j int) bool {
				if spans[i].Start != spans[j].Start {
					return spans[i].Start < spans[j].Start
				}
				return spans[i].End < spans[j].End
			})
			if len(spans) > 0 && len(ids) > meta.MaxSeqLength {
				return nil, fmt.Errorf("sentence %s: word %d has more word pieces than a window of %d holds: %w",
					s.ID, w.Start+1, meta.MaxSeqLength, luke.ErrWordTooLong)
			}
			for c := 0; c < len(spans); c += meta.MaxEntities {
				chunk := spans[c:min(c+meta.MaxEntities, len(spans)):min(c+meta.MaxEntities, len(spans))]
				it := Item{Example: luke.Example{Window: w, WordIDs: ids, Spans: chunk, Entities: make([]luke.Entity, len(chunk))},
					Labels: make([]int, len(chunk))}
				for k, sp := range chunk {
					it.Entities[k] = luke.Entity{ID: luke.NERMaskEntity, Start: starts[sp.Start], End: starts[sp.End]}
					it.Labels[k] = gold[luke.Span{Start: sp.Start + w.Start, End: sp.End + w.Start}]
				}
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// ClassWeights returns the weights of DaLUKE's class-weighted loss
// (--loss-weight): 1/count for each class, counting the labels of every
// span of items. A class without any span is an error, since its weight
// would be infinite.
func ClassWeights(items []Item, labels []string) ([]float64, error) {
	counts := make([]int, len(labels))
	for _, it := range items {
		for _, l := range it.Labels {
			counts[l]++
		}
	}
	w := make([]float64, len(labels))
	for i, c := range counts {
		if c == 0 {
			return nil, fmt.Errorf("class %s has no span in the training data, so its loss weight 1/0 is undefined", labels[i])
		}
		w[i] = 1 / float64(c)
	}
	return w, nil
}
