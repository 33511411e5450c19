package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks/conll2003"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/benchmarks/wikiann"
	"github.com/nerbench/nerbench/golden/published"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
)

// compareOutputFormats are the formats of `nerbench compare`.
var compareOutputFormats = []table.Format{table.Text, table.Markdown, table.CSV, table.LaTeX, table.JSON}

type compareOptions struct {
	out        *streams
	tables     []string // published table numbers, in the thesis' order
	resultsDir string
	output     table.Format
	all        bool // also show published numbers that have no reproduction
}

func newCompareCmd(s *streams, runF func(context.Context, *compareOptions) error) *cobra.Command {
	opts := &compareOptions{out: s}
	var pub, output string
	cmd := &cobra.Command{
		Use:   "compare [--published[=TABLES]] [TABLE] [--results-dir DIR]",
		Short: "Put reproduced results beside the DaLUKE thesis' published numbers",
		Long: `Compare the results that 'nerbench run' wrote to the results folder with
the numbers published in the DaLUKE thesis (Holm and Schultz, DTU 2021):
Tables 5.3, 5.4 and 5.5 (Danish NER models on DaNE, Plank and WikiANN),
6.15 (DaLUKE with five seeds), 6.16 (5-fold cross-validation) and 6.17
(DaLUKE across datasets). The tables are embedded in nerbench, transcribed
from the thesis' LaTeX sources; 'nerbench compare -o json' prints their
captions, sources and transcription notes.

A result is compared with the row of the same model (thesis names map to
nerbench model names: DaLUKE to daluke, DaNLP da-BERT to dabert, NERDA m-BERT
to mbert, NERDA Ælæctra to aelaectra, DaCy large to dacy-large, DaNLP Flair
to flair; Polyglot, daner and DaNLP spaCy cannot be run by nerbench), the
same training data, test set and split. For each number it shows:

  Diff       reproduced minus published, in percentage points
  Within ±   |Diff| within the published interval: the thesis' printed ±
             (its approximate 95 % confidence interval), or for the Mean
             row of Tables 6.15 and 6.16 twice the printed standard deviation
  Within CI  the published number inside the reproduced 95 % bootstrap
             interval stored in the result file
  Agrees     the reproduced number, rounded or truncated to the printed
             decimals, equals the published one

WikiANN has no MISC, and Table 5.5's F1, precision and recall are compared
with the reproduced scores without MISC. Models that the thesis does not
have, such as the nerbench baseline, are listed as new. A dash is the
thesis' '--' (the model does not predict the type); an empty published cell
is one the thesis does not report.

By default only numbers with a reproduction are shown, and tables without
any are left out of text, markdown, csv and latex output; --all shows every
published number. JSON output always lists every selected table. CSV output
is one table of all the selected tables' numbers, one value per cell,
numbers in percent, the reproduced interval in ci_lo and ci_hi; the sources
and the legend go to standard error.

Each result file's stored figures are checked against its stored counts
(precision, recall and F1 of every type, the counts adding up, the
analytic intervals); a file that disagrees is refused, naming it.`,
		Example: `  nerbench compare
  nerbench compare --published 5.3
  nerbench compare --published=5.3,5.4 --results-dir out/results --output markdown
  nerbench compare --published 6.15 --all -o json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return flagErrorf("compare takes at most one table argument, got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := published.IDs()
			if err != nil {
				return err
			}
			sel := pub
			if len(args) == 1 {
				if cmd.Flags().Changed("published") && pub != "all" {
					return flagErrorf("give the table either as --published=%s or as an argument, not both", pub)
				}
				sel = args[0]
			}
			opts.tables = nil
			if sel == "all" {
				opts.tables = ids
			} else {
				for _, id := range strings.Split(sel, ",") {
					id = strings.TrimSpace(id)
					if !slices.Contains(ids, id) {
						return flagErrorf("--published %q: want all or a comma-separated list of %s", id, strings.Join(ids, ", "))
					}
					if !slices.Contains(opts.tables, id) {
						opts.tables = append(opts.tables, id)
					}
				}
				slices.SortFunc(opts.tables, func(a, b string) int { return slices.Index(ids, a) - slices.Index(ids, b) })
			}
			f, err := table.ParseFormat(output, compareOutputFormats...)
			if err != nil {
				return flagErrorf("--output: %v", err)
			}
			opts.output = f
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCompare(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&pub, "published", "all", "published tables to compare with: all, or a comma-separated list such as 5.3,5.4")
	fl.Lookup("published").NoOptDefVal = "all"
	fl.StringVar(&opts.resultsDir, "results-dir", "nerbench-results", "results folder written by 'nerbench run --results-dir'")
	fl.StringVar(&opts.resultsDir, "results", "nerbench-results", "same as --results-dir")
	_ = fl.MarkHidden("results")
	fl.StringVarP(&output, "output", "o", "text", "output format: text, markdown, csv, latex or json")
	fl.BoolVar(&opts.all, "all", false, "also show published numbers that have no reproduced result")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "markdown", "csv", "latex", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("results-dir")
	return cmd
}

func runCompare(ctx context.Context, opts *compareOptions) error {
	results, err := loadResults(opts.resultsDir)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		fmt.Fprintf(opts.out.Err, "nerbench: no result files in %s; showing the published numbers only\n", opts.resultsDir)
	}
	var doc compareJSON
	doc.Schema = "nerbench.compare/v1"
	doc.Results = len(results)
	for _, id := range opts.tables {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, err := published.ByID(id)
		if err != nil {
			return err
		}
		cs := published.Compare(t, results)
		shown := cs[:0:0]
		for _, c := range cs {
			if opts.all || c.HasReproduced {
				shown = append(shown, c)
			}
		}
		doc.Tables = append(doc.Tables, newCompareTableJSON(t, shown, len(cs)-len(shown)))
	}
	if opts.output == table.JSON {
		enc := json.NewEncoder(opts.out.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	if opts.output == table.CSV {
		return compareCSV(doc.Tables).Print(opts.out.Out, opts.out.Err, table.CSV)
	}
	var skipped []string
	n := 0
	for _, tj := range doc.Tables {
		if len(tj.Comparisons) == 0 && !opts.all {
			skipped = append(skipped, tj.ID)
			continue
		}
		if n > 0 {
			if _, err := fmt.Fprintln(opts.out.Out); err != nil {
				return err
			}
		}
		n++
		if err := compareTable(tj, opts.all).Print(opts.out.Out, opts.out.Err, opts.output); err != nil {
			return err
		}
	}
	reportSkipped(opts.out, skipped)
	return nil
}

// reportSkipped tells on stderr which tables no result matches.
func reportSkipped(s *streams, ids []string) {
	switch len(ids) {
	case 0:
	case 1:
		fmt.Fprintf(s.Err, "nerbench: no reproduced result matches Table %s (--all shows its published numbers)\n", ids[0])
	default:
		fmt.Fprintf(s.Err, "nerbench: no reproduced result matches Tables %s (--all shows their published numbers)\n", strings.Join(ids, ", "))
	}
}

// compareCSV puts every table's comparisons in one CSV table, one row per
// compared number and one value per cell: numbers in percent (empty where
// they do not apply), the reproduced interval in ci_lo and ci_hi. The
// tables' sources and the legend are its notes.
func compareCSV(tjs []compareTableJSON) *table.Table {
	out := &table.Table{Header: []string{"table", "model", "adapter", "row", "trained_on", "dataset", "split", "metric",
		"published", "published_state", "interval", "interval_kind", "reproduced", "ci_lo", "ci_hi", "diff",
		"within_published", "within_ci", "agrees", "new", "source"}}
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	for _, tj := range tjs {
		for _, c := range tj.Comparisons {
			lo, hi := "", ""
			if c.ReproducedCI != nil {
				lo, hi = num(&c.ReproducedCI[0]), num(&c.ReproducedCI[1])
			}
			out.Rows = append(out.Rows, []string{tj.ID, c.Model, c.Adapter, c.Row, c.TrainedOn, c.Dataset, c.Split, c.Metric,
				num(c.PublishedValue), c.PublishedState, num(c.Interval), c.IntervalKind, num(c.Reproduced), lo, hi, num(c.Diff),
				c.WithinPublished, c.WithinReproduced, c.Agrees, strconv.FormatBool(c.New), c.Source})
		}
		out.Notes = append(out.Notes, fmt.Sprintf("Table %s source: %s.", tj.ID, tj.Source))
	}
	out.Notes = append(out.Notes, compareLegend)
	return out
}

// compareJSON is the output of `compare --output json` (schema
// nerbench.compare/v1). Numbers are percentages, rounded to 4 decimals;
// a number that does not apply is null.
type compareJSON struct {
	Schema  string             `json:"schema"`
	Results int                `json:"results"` // result files read
	Tables  []compareTableJSON `json:"tables"`
}

type compareTableJSON struct {
	ID          string                  `json:"id"`
	Label       string                  `json:"label"`
	Title       string                  `json:"title"`
	Caption     string                  `json:"caption"`
	Source      string                  `json:"source"` // repo, file@commit, lines
	Notes       []string                `json:"notes"`
	Hidden      int                     `json:"hidden"` // published numbers without reproduction, left out without --all
	Comparisons []compareComparisonJSON `json:"comparisons"`
}

type compareComparisonJSON struct {
	Model     string `json:"model"`   // thesis name; the nerbench name for a new model
	Adapter   string `json:"adapter"` // nerbench model name, "" when nerbench cannot run the model
	Row       string `json:"row"`
	TrainedOn string `json:"trained_on"`
	Dataset   string `json:"dataset"`
	Split     string `json:"split"`
	Metric    string `json:"metric"`
	// Published is the cell as printed ("82.9 ± 3", "--"), "" when not
	// reported; PublishedState says which.
	Published        string      `json:"published"`
	PublishedState   string      `json:"published_state"`
	PublishedValue   *float64    `json:"published_value"`
	Interval         *float64    `json:"interval"`      // published half-width
	IntervalKind     string      `json:"interval_kind"` // "ci95", "2sd" or ""
	Reproduced       *float64    `json:"reproduced"`
	ReproducedCI     *[2]float64 `json:"reproduced_ci"` // [lo, hi]
	Diff             *float64    `json:"diff"`
	WithinPublished  string      `json:"within_published"` // "yes", "no" or "" when it does not apply
	WithinReproduced string      `json:"within_reproduced_ci"`
	Agrees           string      `json:"agrees"`
	New              bool        `json:"new"`
	Source           string      `json:"source"` // result file
}

func round4(x float64) *float64 {
	r := math.Round(x*1e4) / 1e4
	if r == 0 {
		r = 0 // no -0
	}
	return &r
}

func newCompareTableJSON(t published.Table, cs []published.Comparison, hidden int) compareTableJSON {
	tj := compareTableJSON{
		ID: t.ID, Label: t.Label, Title: t.Title, Caption: t.Caption,
		Source: fmt.Sprintf("%s %s@%s lines %s", t.Source.Repo, t.Source.File, t.Source.Commit, t.Source.Lines),
		Notes:  t.Notes, Hidden: hidden, Comparisons: []compareComparisonJSON{},
	}
	for _, c := range cs {
		j := compareComparisonJSON{
			Model: c.Model, Adapter: c.Adapter, Row: c.Row, TrainedOn: c.TrainedOn, Dataset: c.Dataset, Split: c.Split,
			Metric: string(c.Metric), Published: c.Published.Text, PublishedState: c.Published.State.String(),
			IntervalKind: string(c.IntervalKind), WithinPublished: c.WithinPublished.String(),
			WithinReproduced: c.WithinReproduced.String(), Agrees: c.Agrees.String(), New: c.New, Source: c.Source,
		}
		if j.Model == "" {
			j.Model = c.Adapter
		}
		if c.Published.State == published.Reported {
			j.PublishedValue = round4(c.Published.Value)
		}
		if c.IntervalKind != published.NoInterval {
			j.Interval = round4(c.Interval)
		}
		if c.HasReproduced {
			j.Reproduced = round4(c.Reproduced)
			if c.HasReproducedCI {
				j.ReproducedCI = &[2]float64{*round4(c.ReproducedCI.Lo), *round4(c.ReproducedCI.Hi)}
			}
			if c.Published.State == published.Reported {
				j.Diff = round4(c.Diff)
			}
		}
		tj.Comparisons = append(tj.Comparisons, j)
	}
	return tj
}

// compareLegend explains the columns of the comparison tables.
const compareLegend = "± is the thesis' approximate 95 % confidence half-width, or twice its standard deviation (2 SD); CI is the reproduced bootstrap interval. Diff = reproduced − published, in points."

// compareTable lays out one published table's comparisons.
func compareTable(tj compareTableJSON, all bool) *table.Table {
	t := &table.Table{
		Title:   fmt.Sprintf("Table %s (%s): %s", tj.ID, tj.Label, tj.Title),
		Header:  []string{"Model", "Trained on", "Test set", "Metric", "Published", "±", "Reproduced", "CI", "Diff", "Within ±", "Within CI", "Agrees"},
		Numeric: []bool{false, false, false, false, true, true, true, true, true, false, false, false},
	}
	num := func(p *float64, format string) string {
		if p == nil {
			return ""
		}
		return fmt.Sprintf(format, *p)
	}
	for _, c := range tj.Comparisons {
		pubText, _, _ := strings.Cut(c.Published, "±")
		pubText = strings.TrimSpace(pubText)
		model := c.Model
		if c.New {
			model += " (new)"
			pubText = "not in thesis"
		} else if c.Row != c.Model {
			model = c.Row
		}
		ci := ""
		if c.ReproducedCI != nil {
			ci = fmt.Sprintf("[%.2f, %.2f]", c.ReproducedCI[0], c.ReproducedCI[1])
		}
		interval := num(c.Interval, "%g")
		if c.IntervalKind == string(published.TwoSD) {
			interval += " (2 SD)"
		}
		t.Rows = append(t.Rows, []string{
			model, c.TrainedOn, c.Dataset + " " + c.Split, published.Metric(c.Metric).Label(),
			pubText, interval, num(c.Reproduced, "%.2f"), ci, num(c.Diff, "%+.2f"),
			c.WithinPublished, c.WithinReproduced, c.Agrees,
		})
	}
	if len(t.Rows) == 0 {
		t.Notes = append(t.Notes, "No reproduced result matches this table.")
	}
	if !all && tj.Hidden > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%d published numbers without a reproduced result are not shown (--all shows them).", tj.Hidden))
	}
	t.Notes = append(t.Notes, "Source: "+tj.Source+".", compareLegend)
	for _, n := range tj.Notes {
		t.Notes = append(t.Notes, "Note: "+n)
	}
	return t
}

// loadResults reads every *.json file in dir (not in sub-folders), in name
// order, as a result file of 'nerbench run' (internal/results, schema
// nerbench.result/v1) or the output of 'nerbench experiment collect'
// (schema nerbench.experiment.collect/v1, one result per training and test
// set: the mean over runs with its Student-t interval), and returns the
// results in percent:
//
//   - f1, precision, recall: misc_on micro scores (absent when the file has
//     no misc_on scores: the model or the dataset has no MISC);
//   - f1_no_misc, precision_no_misc, recall_no_misc: misc_off micro scores;
//   - f1_loc, f1_per, f1_org, f1_misc: per-type F1 from misc_on, or from
//     misc_off when there is no misc_on;
//   - each with its bootstrap interval from the same score.
//
// The training data is the first word of the file's model.trained_on
// ("DaNE train" gives dane) when it names a dataset, otherwise the model's
// usual training data. A file that is not a result file, or two files with
// the same model, training data, dataset and split, are errors naming the
// files.
func loadResults(dir string) ([]published.Result, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("results folder: %w (run 'nerbench run' first, or give --results-dir)", err)
	}
	var out []published.Result
	seen := map[string]string{}
	for _, e := range entries { // os.ReadDir sorts by name
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		rs, collected, err := collectedResults(p, e.Name())
		if err != nil {
			return nil, err
		}
		if !collected {
			f, err := results.Load(p)
			if err != nil {
				return nil, err
			}
			rs = append(rs, resultOf(f, e.Name()))
		}
		for _, r := range rs {
			key := strings.Join([]string{r.Model, r.TrainedOn, r.Dataset, r.Split}, "\x00")
			if first, dup := seen[key]; dup {
				return nil, fmt.Errorf("%s: same model, training data, dataset and split as %s", p, first)
			}
			seen[key] = p
			out = append(out, r)
		}
	}
	return out, nil
}

// resultTypeMetrics maps entity types to their per-type F1 metric.
var resultTypeMetrics = map[string]published.Metric{
	"LOC": published.F1LOC, "PER": published.F1PER, "ORG": published.F1ORG, "MISC": published.F1MISC,
}

// resultOf converts a result file; name becomes the result's Source.
func resultOf(f *results.File, name string) published.Result {
	r := published.Result{
		Model: f.Model.Name, Dataset: f.Dataset.Name, Split: f.Dataset.Split, Source: name,
		Scores: map[published.Metric]float64{}, CI: map[published.Metric]published.Interval{},
	}
	if w := strings.Fields(strings.ToLower(f.Model.TrainedOn)); len(w) > 0 && slices.Contains([]string{dane.Name, plank.Name, wikiann.Name, conll2003.Name}, w[0]) {
		r.TrainedOn = w[0]
	} else if m, ok := published.AdapterModel(r.Model); ok {
		r.TrainedOn = m.TrainedOn
	}
	set := func(m published.Metric, v float64, iv results.Interval) {
		r.Scores[m] = 100 * v
		if iv != (results.Interval{}) {
			r.CI[m] = published.Interval{Lo: 100 * iv.Lo, Hi: 100 * iv.Hi}
		}
	}
	micro := func(s *results.Score, f1, p, rc published.Metric) {
		set(f1, s.Micro.F1, s.Intervals.F1)
		set(p, s.Micro.Precision, s.Intervals.Precision)
		set(rc, s.Micro.Recall, s.Intervals.Recall)
	}
	perType := func(s *results.Score) {
		for t, m := range s.PerType {
			if pm, ok := resultTypeMetrics[t]; ok {
				if _, done := r.Scores[pm]; !done {
					set(pm, m.F1, s.PerTypeF1[t])
				}
			}
		}
	}
	if f.MISCOn != nil {
		micro(f.MISCOn, published.F1, published.Precision, published.Recall)
		perType(f.MISCOn)
	}
	micro(f.MISCOff, published.F1NoMISC, published.PrecisionNoMISC, published.RecallNoMISC)
	perType(f.MISCOff)
	return r
}
