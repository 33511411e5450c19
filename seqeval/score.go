package seqeval

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"unsafe"
)

// Errors returned by Score, wrapped with detail.
var (
	// ErrOption reports an invalid Options value.
	ErrOption = errors.New("invalid option")
	// ErrLength reports gold and predicted tags of different lengths.
	ErrLength = errors.New("length mismatch")
	// ErrTag reports a tag that cannot be scored; see TagError.
	ErrTag = errors.New("invalid tag")
	// ErrUnmappedType reports a predicted entity type that Options.Map does
	// not map and that the gold tags do not use.
	ErrUnmappedType = errors.New("unmapped entity type")
)

// Side selects gold tags, predicted tags or both.
type Side uint8

const (
	// GoldSide selects the gold tags.
	GoldSide Side = 1 << iota
	// PredSide selects the predicted tags.
	PredSide
	// BothSides selects both.
	BothSides = GoldSide | PredSide
)

// Options configures Score. The zero Options is seqeval's default mode with
// prefix-style tags, canonical upper-case prefixes and zero_division=0.
type Options struct {
	// Mode selects the chunker.
	Mode Mode
	// Scheme is the tagging scheme of Strict mode. It must be NoScheme in
	// Default mode and set in Strict mode.
	Scheme Scheme
	// Suffix reads suffix-style tags ("PER-B") instead of prefix-style
	// ones ("B-PER"), as seqeval's suffix=True.
	Suffix bool
	// KeepCase scores the tags exactly as given. By default a lower-case
	// prefix ("b-per", "o") is upper-cased first and counted in
	// Repairs; seqeval and conlleval.pl read "b" as an unknown prefix.
	KeepCase bool
	// IOB1ToIOB2 converts the chosen sides from IOB1 to IOB2 before
	// chunking: an I-X that begins a chunk becomes B-X. Conversions are
	// counted in Repairs.
	IOB1ToIOB2 Side
	// NoMisc removes entities of type MISC (after Map) from gold and
	// predictions after chunking. This equals replacing every *-MISC tag by
	// O before chunking; in the confusion matrix MISC words count as O.
	NoMisc bool
	// Map renames entity types after chunking, in gold and predictions
	// alike, for example {"PERSON": "PER"}. A target of "O" removes the
	// entity. When Map is not empty, a predicted type that is neither a
	// key of Map nor a gold type (after mapping) is an error wrapping
	// ErrUnmappedType: unknown types are never mapped silently.
	Map map[string]string
	// ZeroDivisionOne makes an undefined precision or recall 1 instead of 0
	// (seqeval's zero_division=1). F1 is computed from the substituted
	// values.
	ZeroDivisionOne bool
	// Details also computes the entities, the error breakdown and the
	// confusion matrix: Result.Gold, Pred, Errors, ErrorTotal, Matches and
	// Confusion, which stay empty without it. It costs several times the
	// counts (a million tokens give about 250,000 entities and as many
	// match outcomes). Every other field is the same with and without it.
	Details bool
	// Beta is the beta of the F-beta score in Metrics.FBeta, as seqeval's
	// precision_recall_fscore_support(beta=...): (1+β²)PR/(β²P+R), 0 when
	// the denominator is 0, and the recall for +Inf. The zero value means
	// 1 (FBeta equals F1); a negative or NaN Beta is an error. seqeval's
	// beta=0, which is the precision, cannot be asked for.
	Beta float64
}

func (o *Options) validate() error {
	switch o.Mode {
	case Default:
		if o.Scheme != NoScheme && o.Scheme != IO {
			return fmt.Errorf("%w: scheme %v given in default mode (use strict mode)", ErrOption, o.Scheme)
		}
	case Strict:
		if o.Scheme != IO && (o.Scheme <= NoScheme || int(o.Scheme) >= len(schemeRules)) {
			return fmt.Errorf("%w: strict mode needs a scheme (IOB1, IOB2, IOE1, IOE2, IOBES, BILOU or IO)", ErrOption)
		}
	default:
		return fmt.Errorf("%w: mode %d", ErrOption, int(o.Mode))
	}
	if o.Scheme == IO && o.Suffix {
		return fmt.Errorf("%w: scheme IO has no prefixes, so no suffix style", ErrOption)
	}
	if o.Scheme == IO && o.IOB1ToIOB2 != 0 {
		return fmt.Errorf("%w: IOB1ToIOB2 with scheme IO", ErrOption)
	}
	if o.Beta < 0 || math.IsNaN(o.Beta) {
		return fmt.Errorf("%w: beta %v (want a number > 0)", ErrOption, o.Beta)
	}
	if o.IOB1ToIOB2&^BothSides != 0 {
		return fmt.Errorf("%w: IOB1ToIOB2 side %d", ErrOption, o.IOB1ToIOB2)
	}
	for k, v := range o.Map {
		if k == "" || v == "" {
			return fmt.Errorf("%w: map %q=%q: empty type", ErrOption, k, v)
		}
	}
	return nil
}

