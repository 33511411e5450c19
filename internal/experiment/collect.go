package experiment

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/golden/published"
	"github.com/nerbench/nerbench/internal/results"
)

// CollectSchema is the schema of collect's JSON output.
const CollectSchema = "nerbench.experiment.collect/v1"

// Collected is an experiment's results in its table shape. Numbers are
// percentages.
type Collected struct {
	Schema    string             `json:"schema"`
	Name      string             `json:"name"`
	Title     string             `json:"title"`
	Shape     Shape              `json:"table"`
	Published string             `json:"published,omitempty"`
	Model     string             `json:"model"`
	Level     float64            `json:"level"`
	Metrics   []published.Metric `json:"metrics"`
	Jobs      int                `json:"jobs"`
	Tables    []Table            `json:"tables"`
	// Compare holds one result per (training set, test set) for
	// `nerbench compare --published`: the mean over the runs with its
	// Student-t interval. Feature and grid experiments have none, since
	// their rows share a model, training and test set.
	Compare []CompareResult `json:"compare"`
}

// Table is one table of a collected experiment.
type Table struct {
	Title string `json:"title"`
	// Group holds the axes fixed in this table and their values.
	Group map[string]string `json:"group"`
	// Labels are the headers of the row-label columns.
	Labels []string `json:"labels"`
	Rows   []Row    `json:"rows"`
	// Matrix is the train × test matrix of the first metric (cross shape).
	Matrix *Matrix `json:"matrix,omitempty"`
}

// The row kinds.
const (
	RowRun  = "run"  // one row of the varied axis
	RowMean = "mean" // the mean over the run rows
	RowStd  = "std"  // their standard deviation
)

// Row is one table row.
type Row struct {
	Kind   string   `json:"kind"`
	Labels []string `json:"labels"`
	// Coords holds the row's values of the axes the table varies.
	Coords map[string]string         `json:"coords,omitempty"`
	Cells  map[published.Metric]Cell `json:"cells"`
}

// Cell is one number: a single run's score (N 1), or the mean of N values
// with their sample standard deviation and the Student-t interval of the
// mean at the experiment's level (N ≥ 2). For a Std. row, Value is the
// standard deviation.
type Cell struct {
	N     int         `json:"n"`
	Value float64     `json:"value"`
	SD    *float64    `json:"sd,omitempty"`
	CI    *[2]float64 `json:"ci,omitempty"`
}

// Matrix is a dataset × dataset table of one metric.
type Matrix struct {
	Metric published.Metric `json:"metric"`
	Train  []string         `json:"train"`
	Test   []string         `json:"test"`
	Cells  [][]*Cell        `json:"cells"` // [train][test]; null where not run
}

// CompareResult is one reproduced result in the terms of golden/published.
type CompareResult struct {
	Model     string                          `json:"model"`
	TrainedOn string                          `json:"trained_on"`
	Dataset   string                          `json:"dataset"`
	Split     string                          `json:"split"`
	Runs      int                             `json:"runs"`
	Scores    map[published.Metric]float64    `json:"scores"`
	CI        map[published.Metric][2]float64 `json:"ci,omitempty"`
}

// ErrIncomplete is wrapped by Collect when some jobs have no valid result.
var ErrIncomplete = fmt.Errorf("experiment incomplete")

// Collect reads the result of every job of p from store and lays them out
// in the spec's table shape. Jobs without a valid result make it fail with
// an error wrapping ErrIncomplete that lists them (with their log paths).
func Collect(s *Spec, p *Plan, store Store) (*Collected, error) {
	var missing []string
	res := make([]*Result, len(p.Jobs))
	for i, st := range store.States(p) {
		if st.Status != StatusDone {
			line := fmt.Sprintf("job %d %s: %s", st.Job.Index, st.Job.Short(), st.Status)
			if st.Reason != "" {
				line += ": " + st.Reason
			}
			if st.Log != "" {
				line += " (log " + st.Log + ")"
			}
			missing = append(missing, line)
			continue
		}
		r, _ := store.Load(st.Job)
		res[i] = r
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %d of %d jobs have no result:\n  %s", ErrIncomplete, len(missing), len(p.Jobs), strings.Join(missing, "\n  "))
	}
	return collect(s, p, res)
}

