package seqeval

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// NervalSchema is one of nervaluate's four evaluation schemas (after
// SemEval-2013 task 9.1).
type NervalSchema int

const (
	// NervalStrict needs the same boundaries and type.
	NervalStrict NervalSchema = iota
	// NervalExact needs the same boundaries, whatever the type.
	NervalExact
	// NervalPartial gives half credit to an overlap with other boundaries,
	// whatever the type.
	NervalPartial
	// NervalType needs an overlap and the same type ("ent_type").
	NervalType
	// NumNervalSchemas is the number of schemas.
	NumNervalSchemas
)

var nervalNames = [NumNervalSchemas]string{"strict", "exact", "partial", "ent_type"}

// String returns nervaluate's name of the schema: strict, exact, partial or
// ent_type.
func (s NervalSchema) String() string {
	if s >= 0 && s < NumNervalSchemas {
		return nervalNames[s]
	}
	return fmt.Sprintf("NervalSchema(%d)", int(s))
}

// NervalCounts are the outcomes of one schema, with nervaluate's metrics:
// Possible = Correct+Incorrect+Partial+Missed (gold entities), Actual =
// Correct+Incorrect+Partial+Spurious (predicted entities), precision
// (Correct+½Partial)/Actual and recall (Correct+½Partial)/Possible (0 when
// the denominator is 0), and F1 = 2(PR)/(P+R), 0 when P+R is 0. Partial is
// non-zero only in the partial schema.
type NervalCounts struct {
	Correct, Incorrect, Partial, Missed, Spurious int
	Possible, Actual                              int
	Precision, Recall, F1                         float64
}

func (c *NervalCounts) add(o NervalCounts) {
	c.Correct += o.Correct
	c.Incorrect += o.Incorrect
	c.Partial += o.Partial
	c.Missed += o.Missed
	c.Spurious += o.Spurious
}

// finish computes the metrics as nervaluate's EvaluationResult
// .compute_metrics(partial_or_type=True); without partial matches it equals
// the plain form.
func (c *NervalCounts) finish() {
	c.Actual = c.Correct + c.Incorrect + c.Partial + c.Spurious
	c.Possible = c.Correct + c.Incorrect + c.Partial + c.Missed
	c.Precision, c.Recall, c.F1 = 0, 0, 0
	num := float64(c.Correct) + 0.5*float64(c.Partial)
	if c.Actual > 0 {
		c.Precision = num / float64(c.Actual)
	}
	if c.Possible > 0 {
		c.Recall = num / float64(c.Possible)
	}
	if c.Precision+c.Recall > 0 {
		c.F1 = 2 * (c.Precision * c.Recall) / (c.Precision + c.Recall)
	}
}

// Nerval holds nervaluate's four schemas over a corpus, overall and per
// type.
type Nerval struct {
	Overall [NumNervalSchemas]NervalCounts
	// Types lists the types of gold and predicted entities, sorted.
	Types   []string
	PerType map[string]*[NumNervalSchemas]NervalCounts
}

// Nervaluate scores the entities of each sentence (gold[i] against pred[i],
// as Result.Gold and Result.Pred hold them) with the four schemas of
// nervaluate 1.x (1.0.0 and 1.1.0, MantisAI/nervaluate
// src/nervaluate/strategies.py and evaluator.py) and its default minimum
// overlap of 1 % of the gold entity's length. Each sentence is one of
// nervaluate's documents. For each predicted entity in order, over the gold
// entities not yet matched in order:
//
//   - strict: a gold entity with the same span and type is Correct (and
//     ends the search); otherwise the first overlapping one makes it
//     Incorrect; otherwise it is Spurious;
//   - exact: the same with the span alone;
//   - partial: an overlapping gold entity with the same span is Correct
//     (whatever the type); otherwise the first overlapping one makes it
//     Partial; otherwise Spurious;
//   - ent_type: among the overlapping gold entities of the same type, the
//     one with the smallest |Δstart|+|Δend| (the first on ties) makes it
//     Correct; otherwise the first overlapping one of another type makes it
//     Incorrect; otherwise Spurious.
//
// The gold entity of a Correct, Incorrect or Partial outcome is matched;
// gold entities left unmatched are Missed. Per type, both lists are first
// restricted to that type, as nervaluate does. The metrics follow
// nervaluate's compute_metrics with partial credit (see NervalCounts).
//
// nervaluate 1.0–1.1's Evaluator.evaluate recomputes the merged metrics
// without the half credit once it has seen a second document, so on more
// than one sentence its partial-schema precision and recall read
// Correct/Actual and Correct/Possible; nerbench keeps the half credit that
// nervaluate documents. All counts are the same.
func Nervaluate(gold, pred [][]Entity) *Nerval {
	if len(gold) != len(pred) {
		panic(fmt.Sprintf("seqeval: Nervaluate: %d gold sentences, %d predicted", len(gold), len(pred)))
	}
	n := &Nerval{PerType: make(map[string]*[NumNervalSchemas]NervalCounts)}
	var ev nervalEvaluator
	var gt, pt []Entity
	var seen []string // the types of the sentence
	for i := range gold {
		for s := range NumNervalSchemas {
			n.Overall[s].add(ev.evaluate(s, gold[i], pred[i]))
		}
		seen = seen[:0]
		for _, list := range [2][]Entity{gold[i], pred[i]} {
			for _, e := range list {
				if slices.Contains(seen, e.Type) {
					continue
				}
				seen = append(seen, e.Type)
				gt, pt = filterType(gt[:0], gold[i], e.Type), filterType(pt[:0], pred[i], e.Type)
				c := n.PerType[e.Type]
				if c == nil {
					c = new([NumNervalSchemas]NervalCounts)
					n.PerType[e.Type] = c
				}
				for s := range NumNervalSchemas {
					c[s].add(ev.evaluate(s, gt, pt))
				}
			}
		}
	}
	for s := range NumNervalSchemas {
		n.Overall[s].finish()
	}
	for t, c := range n.PerType {
		n.Types = append(n.Types, t)
		for s := range NumNervalSchemas {
			c[s].finish()
		}
	}
	sort.Strings(n.Types)
	return n
}