// Metrics holds precision, recall and F1 (fractions in 0..1) with the
// counts they come from. For a type, Gold is seqeval's support. For the
// averages, the counts are sums over all types.
type Metrics struct {
	Precision, Recall, F1 float64
	TP, Predicted, Gold   int
}

// FBeta holds the F-beta scores for Result.Beta, computed from the
// precision and recall of the Metrics of the same name as seqeval does
// (macro and weighted averages of the per-type scores).
type FBeta struct {
	Micro, Macro, Weighted float64
	PerType                map[string]float64
}

// TokenCounts are seqeval's performance_measure: token-level counts over
// the tags as compared for Accuracy. TP counts words whose gold and
// predicted tags are equal and not O, FP words whose tags differ and whose
// predicted tag is not O, FN words with a gold tag other than O and a
// predicted O, and TN words tagged O on both sides.
type TokenCounts struct {
	TP, FP, FN, TN int
}

// Repairs counts what canonicalisation changed or warned about before
// scoring.
type Repairs struct {
	// GoldCase and PredCase count tags whose prefix was upper-cased.
	GoldCase, PredCase int
	// GoldIOB1 and PredIOB1 count I- tags turned into B- by IOB1ToIOB2.
	GoldIOB1, PredIOB1 int
	// GoldUnknown and PredUnknown count tags on which seqeval's default
	// mode warns "seems not to be NE tag" (a prefix other than B, I, E, S
	// or O); Default mode scores them as seqeval does.
	GoldUnknown, PredUnknown int
	// FirstUnknown describes the first such tag, "" when there is none.
	FirstUnknown string
}

// Total returns the number of repairs and warnings.
func (r Repairs) Total() int {
	return r.GoldCase + r.PredCase + r.GoldIOB1 + r.PredIOB1 + r.GoldUnknown + r.PredUnknown
}

// Result is the outcome of Score.
type Result struct {
	Mode            Mode
	Scheme          Scheme
	Suffix          bool
	NoMisc          bool
	Map             map[string]string
	ZeroDivisionOne bool

	// Types lists the entity types found in gold or predictions, sorted
	// (seqeval's target_names).
	Types []string
	// PerType holds the metrics of each type in Types.
	PerType map[string]Metrics
	// Micro, Macro and Weighted are seqeval's averages over Types. Macro
	// is NaN when Types is empty, as numpy's mean of nothing.
	Micro, Macro, Weighted Metrics

	// Sentences and Tokens count the input; CorrectTags counts words whose
	// (canonicalised) gold and predicted tags are equal.
	Sentences, Tokens, CorrectTags int
	// Accuracy is CorrectTags/Tokens, 0 for no tokens. Tags are compared
	// after canonicalisation and after NoMisc and Map (a MISC tag compares
	// as O with NoMisc), and in scheme IO by type (PER equals I-PER).
	Accuracy float64
	// Beta is the F-beta's beta (1 when Options.Beta is 0), and FBeta the
	// scores.
	Beta  float64
	FBeta FBeta
	// TokenCounts are seqeval's performance_measure on the same tags.
	TokenCounts TokenCounts
	// FirstUnknown is the first tag counted in Repairs.GoldUnknown or
	// Repairs.PredUnknown, with its place; nil when there is none.
	FirstUnknown *TagError

	Repairs Repairs

	// The fields from Gold to Confusion are filled only with
	// Options.Details; without it they stay empty, not zero counts to
	// trust.

	// Gold and Pred hold each sentence's entities after Map and NoMisc,
	// ordered by End.
	Gold, Pred [][]Entity

	// Errors counts the outcomes of the one-to-one matching per type (see
	// ErrorKind) and ErrorTotal over all types. Matches lists every
	// outcome with the indices of its entities.
	Errors     map[string]ErrorCounts
	ErrorTotal ErrorCounts
	Matches    []Match

	// Confusion is the word-level confusion matrix of types with the
	// prefixes stripped.
	Confusion Confusion

	// conllCorrectTags counts words whose tags conlleval.pl counts as
	// equal (prefix and type compared after splitting at the first '-').
	conllCorrectTags int
}

