package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/datadir"
)

// trainSplit returns the split of ds that `train` uses by default: "train",
// else the first split whose name starts with "train" (Plank's train-10k);
// "" when ds has none.
func trainSplit(ds *benchmarks.Dataset) string {
	if slices.Contains(ds.Splits, "train") {
		return "train"
	}
	for _, s := range ds.Splits {
		if strings.HasPrefix(s, "train") {
			return s
		}
	}
	return ""
}

// devSplit is the split on which training chooses the number of epochs.
const devSplit = "dev"

type trainOptions struct {
	out       *streams
	model     string
	dataset   string
	split     string // training split; "" until resolved
	dataDir   string
	file      string
	output    string
	seed      uint64
	maxEpochs int
	patience  int
	minCount  int
	gazLen    int
	bags      int
	prune     float64
	data      datasetOptions // --dataset-file and --allow-unknown-types
}

func newTrainCmd(s *streams, runF func(context.Context, *trainOptions) error) *cobra.Command {
	opts := &trainOptions{out: s}
	def := baseline.TrainConfig{}.Resolved()
	cmd := &cobra.Command{
		Use:   "train baseline --dataset NAME",
		Short: "Train the Go baseline NER model",
		Long: `Train nerbench's baseline model, an averaged structured perceptron with
Viterbi decoding (package adapters/baseline), on the training split of a
dataset: train, or --train-split (Plank has train-10k, the default, and
train-5k). Any dataset with a training and a dev split can be used: DaNE,
Plank, WikiANN and CoNLL-2003. The number of epochs is chosen on the dev
split; the test split is never read. Your own files train it too:
--dataset-file train=PATH --dataset-file dev=PATH (with --out). The flags
and the --out file are checked before any data is read. Training is
deterministic: the same data, settings and seed give a byte-identical model
file.

The model file records the dataset, the splits and their hashes, the seed,
the settings, the chosen epoch and the command line that reproduces it.
Progress goes to standard error, one line per epoch.

The DaNE model embedded in nerbench is made with the first example below;
the settings are the defaults.`,
		Example: `  nerbench train baseline --dataset dane --out adapters/baseline/model/dane.nbm.gz
  nerbench train baseline --dataset dane --seed 7 --max-epochs 50 --out /tmp/dane-seed7.nbm.gz
  nerbench train baseline --dataset conll2003 --data-dir ~/nerdata --out /tmp/conll.nbm.gz
  nerbench train baseline -d plank --train-split train-5k --out /tmp/plank-5k.nbm.gz`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("train takes one model name (baseline), got %d arguments", len(args))
			}
			if args[0] != baseline.Name {
				return flagErrorf("unknown model %q: train %s or daluke", args[0], baseline.Name)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.model = args[0]
			if err := checkTrainOptions(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTrain(cmd.Context(), opts)
		},
	}
	cmd.AddCommand(newTrainDalukeCmd(s, nil))
	f := cmd.Flags()
	f.StringVarP(&opts.dataset, "dataset", "d", "", "dataset to train on: "+strings.Join(trainDatasetNames(), ", ")+" (required)")
	f.StringVar(&opts.split, "train-split", "", "split to train on (default train, or the dataset's first train-* split: train-10k for Plank)")
	f.StringVar(&opts.dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	f.StringVar(&opts.file, "out", "", "model file to write (default baseline-DATASET.nbm.gz)")
	f.StringVarP(&opts.output, "output", "o", "text", "summary format: text or json")
	f.Uint64Var(&opts.seed, "seed", def.Seed, "seed for the order of training sentences")
	f.IntVar(&opts.maxEpochs, "max-epochs", def.MaxEpochs, "most passes over the training data")
	f.IntVar(&opts.patience, "patience", def.Patience, "stop after this many epochs without a better dev F1 (negative: never)")
	f.IntVar(&opts.minCount, "min-count", def.MinCount, "keep features seen at least this many times in train")
	f.IntVar(&opts.gazLen, "gazetteer-max-len", def.GazetteerMaxLen, "longest training entity, in words, put in the gazetteer")
	f.IntVar(&opts.bags, "bags", def.Bags, "perceptrons trained on different sentence orders and summed")
	f.Float64Var(&opts.prune, "prune", def.Prune, "drop averaged weights below this in absolute value (negative: keep all)")
	opts.data.addFlags(f, "")
	return cmd
}

// trainDatasetNames lists the datasets that have a training split and a
// dev split, those a baseline can be trained on.
func trainDatasetNames() []string {
	var names []string
	for i := range dataDatasets {
		if ds := &dataDatasets[i]; trainSplit(ds) != "" && slices.Contains(ds.Splits, devSplit) {
			names = append(names, ds.Name)
		}
	}
	return names
}

// checkTrainOptions checks the flags of `train` before any data is read,
// the output file included, so that a bad flag never costs a training run.
func checkTrainOptions(opts *trainOptions) error {
	if err := opts.data.checkFlags(); err != nil {
		return err
	}
	if len(opts.data.files) > 0 {
		if opts.split != "" && opts.split != "train" {
			return flagErrorf("--train-split applies to a known dataset; give the training file as --dataset-file train=PATH")
		}
		opts.split = "train"
		if err := opts.data.check(opts.dataset, opts.split, devSplit); err != nil {
			return err
		}
		if opts.file == "" {
			return flagErrorf("--out is required with --dataset-file")
		}
	} else {
		if opts.dataset == "" {
			return flagErrorf("--dataset is required: want %s (or --dataset-file train=PATH --dataset-file dev=PATH)", strings.Join(trainDatasetNames(), ", "))
		}
		ds, err := findDataset(opts.dataset)
		if err != nil || !slices.Contains(trainDatasetNames(), ds.Name) {
			return flagErrorf("--dataset %q: want %s", opts.dataset, strings.Join(trainDatasetNames(), ", "))
		}
		opts.dataset = ds.Name
		switch {
		case opts.split == "":
			opts.split = trainSplit(ds)
		case !slices.Contains(ds.Splits, opts.split) || opts.split == devSplit || opts.split == "test":
			return flagErrorf("--train-split %q: want a split of %s other than dev and test (%s)", opts.split, ds.Name, strings.Join(ds.Splits, ", "))
		}
	}
	switch {
	case opts.output != "text" && opts.output != "json":
		return flagErrorf("--output %q: want text or json", opts.output)
	case opts.maxEpochs < 1:
		return flagErrorf("--max-epochs must be at least 1, got %d", opts.maxEpochs)
	case opts.minCount < 1:
		return flagErrorf("--min-count must be at least 1, got %d", opts.minCount)
	case opts.gazLen < 1:
		return flagErrorf("--gazetteer-max-len must be at least 1, got %d", opts.gazLen)
	case opts.bags < 1:
		return flagErrorf("--bags must be at least 1, got %d", opts.bags)
	case opts.patience == 0:
		return flagErrorf("--patience must not be 0 (negative: never stop early)")
	case opts.prune == 0:
		return flagErrorf("--prune must not be 0 (negative: keep all weights)")
	}
	if opts.file == "" {
		opts.file = "baseline-" + opts.dataset + ".nbm.gz"
	}
	return checkWritable("--out", opts.file)
}

// checkWritable checks that file can be written: its folder exists and
// takes new files, and file is not a folder. It writes nothing that stays.
func checkWritable(flag, file string) error {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return flagErrorf("%s %s: is a folder; give a file name", flag, file)
	}
	dir := filepath.Dir(file)
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return flagErrorf("%s %s: no folder %s", flag, file, dir)
	}
	f, err := os.CreateTemp(dir, ".nerbench-check-*")
	if err != nil {
		return flagErrorf("%s %s: cannot write in %s: %v", flag, file, dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// trainCommand is the command line recorded in the model file: every
// setting spelled out, and nothing that depends on the host.
func trainCommand(opts *trainOptions) string {
	data := "--dataset " + opts.dataset
	if ds, err := findDataset(opts.dataset); err == nil && opts.split != trainSplit(ds) {
		data += " --train-split " + opts.split
	}
	if len(opts.data.files) > 0 {
		data = trainFileFlags(&opts.data)
	}
	return fmt.Sprintf("nerbench train %s %s --seed %d --max-epochs %d --patience %d --min-count %d --gazetteer-max-len %d --bags %d --prune %s",
		opts.model, data, opts.seed, opts.maxEpochs, opts.patience, opts.minCount, opts.gazLen, opts.bags,
		strconv.FormatFloat(opts.prune, 'g', -1, 64))
}

// trainSummary is what `nerbench train --output json` prints.
type trainSummary struct {
	Schema     string              `json:"schema"` // "nerbench.train/v1"
	File       string              `json:"file"`
	Bytes      int64               `json:"bytes"`
	Seconds    float64             `json:"seconds"`
	Provenance baseline.Provenance `json:"provenance"`
}

func runTrain(ctx context.Context, opts *trainOptions) error {
	loc, err := datadir.Resolve(opts.dataDir)
	if err != nil {
		return err
	}
	var (
		ds         *benchmarks.Dataset
		train, dev *benchmarks.Corpus
	)
	if len(opts.data.files) > 0 {
		d, corpora, err := opts.data.open(ctx, opts.out, opts.dataset, opts.dataDir, opts.split, devSplit)
		if err != nil {
			return err
		}
		ds, train, dev = d, corpora[0], corpora[1]
	} else {
		if ds, err = findDataset(opts.dataset); err != nil {
			return err
		}
		dir := loc.Dataset(ds.Name)
		if train, err = openSplit(ctx, ds, dir, opts.split, opts.data.loadOptions()); err != nil {
			return fmt.Errorf("data folder %s: %w", loc, err)
		}
		if dev, err = openSplit(ctx, ds, dir, devSplit, opts.data.loadOptions()); err != nil {
			return fmt.Errorf("data folder %s: %w", loc, err)
		}
	}
	fmt.Fprintf(opts.out.Err, "training %s on %s %s (%d sentences), selecting on dev (%d sentences)\n",
		opts.model, ds.Name, opts.split, len(train.Sentences), len(dev.Sentences))
	start := time.Now()
	m, err := baseline.Train(ctx, train.Sentences, dev.Sentences, baseline.TrainConfig{
		Seed: opts.seed, MaxEpochs: opts.maxEpochs, Patience: opts.patience, MinCount: opts.minCount,
		GazetteerMaxLen: opts.gazLen, Bags: opts.bags, Prune: opts.prune,
		Dataset: ds.Name, TrainSplit: opts.split, DevSplit: devSplit, Command: trainCommand(opts),
		Progress: func(bag, epoch int, f1 float64) {
			if opts.bags > 1 {
				fmt.Fprintf(opts.out.Err, "bag %d, ", bag)
			}
			fmt.Fprintf(opts.out.Err, "epoch %d: dev micro-F1 %.2f\n", epoch, f1)
		},
	})
	if err != nil {
		return fmt.Errorf("train %s on %s: %w", opts.model, ds.Name, err)
	}
	elapsed := time.Since(start)
	if err := m.WriteFile(opts.file); err != nil {
		return err
	}
	info, err := os.Stat(opts.file)
	if err != nil {
		return err
	}
	p := m.Provenance()
	if opts.output == "json" {
		enc := json.NewEncoder(opts.out.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(trainSummary{Schema: "nerbench.train/v1", File: opts.file, Bytes: info.Size(), Seconds: elapsed.Seconds(), Provenance: p})
	}
	_, err = fmt.Fprintf(opts.out.Out, "wrote %s (%d bytes): epochs %v chosen on dev, dev micro-F1 %.2f, %d features, trained in %.1fs\n",
		opts.file, info.Size(), p.Epochs, p.DevF1, p.Features, elapsed.Seconds())
	return err
}
