//go:build torch

package pretrain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/sugarme/gotch/ts"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/corpus"
	"github.com/nerbench/nerbench/luke/train"
)

// Stats sums the results of micro-batches.
type Stats struct {
	Examples, MicroBatches int
	WordLoss, EntityLoss   float64 // sums of the micro-batch means
	Words, Entities        int
	WordHits, EntityHits   []int // per Ks
}

func (s *Stats) add(r Result, n int) {
	s.Merge(Stats{Examples: n, MicroBatches: 1, WordLoss: r.WordLoss, EntityLoss: r.EntityLoss, Words: r.Words,
		Entities: r.Entities, WordHits: r.WordHits, EntityHits: r.EntityHits})
}

// Merge adds the counts and sums of o to s.
func (s *Stats) Merge(o Stats) {
	if s.WordHits == nil {
		s.WordHits, s.EntityHits = make([]int, len(Ks)), make([]int, len(Ks))
	}
	s.Examples += o.Examples
	s.MicroBatches += o.MicroBatches
	s.WordLoss += o.WordLoss
	s.EntityLoss += o.EntityLoss
	s.Words += o.Words
	s.Entities += o.Entities
	for j := range Ks {
		if o.WordHits != nil {
			s.WordHits[j] += o.WordHits[j]
			s.EntityHits[j] += o.EntityHits[j]
		}
	}
}

// Accuracy returns hits/n, NaN when n is 0.
func Accuracy(hits, n int) float64 {
	if n == 0 {
		return nan
	}
	return float64(hits) / float64(n)
}

// Run is a pretraining run: the model, the data, the optimizers and the
// loop, to which the caller attaches its hooks before Loop.Run.
type Run struct {
	Cfg   Config
	Data  *Dataset
	Model *luke.Model
	Loop  *train.Loop
	// Last holds the statistics of the last update.
	Last Stats
	// Base lists the weights taken from BERT, frozen until the unlock;
	// empty without BERT weights.
	Base []string

	acc      Stats
	newNames []string
	optNew   *train.AdamW
	optBase  *train.AdamW
	unlocked bool
	ckptDir  string
}

var nan = func() float64 { var z float64; return z / z }()

// isAlias reports the tied names that training does not use.
func isAlias(name string) bool { return name == luke.EntityDecoder || name == luke.WordDecoderBias }

