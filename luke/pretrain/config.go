package pretrain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/corpus"
	"github.com/nerbench/nerbench/luke/train"
)

// Sizes are the model sizes of a run started without BERT weights; with
// them, they must match the BERT checkpoint.
type Sizes struct {
	Hidden, Layers, Heads, Intermediate, EntitySize, MaxPositions int
}

// BaseSizes are DaLUKE's (Danish BERT base with 256-dimensional entities).
var BaseSizes = Sizes{Hidden: 768, Layers: 12, Heads: 12, Intermediate: 3072, EntitySize: 256, MaxPositions: 512}

// Config configures a pretraining run. Defaults are the thesis-era main
// run (spec §3): DefaultConfig.
type Config struct {
	Data string // folder written by corpus.Build
	Out  string // run folder: ckpt/, the log and the archive
	BERT string // optional Hugging Face BERT checkpoint (pytorch_model.bin or model.safetensors)
	Sizes
	Mask MaskConfig // word-piece ids come from the tokenizer

	Epochs     int     // 150
	BatchSize  int     // examples per update: 4080
	MicroBatch int     // examples per forward pass (ff-size): 24
	LR         float64 // peak learning rate: 3e-4
	Warmup     float64 // warmup share of the updates: 0.06
	// EndRatio and Power shape the polynomial decay: lr falls to
	// EndRatio·LR with the given power (0.1 and √3).
	EndRatio, Power float64
	WeightDecay     float64 // 0.01, not for biases and LayerNorm weights
	// BaseFix is the share of the epochs during which the weights taken
	// from BERT stay frozen: they are unlocked at epoch
	// round_half_even(BaseFix·Epochs) (0.5: epoch 75 of 150).
	BaseFix    float64
	WordWeight float64 // weight of the word loss: 0.5
	Dropout    luke.Dropout
	Precision  luke.Precision
	Device     string
	Seed       uint64
	// ValShare is the share of the examples held out for validation,
	// drawn with the seed; ValEvery validates after every ValEvery-th
	// epoch and after the last.
	ValShare float64
	ValEvery int
	// Compat selects the thesis-era optimizer that never updates the
	// BERT weights, even after the unlock (spec §3.6 [BUG]).
	Compat corpus.Compat
}

// DefaultConfig returns the thesis-era settings for the data in dir.
func DefaultConfig() Config {
	return Config{Sizes: BaseSizes, Epochs: 150, BatchSize: 4080, MicroBatch: 24, LR: 3e-4, Warmup: 0.06,
		EndRatio: 0.1, Power: math.Sqrt(3), WeightDecay: 0.01, BaseFix: 0.5, WordWeight: 0.5,
		Dropout: luke.Dropout{Hidden: 0.1, Attention: 0.1}, Device: "cpu", Seed: 1, ValShare: 0.01, ValEvery: 1}
}

// Accum returns the micro-batches per update, BatchSize/MicroBatch
// (grad_accumulation_steps), at least 1.
func (c *Config) Accum() int { return max(1, c.BatchSize/c.MicroBatch) }

// UnlockEpoch returns the epoch (from 0) at which the base is unfrozen.
func (c *Config) UnlockEpoch() int { return int(math.RoundToEven(c.BaseFix * float64(c.Epochs))) }

// Check reports settings out of range.
func (c *Config) Check() error {
	switch {
	case c.Epochs < 1 || c.BatchSize < 1 || c.MicroBatch < 1:
		return fmt.Errorf("epochs %d, batch size %d, micro-batch %d: want at least 1 each", c.Epochs, c.BatchSize, c.MicroBatch)
	case c.MicroBatch > c.BatchSize:
		return fmt.Errorf("micro-batch %d larger than the batch size %d", c.MicroBatch, c.BatchSize)
	case !(c.LR > 0) || !(c.Warmup >= 0 && c.Warmup <= 1) || !(c.EndRatio >= 0 && c.EndRatio <= 1) || !(c.Power > 0):
		return fmt.Errorf("lr %v, warmup %v, end ratio %v, power %v: want lr > 0, warmup and end ratio in [0, 1], power > 0",
			c.LR, c.Warmup, c.EndRatio, c.Power)
	case !(c.BaseFix >= 0 && c.BaseFix <= 1) || !(c.WordWeight >= 0 && c.WordWeight <= 1):
		return fmt.Errorf("base-fix %v, word weight %v: want each in [0, 1]", c.BaseFix, c.WordWeight)
	case !(c.ValShare >= 0 && c.ValShare < 1) || c.ValEvery < 1:
		return fmt.Errorf("validation share %v, every %d: want a share in [0, 1) and every ≥ 1", c.ValShare, c.ValEvery)
	case c.Hidden < 1 || c.Heads < 1 || c.Hidden%c.Heads != 0 || c.Layers < 1 || c.Intermediate < 1 || c.EntitySize < 1:
		return fmt.Errorf("sizes %+v: want positive sizes and heads dividing hidden", c.Sizes)
	}
	return nil
}

