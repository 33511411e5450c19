package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/conll2003"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/datadir"
)

// trainDatasets are the datasets a baseline can be trained on.
var trainDatasets = map[string]benchmarks.Dataset{
	dane.Name:      dane.Dataset,
	conll2003.Name: conll2003.Dataset,
}

type trainOptions struct {
	out       *streams
	model     string
	dataset   string
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
}

func newTrainCmd(s *streams, runF func(context.Context, *trainOptions) error) *cobra.Command {
	opts := &trainOptions{out: s}
	def := baseline.TrainConfig{}.Resolved()
	cmd := &cobra.Command{
		Use:   "train baseline --dataset NAME",
		Short: "Train the Go baseline NER model",
		Long: `Train nerbench's baseline model, an averaged structured perceptron with
Viterbi decoding (package adapters/baseline), on the train split of a
dataset. The number of epochs is chosen on the dev split; the test split is
never read. Training is deterministic: the same data, settings and seed give
a byte-identical model file.

The model file records the dataset, the splits and their hashes, the seed,
the settings, the chosen epoch and the command line that reproduces it.
Progress goes to standard error, one line per epoch.

The DaNE model embedded in nerbench is made with the first example below;
the settings are the defaults.`,
		Example: `  nerbench train baseline --dataset dane --out adapters/baseline/model/dane.nbm.gz
  nerbench train baseline --dataset dane --seed 7 --max-epochs 50 --out /tmp/dane-seed7.nbm.gz
  nerbench train baseline --dataset conll2003 --data-dir ~/nerdata --out /tmp/conll.nbm.gz`,
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
			if opts.dataset == "" {
				return flagErrorf("--dataset is required: want %s", strings.Join(trainDatasetNames(), " or "))
			}
			if _, ok := trainDatasets[opts.dataset]; !ok {
				return flagErrorf("--dataset %q: want %s", opts.dataset, strings.Join(trainDatasetNames(), " or "))
			}
			if opts.output != "text" && opts.output != "json" {
				return flagErrorf("--output %q: want text or json", opts.output)
			}
			if opts.file == "" {
				opts.file = "baseline-" + opts.dataset + ".nbm.gz"
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTrain(cmd.Context(), opts)
		},
	}
	cmd.AddCommand(newTrainDalukeCmd(s, nil))
	f := cmd.Flags()
	f.StringVar(&opts.dataset, "dataset", "", "dataset to train on: "+strings.Join(trainDatasetNames(), ", ")+" (required)")
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
	return cmd
}

func trainDatasetNames() []string {
	return []string{dane.Name, conll2003.Name}
}

// trainCommand is the command line recorded in the model file: every
// setting spelled out, and nothing that depends on the host.
func trainCommand(opts *trainOptions) string {
	return fmt.Sprintf("nerbench train %s --dataset %s --seed %d --max-epochs %d --patience %d --min-count %d --gazetteer-max-len %d --bags %d --prune %s",
		opts.model, opts.dataset, opts.seed, opts.maxEpochs, opts.patience, opts.minCount, opts.gazLen, opts.bags,
		strconv.FormatFloat(opts.prune, 'g', -1, 64))
}

// trainSummary is what `nerbench train --output json` prints.
type trainSummary struct {
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
	ds := trainDatasets[opts.dataset]
	dir := loc.Dataset(ds.Name)
	train, err := ds.Load(ctx, dir, "train")
	if err != nil {
		return fmt.Errorf("data folder %s: %w", loc, err)
	}
	dev, err := ds.Load(ctx, dir, "dev")
	if err != nil {
		return fmt.Errorf("data folder %s: %w", loc, err)
	}
	fmt.Fprintf(opts.out.Err, "training %s on %s train (%d sentences), selecting on dev (%d sentences)\n",
		opts.model, ds.Name, len(train.Sentences), len(dev.Sentences))
	start := time.Now()
	m, err := baseline.Train(ctx, train.Sentences, dev.Sentences, baseline.TrainConfig{
		Seed: opts.seed, MaxEpochs: opts.maxEpochs, Patience: opts.patience, MinCount: opts.minCount,
		GazetteerMaxLen: opts.gazLen, Bags: opts.bags, Prune: opts.prune,
		Dataset: ds.Name, TrainSplit: "train", DevSplit: "dev", Command: trainCommand(opts),
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
		return enc.Encode(trainSummary{File: opts.file, Bytes: info.Size(), Seconds: elapsed.Seconds(), Provenance: p})
	}
	_, err = fmt.Fprintf(opts.out.Out, "wrote %s (%d bytes): epochs %v chosen on dev, dev micro-F1 %.2f, %d features, trained in %.1fs\n",
		opts.file, info.Size(), p.Epochs, p.DevF1, p.Features, elapsed.Seconds())
	return err
}
