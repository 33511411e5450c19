package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/seqeval"
)

type runOptions struct {
	out     *streams
	src     sourceOptions
	models  []string
	resume  bool
	output  string
	mode    string
	scheme  string
	command []string
}

func newRunCmd(s *streams, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{out: s}
	cmd := &cobra.Command{
		Use:   "run --dataset NAME [--model a,b,...]",
		Short: "Predict with models on a benchmark and score them",
		Long: `Predict with each model on a split of a benchmark, score the predictions
with the Go port of seqeval, and print a table shaped like the DaLUKE
thesis's Tables 5.3-5.5: micro F1 with its 95 % interval, precision, recall,
F1 with MISC off, and per-class F1, one row per model. A dash marks a type
the model does not predict.

The ± is the thesis interval (eq. 4.3): F1 ± z·√(F1(1−F1)/n), n the number
of gold entities. Sentence-bootstrap and Wilson intervals are in the result
files.

A model that predicts no MISC, and every model on a dataset without MISC
(WikiANN), is scored with MISC off; the table says so.

--dataset-file PATH scores a file of your own instead of a benchmark:
CoNLL, CoNLL-2003 (IOB1) or CoNLL-U with name= tags, detected from the
content or set with --format. Its entity types are those found in it, or
--types. Result files name it after the file and its SHA-256.

Each model's result (predictions, scores, intervals and provenance) is
written atomically to <results-dir>/<dataset>_<split>_<model>.json as soon
as the model finishes, so Ctrl-C loses no finished result. With --resume,
predictions already in a valid result file (same model hash, same data) are
reused instead of predicting again.

With no --model, every available model runs (see 'nerbench models list').
DaNE's test split is embedded in the binary: with no data folder, the DaNE
test run uses it.`,
		Example: `  nerbench run --dataset dane
  nerbench run --dataset plank --model baseline --output markdown
  nerbench run --dataset conll2003 --data-dir ~/nerdata --split dev
  nerbench run --dataset dane --resume --results-dir results/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.command = append([]string{"nerbench"}, os.Args[1:]...)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	opts.src.addFlags(f, "")
	f.StringSliceVarP(&opts.models, "model", "m", nil, "models to run, comma-separated (default: every available model)")
	f.BoolVar(&opts.resume, "resume", false, "reuse valid cached predictions from the results folder")
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text, markdown, csv, latex or json")
	f.StringVar(&opts.mode, "mode", "default", "chunker: default (conlleval rules) or strict")
	f.StringVar(&opts.scheme, "scheme", "", "tagging scheme of strict mode: IOB1, IOB2, IOE1, IOE2, IOBES or BILOU (default IOB2 in strict mode)")
	_ = cmd.RegisterFlagCompletionFunc("dataset", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return dataDatasetNames(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("model", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, s := range registry().All() {
			names = append(names, s.Name)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// findDataset returns the benchmark called name.
func findDataset(name string) (*benchmarks.Dataset, error) {
	for i := range dataDatasets {
		if dataDatasets[i].Name == name {
			return &dataDatasets[i], nil
		}
	}
	return nil, flagErrorf("unknown dataset %q (want %s)", name, strings.Join(dataDatasetNames(), ", "))
}

// loadCorpus reads a split from the data folder, refusing entity types the
// dataset does not declare (see loadSplit).
func loadCorpus(ctx context.Context, s *streams, ds *benchmarks.Dataset, dataDirFlag, split string) (*benchmarks.Corpus, error) {
	return loadSplit(ctx, s, ds, dataDirFlag, split, benchmarks.LoadOptions{})
}

func parseScoring(opts *runOptions) (results.Options, error) {
	mode, err := seqeval.ParseMode(opts.mode)
	if err != nil {
		return results.Options{}, &flagError{err}
	}
	ro := results.Options{Mode: mode}
	switch {
	case mode == seqeval.Strict && opts.scheme == "":
		ro.Scheme = seqeval.IOB2
	case opts.scheme != "":
		if mode != seqeval.Strict {
			return results.Options{}, flagErrorf("--scheme needs --mode strict")
		}
		if ro.Scheme, err = seqeval.ParseScheme(opts.scheme); err != nil {
			return results.Options{}, &flagError{err}
		}
	}
	return ro, nil
}

func runRun(ctx context.Context, opts *runOptions) error {
	format, err := table.ParseFormat(opts.output, table.Text, table.Markdown, table.CSV, table.LaTeX, table.JSON)
	if err != nil {
		return &flagError{err}
	}
	scoring, err := parseScoring(opts)
	if err != nil {
		return err
	}
	src, err := openSource(ctx, opts.out, &opts.src, opts.command)
	if err != nil {
		return err
	}
	scoring.CI = src.ciConfig()
	names := opts.models
	if len(names) == 0 {
		names = src.defaultModels()
	}
	for _, n := range names {
		if _, err := src.reg.Lookup(n); err != nil {
			return &flagError{err}
		}
	}
	var done []*results.File
	var runErr error
	for _, name := range names {
		f, err := src.runModel(ctx, name, scoring, opts.resume)
		if err != nil {
			runErr = err
			break
		}
		done = append(done, f)
	}
	if len(done) > 0 {
		if err := printRunTable(opts, format, src.ds, src.corpus, done); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return runErr
}

// defaultModels returns the models a run without --model uses: those given
// with --model-dir or --model-file when there are any, otherwise every
// available registered model. It says on the error stream which ones it
// skips and why.
func (src *source) defaultModels() []string {
	var given, avail []string
	for _, s := range src.reg.All() {
		if s.Get == givenWithModelDir || s.Get == givenWithModelFile {
			given = append(given, s.Name)
		} else if ok, why := src.reg.Availability(s, src.modelsDir); ok {
			avail = append(avail, s.Name)
		} else {
			fmt.Fprintf(src.out.Err, "skipping %s: %s\n", s.Name, why)
		}
	}
	if len(given) > 0 {
		return given
	}
	return avail
}

// resultPath is where the result of model on a dataset split is written.
// Characters that are awkward in file names (the ':' of "dir:NAME") become
// '-'.
func resultPath(dir, dataset, split, model string) string {
	model = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:/\ `, r) {
			return '-'
		}
		return r
	}, model)
	return filepath.Join(dir, fmt.Sprintf("%s_%s_%s.json", dataset, split, model))
}

