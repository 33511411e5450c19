package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/conllfile"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/datadir"
	"github.com/nerbench/nerbench/internal/results"
)

// datasetOptions are the data-source flags that every command reading gold
// data shares, beside its --dataset, --split and --data-dir: a user's own
// file as the dataset (--dataset-file, --format, --tag-column, --types) and
// the opt-out from the entity-type check (--allow-unknown-types).
type datasetOptions struct {
	files        []string // --dataset-file [SPLIT=]PATH
	format       string   // --format: auto, conll, conllu or conll2003
	tagColumn    int      // --tag-column, 1-based; 0: the last column
	types        []string // --types
	allowUnknown bool     // --allow-unknown-types
	// defaultDataset is the command's --dataset default, which
	// --dataset-file replaces.
	defaultDataset string
}

// dataFileExts are the file name extensions left out of the name of a
// --dataset-file dataset; others (CoNLL-2003's .testa) are kept.
var dataFileExts = []string{".conll", ".conllu", ".tsv", ".txt", ".bio", ".iob", ".iob2", ".tab"}

// fileDatasetPrefix starts the name of a dataset read from --dataset-file.
const fileDatasetPrefix = "file-"

// addFlags defines the data-source flags on f. defaultDataset is the
// command's --dataset default ("" for none).
func (o *datasetOptions) addFlags(f *pflag.FlagSet, defaultDataset string) {
	o.defaultDataset = defaultDataset
	f.StringArrayVar(&o.files, "dataset-file", nil, "use this CoNLL, CoNLL-2003 or CoNLL-U file as the dataset instead of --dataset: PATH for the split --split, or SPLIT=PATH (repeatable)")
	f.StringVar(&o.format, "format", "", "format of --dataset-file: "+strings.Join(conllfile.Formats, ", ")+" (default: detected from the content)")
	f.IntVar(&o.tagColumn, "tag-column", 0, "1-based column of the tag in a CoNLL --dataset-file (0: the last column)")
	f.StringSliceVar(&o.types, "types", nil, "entity types of --dataset-file, e.g. PER,LOC,ORG,MISC; a tag of another type is an error (default: the types found in the file)")
	f.BoolVar(&o.allowUnknown, "allow-unknown-types", false, "keep tags whose entity type the dataset does not declare, and list those types in the per-type tables (default: such a tag is an error naming its file and line)")
	_ = f.SetAnnotation("dataset-file", cobra.BashCompFilenameExt, []string{})
	_ = f.SetAnnotation("format", cobra.BashCompCustom, []string{})
}

// loadOptions returns the options for benchmarks.Dataset.Open.
func (o *datasetOptions) loadOptions() benchmarks.LoadOptions {
	return benchmarks.LoadOptions{AllowUnknownTypes: o.allowUnknown}
}

