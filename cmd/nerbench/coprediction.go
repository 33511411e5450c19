package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/internal/agreement"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/seqeval"
)

// CopredictionSchema and CopredictionAllSchema name the JSON documents of
// `nerbench coprediction` and `nerbench coprediction --all`.
const (
	CopredictionSchema    = "nerbench.coprediction/v1"
	CopredictionAllSchema = "nerbench.coprediction-all/v1"
)

// analysisFormats are the output formats of the analysis commands.
var analysisFormats = []table.Format{table.Text, table.Markdown, table.CSV, table.JSON}

// scoringOptions returns the seqeval options a result file was scored with.
func scoringOptions(f *results.File) (seqeval.Options, error) {
	mode, err := seqeval.ParseMode(f.Scoring.Mode)
	if err != nil {
		return seqeval.Options{}, fmt.Errorf("result of %s: %w", f.Model.Name, err)
	}
	o := seqeval.Options{Mode: mode, Map: f.Scoring.Map}
	if f.Scoring.Scheme != "" {
		if o.Scheme, err = seqeval.ParseScheme(f.Scoring.Scheme); err != nil {
			return seqeval.Options{}, fmt.Errorf("result of %s: %w", f.Model.Name, err)
		}
	}
	return o, nil
}

// goldTags returns the gold tags of c.
func goldTags(c *benchmarks.Corpus) [][]string {
	g := make([][]string, len(c.Sentences))
	for i, s := range c.Sentences {
		g[i] = s.Tags
	}
	return g
}

// modelLacks reports whether a model with the given types never predicts
// label; nil types mean unknown, and "O" is never lacking.
func modelLacks(types []string, label string) bool {
	return types != nil && label != agreement.Outside && !slices.Contains(types, label)
}

type copredictionOptions struct {
	out      *streams
	src      sourceOptions
	a, b     string
	all      string // reference model of --all
	examples int
	output   table.Format
	command  []string
}