// Start prepares a run: it reads the data, initialises the model (or
// resumes from the newest checkpoint in Out/ckpt) and builds the loop.
func Start(ctx context.Context, cfg Config) (r *Run, err error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	data, err := ReadDataset(cfg.Data, cfg.ValShare, cfg.Seed, cfg.Mask.VocabSize)
	if err != nil {
		return nil, err
	}
	dataHash, err := hashFile(filepath.Join(cfg.Data, corpus.DataFile))
	if err != nil {
		return nil, err
	}
	r = &Run{Cfg: cfg, Data: data, ckptDir: filepath.Join(cfg.Out, "ckpt")}
	meta := luke.Metadata{MaxSeqLength: corpus.MaxSeqLength, MaxEntities: corpus.MaxEntities,
		MaxEntitySpan: corpus.MaxEntitySpan, BaseModel: "Maltehb/danish-bert-botxo", NumAttentionHeads: cfg.Heads}
	meta.Raw = map[string]any{}
	for k, v := range data.Metadata {
		meta.Raw[k] = v
	}
	meta.Raw["num-attention-heads"] = cfg.Heads
	vocab := make(map[string]int, data.Vocab.Len())
	for _, e := range data.Vocab.Entities {
		vocab[e.Title] = e.ID
	}
	lcfg := luke.Config{Kind: luke.KindPretrained, VocabSize: cfg.Mask.VocabSize, Hidden: cfg.Hidden, Layers: cfg.Layers,
		Heads: cfg.Heads, Intermediate: cfg.Intermediate, MaxPositions: cfg.MaxPositions, EntitySize: cfg.EntitySize,
		EntityVocabSize: data.Vocab.Len()}
	weights := LukeInit(lcfg, rand.New(train.Stream(cfg.Seed, "init", 0, 0)))
	if cfg.BERT != "" {
		bert, err := luke.ReadStateDict(cfg.BERT)
		if err != nil {
			return nil, err
		}
		if r.Base, err = ApplyBERT(weights, bert, cfg.Layers); err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.BERT, err)
		}
	}
	hashed := cfg.Hashed(dataHash)
	total := cfg.UpdatesPerEpoch(len(data.Train)) * cfg.Epochs
	st := train.NewState(hashed, cfg.Seed, total)
	var moments map[string]*luke.Tensor
	var baseSteps int
	folder, saved, err := train.Latest(r.ckptDir)
	switch {
	case err == nil:
		if err := saved.CheckResume(hashed); err != nil {
			return nil, err
		}
		ck, err := luke.LoadSafetensors(filepath.Join(folder, train.WeightsFile))
		if err != nil {
			return nil, err
		}
		weights = ck.Tensors
		if moments, baseSteps, err = readMoments(filepath.Join(folder, train.OptimFile)); err != nil {
			return nil, err
		}
		st = saved
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	ck, err := luke.NewCheckpoint(meta, vocab, weights)
	if err != nil {
		return nil, err
	}
	if r.Model, err = luke.NewModel(ck, cfg.Device); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	base := map[string]bool{}
	for _, k := range r.Base {
		base[k] = true
	}
	for _, k := range r.Model.Names() {
		if !base[k] && !isAlias(k) {
			r.newNames = append(r.newNames, k)
		}
	}
	if err := r.Model.SetRequiresGradOf(r.newNames, true); err != nil {
		return nil, err
	}
	if r.optNew, err = r.newOptimizer(r.newNames); err != nil {
		return nil, err
	}
	if moments != nil {
		if err := r.optNew.Restore(pick(moments, r.newNames), st.Step); err != nil {
			return nil, err
		}
	}
	if st.Epoch >= cfg.UnlockEpoch() {
		if err := r.unlock(); err != nil {
			return nil, err
		}
		if r.optBase != nil && moments != nil {
			if err := r.optBase.Restore(pick(moments, r.Base), baseSteps); err != nil {
				return nil, err
			}
		}
	}
	pass := func(epoch, index int) *luke.Pass {
		return &luke.Pass{Dropout: cfg.Dropout, Precision: cfg.Precision,
			Rand: rand.New(train.Stream(cfg.Seed, "dropout", epoch, index))}
	}
	r.Loop = &train.Loop{
		State: st, Epochs: cfg.Epochs, Accum: cfg.Accum(), LR: cfg.LR, Schedule: cfg.Schedule(),
		Plan: func(epoch int) [][]int { return train.Plan(len(data.Train), cfg.MicroBatch, true, cfg.Seed, epoch) },
		Forward: func(ctx context.Context, m train.Micro) (float64, error) {
			if m.Part == 0 {
				r.acc = Stats{}
			}
			if !r.unlocked && m.Epoch >= cfg.UnlockEpoch() {
				if err := r.unlock(); err != nil {
					return 0, err
				}
			}
			batch, err := r.mask(data.Train, m.Batch, "mask", m.Epoch)
			if err != nil {
				return 0, err
			}
			res, err := Step(r.Model, batch, pass(m.Epoch, m.Index), cfg.WordWeight, 1/float64(m.Parts), true)
			if err != nil {
				return 0, err
			}
			r.acc.add(res, len(batch))
			return res.Loss, nil
		},
		Update: func(ctx context.Context, u train.Update) error {
			for _, o := range []*train.AdamW{r.optNew, r.optBase} {
				if o == nil {
					continue
				}
				if err := o.Step(u.LR); err != nil {
					return err
				}
				if err := o.ZeroGrad(); err != nil {
					return err
				}
			}
			r.Last = r.acc
			return nil
		},
	}
	return r, nil
}

func (r *Run) newOptimizer(names []string) (*train.AdamW, error) {
	params := make(map[string]*ts.Tensor, len(names))
	for _, k := range names {
		params[k] = r.Model.Param(k)
	}
	cfg := train.AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: r.Cfg.WeightDecay,
		BiasCorrection: true, NoDecay: train.HFNoDecay}
	return train.NewAdamW(params, cfg)
}

// unlock ends the frozen-base phase. By default the BERT weights get their
// own AdamW (HF's AdamW counts steps per parameter, so their bias
// correction starts at 1); under CompatThesis they stay out of the
// optimizer, as in the thesis-era code, and are never updated.
func (r *Run) unlock() error {
	r.unlocked = true
	if len(r.Base) == 0 || r.Cfg.Compat == corpus.CompatThesis {
		return nil
	}
	if err := r.Model.SetRequiresGradOf(r.Base, true); err != nil {
		return err
	}
	var err error
	r.optBase, err = r.newOptimizer(r.Base)
	return err
}

