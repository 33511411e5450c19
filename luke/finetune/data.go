package finetune

import (
	"fmt"

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
		exs, err := luke.ExamplesWith(s.Pieces, meta, special, goldSpans)
		if err != nil {
			return nil, fmt.Errorf("sentence %s: %w", s.ID, err)
		}
		for _, ex := range exs {
			it := Item{Example: ex, Labels: make([]int, len(ex.Spans))}
			for k, sp := range ex.Spans {
				it.Labels[k] = gold[luke.Span{Start: sp.Start + ex.Window.Start, End: sp.End + ex.Window.Start}]
			}
			out = append(out, it)
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
