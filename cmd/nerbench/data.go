package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/conll2003"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/benchmarks/wikiann"
	"github.com/nerbench/nerbench/internal/datadir"
	"github.com/nerbench/nerbench/internal/fetch"
	"github.com/nerbench/nerbench/internal/table"
)

// dataDatasets are the benchmarks that `nerbench data` knows, in the order
// it lists them.
var dataDatasets = []benchmarks.Dataset{dane.Dataset, plank.Dataset, wikiann.Dataset, conll2003.Dataset}

// dataDatasetNames returns the names of dataDatasets.
func dataDatasetNames() []string {
	names := make([]string, len(dataDatasets))
	for i, d := range dataDatasets {
		names[i] = d.Name
	}
	return names
}

// dataOutputFormats are the formats of `data stats` and `data fetch`.
var dataOutputFormats = []table.Format{table.Text, table.JSON, table.Markdown, table.CSV}

func newDataCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Show and fetch the benchmark datasets",
		Long: `Show statistics of the benchmark datasets and download them.

Data is found through --data-dir, then $NERBENCH_DATA, then
$XDG_CACHE_HOME/nerbench (~/.cache/nerbench). Each dataset has its own
folder inside it: dane, plank, wikiann and conll2003.`,
		Example: `  nerbench data fetch dane
  nerbench data stats --dataset dane`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newDataStatsCmd(s, nil), newDataFetchCmd(s, nil))
	return cmd
}

type dataStatsOptions struct {
	out     *streams
	dataset string // empty: every dataset found
	dataDir string
	output  table.Format
	data    datasetOptions // --dataset-file and --allow-unknown-types
}

