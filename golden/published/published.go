package published

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed table-*.json
var files embed.FS

// Schema is the value of the "schema" field of every table file.
const Schema = "nerbench.published/v1"

// ErrUnknownTable is returned by ByID for a table number that is not stored.
var ErrUnknownTable = errors.New("unknown published table")

// ErrFormat is wrapped by every error about a malformed table file.
var ErrFormat = errors.New("malformed published table")

// Metric names one score. All scores are percentages (0 to 100).
type Metric string

// The metrics the thesis tables report. Micro averages count entities over
// all types; the NoMISC variants score with MISC removed from gold and
// predictions alike (the thesis' "F1 ⁒MISC", treating MISC as the null
// class). Per-type F1 does not depend on whether MISC is scored.
const (
	F1              Metric = "f1"
	Precision       Metric = "precision"
	Recall          Metric = "recall"
	F1NoMISC        Metric = "f1_no_misc"
	PrecisionNoMISC Metric = "precision_no_misc"
	RecallNoMISC    Metric = "recall_no_misc"
	F1LOC           Metric = "f1_loc"
	F1PER           Metric = "f1_per"
	F1ORG           Metric = "f1_org"
	F1MISC          Metric = "f1_misc"
)

var metricLabels = map[Metric]string{
	F1:              "F1",
	Precision:       "Precision",
	Recall:          "Recall",
	F1NoMISC:        "F1 without MISC",
	PrecisionNoMISC: "Precision without MISC",
	RecallNoMISC:    "Recall without MISC",
	F1LOC:           "F1 LOC",
	F1PER:           "F1 PER",
	F1ORG:           "F1 ORG",
	F1MISC:          "F1 MISC",
}

// Metrics returns every known metric in display order.
func Metrics() []Metric {
	return []Metric{F1, Precision, Recall, F1NoMISC, PrecisionNoMISC, RecallNoMISC, F1LOC, F1PER, F1ORG, F1MISC}
}

// Label returns the metric's name for tables, such as "F1 without MISC".
// An unknown metric is returned as it is.
func (m Metric) Label() string {
	if l, ok := metricLabels[m]; ok {
		return l
	}
	return string(m)
}

// Known reports whether m is one of the metrics listed by Metrics.
func (m Metric) Known() bool {
	_, ok := metricLabels[m]
	return ok
}

// State says what a table cell holds.
type State uint8

// The cell states. The thesis distinguishes a dash from an empty cell, and
// so does this package.
const (
	// NotReported is a cell the thesis leaves empty or has no column for.
	NotReported State = iota
	// Reported is a cell holding a number.
	Reported
	// Dash is the thesis' "--": the model does not predict the type, or the
	// test set holds none of it.
	Dash
)