func newCopredictionCmd(s *streams, runF func(context.Context, *copredictionOptions) error) *cobra.Command {
	opts := &copredictionOptions{out: s}
	var output string
	cmd := &cobra.Command{
		Use:   "coprediction A B | --all REF",
		Short: "Compare the predictions of two models word by word",
		Long: `Compare the predictions of models A and B on a dataset split, after the
DaLUKE thesis section 6.3.3, and beyond it:

  Agreement      the word-level co-prediction rate of Table 6.24 (words
                 given the same label by A and B, labels being the entity
                 type or O), the same rate over the words that A or B puts
                 in an entity, and the entity-level agreement: the Jaccard
                 index |A∩B|/|A∪B| of the predicted entities (same span and
                 type)
  A vs B         the word-level matrix of Tables 6.25 and 6.27, rows A's
                 labels and columns B's; a dash marks a type the model
                 does not predict
  By gold        for each gold class, the words (and gold entities) that
                 both models get right, only A, only B, or neither (and of
                 those, how many both get wrong the same way)
  Significance   the F1 difference A − B with its paired-bootstrap interval,
                 and the paired-bootstrap and approximate-randomisation
                 p-values (see 'go doc ./confidence Comparison'), on the
                 headline score: with MISC off when either model or the
                 dataset has no MISC
  Examples       the first --examples sentences, in corpus order, on which
                 the predicted tags differ, as aligned rows Text, Truth, A
                 and B like Tables 6.26 and 6.28; ^ marks (and bold in
                 markdown) the words whose tags differ

Predictions come from the result files of 'nerbench run' in --results-dir
(<dataset>_<split>_<model>.json), when the model's hash in the file matches
the model as it is now (its files, and any --label-map), as 'nerbench run
--resume' checks; a model whose result file is missing or stale predicts now
and its result file is written, as 'nerbench run' would. A model that
cannot be loaded here is used from its result file as it is, with a note.
--model-file NAME=PATH makes a baseline trained with 'nerbench train
baseline' available as NAME, --model-dir DIR an ONNX export, and
--predictions NAME=FILE predictions made elsewhere (see 'nerbench run
--help').

With --all REF, prints Table 6.24 for REF against every other model that has
a result file for the split or is available to predict.

Each result file's scores are checked against its predictions and the gold
data; a file that disagrees is refused, naming it.

JSON output (-o json) is the documented, versioned schema
nerbench.coprediction/v1 (nerbench.coprediction-all/v1 with --all); see
'go doc ./cmd/nerbench CopredictionJSON'. CSV output (-o csv) is one table
in long form, columns dataset, split, a, b, section, row, column and value,
one number per row (percentages with four decimals, counts), without the
examples; with --all, one row per model. Notes go to standard error.`,
		Example: `  nerbench coprediction baseline dabert
  nerbench coprediction daluke dacy-large --examples 10 -o markdown
  nerbench coprediction baseline b7 --model-file b7=b7.nbm.gz -o json
  nerbench coprediction --all daluke --results-dir results/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.all != "" && len(args) != 0:
				return flagErrorf("--all takes no model arguments, got %s", strings.Join(args, " "))
			case opts.all == "" && len(args) != 2:
				return flagErrorf("coprediction needs two models A and B, or --all REF; got %d argument(s)", len(args))
			case opts.all == "" && strings.EqualFold(strings.TrimSpace(args[0]), strings.TrimSpace(args[1])):
				return flagErrorf("A and B are both %s: compare two different models", args[0])
			}
			if opts.all == "" {
				opts.a, opts.b = args[0], args[1]
			}
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
			return runCoprediction(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.src.addFlags(fl, "dane")
	fl.StringVar(&opts.all, "all", "", "print Table 6.24: REF against every other model")
	fl.IntVarP(&opts.examples, "examples", "n", 5, "sentences where the models differ to show")
	fl.StringVarP(&output, "output", "o", "text", "output format: text, markdown, csv or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "markdown", "csv", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// checkedResult is src.result with the scores of the result file checked
// against its predictions and the gold data (results.File.Verify): a file
// that disagrees is refused, naming it.
func (src *source) checkedResult(ctx context.Context, name string) (*results.File, error) {
	f, err := src.result(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := f.Verify(ctx, src.corpus, src.ds); err != nil {
		if spec, lerr := src.reg.Lookup(name); lerr == nil {
			name = spec.Name // names are case-insensitive; the file has the model's own
		}
		path := resultPath(src.opts.resultsDir, src.ds.Name, src.corpus.Split, name)
		return nil, fmt.Errorf("%s: %w; run 'nerbench run --dataset %s --split %s --model %s' again", path, err, src.ds.Name, src.corpus.Split, name)
	}
	return f, nil
}

func runCoprediction(ctx context.Context, opts *copredictionOptions) error {
	src, err := openSource(ctx, opts.out, &opts.src, opts.command)
	if err != nil {
		return err
	}
	if opts.all != "" {
		return runCopredictionAll(ctx, opts, src)
	}
	fa, err := src.checkedResult(ctx, opts.a)
	if err != nil {
		return err
	}
	fb, err := src.checkedResult(ctx, opts.b)
	if err != nil {
		return err
	}
	doc, err := copredict(ctx, src, fa, fb, opts.examples)
	if err != nil {
		return err
	}
	switch opts.output {
	case table.JSON:
		return writeJSON(opts.out.Out, doc)
	case table.CSV:
		return doc.csvTable().Print(opts.out.Out, opts.out.Err, table.CSV)
	}
	return doc.render(opts.out.Out, opts.output)
}

// CopredictionJSON is the document of `nerbench coprediction -o json`,
// schema "nerbench.coprediction/v1". Rates are fractions in 0..1; F1
// differences are A − B, fractions in −1..1. Its keys are stable: a change
// to them gets a new schema version.
type CopredictionJSON struct {
	Schema  string          `json:"schema"`
	Dataset results.Dataset `json:"dataset"`
	Scoring results.Scoring `json:"scoring"`
	A       analysisModel   `json:"a"`
	B       analysisModel   `json:"b"`
	// WordAgreement is Table 6.24's rate; EntityWordAgreement the rate on
	// words that A or B puts in an entity.
	WordAgreement       rate `json:"word_agreement"`
	EntityWordAgreement rate `json:"entity_word_agreement"`
	// EntityAgreement is the Jaccard index of the predicted entities.
	EntityAgreement entityAgreement `json:"entity_agreement"`
	// Labels are the rows and columns of Matrix: entity types, then "O".
	// Matrix[i][j] counts words A labels Labels[i] and B labels Labels[j].
	Labels []string `json:"labels"`
	Matrix [][]int  `json:"matrix"`
	// WordsByGold and EntitiesByGold split each gold class by which model
	// is right.
	WordsByGold    []agreement.Split `json:"words_by_gold"`
	EntitiesByGold []agreement.Split `json:"entities_by_gold"`
	Significance   significance      `json:"significance"`
	// DifferingSentences counts the sentences whose predicted tags differ;
	// Examples holds the first of them.
	DifferingSentences int       `json:"differing_sentences"`
	Examples           []example `json:"examples"`
}

// analysisModel identifies a model in the analysis documents.
type analysisModel struct {
	Name      string   `json:"name"`
	TrainedOn string   `json:"trained_on"`
	Types     []string `json:"types"`
	Hash      string   `json:"hash"`
}

type rate struct {
	Agree int     `json:"agree"`
	Total int     `json:"total"`
	Rate  float64 `json:"rate"`
}

type entityAgreement struct {
	Both    int     `json:"both"`
	A       int     `json:"a"`
	B       int     `json:"b"`
	Jaccard float64 `json:"jaccard"`
}

// significance is the paired test of the F1 difference.
type significance struct {
	// MISC is "on" or "off": whether MISC entities were scored.
	MISC       string                `json:"misc"`
	F1A        float64               `json:"f1_a"`
	F1B        float64               `json:"f1_b"`
	Comparison confidence.Comparison `json:"comparison"`
}

// example is one sentence shown with its gold and predicted tags. Mark
// holds the 0-based indices of the marked words.
type example struct {
	Index  int      `json:"index"`
	ID     string   `json:"id"`
	Words  []string `json:"words"`
	Gold   []string `json:"gold"`
	A      []string `json:"a,omitempty"`
	B      []string `json:"b,omitempty"`
	Pred   []string `json:"pred,omitempty"`
	Mark   []int    `json:"mark"`
	ARight *bool    `json:"a_right,omitempty"`
	BRight *bool    `json:"b_right,omitempty"`
	Note   string   `json:"note,omitempty"`
}

func modelOf(f *results.File) analysisModel {
	return analysisModel{Name: f.Model.Name, TrainedOn: f.Model.TrainedOn, Types: f.Model.Types, Hash: f.Model.Hash}
}

func newRate(n, d int, r float64) rate { return rate{Agree: n, Total: d, Rate: r} }

// copredict compares the results fa and fb on the source's gold corpus.
func copredict(ctx context.Context, src *source, fa, fb *results.File, examples int) (*CopredictionJSON, error) {
	sa, err := scoringOptions(fa)
	if err != nil {
		return nil, err
	}
	if fa.Scoring.Mode != fb.Scoring.Mode || fa.Scoring.Scheme != fb.Scoring.Scheme || !equalMaps(fa.Scoring.Map, fb.Scoring.Map) {
		return nil, fmt.Errorf("%s and %s were scored differently (%s %s and %s %s): run them again with the same --mode and --scheme",
			fa.Model.Name, fb.Model.Name, fa.Scoring.Mode, fa.Scoring.Scheme, fb.Scoring.Mode, fb.Scoring.Scheme)
	}
	gold := goldTags(src.corpus)
	types := datasetClasses(src.ds)
	r, err := agreement.Compare(gold, fa.Tags(), fb.Tags(), agreement.Options{Scoring: sa, Types: types})
	if err != nil {
		return nil, fmt.Errorf("compare %s with %s: %w", fa.Model.Name, fb.Model.Name, err)
	}
	doc := &CopredictionJSON{
		Schema: CopredictionSchema, Dataset: fa.Dataset, Scoring: fa.Scoring,
		A: modelOf(fa), B: modelOf(fb),
		WordAgreement:       newRate(r.WordAgree, r.Words, r.WordAgreement()),
		EntityWordAgreement: newRate(r.EntityWordAgree, r.EntityWords, r.EntityWordAgreement()),
		EntityAgreement:     entityAgreement{Both: r.EntitiesBoth, A: r.EntitiesA, B: r.EntitiesB, Jaccard: r.EntityAgreement()},
		Labels:              r.Labels, Matrix: r.Matrix,
		WordsByGold: r.WordsByGold, EntitiesByGold: r.EntitiesByGold,
		DifferingSentences: len(r.Differences),
	}
	// The test uses the headline score: MISC off when either model has it off.
	counts := r
	doc.Significance.MISC = "on"
	if fa.Main == results.MainMISCOff || fb.Main == results.MainMISCOff {
		doc.Significance.MISC = "off"
		off := sa
		off.NoMisc = true
		if counts, err = agreement.Compare(gold, fa.Tags(), fb.Tags(), agreement.Options{Scoring: off, Types: types}); err != nil {
			return nil, fmt.Errorf("compare %s with %s, MISC off: %w", fa.Model.Name, fb.Model.Name, err)
		}
	}
	cmpr, err := confidence.Compare(ctx, counts.CountsA, counts.CountsB, confidence.Config{Seed: src.opts.seed, Resamples: src.opts.resamples})
	if err != nil {
		return nil, fmt.Errorf("significance test: %w", err)
	}
	doc.Significance.F1A = confidence.Sum(counts.CountsA).F1()
	doc.Significance.F1B = confidence.Sum(counts.CountsB).F1()
	doc.Significance.Comparison = cmpr
	doc.Examples = []example{}
	for _, d := range r.Differences {
		if len(doc.Examples) == examples {
			break
		}
		s := src.corpus.Sentences[d.Sentence]
		ar, br := d.ARight, d.BRight
		doc.Examples = append(doc.Examples, example{
			Index: d.Sentence, ID: s.ID, Words: s.Words, Gold: s.Tags,
			A: fa.Predictions[d.Sentence].Tags, B: fb.Predictions[d.Sentence].Tags,
			Mark: d.Words, ARight: &ar, BRight: &br, Note: verdict(fa.Model.Name, fb.Model.Name, ar, br),
		})
	}
	return doc, nil
}

func verdict(a, b string, ar, br bool) string {
	switch {
	case ar && br:
		return "both find the gold entities"
	case ar:
		return "only " + a + " finds the gold entities"
	case br:
		return "only " + b + " finds the gold entities"
	}
	return "neither finds the gold entities"
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// percent formats a fraction as a percentage with two decimals.
func percent(x float64) string { return fmt.Sprintf("%.2f %%", 100*x) }

// tables returns the co-prediction tables, without the examples.
func (d *CopredictionJSON) tables() []*table.Table {
	a, b := d.A.Name, d.B.Name
	where := fmt.Sprintf("%s %s, %d sentences, %d words", d.Dataset.Name, d.Dataset.Split, d.Dataset.Sentences, d.Dataset.Tokens)
	summary := &table.Table{
		Title:   fmt.Sprintf("Co-prediction of %s (A) and %s (B) on %s", a, b, where),
		Header:  []string{"Measure", "Rate", "Count"},
		Numeric: []bool{false, true, true},
		Rows: [][]string{
			{"Word agreement (Table 6.24)", percent(d.WordAgreement.Rate), fmt.Sprintf("%d / %d words", d.WordAgreement.Agree, d.WordAgreement.Total)},
			{"Agreement on entity words", percent(d.EntityWordAgreement.Rate), fmt.Sprintf("%d / %d words in an entity of A or B", d.EntityWordAgreement.Agree, d.EntityWordAgreement.Total)},
			{"Entity agreement (Jaccard)", percent(d.EntityAgreement.Jaccard), fmt.Sprintf("%d shared / %d of A, %d of B", d.EntityAgreement.Both, d.EntityAgreement.A, d.EntityAgreement.B)},
			{"Sentences whose tags differ", percent(fracOf(d.DifferingSentences, d.Dataset.Sentences)), fmt.Sprintf("%d / %d sentences", d.DifferingSentences, d.Dataset.Sentences)},
		},
		Notes: []string{"A word's label is its entity type or O (B-/I- prefixes stripped); entities agree when span and type are equal."},
	}
	matrix := &table.Table{
		Title:   fmt.Sprintf("Words labelled by %s (rows) and %s (columns), as Tables 6.25 and 6.27", a, b),
		Header:  append([]string{a + " \\ " + b}, d.Labels...),
		Numeric: slices.Repeat([]bool{true}, len(d.Labels)+1),
	}
	matrix.Numeric[0] = false
	for i, l := range d.Labels {
		row := []string{l}
		for j, m := range d.Labels {
			if d.Matrix[i][j] == 0 && (modelLacks(d.A.Types, l) || modelLacks(d.B.Types, m)) {
				row = append(row, "-")
			} else {
				row = append(row, fmt.Sprint(d.Matrix[i][j]))
			}
		}
		matrix.Rows = append(matrix.Rows, row)
	}
	matrix.Notes = append(matrix.Notes, "A dash marks a type the model does not predict.")
	byGold := func(title, unit string, splits []agreement.Split, same bool) *table.Table {
		t := &table.Table{
			Title:   title,
			Header:  []string{"Gold", unit, "Both right", "Only " + a, "Only " + b, "Both wrong"},
			Numeric: []bool{false, true, true, true, true, true, true},
		}
		if same {
			t.Header = append(t.Header, "Same mistake")
		}
		var tot agreement.Split
		for _, s := range append(splits, agreement.Split{}) {
			if s.Label == "" {
				s = tot
				s.Label = "All"
			} else {
				tot.Total += s.Total
				tot.Both += s.Both
				tot.OnlyA += s.OnlyA
				tot.OnlyB += s.OnlyB
				tot.Neither += s.Neither
				tot.NeitherSame += s.NeitherSame
			}
			row := []string{s.Label, fmt.Sprint(s.Total), fmt.Sprint(s.Both), fmt.Sprint(s.OnlyA), fmt.Sprint(s.OnlyB), fmt.Sprint(s.Neither)}
			if same {
				row = append(row, fmt.Sprint(s.NeitherSame))
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	}
	words := byGold("Words by gold label: which model labels them right", "Words", d.WordsByGold, true)
	words.Notes = []string{"Same mistake: both wrong with the same label."}
	ents := byGold("Gold entities: which model predicts them exactly (span and type)", "Entities", d.EntitiesByGold, false)
	sg := d.Significance
	c := sg.Comparison
	sig := &table.Table{
		Title:   "Paired significance test of the F1 difference",
		Header:  []string{"F1 " + a, "F1 " + b, "Difference", fmt.Sprintf("%.0f %% interval", 100*c.Level), "p bootstrap", "p randomisation"},
		Numeric: []bool{true, true, true, true, true, true},
		Rows: [][]string{{pct(sg.F1A), pct(sg.F1B), fmt.Sprintf("%+.2f", 100*c.F1.Estimate),
			fmt.Sprintf("[%+.2f, %+.2f]", 100*c.F1.Lo, 100*c.F1.Hi), fmt.Sprintf("%.4f", c.PBootstrap), fmt.Sprintf("%.4f", c.PRandomization)}},
		Notes: []string{fmt.Sprintf("Micro F1 in %%, MISC %s; difference %s − %s in points. Paired sentence bootstrap and approximate randomisation, %d resamples, seed %d.",
			sg.MISC, a, b, c.Resamples, c.Seed)},
	}
	return []*table.Table{summary, matrix, words, ents, sig}
}

func fracOf(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func (d *CopredictionJSON) render(w io.Writer, f table.Format) error {
	if err := renderTables(w, f, d.tables()); err != nil {
		return err
	}
	title := fmt.Sprintf("Sentences where %s and %s differ (%d of %d shown, corpus order)", d.A.Name, d.B.Name, len(d.Examples), d.DifferingSentences)
	return renderExamples(w, f, title, []string{"Text", "Truth", d.A.Name, d.B.Name}, d.Examples)
}

// renderTables renders tables separated by blank lines.
func renderTables(w io.Writer, f table.Format, ts []*table.Table) error {
	for i, t := range ts {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if err := t.Render(w, f); err != nil {
			return err
		}
	}
	return nil
}

// renderExamples writes examples as aligned rows: the words, the gold tags
// and the predicted tags (A and B, or Pred). In text the marked words get a
// ^ row under them; in markdown they are bold.
func renderExamples(w io.Writer, f table.Format, title string, rowNames []string, exs []example) error {
	if len(exs) == 0 {
		return nil
	}
	var b strings.Builder
	if f == table.Markdown {
		fmt.Fprintf(&b, "\n**%s**\n", title)
	} else {
		fmt.Fprintf(&b, "\n%s\n", title)
	}
	for _, ex := range exs {
		rows := [][]string{ex.Words, ex.Gold}
		if ex.Pred != nil {
			rows = append(rows, ex.Pred)
		} else {
			rows = append(rows, ex.A, ex.B)
		}
		head := fmt.Sprintf("sentence %d (%s)", ex.Index+1, ex.ID)
		if ex.Note != "" {
			head += ": " + ex.Note
		}
		if f == table.Markdown {
			writeMarkdownExample(&b, head, rowNames, rows, ex.Mark)
		} else {
			writeTextExample(&b, head, rowNames, rows, ex.Mark)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTextExample(b *strings.Builder, head string, names []string, rows [][]string, mark []int) {
	fmt.Fprintf(b, "\n%s\n", head)
	nameW := 0
	for _, n := range names {
		nameW = max(nameW, len([]rune(n)))
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	line := func(name string, cells []string) {
		var l strings.Builder
		fmt.Fprintf(&l, "%-*s", nameW, name)
		for i, c := range cells {
			fmt.Fprintf(&l, "  %-*s", widths[i], c)
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	for i, r := range rows {
		line(names[i], r)
	}
	marks := make([]string, len(widths))
	for _, m := range mark {
		marks[m] = strings.Repeat("^", widths[m])
	}
	line("", marks)
}

func writeMarkdownExample(b *strings.Builder, head string, names []string, rows [][]string, mark []int) {
	fmt.Fprintf(b, "\n%s\n\n", head)
	cell := func(s string, bold bool) string {
		s = strings.ReplaceAll(s, "|", `\|`)
		if bold {
			return "**" + s + "**"
		}
		return s
	}
	b.WriteString("| " + cell(names[0], false) + " |")
	for i, wd := range rows[0] {
		b.WriteString(" " + cell(wd, slices.Contains(mark, i)) + " |")
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(rows[0])))
	b.WriteByte('\n')
	for r := 1; r < len(rows); r++ {
		b.WriteString("| " + cell(names[r], false) + " |")
		for i, t := range rows[r] {
			b.WriteString(" " + cell(t, slices.Contains(mark, i)) + " |")
		}
		b.WriteByte('\n')
	}
}

// CopredictionAllJSON is the document of `nerbench coprediction --all REF
// -o json`, schema "nerbench.coprediction-all/v1": Table 6.24 for REF
// against every other model, in the order of the rows.
type CopredictionAllJSON struct {
	Schema    string          `json:"schema"`
	Dataset   results.Dataset `json:"dataset"`
	Reference analysisModel   `json:"reference"`
	Rows      []copredRow     `json:"rows"`
	// Skipped lists the models without predictions, with the reason.
	Skipped []skippedModel `json:"skipped"`
}

type skippedModel struct {
	Model  string `json:"model"`
	Reason string `json:"reason"`
}

type copredRow struct {
	Model               analysisModel   `json:"model"`
	WordAgreement       rate            `json:"word_agreement"`
	EntityWordAgreement rate            `json:"entity_word_agreement"`
	EntityAgreement     entityAgreement `json:"entity_agreement"`
	Significance        significance    `json:"significance"`
}

// otherModels returns the names of the models other than ref that have a
// result file for the source's split or can predict, in registry order and
// then in file name order, and the reasons others were skipped.
func (src *source) otherModels(ref string) ([]string, []skippedModel, error) {
	var names []string
	skipped := []skippedModel{}
	cached := map[string]bool{}
	prefix := src.ds.Name + "_" + src.corpus.Split + "_"
	entries, err := os.ReadDir(src.opts.resultsDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("results folder: %w", err)
	}
	var fileNames []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".json") {
			m := strings.TrimSuffix(strings.TrimPrefix(n, prefix), ".json")
			cached[m] = true
			fileNames = append(fileNames, m)
		}
	}
	for _, s := range src.reg.All() {
		if strings.EqualFold(s.Name, ref) {
			continue
		}
		if cached[safeName(s.Name)] {
			names = append(names, s.Name)
			delete(cached, safeName(s.Name))
			continue
		}
		if ok, why := src.reg.Availability(s, src.modelsDir); ok {
			names = append(names, s.Name)
		} else {
			skipped = append(skipped, skippedModel{Model: s.Name, Reason: why})
		}
	}
	for _, m := range fileNames {
		if cached[m] && m != safeName(ref) && !slices.Contains(names, m) {
			names = append(names, m)
		}
	}
	return names, skipped, nil
}