// metricValue returns a metric of a result file in percent, with the rules
// of `nerbench compare`: micro scores with MISC from misc_on (absent when
// there is none), without MISC from misc_off, per-type F1 from misc_on,
// else from misc_off.
func metricValue(f *results.File, m published.Metric) (float64, bool) {
	pick := func(s *results.Score, get func(results.Metric) float64) (float64, bool) {
		if s == nil {
			return 0, false
		}
		return 100 * get(s.Micro), true
	}
	f1 := func(x results.Metric) float64 { return x.F1 }
	prec := func(x results.Metric) float64 { return x.Precision }
	rec := func(x results.Metric) float64 { return x.Recall }
	switch m {
	case published.F1:
		return pick(f.MISCOn, f1)
	case published.Precision:
		return pick(f.MISCOn, prec)
	case published.Recall:
		return pick(f.MISCOn, rec)
	case published.F1NoMISC:
		return pick(f.MISCOff, f1)
	case published.PrecisionNoMISC:
		return pick(f.MISCOff, prec)
	case published.RecallNoMISC:
		return pick(f.MISCOff, rec)
	}
	typ := strings.ToUpper(strings.TrimPrefix(string(m), "f1_"))
	if !slices.Contains(f.Model.Types, typ) {
		return 0, false // the model does not predict the type: the thesis' "--"
	}
	for _, s := range []*results.Score{f.MISCOn, f.MISCOff} {
		if s == nil {
			continue
		}
		if t, ok := s.PerType[typ]; ok {
			return 100 * t.F1, true
		}
	}
	if f.MISCOn == nil && typ == "MISC" {
		return 0, false
	}
	return 0, true // predicted type absent from gold and predictions
}

// rowAxes are the axes a shape shows one row per value of.
func rowAxes(s *Spec, varying []string) []string {
	switch s.Shape {
	case Seeds:
		return []string{"seed"}
	case Folds:
		return []string{"fold"}
	case Cross:
		return []string{"test", "train"}
	case Features:
		return []string{"features"}
	case Grid:
		var out []string
		for _, k := range s.GridKeys {
			out = append(out, "param:"+k)
		}
		return out
	}
	return nil
}

// axisLabel is the header of an axis's label column.
func axisLabel(axis string) string {
	switch axis {
	case "seed":
		return "Seed"
	case "fold":
		return "Fold"
	case "test":
		return "Test set"
	case "train":
		return "Trained on"
	case "features":
		return "Features"
	}
	return strings.TrimPrefix(axis, "param:")
}

func collect(s *Spec, p *Plan, res []*Result) (*Collected, error) {
	c := &Collected{
		Schema: CollectSchema, Name: s.Name, Title: s.Title, Shape: s.Shape, Published: s.Published,
		Model: s.Kind.Name, Level: s.Level, Metrics: s.Metrics, Jobs: len(p.Jobs), Compare: []CompareResult{},
	}
	varying := p.Varying()
	rows := rowAxes(s, varying)
	var groupAxes []string
	for _, ax := range varying {
		if !slices.Contains(rows, ax) && ax != "seed" && ax != "fold" {
			groupAxes = append(groupAxes, ax)
		}
	}
	key := func(j Job, axes []string) string {
		var parts []string
		for _, ax := range axes {
			parts = append(parts, j.coord(ax))
		}
		return strings.Join(parts, "\x00")
	}
	// Groups and rows in plan order.
	type rowAcc struct {
		jobs []int
	}
	// common returns the axes on which the given jobs agree.
	common := func(jobs []int) map[string]string {
		out := map[string]string{}
		for _, ax := range p.axes() {
			v := p.Jobs[jobs[0]].coord(ax)
			same := true
			for _, ji := range jobs[1:] {
				same = same && p.Jobs[ji].coord(ax) == v
			}
			if same && v != "" {
				out[ax] = v
			}
		}
		return out
	}
	type groupAcc struct {
		group map[string]string
		order []string
		rows  map[string]*rowAcc
	}
	var gorder []string
	groups := map[string]*groupAcc{}
	for i, j := range p.Jobs {
		gk := key(j, groupAxes)
		g, ok := groups[gk]
		if !ok {
			g = &groupAcc{group: map[string]string{}, rows: map[string]*rowAcc{}}
			for _, ax := range groupAxes {
				g.group[ax] = j.coord(ax)
			}
			groups[gk] = g
			gorder = append(gorder, gk)
		}
		rk := key(j, rows)
		r, ok := g.rows[rk]
		if !ok {
			r = &rowAcc{}
			g.rows[rk] = r
			g.order = append(g.order, rk)
		}
		r.jobs = append(r.jobs, i)
	}
	for _, gk := range gorder {
		g := groups[gk]
		t := Table{Title: tableTitle(s, g.group, groupAxes), Group: g.group}
		for _, ax := range rows {
			t.Labels = append(t.Labels, axisLabel(ax))
		}
		var first *Result
		var all []int
		for _, rk := range g.order {
			r := g.rows[rk]
			all = append(all, r.jobs...)
			row := Row{Kind: RowRun, Coords: common(r.jobs), Cells: map[published.Metric]Cell{}}
			for _, ax := range rows {
				row.Labels = append(row.Labels, p.Jobs[r.jobs[0]].coord(ax))
			}
			for _, m := range s.Metrics {
				var vals []float64
				for _, ji := range r.jobs {
					if v, ok := metricValue(&res[ji].File, m); ok {
						vals = append(vals, v)
					}
				}
				if len(vals) < len(r.jobs) || len(vals) == 0 {
					continue // not measured for some run: leave the cell empty
				}
				cell, err := summarize(vals, s.Level)
				if err != nil {
					return nil, err
				}
				row.Cells[m] = cell
			}
			if first == nil {
				first = res[r.jobs[0]]
			}
			t.Rows = append(t.Rows, row)
		}
		if s.Shape == Seeds || s.Shape == Folds {
			mean := Row{Kind: RowMean, Labels: labelRow(len(rows), "Mean"), Coords: common(all), Cells: map[published.Metric]Cell{}}
			std := Row{Kind: RowStd, Labels: labelRow(len(rows), "Std."), Coords: common(all), Cells: map[published.Metric]Cell{}}
			for _, m := range s.Metrics {
				var vals []float64
				for _, r := range t.Rows {
					if cell, ok := r.Cells[m]; ok {
						vals = append(vals, cell.Value)
					}
				}
				if len(vals) < len(t.Rows) || len(vals) < 2 {
					continue
				}
				cell, err := summarize(vals, s.Level)
				if err != nil {
					return nil, err
				}
				mean.Cells[m] = cell
				std.Cells[m] = Cell{N: cell.N, Value: *cell.SD}
			}
			t.Rows = append(t.Rows, mean, std)
			if onlyDataAxes(groupAxes) {
				c.Compare = append(c.Compare, compareResult(s, first, mean, len(g.order)))
			}
		}
		if s.Shape == Cross {
			t.Matrix = matrix(s, t.Rows)
			if onlyDataAxes(groupAxes) {
				for i, rk := range g.order {
					c.Compare = append(c.Compare, compareResult(s, res[g.rows[rk].jobs[0]], t.Rows[i], len(g.rows[rk].jobs)))
				}
			}
		}
		c.Tables = append(c.Tables, t)
	}
	return c, nil
}

