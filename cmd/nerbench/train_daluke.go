package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"image/color"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/internal/figures"
	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/finetune"
	"github.com/nerbench/nerbench/luke/train"
)

type trainDalukeOptions struct {
	out    *streams
	dir    string
	from   string
	random bool
	sizes  finetune.Sizes
	vocab  string

	dataset, dataDir      string
	trainSplit, devSplit  string
	trainFile, devFile    string
	maxSentences          int
	epochs, batch, accum  int
	lr, warmup, wd        float64
	dropout, hidden, attn float64
	lossWeight            bool
	features              string
	maxEntities           int
	maxEntitySpan         int
	seed                  uint64
	deterministic         bool
	precision, device     string
	resume                bool
	evalBatch             int
}

func newTrainDalukeCmd(s *streams, runF func(context.Context, *trainDalukeOptions) error) *cobra.Command {
	opts := &trainDalukeOptions{out: s}
	def := finetune.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "daluke --out DIR (--from ARCHIVE | --random) --vocab DIR",
		Short: "Fine-tune DaLUKE for NER on libtorch (the released recipe by default)",
		Long: `Fine-tune DaLUKE for span NER exactly as the released model was
(daluke-spec §2.8): AdamW with betas (0.9, 0.98), eps 1e-6 and no bias
correction; weight decay 0.01 except for parameters named *bias* or
*LayerNorm.weight*; learning rate 5e-5 with a linear warmup over 6 % of the
updates and a linear decay to 0; 15 epochs of batches of 8 examples
shuffled with seed 1; cross-entropy over the real spans; dropout 0.1 in the
encoder and 0.025 on the classifier's features; no gradient clipping.

The start model is one of
  --from a pretrained archive (DaLUKE.tar.gz, with the masked-word and
         masked-entity heads): mutate_for_ner keeps the [PAD] and [MASK]
         rows of the entity table and adds a classifier at PyTorch's
         default initialisation, seeded;
  --from a NER archive or .safetensors (continue training it);
  --random with --layers --hidden --heads --entity-size: a fresh
         initialisation (BERT's), so the whole path runs without released
         weights.
--vocab is the folder with the WordPiece vocabulary (vocab.txt or
tokenizer.json); for the released weights, Danish BERT's.

Training examples are built as inference builds them (windows of at most
max-seq-length word pieces, every span of at most max-entity-span word
pieces, chunks of max-entities spans) plus the gold entities, each span
labelled with its gold type or O. After each epoch the dev split is tagged
and scored with seqeval's default mode; the best model (strictly higher
micro F1) is written as best.tar.gz and best.safetensors, the final one as
last.tar.gz and last.safetensors, in the released archive format that
'nerbench run --model daluke' reads. DIR also gets train-log.jsonl (one
JSON record per update and per epoch), learning-curve.png/.svg and ckpt/,
a checkpoint after every epoch.

Ctrl-C saves a checkpoint and exits with status 130; --resume continues a
run from its checkpoint and ends with the same weights as an uninterrupted
run (bit for bit on the CPU). It refuses other settings and names them.

--precision: fp32 computes everything in float32. bf16 computes every
linear layer and the attention's two matrix products in bfloat16 on
bfloat16 copies of the float32 weights, with float32 results; embeddings,
layer norms, softmax, GELU, dropout, the loss, the gradients and AdamW stay
in float32 (the master weights). fp16 does the same in float16 with
dynamic loss scaling (initial scale 65536, halved and the update skipped
on a non-finite gradient, doubled after 2000 good updates); CUDA only.

Randomness is nerbench's own: the order of epoch e is a permutation from
the ChaCha8 stream (seed, "shuffle", e), the dropout masks of each
micro-batch come from (seed, "dropout", update, part), and libtorch's
generator is never used. --deterministic turns shuffling and dropout off,
making the run a pure function of its inputs.

Threads: libtorch uses all cores by default; set OMP_NUM_THREADS to limit
it.`,
		Example: `  # the released recipe, from the pretrained model
  nerbench train daluke --from ~/.daluke/DaLUKE.tar.gz --vocab models/daluke --out runs/daluke-ner
  # a tiny random model on 200 DaNE sentences, 3 epochs
  nerbench train daluke --random --layers 2 --hidden 64 --heads 4 --entity-size 32 \
      --vocab models/daluke --max-sentences 200 --epochs 3 --out runs/tiny
  # continue after Ctrl-C
  nerbench train daluke --from ~/.daluke/DaLUKE.tar.gz --vocab models/daluke --out runs/daluke-ner --resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.dir == "" {
				return flagErrorf("--out is required: the folder for the log, checkpoints and models")
			}
			if opts.vocab == "" {
				return flagErrorf("--vocab is required: the folder with vocab.txt or tokenizer.json")
			}
			if !opts.resume && (opts.from == "") == !opts.random {
				return flagErrorf("give exactly one start model: --from ARCHIVE or --random")
			}
			if opts.random && (opts.sizes.Layers < 1 || opts.sizes.Hidden < 1 || opts.sizes.Heads < 1 || opts.sizes.EntitySize < 1) {
				return flagErrorf("--random needs positive --layers, --hidden, --heads and --entity-size")
			}
			if opts.maxEntities < 0 || opts.maxEntitySpan < 0 {
				return flagErrorf("--max-entities %d, --max-entity-span %d: want 0 (the model's) or a positive count", opts.maxEntities, opts.maxEntitySpan)
			}
			if opts.device != "cpu" && opts.device != "cuda" {
				return flagErrorf("--device %q: want cpu or cuda", opts.device)
			}
			if _, err := luke.ParsePrecision(opts.precision); err != nil {
				return &flagError{err}
			}
			if _, err := parseFeatures(opts.features); err != nil {
				return &flagError{err}
			}
			if opts.trainFile != "" && opts.dataset != "" {
				return flagErrorf("give --dataset or --train-file, not both")
			}
			if opts.trainFile == "" {
				if opts.dataset == "" {
					opts.dataset = dane.Name
				}
				if _, err := findDataset(opts.dataset); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTrainDaluke(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.dir, "out", "", "output folder (required)")
	f.StringVar(&opts.from, "from", "", "start model: a pretrained or NER archive (.tar.gz) or a .safetensors file")
	f.BoolVar(&opts.random, "random", false, "start from a random initialisation of the sizes below")
	f.IntVar(&opts.sizes.Layers, "layers", 0, "--random: encoder layers")
	f.IntVar(&opts.sizes.Hidden, "hidden", 0, "--random: hidden size")
	f.IntVar(&opts.sizes.Heads, "heads", 0, "--random: attention heads")
	f.IntVar(&opts.sizes.EntitySize, "entity-size", 0, "--random: entity embedding size")
	f.IntVar(&opts.sizes.Intermediate, "intermediate", 0, "--random: feed-forward size (0: 4 × hidden)")
	f.IntVar(&opts.sizes.MaxPositions, "max-positions", 512, "--random: position embeddings")
	f.StringVar(&opts.vocab, "vocab", "", "folder with the WordPiece vocabulary: vocab.txt or tokenizer.json (required)")
	f.StringVarP(&opts.dataset, "dataset", "d", "", "dataset: "+strings.Join(dataDatasetNames(), ", ")+" (default dane)")
	f.StringVar(&opts.dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	f.StringVar(&opts.trainSplit, "train-split", "train", "split to train on")
	f.StringVar(&opts.devSplit, "dev-split", "dev", `split to evaluate after each epoch ("none": no evaluation, no best model)`)
	f.StringVar(&opts.trainFile, "train-file", "", "train on this file instead of a dataset: .conllu (DaNE CoNLL-U), .jsonl (DaNE JSON lines) or two columns word and IOB2 tag")
	f.StringVar(&opts.devFile, "dev-file", "", "evaluate on this file (formats as --train-file)")
	f.IntVar(&opts.maxSentences, "max-sentences", 0, "train on the first N sentences only (0: all)")
	f.IntVar(&opts.epochs, "epochs", def.Epochs, "passes over the training examples")
	f.IntVar(&opts.batch, "batch-size", def.BatchSize, "examples (chunks of max-entities spans) per micro-batch")
	f.IntVar(&opts.accum, "accum", def.Accum, "micro-batches whose gradients are summed per update (each loss divided by their number)")
	f.Float64Var(&opts.lr, "lr", def.LR, "peak learning rate")
	f.Float64Var(&opts.warmup, "warmup", def.Warmup, "fraction of the updates with a linear warmup")
	f.Float64Var(&opts.wd, "weight-decay", def.WeightDecay, "AdamW weight decay (not for *bias* and *LayerNorm.weight*)")
	f.Float64Var(&opts.dropout, "dropout", def.Dropout.Features, "dropout on the classifier's features")
	f.Float64Var(&opts.hidden, "hidden-dropout", def.Dropout.Hidden, "dropout on embeddings and sublayer outputs")
	f.Float64Var(&opts.attn, "attention-dropout", def.Dropout.Attention, "dropout on the attention probabilities")
	f.BoolVar(&opts.lossWeight, "loss-weight", false, "weight each class's loss by 1/(its number of training spans)")
	f.StringVar(&opts.features, "features", "all", "classifier features of a new classifier: all, words-only (NER-words-only) or entities-only (NER-entities-only)")
	f.IntVar(&opts.maxEntities, "max-entities", 0, "spans per example (0: the model's max-entities, 128 for DaLUKE)")
	f.IntVar(&opts.maxEntitySpan, "max-entity-span", 0, "longest candidate span in word pieces, as daluke/ner/run.py's option (0: the model's max-entity-span, 30 for DaLUKE and --random)")
	f.Uint64Var(&opts.seed, "seed", def.Seed, "seed of the order, the dropout masks and the initialisation")
	f.BoolVar(&opts.deterministic, "deterministic", false, "no shuffling and no dropout")
	f.StringVar(&opts.precision, "precision", "fp32", "fp32, bf16 or fp16 (see above)")
	f.StringVar(&opts.device, "device", "cpu", "cpu or cuda")
	f.BoolVar(&opts.resume, "resume", false, "continue the run saved in --out")
	f.IntVar(&opts.evalBatch, "eval-batch-size", 8, "examples per forward pass when evaluating")
	return cmd
}

func parseFeatures(s string) (luke.Features, error) {
	for _, f := range []luke.Features{luke.AllFeatures, luke.WordsOnly, luke.EntitiesOnly} {
		if f.String() == s {
			return f, nil
		}
	}
	return 0, fmt.Errorf("--features %q: want all, words-only or entities-only", s)
}

// trainDalukeConfig turns the flags into the recipe's settings.
func trainDalukeConfig(opts *trainDalukeOptions) (finetune.Config, error) {
	cfg := finetune.DefaultConfig()
	cfg.Epochs, cfg.BatchSize, cfg.Accum = opts.epochs, opts.batch, opts.accum
	cfg.LR, cfg.Warmup, cfg.WeightDecay = opts.lr, opts.warmup, opts.wd
	cfg.Dropout = luke.Dropout{Hidden: opts.hidden, Attention: opts.attn, Features: opts.dropout}
	cfg.LossWeight, cfg.Seed = opts.lossWeight, opts.seed
	if opts.deterministic {
		cfg = cfg.Deterministic()
	}
	var err error
	if cfg.Precision, err = luke.ParsePrecision(opts.precision); err != nil {
		return cfg, &flagError{err}
	}
	if err := cfg.Check(); err != nil {
		return cfg, &flagError{err}
	}
	return cfg, nil
}

// readSentencesFile reads --train-file or --dev-file by its extension.
func readSentencesFile(ctx context.Context, file, split string) (*benchmarks.Corpus, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch {
	case strings.HasSuffix(file, ".conllu"):
		return dane.ReadCoNLLU(ctx, f, file, split)
	case strings.HasSuffix(file, ".jsonl"):
		return dane.ReadJSONL(ctx, f, file, split)
	}
	return plank.Read(ctx, f, file, split)
}

func dalukeSentences(c *benchmarks.Corpus, tok *daluke.Tokenizer, limit int) ([]finetune.Sentence, error) {
	sents := c.Sentences
	if limit > 0 && limit < len(sents) {
		sents = sents[:limit]
	}
	out := make([]finetune.Sentence, len(sents))
	for i, s := range sents {
		p, err := tok.Words(s.Words)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: sentence %s: %w", c.File, s.Line, s.ID, err)
		}
		out[i] = finetune.Sentence{ID: s.ID, Pieces: p, Tags: s.Tags}
	}
	return out, nil
}

// fileSHA256 returns the hex SHA-256 of a file's content.
func fileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// dalukeStart reads or makes the start model and describes it for the
// resume check.
func dalukeStart(opts *trainDalukeOptions, cfg finetune.Config, tok *daluke.Tokenizer) (*luke.Checkpoint, string, error) {
	features, _ := parseFeatures(opts.features)
	labels := len(cfg.Labels)
	var ck *luke.Checkpoint
	var desc string
	if opts.random {
		sz := opts.sizes
		sz.VocabSize = tok.VocabSize()
		if sz.Intermediate == 0 {
			sz.Intermediate = 4 * sz.Hidden
		}
		meta := luke.Metadata{MaxSeqLength: min(512, sz.MaxPositions), MaxEntities: 128, MaxEntitySpan: 30}
		var err error
		if ck, err = finetune.RandomInit(sz, meta, labels, features, cfg.Seed); err != nil {
			return nil, "", &flagError{err}
		}
		desc = fmt.Sprintf("random %+v", sz)
	} else {
		var err error
		if strings.HasSuffix(opts.from, ".safetensors") {
			ck, err = luke.LoadSafetensors(opts.from)
		} else {
			ck, err = luke.ReadArchive(opts.from)
		}
		if err != nil {
			return nil, "", err
		}
		sum, err := fileSHA256(opts.from)
		if err != nil {
			return nil, "", err
		}
		desc = ck.Config.Kind.String() + " sha256:" + sum
		switch ck.Config.Kind {
		case luke.KindPretrained:
			if ck, err = finetune.MutateForNER(ck, labels, features, cfg.Seed); err != nil {
				return nil, "", err
			}
		case luke.KindNER:
			if opts.features != "all" && ck.Config.Features != features {
				return nil, "", flagErrorf("--features %s: %s has a %s classifier", opts.features, opts.from, ck.Config.Features)
			}
		}
		if ck.Config.VocabSize != tok.VocabSize() {
			return nil, "", fmt.Errorf("%s has %d word pieces, the vocabulary in %s %d", opts.from, ck.Config.VocabSize, opts.vocab, tok.VocabSize())
		}
	}
	if opts.maxEntities > 0 {
		ck.Metadata.MaxEntities = opts.maxEntities
		ck.Metadata.Raw["max-entities"] = opts.maxEntities
	}
	if opts.maxEntitySpan > 0 {
		ck.Metadata.MaxEntitySpan = opts.maxEntitySpan
		ck.Metadata.Raw["max-entity-span"] = opts.maxEntitySpan
	}
	return ck, desc, nil
}

func runTrainDaluke(ctx context.Context, opts *trainDalukeOptions) error {
	if err := luke.Available(); err != nil {
		return err
	}
	if opts.device == "cuda" && !luke.CUDAAvailable() {
		return errors.New("--device cuda: libtorch sees no CUDA device")
	}
	cfg, err := trainDalukeConfig(opts)
	if err != nil {
		return err
	}
	tok, err := daluke.ReadTokenizer(opts.vocab)
	if err != nil {
		return err
	}
	vocabHash := strconv.Itoa(tok.VocabSize())
	var trainC, devC *benchmarks.Corpus
	settings := map[string]string{"vocab_size": vocabHash}
	if opts.trainFile != "" {
		if trainC, err = readSentencesFile(ctx, opts.trainFile, "train"); err != nil {
			return err
		}
		sum, err := fileSHA256(opts.trainFile)
		if err != nil {
			return err
		}
		settings["train_file_sha256"] = sum
		if opts.devFile != "" {
			if devC, err = readSentencesFile(ctx, opts.devFile, "dev"); err != nil {
				return err
			}
		}
	} else {
		ds, err := findDataset(opts.dataset)
		if err != nil {
			return err
		}
		if trainC, err = loadCorpus(ctx, opts.out, ds, opts.dataDir, opts.trainSplit); err != nil {
			return err
		}
		settings["dataset"] = opts.dataset + "/" + opts.trainSplit
		if opts.devSplit != "none" {
			if devC, err = loadCorpus(ctx, opts.out, ds, opts.dataDir, opts.devSplit); err != nil {
				return err
			}
		}
	}
	sess, run, err := prepareDaluke(ctx, opts, cfg, tok, trainC, devC, settings, opts.out.Err)
	if err != nil {
		return err
	}
	defer sess.Close()
	st := sess.Loop.State
	fmt.Fprintf(opts.out.Err, "training on %d sentences (%d examples), %d updates of %d epochs; dev: %d sentences; %s, %s\n",
		len(run.Train), len(sess.Items), st.Total, cfg.Epochs, len(run.Dev), opts.device, cfg.Precision)
	if sess.Resumed {
		fmt.Fprintf(opts.out.Err, "resuming at update %d (epoch %d, batch %d)\n", st.Step, st.Epoch+1, st.Batch)
	}
	attachTrainProgress(sess.Loop, opts.out.Err)
	out, err := sess.Run(ctx)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(opts.out.Err, "\ninterrupted: checkpoint saved at update %d; continue with the same command and --resume\n",
			sess.Loop.State.Step)
		return err
	}
	if err != nil {
		return err
	}
	paths, err := learningCurve(opts.dir)
	if err != nil {
		return err
	}
	if out.BestEpoch > 0 {
		fmt.Fprintf(opts.out.Out, "best dev micro F1 %.2f after epoch %d: %s\n", 100*out.BestF1, out.BestEpoch,
			filepath.Join(opts.dir, finetune.BestArchive))
	}
	fmt.Fprintf(opts.out.Out, "last model: %s\nlog: %s\nlearning curve: %s\n", filepath.Join(opts.dir, finetune.LastArchive),
		filepath.Join(opts.dir, finetune.LogFile), strings.Join(paths, ", "))
	return nil
}

// prepareDaluke makes the fine-tuning session of opts on the corpora
// (devC may be nil): the word pieces, the start model (or the checkpoint
// to resume), the logger and finetune's Run. `nerbench train daluke` and
// the experiment runner both start their runs here.
func prepareDaluke(ctx context.Context, opts *trainDalukeOptions, cfg finetune.Config, tok *daluke.Tokenizer,
	trainC, devC *benchmarks.Corpus, settings map[string]string, logw io.Writer) (*finetune.Session, *finetune.Run, error) {
	trainS, err := dalukeSentences(trainC, tok, opts.maxSentences)
	if err != nil {
		return nil, nil, err
	}
	var devS []finetune.Sentence
	if devC != nil {
		if devS, err = dalukeSentences(devC, tok, 0); err != nil {
			return nil, nil, err
		}
	}
	var start *luke.Checkpoint
	if !opts.resume {
		var desc string
		if start, desc, err = dalukeStart(opts, cfg, tok); err != nil {
			return nil, nil, err
		}
		settings["start"] = desc
	} else if opts.from != "" || opts.random {
		fmt.Fprintln(logw, "--resume: the start model is the checkpoint's; --from and --random are checked through the saved settings")
	}
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}}))
	run := &finetune.Run{Dir: opts.dir, Config: cfg, Start: start, Device: opts.device, Special: tok.Special(),
		Train: trainS, Dev: devS, EvalBatch: opts.evalBatch, Resume: opts.resume, Settings: settings, Log: logger}
	if opts.resume {
		if err := resumeSettings(opts, settings); err != nil {
			return nil, nil, err
		}
	}
	sess, err := run.Prepare(ctx)
	if err != nil {
		return nil, nil, err
	}
	return sess, run, nil
}

// resumeSettings fills in the start model's description from the saved
// state, which a resumed run cannot recompute without its start model.
func resumeSettings(opts *trainDalukeOptions, settings map[string]string) error {
	_, st, err := train.Latest(filepath.Join(opts.dir, finetune.CheckpointDir))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("--resume: %s has no checkpoint", opts.dir)
		}
		return err
	}
	settings["start"] = st.Config["start"]
	return nil
}

// attachTrainProgress shows updates, loss and examples per second: a
// progress bar on a terminal, otherwise a line at every tenth of the run.
func attachTrainProgress(l *train.Loop, w io.Writer) {
	st := l.State
	begin, done0 := time.Now(), st.Step
	examples := 0
	var bar *progressbar.ProgressBar
	next := st.Step
	if isTerminal(w) {
		bar = progressbar.NewOptions(st.Total, progressbar.OptionSetWriter(w), progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("upd"), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
		_ = bar.Set(st.Step)
	}
	l.OnStep("progress", func(_ context.Context, l *train.Loop, s train.StepInfo) error {
		examples += s.Examples
		rate := float64(examples) / time.Since(begin).Seconds()
		if bar != nil {
			bar.Describe(fmt.Sprintf("epoch %d loss %.4f %.1f ex/s", s.Epoch+1, s.Loss, rate))
			return bar.Set(s.Step)
		}
		if s.Step >= next || s.Step == l.State.Total {
			fmt.Fprintf(w, "update %d/%d (epoch %d): loss %.4f, lr %.3g, %.1f examples/s\n", s.Step, l.State.Total, s.Epoch+1, s.Loss, s.LR, rate)
			next = s.Step + max(1, (l.State.Total-done0)/10)
		}
		return nil
	})
	if bar != nil {
		l.OnEnd("progress", func(context.Context, *train.Loop) error { return bar.Finish() })
	}
}

// figuresColour draws the dev F1 (Okabe and Ito's orange).
var figuresColour = color.RGBA{230, 159, 0, 255}

// learningCurve draws the training loss per update and the dev F1 per
// epoch from the run's log into learning-curve.png and .svg.
func learningCurve(dir string) ([]string, error) {
	steps, epochs, err := finetune.ReadLog(filepath.Join(dir, finetune.LogFile))
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "DaLUKE fine-tuning"
	p.X.Label.Text = "update"
	p.Y.Label.Text = "loss / dev micro F1"
	loss := make(plotter.XYs, len(steps))
	for i, s := range steps {
		loss[i] = plotter.XY{X: float64(s.Step), Y: s.Loss}
	}
	var f1 plotter.XYs
	for _, e := range epochs {
		if e.DevF1 != nil {
			f1 = append(f1, plotter.XY{X: float64(e.Step), Y: *e.DevF1})
		}
	}
	if len(loss) > 0 {
		l, err := plotter.NewLine(loss)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add("training loss", l)
	}
	if len(f1) > 0 {
		l, pts, err := plotter.NewLinePoints(f1)
		if err != nil {
			return nil, err
		}
		l.Color = figuresColour
		pts.Color = figuresColour
		p.Add(l, pts)
		p.Legend.Add("dev micro F1 (0-1)", l, pts)
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return figures.Save(p, filepath.Join(dir, "learning-curve"))
}