func runCopredictionAll(ctx context.Context, opts *copredictionOptions, src *source) error {
	if spec, err := src.reg.Lookup(opts.all); err == nil {
		opts.all = spec.Name // names are case-insensitive
	}
	ref, err := src.checkedResult(ctx, opts.all)
	if err != nil {
		return err
	}
	names, skipped, err := src.otherModels(opts.all)
	if err != nil {
		return err
	}
	doc := &CopredictionAllJSON{Schema: CopredictionAllSchema, Dataset: ref.Dataset, Reference: modelOf(ref), Rows: []copredRow{}, Skipped: skipped}
	for _, n := range names {
		f, err := src.checkedResult(ctx, n)
		if err != nil {
			return err
		}
		d, err := copredict(ctx, src, ref, f, 0)
		if err != nil {
			return err
		}
		doc.Rows = append(doc.Rows, copredRow{
			Model: d.B, WordAgreement: d.WordAgreement, EntityWordAgreement: d.EntityWordAgreement,
			EntityAgreement: d.EntityAgreement, Significance: d.Significance,
		})
	}
	for _, s := range skipped {
		fmt.Fprintf(opts.out.Err, "skipping %s: %s\n", s.Model, s.Reason)
	}
	switch opts.output {
	case table.JSON:
		return writeJSON(opts.out.Out, doc)
	case table.CSV:
		return doc.csvTable().Print(opts.out.Out, opts.out.Err, table.CSV)
	}
	return doc.table().Render(opts.out.Out, opts.output)
}