func onlyDataAxes(axes []string) bool {
	for _, a := range axes {
		if a != "train" && a != "test" {
			return false
		}
	}
	return true
}

func labelRow(n int, first string) []string {
	out := make([]string, max(n, 1))
	out[0] = first
	return out
}

// summarize returns one value as is, and several as their mean with SD and
// Student-t interval.
func summarize(vals []float64, level float64) (Cell, error) {
	if len(vals) == 1 {
		return Cell{N: 1, Value: vals[0]}, nil
	}
	rs, err := confidence.SummarizeRuns(vals, level)
	if err != nil {
		return Cell{}, err
	}
	sd := round4(rs.SD)
	return Cell{N: rs.N, Value: round4(rs.Mean), SD: &sd, CI: &[2]float64{round4(rs.CI.Lo), round4(rs.CI.Hi)}}, nil
}

func round4(x float64) float64 {
	r := math.Round(x*1e4) / 1e4
	if r == 0 {
		return 0
	}
	return r
}

func compareResult(s *Spec, r *Result, row Row, runs int) CompareResult {
	j := r.Job.Config
	cr := CompareResult{
		Model: s.Kind.Name, TrainedOn: j.Train.Dataset, Dataset: j.Test.Dataset, Split: j.TestSplitName(),
		Runs: runs, Scores: map[published.Metric]float64{}, CI: map[published.Metric][2]float64{},
	}
	for m, cell := range row.Cells {
		cr.Scores[m] = cell.Value
		if cell.CI != nil {
			cr.CI[m] = *cell.CI
		}
	}
	return cr
}

func matrix(s *Spec, rows []Row) *Matrix {
	m := &Matrix{Metric: s.Metrics[0]}
	for _, r := range s.Train {
		m.Train = append(m.Train, r.Dataset)
	}
	for _, r := range s.Test {
		m.Test = append(m.Test, r.Dataset)
	}
	m.Cells = make([][]*Cell, len(m.Train))
	for i := range m.Cells {
		m.Cells[i] = make([]*Cell, len(m.Test))
	}
	for _, r := range rows {
		i, j := slices.Index(m.Train, r.Coords["train"]), slices.Index(m.Test, r.Coords["test"])
		if cell, ok := r.Cells[m.Metric]; ok && i >= 0 && j >= 0 {
			m.Cells[i][j] = &cell
		}
	}
	return m
}

func tableTitle(s *Spec, group map[string]string, axes []string) string {
	title := s.Title
	if title == "" {
		title = s.Name
	}
	var parts []string
	for _, ax := range axes {
		parts = append(parts, axisLabel(ax)+" "+group[ax])
	}
	if len(parts) > 0 {
		title += ": " + strings.Join(parts, ", ")
	}
	return title
}