// typeCounts accumulates counts for one type.
type typeCounts struct {
	tp, pred, gold int
	errs           ErrorCounts
}

// scorer holds the buffers reused across sentences.
type scorer struct {
	opts    Options
	res     *Result
	strict  strictChunker
	gbuf    []string
	pbuf    []string
	repair  [2]map[string]string // repaired tags by operation
	acc     map[string]string    // tags as compared for the accuracy
	goldEnt []Entity
	predEnt []Entity
	gOff    []int
	pOff    []int
	types   map[string]*typeCounts
	match   matcher
	conf    confusionBuilder

	fast       fastTags // interned tags of the fast path
	countCache [32]struct {
		typ string
		c   *typeCounts
	}

	predFirst map[string][2]int // unmapped predicted types, first place
	goldTypes map[string]bool   // gold types after mapping
}

// Score chunks gold and predicted tags sentence by sentence and computes
// seqeval's metrics and conlleval's counts, and with Options.Details the
// entities, the error breakdown and the confusion matrix. gold[i] and pred[i] are the tags of sentence i and must
// have the same length; a mismatch is an error wrapping ErrLength that names
// the sentence. Empty input gives zero counts (and a NaN macro average).
func Score(gold, pred [][]string, opts Options) (*Result, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if len(gold) != len(pred) {
		return nil, fmt.Errorf("%w: gold has %d sentences, predictions %d", ErrLength, len(gold), len(pred))
	}
	tokens := 0
	for i := range gold {
		if len(gold[i]) != len(pred[i]) {
			return nil, fmt.Errorf("%w: sentence %d: gold has %d words, predictions %d", ErrLength, i, len(gold[i]), len(pred[i]))
		}
		tokens += len(gold[i])
	}
	s := &scorer{
		opts:  opts,
		res:   &Result{Mode: opts.Mode, Scheme: opts.Scheme, Suffix: opts.Suffix, NoMisc: opts.NoMisc, ZeroDivisionOne: opts.ZeroDivisionOne, Beta: opts.Beta},
		types: make(map[string]*typeCounts),
	}
	if len(opts.Map) > 0 {
		s.res.Map = make(map[string]string, len(opts.Map))
		for k, v := range opts.Map {
			s.res.Map[k] = v
		}
		s.predFirst = make(map[string][2]int)
		s.goldTypes = make(map[string]bool)
	}
	s.res.Sentences = len(gold)
	if s.res.Beta == 0 {
		s.res.Beta = 1
	}
	if opts.NoMisc || len(opts.Map) > 0 || opts.Scheme == IO {
		s.acc = make(map[string]string)
	}
	// Room for every entity, so that the buffers never grow (growing them
	// costs more than counting): every entity starts at a word whose tag
	// is not O, and on the fast path (seqeval's default rules on prefix
	// tags) at a tag that differs from the one before or whose prefix
	// always starts a chunk again (B, E, S, or b, e, s before upper-casing).
	// The bound only sizes buffers: a wrong one would cost a reallocation,
	// never a result.
	ng, np := 0, 0
	fast := opts.fastPath()
	for i := range gold {
		if !opts.Details {
			// Entities are dropped after each sentence: room for one.
			ng, np = max(ng, len(gold[i])), max(np, len(gold[i]))
			continue
		}
		if fast {
			ng += defaultStarts(gold[i])
			np += defaultStarts(pred[i])
			continue
		}
		for j := range gold[i] {
			if gold[i][j] != "O" {
				ng++
			}
			if pred[i][j] != "O" {
				np++
			}
		}
	}
	s.goldEnt = make([]Entity, 0, ng+8)
	s.predEnt = make([]Entity, 0, np+8)
	s.match.matches = make([]Match, 0, ng+np+8)
	if opts.Details {
		// The matcher's per-sentence buffers, at their largest size: a
		// sentence has no more entities than words on each side, and two
		// sets of disjoint spans no more overlapping pairs than both hold.
		longest := 0
		for i := range gold {
			longest = max(longest, len(gold[i]))
		}
		s.match.gUsed, s.match.pUsed = make([]bool, 0, longest), make([]bool, 0, longest)
		s.match.cands = make([]candidate, 0, 2*longest)
	}
	if opts.Details {
		// Where each sentence's entities begin in goldEnt and predEnt.
		s.gOff = make([]int, 1, len(gold)+1)
		s.pOff = make([]int, 1, len(gold)+1)
	}
	if fast {
		s.fast.init()
		for i := range gold {
			if !s.fastSentence(i, gold[i], pred[i]) {
				return nil, s.emptyTag(i, gold[i], pred[i])
			}
		}
		if opts.direct() {
			for id, c := range s.fast.counts[1:] {
				if c.gold > 0 || c.pred > 0 {
					s.types[s.fast.types[id]] = &typeCounts{tp: c.tp, pred: c.pred, gold: c.gold}
				}
			}
		}
	} else {
		for i := range gold {
			if err := s.sentence(i, gold[i], pred[i]); err != nil {
				return nil, err
			}
		}
	}
	if err := s.checkUnmapped(); err != nil {
		return nil, err
	}
	s.finish()
	return s.res, nil
}

