package seqeval

import (
	"cmp"
	"fmt"
	"slices"
)

// ErrorKind is the outcome of matching gold and predicted entities, the
// six categories of the thesis's Table 4.1 (after Chinchor and Sundheim's
// MUC scheme, also used by nervaluate).
type ErrorKind int

const (
	// Correct is a complete match: same span and type (a true positive).
	Correct ErrorKind = iota
	// Spurious is a predicted entity that overlaps no unmatched gold one.
	Spurious
	// Missing is a gold entity that overlaps no unmatched prediction.
	Missing
	// WrongType pairs entities with the same span and different types.
	WrongType
	// WrongBoundary pairs overlapping entities of the same type with
	// different spans.
	WrongBoundary
	// WrongTypeBoundary pairs overlapping entities that differ in type and
	// span.
	WrongTypeBoundary
	// NumErrorKinds is the number of kinds.
	NumErrorKinds
)

var errorKindNames = [NumErrorKinds]string{"correct", "spurious", "missing", "wrong_type", "wrong_boundary", "wrong_type_boundary"}

// String returns the kind's name in snake case, as in the JSON report.
func (k ErrorKind) String() string {
	if k >= 0 && k < NumErrorKinds {
		return errorKindNames[k]
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// ErrorCounts counts outcomes, indexed by ErrorKind.
type ErrorCounts [NumErrorKinds]int

// Match is one outcome of the matching, with the indices of its entities
// in Result.Gold[Sentence] and Result.Pred[Sentence] (-1 when absent).
type Match struct {
	Kind     ErrorKind
	Sentence int
	Gold     int
	Pred     int
}

// matcher pairs the entities of a sentence one to one. The rule, which
// depends only on the entities and not on their order in the lists:
//
//  1. Entities with equal type and span are Correct (seqeval's true
//     positives).
//  2. Every remaining gold/predicted pair that shares at least one word is a
//     candidate. Candidates are taken greedily in a canonical order: more
//     shared words first, then same type before different type, then by
//     gold start, gold end, predicted start and predicted end. A candidate
//     is accepted when neither entity is taken yet, as WrongType (same
//     span), WrongBoundary (same type) or WrongTypeBoundary.
//  3. Gold entities left over are Missing, predictions left over Spurious.
//
// Correct, Missing and the paired kinds are counted under the gold type,
// Spurious under the predicted type.
type matcher struct {
	gUsed, pUsed []bool
	cands        []candidate
	matches      []Match
}

type candidate struct {
	g, p, overlap int
	same          bool
}

func (m *matcher) sentence(sent int, g, p []Entity, s *scorer) {
	m.gUsed = slices.Grow(m.gUsed[:0], len(g))[:len(g)]
	m.pUsed = slices.Grow(m.pUsed[:0], len(p))[:len(p)]
	clear(m.gUsed)
	clear(m.pUsed)
	// Both lists are ordered by End, which is unique within a list.
	for i, j := 0, 0; i < len(g) && j < len(p); {
		switch {
		case g[i].End < p[j].End:
			i++
		case g[i].End > p[j].End:
			j++
		default:
			if g[i].Start == p[j].Start && g[i].Type == p[j].Type {
				m.gUsed[i], m.pUsed[j] = true, true
				c := s.count(g[i].Type)
				c.tp++
				c.errs[Correct]++
				m.matches = append(m.matches, Match{Kind: Correct, Sentence: sent, Gold: i, Pred: j})
			}
			i++
			j++
		}
	}
	m.cands = m.cands[:0]
	for i := range g {
		if m.gUsed[i] {
			continue
		}
		for j := range p {
			if m.pUsed[j] {
				continue
			}
			ov := min(g[i].End, p[j].End) - max(g[i].Start, p[j].Start)
			if ov > 0 {
				m.cands = append(m.cands, candidate{g: i, p: j, overlap: ov, same: g[i].Type == p[j].Type})
			}
		}
	}
	if len(m.cands) > 1 {
		slices.SortFunc(m.cands, func(a, b candidate) int {
			if c := cmp.Compare(b.overlap, a.overlap); c != 0 {
				return c
			}
			if a.same != b.same {
				if a.same {
					return -1
				}
				return 1
			}
			ga, gb, pa, pb := g[a.g], g[b.g], p[a.p], p[b.p]
			if c := cmp.Compare(ga.Start, gb.Start); c != 0 {
				return c
			}
			if c := cmp.Compare(ga.End, gb.End); c != 0 {
				return c
			}
			if c := cmp.Compare(pa.Start, pb.Start); c != 0 {
				return c
			}
			return cmp.Compare(pa.End, pb.End)
		})
	}
	for _, c := range m.cands {
		if m.gUsed[c.g] || m.pUsed[c.p] {
			continue
		}
		m.gUsed[c.g], m.pUsed[c.p] = true, true
		ge, pe := g[c.g], p[c.p]
		kind := WrongTypeBoundary
		switch {
		case ge.Start == pe.Start && ge.End == pe.End:
			kind = WrongType
		case c.same:
			kind = WrongBoundary
		}
		s.count(ge.Type).errs[kind]++
		m.matches = append(m.matches, Match{Kind: kind, Sentence: sent, Gold: c.g, Pred: c.p})
	}
	for i := range g {
		if !m.gUsed[i] {
			s.count(g[i].Type).errs[Missing]++
			m.matches = append(m.matches, Match{Kind: Missing, Sentence: sent, Gold: i, Pred: -1})
		}
	}
	for j := range p {
		if !m.pUsed[j] {
			s.count(p[j].Type).errs[Spurious]++
			m.matches = append(m.matches, Match{Kind: Spurious, Sentence: sent, Gold: -1, Pred: j})
		}
	}
}

// Confusion is a word-level confusion matrix of entity types with the
// chunk prefixes stripped (B-PER and I-PER are both PER), as the thesis's
// Table 6.22. Options.Map and Options.NoMisc apply to it (a MISC word
// counts as O when NoMisc is set).
type Confusion struct {
	// Labels lists the types in sorted order followed by "O".
	Labels []string
	// Counts[i][j] counts words with gold label Labels[i] and predicted
	// label Labels[j].
	Counts [][]int
}

// Count returns the number of words with gold label g and predicted label
// p, 0 for unknown labels.
func (c *Confusion) Count(g, p string) int {
	gi, pi := slices.Index(c.Labels, g), slices.Index(c.Labels, p)
	if gi < 0 || pi < 0 {
		return 0
	}
	return c.Counts[gi][pi]
}

type confusionBuilder struct {
	ids     map[string]int
	labels  []string
	counts  [][]int
	lastTag [2]string
	lastID  [2]int
}

func (c *confusionBuilder) id(side int, tag string, o *Options) int {
	if tag == c.lastTag[side] && c.ids != nil {
		return c.lastID[side]
	}
	label := wordLabel(tag, o)
	id, ok := c.ids[label]
	if !ok {
		if c.ids == nil {
			c.ids = make(map[string]int)
		}
		id = len(c.labels)
		c.ids[label] = id
		c.labels = append(c.labels, label)
		for i := range c.counts {
			c.counts[i] = append(c.counts[i], 0)
		}
		c.counts = append(c.counts, make([]int, len(c.labels)))
	}
	c.lastTag[side], c.lastID[side] = tag, id
	return id
}

func (c *confusionBuilder) add(g, p []string, o *Options) {
	for j := range g {
		gi := c.id(0, g[j], o)
		pi := c.id(1, p[j], o)
		c.counts[gi][pi]++
	}
}

// wordLabel returns a tag's type with the prefix stripped, "O" for outside
// words, after Map and NoMisc.
func wordLabel(tag string, o *Options) string {
	var label string
	if o.Scheme == IO {
		typ, outside, _ := parseIO(tag)
		label = typ
		if outside {
			label = "O"
		}
	} else if o.Mode == Strict {
		t, _ := parseStrict(tag, o.Suffix)
		label = t.typ
		if t.prefix == pO {
			label = "O"
		}
	} else {
		split := splitPrefix
		if o.Suffix {
			split = splitSuffix
		}
		cls, typ := split(tag)
		label = typ
		if cls == clsO {
			label = "O"
		}
	}
	if to, ok := o.Map[label]; ok {
		label = to
	}
	if o.NoMisc && label == "MISC" {
		label = "O"
	}
	return label
}

func (c *confusionBuilder) build() Confusion {
	labels := make([]string, 0, len(c.labels)+1)
	for _, l := range c.labels {
		if l != "O" {
			labels = append(labels, l)
		}
	}
	slices.Sort(labels)
	labels = append(labels, "O")
	counts := make([][]int, len(labels))
	for i := range counts {
		counts[i] = make([]int, len(labels))
	}
	pos := make([]int, len(c.labels))
	for i, l := range c.labels {
		pos[i] = slices.Index(labels, l)
	}
	for i := range c.counts {
		for j, n := range c.counts[i] {
			counts[pos[i]][pos[j]] += n
		}
	}
	return Confusion{Labels: labels, Counts: counts}
}
