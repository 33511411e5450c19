package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/atomicfile"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/seqeval"
)

type runOptions struct {
	out       *streams
	src       sourceOptions
	models    []string
	resume    bool
	output    string
	mode      string
	scheme    string
	averages  bool   // add macro and weighted F1 to the table
	exportDir string // write word/gold/pred CoNLL files here
	command   []string
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

Models beyond the registered ones: --model-dir DIR runs the ONNX export in
DIR as dir:<folder name> (two folders of the same name get the shortest
part of their paths that tells them apart: dir:a/model, dir:b/model);
--model-file NAME=PATH a baseline from 'nerbench train baseline';
--predictions NAME=FILE predictions made elsewhere, a CoNLL file of
"word pred" or "word gold pred" lines with blank lines between sentences,
checked word by word against the split. --label-map PERSON=PER,EVT=O maps
an ONNX export's labels or types to the dataset's. Model and dataset names
are case-insensitive.

With no --model, every available model runs (see 'nerbench models list'),
except when models are given with --model-dir, --model-file or
--predictions: then only those run, and no other model is mentioned. DaNE's
test split is embedded in the binary: with no data folder, the DaNE test
run uses it.

Irregular tag sequences of the split (Plank dev's B-PER I-PER I-LOC), which
are scored as they are, are listed under the table as 'nerbench data stats'
lists them, and in the JSON output.

--averages adds seqeval's macro and support-weighted F1 (classification_
report's "macro avg" and "weighted avg") of the headline score to the
table; the JSON output and the result files always hold them.

--export-conll DIR writes each model's predictions to
DIR/<dataset>_<split>_<model>.conll, one "word gold predicted" line per
word and a blank line after each sentence: the input of conlleval.pl,
'nerbench score' and other CoNLL scorers. A word that such a file cannot
hold (empty, with white space, or conlleval's boundary -X-) is an error.

Output formats: text, markdown, latex, json (schema nerbench.run/v1) and
csv: one header row and one row per model, numbers as numbers (scores in
%), each interval in its own _lo and _hi columns; the title and the notes
go to standard error. When the run is interrupted (Ctrl-C), the finished
models are printed, and the JSON says "interrupted": true.`,
		Example: `  nerbench run --dataset dane
  nerbench run --dataset plank --model baseline --output markdown
  nerbench run --dataset conll2003 --data-dir ~/nerdata --split dev
  nerbench run --dataset dane --resume --results-dir results/
  nerbench run -d dane -m spacy --predictions spacy=spacy-dane-test.conll
  nerbench run -d dane --model-dir ./xlmr-ner --label-map PERSON=PER,EVT=O
  nerbench run --dataset dane --averages -o csv > dane.csv
  nerbench run --dataset dane --export-conll predictions/ && conlleval.pl < predictions/dane_test_baseline.conll`,
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
	f.BoolVar(&opts.averages, "averages", false, "add seqeval's macro and weighted F1 of the headline score to the table")
	f.StringVar(&opts.exportDir, "export-conll", "", "write each model's predictions as a word/gold/predicted CoNLL file to this folder")
	_ = cmd.MarkFlagDirname("export-conll")
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
		if strings.EqualFold(dataDatasets[i].Name, strings.TrimSpace(name)) {
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
	names, err := src.modelNames(opts.models)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		names = src.defaultModels()
	}
	var done []*results.File
	var runErr error
	for _, name := range names {
		f, err := src.runModel(ctx, name, scoring, opts.resume)
		if err == nil && opts.exportDir != "" {
			err = exportCoNLL(opts.exportDir, src.corpus, f)
		}
		if err != nil {
			runErr = err
			break
		}
		done = append(done, f)
	}
	interrupted := runErr != nil && errors.Is(runErr, context.Canceled)
	if len(done) > 0 || (interrupted && format == table.JSON) {
		if err := printRunTable(opts, format, src.ds, src.corpus, done, interrupted); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return runErr
}

// defaultModels returns the models a run without --model uses: those given
// with --model-dir, --model-file or --predictions when there are any, and then no other
// model is mentioned; otherwise every available registered model, and it
// says on the error stream which ones it skips and why.
func (src *source) defaultModels() []string {
	var given, avail []string
	var skipped []string
	for _, s := range src.reg.All() {
		if isGiven(s) {
			given = append(given, s.Name)
		} else if ok, why := src.reg.Availability(s, src.modelsDir); ok {
			avail = append(avail, s.Name)
		} else {
			skipped = append(skipped, fmt.Sprintf("skipping %s: %s", s.Name, why))
		}
	}
	if len(given) > 0 {
		return given
	}
	for _, l := range skipped {
		fmt.Fprintln(src.out.Err, l)
	}
	return avail
}

// safeName returns name with every character that is illegal or awkward in
// a file name on Linux, macOS or Windows, or in a markdown link, replaced
// by '-': path separators, the ':' of "dir:NAME", white space, control
// characters and <>"|?*. Result files and figures are named with it.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || unicode.IsSpace(r) || strings.ContainsRune(`:/\<>"|?*()[]`, r) {
			return '-'
		}
		return r
	}, name)
}

