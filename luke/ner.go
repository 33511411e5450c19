package luke

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Labels are the NER classes of the released model, in classifier order
// (spec §2.4).
var Labels = []string{"O", "LOC", "PER", "ORG", "MISC"}

// Special word-piece ids and the NER entity ids (spec §2.1, §2.4).
const (
	// NERMaskEntity is the entity id of every candidate span: row 1 of the
	// NER model's 2-row entity table, the pretrained [MASK] entity.
	NERMaskEntity = 1
	// PadEntity is the entity id of padding slots.
	PadEntity = 0
)

// ErrWordTooLong reports a word with more word pieces than one forward pass
// holds that is nonetheless part of a candidate span (possible only when
// max-entity-span is at least max-seq-length - 2).
var ErrWordTooLong = errors.New("word longer than a window")

// Window is a half-open range [Start, End) of a text's words that is
// processed on its own.
type Window struct{ Start, End int }

// Windows splits a text whose words have the given word-piece counts so that
// each window's pieces plus [CLS] and [SEP] fit maxSeqLength (spec §2.2):
// while the rest of the text does not fit, the next window takes the longest
// run of words whose pieces plus 2 are strictly below maxSeqLength, as the
// reference code does (so a split window holds at most maxSeqLength-3
// pieces). Words are never cut and none is dropped. A word too long for any
// window, on which the reference code loops forever, gets a window of its
// own; such a word is in no candidate span of the released models (30 <
// 510), so it is tagged O without a forward pass. A word with zero pieces is
// an error.
func Windows(pieces []int, maxSeqLength int) ([]Window, error) {
	total := 0
	for i, n := range pieces {
		if n < 1 {
			return nil, fmt.Errorf("word %d has no word piece", i)
		}
		total += n
	}
	var out []Window
	start := 0
	for start < len(pieces) || len(out) == 0 {
		if total+2 <= maxSeqLength {
			out = append(out, Window{start, len(pieces)})
			break
		}
		cut, cum := 0, 0
		for k := start; k < len(pieces) && cum+pieces[k]+2 < maxSeqLength; k++ {
			cum += pieces[k]
			cut++
		}
		if cut == 0 { // a word too long for a window
			cut, cum = 1, pieces[start]
		}
		out = append(out, Window{start, start + cut})
		start += cut
		total -= cum
	}
	return out, nil
}

// Span is a candidate entity span: the half-open word range [Start, End).
type Span struct{ Start, End int }

// CandidateSpans returns every word span whose words hold at most maxSpan
// word pieces in all, sorted by start and then end (spec §2.3). A single
// word with more than maxSpan pieces is in no span.
func CandidateSpans(pieces []int, maxSpan int) []Span {
	var out []Span
	for i := range pieces {
		n := 0
		for j := i + 1; j <= len(pieces); j++ {
			n += pieces[j-1]
			if n > maxSpan {
				break
			}
			out = append(out, Span{i, j})
		}
	}
	return out
}

// Example is one forward pass of span NER: the word pieces of one window and
// up to max-entities of its candidate spans (spec §2.4, §2.5).
type Example struct {
	Window Window
	// WordIDs are [CLS], the window's word pieces and [SEP].
	WordIDs []int64
	// Spans are word spans relative to the window.
	Spans []Span
	// Entities give each span's word-piece positions in WordIDs, half-open;
	// the first word piece of the window is at position 1.
	Entities []Entity
}

// Entity is one entity slot of a forward pass: its id in the entity table
// and the half-open range of word-piece positions it covers.
type Entity struct {
	ID         int64
	Start, End int
}

// SpecialIDs are the word-piece ids that frame a sequence.
type SpecialIDs struct{ CLS, SEP int64 }

// Examples builds the forward passes for one text given the word pieces of
// each of its words: windows (spec §2.2), candidate spans (§2.3) and chunks
// of at most meta.MaxEntities spans (§2.5), each repeating its window's
// words. Every candidate span is in exactly one example.
func Examples(pieces [][]int64, meta Metadata, special SpecialIDs) ([]Example, error) {
	return ExamplesWith(pieces, meta, special, nil)
}