func (s *scorer) sentence(i int, gold, pred []string) error {
	g, err := s.canonical(gold, &s.gbuf, GoldSide, i)
	if err != nil {
		return err
	}
	p, err := s.canonical(pred, &s.pbuf, PredSide, i)
	if err != nil {
		return err
	}
	r := s.res
	r.Tokens += len(g)
	tc := &r.TokenCounts
	for j := range g {
		gt, pt := g[j], p[j]
		if s.acc != nil {
			gt, pt = s.accTag(gt), s.accTag(pt)
		}
		switch {
		case gt == pt:
			r.CorrectTags++
			if gt == "O" {
				tc.TN++
			} else {
				tc.TP++
			}
		case pt != "O":
			tc.FP++
		default:
			tc.FN++
		}
		if conllEqual(gt, pt) {
			r.conllCorrectTags++
		}
	}
	if s.opts.Details {
		s.conf.add(g, p, &s.opts)
	}

	g0, p0 := len(s.goldEnt), len(s.predEnt)
	if s.opts.Scheme == IO {
		if s.goldEnt, err = appendIO(s.goldEnt, g, "gold", i); err != nil {
			return err
		}
		if s.predEnt, err = appendIO(s.predEnt, p, "predicted", i); err != nil {
			return err
		}
	} else if s.opts.Mode == Strict {
		if s.goldEnt, err = s.strict.appendEntities(s.goldEnt, g, s.opts.Scheme, s.opts.Suffix, "gold", i); err != nil {
			return err
		}
		if s.predEnt, err = s.strict.appendEntities(s.predEnt, p, s.opts.Scheme, s.opts.Suffix, "predicted", i); err != nil {
			return err
		}
	} else {
		s.goldEnt = appendDefault(s.goldEnt, g, s.opts.Suffix)
		s.predEnt = appendDefault(s.predEnt, p, s.opts.Suffix)
	}
	s.finishSentence(i, g0, p0)
	return nil
}

// defaultStarts bounds the number of entities of a sentence under
// seqeval's default rules on prefix tags: the tags other than O that
// differ from the tag before or begin with B, E, S, b, e or s (the classes
// that start a chunk after a tag of their own class and type).
func defaultStarts(tags []string) int {
	n, prev := 0, ""
	for _, t := range tags {
		if t != "O" && (t != prev || t == "" || t[0] == 'B' || t[0] == 'E' || t[0] == 'S' || t[0] == 'b' || t[0] == 'e' || t[0] == 's') {
			n++
		}
		prev = t
	}
	return n
}

// emptyTag returns the error of the general path for a sentence with an
// empty tag.
func (s *scorer) emptyTag(i int, gold, pred []string) error {
	if _, err := s.canonical(gold, &s.gbuf, GoldSide, i); err != nil {
		return err
	}
	_, err := s.canonical(pred, &s.pbuf, PredSide, i)
	return err
}

// finishSentence filters, counts and matches the entities of sentence i,
// s.goldEnt[g0:] and s.predEnt[p0:].
func (s *scorer) finishSentence(i, g0, p0 int) {
	s.goldEnt = s.filter(s.goldEnt, g0, -1)
	s.predEnt = s.filter(s.predEnt, p0, i)
	ge, pe := s.goldEnt[g0:], s.predEnt[p0:]
	for _, e := range ge {
		s.count(e.Type).gold++
	}
	for _, e := range pe {
		s.count(e.Type).pred++
	}
	if !s.opts.Details {
		s.truePositives(ge, pe)
		s.goldEnt, s.predEnt = s.goldEnt[:0], s.predEnt[:0]
		return
	}
	s.match.sentence(i, ge, pe, s)
	s.gOff = append(s.gOff, len(s.goldEnt))
	s.pOff = append(s.pOff, len(s.predEnt))
}