// resultPath is where the result of model on a dataset split is written,
// the model's name made safe by safeName.
func resultPath(dir, dataset, split, model string) string {
	return filepath.Join(dir, fmt.Sprintf("%s_%s_%s.json", dataset, split, safeName(model)))
}

// runModel predicts with the model called name (or reuses the predictions
// of a valid result file when resume is set), scores them, and writes the
// result file atomically.
func (src *source) runModel(ctx context.Context, name string, scoring results.Options, resume bool) (*results.File, error) {
	o := src.opts
	if err := os.MkdirAll(o.resultsDir, 0o755); err != nil {
		return nil, fmt.Errorf("results folder: %w", err)
	}
	spec, loaded, err := src.reg.Open(ctx, name, src.modelsDir, models.LoadOptions{BatchSize: o.batchSize, Threads: o.threads, Device: o.device, Log: src.out.Err, LabelMap: o.labelMap})
	if err != nil {
		return nil, err
	}
	defer loaded.Model.Close()
	name = spec.Name
	src.warnTrainingSplit(spec)
	ds, corpus := src.ds, src.corpus
	path := resultPath(o.resultsDir, ds.Name, corpus.Split, name)
	var pred [][]string
	if resume {
		if old, err := results.Load(path); err == nil {
			var why string
			if pred, why = old.CachedPredictions(corpus, loaded.Hash); pred != nil {
				if err := old.Verify(ctx, corpus, ds); err != nil {
					pred, why = nil, err.Error()
				}
			}
			if pred != nil {
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

// runTable builds the thesis-style table of finished results. With
// averages, the macro and weighted F1 of the headline score are added.
// corpus.Irregular is listed in the notes.
func runTable(ds *benchmarks.Dataset, corpus *benchmarks.Corpus, files []*results.File, averages bool) *table.Table {
	classes := datasetClasses(ds)
	t := &table.Table{
		Title:   fmt.Sprintf("%s %s: %d sentences, %d tokens", ds.Name, corpus.Split, files[0].Dataset.Sentences, files[0].Dataset.Tokens),
		Header:  append([]string{"Model", "Trained on", "F1", "Precision", "Recall", "F1 MISC off"}, classes...),
		Numeric: slices.Repeat([]bool{true}, 6+len(classes)+2),
	}
	t.Numeric[0], t.Numeric[1] = false, false
	if averages {
		t.Header = append(t.Header, "Macro F1", "Weighted F1")
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
			row = append(row, dashIfNaN(classF1(f, c)))
		}
		if averages {
			macro, weighted := averageF1(main)
			row = append(row, dashIfNaN(macro), dashIfNaN(weighted))
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
	if averages {
		t.Notes = append(t.Notes, "Macro F1 is the unweighted mean of the per-type F1, weighted F1 their mean weighted by gold entities (seqeval's classification_report), on the headline score.")
	}
	t.Notes = append(t.Notes, irregularNotes(corpus)...)
	return t
}

// irregularNotes lists the irregular tag sequences of c, worded as
// `nerbench data stats` words them.
func irregularNotes(c *benchmarks.Corpus) []string {
	var out []string
	for _, irr := range c.Irregular {
		out = append(out, fmt.Sprintf("irregular: %s %s, sentence %s (line %d, word %d): %s; kept as is, counted as its own chunk",
			c.Dataset, c.Split, irr.Sentence, irr.Line, irr.Word+1, irr.Reason))
	}
	return out
}

// classF1 returns the headline F1 of type c in percent: 0 when the model
// predicts the type but the score has no entity of it, NaN when the model
// does not predict it or MISC is scored off.
func classF1(f *results.File, c string) float64 {
	if !slices.Contains(f.Model.Types, c) || (c == "MISC" && f.Main == results.MainMISCOff) {
		return math.NaN()
	}
	return 100 * f.MainScore().PerType[c].F1
}

// averageF1 returns the macro and weighted F1 of s in percent, NaN when s
// has none.
func averageF1(s *results.Score) (macro, weighted float64) {
	macro, weighted = math.NaN(), math.NaN()
	if s.Macro != nil {
		macro = 100 * s.Macro.F1
	}
	if s.Weighted != nil {
		weighted = 100 * s.Weighted.F1
	}
	return macro, weighted
}

func dashIfNaN(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.2f", x)
}

// runCSV lays the results out for CSV: one row per model, one value per
// cell, scores in percent with four decimals, the thesis intervals in
// their own _lo and _hi columns, and an empty cell for a score that does
// not apply (no MISC, or a type the model does not predict). The title and
// notes are those of runTable.
func runCSV(ds *benchmarks.Dataset, corpus *benchmarks.Corpus, files []*results.File, averages bool) *table.Table {
	classes := datasetClasses(ds)
	text := runTable(ds, corpus, files, averages)
	t := &table.Table{
		Title: text.Title,
		Header: []string{"dataset", "split", "model", "trained_on", "main", "f1", "f1_lo", "f1_hi", "precision", "recall",
			"f1_misc_off", "f1_misc_off_lo", "f1_misc_off_hi", "precision_misc_off", "recall_misc_off"},
		Notes: text.Notes,
	}
	for _, c := range classes {
		t.Header = append(t.Header, "f1_"+strings.ToLower(c))
	}
	if averages {
		t.Header = append(t.Header, "macro_f1", "weighted_f1")
	}
	t.Header = append(t.Header, "gold_entities", "gold_entities_misc_off")
	num := func(x float64) string { return table.Float(100*x, 4) }
	for _, f := range files {
		main := f.MainScore()
		row := []string{f.Dataset.Name, f.Dataset.Split, f.Model.Name, f.Model.TrainedOn, f.Main}
		gold := ""
		if on := f.MISCOn; on != nil {
			row = append(row, num(on.Micro.F1), num(on.Intervals.ThesisF1.Lo), num(on.Intervals.ThesisF1.Hi), num(on.Micro.Precision), num(on.Micro.Recall))
			gold = strconv.Itoa(on.Micro.Gold)
		} else {
			row = append(row, "", "", "", "", "")
		}
		off := f.MISCOff
		row = append(row, num(off.Micro.F1), num(off.Intervals.ThesisF1.Lo), num(off.Intervals.ThesisF1.Hi), num(off.Micro.Precision), num(off.Micro.Recall))
		for _, c := range classes {
			row = append(row, table.Float(classF1(f, c), 4))
		}
		if averages {
			macro, weighted := averageF1(main)
			row = append(row, table.Float(macro, 4), table.Float(weighted, 4))
		}
		row = append(row, gold, strconv.Itoa(off.Micro.Gold))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// RunSchema names the JSON document of `nerbench run -o json`.
const RunSchema = "nerbench.run/v1"

// runJSON is the document of `run --output json` (schema nerbench.run/v1).
// Interrupted is true when the run was cancelled (Ctrl-C) before every
// model finished; Results then holds the finished ones. Irregular lists
// the split's irregular tag sequences, as `data stats -o json` does.
type runJSON struct {
	Schema      string        `json:"schema"`
	Interrupted bool          `json:"interrupted"`
	Irregular   []dataIrrJSON `json:"irregular_chunks"`
	Results     []runSummary  `json:"results"`
}

// runSummary is one element of runJSON's results: a result file without
// its predictions. Each score holds its macro and weighted averages.
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

func printRunTable(opts *runOptions, format table.Format, ds *benchmarks.Dataset, corpus *benchmarks.Corpus, files []*results.File, interrupted bool) error {
	if format == table.JSON {
		out := runJSON{Schema: RunSchema, Interrupted: interrupted, Irregular: []dataIrrJSON{}, Results: []runSummary{}}
		for _, irr := range corpus.Irregular {
			out.Irregular = append(out.Irregular, dataIrrJSON{Sentence: irr.Sentence, Line: irr.Line, Word: irr.Word + 1, Tag: irr.Tag, Reason: irr.Reason})
		}
		for _, f := range files {
			out.Results = append(out.Results, runSummary{
				File:  resultPath(opts.src.resultsDir, f.Dataset.Name, f.Dataset.Split, f.Model.Name),
				Model: f.Model, Dataset: f.Dataset, Scoring: f.Scoring, Main: f.Main, MainReason: f.MainReason,
				MISCOn: f.MISCOn, MISCOff: f.MISCOff,
			})
		}
		return writeJSON(opts.out.Out, out)
	}
	t := runTable(ds, corpus, files, opts.averages)
	if format == table.CSV {
		t = runCSV(ds, corpus, files, opts.averages)
	}
	if interrupted {
		t.Notes = append(t.Notes, fmt.Sprintf("interrupted: only the %d finished model(s) are shown", len(files)))
	}
	return t.Print(opts.out.Out, opts.out.Err, format)
}

// exportCoNLL writes the predictions of f on c to
// dir/<dataset>_<split>_<model>.conll atomically: one "word gold predicted"
// line per word, separated by single spaces, and a blank line after each
// sentence, as conlleval.pl reads. A word or tag that the format cannot
// hold is an error naming the sentence.
func exportCoNLL(dir string, c *benchmarks.Corpus, f *results.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--export-conll: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s_%s_%s.conll", f.Dataset.Name, f.Dataset.Split, safeName(f.Model.Name)))
	// Streamed to the file, so that no second copy of the predictions is
	// built in memory.
	err := atomicfile.Write(path, 0o644, func(out io.Writer) error {
		b := bufio.NewWriterSize(out, 64<<10)
		for i, s := range c.Sentences {
			pred := f.Predictions[i].Tags
			for j, w := range s.Words {
				for _, cell := range []string{w, s.Tags[j], pred[j]} {
					if cell == "" || cell == "-X-" || strings.IndexFunc(cell, unicode.IsSpace) >= 0 {
						return fmt.Errorf("sentence %s, word %d: %q cannot be written as a CoNLL column (empty, white space or -X-)", s.ID, j+1, cell)
					}
				}
				b.WriteString(w)
				b.WriteByte(' ')
				b.WriteString(s.Tags[j])
				b.WriteByte(' ')
				b.WriteString(pred[j])
				b.WriteByte('\n')
			}
			b.WriteByte('\n')
		}
		return b.Flush()
	})
	if err != nil {
		return fmt.Errorf("export predictions: %w", err)
	}
	return nil
}