// splitName matches the SPLIT of --dataset-file SPLIT=PATH.
var splitName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`) })

// splitFiles parses --dataset-file: each value is SPLIT=PATH or a bare
// PATH, which names the file of split def. It returns the files by split,
// in the order given.
func (o *datasetOptions) splitFiles(def string) ([]string, map[string]string, error) {
	var order []string
	files := map[string]string{}
	for _, arg := range o.files {
		split, path := def, arg
		if s, p, ok := strings.Cut(arg, "="); ok && splitName().MatchString(s) {
			if _, err := os.Stat(arg); err != nil { // a file whose name holds "=" stays a path
				split, path = s, p
			}
		}
		if path == "" {
			return nil, nil, flagErrorf("--dataset-file %q: want PATH or SPLIT=PATH", arg)
		}
		if prev, ok := files[split]; ok {
			return nil, nil, flagErrorf("--dataset-file: two files for split %s: %s and %s (give the others as SPLIT=PATH)", split, prev, path)
		}
		files[split] = path
		order = append(order, split)
	}
	return order, files, nil
}

// check validates the flags without reading any file: dataset is the value
// of --dataset and splits the splits the command reads.
func (o *datasetOptions) check(dataset string, splits ...string) error {
	if err := o.checkFlags(); err != nil {
		return err
	}
	if len(o.files) == 0 {
		if dataset == "" {
			return flagErrorf("--dataset is required (want %s, or --dataset-file PATH)", strings.Join(dataDatasetNames(), ", "))
		}
		ds, err := findDataset(dataset)
		if err != nil {
			return err
		}
		for _, split := range splits {
			if !slices.Contains(ds.Splits, split) {
				return flagErrorf("dataset %s has no split %q (want %s)", ds.Name, split, strings.Join(ds.Splits, ", "))
			}
		}
		return nil
	}
	if dataset != o.defaultDataset {
		return flagErrorf("--dataset %s and --dataset-file exclude each other", dataset)
	}
	def := ""
	if len(splits) == 1 {
		def = splits[0]
	}
	order, files, err := o.splitFiles(def)
	if err != nil {
		return err
	}
	for _, split := range splits {
		if _, ok := files[split]; !ok {
			if def == "" {
				return flagErrorf("--dataset-file: no file for split %s; give each split as SPLIT=PATH (%s)", split, strings.Join(splits, ", "))
			}
			return flagErrorf("--dataset-file: no file for split %s (files given for %s)", split, strings.Join(order, ", "))
		}
	}
	return nil
}

// checkFlags validates the flags that do not depend on the dataset.
func (o *datasetOptions) checkFlags() error {
	if _, err := conllfile.ParseFormat(o.format); err != nil {
		return flagErrorf("--format: %v", err)
	}
	if o.tagColumn < 0 {
		return flagErrorf("--tag-column %d: want 1 or more (0: the last column)", o.tagColumn)
	}
	for i, t := range o.types {
		t = strings.TrimSpace(t)
		o.types[i] = t
		if t == "" || strings.ContainsAny(t, " \t") {
			return flagErrorf("--types %q: want comma-separated entity types such as PER,LOC,ORG,MISC", strings.Join(o.types, ","))
		}
	}
	if len(o.files) == 0 {
		switch {
		case o.format != "auto" && o.format != "":
			return flagErrorf("--format applies to --dataset-file only")
		case o.tagColumn != 0:
			return flagErrorf("--tag-column applies to --dataset-file only")
		case len(o.types) > 0:
			return flagErrorf("--types applies to --dataset-file only; a known dataset declares its own types")
		}
	}
	return nil
}

// open returns the dataset and the corpora of splits: from the files of
// --dataset-file when given, else the dataset called dataset in the data
// folder. The entity types are checked (see benchmarks.Dataset.Open); with
// --allow-unknown-types the returned dataset lists every type found, so
// that per-type tables add up. Call check first.
func (o *datasetOptions) open(ctx context.Context, s *streams, dataset, dataDir string, splits ...string) (*benchmarks.Dataset, []*benchmarks.Corpus, error) {
	if err := o.check(dataset, splits...); err != nil {
		return nil, nil, err
	}
	if len(o.files) > 0 {
		return o.openFiles(ctx, s, splits)
	}
	ds, err := findDataset(dataset)
	if err != nil {
		return nil, nil, err
	}
	corpora := make([]*benchmarks.Corpus, len(splits))
	for i, split := range splits {
		if corpora[i], err = loadSplit(ctx, s, ds, dataDir, split, o.loadOptions()); err != nil {
			return nil, nil, err
		}
	}
	if o.allowUnknown {
		d := ds.WithTypes(corpora...)
		ds = &d
	}
	return ds, corpora, nil
}

// loadSplit reads a split of ds from the data folder, checking its entity
// types as lo says. DaNE's test split falls back on the embedded copy when
// the data folder has no dane folder. A --dataset-file dataset (named
// file-...) is read by its own Load, which checks what it reads.
func loadSplit(ctx context.Context, s *streams, ds *benchmarks.Dataset, dataDirFlag, split string, lo benchmarks.LoadOptions) (*benchmarks.Corpus, error) {
	if strings.HasPrefix(ds.Name, fileDatasetPrefix) {
		return ds.Load(ctx, "", split) // a --dataset-file dataset reads its own files
	}
	loc, err := datadir.Resolve(dataDirFlag)
	if err != nil {
		return nil, err
	}
	dir := loc.Dataset(ds.Name)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if ds.Name == dane.Name && split == "test" {
			fmt.Fprintf(s.Err, "no %s folder in %s: using the embedded DaNE test split (CC BY-SA 4.0)\n", ds.Name, loc)
			return dane.LoadEmbedded(ctx)
		}
		return nil, fmt.Errorf("no %s data in %s: run 'nerbench data fetch %s' or pass --data-dir", ds.Name, loc, ds.Name)
	}
	return openSplit(ctx, ds, dir, split, lo)
}

// openSplit reads split of ds from dir, the dataset's folder, with
// benchmarks.Dataset.Open; the error for an undeclared entity type names
// the flag that keeps it.
func openSplit(ctx context.Context, ds *benchmarks.Dataset, dir, split string, lo benchmarks.LoadOptions) (*benchmarks.Corpus, error) {
	c, err := ds.Open(ctx, dir, split, lo)
	if errors.Is(err, benchmarks.ErrType) {
		return nil, fmt.Errorf("%w (--allow-unknown-types keeps it)", err)
	}
	return c, err
}

// openFiles reads the --dataset-file files of splits. The dataset is named
// after the file of the first split and its SHA-256 digest
// ("file-<name>-<8 hex digits>"), so that result files tell files apart; its
// types are those of --types, or else those found in the files.
func (o *datasetOptions) openFiles(ctx context.Context, s *streams, splits []string) (*benchmarks.Dataset, []*benchmarks.Corpus, error) {
	def := ""
	if len(splits) == 1 {
		def = splits[0]
	}
	order, files, err := o.splitFiles(def)
	if err != nil {
		return nil, nil, err
	}
	format, _ := conllfile.ParseFormat(o.format) // checked
	first := files[splits[0]]
	data, err := os.ReadFile(first)
	if err != nil {
		return nil, nil, fmt.Errorf("--dataset-file: %w", err)
	}
	sum := sha256.Sum256(data)
	base := filepath.Base(first)
	if ext := strings.ToLower(filepath.Ext(base)); slices.Contains(dataFileExts, ext) {
		base = strings.TrimSuffix(base, filepath.Ext(base))
	}
	name := fileDatasetPrefix + safeStem(base) + "-" + hex.EncodeToString(sum[:4])
	read := func(ctx context.Context, path, split string, data []byte) (*benchmarks.Corpus, conllfile.Format, error) {
		return conllfile.Read(ctx, data, path, split, conllfile.Options{Dataset: name, Format: format, TagColumn: o.tagColumn})
	}
	corpora := make([]*benchmarks.Corpus, len(splits))
	for i, split := range splits {
		path := files[split]
		if i > 0 {
			if data, err = os.ReadFile(path); err != nil {
				return nil, nil, fmt.Errorf("--dataset-file: %w", err)
			}
		}
		c, f, err := read(ctx, path, split, data)
		if err != nil {
			return nil, nil, err
		}
		note := fmt.Sprintf("%s: read as %s", path, f)
		if n, ok := conllfile.Columns(data); ok && f != conllfile.CoNLLU && o.tagColumn == 0 && n > 2 {
			note += fmt.Sprintf(", tags from column %d of %d (--tag-column chooses another)", n, n)
		}
		fmt.Fprintln(s.Err, note)
		corpora[i] = c
	}
	ds := &benchmarks.Dataset{
		Name:   name,
		Title:  "file " + first,
		Splits: order,
		Source: fmt.Sprintf("%s (sha256:%s)", first, hex.EncodeToString(sum[:])),
		Load: func(ctx context.Context, _, split string) (*benchmarks.Corpus, error) {
			path, ok := files[split]
			if !ok {
				return nil, fmt.Errorf("%s: %w %q: want one of %s", name, benchmarks.ErrSplit, split, strings.Join(order, ", "))
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			c, _, err := read(ctx, path, split, data)
			return c, err
		},
	}
	if len(o.types) > 0 {
		ds.Types = slices.Sorted(slices.Values(o.types))
		ds.Types = slices.Compact(ds.Types)
		if !o.allowUnknown {
			for _, c := range corpora {
				if err := c.CheckTypes(ds.Types); err != nil {
					return nil, nil, fmt.Errorf("%w (--types declares the types; --allow-unknown-types keeps it)", err)
				}
			}
		}
	}
	if len(o.types) == 0 || o.allowUnknown {
		d := ds.WithTypes(corpora...)
		ds = &d
	}
	return ds, corpora, nil
}

// safeStem maps a file name to the characters that are safe in a dataset
// name and in result file names.
func safeStem(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, s)
}

// trainFileFlags spells out the data-source flags of a training run on
// --dataset-file for the command line recorded in the model file, with
// file base names only, since the command must not depend on the host.
func trainFileFlags(o *datasetOptions) string {
	_, files, err := o.splitFiles("")
	if err != nil {
		return "--dataset-file ?"
	}
	var b strings.Builder
	for i, split := range slices.Sorted(maps.Keys(files)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "--dataset-file %s=%s", split, filepath.Base(files[split]))
	}
	if o.format != "" {
		fmt.Fprintf(&b, " --format %s", o.format)
	}
	if o.tagColumn != 0 {
		fmt.Fprintf(&b, " --tag-column %d", o.tagColumn)
	}
	if len(o.types) > 0 {
		fmt.Fprintf(&b, " --types %s", strings.Join(o.types, ","))
	}
	if o.allowUnknown {
		b.WriteString(" --allow-unknown-types")
	}
	return b.String()
}

// resultDataset returns the dataset a result file was made on: a known
// dataset by name, declaring also the types the result records (so that
// gold read with --allow-unknown-types reads again), or, for a --dataset-file dataset, one whose Load reads
// the file recorded in the result again with the format detected and takes
// it only when its corpus hash is the recorded one (a file read with
// --format or --tag-column may not be; the error then says so).
func resultDataset(f *results.File) (*benchmarks.Dataset, error) {
	if !strings.HasPrefix(f.Dataset.Name, fileDatasetPrefix) {
		ds, err := findDataset(f.Dataset.Name)
		if err != nil {
			return nil, err
		}
		// A run with --allow-unknown-types records the extra types it kept;
		// they are part of the data the result was scored on.
		d := *ds
		for _, t := range f.Dataset.Types {
			if !slices.Contains(d.Types, t) {
				d.Types = append(slices.Clone(d.Types), t)
			}
		}
		slices.Sort(d.Types)
		return &d, nil
	}
	rd := f.Dataset
	return &benchmarks.Dataset{
		Name:   rd.Name,
		Title:  "file " + rd.Source,
		Splits: []string{rd.Split},
		Types:  rd.Types,
		Source: rd.Source,
		Load: func(ctx context.Context, _, split string) (*benchmarks.Corpus, error) {
			if split != rd.Split {
				return nil, fmt.Errorf("%s: %w %q: want %s", rd.Name, benchmarks.ErrSplit, split, rd.Split)
			}
			data, err := os.ReadFile(rd.Source)
			if err != nil {
				return nil, err
			}
			c, _, err := conllfile.Read(ctx, data, rd.Source, split, conllfile.Options{Dataset: rd.Name})
			if err != nil {
				return nil, err
			}
			if h := results.CorpusHash(c); h != rd.Hash {
				return nil, fmt.Errorf("%s read again gives other data than the result file records (%s, not %s): changed, or read with --format or --tag-column", rd.Source, h, rd.Hash)
			}
			return c, nil
		},
	}, nil
}
