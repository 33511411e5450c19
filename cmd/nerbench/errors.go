package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/agreement"
	"github.com/nerbench/nerbench/internal/figures"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/seqeval"
)

// ErrorsSchema names the JSON document of `nerbench errors`.
const ErrorsSchema = "nerbench.errors/v1"

type errorsOptions struct {
	out      *streams
	src      sourceOptions
	model    string
	examples int
	figures  bool
	output   table.Format
	command  []string
}

func newErrorsCmd(s *streams, runF func(context.Context, *errorsOptions) error) *cobra.Command {
	opts := &errorsOptions{out: s}
	var output string
	cmd := &cobra.Command{
		Use:   "errors MODEL",
		Short: "Break a model's mistakes down by kind and entity type",
		Long: `Break down the predictions of MODEL on a dataset split:

  Error kinds   per gold type, the six outcomes of the DaLUKE thesis's
                Table 4.1: correct, spurious (a predicted entity that
                overlaps no gold one; counted under the predicted type),
                missing, wrong type (same span), wrong boundary (same type)
                and wrong type and boundary. Gold and predicted entities are
                paired one to one by seqeval's matcher; see 'go doc
                ./seqeval Match'.
  Confusion     the word-level confusion matrix of Table 6.22: gold labels
                in rows, predicted labels in columns, labels being the
                entity type or O; a dash marks a type the model does not
                predict.
  Examples      for each error kind, the first --examples sentences in
                corpus order, as aligned rows Text, Truth and the model's
                tags; ^ (bold in markdown) marks the words of the gold and
                the predicted entity.
  nervaluate    nervaluate's four schemas over the same entities, overall
                and per type: strict, exact (boundary), partial (boundary,
                half credit) and ent_type; see 'nerbench score --help'.

With --figures, the confusion matrix is also drawn as a heat map with the
counts in the cells, colour on a log scale, to
<results-dir>/figures/<dataset>_<split>_<model>_confusion.png and .svg.

The headline score's entities are used: MISC off when the model or the
dataset has no MISC. Predictions come from the result file of 'nerbench run'
in --results-dir, or the model predicts now (see 'nerbench coprediction
--help').

The result file's scores are checked against its predictions and the gold
data; a file that disagrees is refused, naming it.

JSON output (-o json) is the documented, versioned schema nerbench.errors/v1;
see 'go doc ./cmd/nerbench ErrorsJSON'. CSV output (-o csv) is one table in
long form, columns dataset, split, model, section (error_kinds, confusion
or nervaluate_<schema>), row, column and value, without the examples;
notes go to standard error.`,
		Example: `  nerbench errors baseline
  nerbench errors dabert --dataset plank --examples 3 -o markdown --figures
  nerbench errors b7 --model-file b7=b7.nbm.gz -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("errors needs one model, got %d argument(s)", len(args))
			}
			opts.model = args[0]
			if opts.examples < 0 {
				return flagErrorf("--examples must be at least 0, got %d", opts.examples)
			}
			f, err := table.ParseFormat(output, analysisFormats...)
			if err != nil {
				return flagErrorf("--output: %v", err)
			}
			opts.output = f
			opts.command = append([]string{"nerbench"}, os.Args[1:]...)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runErrors(cmd.Context(), opts)
		},
	}
	opts.src.addFlags(cmd.Flags(), "dane")
	cmd.Flags().IntVarP(&opts.examples, "examples", "n", 3, "example sentences per error kind")
	cmd.Flags().BoolVar(&opts.figures, "figures", false, "also draw the confusion matrix as a heat map, PNG and SVG, in <results-dir>/figures")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, markdown, csv or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "markdown", "csv", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runErrors(ctx context.Context, opts *errorsOptions) error {
	src, err := openSource(ctx, opts.out, &opts.src, opts.command)
	if err != nil {
		return err
	}
	f, err := src.checkedResult(ctx, opts.model)
	if err != nil {
		return err
	}
	doc, err := errorAnalysis(src.ds, src.corpus, f, opts.examples)
	if err != nil {
		return err
	}
	if opts.figures {
		dir := filepath.Join(opts.src.resultsDir, "figures")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("figures folder: %w", err)
		}
		paths, err := doc.saveConfusion(confusionFigureBase(dir, src.ds.Name, src.corpus.Split, f.Model.Name))
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.out.Err, "wrote %s\n", strings.Join(paths, " and "))
	}
	switch opts.output {
	case table.JSON:
		return writeJSON(opts.out.Out, doc)
	case table.CSV:
		return doc.csvTable().Print(opts.out.Out, opts.out.Err, table.CSV)
	}
	return doc.render(opts.out.Out, opts.output)
}

// ErrorsJSON is the document of `nerbench errors -o json`, schema
// "nerbench.errors/v1". Its keys are stable: a change to them gets a new
// schema version.
type ErrorsJSON struct {
	Schema  string          `json:"schema"`
	Dataset results.Dataset `json:"dataset"`
	Scoring results.Scoring `json:"scoring"`
	Model   analysisModel   `json:"model"`
	// MISC is "on" or "off": whether MISC entities were analysed.
	MISC string `json:"misc"`
	// Kinds lists the error kinds in column order.
	Kinds []string `json:"kinds"`
	// PerType counts the outcomes of each type, Total over all types.
	PerType []errorRow `json:"per_type"`
	Total   errorRow   `json:"total"`
	// Confusion is the word-level confusion matrix: Counts[i][j] words of
	// gold label Labels[i] predicted as Labels[j].
	Confusion confusionJSON `json:"confusion"`
	// Examples holds, per error kind (not correct), the number of such
	// errors and the first examples.
	Examples []errorExamples `json:"examples"`
	// Nervaluate holds nervaluate's four partial-match schemas (strict,
	// exact boundary, partial boundary with half credit, ent_type) over the
	// same entities, overall and per type.
	Nervaluate nervalJSON `json:"nervaluate"`
}

type errorRow struct {
	Type string `json:"type"`
	// Counts holds one count per kind, in Kinds order.
	Counts []int `json:"counts"`
}

type confusionJSON struct {
	Labels []string `json:"labels"`
	Counts [][]int  `json:"counts"`
}

type errorExamples struct {
	Kind     string    `json:"kind"`
	Count    int       `json:"count"`
	Examples []example `json:"examples"`
}

// errorAnalysis scores f's predictions against c and collects the error
// breakdown, the confusion matrix and up to n examples per error kind.
func errorAnalysis(ds *benchmarks.Dataset, c *benchmarks.Corpus, f *results.File, n int) (*ErrorsJSON, error) {
	so, err := scoringOptions(f)
	if err != nil {
		return nil, err
	}
	doc := &ErrorsJSON{Schema: ErrorsSchema, Dataset: f.Dataset, Scoring: f.Scoring, Model: modelOf(f), MISC: "on"}
	if f.Main == results.MainMISCOff {
		so.NoMisc = true
		doc.MISC = "off"
	}
	so.Details = true // the breakdown, the confusion matrix and the entities
	res, err := seqeval.Score(goldTags(c), f.Tags(), so)
	if err != nil {
		return nil, fmt.Errorf("score %s: %w", f.Model.Name, err)
	}
	doc.Nervaluate = newNervalJSON(seqeval.Nervaluate(res.Gold, res.Pred))
	for k := range seqeval.NumErrorKinds {
		doc.Kinds = append(doc.Kinds, k.String())
	}
	labels := orderLabels(datasetClasses(ds), res.Confusion.Labels)
	doc.Total = errorRow{Type: "All", Counts: make([]int, seqeval.NumErrorKinds)}
	for _, l := range labels[:len(labels)-1] {
		ec, ok := res.Errors[l]
		if !ok && !slices.Contains(ds.Types, l) {
			continue
		}
		doc.PerType = append(doc.PerType, errorRow{Type: l, Counts: ec[:]})
	}
	for k := range seqeval.NumErrorKinds {
		doc.Total.Counts[k] = res.ErrorTotal[k]
	}
	doc.Confusion.Labels = labels
	for _, g := range labels {
		row := make([]int, len(labels))
		for j, p := range labels {
			row[j] = res.Confusion.Count(g, p)
		}
		doc.Confusion.Counts = append(doc.Confusion.Counts, row)
	}
	for k := seqeval.Spurious; k < seqeval.NumErrorKinds; k++ {
		ex := errorExamples{Kind: k.String(), Count: res.ErrorTotal[k], Examples: []example{}}
		for _, m := range res.Matches {
			if m.Kind != k {
				continue
			}
			if len(ex.Examples) == n {
				break
			}
			s := c.Sentences[m.Sentence]
			var mark []int
			var note []string
			if m.Gold >= 0 {
				e := res.Gold[m.Sentence][m.Gold]
				mark = appendSpan(mark, e)
				note = append(note, "gold "+describe(e, s.Words))
			}
			if m.Pred >= 0 {
				e := res.Pred[m.Sentence][m.Pred]
				mark = appendSpan(mark, e)
				note = append(note, "predicted "+describe(e, s.Words))
			}
			slices.Sort(mark)
			ex.Examples = append(ex.Examples, example{
				Index: m.Sentence, ID: s.ID, Words: s.Words, Gold: s.Tags, Pred: f.Predictions[m.Sentence].Tags,
				Mark: slices.Compact(mark), Note: strings.Join(note, ", "),
			})
		}
		doc.Examples = append(doc.Examples, ex)
	}
	return doc, nil
}

// orderLabels puts the labels of a confusion matrix in the order of types,
// then the other types sorted, then "O"; every type of types is listed.
func orderLabels(types, labels []string) []string {
	out := slices.Clone(types)
	for _, l := range labels { // sorted, "O" last
		if l != agreement.Outside && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return append(out, agreement.Outside)
}

func appendSpan(dst []int, e seqeval.Entity) []int {
	for w := e.Start; w < e.End; w++ {
		dst = append(dst, w)
	}
	return dst
}

// describe writes an entity as `PER "Anders And" (words 1-2)`, 1-based.
func describe(e seqeval.Entity, words []string) string {
	span := fmt.Sprintf("words %d-%d", e.Start+1, e.End)
	if e.End == e.Start+1 {
		span = fmt.Sprintf("word %d", e.End)
	}
	return fmt.Sprintf("%s %q (%s)", e.Type, strings.Join(words[e.Start:e.End], " "), span)
}

var errorKindTitles = map[string]string{
	"correct": "Correct", "spurious": "Spurious", "missing": "Missing", "wrong_type": "Wrong type",
	"wrong_boundary": "Wrong boundary", "wrong_type_boundary": "Wrong type and boundary",
}

func (d *ErrorsJSON) tables() []*table.Table {
	where := fmt.Sprintf("%s on %s %s", d.Model.Name, d.Dataset.Name, d.Dataset.Split)
	kinds := &table.Table{
		Title:   "Error kinds of " + where + " (Table 4.1), MISC " + d.MISC,
		Header:  []string{"Type"},
		Numeric: []bool{false},
	}
	for _, k := range d.Kinds {
		kinds.Header = append(kinds.Header, errorKindTitles[k])
		kinds.Numeric = append(kinds.Numeric, true)
	}
	for _, r := range append(slices.Clone(d.PerType), d.Total) {
		row := []string{r.Type}
		for _, n := range r.Counts {
			row = append(row, fmt.Sprint(n))
		}
		kinds.Rows = append(kinds.Rows, row)
	}
	kinds.Notes = []string{"Entities are paired one to one; spurious entities count under the predicted type, all others under the gold type."}
	conf := &table.Table{
		Title:   "Word-level confusion matrix of " + where + " (Table 6.22): gold in rows, predicted in columns",
		Header:  append([]string{"Gold \\ Pred"}, d.Confusion.Labels...),
		Numeric: slices.Repeat([]bool{true}, len(d.Confusion.Labels)+1),
	}
	conf.Numeric[0] = false
	for i, g := range d.Confusion.Labels {
		row := []string{g}
		for j, p := range d.Confusion.Labels {
			if n := d.Confusion.Counts[i][j]; n == 0 && modelLacks(d.Model.Types, p) {
				row = append(row, "-")
			} else {
				row = append(row, fmt.Sprint(n))
			}
		}
		conf.Rows = append(conf.Rows, row)
	}
	conf.Notes = []string{"A dash marks a type the model does not predict."}
	return []*table.Table{kinds, conf}
}

// saveConfusion draws the confusion matrix as a heat map with the counts
// in the cells (a dash for a type the model does not predict) and saves it
// as base.png and base.svg.
func (d *ErrorsJSON) saveConfusion(base string) ([]string, error) {
	labels := d.Confusion.Labels
	values := make([][]float64, len(labels))
	cells := make([][]string, len(labels))
	for i := range labels {
		for j, p := range labels {
			v := d.Confusion.Counts[i][j]
			values[i] = append(values[i], float64(v))
			if v == 0 && modelLacks(d.Model.Types, p) {
				cells[i] = append(cells[i], "–")
			} else {
				cells[i] = append(cells[i], fmt.Sprint(v))
			}
		}
	}
	p, err := figures.Heatmap(fmt.Sprintf("%s on %s %s: words (colour on a log scale)", d.Model.Name, d.Dataset.Name, d.Dataset.Split),
		"Predicted", "Gold", labels, labels, values, cells, "", true)
	if err != nil {
		return nil, err
	}
	return figures.Save(p, base)
}

// confusionFigureBase is where the confusion heat map of a model is saved,
// without extension: <results-dir>/figures/<dataset>_<split>_<model>_confusion,
// the model's name made safe as in result file names (safeName).
func confusionFigureBase(figDir, dataset, split, model string) string {
	return filepath.Join(figDir, fmt.Sprintf("%s_%s_%s_confusion", dataset, split, safeName(model)))
}

func (d *ErrorsJSON) render(w io.Writer, f table.Format) error {
	if err := renderTables(w, f, d.tables()); err != nil {
		return err
	}
	for _, ex := range d.Examples {
		title := fmt.Sprintf("%s: %d of %d shown", errorKindTitles[ex.Kind], len(ex.Examples), ex.Count)
		if err := renderExamples(w, f, title, []string{"Text", "Truth", d.Model.Name}, ex.Examples); err != nil {
			return err
		}
	}
	return d.Nervaluate.render(w, f, fmt.Sprintf("nervaluate's partial-match schemas of %s on %s %s, MISC %s", d.Model.Name, d.Dataset.Name, d.Dataset.Split, d.MISC))
}
