package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/datadir"
	"github.com/nerbench/nerbench/internal/experiment"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/finetune"
)

// experimentEnv is what experiments run against: the model kinds that
// plug in here and the datasets of `nerbench data`, read from dataDir.
func experimentEnv(dataDir string) *experiment.Env {
	return &experiment.Env{
		Kinds:    []experiment.Kind{baselineKind(), dalukeKind()},
		Datasets: dataDatasets,
		Load: func(ctx context.Context, ds *benchmarks.Dataset, split string) (*benchmarks.Corpus, error) {
			loc, err := datadir.Resolve(dataDir)
			if err != nil {
				return nil, err
			}
			c, err := ds.Load(ctx, loc.Dataset(ds.Name), split)
			if err != nil {
				return nil, fmt.Errorf("data folder %s: %w", loc, err)
			}
			return c, nil
		},
		Version: nerbenchVersion(),
	}
}

// baselineKind trains the Go baseline (adapters/baseline); its parameters
// are the flags of `nerbench train baseline`.
func baselineKind() experiment.Kind {
	return experiment.Kind{
		Name: baseline.Name,
		Params: map[string]experiment.ParamType{
			"max_epochs": experiment.Int, "patience": experiment.Int, "min_count": experiment.Int,
			"gazetteer_max_len": experiment.Int, "bags": experiment.Int, "prune": experiment.Float,
		},
		Features: []string{"all", "words", "entities"},
		Runner:   baselineRunner{},
	}
}

// dalukeKind fine-tunes DaLUKE with luke/finetune; it runs in the torch
// build (experiment_daluke.go) and is planned everywhere. Its parameters
// are those of the fine-tuning recipe (daluke-spec.md §2.8) and the start
// model (see dalukeJobOptions); features "words" and "entities" are the
// thesis's NER-words-only and NER-entities-only ablations.
func dalukeKind() experiment.Kind {
	return experiment.Kind{
		Name: daluke.Name,
		Params: map[string]experiment.ParamType{
			"lr": experiment.Float, "epochs": experiment.Int, "batch_size": experiment.Int, "warmup": experiment.Float,
			"weight_decay": experiment.Float, "dropout": experiment.Float, "pretrained": experiment.String,
			"vocab": experiment.String, "layers": experiment.Int, "hidden": experiment.Int, "heads": experiment.Int,
			"entity_size": experiment.Int,
		},
		Features:    []string{"all", "words", "entities"},
		Runner:      dalukeRunner,
		Unavailable: dalukeUnavailable,
	}
}

// dalukeRandom is model.params.pretrained for a fresh initialisation.
const dalukeRandom = "random"

// dalukeJobOptions maps a DaLUKE job to the options of `nerbench train
// daluke`: the recipe's defaults, then the job's seed, feature switch and
// parameters. pretrained is the start archive (the pretrained DaLUKE.tar.gz,
// mutated for NER) or "random" with layers, hidden, heads and entity_size;
// vocab is the folder of the WordPiece vocabulary. Relative paths are
// relative to the working folder of the job.
func dalukeJobOptions(c experiment.Config) (*trainDalukeOptions, error) {
	def := finetune.DefaultConfig()
	opts := &trainDalukeOptions{
		epochs: def.Epochs, batch: def.BatchSize, accum: def.Accum, lr: def.LR, warmup: def.Warmup, wd: def.WeightDecay,
		dropout: def.Dropout.Features, hidden: def.Dropout.Hidden, attn: def.Dropout.Attention,
		seed: c.Seed, precision: luke.FP32.String(), device: "cpu", evalBatch: 8,
		features: map[string]string{"all": "all", "words": "words-only", "entities": "entities-only"}[c.Features],
	}
	opts.sizes.MaxPositions = 512
	if opts.features == "" {
		return nil, fmt.Errorf("feature switch %q: want all, words or entities", c.Features)
	}
	ints := map[string]*int{"epochs": &opts.epochs, "batch_size": &opts.batch, "layers": &opts.sizes.Layers,
		"hidden": &opts.sizes.Hidden, "heads": &opts.sizes.Heads, "entity_size": &opts.sizes.EntitySize}
	floats := map[string]*float64{"lr": &opts.lr, "warmup": &opts.warmup, "weight_decay": &opts.wd, "dropout": &opts.dropout}
	sizes := 0
	for k, v := range c.Params {
		switch {
		case ints[k] != nil:
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: %w", k, err)
			}
			*ints[k] = n
			if k != "epochs" && k != "batch_size" {
				sizes++
			}
		case floats[k] != nil:
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: %w", k, err)
			}
			*floats[k] = x
		case k == "pretrained":
			opts.from = v
		case k == "vocab":
			opts.vocab = v
		default:
			return nil, fmt.Errorf("unknown daluke parameter %q", k)
		}
	}
	switch {
	case opts.vocab == "":
		return nil, errors.New("model.params.vocab is required: the folder with the WordPiece vocabulary (vocab.txt or tokenizer.json)")
	case opts.from == "":
		return nil, errors.New(`model.params.pretrained is required: the pretrained archive (DaLUKE.tar.gz) or "random"`)
	case opts.from == dalukeRandom:
		opts.from, opts.random = "", true
		if sz := opts.sizes; sz.Layers < 1 || sz.Hidden < 1 || sz.Heads < 1 || sz.EntitySize < 1 {
			return nil, errors.New(`pretrained = "random" needs positive layers, hidden, heads and entity_size`)
		}
	case sizes > 0:
		return nil, errors.New(`layers, hidden, heads and entity_size are for pretrained = "random"; the archive has its own sizes`)
	}
	return opts, nil
}

type baselineRunner struct{}

func (baselineRunner) Run(ctx context.Context, t *experiment.Task) (*experiment.Output, error) {
	c := t.Job.Config
	cfg := baseline.TrainConfig{
		Seed: c.Seed, Dataset: t.TrainDataset.Name, TrainSplit: c.Train.Split, DevSplit: c.Dev.Split,
		Command: "nerbench experiment run-job (job " + t.Job.ID + ")",
	}
	if c.Features != "all" {
		cfg.Features = c.Features
	}
	ints := map[string]*int{"max_epochs": &cfg.MaxEpochs, "patience": &cfg.Patience, "min_count": &cfg.MinCount,
		"gazetteer_max_len": &cfg.GazetteerMaxLen, "bags": &cfg.Bags}
	for k, v := range c.Params {
		if p, ok := ints[k]; ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: %w", k, err)
			}
			*p = n
		} else if k == "prune" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("parameter %s: %w", k, err)
			}
			cfg.Prune = x
		} else {
			return nil, fmt.Errorf("unknown baseline parameter %q", k)
		}
	}
	cfg.Progress = func(bag, epoch int, f1 float64) {
		fmt.Fprintf(t.Log, "bag %d epoch %d: dev micro-F1 %.2f\n", bag, epoch, f1)
	}
	m, err := baseline.Train(ctx, t.Train, t.Dev, cfg)
	if err != nil {
		return nil, err
	}
	pred, err := benchmarks.Predict(ctx, m, t.Test.Sentences, 0, nil)
	if err != nil {
		return nil, err
	}
	return &experiment.Output{
		Model: results.Model{
			Name: baseline.Name, Title: "nerbench baseline (averaged perceptron)", TrainedOn: t.TrainSplitTitle,
			Types: m.Types(), Hash: "sha256:" + m.Hash(), Config: c.Params, Provenance: m.Provenance(),
		},
		Pred: pred,
	}, nil
}