// ExamplesWith is Examples with extra spans (word spans of the text, such as
// the gold entities of a training sentence, spec §2.3) added to the
// candidates of the window that holds them, whatever their length; the
// spans of a window are sorted by start and end and none is repeated. An
// extra span that lies in no single window is an error.
func ExamplesWith(pieces [][]int64, meta Metadata, special SpecialIDs, extra []Span) ([]Example, error) {
	counts := make([]int, len(pieces))
	for i, p := range pieces {
		counts[i] = len(p)
	}
	windows, err := Windows(counts, meta.MaxSeqLength)
	if err != nil {
		return nil, err
	}
	for _, sp := range extra {
		inside := false
		for _, w := range windows {
			inside = inside || (sp.Start >= w.Start && sp.End <= w.End)
		}
		if !inside || sp.Start >= sp.End {
			return nil, fmt.Errorf("span of words %d-%d lies in no window of %d word pieces", sp.Start+1, sp.End, meta.MaxSeqLength)
		}
	}
	var out []Example
	for _, w := range windows {
		ids := []int64{special.CLS}
		starts := make([]int, w.End-w.Start+1) // piece position of each word, +1 for [CLS]
		for k, p := range pieces[w.Start:w.End] {
			starts[k] = len(ids)
			ids = append(ids, p...)
		}
		starts[w.End-w.Start] = len(ids)
		ids = append(ids, special.SEP)
		spans := CandidateSpans(counts[w.Start:w.End], meta.MaxEntitySpan)
		if len(extra) > 0 {
			for _, sp := range extra {
				rel := Span{sp.Start - w.Start, sp.End - w.Start}
				if sp.Start >= w.Start && sp.End <= w.End && !slices.Contains(spans, rel) {
					spans = append(spans, rel)
				}
			}
			sort.Slice(spans, func(i, j int) bool {
				if spans[i].Start != spans[j].Start {
					return spans[i].Start < spans[j].Start
				}
				return spans[i].End < spans[j].End
			})
		}
		if len(spans) > 0 && len(ids) > meta.MaxSeqLength {
			return nil, fmt.Errorf("word %d has %d word pieces, more than a window of %d holds, and is in a candidate span: %w",
				w.Start, counts[w.Start], meta.MaxSeqLength, ErrWordTooLong)
		}
		for c := 0; c < len(spans); c += meta.MaxEntities {
			chunk := spans[c:min(c+meta.MaxEntities, len(spans)):min(c+meta.MaxEntities, len(spans))]
			ex := Example{Window: w, WordIDs: ids, Spans: chunk, Entities: make([]Entity, len(chunk))}
			for k, s := range chunk {
				ex.Entities[k] = Entity{ID: NERMaskEntity, Start: starts[s.Start], End: starts[s.End]}
			}
			out = append(out, ex)
		}
	}
	return out, nil
}

// Decode turns the class probabilities of a window's candidate spans into
// IOB2 tags for its n words (spec §2.7). Each span votes for its most
// probable class (the first on ties); spans whose class is labels[0] ("O")
// are dropped. The rest are visited by descending probability, then
// descending start, end and label, and a span is accepted only if all its
// words are still untagged. probs[k] belongs to spans[k].
func Decode(n int, spans []Span, probs [][]float32, labels []string) []string {
	type positive struct {
		p     float32
		span  Span
		label string
	}
	var pos []positive
	for k, p := range probs {
		c := 0
		for i := range p {
			if p[i] > p[c] {
				c = i
			}
		}
		if c != 0 {
			pos = append(pos, positive{p[c], spans[k], labels[c]})
		}
	}
	sort.Slice(pos, func(i, j int) bool {
		a, b := pos[i], pos[j]
		switch {
		case a.p != b.p:
			return a.p > b.p
		case a.span.Start != b.span.Start:
			return a.span.Start > b.span.Start
		case a.span.End != b.span.End:
			return a.span.End > b.span.End
		}
		return a.label > b.label
	})
	tags := make([]string, n)
	for i := range tags {
		tags[i] = labels[0]
	}
	for _, c := range pos {
		free := true
		for k := c.span.Start; k < c.span.End; k++ {
			if tags[k] != labels[0] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		tags[c.span.Start] = "B-" + c.label
		for k := c.span.Start + 1; k < c.span.End; k++ {
			tags[k] = "I-" + c.label
		}
	}
	return tags
}

// DefaultMaxRows is the padded size of a forward pass that NER aims at when
// NEROptions.MaxRows is 0 (BENCHMARKS.md, Memory).
const DefaultMaxRows = 1024

// batchEnds cuts examples, taken in order, into forward passes and returns
// where each pass ends. rows[k] is example k's word pieces plus entity
// slots. A pass holds at most maxExamples examples, and its padded size,
// its examples times the rows of its largest, is at most maxRows unless the
// pass is a single example. maxExamples and maxRows must be positive.
func batchEnds(rows []int, maxExamples, maxRows int) []int {
	var ends []int
	n, widest := 0, 0 // examples in the open pass, and its largest
	for k, r := range rows {
		if n > 0 && (n == maxExamples || (n+1)*max(widest, r) > maxRows) {
			ends = append(ends, k)
			n, widest = 0, 0
		}
		n++
		widest = max(widest, r)
	}
	if n > 0 {
		ends = append(ends, len(rows))
	}
	return ends
}