func filterType(dst, ents []Entity, typ string) []Entity {
	for _, e := range ents {
		if e.Type == typ {
			dst = append(dst, e)
		}
	}
	return dst
}

type nervalEvaluator struct {
	matched []bool
}

// overlaps is nervaluate's _has_sufficient_overlap with
// min_overlap_percentage 1.0: the shared words, as a percentage of the gold
// entity's words, are at least 1.
func overlaps(p, g Entity) bool {
	if p.Start >= g.End || p.End <= g.Start {
		return false
	}
	shared := min(p.End, g.End) - max(p.Start, g.Start)
	return float64(shared)/float64(g.End-g.Start)*100.0 >= 1.0
}

func (ev *nervalEvaluator) evaluate(s NervalSchema, gold, pred []Entity) NervalCounts {
	var c NervalCounts
	ev.matched = append(ev.matched[:0], make([]bool, len(gold))...)
	m := ev.matched
	for _, p := range pred {
		hit, alt := -1, -1 // the matched gold entity; the first partial/incorrect one
		best := 0
		for j, g := range gold {
			if m[j] {
				continue
			}
			same := p.Start == g.Start && p.End == g.End
			switch s {
			case NervalStrict, NervalExact:
				if same && (s == NervalExact || p.Type == g.Type) {
					hit = j
				} else if alt < 0 && overlaps(p, g) {
					alt = j
				}
			case NervalPartial:
				if overlaps(p, g) {
					if same {
						hit = j
					} else if alt < 0 {
						alt = j
					}
				}
			case NervalType:
				if overlaps(p, g) {
					d := abs(p.Start-g.Start) + abs(p.End-g.End)
					if p.Type == g.Type {
						if hit < 0 || d < best {
							hit, best = j, d
						}
					} else if alt < 0 {
						alt = j
					}
				}
			}
			if hit >= 0 && s != NervalType {
				break
			}
		}
		switch {
		case hit >= 0:
			c.Correct++
			m[hit] = true
		case alt >= 0 && s == NervalPartial:
			c.Partial++
			m[alt] = true
		case alt >= 0:
			c.Incorrect++
			m[alt] = true
		default:
			c.Spurious++
		}
	}
	for j := range gold {
		if !m[j] {
			c.Missed++
		}
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// SummaryReport returns the text of nervaluate 1.x's
// Evaluator.summary_report(mode="overall", digits=digits) for the overall
// counts (scenario "all", rows in sorted order: ent_type, exact, partial,
// strict), or with mode="entities", scenario=schema for the per-type counts
// when perType is set.
func (n *Nerval) SummaryReport(perType bool, schema NervalSchema, digits int) string {
	type row struct {
		name string
		c    NervalCounts
	}
	var rows []row
	scenario := "all"
	if perType {
		scenario = schema.String()
		for _, t := range n.Types {
			rows = append(rows, row{t, n.PerType[t][schema]})
		}
	} else {
		for _, s := range []NervalSchema{NervalType, NervalExact, NervalPartial, NervalStrict} {
			rows = append(rows, row{s.String(), n.Overall[s]})
		}
	}
	headers := []string{"correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1-score"}
	width := len(headers[0])
	for _, r := range rows {
		width = max(width, len([]rune(r.name)))
	}
	width = max(width, digits)
	var b strings.Builder
	fmt.Fprintf(&b, "Scenario: %s\n\n", scenario)
	b.WriteString(pad("", width))
	b.WriteByte(' ')
	for _, h := range headers {
		b.WriteByte(' ')
		b.WriteString(pad(h, 11))
	}
	b.WriteString("\n\n")
	for _, r := range rows {
		b.WriteString(pad(r.name, width))
		b.WriteByte(' ')
		for _, v := range []int{r.c.Correct, r.c.Incorrect, r.c.Partial, r.c.Missed, r.c.Spurious} {
			b.WriteByte(' ')
			b.WriteString(pad(strconv.Itoa(v), 11))
		}
		for _, v := range []float64{r.c.Precision, r.c.Recall, r.c.F1} {
			b.WriteByte(' ')
			b.WriteString(pad(pyFloat(v, digits), 11))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