// truePositives counts the gold entities with an equal prediction. Both
// lists are ordered by End, which is unique within a list.
func (s *scorer) truePositives(g, p []Entity) {
	for i, j := 0, 0; i < len(g) && j < len(p); {
		switch {
		case g[i].End < p[j].End:
			i++
		case g[i].End > p[j].End:
			j++
		default:
			if g[i].Start == p[j].Start && g[i].Type == p[j].Type {
				s.count(g[i].Type).tp++
			}
			i++
			j++
		}
	}
}

func (s *scorer) count(typ string) *typeCounts {
	// Types mostly share their bytes with an interned name: a small cache
	// keyed by the address saves the map lookup.
	k := &s.countCache[uint64(uintptr(unsafe.Pointer(unsafe.StringData(typ))))*0x9e3779b97f4a7c15>>59]
	if k.c != nil && unsafe.StringData(k.typ) == unsafe.StringData(typ) && len(k.typ) == len(typ) {
		return k.c
	}
	c := s.count1(typ)
	k.typ, k.c = typ, c
	return c
}

func (s *scorer) count1(typ string) *typeCounts {
	c := s.types[typ]
	if c == nil {
		c = new(typeCounts)
		s.types[typ] = c
	}
	return c
}

// filter applies Map and NoMisc to ents[from:] in place. sent is the
// sentence index for predicted entities and -1 for gold ones.
func (s *scorer) filter(ents []Entity, from, sent int) []Entity {
	if len(s.opts.Map) == 0 && !s.opts.NoMisc {
		return ents
	}
	out := ents[:from]
	for _, e := range ents[from:] {
		if to, ok := s.opts.Map[e.Type]; ok {
			e.Type = to
		} else if s.predFirst != nil && sent >= 0 {
			if _, seen := s.predFirst[e.Type]; !seen {
				s.predFirst[e.Type] = [2]int{sent, e.Start}
			}
		}
		if s.goldTypes != nil && sent < 0 {
			s.goldTypes[e.Type] = true
		}
		if e.Type == "O" && len(s.opts.Map) > 0 {
			continue
		}
		if s.opts.NoMisc && e.Type == "MISC" {
			continue
		}
		out = append(out, e)
	}
	return out
}