func (d *CopredictionAllJSON) table() *table.Table {
	ref := d.Reference.Name
	t := &table.Table{
		Title: fmt.Sprintf("Co-prediction of %s with every other model on %s %s (Table 6.24)", ref, d.Dataset.Name, d.Dataset.Split),
		Header: []string{"Model", "Trained on", "Word agreement", "Entity-word agreement", "Entity agreement",
			"MISC", "F1 " + ref + " − model", "p bootstrap", "p randomisation"},
		Numeric: []bool{false, false, true, true, true, false, true, true, true},
	}
	for _, r := range d.Rows {
		c := r.Significance.Comparison
		t.Rows = append(t.Rows, []string{r.Model.Name, r.Model.TrainedOn, pct(r.WordAgreement.Rate), pct(r.EntityWordAgreement.Rate),
			pct(r.EntityAgreement.Jaccard), r.Significance.MISC, fmt.Sprintf("%+.2f", 100*c.F1.Estimate), fmt.Sprintf("%.4f", c.PBootstrap), fmt.Sprintf("%.4f", c.PRandomization)})
	}
	t.Notes = []string{
		"In %: word agreement is the share of words with the same label (type or O); entity-word agreement the same over words in an entity of either model; entity agreement the Jaccard index of the predicted entities.",
	}
	if len(d.Rows) > 0 {
		c := d.Rows[0].Significance.Comparison
		t.Notes = append(t.Notes, fmt.Sprintf("F1 difference in points on the headline score (MISC on or off) with paired tests of %d resamples, seed %d.", c.Resamples, c.Seed))
	}
	if len(d.Skipped) > 0 {
		var names []string
		for _, s := range d.Skipped {
			names = append(names, s.Model)
		}
		t.Notes = append(t.Notes, "No predictions, skipped: "+strings.Join(names, ", ")+" (the log says why).")
	}
	return t
}
