package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/datadir"
	"github.com/nerbench/nerbench/internal/experiment"
	"github.com/nerbench/nerbench/internal/results"
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

// dalukeKind can be planned; it runs once DaLUKE fine-tuning is built in.
// Its parameters are those of the fine-tuning recipe (daluke-spec.md
// §2.8); features "words" and "entities" are the thesis's NER-words-only
// and NER-entities-only ablations.
func dalukeKind() experiment.Kind {
	return experiment.Kind{
		Name: "daluke",
		Params: map[string]experiment.ParamType{
			"lr": experiment.Float, "epochs": experiment.Int, "batch_size": experiment.Int, "warmup": experiment.Float,
			"weight_decay": experiment.Float, "dropout": experiment.Float, "pretrained": experiment.String,
		},
		Features:    []string{"all", "words", "entities"},
		Unavailable: "DaLUKE fine-tuning is not in this build of nerbench; the spec can be planned, and runs once fine-tuning exists",
	}
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