// Hashed returns the settings that change the result, for the state's
// config hash: a run may only be resumed with the same ones.
func (c *Config) Hashed(dataHash string) map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	i := strconv.Itoa
	return map[string]string{
		"data": dataHash, "bert": filepath.Base(c.BERT), "hidden": i(c.Hidden), "layers": i(c.Layers), "heads": i(c.Heads),
		"intermediate": i(c.Intermediate), "entity-size": i(c.EntitySize), "epochs": i(c.Epochs),
		"batch-size": i(c.BatchSize), "micro-batch": i(c.MicroBatch), "lr": f(c.LR), "warmup": f(c.Warmup),
		"end-ratio": f(c.EndRatio), "power": f(c.Power), "weight-decay": f(c.WeightDecay), "base-fix": f(c.BaseFix),
		"word-weight": f(c.WordWeight), "dropout-hidden": f(c.Dropout.Hidden), "dropout-attention": f(c.Dropout.Attention),
		"precision": c.Precision.String(), "seed": strconv.FormatUint(c.Seed, 10), "val-share": f(c.ValShare),
		"compat": string(c.Compat), "word-mask": f(c.Mask.WordProb), "entity-mask": f(c.Mask.EntityProb),
		"unmask": f(c.Mask.UnmaskProb), "random-word": f(c.Mask.RandomProb),
	}
}

// Dataset is a pretraining dataset read into memory, split into training
// and validation examples.
type Dataset struct {
	Train, Val []*corpus.Example
	Vocab      *corpus.Vocab
	Metadata   map[string]any // metadata.json
}

// ReadDataset reads a folder written by corpus.Build and holds out
// round(valShare·n) examples, chosen by a shuffle of the stream (seed,
// "validation", 0, 0). Word ids must be below vocabSize.
func ReadDataset(dir string, valShare float64, seed uint64, vocabSize int) (*Dataset, error) {
	vb, err := os.ReadFile(filepath.Join(dir, corpus.EntityVocabFile))
	if err != nil {
		return nil, err
	}
	vocab, err := corpus.ParseVocab(vb)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, corpus.EntityVocabFile), err)
	}
	mb, err := os.ReadFile(filepath.Join(dir, corpus.MetadataFile))
	if err != nil {
		return nil, err
	}
	d := &Dataset{Vocab: vocab}
	if err := json.Unmarshal(mb, &d.Metadata); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, corpus.MetadataFile), err)
	}
	file := filepath.Join(dir, corpus.DataFile)
	var all []*corpus.Example
	err = corpus.ReadExamples(file, func(line int, ex *corpus.Example) error {
		for _, id := range ex.WordIDs {
			if id >= vocabSize {
				return fmt.Errorf("%s:%d: word id %d outside the tokenizer's %d pieces", file, line, id, vocabSize)
			}
		}
		for _, id := range ex.EntityIDs {
			if id < 0 || id >= vocab.Len() {
				return fmt.Errorf("%s:%d: entity id %d outside the vocabulary of %d", file, line, id, vocab.Len())
			}
		}
		all = append(all, ex)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: no examples", file)
	}
	nVal := int(math.RoundToEven(valShare * float64(len(all))))
	val := map[int]bool{}
	r := rand.New(train.Stream(seed, "validation", 0, 0))
	for _, i := range r.Perm(len(all))[:nVal] {
		val[i] = true
	}
	for i, ex := range all {
		if val[i] {
			d.Val = append(d.Val, ex)
		} else {
			d.Train = append(d.Train, ex)
		}
	}
	if len(d.Train) == 0 {
		return nil, fmt.Errorf("%s: no training examples left after holding out %d", file, nVal)
	}
	return d, nil
}

// hashFile returns the hex SHA-256 of a file.
func hashFile(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Schedule returns the polynomial decay with warmup of c (spec §3.6).
func (c *Config) Schedule() train.Schedule {
	return train.PolynomialWarmupDecay(c.Warmup, c.EndRatio, c.Power)
}

// UpdatesPerEpoch returns the updates of an epoch of n training examples.
func (c *Config) UpdatesPerEpoch(n int) int {
	return train.Updates((n+c.MicroBatch-1)/c.MicroBatch, c.Accum())
}
