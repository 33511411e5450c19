package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/internal/atomicfile"
	"github.com/nerbench/nerbench/internal/figures"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
)

type reportOptions struct {
	out        *streams
	resultsDir string
	file       string // the report; default <resultsDir>/report.md
	figDir     string // default <resultsDir>/figures
	dataDir    string
	noFigures  bool
	seed       uint64
	resamples  int
}

func newReportCmd(s *streams, runF func(context.Context, *reportOptions) error) *cobra.Command {
	opts := &reportOptions{out: s}
	cmd := &cobra.Command{
		Use:   "report RESULTS_DIR [--out report.md]",
		Short: "Write a markdown report of the results in a folder, with figures",
		Long: `Write one self-contained markdown report of the result files that
'nerbench run' wrote to RESULTS_DIR, ready to paste into a paper or an
issue. For each dataset split it holds:

  - the main table, as printed by 'nerbench run -o markdown';
  - the 95 % intervals of every model: the thesis interval (eq. 4.3), the
    sentence-bootstrap intervals of F1, precision and recall, and the
    Wilson intervals of precision and recall;
  - a figure of per-class F1 with bootstrap-interval whiskers;
  - with two or more models, the co-prediction of every pair (Table 6.24),
    their A-vs-B word matrices and paired significance tests;
  - each model's word-level confusion matrix, as a table and a heat map.

When the results cover two or more test sets, a train×test matrix of F1
(Table 6.17) is added, as a table and a heat map.

Figures are written as PNG and SVG to <RESULTS_DIR>/figures (--figures-dir),
named <dataset>_<split>_f1, <dataset>_<split>_<model>_confusion and
cross_dataset_f1 (the model's name made safe for file names, as in result
file names: dir:my model becomes dir-my-model), and linked from the report
by relative paths.

A result file that cannot be read, whose stored figures disagree with its
counts, or whose scores differ from those its predictions give on the gold
data, is left out with a warning that names it, and listed at the top of
the report; the other files make the report. The
co-prediction and confusion sections need the gold tags: they are read from
the data folder (DaNE test is embedded), and a split whose data cannot be
read gets a note instead. The report is written atomically; it holds no
times or absolute paths, so the same results give the same report.`,
		Example: `  nerbench report nerbench-results
  nerbench report results/ --out paper/ner-report.md
  nerbench report results/ --no-figures`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("report needs the results folder, got %d argument(s)", len(args))
			}
			opts.resultsDir = args[0]
			if opts.file == "" {
				opts.file = filepath.Join(opts.resultsDir, "report.md")
			}
			if opts.figDir == "" {
				opts.figDir = filepath.Join(opts.resultsDir, "figures")
			}
			if opts.resamples < 1 {
				return flagErrorf("--resamples must be at least 1, got %d", opts.resamples)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReport(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.file, "out", "", "report file to write (default RESULTS_DIR/report.md)")
	f.StringVar(&opts.figDir, "figures-dir", "", "folder for the figures (default RESULTS_DIR/figures)")
	f.StringVar(&opts.dataDir, "data-dir", "", "data folder with the gold tags (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	f.BoolVar(&opts.noFigures, "no-figures", false, "write no figures")
	f.Uint64Var(&opts.seed, "seed", 0, "seed of the paired significance tests")
	f.IntVar(&opts.resamples, "resamples", confidence.DefaultResamples, "resamples of the paired significance tests")
	_ = cmd.MarkFlagDirname("figures-dir")
	return cmd
}

// resultGroup is the result files of one dataset split.
type resultGroup struct {
	ds    *benchmarks.Dataset
	split string
	files []*results.File
	names []string // the files' names, for warnings
}

// skippedFile is a result file that report leaves out, and why.
type skippedFile struct {
	name, reason string
}

// loadResultGroups reads every result file in dir and groups them by
// dataset split, in the order of the datasets and their splits, the files
// of a group in file name order. A file that cannot be read, whose stored
// scores disagree with its counts (results.Load), of an unknown dataset or
// of other data than the group's first file is skipped: it is warned about
// on warn and returned in skipped.
func loadResultGroups(dir string, warn io.Writer) (groups []*resultGroup, skipped []skippedFile, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("results folder: %w", err)
	}
	skip := func(name string, err error) {
		fmt.Fprintf(warn, "nerbench: skipping %s: %v\n", filepath.Join(dir, name), err)
		skipped = append(skipped, skippedFile{name, err.Error()})
	}
	for _, e := range entries { // sorted by name
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			continue
		}
		f, err := results.Load(filepath.Join(dir, e.Name()))
		if err != nil {
			skip(e.Name(), err)
			continue
		}
		ds, err := resultDataset(f)
		if err != nil {
			skip(e.Name(), err)
			continue
		}
		i := slices.IndexFunc(groups, func(g *resultGroup) bool { return g.ds.Name == ds.Name && g.split == f.Dataset.Split })
		if i < 0 {
			groups = append(groups, &resultGroup{ds: ds, split: f.Dataset.Split})
			i = len(groups) - 1
		}
		g := groups[i]
		if len(g.files) > 0 && g.files[0].Dataset.Hash != f.Dataset.Hash {
			skip(e.Name(), fmt.Errorf("other data than %s's result for %s %s (the dataset hashes differ)", g.files[0].Model.Name, ds.Name, g.split))
			continue
		}
		g.files = append(g.files, f)
		g.names = append(g.names, e.Name())
	}
	order := dataDatasetNames()
	slices.SortStableFunc(groups, func(a, b *resultGroup) int {
		if c := slices.Index(order, a.ds.Name) - slices.Index(order, b.ds.Name); c != 0 {
			return c
		}
		return slices.Index(a.ds.Splits, a.split) - slices.Index(b.ds.Splits, b.split)
	})
	return groups, skipped, nil
}