// String returns "not reported", "reported" or "dash".
func (s State) String() string {
	switch s {
	case NotReported:
		return "not reported"
	case Reported:
		return "reported"
	case Dash:
		return "dash"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Cell is one published number.
type Cell struct {
	State State
	// Value is the number as printed, in percent; zero unless State is
	// Reported.
	Value float64
	// Decimals is the number of decimals printed, so that 87.0 keeps 1.
	Decimals int
	// HasPM is true when the thesis prints "± PM" after the number; PM is
	// then the half-width in percentage points.
	HasPM bool
	PM    float64
	// Text is the cell as stored: "82.9 ± 3", "--", or "" when not reported.
	Text string
}

// String returns the cell as printed, "--" for a dash and "" when not
// reported.
func (c Cell) String() string { return c.Text }

// parseCell reads a cell as stored in a table file.
func parseCell(s string) (Cell, error) {
	c := Cell{Text: s}
	switch strings.TrimSpace(s) {
	case "":
		return Cell{}, errors.New(`empty cell (leave the key out for a cell that is not reported)`)
	case "--":
		c.State = Dash
		return c, nil
	}
	num, pm, hasPM := strings.Cut(s, "±")
	v, dec, err := parseNumber(strings.TrimSpace(num))
	if err != nil {
		return Cell{}, err
	}
	c.State, c.Value, c.Decimals = Reported, v, dec
	if hasPM {
		p, _, err := parseNumber(strings.TrimSpace(pm))
		if err != nil {
			return Cell{}, fmt.Errorf("after ±: %w", err)
		}
		if p <= 0 {
			return Cell{}, fmt.Errorf("± half-width %q is not positive", strings.TrimSpace(pm))
		}
		c.HasPM, c.PM = true, p
	}
	return c, nil
}

var numberRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`) })

// parseNumber reads a plain decimal such as "82.9" and returns it with its
// number of decimals.
func parseNumber(s string) (float64, int, error) {
	if !numberRE().MatchString(s) {
		return 0, 0, fmt.Errorf("%q is not a plain decimal number", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, 0, err
	}
	if v > 100 {
		return 0, 0, fmt.Errorf("%q is above 100 %%", s)
	}
	dec := 0
	if _, frac, ok := strings.Cut(s, "."); ok {
		dec = len(frac)
	}
	return v, dec, nil
}

// TableKind says what the rows of a table are.
type TableKind string

// The table kinds.
const (
	// KindModels: one row per model, all on the table's dataset and split
	// (Tables 5.3 to 5.5).
	KindModels TableKind = "models"
	// KindRuns: repeated runs of one model, then a mean and a standard
	// deviation row (Tables 6.15 and 6.16).
	KindRuns TableKind = "runs"
	// KindCrossDataset: one model trained and tested on several datasets,
	// each row naming both (Table 6.17).
	KindCrossDataset TableKind = "cross-dataset"
)

// RowKind says what one row is.
type RowKind string

// The row kinds.
const (
	RowModel RowKind = "model" // one model's result
	RowRun   RowKind = "run"   // one of several repeated runs
	RowMean  RowKind = "mean"  // the mean over the runs
	RowStd   RowKind = "std"   // the standard deviation over the runs
)

// Row is one printed row of a table.
type Row struct {
	Kind RowKind
	// Printed holds the row-header cells as printed, one per Table.Header.
	Printed []string
	// Model is the model's name in the thesis, such as "NERDA Ælæctra".
	Model string
	// TrainedOn is the training data: a dataset id (dane, plank, wikiann)
	// or "wikipedia" (Polyglot) or "itu-ddt" (daner).
	TrainedOn string
	// Dataset and Split name the test data: a dataset id and a split name
	// ("cv5" for Table 6.16's cross-validation).
	Dataset string
	Split   string
	// Cells holds the row's numbers by metric; a metric that is absent is
	// not reported.
	Cells map[Metric]Cell
}

// Cell returns the row's cell for m; its State is NotReported when the row
// has none.
func (r *Row) Cell(m Metric) Cell { return r.Cells[m] }

// Label returns a short name for the row: the model, followed for runs,
// means and standard deviations by the printed row header, as in
// "DaLUKE (Mean)".
func (r *Row) Label() string {
	if r.Kind == RowModel {
		return r.Model
	}
	return r.Model + " (" + strings.Join(r.Printed, " ") + ")"
}

// Column is one metric column of a table.
type Column struct {
	Metric Metric
	// Printed is the column's header as printed in the thesis.
	Printed string
}

// Source says where in the thesis sources a table was transcribed from.
type Source struct {
	Repo   string // "peleiden/bug-free-guacamole"
	File   string // "sections/results.tex"
	Commit string // full commit hash
	Lines  string // line range in File at Commit
}

// Entities is the number of gold entities in a test set, the n in the
// thesis' confidence interval.
type Entities struct {
	All    int // with MISC
	NoMISC int // without MISC
}

// Table is one published thesis table.
type Table struct {
	// ID is the table's number in the thesis PDF, such as "5.3".
	ID string
	// Label is the LaTeX label, such as "tab:DaNE".
	Label string
	// Title is a one-line description (ours, not the thesis').
	Title string
	// Caption is the thesis' caption, as LaTeX source.
	Caption string
	Kind    TableKind
	// Dataset and Split are the test data of every row that does not name
	// its own; Dataset is empty for Table 6.17.
	Dataset string
	Split   string
	// Entities is zero when the table has no single test set.
	Entities  Entities
	Source    Source
	Numbering string
	// Header names the printed row-header columns, such as "Model name" and
	// "Trained on".
	Header  []string
	Columns []Column
	Notes   []string
	Rows    []Row
}

// Metrics returns the table's metrics in column order.
func (t *Table) Metrics() []Metric {
	ms := make([]Metric, len(t.Columns))
	for i, c := range t.Columns {
		ms[i] = c.Metric
	}
	return ms
}

// Tables returns every stored table, in the thesis' order (5.3, 5.4, 5.5,
// 6.15, 6.16, 6.17). Each call returns fresh copies.
func Tables() ([]Table, error) { return load(files) }

// ByID returns the table numbered id, such as "5.3".
func ByID(id string) (Table, error) {
	ts, err := Tables()
	if err != nil {
		return Table{}, err
	}
	ids := make([]string, len(ts))
	for i, t := range ts {
		if t.ID == id {
			return t, nil
		}
		ids[i] = t.ID
	}
	return Table{}, fmt.Errorf("%w %q (stored: %s)", ErrUnknownTable, id, strings.Join(ids, ", "))
}

// IDs returns the numbers of the stored tables in the thesis' order.
func IDs() ([]string, error) {
	ts, err := Tables()
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids, nil
}

// The JSON form of a table file.
type fileJSON struct {
	Schema   string `json:"schema"`
	ID       string `json:"id"`
	Label    string `json:"label"`
	Title    string `json:"title"`
	Caption  string `json:"caption"`
	Kind     string `json:"kind"`
	Dataset  string `json:"dataset"`
	Split    string `json:"split"`
	Entities *struct {
		All    int `json:"all"`
		NoMISC int `json:"no_misc"`
	} `json:"entities"`
	Source struct {
		Repo   string `json:"repo"`
		File   string `json:"file"`
		Commit string `json:"commit"`
		Lines  string `json:"lines"`
	} `json:"source"`
	Numbering string   `json:"numbering"`
	Header    []string `json:"header"`
	Columns   []struct {
		Metric  string `json:"metric"`
		Printed string `json:"printed"`
	} `json:"columns"`
	Notes []string `json:"notes"`
	Rows  []struct {
		Kind      string            `json:"kind"`
		Printed   []string          `json:"printed"`
		Model     string            `json:"model"`
		TrainedOn string            `json:"trained_on"`
		Dataset   string            `json:"dataset"`
		Cells     map[string]string `json:"cells"`
	} `json:"rows"`
}

// The regular expressions are compiled when first used, not when the
// program starts: most commands never load a table.
var (
	idRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[1-9][0-9]*\.[1-9][0-9]*$`) })
	commitRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{40}$`) })
)

// load reads and checks every table-*.json file in fsys.
func load(fsys fs.FS) ([]Table, error) {
	names, err := fs.Glob(fsys, "table-*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no table-*.json files", ErrFormat)
	}
	var ts []Table
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := parseTable(name, data)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b Table) int { return compareIDs(a.ID, b.ID) })
	return ts, nil
}

// compareIDs orders table numbers by chapter, then number: 5.5 < 6.15.
func compareIDs(a, b string) int {
	ac, an := splitID(a)
	bc, bn := splitID(b)
	if ac != bc {
		return ac - bc
	}
	return an - bn
}

func splitID(id string) (chapter, n int) {
	c, m, _ := strings.Cut(id, ".")
	chapter, _ = strconv.Atoi(c)
	n, _ = strconv.Atoi(m)
	return chapter, n
}

func parseTable(name string, data []byte) (Table, error) {
	fail := func(format string, args ...any) (Table, error) {
		return Table{}, fmt.Errorf("%w: %s: %s", ErrFormat, name, fmt.Sprintf(format, args...))
	}
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fail("%v", err)
	}
	if f.Schema != Schema {
		return fail("schema %q, want %q", f.Schema, Schema)
	}
	if !idRE().MatchString(f.ID) {
		return fail("id %q is not a table number such as 5.3", f.ID)
	}
	if want := "table-" + f.ID + ".json"; path.Base(name) != want {
		return fail("id %q does not match the file name (want %s)", f.ID, want)
	}
	for _, fv := range [][2]string{
		{"label", f.Label}, {"title", f.Title}, {"caption", f.Caption}, {"split", f.Split},
		{"source.repo", f.Source.Repo}, {"source.file", f.Source.File}, {"source.lines", f.Source.Lines},
		{"numbering", f.Numbering},
	} {
		if strings.TrimSpace(fv[1]) == "" {
			return fail("%s is empty", fv[0])
		}
	}
	if !commitRE().MatchString(f.Source.Commit) {
		return fail("source.commit %q is not a full commit hash", f.Source.Commit)
	}
	t := Table{
		ID: f.ID, Label: f.Label, Title: f.Title, Caption: f.Caption,
		Kind: TableKind(f.Kind), Dataset: f.Dataset, Split: f.Split,
		Source:    Source{Repo: f.Source.Repo, File: f.Source.File, Commit: f.Source.Commit, Lines: f.Source.Lines},
		Numbering: f.Numbering, Header: f.Header, Notes: f.Notes,
	}
	switch t.Kind {
	case KindModels, KindRuns, KindCrossDataset:
	default:
		return fail("kind %q, want models, runs or cross-dataset", f.Kind)
	}
	if f.Entities != nil {
		if f.Entities.All <= 0 || f.Entities.NoMISC <= 0 || f.Entities.NoMISC > f.Entities.All {
			return fail("entities %+v: want 0 < no_misc <= all", *f.Entities)
		}
		t.Entities = Entities{All: f.Entities.All, NoMISC: f.Entities.NoMISC}
	}
	if len(t.Header) == 0 {
		return fail("header is empty")
	}
	if len(f.Columns) == 0 {
		return fail("no columns")
	}
	for i, c := range f.Columns {
		m := Metric(c.Metric)
		if !m.Known() {
			return fail("column %d: unknown metric %q", i+1, c.Metric)
		}
		if slices.Contains(t.Metrics(), m) {
			return fail("column %d: metric %q appears twice", i+1, c.Metric)
		}
		if c.Printed == "" {
			return fail("column %d (%s): printed header is empty", i+1, c.Metric)
		}
		t.Columns = append(t.Columns, Column{Metric: m, Printed: c.Printed})
	}
	if len(f.Rows) == 0 {
		return fail("no rows")
	}
	kinds := map[RowKind]int{}
	for i, fr := range f.Rows {
		rfail := func(format string, args ...any) (Table, error) {
			return fail("row %d (%s): %s", i+1, strings.Join(fr.Printed, " | "), fmt.Sprintf(format, args...))
		}
		r := Row{
			Kind: RowKind(fr.Kind), Printed: fr.Printed, Model: fr.Model,
			TrainedOn: fr.TrainedOn, Dataset: fr.Dataset, Split: t.Split,
			Cells: map[Metric]Cell{},
		}
		if r.Dataset == "" {
			r.Dataset = t.Dataset
		}
		kinds[r.Kind]++
		switch {
		case t.Kind == KindRuns && (r.Kind == RowRun || r.Kind == RowMean || r.Kind == RowStd):
		case t.Kind != KindRuns && r.Kind == RowModel:
		default:
			return rfail("kind %q does not belong in a %s table", fr.Kind, t.Kind)
		}
		if len(r.Printed) != len(t.Header) {
			return rfail("%d printed row-header cells, want %d (%s)", len(r.Printed), len(t.Header), strings.Join(t.Header, ", "))
		}
		if _, ok := ThesisModel(r.Model); !ok {
			return rfail("model %q is not in the thesis-to-nerbench model map", r.Model)
		}
		if r.TrainedOn == "" || r.Dataset == "" {
			return rfail("trained_on and dataset must be set (in the row or, for dataset, the table)")
		}
		for k, v := range fr.Cells {
			m := Metric(k)
			if !slices.Contains(t.Metrics(), m) {
				return rfail("cell %q is not one of the table's columns", k)
			}
			c, err := parseCell(v)
			if err != nil {
				return rfail("cell %s: %v", k, err)
			}
			if c.HasPM && r.Kind != RowModel {
				return rfail("cell %s: ± is only expected in model rows", k)
			}
			r.Cells[m] = c
		}
		if !slices.ContainsFunc(t.Metrics(), func(m Metric) bool { return r.Cells[m].State == Reported }) {
			return rfail("no number in the row")
		}
		t.Rows = append(t.Rows, r)
	}
	if t.Kind == KindRuns && (kinds[RowMean] != 1 || kinds[RowStd] != 1 || kinds[RowRun] < 2) {
		return fail("a runs table needs at least two run rows, one mean row and one std row; got %d, %d, %d", kinds[RowRun], kinds[RowMean], kinds[RowStd])
	}
	return t, nil
}

// Model maps a model of the thesis tables to the nerbench model that
// reproduces it.
type Model struct {
	// Thesis is the name printed in the thesis tables; empty for a model
	// nerbench adds.
	Thesis string
	// Adapter is the nerbench model name (the --model value); empty when
	// nerbench cannot run the model.
	Adapter string
	// TrainedOn is the dataset id the model was trained on, used when a
	// Result does not say.
	TrainedOn string
	// Note says where the model comes from, or why it cannot be reproduced.
	Note string
}

var models = []Model{
	{"DaLUKE", "daluke", "dane", "DaLUKE fine-tuned on DaNE, run natively by nerbench's luke package"},
	{"DaNLP da-BERT", "dabert", "dane", "DaNLP/da-bert-ner, an ONNX export; trained without MISC"},
	{"NERDA m-BERT", "mbert", "dane", "NERDA's multilingual BERT fine-tuned on DaNE, an ONNX export"},
	{"NERDA Ælæctra", "aelaectra", "dane", "Maltehb/-l-ctra-danish-electra-small-cased-ner-dane, an ONNX export"},
	{"DaCy medium", "dacy-medium", "dane", "DaCy medium, da_dacy_medium_tft-0.0.0, run natively by adapters/dacy; built on Maltehb/danish-bert-botxo (uncased Danish BERT) per its config, not on XLM-R base as the thesis says"},
	{"DaCy large", "dacy-large", "dane", "DaCy large, da_dacy_large_tft-0.0.0 (xlm-roberta-large), run natively by adapters/dacy"},
	{"DaNLP spaCy", "", "dane", "not reproducible here: a spaCy 2 pipeline, which nerbench cannot run"},
	{"DaNLP Flair", "flair", "dane", "DaNLP's Flair tagger (flair.ner.pt), run natively by adapters/flair; trained without MISC"},
	{"Polyglot", "", "wikipedia", "not reproducible here: Polyglot's Python pipeline has no Go port; the nerbench baseline takes its place"},
	{"daner", "", "itu-ddt", "not reproducible here: a Java Stanford CoreNLP CRF (github.com/ITUnlp/daner); the nerbench baseline takes its place"},
	{"", "baseline", "dane", "nerbench's own baseline trained in Go on DaNE train; not in the thesis"},
}

// Models returns the map between thesis model names and nerbench model
// names, in the thesis' row order, followed by the models nerbench adds.
func Models() []Model { return slices.Clone(models) }

// ThesisModel returns the entry for a model name as printed in the thesis.
func ThesisModel(thesis string) (Model, bool) {
	if thesis == "" {
		return Model{}, false
	}
	i := slices.IndexFunc(models, func(m Model) bool { return m.Thesis == thesis })
	if i < 0 {
		return Model{}, false
	}
	return models[i], true
}

// AdapterModel returns the entry for a nerbench model name.
func AdapterModel(adapter string) (Model, bool) {
	if adapter == "" {
		return Model{}, false
	}
	i := slices.IndexFunc(models, func(m Model) bool { return m.Adapter == adapter })
	if i < 0 {
		return Model{}, false
	}
	return models[i], true
}

// agrees reports whether x, rounded half away from zero or truncated to the
// cell's printed decimals, equals the printed value. The thesis does both:
// Table 5.3 rounds (0.8289 is printed as 82.9), Tables 6.15 and 6.17
// truncate (0.8158 as 81.5).
func agrees(x float64, c Cell) bool {
	scale := math.Pow(10, float64(c.Decimals))
	p := math.Round(c.Value * scale)
	s := x * scale
	const eps = 1e-9 // binary noise in x*scale, far below one printed unit
	return math.Round(s) == p || math.Floor(s+eps) == p
}
