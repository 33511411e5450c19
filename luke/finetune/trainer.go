//go:build torch

package finetune

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/sugarme/gotch/ts"

	"github.com/nerbench/nerbench/internal/atomicfile"
	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// fp16 dynamic loss scaling, as torch.cuda.amp.GradScaler's defaults.
const (
	initLossScale   = 65536
	lossScaleGrowth = 2000 // good updates before the scale doubles
)

// Trainer holds the model, the optimizer and the training examples of a
// run, and does its micro-batch and update steps. It is not safe for
// concurrent use.
type Trainer struct {
	cfg     Config
	model   *luke.Model
	opt     *train.AdamW
	items   []Item
	weight  *ts.Tensor // class weights, or an undefined tensor
	vocab   map[string]int
	special luke.SpecialIDs
	// fp16 loss scaling
	scale float64
	good  int
}

// NewTrainer puts the NER checkpoint ck on device ("cpu" or "cuda") with
// gradients and makes the optimizer of cfg.
func NewTrainer(ck *luke.Checkpoint, device string, cfg Config, items []Item, special luke.SpecialIDs) (t *Trainer, err error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if ck.Config.Kind != luke.KindNER {
		return nil, fmt.Errorf("fine-tuning needs a NER checkpoint, this one is %s", ck.Config.Kind)
	}
	if ck.Config.Labels != len(cfg.Labels) {
		return nil, fmt.Errorf("the classifier has %d classes, the labels are %d (%v)", ck.Config.Labels, len(cfg.Labels), cfg.Labels)
	}
	if cfg.Precision == luke.FP16 && device != "cuda" {
		return nil, errors.New("precision fp16 needs --device cuda: libtorch has no float16 matrix product on the CPU (use bf16)")
	}
	m, err := luke.NewModel(ck, device)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if err := m.SetRequiresGrad(true); err != nil {
		return nil, err
	}
	params := map[string]*ts.Tensor{}
	for _, k := range m.Names() {
		params[k] = m.Param(k)
	}
	opt, err := train.NewAdamW(params, train.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-6,
		WeightDecay: cfg.WeightDecay, NoDecay: train.HFNoDecay})
	if err != nil {
		return nil, err
	}
	t = &Trainer{cfg: cfg, model: m, opt: opt, items: items, vocab: ck.EntityVocab, special: special, scale: 1}
	if cfg.Precision == luke.FP16 {
		t.scale = initLossScale
	}
	defer luke.RecoverTorch(&err)
	t.weight = ts.NewTensor()
	if cfg.LossWeight {
		w, err := ClassWeights(items, cfg.Labels)
		if err != nil {
			opt.Close()
			return nil, err
		}
		f := make([]float32, len(w))
		for i, v := range w {
			f[i] = float32(v)
		}
		t.weight = ts.MustOfSlice(f).MustTo(m.Device(), true)
	}
	return t, nil
}

// Close frees the model and the optimizer.
func (t *Trainer) Close() error {
	t.weight.MustDrop()
	return errors.Join(t.opt.Close(), t.model.Close())
}

// Model returns the model being trained.
func (t *Trainer) Model() *luke.Model { return t.model }

// Optimizer returns the optimizer.
func (t *Trainer) Optimizer() *train.AdamW { return t.opt }

// Forward runs the forward and backward pass of one micro-batch and
// returns its loss: the mean cross-entropy over the batch's real spans
// (class-weighted with LossWeight), as CrossEntropyLoss(ignore_index=-1).
// The gradient is that of loss/m.Parts (times the fp16 loss scale).
func (t *Trainer) Forward(_ context.Context, m train.Micro) (loss float64, err error) {
	defer luke.RecoverTorch(&err)
	exs := make([]luke.Example, len(m.Batch))
	le := 0
	for i, k := range m.Batch {
		if k < 0 || k >= len(t.items) {
			return 0, fmt.Errorf("example %d of %d", k, len(t.items))
		}
		exs[i] = t.items[k].Example
		le = max(le, len(exs[i].Spans))
	}
	labels := make([]int64, len(exs)*le)
	for i, k := range m.Batch {
		for j := range le {
			labels[i*le+j] = -1
			if j < len(t.items[k].Labels) {
				labels[i*le+j] = int64(t.items[k].Labels[j])
			}
		}
	}
	pass := &luke.Pass{Dropout: t.cfg.Dropout, Precision: t.cfg.Precision}
	if d := t.cfg.Dropout; d.Hidden > 0 || d.Attention > 0 || d.Features > 0 {
		pass.Rand = rand.New(train.Stream(t.cfg.Seed, "dropout", m.Step, m.Part))
	}
	logits, free, err := t.model.TrainLogits(exs, pass)
	if err != nil {
		return 0, err
	}
	defer free()
	C := int64(len(t.cfg.Labels))
	flat := logits.MustView([]int64{-1, C}, false)
	defer flat.MustDrop()
	target := ts.MustOfSlice(labels).MustTo(t.model.Device(), true)
	defer target.MustDrop()
	l := flat.MustCrossEntropyLoss(target, t.weight, 1, -1, 0, false) // reduction mean
	defer l.MustDrop()
	loss = l.MustFloat64Value([]int64{})
	scaled := l.MustMulScalar(ts.FloatScalar(t.scale/float64(m.Parts)), false)
	defer scaled.MustDrop()
	if err := scaled.Backward(); err != nil {
		return 0, err
	}
	return loss, nil
}

