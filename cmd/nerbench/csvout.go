package main

import (
	"fmt"
	"strconv"

	"github.com/nerbench/nerbench/internal/agreement"
	"github.com/nerbench/nerbench/internal/table"
)

// The CSV output of the analysis commands (coprediction, errors) is one
// table in long form, as their output is several tables of different
// shapes: the key columns name the models, then each row is one number,
// named by section, row and column, with the number in value. Percentages
// have four decimals, counts none. pandas' pivot turns a section back into
// its table.

// longCSV is a long-form CSV table under construction.
type longCSV struct {
	t    *table.Table
	keys []string // the key columns' values, in front of every row
}

func newLongCSV(keyHeader, keys []string) *longCSV {
	return &longCSV{t: &table.Table{Header: append(keyHeader, "section", "row", "column", "value")}, keys: keys}
}

func (l *longCSV) add(section, row, column, value string) {
	r := append(append([]string{}, l.keys...), section, row, column, value)
	l.t.Rows = append(l.t.Rows, r)
}

func (l *longCSV) count(section, row, column string, n int) {
	l.add(section, row, column, strconv.Itoa(n))
}

func (l *longCSV) percent(section, row, column string, x float64) {
	l.add(section, row, column, table.Float(100*x, 4))
}

// splits adds the by-gold splits of a coprediction.
func (l *longCSV) splits(section string, splits []agreement.Split, same bool) {
	for _, s := range splits {
		l.count(section, s.Label, "total", s.Total)
		l.count(section, s.Label, "both_right", s.Both)
		l.count(section, s.Label, "only_a_right", s.OnlyA)
		l.count(section, s.Label, "only_b_right", s.OnlyB)
		l.count(section, s.Label, "both_wrong", s.Neither)
		if same {
			l.count(section, s.Label, "both_wrong_same", s.NeitherSame)
		}
	}
}

// csvTable returns the co-prediction as one long-form CSV table with the
// key columns a and b. Sections: agreement (rows word_agreement,
// entity_word_agreement, entity_agreement, differing_sentences; the rate
// in percent and its counts), matrix (A's label in row, B's in column,
// words), words_by_gold and entities_by_gold (the gold label in row),
// and significance (row f1_misc_on or f1_misc_off, the headline score: F1
// of A and B, their difference and its interval in points, the p-values).
// The examples are not in the CSV output.
func (d *CopredictionJSON) csvTable() *table.Table {
	l := newLongCSV([]string{"dataset", "split", "a", "b"}, []string{d.Dataset.Name, d.Dataset.Split, d.A.Name, d.B.Name})
	l.percent("agreement", "word_agreement", "rate", d.WordAgreement.Rate)
	l.count("agreement", "word_agreement", "agree", d.WordAgreement.Agree)
	l.count("agreement", "word_agreement", "total", d.WordAgreement.Total)
	l.percent("agreement", "entity_word_agreement", "rate", d.EntityWordAgreement.Rate)
	l.count("agreement", "entity_word_agreement", "agree", d.EntityWordAgreement.Agree)
	l.count("agreement", "entity_word_agreement", "total", d.EntityWordAgreement.Total)
	l.percent("agreement", "entity_agreement", "jaccard", d.EntityAgreement.Jaccard)
	l.count("agreement", "entity_agreement", "both", d.EntityAgreement.Both)
	l.count("agreement", "entity_agreement", "a", d.EntityAgreement.A)
	l.count("agreement", "entity_agreement", "b", d.EntityAgreement.B)
	l.count("agreement", "differing_sentences", "sentences", d.DifferingSentences)
	l.count("agreement", "differing_sentences", "total", d.Dataset.Sentences)
	for i, a := range d.Labels {
		for j, b := range d.Labels {
			l.count("matrix", a, b, d.Matrix[i][j])
		}
	}
	l.splits("words_by_gold", d.WordsByGold, true)
	l.splits("entities_by_gold", d.EntitiesByGold, false)
	sg := d.Significance
	c := sg.Comparison
	row := "f1_misc_" + sg.MISC // the headline score: MISC on or off
	l.percent("significance", row, "f1_a", sg.F1A)
	l.percent("significance", row, "f1_b", sg.F1B)
	l.percent("significance", row, "difference", c.F1.Estimate)
	l.percent("significance", row, "difference_lo", c.F1.Lo)
	l.percent("significance", row, "difference_hi", c.F1.Hi)
	l.add("significance", row, "p_bootstrap", table.Float(c.PBootstrap, 6))
	l.add("significance", row, "p_randomisation", table.Float(c.PRandomization, 6))
	l.count("significance", row, "resamples", c.Resamples)
	l.add("significance", row, "seed", strconv.FormatUint(c.Seed, 10))
	l.t.Notes = []string{
		fmt.Sprintf("Co-prediction of %s (a) and %s (b) on %s %s, in long form: percentages (rates, F1 and its difference in points) with four decimals, counts of words, entities or sentences.", d.A.Name, d.B.Name, d.Dataset.Name, d.Dataset.Split),
		"The example sentences are in the text, markdown and JSON output.",
	}
	return l.t
}

// csvTable returns the error analysis as one long-form CSV table with the
// key column model. Sections: error_kinds (the type in row, "All" for the
// total, the kind in column, entities) and confusion (the gold label in
// row, the predicted one in column, words). The examples are not in the
// CSV output.
func (d *ErrorsJSON) csvTable() *table.Table {
	l := newLongCSV([]string{"dataset", "split", "model"}, []string{d.Dataset.Name, d.Dataset.Split, d.Model.Name})
	for _, r := range append(d.PerType, d.Total) {
		for k, n := range r.Counts {
			l.count("error_kinds", r.Type, d.Kinds[k], n)
		}
	}
	for i, g := range d.Confusion.Labels {
		for j, p := range d.Confusion.Labels {
			l.count("confusion", g, p, d.Confusion.Counts[i][j])
		}
	}
	d.Nervaluate.addCSV(l)
	l.t.Notes = []string{
		fmt.Sprintf("Errors of %s on %s %s (MISC %s), in long form: entity counts per type and error kind (Table 4.1), the word-level confusion matrix (gold in row, predicted in column) and nervaluate's four schemas per type (precision, recall and F1 in percent).", d.Model.Name, d.Dataset.Name, d.Dataset.Split, d.MISC),
		"The example sentences are in the text, markdown and JSON output.",
	}
	return l.t
}

// csvTable returns Table 6.24 of coprediction --all as CSV: one row per
// model, rates and the F1 difference (reference − model, with its
// interval) in percent with four decimals.
func (d *CopredictionAllJSON) csvTable() *table.Table {
	t := &table.Table{Header: []string{"dataset", "split", "reference", "model", "trained_on", "word_agreement", "entity_word_agreement",
		"entity_agreement", "misc", "f1_difference", "f1_difference_lo", "f1_difference_hi", "p_bootstrap", "p_randomisation"}}
	pc := func(x float64) string { return table.Float(100*x, 4) }
	for _, r := range d.Rows {
		c := r.Significance.Comparison
		t.Rows = append(t.Rows, []string{d.Dataset.Name, d.Dataset.Split, d.Reference.Name, r.Model.Name, r.Model.TrainedOn,
			pc(r.WordAgreement.Rate), pc(r.EntityWordAgreement.Rate), pc(r.EntityAgreement.Jaccard), r.Significance.MISC,
			pc(c.F1.Estimate), pc(c.F1.Lo), pc(c.F1.Hi), table.Float(c.PBootstrap, 6), table.Float(c.PRandomization, 6)})
	}
	t.Notes = d.table().Notes
	return t
}
