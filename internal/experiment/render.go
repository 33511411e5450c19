package experiment

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"

	"github.com/nerbench/nerbench/golden/published"
	"github.com/nerbench/nerbench/internal/figures"
	"github.com/nerbench/nerbench/internal/table"
)

// Formats are the output formats of Render.
var Formats = []table.Format{table.Text, table.Markdown, table.CSV, table.JSON, table.LaTeX}

// Render writes c in format f. Text, markdown and LaTeX show the thesis's
// shapes, a mean with its Student-t half-width as "82.70 ± 1.23"; CSV is
// one long table with one number per cell (see CSVTable); JSON is c
// itself.
func (c *Collected) Render(w io.Writer, f table.Format) error {
	switch f {
	case table.JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	case table.CSV:
		return c.CSVTable().Render(w, table.CSV)
	}
	for i, t := range c.Tables {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if err := c.shaped(&t).Render(w, f); err != nil {
			return err
		}
		if t.Matrix != nil {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
			if err := c.matrixTable(&t).Render(w, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Collected) shaped(t *Table) *table.Table {
	out := &table.Table{Title: t.Title, Header: append([]string{}, t.Labels...)}
	for range t.Labels {
		out.Numeric = append(out.Numeric, false)
	}
	for _, m := range c.Metrics {
		out.Header = append(out.Header, m.Label())
		out.Numeric = append(out.Numeric, true)
	}
	for _, r := range t.Rows {
		row := append([]string{}, r.Labels...)
		for _, m := range c.Metrics {
			row = append(row, cellText(r.Cells, m))
		}
		out.Rows = append(out.Rows, row)
	}
	out.Notes = c.notes()
	return out
}

func cellText(cells map[published.Metric]Cell, m published.Metric) string {
	cell, ok := cells[m]
	if !ok {
		return "-"
	}
	if cell.CI != nil {
		return fmt.Sprintf("%.2f ± %.2f", cell.Value, (cell.CI[1]-cell.CI[0])/2)
	}
	return fmt.Sprintf("%.2f", cell.Value)
}

func (c *Collected) notes() []string {
	notes := []string{fmt.Sprintf("Scores in %%, seqeval default mode, micro-averaged; %d jobs of model kind %s.", c.Jobs, c.Model)}
	ci := fmt.Sprintf("A ± is the Student-t %.0f %% interval of the mean over the runs aggregated in the cell (its n in the JSON and CSV output).", 100*c.Level)
	if c.Shape == Seeds || c.Shape == Folds {
		ci += " Std. is the sample standard deviation of the rows above it."
	}
	notes = append(notes, ci)
	notes = append(notes, "A dash: the model does not predict the type, or the dataset has no MISC.")
	if c.Published != "" {
		notes = append(notes, "Reproduces the shape of thesis Table "+c.Published+".")
	}
	return notes
}

func (c *Collected) matrixTable(t *Table) *table.Table {
	m := t.Matrix
	out := &table.Table{
		Title:   fmt.Sprintf("%s: %s, rows trained on, columns tested on", t.Title, m.Metric.Label()),
		Header:  append([]string{"Trained on"}, m.Test...),
		Numeric: []bool{false},
	}
	for i, tr := range m.Train {
		row := []string{tr}
		for j := range m.Test {
			out.Numeric = append(out.Numeric, true)
			if cell := m.Cells[i][j]; cell != nil {
				row = append(row, cellText(map[published.Metric]Cell{m.Metric: *cell}, m.Metric))
			} else {
				row = append(row, "")
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// CSVTable returns c as one long table, one number per cell, with the
// columns table (1-based), train, test, features, params
// ("name=value;..."), seed, fold, row (run, mean or std), metric, n, value,
// sd, ci_lo, ci_hi. An empty cell is a value that does not apply.
func (c *Collected) CSVTable() *table.Table {
	out := &table.Table{Header: []string{"table", "train", "test", "features", "params", "seed", "fold", "row", "metric", "n", "value", "sd", "ci_lo", "ci_hi"}}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	for ti, t := range c.Tables {
		for _, r := range t.Rows {
			coord := func(ax string) string { return r.Coords[ax] }
			var params []string
			for _, ax := range sortedKeys(r.Coords) {
				if k, ok := strings.CutPrefix(ax, "param:"); ok {
					params = append(params, k+"="+coord(ax))
				}
			}
			for _, m := range c.Metrics {
				cell, ok := r.Cells[m]
				if !ok {
					continue
				}
				sd, lo, hi := "", "", ""
				if cell.SD != nil {
					sd = f(*cell.SD)
				}
				if cell.CI != nil {
					lo, hi = f(cell.CI[0]), f(cell.CI[1])
				}
				out.Rows = append(out.Rows, []string{
					strconv.Itoa(ti + 1), coord("train"), coord("test"), coord("features"), strings.Join(params, ";"),
					coord("seed"), coord("fold"), r.Kind, string(m), strconv.Itoa(cell.N), f(cell.Value), sd, lo, hi,
				})
			}
		}
	}
	return out
}

// Figures writes one figure per table (PNG and SVG) to base-<n>: grouped
// bars of every metric with the Student-t whiskers, one bar per row but
// the Std. row, or for a cross table the train × test heatmap of its
// metric. It returns the paths written.
func (c *Collected) Figures(base string) ([]string, error) {
	var paths []string
	for i, t := range c.Tables {
		name := fmt.Sprintf("%s-%d", base, i+1)
		if t.Matrix != nil {
			m := t.Matrix
			vals := make([][]float64, len(m.Train))
			cells := make([][]string, len(m.Train))
			for r := range m.Train {
				vals[r] = make([]float64, len(m.Test))
				cells[r] = make([]string, len(m.Test))
				for k := range m.Test {
					vals[r][k] = math.NaN()
					if cell := m.Cells[r][k]; cell != nil {
						vals[r][k] = cell.Value
						cells[r][k] = fmt.Sprintf("%.1f", cell.Value)
					}
				}
			}
			p, err := figures.Heatmap(t.Title+": "+m.Metric.Label(), "tested on", "trained on", m.Train, m.Test, vals, cells, "%.1f", false)
			if paths, err = save(paths, p, err, name); err != nil {
				return paths, err
			}
			continue
		}
		var groups []string
		for _, m := range c.Metrics {
			groups = append(groups, m.Label())
		}
		var series []figures.Series
		for _, r := range t.Rows {
			if r.Kind == RowStd {
				continue
			}
			s := figures.Series{Name: strings.TrimSpace(strings.Join(append(labelPrefix(t.Labels, r), r.Labels...), " "))}
			for _, m := range c.Metrics {
				cell, ok := r.Cells[m]
				lo, hi := math.NaN(), math.NaN()
				v := math.NaN()
				if ok {
					v = cell.Value
					if cell.CI != nil {
						lo, hi = cell.CI[0], cell.CI[1]
					}
				}
				s.Values, s.Lo, s.Hi = append(s.Values, v), append(s.Lo, lo), append(s.Hi, hi)
			}
			series = append(series, s)
		}
		p, err := figures.GroupedBars(t.Title, "score (%)", groups, series)
		if paths, err = save(paths, p, err, name); err != nil {
			return paths, err
		}
	}
	return paths, nil
}

// save writes p, made with error err, to base and adds the paths written.
func save(paths []string, p *plot.Plot, err error, base string) ([]string, error) {
	if err != nil {
		return paths, err
	}
	ps, err := figures.Save(p, base)
	return append(paths, ps...), err
}

// labelPrefix names a run row's axis ("Seed 3"); mean and std rows are
// named by their label alone.
func labelPrefix(labels []string, r Row) []string {
	if r.Kind != RowRun || len(labels) != 1 {
		return nil
	}
	return labels
}
