package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/seqeval"
)

// writeScoreTable writes the per-type metrics and the three averages as a
// table (text, markdown or CSV): percentages with two decimals and the
// counts they come from. The header line goes to standard error, and in
// text and markdown the accuracy is a note under the table.
func writeScoreTable(o *scoreOptions, res *seqeval.Result) error {
	t := &table.Table{
		Header:  []string{"type", "precision", "recall", "f1", "tp", "predicted", "gold"},
		Numeric: []bool{false, true, true, true, true, true, true},
	}
	fb := res.Beta != 1
	if fb {
		t.Header = append(t.Header, "f_beta")
		t.Numeric = append(t.Numeric, true)
	}
	row := func(name string, m seqeval.Metrics, tp, f float64) {
		r := []string{name, scorePct(m.Precision), scorePct(m.Recall), scorePct(m.F1), "", strconv.Itoa(m.Predicted), strconv.Itoa(m.Gold)}
		r[4] = strconv.Itoa(m.TP)
		if tp < 0 {
			r[4] = ""
			r[5] = ""
		}
		if fb {
			r = append(r, scorePct(f))
		}
		t.Rows = append(t.Rows, r)
	}
	for _, typ := range res.Types {
		row(typ, res.PerType[typ], 0, res.FBeta.PerType[typ])
	}
	row("micro avg", res.Micro, 0, res.FBeta.Micro)
	row("macro avg", res.Macro, -1, res.FBeta.Macro)
	row("weighted avg", res.Weighted, -1, res.FBeta.Weighted)
	f := table.Format(o.output)
	if f == table.CSV {
		fmt.Fprintf(o.out.Err, "nerbench: %s; accuracy %s %%\n", res.Header(), scorePct(res.Accuracy))
	} else {
		t.Title = res.Header()
		t.Notes = []string{fmt.Sprintf("accuracy %s %% (%d of %d words); the gold column of the averages is the support", scorePct(res.Accuracy), res.CorrectTags, res.Tokens)}
		if fb {
			t.Notes = append(t.Notes, fmt.Sprintf("f_beta: beta = %g", res.Beta))
		}
	}
	return t.Render(o.out.Out, f)
}

// scorePct formats a fraction as a percentage with two decimals, "nan" for
// NaN.
func scorePct(v float64) string {
	if math.IsNaN(v) {
		return "nan"
	}
	return strconv.FormatFloat(100*v, 'f', 2, 64)
}