// reportWriter accumulates the markdown report.
type reportWriter struct {
	opts    *reportOptions
	b       bytes.Buffer
	figs    []string      // figures written
	skipped []skippedFile // result files left out
}

func (w *reportWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

func (w *reportWriter) table(t *table.Table) error {
	if err := t.Render(&w.b, table.Markdown); err != nil {
		return err
	}
	w.b.WriteByte('\n')
	return nil
}

// figure saves p under the figures folder as name.png and name.svg and
// links it from the report.
func (w *reportWriter) figure(alt, name string, p figureSaver) error {
	if w.opts.noFigures {
		return nil
	}
	paths, err := p.save(filepath.Join(w.opts.figDir, name))
	if err != nil {
		return err
	}
	w.figs = append(w.figs, paths...)
	rel := func(path string) string {
		r, err := filepath.Rel(filepath.Dir(w.opts.file), path)
		if err != nil {
			r = path
		}
		return filepath.ToSlash(r)
	}
	w.printf("![%s](%s)\n\n[SVG](%s)\n\n", alt, linkPath(rel(paths[0])), linkPath(rel(paths[1])))
	return nil
}

// linkPath escapes each element of a slash-separated relative path for a
// markdown link, so that a space or a parenthesis in a folder name does not
// break it.
func linkPath(p string) string {
	parts := strings.Split(p, "/")
	for i, e := range parts {
		parts[i] = url.PathEscape(e)
	}
	return strings.Join(parts, "/")
}

// figureSaver draws a figure and saves it as base.png and base.svg.
type figureSaver interface {
	save(base string) ([]string, error)
}

// plotFunc is a function that is a figureSaver.
type plotFunc func(base string) ([]string, error)

func (f plotFunc) save(base string) ([]string, error) { return f(base) }

func runReport(ctx context.Context, opts *reportOptions) error {
	groups, skipped, err := loadResultGroups(opts.resultsDir, opts.out.Err)
	if err != nil {
		return err
	}
	if len(groups) == 0 && len(skipped) > 0 {
		return fmt.Errorf("no readable result files in %s: all %d were skipped, the first as %s: %s", opts.resultsDir, len(skipped), skipped[0].name, skipped[0].reason)
	}
	if len(groups) == 0 {
		return fmt.Errorf("no result files in %s: run 'nerbench run --results-dir %s' first", opts.resultsDir, opts.resultsDir)
	}
	if !opts.noFigures {
		if err := os.MkdirAll(opts.figDir, 0o755); err != nil {
			return fmt.Errorf("figures folder: %w", err)
		}
	}
	w := &reportWriter{opts: opts, skipped: skipped}
	var body reportWriter
	body.opts = opts
	// The groups are written first: checking them against the gold data
	// may skip more files, which the header counts.
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := body.group(ctx, g); err != nil {
			return err
		}
	}
	kept := groups[:0:0]
	for _, g := range groups {
		if len(g.files) > 0 {
			kept = append(kept, g)
		}
	}
	if err := body.crossDataset(kept); err != nil {
		return err
	}
	w.figs, w.skipped = body.figs, append(w.skipped, body.skipped...)
	n := 0
	for _, g := range kept {
		n += len(g.files)
	}
	w.printf("# nerbench report\n\n")
	w.printf("%d result files of `nerbench run` on %d dataset split(s). Scores are in %%, scored with the Go port of seqeval; intervals are at 95 %%.\n\n", n, len(kept))
	if len(w.skipped) > 0 {
		w.printf("Result files left out:\n\n")
		for _, s := range w.skipped {
			w.printf("- `%s`: %s\n", s.name, strings.ReplaceAll(s.reason, opts.resultsDir+string(filepath.Separator), ""))
		}
		w.printf("\n")
	}
	w.b.Write(body.b.Bytes())
	if err := atomicfile.WriteFile(opts.file, w.b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(opts.out.Err, "wrote %s (%d figure files in %s)\n", opts.file, len(w.figs), opts.figDir)
	return nil
}

func (w *reportWriter) group(ctx context.Context, g *resultGroup) error {
	name := g.ds.Name + "_" + g.split
	w.printf("## %s %s\n\n", g.ds.Name, g.split)
	// The gold tags check each file's scores against its predictions; a
	// file that disagrees is left out.
	corpus, corpusErr := loadCorpus(ctx, &streams{Err: w.opts.out.Err}, g.ds, w.opts.dataDir, g.split)
	if corpusErr == nil {
		var files []*results.File
		var names []string
		for i, f := range g.files {
			if err := f.Verify(ctx, corpus, g.ds); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				fmt.Fprintf(w.opts.out.Err, "nerbench: skipping %s: %v\n", filepath.Join(w.opts.resultsDir, g.names[i]), err)
				w.skipped = append(w.skipped, skippedFile{g.names[i], err.Error()})
				continue
			}
			files, names = append(files, f), append(names, g.names[i])
		}
		g.files, g.names = files, names
		if len(g.files) == 0 {
			w.printf("_Every result file of this split was left out._\n\n")
			return nil
		}
	}
	if err := w.table(runTable(g.ds, &benchmarks.Corpus{Dataset: g.ds.Name, Split: g.split}, g.files, false)); err != nil {
		return err
	}
	if err := w.table(intervalTable(g.files)); err != nil {
		return err
	}
	classes := datasetClasses(g.ds)
	var series []figures.Series
	for _, f := range g.files {
		s := f.MainScore()
		fs := figures.Series{Name: f.Model.Name}
		for _, c := range classes {
			m, ok := s.PerType[c]
			iv, okIV := s.PerTypeF1[c]
			switch {
			case modelLacks(f.Model.Types, c) || (c == "MISC" && f.Main == results.MainMISCOff):
				fs.Values, fs.Lo, fs.Hi = append(fs.Values, math.NaN()), append(fs.Lo, math.NaN()), append(fs.Hi, math.NaN())
			case !ok || !okIV:
				fs.Values, fs.Lo, fs.Hi = append(fs.Values, 100*m.F1), append(fs.Lo, math.NaN()), append(fs.Hi, math.NaN())
			default:
				fs.Values, fs.Lo, fs.Hi = append(fs.Values, 100*m.F1), append(fs.Lo, 100*iv.Lo), append(fs.Hi, 100*iv.Hi)
			}
		}
		series = append(series, fs)
	}
	w.printf("**Per-class F1 with 95 %% sentence-bootstrap intervals**\n\n")
	err := w.figure("Per-class F1 on "+g.ds.Name+" "+g.split, name+"_f1", plotFunc(func(base string) ([]string, error) {
		p, err := figures.GroupedBars(fmt.Sprintf("Per-class F1, %s %s", g.ds.Name, g.split), "F1 (%)", classes, series)
		if err != nil {
			return nil, err
		}
		return figures.Save(p, base)
	}))
	if err != nil {
		return err
	}
	if corpusErr != nil {
		w.printf("_Co-prediction and confusion matrices left out: the gold tags could not be read (%s)._\n\n", corpusErr)
		fmt.Fprintf(w.opts.out.Err, "%s %s: co-prediction and confusion left out: %v\n", g.ds.Name, g.split, corpusErr)
		return nil
	}
	if len(g.files) > 1 {
		if err := w.coprediction(ctx, g, corpus); err != nil {
			return err
		}
	}
	w.printf("### Confusion matrices\n\n")
	for _, f := range g.files {
		d, err := errorAnalysis(g.ds, corpus, f, 0)
		if err != nil {
			return err
		}
		if err := w.table(d.tables()[1]); err != nil {
			return err
		}
		err = w.figure("Confusion matrix of "+f.Model.Name, filepath.Base(confusionFigureBase("", g.ds.Name, g.split, f.Model.Name)), plotFunc(d.saveConfusion))
		if err != nil {
			return err
		}
	}
	return nil
}