// Update applies the optimizer step with learning rate u.LR and clears the
// gradients. In fp16 it first checks the gradients: if any is not finite
// the update is skipped and the loss scale halved; otherwise they are
// divided by the scale, which doubles after 2000 good updates.
func (t *Trainer) Update(_ context.Context, u train.Update) (err error) {
	defer luke.RecoverTorch(&err)
	if t.cfg.Precision == luke.FP16 {
		ok := true
		for _, k := range t.model.Names() {
			g := t.model.Param(k).MustGrad(false)
			if g.MustDefined() {
				fin := g.MustIsfinite(false).MustAll(true)
				if fin.MustInt64Value([]int64{}) == 0 {
					ok = false
				}
				fin.MustDrop()
			}
			g.MustDrop()
		}
		if !ok {
			t.scale /= 2
			t.good = 0
			return t.opt.ZeroGrad()
		}
		for _, k := range t.model.Names() {
			g := t.model.Param(k).MustGrad(false)
			if g.MustDefined() {
				g.MustMulScalar_(ts.FloatScalar(1 / t.scale))
			}
			g.MustDrop()
		}
	}
	if err := t.opt.Step(u.LR); err != nil {
		return err
	}
	if t.cfg.Precision == luke.FP16 {
		if t.good++; t.good == lossScaleGrowth {
			t.scale *= 2
			t.good = 0
		}
	}
	return t.opt.ZeroGrad()
}

// Tag tags sentences with the model in evaluation mode (no dropout, no
// gradients), as inference does.
func (t *Trainer) Tag(ctx context.Context, sents []Sentence, batchSize int) (tags [][]string, err error) {
	defer luke.RecoverTorch(&err)
	texts := make([][][]int64, len(sents))
	for i, s := range sents {
		texts[i] = s.Pieces
	}
	var res []luke.NERResult
	train.NoGrad(func() {
		res, err = t.model.NER(ctx, texts, t.special, luke.NEROptions{BatchSize: batchSize, Labels: t.cfg.Labels})
	})
	if err != nil {
		return nil, err
	}
	tags = make([][]string, len(res))
	for i, r := range res {
		tags[i] = r.Tags
	}
	return tags, nil
}

// Checkpoint copies the model to Go memory as a NER checkpoint.
func (t *Trainer) Checkpoint() (*luke.Checkpoint, error) {
	ck, err := t.model.Export()
	if err != nil {
		return nil, err
	}
	ck.EntityVocab = t.vocab
	return ck, nil
}

// optimFormat marks nerbench's optimizer state files.
const optimFormat = "nerbench-adamw"

// SaveOptimizer writes the optimizer's moments and step count to a
// safetensors file.
func (t *Trainer) SaveOptimizer(file string) error {
	moments, err := t.opt.Moments()
	if err != nil {
		return err
	}
	meta := map[string]string{"format": optimFormat, "steps": strconv.Itoa(t.opt.Steps())}
	return atomicfile.Write(file, 0o644, func(w io.Writer) error { return luke.WriteSafetensors(w, moments, meta) })
}

// LoadOptimizer restores what SaveOptimizer wrote.
func (t *Trainer) LoadOptimizer(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	moments, meta, err := luke.ReadSafetensors(f)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if meta["format"] != optimFormat {
		return fmt.Errorf("%s: format %q, want %q", file, meta["format"], optimFormat)
	}
	steps, err := strconv.Atoi(meta["steps"])
	if err != nil || steps < 0 {
		return fmt.Errorf("%s: steps %q: want a count", file, meta["steps"])
	}
	if err := t.opt.Restore(moments, steps); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// LossScale returns the fp16 loss scale and the count of good updates
// since it last changed (1 and 0 in other precisions).
func (t *Trainer) LossScale() (float64, int) { return t.scale, t.good }

// SetLossScale restores the fp16 loss scaling state.
func (t *Trainer) SetLossScale(scale float64, good int) error {
	if !(scale > 0) || math.IsInf(scale, 0) || good < 0 {
		return fmt.Errorf("loss scale %v after %d good updates: want a positive finite scale", scale, good)
	}
	t.scale, t.good = scale, good
	return nil
}
