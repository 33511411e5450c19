package finetune

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/luke"
)

// Config holds the settings of a fine-tuning run. DefaultConfig gives the
// released model's recipe (spec §2.8).
type Config struct {
	// Epochs is the number of passes over the training examples (15).
	Epochs int
	// BatchSize is the number of examples per micro-batch (8); an update
	// sums the gradients of Accum micro-batches (1).
	BatchSize, Accum int
	// LR is the peak learning rate (5e-5), reached after int(Warmup·T)
	// of the T updates (Warmup 0.06) and then decayed linearly to 0.
	LR, Warmup float64
	// WeightDecay applies to every parameter except those whose name
	// contains "bias" or "LayerNorm.weight" (0.01).
	WeightDecay float64
	// Dropout holds the probabilities of the encoder (0.1, 0.1) and of the
	// classifier features (0.025).
	Dropout luke.Dropout
	// Shuffle draws a new order of the examples for every epoch (true).
	Shuffle bool
	// Seed keys every random stream: the order, the dropout masks, and the
	// classifier or random initialisation (1).
	Seed uint64
	// LossWeight weights the cross-entropy of each class by 1/(its number
	// of spans in the training examples), DaLUKE's --loss-weight (false).
	LossWeight bool
	// Precision is the arithmetic of the forward pass (luke.FP32); the
	// weights and the optimizer stay in float32.
	Precision luke.Precision
	// Labels are the classes, the outside class first (luke.Labels).
	Labels []string
}

// DefaultConfig returns the released model's recipe.
func DefaultConfig() Config {
	return Config{Epochs: 15, BatchSize: 8, Accum: 1, LR: 5e-5, Warmup: 0.06, WeightDecay: 0.01,
		Dropout: luke.Dropout{Hidden: 0.1, Attention: 0.1, Features: 0.025},
		Shuffle: true, Seed: 1, Labels: luke.Labels}
}

// Deterministic returns c without shuffling and without dropout, so that
// a run is a pure function of its inputs and needs no random stream.
func (c Config) Deterministic() Config {
	c.Shuffle = false
	c.Dropout = luke.Dropout{}
	return c
}

// Check reports a setting outside its range.
func (c Config) Check() error {
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("epochs %d: want at least 1", c.Epochs)
	case c.BatchSize < 1 || c.Accum < 1:
		return fmt.Errorf("batch size %d, accumulation %d: want at least 1", c.BatchSize, c.Accum)
	case !(c.LR > 0):
		return fmt.Errorf("learning rate %v: want a positive number", c.LR)
	case !(c.Warmup >= 0 && c.Warmup <= 1):
		return fmt.Errorf("warmup %v: want a fraction of the updates in [0, 1]", c.Warmup)
	case !(c.WeightDecay >= 0):
		return fmt.Errorf("weight decay %v: want 0 or more", c.WeightDecay)
	case len(c.Labels) < 2:
		return fmt.Errorf("%d classes: want the outside class and at least one type", len(c.Labels))
	}
	p := luke.Pass{Dropout: c.Dropout}
	if err := p.Check(); err != nil && !strings.Contains(err.Error(), "random source") {
		return err
	}
	return nil
}

// Map returns the settings that change the result, as text, for the
// checkpoint's config hash.
func (c Config) Map() map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return map[string]string{
		"epochs": strconv.Itoa(c.Epochs), "batch_size": strconv.Itoa(c.BatchSize), "accum": strconv.Itoa(c.Accum),
		"lr": f(c.LR), "warmup": f(c.Warmup), "weight_decay": f(c.WeightDecay),
		"dropout_hidden": f(c.Dropout.Hidden), "dropout_attention": f(c.Dropout.Attention),
		"dropout_features": f(c.Dropout.Features), "shuffle": strconv.FormatBool(c.Shuffle),
		"seed": strconv.FormatUint(c.Seed, 10), "loss_weight": strconv.FormatBool(c.LossWeight),
		"precision": c.Precision.String(), "labels": strings.Join(c.Labels, ","),
		"optimizer": "adamw beta1=0.9 beta2=0.98 eps=1e-06 correct_bias=false no_decay=bias,LayerNorm.weight",
		"schedule":  "linear warmup, linear decay to 0",
	}
}
