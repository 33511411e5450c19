package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/corpus"
	"github.com/nerbench/nerbench/luke/pretrain"
)

type pretrainOptions struct {
	out       *streams
	cfg       pretrain.Config
	tokenizer string
	ckptEvery int
	logEvery  int
}

func newPretrainCmd(s *streams) *cobra.Command {
	cmd := newPretrainRunCmd(s, nil)
	cmd.AddCommand(newPretrainDataCmd(s, nil))
	return cmd
}

func newPretrainRunCmd(s *streams, runF func(context.Context, *pretrainOptions) error) *cobra.Command {
	def := pretrain.DefaultConfig()
	opts := &pretrainOptions{out: s, cfg: def}
	var compat, precision string
	var sizes [6]int
	cmd := &cobra.Command{
		Use:   "pretrain DATA OUT",
		Short: "Pretrain DaLUKE on libtorch; 'pretrain data' builds the data from a Wikipedia dump",
		Long: `Pretrain DaLUKE (DaLUKE thesis; spec §3) on the dataset that
'nerbench pretrain data' builds, on the CPU or a CUDA device (needs the torch
build: make torch).

The model starts from lukeinit and, with --bert, from a Hugging Face BERT
checkpoint of Danish BERT (pytorch_model.bin or model.safetensors, with the
reference's exact key rewrite; each layer's query is copied to the entity
queries). Each update covers --batch-size examples in micro-batches of
--micro-batch (gradient accumulation). Words are masked whole-word, 15 % of
them (banker's rounding, at least one; 80 % [MASK], 10 % random, 10 % kept)
and 15 % of the entities, redrawn each epoch from the seed. The loss is
0.5·word CE + 0.5·entity CE; a micro-batch without masked entities has
entity loss 0. The learning rate warms up over 6 % of the updates and
decays polynomially (power √3) to 10 % of --lr; AdamW (0.9, 0.999, 1e-6,
bias correction, weight decay 0.01 except biases and LayerNorm weights).

The weights taken from BERT stay frozen for the first half of the epochs
(--base-fix). By default they are then trained with their own AdamW state;
--compat thesis reproduces the released model's optimizer, built before
the unlock, which never updated them (spec §3.6).

OUT receives ckpt/ (resumable checkpoints: an interrupted or crashed run
continues from the newest one when started again with the same settings;
Ctrl-C saves one and exits 130), train-log.jsonl (one record per update
and per validation, schema nerbench.pretrain.log/v1), train-log.png/svg
(losses and top-1/top-10 accuracies), the tokenizer's vocabulary, and
daluke.tar.gz, the pretrained archive in the released format: with OUT
named daluke inside a models folder, 'nerbench daluke masked --models-dir'
uses it.`,
		Example: `  nerbench pretrain data dawiki-20210301-pages-articles.xml.bz2 data --tokenizer danish-bert
  nerbench pretrain data daluke --tokenizer danish-bert --bert danish-bert/pytorch_model.bin --device cuda --precision bf16
  nerbench pretrain data models/daluke --tokenizer danish-bert --hidden 64 --layers 2 --heads 4 --intermediate 128 --entity-size 32 --epochs 20 --batch-size 8 --micro-batch 4 --lr 1e-3`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return flagErrorf("pretrain takes DATA and OUT (or the subcommand data), got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c := &opts.cfg
			c.Data, c.Out = args[0], args[1]
			c.Hidden, c.Layers, c.Heads, c.Intermediate, c.EntitySize, c.MaxPositions = sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5]
			if opts.tokenizer == "" {
				return flagErrorf("--tokenizer is required: the folder with Danish BERT's vocab.txt or tokenizer.json used for the data")
			}
			var err error
			if c.Compat, err = corpus.ParseCompat(compat); err != nil {
				return flagErrorf("--compat: %v", err)
			}
			if c.Precision, err = luke.ParsePrecision(precision); err != nil {
				return flagErrorf("--precision: %v", err)
			}
			if c.Device != "cpu" && c.Device != "cuda" {
				return flagErrorf("--device %q: want cpu or cuda", c.Device)
			}
			c.Mask = pretrain.DefaultMaskConfig(0, 0, 0, 1) // ids are set from the tokenizer
			if err := c.Check(); err != nil {
				return flagErrorf("%v", err)
			}
			if opts.ckptEvery < 0 || opts.logEvery < 1 {
				return flagErrorf("--checkpoint-every %d, --log-every %d: want ≥ 0 and ≥ 1", opts.ckptEvery, opts.logEvery)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPretrain(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	c := &opts.cfg
	f.StringVar(&opts.tokenizer, "tokenizer", "", "folder with Danish BERT's vocab.txt or tokenizer.json (required)")
	f.StringVar(&c.BERT, "bert", "", "Hugging Face BERT checkpoint to start from (pytorch_model.bin or model.safetensors)")
	f.IntVar(&sizes[0], "hidden", def.Hidden, "hidden size (must match --bert)")
	f.IntVar(&sizes[1], "layers", def.Layers, "layers")
	f.IntVar(&sizes[2], "heads", def.Heads, "attention heads")
	f.IntVar(&sizes[3], "intermediate", def.Intermediate, "feed-forward size")
	f.IntVar(&sizes[4], "entity-size", def.EntitySize, "entity embedding size")
	f.IntVar(&sizes[5], "max-positions", def.MaxPositions, "position embeddings")
	f.IntVar(&c.Epochs, "epochs", def.Epochs, "epochs")
	f.IntVar(&c.BatchSize, "batch-size", def.BatchSize, "examples per update")
	f.IntVar(&c.MicroBatch, "micro-batch", def.MicroBatch, "examples per forward pass (the reference's ff-size)")
	f.Float64Var(&c.LR, "lr", def.LR, "peak learning rate")
	f.Float64Var(&c.Warmup, "warmup", def.Warmup, "warmup share of the updates")
	f.Float64Var(&c.WeightDecay, "weight-decay", def.WeightDecay, "AdamW weight decay")
	f.Float64Var(&c.BaseFix, "base-fix", def.BaseFix, "share of the epochs with the BERT weights frozen")
	f.Float64Var(&c.Dropout.Hidden, "dropout", def.Dropout.Hidden, "dropout of the hidden states")
	f.Float64Var(&c.Dropout.Attention, "attention-dropout", def.Dropout.Attention, "dropout of the attention probabilities")
	f.Float64Var(&c.ValShare, "val-share", def.ValShare, "share of the examples held out for validation")
	f.IntVar(&c.ValEvery, "val-every", def.ValEvery, "validate after every this many epochs (and after the last)")
	f.Uint64Var(&c.Seed, "seed", def.Seed, "seed of the initialisation, shuffling, masks, dropout and validation split")
	f.StringVar(&c.Device, "device", def.Device, "cpu or cuda")
	f.StringVar(&precision, "precision", "fp32", "fp32; bf16 (matrix products in bfloat16, fp32 master weights and optimizer); fp16 (CUDA)")
	f.StringVar(&compat, "compat", "fixed", "fixed, or thesis to never update the BERT weights (the released model's optimizer)")
	f.IntVar(&opts.ckptEvery, "checkpoint-every", 100, "save a checkpoint every this many updates (0: only at the end and on Ctrl-C)")
	f.IntVar(&opts.logEvery, "log-every", 1, "write a log record every this many updates")
	return cmd
}
