package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/results"
)

// sourceOptions say where `run` and the analysis commands find the gold
// data and the models, and where result files are: the flags they share.
type sourceOptions struct {
	dataset     string
	split       string
	dataDir     string
	modelsDir   string
	resultsDir  string
	modelDirs   []string
	modelFiles  []string // NAME=PATH of baseline model files
	labelMap    map[string]string
	predictions []string // NAME=FILE of predictions made elsewhere
	threads     int
	device      string
	batchSize   int
	seed        uint64
	resamples   int
	// base is the registry to extend; nil means registry(). Tests set it.
	base *models.Registry
	// data holds --dataset-file and the other data-source flags
	// (datasource.go).
	data datasetOptions
}

// addFlags defines the shared flags on f; defaultDataset is the --dataset
// default ("" for a command where the flag is required).
func (o *sourceOptions) addFlags(f *pflag.FlagSet, defaultDataset string) {
	usage := "benchmark: " + strings.Join(dataDatasetNames(), ", ")
	if defaultDataset == "" {
		usage += " (required)"
	}
	f.StringVarP(&o.dataset, "dataset", "d", defaultDataset, usage)
	f.StringVar(&o.split, "split", "test", "split to score")
	f.StringVar(&o.dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	f.StringVar(&o.modelsDir, "models-dir", "", "models folder (default $NERBENCH_MODELS, then $XDG_DATA_HOME/nerbench/models)")
	f.StringVar(&o.resultsDir, "results-dir", "nerbench-results", "folder of the result files of 'nerbench run'; new predictions are saved there")
	f.StringArrayVar(&o.modelDirs, "model-dir", nil, "add the Hugging Face ONNX export in this folder as the model dir:<folder name> (repeatable)")
	f.StringArrayVar(&o.modelFiles, "model-file", nil, "add the baseline model file PATH, written by 'nerbench train baseline', as the model NAME (NAME=PATH, repeatable)")
	f.StringArrayVar(&o.predictions, "predictions", nil, "add the predictions in FILE, made elsewhere, as the model NAME (NAME=FILE, repeatable): a CoNLL file of 'word pred' or 'word gold pred' lines, blank lines between sentences, checked word by word against the split")
	f.StringToStringVar(&o.labelMap, "label-map", nil, "map model labels or types to dataset types, e.g. PERSON=PER,EVT=O (ONNX models)")
	f.IntVar(&o.threads, "threads", 0, "compute threads of each model that predicts (0: the runtime chooses)")
	f.StringVar(&o.device, "device", "cpu", "cpu or cuda, for models that predict")
	f.IntVar(&o.batchSize, "batch-size", benchmarks.DefaultBatchSize, "sentences per prediction batch (0: the default)")
	f.Uint64Var(&o.seed, "seed", 0, "seed of the bootstrap and randomisation tests")
	f.IntVar(&o.resamples, "resamples", confidence.DefaultResamples, "bootstrap resamples and randomisation rounds")
	o.data.addFlags(f, defaultDataset)
}

// source is a resolved sourceOptions: the dataset, its gold corpus and the
// models that can predict.
type source struct {
	opts      *sourceOptions
	out       *streams
	ds        *benchmarks.Dataset
	corpus    *benchmarks.Corpus
	reg       *models.Registry
	modelsDir string
	command   []string
}

// openSource checks the flags, reads the gold corpus and builds the model
// registry, with the models of --model-dir and --model-file added.
func openSource(ctx context.Context, s *streams, o *sourceOptions, command []string) (*source, error) {
	if err := o.data.check(o.dataset, o.split); err != nil {
		return nil, err
	}
	if o.device != "cpu" && o.device != "cuda" {
		return nil, flagErrorf("--device %q: want cpu or cuda", o.device)
	}
	if o.resamples < 1 {
		return nil, flagErrorf("--resamples must be at least 1, got %d", o.resamples)
	}
	switch {
	case o.batchSize < 0:
		return nil, flagErrorf("--batch-size must be at least 1 (0: the default %d), got %d", benchmarks.DefaultBatchSize, o.batchSize)
	case o.batchSize == 0:
		o.batchSize = benchmarks.DefaultBatchSize
	}
	if o.threads < 0 {
		return nil, flagErrorf("--threads must not be negative, got %d", o.threads)
	}
	modelsDir, err := models.Dir(o.modelsDir)
	if err != nil {
		return nil, err
	}
	base := o.base
	if base == nil {
		base = registry()
	}
	specs := slices.Clone(base.All())
	taken := func(name string) bool {
		return slices.ContainsFunc(specs, func(s *models.Spec) bool { return strings.EqualFold(s.Name, name) })
	}
	dirs, err := modelDirSpecs(o.modelDirs, s.Err)
	if err != nil {
		return nil, err
	}
	specs = append(specs, dirs...)
	for _, mf := range o.modelFiles {
		sp, err := modelFileSpec(ctx, mf, taken)
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	// Prediction files are checked against the corpus as they are read;
	// without them, flag errors in the model names come before any data is
	// read.
	var ds *benchmarks.Dataset
	var corpus *benchmarks.Corpus
	openData := func() error {
		d, corpora, err := o.data.open(ctx, s, o.dataset, o.dataDir, o.split)
		if err != nil {
			return err
		}
		ds, corpus = d, corpora[0]
		return nil
	}
	if len(o.predictions) > 0 {
		if err := openData(); err != nil {
			return nil, err
		}
	}
	for _, p := range o.predictions {
		sp, err := predictionsSpec(p, corpus, taken)
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	reg, err := models.Build(specs...)
	if err != nil {
		return nil, &flagError{err}
	}
	if corpus == nil {
		if err := openData(); err != nil {
			return nil, err
		}
	}
	return &source{opts: o, out: s, ds: ds, corpus: corpus, reg: reg, modelsDir: modelsDir, command: command}, nil
}

// How models given on the command line are marked in Spec.Get.
const (
	givenWithModelDir    = "given with --model-dir"
	givenWithModelFile   = "given with --model-file"
	givenWithPredictions = "given with --predictions"
)

// modelFileSpec registers a baseline model file given as NAME=PATH; taken
// reports names already in use.
func modelFileSpec(ctx context.Context, arg string, taken func(string) bool) (*models.Spec, error) {
	name, path, err := namedPath("--model-file", arg, taken)
	if err != nil {
		return nil, err
	}
	m, err := baseline.Load(ctx, path, baseline.Config{})
	if err != nil {
		return nil, err
	}
	prov := m.Provenance()
	return &models.Spec{
		Name:      name,
		Title:     "nerbench baseline from " + filepath.Base(path),
		ID:        filepath.Base(path),
		TrainedOn: strings.TrimSpace(datasetDisplayName(prov.Dataset) + " " + prov.TrainSplit),
		Types:     m.Types(),
		Get:       givenWithModelFile,
		Embedded:  true, // loaded from its own path, not the models folder
		Load: func(ctx context.Context, _ string, o models.LoadOptions) (*models.Loaded, error) {
			fixedModelNotes(name, o)
			m, err := baseline.Load(ctx, path, baseline.Config{BatchSize: o.BatchSize})
			if err != nil {
				return nil, err
			}
			return &models.Loaded{Model: m, Hash: "sha256:" + m.Hash(), Provenance: m.Provenance()}, nil
		},
	}, nil
}

// namedPath splits the NAME=PATH argument of flag; taken reports names
// already in use.
func namedPath(flag, arg string, taken func(string) bool) (name, path string, err error) {
	name, path, ok := strings.Cut(arg, "=")
	if !ok || name == "" || path == "" || strings.ContainsAny(name, `/\ `) {
		return "", "", flagErrorf("%s %q: want NAME=PATH, NAME without slashes or spaces", flag, arg)
	}
	if taken(name) {
		return "", "", flagErrorf("%s %s: the name %s is taken (model names are case-insensitive); choose another", flag, arg, name)
	}
	return name, path, nil
}

// isGiven reports whether s was given on the command line rather than
// registered.
func isGiven(s *models.Spec) bool {
	return s.Get == givenWithModelDir || s.Get == givenWithModelFile || s.Get == givenWithPredictions
}

// datasetDisplayName returns the usual spelling of a dataset name, as in
// the registry's "DaNE train".
func datasetDisplayName(name string) string {
	if d, ok := map[string]string{"dane": "DaNE", "plank": "Plank", "wikiann": "WikiANN", "conll2003": "CoNLL-2003"}[name]; ok {
		return d
	}
	return name
}

// modelNames returns the registered names of the models given with
// --model: spaces around a name are dropped ("baseline, b7"), case is
// ignored. An unknown name, or a name given twice (in any case), is a usage
// error.
func (src *source) modelNames(given []string) ([]string, error) {
	var names []string
	for _, n := range given {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		spec, err := src.reg.Lookup(n)
		if err != nil {
			return nil, &flagError{fmt.Errorf("--model: %w", err)}
		}
		if slices.Contains(names, spec.Name) {
			return nil, flagErrorf("--model: %s is given twice", spec.Name)
		}
		names = append(names, spec.Name)
	}
	return names, nil
}

// result returns the predictions of the model called name on the source's
// split: the result file of `nerbench run` when one exists for the same
// data and, when the model can be loaded here, the same model (its hash is
// checked as `run --resume` does); otherwise new predictions, scored and
// saved as `nerbench run` does. A result file of a model that cannot be
// loaded here is used as it is, with a note.
func (src *source) result(ctx context.Context, name string) (*results.File, error) {
	spec, lerr := src.reg.Lookup(name)
	if lerr == nil {
		name = spec.Name
	}
	path := resultPath(src.opts.resultsDir, src.ds.Name, src.corpus.Split, name)
	f, err := results.Load(path)
	switch {
	case err == nil:
		if _, why := f.CachedPredictions(src.corpus, f.Model.Hash); why != "" {
			return nil, fmt.Errorf("%s: %s; run 'nerbench run --dataset %s --split %s --model %s' again", path, why, src.ds.Name, src.corpus.Split, name)
		}
		if lerr != nil {
			return f, nil
		}
		o := src.opts
		hash, herr := src.reg.Hash(ctx, name, src.modelsDir, models.LoadOptions{BatchSize: o.batchSize, Threads: o.threads, LabelMap: o.labelMap})
		switch {
		case errors.Is(herr, models.ErrUnavailable):
			fmt.Fprintf(src.out.Err, "%s: not available here to check; using %s as it is\n", name, path)
			return f, nil
		case herr != nil:
			return nil, herr
		case hash == f.Model.Hash:
			return f, nil
		}
		fmt.Fprintf(src.out.Err, "%s: %s was made by another version of the model or another --label-map (hash %s, now %s): predicting again\n",
			name, path, shortHash(f.Model.Hash), shortHash(hash))
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	case lerr != nil:
		return nil, fmt.Errorf("no result file %s, and %w", path, lerr)
	default:
		fmt.Fprintf(src.out.Err, "%s: no result file %s: predicting\n", name, path)
	}
	return src.runModel(ctx, name, results.Options{CI: src.ciConfig()}, false)
}

// warnTrainingSplit warns on the error stream when spec was trained on the
// split it is about to be scored on.
func (src *source) warnTrainingSplit(spec *models.Spec) {
	split := datasetDisplayName(src.ds.Name) + " " + src.corpus.Split
	if strings.EqualFold(strings.TrimSpace(spec.TrainedOn), split) {
		fmt.Fprintf(src.out.Err, "warning: %s was trained on %s: its scores on its own training data overstate how well it does\n", spec.Name, split)
	}
}

// shortHash abbreviates "sha256:<hex>" for messages.
func shortHash(h string) string {
	if len(h) > 19 {
		return h[:19]
	}
	return h
}

// ciConfig returns the bootstrap settings of the flags.
func (src *source) ciConfig() confidence.Config {
	return confidence.Config{Seed: src.opts.seed, Resamples: src.opts.resamples}
}
