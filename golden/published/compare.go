package published

import (
	"fmt"
	"math"
)

// Result is one reproduced result: a model's scores on one dataset split.
type Result struct {
	// Model is the nerbench model name, such as "daluke" (Model.Adapter).
	Model string
	// TrainedOn is the dataset id the model was trained on. Empty means the
	// model's usual training data, Model.TrainedOn.
	TrainedOn string
	// Dataset and Split name the test data, such as "dane" and "test".
	Dataset string
	Split   string
	// Scores holds the reproduced numbers in percent (0 to 100). A metric
	// that is absent was not measured, or the model does not predict the
	// type.
	Scores map[Metric]float64
	// CI holds the reproduced 95 % confidence intervals in percent, for the
	// metrics that have one. They need not be symmetric (bootstrap
	// percentile intervals are not).
	CI map[Metric]Interval
	// Source names where the result came from, such as its file, for
	// messages; it does not take part in matching.
	Source string
}

// trainedOn returns the training data of r, filling in the model's default.
func (r *Result) trainedOn() string {
	if r.TrainedOn != "" {
		return r.TrainedOn
	}
	if m, ok := AdapterModel(r.Model); ok {
		return m.TrainedOn
	}
	return ""
}

// Interval is a confidence interval in percent.
type Interval struct {
	Lo, Hi float64
}

// HalfWidth returns (Hi − Lo) / 2.
func (iv Interval) HalfWidth() float64 { return (iv.Hi - iv.Lo) / 2 }

// valid reports whether iv is a real interval: finite, Lo ≤ Hi, and not
// the zero Interval that stands for "none".
func (iv Interval) valid() bool {
	return iv != Interval{} && iv.Lo <= iv.Hi && !math.IsNaN(iv.Lo) && !math.IsNaN(iv.Hi) && !math.IsInf(iv.Lo, 0) && !math.IsInf(iv.Hi, 0)
}

// Check is the outcome of a yes/no test that may not apply.
type Check int8

// The outcomes of a Check.
const (
	NA  Check = iota // the test does not apply: a number or an interval is missing
	Yes              // the test holds
	No               // the test fails
)

func check(ok bool) Check {
	if ok {
		return Yes
	}
	return No
}

