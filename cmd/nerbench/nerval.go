package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/seqeval"
)

// nervaluateReport returns nervaluate 1.x's summary reports of n: the four
// schemas overall, then each schema per type (ent_type, exact, partial,
// strict). `score -o nervaluate` and `errors` print it.
func nervaluateReport(n *seqeval.Nerval, digits int) string {
	var b strings.Builder
	b.WriteString(n.SummaryReport(false, 0, digits))
	for _, s := range []seqeval.NervalSchema{seqeval.NervalType, seqeval.NervalExact, seqeval.NervalPartial, seqeval.NervalStrict} {
		b.WriteString("\n" + n.SummaryReport(true, s, digits))
	}
	return b.String()
}

// nervalJSON holds nervaluate's four schemas (SemEval-2013 task 9.1) over
// the analysed entities, overall and per type; see seqeval.Nervaluate.
type nervalJSON struct {
	Overall nervalSchemas `json:"overall"`
	// PerType lists the types of gold and predicted entities, sorted.
	PerType []nervalTypeRow `json:"per_type"`
	n       *seqeval.Nerval // for the text and markdown reports
}

type nervalTypeRow struct {
	Type    string        `json:"type"`
	Schemas nervalSchemas `json:"schemas"`
}

type nervalSchemas struct {
	Strict  nervalCounts `json:"strict"`
	Exact   nervalCounts `json:"exact"`
	Partial nervalCounts `json:"partial"`
	EntType nervalCounts `json:"ent_type"`
}

// nervalCounts are seqeval.NervalCounts: Possible counts gold entities,
// Actual predicted ones; precision, recall and F1 are fractions, with half
// credit for Partial.
type nervalCounts struct {
	Correct   int     `json:"correct"`
	Incorrect int     `json:"incorrect"`
	Partial   int     `json:"partial"`
	Missed    int     `json:"missed"`
	Spurious  int     `json:"spurious"`
	Possible  int     `json:"possible"`
	Actual    int     `json:"actual"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func newNervalJSON(n *seqeval.Nerval) nervalJSON {
	d := nervalJSON{Overall: schemasOf(&n.Overall), PerType: []nervalTypeRow{}, n: n}
	for _, t := range n.Types {
		d.PerType = append(d.PerType, nervalTypeRow{Type: t, Schemas: schemasOf(n.PerType[t])})
	}
	return d
}

func schemasOf(c *[seqeval.NumNervalSchemas]seqeval.NervalCounts) nervalSchemas {
	conv := func(c seqeval.NervalCounts) nervalCounts {
		return nervalCounts{Correct: c.Correct, Incorrect: c.Incorrect, Partial: c.Partial, Missed: c.Missed, Spurious: c.Spurious,
			Possible: c.Possible, Actual: c.Actual, Precision: c.Precision, Recall: c.Recall, F1: c.F1}
	}
	return nervalSchemas{Strict: conv(c[seqeval.NervalStrict]), Exact: conv(c[seqeval.NervalExact]),
		Partial: conv(c[seqeval.NervalPartial]), EntType: conv(c[seqeval.NervalType])}
}

type namedNerval struct {
	name string
	c    *nervalCounts
}

// list returns the schemas with nervaluate's names, in the order strict,
// exact, partial, ent_type.
func (s *nervalSchemas) list() []namedNerval {
	return []namedNerval{{"strict", &s.Strict}, {"exact", &s.Exact}, {"partial", &s.Partial}, {"ent_type", &s.EntType}}
}

// addCSV adds the counts to a long-form CSV: section nervaluate_<schema>,
// one row per type and All, precision, recall and F1 in percent.
func (d *nervalJSON) addCSV(l *longCSV) {
	rows := append(d.PerType, nervalTypeRow{Type: "All", Schemas: d.Overall})
	for i := range 4 {
		for _, r := range rows {
			s := r.Schemas.list()[i]
			sec := "nervaluate_" + s.name
			for _, v := range []struct {
				col string
				n   int
			}{{"correct", s.c.Correct}, {"incorrect", s.c.Incorrect}, {"partial", s.c.Partial}, {"missed", s.c.Missed},
				{"spurious", s.c.Spurious}, {"possible", s.c.Possible}, {"actual", s.c.Actual}} {
				l.count(sec, r.Type, v.col, v.n)
			}
			l.percent(sec, r.Type, "precision", s.c.Precision)
			l.percent(sec, r.Type, "recall", s.c.Recall)
			l.percent(sec, r.Type, "f1", s.c.F1)
		}
	}
}

// render writes the report under a title, fenced in markdown.
func (d *nervalJSON) render(w io.Writer, f table.Format, title string) error {
	report := nervaluateReport(d.n, 4)
	var err error
	if f == table.Markdown {
		_, err = fmt.Fprintf(w, "\n**%s**\n\n```\n%s```\n", title, report)
	} else {
		_, err = fmt.Fprintf(w, "\n%s\n\n%s", title, report)
	}
	return err
}