func (s *scorer) checkUnmapped() error {
	if s.predFirst == nil {
		return nil
	}
	var bad []string
	targets := make(map[string]bool, len(s.opts.Map))
	for _, v := range s.opts.Map {
		targets[v] = true
	}
	for t := range s.predFirst {
		if !s.goldTypes[t] && !targets[t] {
			bad = append(bad, t)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	at := s.predFirst[bad[0]]
	return fmt.Errorf("%w: predicted type %q (first in sentence %d, word %d) is neither a gold type nor a mapping target, and has no mapping; %d such type(s): %q",
		ErrUnmappedType, bad[0], at[0], at[1], len(bad), bad)
}

// fbeta is seqeval's F-beta from precision and recall (v1.py
// _precision_recall_fscore_support).
func fbeta(p, r, beta float64) float64 {
	if math.IsInf(beta, 1) {
		return r
	}
	b2 := beta * beta
	denom := b2*p + r
	if denom == 0 {
		denom = 1
	}
	return (1 + b2) * p * r / denom
}

// prf divides with seqeval's zero-division rule and returns precision,
// recall and F1.
func prf(tp, pred, gold int, zd float64) (float64, float64, float64) {
	p, r := zd, zd
	if pred > 0 {
		p = float64(tp) / float64(pred)
	}
	if gold > 0 {
		r = float64(tp) / float64(gold)
	}
	denom := p + r
	if denom == 0 {
		denom = 1
	}
	return p, r, 2 * p * r / denom
}

func (s *scorer) finish() {
	r := s.res
	zd := 0.0
	if s.opts.ZeroDivisionOne {
		zd = 1
	}
	r.Types = make([]string, 0, len(s.types))
	for t := range s.types {
		r.Types = append(r.Types, t)
	}
	sort.Strings(r.Types)
	r.PerType = make(map[string]Metrics, len(r.Types))
	r.FBeta.PerType = make(map[string]float64, len(r.Types))
	r.Errors = make(map[string]ErrorCounts, len(r.Types))
	n := len(r.Types)
	ps, rs, fs, ws, bs := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	var tp, pred, gold int
	for i, t := range r.Types {
		c := s.types[t]
		m := Metrics{TP: c.tp, Predicted: c.pred, Gold: c.gold}
		m.Precision, m.Recall, m.F1 = prf(c.tp, c.pred, c.gold, zd)
		bs[i] = fbeta(m.Precision, m.Recall, r.Beta)
		r.FBeta.PerType[t] = bs[i]
		r.PerType[t] = m
		r.Errors[t] = c.errs
		for k := range c.errs {
			r.ErrorTotal[k] += c.errs[k]
		}
		ps[i], rs[i], fs[i], ws[i] = m.Precision, m.Recall, m.F1, float64(c.gold)
		tp += c.tp
		pred += c.pred
		gold += c.gold
	}
	r.Micro = Metrics{TP: tp, Predicted: pred, Gold: gold}
	r.Micro.Precision, r.Micro.Recall, r.Micro.F1 = prf(tp, pred, gold, zd)
	r.FBeta.Micro = fbeta(r.Micro.Precision, r.Micro.Recall, r.Beta)

	r.Macro = Metrics{TP: tp, Predicted: pred, Gold: gold}
	r.Macro.Precision = pairwiseSum(ps) / float64(n)
	r.Macro.Recall = pairwiseSum(rs) / float64(n)
	r.Macro.F1 = pairwiseSum(fs) / float64(n)
	r.FBeta.Macro = pairwiseSum(bs) / float64(n)
	if n == 0 {
		r.Macro.Precision, r.Macro.Recall, r.Macro.F1, r.FBeta.Macro = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}

	r.Weighted = Metrics{TP: tp, Predicted: pred, Gold: gold}
	if gold == 0 {
		// seqeval v1.py _precision_recall_fscore_support, average='weighted'
		// with weights.sum() == 0.
		pf := 0.0
		if pred == 0 {
			pf = zd
		}
		r.Weighted.Precision, r.Weighted.Recall, r.Weighted.F1, r.FBeta.Weighted = pf, zd, pf, pf
	} else {
		wsum := pairwiseSum(ws)
		r.Weighted.Precision = weightedSum(ps, ws) / wsum
		r.Weighted.Recall = weightedSum(rs, ws) / wsum
		r.Weighted.F1 = weightedSum(fs, ws) / wsum
		r.FBeta.Weighted = weightedSum(bs, ws) / wsum
	}
	if r.Tokens > 0 {
		r.Accuracy = float64(r.CorrectTags) / float64(r.Tokens)
	}

	if !s.opts.Details {
		r.Errors = nil
		return
	}
	r.Gold = make([][]Entity, len(s.gOff)-1)
	r.Pred = make([][]Entity, len(s.pOff)-1)
	for i := range r.Gold {
		r.Gold[i] = s.goldEnt[s.gOff[i]:s.gOff[i+1]:s.gOff[i+1]]
		r.Pred[i] = s.predEnt[s.pOff[i]:s.pOff[i+1]:s.pOff[i+1]]
	}
	r.Matches = s.match.matches
	r.Confusion = s.conf.build()
}

// weightedSum returns numpy's sum of a*w, with pairwise summation.
func weightedSum(a, w []float64) float64 {
	prod := make([]float64, len(a))
	for i := range a {
		prod[i] = a[i] * w[i]
	}
	return pairwiseSum(prod)
}

// pairwiseSum adds a as numpy's pairwise_sum does for float64 (blocks of
// 128, eight accumulators), so that averages round as seqeval's do.
func pairwiseSum(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		res := 0.0
		for _, v := range a {
			res += v
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range 8 {
				r[j] += a[i+j]
			}
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return pairwiseSum(a[:n2]) + pairwiseSum(a[n2:])
	}
}

// conllEqual reports whether conlleval.pl counts two tags as equal: both
// are split at the first '-' into chunk tag and type, and a type "0" reads
// as "" (Perl's false).
func conllEqual(a, b string) bool {
	if a == b {
		return true
	}
	at, aty := conllSplit(a)
	bt, bty := conllSplit(b)
	return at == bt && aty == bty
}

func conllSplit(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			t := s[i+1:]
			if t == "0" {
				t = ""
			}
			return s[:i], t
		}
	}
	return s, ""
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