// String returns "", "yes" or "no".
func (c Check) String() string {
	switch c {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return ""
}

// MarshalText encodes c as its String.
func (c Check) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// IntervalKind says where a published interval comes from.
type IntervalKind string

// The kinds of published interval.
const (
	// NoInterval: the thesis gives no interval for the number.
	NoInterval IntervalKind = ""
	// CI95: the "± h" the thesis prints, its approximate 95 % confidence
	// interval (Tables 5.3 to 5.5; F1 and F1 without MISC only).
	CI95 IntervalKind = "ci95"
	// TwoSD: for the Mean row of a table of repeated runs, twice the
	// standard deviation printed in its Std. row. Under a normal model about
	// 95 % of single runs fall within it (ignoring the uncertainty of the
	// mean and the standard deviation, each estimated from five runs).
	TwoSD IntervalKind = "2sd"
)

// Comparison is one published number beside its reproduction.
type Comparison struct {
	Table string // the table's number, such as "5.3"
	// Row is the row's label (Row.Label), or the nerbench model name for a
	// model the table does not have.
	Row     string
	Kind    RowKind
	Model   string // the thesis model name; empty when New
	Adapter string // the nerbench model name; empty when nerbench cannot run it
	// TrainedOn, Dataset and Split are the published row's, or the
	// result's when New.
	TrainedOn string
	Dataset   string
	Split     string
	Metric    Metric
	// Published is the published cell; its State is NotReported when New.
	Published Cell
	// Interval is the published half-width in percentage points, of the
	// given kind; zero when IntervalKind is NoInterval.
	Interval     float64
	IntervalKind IntervalKind
	// HasReproduced is true when a matching result holds the metric.
	HasReproduced bool
	Reproduced    float64
	// ReproducedCI is the result's interval for the metric, when
	// HasReproducedCI.
	ReproducedCI    Interval
	HasReproducedCI bool
	// Diff is Reproduced − Published.Value in percentage points; zero
	// unless both are numbers.
	Diff float64
	// WithinPublished is Yes when |Diff| ≤ Interval, NA without both
	// numbers or without a published interval.
	WithinPublished Check
	// WithinReproduced is Yes when the published number lies in
	// ReproducedCI (for a symmetric interval: |Diff| ≤ its half-width), NA
	// without both numbers or without a reproduced interval.
	WithinReproduced Check
	// Agrees is Yes when the reproduced number, rounded half away from zero
	// or truncated to the published number's decimals, equals it: the
	// number was reproduced to the precision printed.
	Agrees Check
	// New is true for a reproduced result of a model the table does not
	// have, such as the nerbench baseline.
	New bool
	// Source is the matching result's Source.
	Source string
}

// tolerance absorbs binary rounding in |Diff| ≤ half-width; the printed
// numbers have at most two decimals.
const tolerance = 1e-9

// Compare puts the results beside the published numbers of t.
//
// Rows of kind RowModel and RowMean are compared; single runs and standard
// deviations are not (a reproduction is one run, compared with the mean of
// the published runs). A result matches a row when its Model is the row's
// nerbench model (see Models), and its Dataset, Split and training data
// (Result.TrainedOn, or the model's default) equal the row's. For every
// matching result, and once for a row that no result matches, Compare
// returns one Comparison per column of t, in column order, skipping columns
// where neither a published nor a reproduced number exists. In a table of
// kind KindModels, each result on the table's dataset and split that matches
// no row adds comparisons marked New for the metrics it holds.
//
// Published intervals are the printed ± (kind CI95) for model rows, and
// twice the Std. row (kind TwoSD) for the Mean row. Results are taken in the
// given order; two results matching one row give two sets of comparisons.
func Compare(t Table, results []Result) []Comparison {
	var std *Row
	for i := range t.Rows {
		if t.Rows[i].Kind == RowStd {
			std = &t.Rows[i]
		}
	}
	matched := make([]bool, len(results))
	var out []Comparison
	for i := range t.Rows {
		row := &t.Rows[i]
		if row.Kind != RowModel && row.Kind != RowMean {
			continue
		}
		m, _ := ThesisModel(row.Model)
		n := 0
		for j := range results {
			r := &results[j]
			if m.Adapter == "" || r.Model != m.Adapter || r.Dataset != row.Dataset || r.Split != row.Split || r.trainedOn() != row.TrainedOn {
				continue
			}
			matched[j] = true
			n++
			out = append(out, compareRow(&t, row, m, std, r)...)
		}
		if n == 0 {
			out = append(out, compareRow(&t, row, m, std, nil)...)
		}
	}
	if t.Kind != KindModels {
		return out
	}
	for j := range results {
		r := &results[j]
		if matched[j] || r.Dataset != t.Dataset || r.Split != t.Split {
			continue
		}
		thesis := ""
		if m, ok := AdapterModel(r.Model); ok {
			thesis = m.Thesis
		}
		for _, col := range t.Columns {
			v, ok := r.Scores[col.Metric]
			if !ok {
				continue
			}
			out = append(out, Comparison{
				Table: t.ID, Row: r.Model, Kind: RowModel, Model: thesis, Adapter: r.Model,
				TrainedOn: r.trainedOn(), Dataset: r.Dataset, Split: r.Split, Metric: col.Metric,
				HasReproduced: true, Reproduced: v,
				New: true, Source: r.Source,
			})
			if iv := r.CI[col.Metric]; iv.valid() {
				out[len(out)-1].ReproducedCI, out[len(out)-1].HasReproducedCI = iv, true
			}
		}
	}
	return out
}

// compareRow compares one published row with one result, or with none when
// r is nil.
func compareRow(t *Table, row *Row, m Model, std *Row, r *Result) []Comparison {
	var out []Comparison
	for _, col := range t.Columns {
		pub := row.Cell(col.Metric)
		c := Comparison{
			Table: t.ID, Row: row.Label(), Kind: row.Kind, Model: row.Model, Adapter: m.Adapter,
			TrainedOn: row.TrainedOn, Dataset: row.Dataset, Split: row.Split, Metric: col.Metric,
			Published: pub,
		}
		switch {
		case row.Kind == RowModel && pub.HasPM:
			c.Interval, c.IntervalKind = pub.PM, CI95
		case row.Kind == RowMean && std != nil && std.Cell(col.Metric).State == Reported:
			c.Interval, c.IntervalKind = 2*std.Cell(col.Metric).Value, TwoSD
		}
		if r != nil {
			c.Source = r.Source
			if v, ok := r.Scores[col.Metric]; ok {
				c.HasReproduced, c.Reproduced = true, v
				if iv := r.CI[col.Metric]; iv.valid() {
					c.ReproducedCI, c.HasReproducedCI = iv, true
				}
			}
		}
		if pub.State == NotReported && !c.HasReproduced {
			continue
		}
		if c.HasReproduced && pub.State == Reported {
			c.Diff = c.Reproduced - pub.Value
			if c.IntervalKind != NoInterval {
				c.WithinPublished = check(math.Abs(c.Diff) <= c.Interval+tolerance)
			}
			if c.HasReproducedCI {
				c.WithinReproduced = check(c.ReproducedCI.Lo-tolerance <= pub.Value && pub.Value <= c.ReproducedCI.Hi+tolerance)
			}
			c.Agrees = check(agrees(c.Reproduced, pub))
		}
		out = append(out, c)
	}
	return out
}

// String returns a one-line summary of c, for test failures and logs.
func (c Comparison) String() string {
	rep := "-"
	if c.HasReproduced {
		rep = fmt.Sprintf("%.4f", c.Reproduced)
	}
	return fmt.Sprintf("%s %s %s %s: published %q, reproduced %s, diff %+.4f, within ± %q, within CI %q, agrees %q",
		c.Table, c.Row, c.Dataset, c.Metric, c.Published.Text, rep, c.Diff, c.WithinPublished, c.WithinReproduced, c.Agrees)
}