// runModel predicts with the model called name (or reuses the predictions
// of a valid result file when resume is set), scores them, and writes the
// result file atomically.
func (src *source) runModel(ctx context.Context, name string, scoring results.Options, resume bool) (*results.File, error) {
	o := src.opts
	if err := os.MkdirAll(o.resultsDir, 0o755); err != nil {
		return nil, fmt.Errorf("results folder: %w", err)
	}
	spec, loaded, err := src.reg.Open(ctx, name, src.modelsDir, models.LoadOptions{BatchSize: o.batchSize, Threads: o.threads, Device: o.device, Log: src.out.Err})
	if err != nil {
		return nil, err
	}
	defer loaded.Model.Close()
	ds, corpus := src.ds, src.corpus
	path := resultPath(o.resultsDir, ds.Name, corpus.Split, name)
	var pred [][]string
	if resume {
		if old, err := results.Load(path); err == nil {
			var why string
			if pred, why = old.CachedPredictions(corpus, loaded.Hash); pred != nil {
				fmt.Fprintf(src.out.Err, "%s: reusing the predictions in %s\n", name, path)
			} else {
				fmt.Fprintf(src.out.Err, "%s: not reusing %s: %s\n", name, path, why)
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(src.out.Err, "%s: not reusing %s: %v\n", name, path, err)
		}
	}
	if pred == nil {
		start := time.Now()
		p := newProgress(src.out.Err, fmt.Sprintf("%s on %s/%s", name, ds.Name, corpus.Split), len(corpus.Sentences))
		pred, err = benchmarks.Predict(ctx, loaded.Model, corpus.Sentences, o.batchSize, p.set)
		p.finish()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		secs := time.Since(start).Seconds()
		fmt.Fprintf(src.out.Err, "%s: %d sentences in %.1f s (%.0f sentences/s)\n", name, len(pred), secs, float64(len(pred))/max(secs, 1e-9))
	}
	f := &results.File{
		Schema:   results.Schema,
		Nerbench: nerbenchVersion(),
		Command:  src.command,
		Model: results.Model{
			Name: spec.Name, Title: spec.Title, ID: spec.ID, TrainedOn: spec.TrainedOn, Types: spec.Types,
			Hash: loaded.Hash, Config: loaded.Config, Provenance: loaded.Provenance,
		},
	}
	if tm, ok := loaded.Model.(interface{ Types() []string }); ok && spec.Types == nil {
		f.Model.Types = tm.Types()
	}
	if err := results.Evaluate(ctx, f, corpus, ds, f.Model.Types, pred, scoring); err != nil {
		return nil, fmt.Errorf("%s: score: %w", name, err)
	}
	if err := f.Save(path); err != nil {
		return nil, err
	}
	return f, nil
}

// classOrder is the column order of per-class F1, as in the thesis tables.
var classOrder = []string{"LOC", "PER", "ORG", "MISC"}

func datasetClasses(ds *benchmarks.Dataset) []string {
	var out []string
	for _, c := range classOrder {
		if slices.Contains(ds.Types, c) {
			out = append(out, c)
		}
	}
	for _, t := range ds.Types {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func pct(x float64) string { return fmt.Sprintf("%.2f", 100*x) }

func withCI(s *results.Score) string {
	return fmt.Sprintf("%.2f ± %.2f", 100*s.Micro.F1, 100*(s.Intervals.ThesisF1.Hi-s.Intervals.ThesisF1.Lo)/2)
}

// runTable builds the thesis-style table of finished results.
func runTable(ds *benchmarks.Dataset, corpus *benchmarks.Corpus, files []*results.File) *table.Table {
	classes := datasetClasses(ds)
	t := &table.Table{
		Title:   fmt.Sprintf("%s %s: %d sentences, %d tokens", ds.Name, corpus.Split, files[0].Dataset.Sentences, files[0].Dataset.Tokens),
		Header:  append([]string{"Model", "Trained on", "F1", "Precision", "Recall", "F1 MISC off"}, classes...),
		Numeric: []bool{false, false, true, true, true, true, true, true, true, true, true},
	}
	for _, f := range files {
		main := f.MainScore()
		row := []string{f.Model.Name, f.Model.TrainedOn}
		if f.MISCOn != nil {
			row = append(row, withCI(f.MISCOn), pct(f.MISCOn.Micro.Precision), pct(f.MISCOn.Micro.Recall))
		} else {
			row = append(row, "-", pct(main.Micro.Precision), pct(main.Micro.Recall))
		}
		row = append(row, withCI(f.MISCOff))
		for _, c := range classes {
			m, ok := main.PerType[c]
			switch {
			case !slices.Contains(f.Model.Types, c):
				row = append(row, "-")
			case !ok:
				row = append(row, pct(0))
			default:
				row = append(row, pct(m.F1))
			}
		}
		t.Rows = append(t.Rows, row)
		if f.Main == results.MainMISCOff && slices.Contains(ds.Types, "MISC") {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: %s; precision, recall and per-class F1 are with MISC off.", f.Model.Name, f.MainReason))
		}
	}
	if !slices.Contains(ds.Types, "MISC") {
		t.Notes = append(t.Notes, ds.Name+" annotates no MISC: F1 is reported with MISC off.")
	}
	sc := files[0].Scoring
	mode := sc.Mode
	if sc.Scheme != "" {
		mode += " " + sc.Scheme
	}
	n := fmt.Sprintf("n = %d gold entities", files[0].MISCOff.Micro.Gold)
	if on := files[0].MISCOn; on != nil {
		n = fmt.Sprintf("n = %d gold entities with MISC, %d without", on.Micro.Gold, files[0].MISCOff.Micro.Gold)
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("Scores in %%, seqeval %s mode, micro-averaged. ± is the thesis interval (eq. 4.3) at %.0f %%, %s.", mode, 100*sc.Level, n),
		fmt.Sprintf("Bootstrap (%d resamples, seed %d) and Wilson intervals are in the result files.", sc.Resamples, sc.Seed))
	return t
}

// runSummary is one element of `run --output json` (schema nerbench.run/v1).
type runSummary struct {
	File       string          `json:"file"`
	Model      results.Model   `json:"model"`
	Dataset    results.Dataset `json:"dataset"`
	Scoring    results.Scoring `json:"scoring"`
	Main       string          `json:"main"`
	MainReason string          `json:"main_reason"`
	MISCOn     *results.Score  `json:"misc_on,omitempty"`
	MISCOff    *results.Score  `json:"misc_off"`
}

func printRunTable(opts *runOptions, format table.Format, ds *benchmarks.Dataset, corpus *benchmarks.Corpus, files []*results.File) error {
	if format == table.JSON {
		out := struct {
			Schema  string       `json:"schema"`
			Results []runSummary `json:"results"`
		}{Schema: "nerbench.run/v1"}
		for _, f := range files {
			out.Results = append(out.Results, runSummary{
				File:  resultPath(opts.src.resultsDir, f.Dataset.Name, f.Dataset.Split, f.Model.Name),
				Model: f.Model, Dataset: f.Dataset, Scoring: f.Scoring, Main: f.Main, MainReason: f.MainReason,
				MISCOn: f.MISCOn, MISCOff: f.MISCOff,
			})
		}
		enc := json.NewEncoder(opts.out.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return runTable(ds, corpus, files).Render(opts.out.Out, format)
}