// mask masks the examples idx of exs, each with the stream (seed, purpose,
// epoch, example index), so that masks are redrawn every epoch and a
// resumed run draws the same ones.
func (r *Run) mask(exs []*corpus.Example, idx []int, purpose string, epoch int) ([]*Masked, error) {
	out := make([]*Masked, len(idx))
	for i, j := range idx {
		m, err := Mask(exs[j], rand.New(train.Stream(r.Cfg.Seed, purpose, epoch, j)), r.Cfg.Mask)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// Validate runs the held-out examples without dropout or gradients, with
// masks drawn from the stream (seed, "validation-mask", 0, i): the same
// masks at every validation.
func (r *Run) Validate(ctx context.Context) (Stats, error) {
	var s Stats
	for lo := 0; lo < len(r.Data.Val); lo += r.Cfg.MicroBatch {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		idx := make([]int, 0, r.Cfg.MicroBatch)
		for j := lo; j < min(lo+r.Cfg.MicroBatch, len(r.Data.Val)); j++ {
			idx = append(idx, j)
		}
		batch, err := r.mask(r.Data.Val, idx, "validation-mask", 0)
		if err != nil {
			return s, err
		}
		var res Result
		train.NoGrad(func() {
			res, err = Step(r.Model, batch, &luke.Pass{Precision: r.Cfg.Precision}, r.Cfg.WordWeight, 1, false)
		})
		if err != nil {
			return s, err
		}
		s.add(res, len(batch))
	}
	return s, nil
}

// Export returns the model's weights, the tied aliases filled in, as a
// pretrained checkpoint with the data's entity vocabulary and metadata.
func (r *Run) Export() (*luke.Checkpoint, error) {
	ck, err := r.Model.Export()
	if err != nil {
		return nil, err
	}
	for _, t := range Tied {
		ck.Tensors[t[1]] = ck.Tensors[t[0]]
	}
	ck.EntityVocab = make(map[string]int, r.Data.Vocab.Len())
	for _, e := range r.Data.Vocab.Entities {
		ck.EntityVocab[e.Title] = e.ID
	}
	return ck, nil
}

// SaveCheckpoint writes Out/ckpt/step-N with the weights, both optimizers'
// moments and the state.
func (r *Run) SaveCheckpoint() (string, error) {
	ck, err := r.Export()
	if err != nil {
		return "", err
	}
	moments, err := r.optNew.Moments()
	if err != nil {
		return "", err
	}
	baseSteps := 0
	if r.optBase != nil {
		bm, err := r.optBase.Moments()
		if err != nil {
			return "", err
		}
		for k, v := range bm {
			moments[k] = v
		}
		baseSteps = r.optBase.Steps()
	}
	return train.SaveCheckpoint(r.ckptDir, r.Loop.State, func(folder string) error {
		if err := luke.SaveSafetensors(filepath.Join(folder, train.WeightsFile), ck); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := luke.WriteSafetensors(&buf, moments, map[string]string{"base_steps": strconv.Itoa(baseSteps)}); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(folder, train.OptimFile), buf.Bytes(), 0o644)
	})
}

func readMoments(file string) (map[string]*luke.Tensor, int, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	t, meta, err := luke.ReadSafetensors(f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", file, err)
	}
	n, err := strconv.Atoi(meta["base_steps"])
	if err != nil {
		return nil, 0, fmt.Errorf("%s: base_steps %q", file, meta["base_steps"])
	}
	return t, n, nil
}

func pick(moments map[string]*luke.Tensor, names []string) map[string]*luke.Tensor {
	out := map[string]*luke.Tensor{}
	for _, k := range names {
		for _, n := range []string{"adam.m/" + k, "adam.v/" + k} {
			if t, ok := moments[n]; ok {
				out[n] = t
			}
		}
	}
	return out
}

// WriteArchive writes the pretrained archive (entity-vocab.json,
// metadata.json, model.bin) that `nerbench daluke masked` reads.
func (r *Run) WriteArchive(file string) error {
	ck, err := r.Export()
	if err != nil {
		return err
	}
	return luke.WriteArchive(file, ck)
}

// Close frees the model and the optimizers.
func (r *Run) Close() error {
	var errs []error
	for _, o := range []*train.AdamW{r.optNew, r.optBase} {
		if o != nil {
			errs = append(errs, o.Close())
		}
	}
	if r.Model != nil {
		errs = append(errs, r.Model.Close())
	}
	return errors.Join(errs...)
}