// intervalTable lists the 95 % intervals of each model's headline score.
func intervalTable(files []*results.File) *table.Table {
	t := &table.Table{
		Title:   "95 % intervals of the headline scores",
		Header:  []string{"Model", "MISC", "F1", "Thesis (eq. 4.3)", "Bootstrap F1", "Bootstrap precision", "Bootstrap recall", "Wilson precision", "Wilson recall"},
		Numeric: []bool{false, false, true, true, true, true, true, true, true},
	}
	iv := func(i results.Interval) string { return fmt.Sprintf("[%.2f, %.2f]", 100*i.Lo, 100*i.Hi) }
	for _, f := range files {
		s := f.MainScore()
		misc := "on"
		if f.Main == results.MainMISCOff {
			misc = "off"
		}
		v := s.Intervals
		t.Rows = append(t.Rows, []string{f.Model.Name, misc, pct(s.Micro.F1), iv(v.ThesisF1), iv(v.F1), iv(v.Precision), iv(v.Recall), iv(v.WilsonPrecision), iv(v.WilsonRecall)})
	}
	if len(files) > 0 {
		sc := files[0].Scoring
		t.Notes = []string{fmt.Sprintf("Sentence bootstrap with %d resamples, seed %d, percentile intervals.", sc.Resamples, sc.Seed)}
	}
	return t
}

