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
	dataset    string
	split      string
	dataDir    string
	modelsDir  string
	resultsDir string
	modelDirs  []string
	modelFiles []string // NAME=PATH of baseline model files
	threads    int
	device     string
	batchSize  int
	seed       uint64
	resamples  int
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
	f.IntVar(&o.threads, "threads", 0, "compute threads of each model that predicts (0: the runtime chooses)")
	f.StringVar(&o.device, "device", "cpu", "cpu or cuda, for models that predict")
	f.IntVar(&o.batchSize, "batch-size", benchmarks.DefaultBatchSize, "sentences per prediction batch")
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
	modelsDir, err := models.Dir(o.modelsDir)
	if err != nil {
		return nil, err
	}
	base := o.base
	if base == nil {
		base = registry()
	}
	specs := slices.Clone(base.All())
	for _, d := range o.modelDirs {
		specs = append(specs, modelDirSpec(d))
	}
	for _, mf := range o.modelFiles {
		sp, err := modelFileSpec(ctx, mf, func(name string) bool {
			return slices.ContainsFunc(specs, func(s *models.Spec) bool { return s.Name == name })
		})
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	ds, corpora, err := o.data.open(ctx, s, o.dataset, o.dataDir, o.split)
	if err != nil {
		return nil, err
	}
	return &source{opts: o, out: s, ds: ds, corpus: corpora[0], reg: models.New(specs...), modelsDir: modelsDir, command: command}, nil
}

// How models given on the command line are marked in Spec.Get.
const (
	givenWithModelDir  = "given with --model-dir"
	givenWithModelFile = "given with --model-file"
)

// modelFileSpec registers a baseline model file given as NAME=PATH; taken
// reports names already in use.
func modelFileSpec(ctx context.Context, arg string, taken func(string) bool) (*models.Spec, error) {
	name, path, ok := strings.Cut(arg, "=")
	if !ok || name == "" || path == "" || strings.ContainsAny(name, `/\ `) {
		return nil, flagErrorf("--model-file %q: want NAME=PATH, NAME without slashes or spaces", arg)
	}
	if taken(name) {
		return nil, flagErrorf("--model-file %s: the name %s is taken; choose another", arg, name)
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
			m, err := baseline.Load(ctx, path, baseline.Config{BatchSize: o.BatchSize})
			if err != nil {
				return nil, err
			}
			return &models.Loaded{Model: m, Hash: "sha256:" + m.Hash(), Provenance: m.Provenance()}, nil
		},
	}, nil
}

// datasetDisplayName returns the usual spelling of a dataset name, as in
// the registry's "DaNE train".
func datasetDisplayName(name string) string {
	if d, ok := map[string]string{"dane": "DaNE", "plank": "Plank", "wikiann": "WikiANN", "conll2003": "CoNLL-2003"}[name]; ok {
		return d
	}
	return name
}

// result returns the predictions of the model called name on the source's
// split: the result file of `nerbench run` when one exists for the same
// data, or else new predictions, scored and saved as `nerbench run` does.
func (src *source) result(ctx context.Context, name string) (*results.File, error) {
	path := resultPath(src.opts.resultsDir, src.ds.Name, src.corpus.Split, name)
	f, err := results.Load(path)
	switch {
	case err == nil:
		if _, why := f.CachedPredictions(src.corpus, f.Model.Hash); why != "" {
			return nil, fmt.Errorf("%s: %s; run 'nerbench run --dataset %s --split %s --model %s' again", path, why, src.ds.Name, src.corpus.Split, name)
		}
		return f, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if _, lerr := src.reg.Lookup(name); lerr != nil {
		return nil, fmt.Errorf("no result file %s, and %w", path, lerr)
	}
	fmt.Fprintf(src.out.Err, "%s: no result file %s: predicting\n", name, path)
	return src.runModel(ctx, name, results.Options{CI: src.ciConfig()}, false)
}

// ciConfig returns the bootstrap settings of the flags.
func (src *source) ciConfig() confidence.Config {
	return confidence.Config{Seed: src.opts.seed, Resamples: src.opts.resamples}
}