func newDataStatsCmd(s *streams, runF func(context.Context, *dataStatsOptions) error) *cobra.Command {
	opts := &dataStatsOptions{out: s}
	var output string
	cmd := &cobra.Command{
		Use:   "stats [--dataset NAME]",
		Short: "Print sentences, tokens and entities per split",
		Long: `Print, for every split of every dataset in the data folder (or of the
one named with --dataset), the number of sentences, tokens and documents
(CoNLL-2003 only) and the number of entities per type and in total.

Entities are counted as conlleval and seqeval count chunks: a chunk starts
at B-X, or at I-X after O or after a tag of another type. Tags that are
well formed one by one but not as a chunk sequence (such as I-LOC right
after I-PER in Plank's dev split) are kept as they are, counted under
"irregular" and listed under the table.

Without --dataset, datasets whose folder is missing are skipped; DaNE then
falls back on the test split embedded in nerbench. A split whose file is
missing is skipped with a note; the others are shown.

A tag whose entity type the dataset does not declare (WikiANN: PER, LOC,
ORG; the others also MISC) is an error naming its file and line, unless
--allow-unknown-types is given; the table then has a column for each type
found. --dataset-file shows a file of your own instead (CoNLL, CoNLL-2003
or CoNLL-U, see --format).`,
		Example: `  nerbench data stats
  nerbench data stats --dataset plank
  nerbench data stats --dataset conll2003 --data-dir ~/nerdata --output markdown
  nerbench data stats --output json
  nerbench data stats --dataset-file test=da_news_test.tsv --dataset-file dev=da_news_dev.tsv --tag-column 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ds, err := findDataset(opts.dataset); err == nil {
				opts.dataset = ds.Name // names are case-insensitive
			}
			if opts.dataset != "" && !slices.Contains(dataDatasetNames(), opts.dataset) {
				return flagErrorf("--dataset %q: want one of %s", opts.dataset, strings.Join(dataDatasetNames(), ", "))
			}
			f, err := table.ParseFormat(output, dataOutputFormats...)
			if err != nil {
				return flagErrorf("--output: %v", err)
			}
			opts.output = f
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDataStats(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.dataset, "dataset", "d", "", "dataset to show: "+strings.Join(dataDatasetNames(), ", ")+" (default all found)")
	fl.StringVar(&opts.dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	fl.StringVarP(&output, "output", "o", "text", "output format: text, json, markdown or csv")
	opts.data.addFlags(fl, "")
	_ = cmd.RegisterFlagCompletionFunc("dataset", cobra.FixedCompletions(dataDatasetNames(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "markdown", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("data-dir")
	return cmd
}

// dataSplitStats is one row of `data stats`.
type dataSplitStats struct {
	stats     benchmarks.Stats
	irregular []benchmarks.Irregularity
	types     []string // the dataset's entity types
}

// DataStatsSchema names the JSON document of `data stats` and `data fetch`.
const DataStatsSchema = "nerbench.datastats/v1"

// dataStatsDoc is the JSON output of `data stats` and `data fetch`.
type dataStatsDoc struct {
	Schema string          `json:"schema"`
	Splits []dataStatsJSON `json:"splits"`
}

// dataStatsJSON is the JSON form of one row of `data stats`.
type dataStatsJSON struct {
	Dataset   string         `json:"dataset"`
	Split     string         `json:"split"`
	Sentences int            `json:"sentences"`
	Tokens    int            `json:"tokens"`
	Documents int            `json:"documents"`        // 0 for formats without documents
	Entities  map[string]int `json:"entities"`         // per type, keys sorted
	Total     int            `json:"total"`            // entities of all types
	Irregular []dataIrrJSON  `json:"irregular_chunks"` // never null
}

// dataIrrJSON is the JSON form of a benchmarks.Irregularity.
type dataIrrJSON struct {
	Sentence string `json:"sentence"`
	Line     int    `json:"line"` // 1-based file line
	Word     int    `json:"word"` // 1-based word within the sentence
	Tag      string `json:"tag"`
	Reason   string `json:"reason"`
}

func runDataStats(ctx context.Context, opts *dataStatsOptions) error {
	if len(opts.data.files) > 0 {
		return runDataStatsFiles(ctx, opts)
	}
	if err := opts.data.checkFlags(); err != nil {
		return err
	}
	loc, err := datadir.Resolve(opts.dataDir)
	if err != nil {
		return err
	}
	var (
		rows    []dataSplitStats
		notes   []string
		missing []string // splits whose file is missing
	)
	for _, ds := range dataDatasets {
		if opts.dataset != "" && ds.Name != opts.dataset {
			continue
		}
		dir := loc.Dataset(ds.Name)
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			switch {
			case opts.dataset == "" && ds.Name == dane.Name:
				c, err := dane.LoadEmbedded(ctx)
				if err != nil {
					return err
				}
				rows = append(rows, dataRow(ds, c))
				notes = append(notes, fmt.Sprintf("dane: no folder %s; showing the test split embedded in nerbench", dir))
			case opts.dataset == "":
				notes = append(notes, fmt.Sprintf("%s: no folder %s; skipped (nerbench data fetch %s)", ds.Name, dir, ds.Name))
			default:
				return fmt.Errorf("%s: no folder %s in the data folder %s: run 'nerbench data fetch %s' or set --data-dir", ds.Name, dir, loc, ds.Name)
			}
			continue
		}
		found := 0
		for _, split := range ds.Splits {
			c, err := openSplit(ctx, &ds, dir, split, opts.data.loadOptions())
			if errors.Is(err, fs.ErrNotExist) {
				// Show the splits that exist, as run reads them.
				missing = append(missing, fmt.Sprintf("%s %s: skipped: %v", ds.Name, split, err))
				continue
			}
			if err != nil {
				return fmt.Errorf("data folder %s: %w", loc, err)
			}
			rows = append(rows, dataRow(ds, c))
			found++
		}
		if found == 0 {
			return fmt.Errorf("%s: no split file in %s (want %s): run 'nerbench data fetch %s'", ds.Name, dir, strings.Join(ds.Splits, ", "), ds.Name)
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("no dataset found in the data folder %s: run 'nerbench data fetch DATASET'", loc)
	}
	if opts.output != table.Text {
		for _, m := range missing { // a missing split must not pass unnoticed
			fmt.Fprintf(opts.out.Err, "warning: %s\n", m)
		}
		missing, notes = nil, nil // notes name host paths; keep machine-readable output stable
	}
	notes = append(missing, notes...)
	return writeDataStats(opts.out, opts.output, rows, notes)
}

// runDataStatsFiles shows the splits given with --dataset-file.
func runDataStatsFiles(ctx context.Context, opts *dataStatsOptions) error {
	order, _, err := opts.data.splitFiles("test")
	if err != nil {
		return err
	}
	ds, corpora, err := opts.data.open(ctx, opts.out, opts.dataset, opts.dataDir, order...)
	if err != nil {
		return err
	}
	rows := make([]dataSplitStats, len(corpora))
	for i, c := range corpora {
		rows[i] = dataRow(*ds, c)
	}
	return writeDataStats(opts.out, opts.output, rows, nil)
}

// dataRow is the row of corpus c of ds. Its types are the dataset's and any
// other found in c (read with --allow-unknown-types), so that the per-type
// columns add up to the total.
func dataRow(ds benchmarks.Dataset, c *benchmarks.Corpus) dataSplitStats {
	return dataSplitStats{stats: c.Stats(), irregular: c.Irregular, types: ds.WithTypes(c).Types}
}

// writeDataStats prints rows in format f, with notes under a text table.
func writeDataStats(s *streams, f table.Format, rows []dataSplitStats, notes []string) error {
	if f == table.JSON {
		out := make([]dataStatsJSON, len(rows))
		for i, r := range rows {
			st := r.stats
			out[i] = dataStatsJSON{
				Dataset: st.Dataset, Split: st.Split, Sentences: st.Sentences, Tokens: st.Tokens,
				Documents: st.Documents, Entities: map[string]int{}, Total: st.Total(), Irregular: []dataIrrJSON{},
			}
			for _, t := range r.types {
				out[i].Entities[t] = st.Entities[t]
			}
			for t, n := range st.Entities { // types outside the dataset's list
				out[i].Entities[t] = n
			}
			for _, irr := range r.irregular {
				out[i].Irregular = append(out[i].Irregular, dataIrrJSON{
					Sentence: irr.Sentence, Line: irr.Line, Word: irr.Word + 1, Tag: irr.Tag, Reason: irr.Reason,
				})
			}
		}
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(dataStatsDoc{Schema: DataStatsSchema, Splits: out})
	}
	var types []string
	docs := false
	for _, r := range rows {
		for _, t := range r.types {
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
		docs = docs || r.stats.Documents > 0
	}
	slices.Sort(types)
	header := []string{"dataset", "split", "sentences", "tokens"}
	if docs {
		header = append(header, "documents")
	}
	header = append(header, types...)
	header = append(header, "total", "irregular")
	numeric := make([]bool, len(header))
	for i := 2; i < len(header); i++ {
		numeric[i] = true
	}
	t := &table.Table{Header: header, Numeric: numeric}
	for _, r := range rows {
		st := r.stats
		row := []string{st.Dataset, st.Split, strconv.Itoa(st.Sentences), strconv.Itoa(st.Tokens)}
		if docs {
			row = append(row, dashIfZero(st.Documents))
		}
		for _, typ := range types {
			if slices.Contains(r.types, typ) || st.Entities[typ] > 0 {
				row = append(row, strconv.Itoa(st.Entities[typ]))
			} else {
				row = append(row, "-")
			}
		}
		row = append(row, strconv.Itoa(st.Total()), strconv.Itoa(st.Irregular))
		t.Rows = append(t.Rows, row)
	}
	for _, r := range rows {
		for _, irr := range r.irregular {
			t.Notes = append(t.Notes, fmt.Sprintf("irregular: %s %s, sentence %s (line %d, word %d): %s; kept as is, counted as its own chunk",
				r.stats.Dataset, r.stats.Split, irr.Sentence, irr.Line, irr.Word+1, irr.Reason))
		}
	}
	t.Notes = append(t.Notes, notes...)
	if f == table.CSV { // numbers as numbers: an empty cell, not a dash
		for _, r := range t.Rows {
			for i, c := range r {
				if c == "-" {
					r[i] = ""
				}
			}
		}
	}
	return t.Print(s.Out, s.Err, f)
}

func dashIfZero(n int) string {
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

type dataFetchOptions struct {
	out     *streams
	dataset string
	dataDir string
	from    string
	output  table.Format
	// bar draws progress bars (standard error is a terminal).
	bar bool
	// urls override the sources (tests).
	urls fetch.Options
}

func newDataFetchCmd(s *streams, runF func(context.Context, *dataFetchOptions) error) *cobra.Command {
	opts := &dataFetchOptions{out: s}
	var output string
	cmd := &cobra.Command{
		Use:   "fetch DATASET",
		Short: "Download a dataset into the data folder and verify it",
		Long: `Download a dataset from its canonical public source into the data folder
and verify it before it is used:

  dane       ddt.zip of the DaNLP project (CC BY-SA 4.0)
  plank      the data files of github.com/bplank/danish_ner_transfer at
             commit 55f314b
  wikiann    da.tar.gz from panx_dataset.tar, the Rahimi et al. (2019)
             splits linked from github.com/afshinrahimi/mmner
  conll2003  not downloadable: its text is from the Reuters Corpus, which
             may not be redistributed. Obtain eng.train, eng.testa and
             eng.testb yourself (https://www.clips.uantwerpen.be/conll2003/ner/),
             put them in a folder and pass it with --from.

--from copies a dataset's files from a local folder instead of downloading
them, for any dataset.

Every file is written to a temporary file in the dataset's folder, parsed,
and compared with the known split sizes and per-type entity counts (and
the SHA-256 digest where the exact source file is known). Only when every
split has passed do the files get their final names; after any failure
the folder holds no partial or unverified file. Progress goes to standard
error; the verified statistics are printed as by 'nerbench data stats'.`,
		Example: `  nerbench data fetch dane
  nerbench data fetch plank --data-dir ~/nerdata
  nerbench data fetch conll2003 --from ~/corpora/conll2003`,
		ValidArgs: fetch.Datasets(),
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("fetch takes one dataset (%s), got %d arguments", strings.Join(fetch.Datasets(), ", "), len(args))
			}
			if !slices.Contains(fetch.Datasets(), args[0]) {
				return flagErrorf("unknown dataset %q: want one of %s", args[0], strings.Join(fetch.Datasets(), ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dataset = args[0]
			if opts.dataset == conll2003.Name && opts.from == "" {
				return flagErrorf("conll2003 cannot be downloaded: its text is from the Reuters Corpus (RCV1), which may not be redistributed.\n" +
					"Obtain eng.train, eng.testa and eng.testb (https://www.clips.uantwerpen.be/conll2003/ner/ builds them from RCV1),\n" +
					"put the three files in one folder, and run: nerbench data fetch conll2003 --from FOLDER")
			}
			f, err := table.ParseFormat(output, dataOutputFormats...)
			if err != nil {
				return flagErrorf("--output: %v", err)
			}
			opts.output = f
			if file, ok := s.Err.(*os.File); ok {
				opts.bar = term.IsTerminal(int(file.Fd()))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDataFetch(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.dataDir, "data-dir", "", "data folder to fetch into (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	fl.StringVar(&opts.from, "from", "", "copy the files from this local folder instead of downloading (required for conll2003)")
	fl.StringVarP(&output, "output", "o", "text", "output format of the verified statistics: text, json, markdown or csv")
	_ = cmd.MarkFlagDirname("data-dir")
	_ = cmd.MarkFlagDirname("from")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "markdown", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runDataFetch(ctx context.Context, opts *dataFetchOptions) error {
	loc, err := datadir.Resolve(opts.dataDir)
	if err != nil {
		return err
	}
	fo := opts.urls
	fo.From, fo.Log, fo.Bar = opts.from, opts.out.Err, opts.bar
	fmt.Fprintf(opts.out.Err, "fetching %s into %s\n", opts.dataset, loc.Dataset(opts.dataset))
	res, err := fetch.Fetch(ctx, opts.dataset, loc.Path, fo)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.out.Err, "warning: %s\n", w)
	}
	var ds benchmarks.Dataset
	for _, d := range dataDatasets {
		if d.Name == opts.dataset {
			ds = d
		}
	}
	var rows []dataSplitStats
	for _, split := range ds.Splits { // the dataset's conventional order
		for _, sp := range res.Splits {
			if sp.Name == split {
				rows = append(rows, dataSplitStats{stats: sp.Stats, irregular: sp.Irregular, types: ds.Types})
			}
		}
	}
	return writeDataStats(opts.out, opts.output, rows, nil)
}
