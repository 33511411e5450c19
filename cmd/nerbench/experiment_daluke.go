//go:build torch

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/experiment"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/finetune"
	"github.com/nerbench/nerbench/luke/train"
)

// dalukeRunner fine-tunes DaLUKE (luke/finetune, through the setup of
// `nerbench train daluke`) on a job's training split, keeps the model of
// the best dev epoch and tags the job's test split with it.
var dalukeRunner experiment.Runner = dalukeJobRunner{}

// dalukeUnavailable is empty: this build runs DaLUKE jobs.
const dalukeUnavailable = ""

type dalukeJobRunner struct{}

// dalukeRunDir is the fine-tuning run's folder inside the job's folder.
const dalukeRunDir = "daluke-run"

func (dalukeJobRunner) Run(ctx context.Context, t *experiment.Task) (*experiment.Output, error) {
	if err := luke.Available(); err != nil {
		return nil, err
	}
	opts, err := dalukeJobOptions(t.Job.Config)
	if err != nil {
		return nil, err
	}
	opts.out = &streams{Out: t.Log, Err: t.Log}
	opts.dir = filepath.Join(t.Dir, dalukeRunDir)
	if luke.CUDAAvailable() {
		opts.device = "cuda"
	}
	// A job killed mid-run (a crash, a cancelled array task) continues
	// from its last checkpoint; finetune refuses one of other settings.
	if _, _, err := train.Latest(filepath.Join(opts.dir, finetune.CheckpointDir)); err == nil {
		opts.resume = true
		opts.from, opts.random = "", false // the checkpoint's settings hold the start model
		fmt.Fprintf(t.Log, "resuming the fine-tuning run in %s\n", opts.dir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	cfg, err := trainDalukeConfig(opts)
	if err != nil {
		return nil, err
	}
	tok, err := daluke.ReadTokenizer(opts.vocab)
	if err != nil {
		return nil, err
	}
	c := t.Job.Config
	trainC := &benchmarks.Corpus{Dataset: t.TrainDataset.Name, Split: c.Train.Split, File: t.TrainSplitTitle, Sentences: t.Train}
	devC := &benchmarks.Corpus{Dataset: t.TrainDataset.Name, Split: c.Dev.Split, File: t.TrainSplitTitle + " dev", Sentences: t.Dev}
	settings := map[string]string{"vocab_size": strconv.Itoa(tok.VocabSize()), "job": t.Job.ID}
	sess, run, err := prepareDaluke(ctx, opts, cfg, tok, trainC, devC, settings, t.Log)
	if err != nil {
		return nil, err
	}
	closed := false
	defer func() {
		if !closed {
			sess.Close()
		}
	}()
	fmt.Fprintf(t.Log, "fine-tuning on %d sentences (%d examples), %d updates of %d epochs; dev: %d sentences; %s, %s\n",
		len(run.Train), len(sess.Items), sess.Loop.State.Total, cfg.Epochs, len(run.Dev), opts.device, cfg.Precision)
	attachTrainProgress(sess.Loop, t.Log)
	out, err := sess.Run(ctx)
	if err != nil {
		return nil, err
	}
	closed = true
	if err := sess.Close(); err != nil { // free the training model before tagging
		return nil, err
	}
	archive := finetune.LastArchive
	if out.BestEpoch > 0 {
		archive = finetune.BestArchive
		fmt.Fprintf(t.Log, "best dev micro F1 %.2f after epoch %d\n", 100*out.BestF1, out.BestEpoch)
	}
	file := filepath.Join(opts.dir, archive)
	sum, err := fileSHA256(file)
	if err != nil {
		return nil, err
	}
	// The tokenizer's folder is the model folder; the archive is named
	// relative to it, so tagging is exactly `nerbench run --model daluke`'s.
	vocabAbs, err := filepath.Abs(opts.vocab)
	if err != nil {
		return nil, err
	}
	fileAbs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(vocabAbs, fileAbs)
	if err != nil {
		return nil, err
	}
	m, err := daluke.Load(ctx, vocabAbs, daluke.Config{Archive: rel, Device: opts.device, BatchSize: opts.evalBatch})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	pred, err := benchmarks.Predict(ctx, m, t.Test.Sentences, 0, nil)
	if err != nil {
		return nil, err
	}
	return &experiment.Output{
		Model: results.Model{
			Name: daluke.Name, Title: "DaLUKE fine-tuned by nerbench", TrainedOn: t.TrainSplitTitle,
			Types: slices.Sorted(slices.Values(luke.Labels[1:])), Hash: "sha256:" + sum, Config: c.Params,
			Provenance: map[string]any{"start": settings["start"], "archive": archive, "best_epoch": out.BestEpoch,
				"best_dev_f1": out.BestF1, "updates": out.Steps, "device": opts.device},
		},
		Pred: pred,
	}, nil
}