// coprediction writes the co-prediction of every pair of the group's models.
func (w *reportWriter) coprediction(ctx context.Context, g *resultGroup, corpus *benchmarks.Corpus) error {
	src := &source{opts: &sourceOptions{seed: w.opts.seed, resamples: w.opts.resamples}, ds: g.ds, corpus: corpus}
	var docs []*CopredictionJSON
	summary := &table.Table{
		Title: "Co-prediction of every pair (Table 6.24) and paired significance tests",
		Header: []string{"A", "B", "Word agreement", "Entity-word agreement", "Entity agreement",
			"F1 A − B", "95 % interval", "p bootstrap", "p randomisation"},
		Numeric: []bool{false, false, true, true, true, true, true, true, true},
	}
	for i, fa := range g.files {
		for _, fb := range g.files[i+1:] {
			d, err := copredict(ctx, src, fa, fb, 0)
			if err != nil {
				return err
			}
			docs = append(docs, d)
			c := d.Significance.Comparison
			summary.Rows = append(summary.Rows, []string{fa.Model.Name, fb.Model.Name, pct(d.WordAgreement.Rate), pct(d.EntityWordAgreement.Rate),
				pct(d.EntityAgreement.Jaccard), fmt.Sprintf("%+.2f", 100*c.F1.Estimate), fmt.Sprintf("[%+.2f, %+.2f]", 100*c.F1.Lo, 100*c.F1.Hi),
				fmt.Sprintf("%.4f", c.PBootstrap), fmt.Sprintf("%.4f", c.PRandomization)})
		}
	}
	summary.Notes = []string{
		"In %: word agreement is the share of words with the same label (type or O); entity-word agreement the same over words in an entity of either model; entity agreement the Jaccard index of the predicted entities.",
		fmt.Sprintf("F1 differences in points, on the headline score (MISC off when either model has no MISC); paired sentence bootstrap and approximate randomisation with %d resamples, seed %d.", w.opts.resamples, w.opts.seed),
	}
	w.printf("### Co-prediction\n\n")
	if err := w.table(summary); err != nil {
		return err
	}
	for _, d := range docs {
		ts := d.tables()
		// The A-vs-B matrix and the split by gold.
		for _, t := range []*table.Table{ts[1], ts[2]} {
			if err := w.table(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// crossDataset writes the train×test F1 matrix (Table 6.17) when the
// results cover two or more test sets.
func (w *reportWriter) crossDataset(groups []*resultGroup) error {
	type cell struct{ row, col string }
	values := map[cell]float64{}
	var rows, cols []string
	for _, g := range groups {
		if g.split != "test" {
			continue
		}
		for _, f := range g.files {
			row := f.Model.Name + " (" + f.Model.TrainedOn + ")"
			if !slices.Contains(rows, row) {
				rows = append(rows, row)
			}
			if !slices.Contains(cols, g.ds.Name) {
				cols = append(cols, g.ds.Name)
			}
			values[cell{row, g.ds.Name}] = 100 * f.MainScore().Micro.F1
		}
	}
	if len(cols) < 2 {
		return nil
	}
	t := &table.Table{
		Title:   "F1 across datasets (Table 6.17): models and their training data in rows, test sets in columns",
		Header:  append([]string{"Model (trained on)"}, cols...),
		Numeric: slices.Repeat([]bool{true}, len(cols)+1),
		Notes:   []string{"Headline micro F1 in % (MISC off where the model or the test set has no MISC); a dash: no result."},
	}
	t.Numeric[0] = false
	matrix := make([][]float64, len(rows))
	for i, r := range rows {
		line := []string{r}
		for _, c := range cols {
			v, ok := values[cell{r, c}]
			if !ok {
				v = math.NaN()
				line = append(line, "-")
			} else {
				line = append(line, fmt.Sprintf("%.2f", v))
			}
			matrix[i] = append(matrix[i], v)
		}
		t.Rows = append(t.Rows, line)
	}
	w.printf("## Across datasets\n\n")
	if err := w.table(t); err != nil {
		return err
	}
	return w.figure("F1 across datasets", "cross_dataset_f1", plotFunc(func(base string) ([]string, error) {
		p, err := figures.Heatmap("Micro F1 (%) across test sets", "Test set", "Model (trained on)", rows, cols, matrix, nil, "%.1f", false)
		if err != nil {
			return nil, err
		}
		return figures.Save(p, base)
	}))
}
