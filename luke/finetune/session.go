//go:build torch

package finetune

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
	"github.com/nerbench/nerbench/seqeval"
)

// extra is the recipe's part of the checkpoint state.
type extra struct {
	BestF1    float64 `json:"best_f1"`
	BestEpoch int     `json:"best_epoch"` // from 1; 0 before any evaluation
	// LossSum and LossCount accumulate the losses of the current epoch's
	// updates, for its train_loss.
	LossSum   float64 `json:"loss_sum"`
	LossCount int     `json:"loss_count"`
	LastLR    float64 `json:"last_lr"`
	LossScale float64 `json:"loss_scale"`
	GoodSteps int     `json:"good_steps"`
}

// Session is a prepared run: the loop with the recipe's hooks attached
// (log, dev evaluation, best model, checkpoints, last model). The caller
// may add its own hooks (a progress bar) before Run.
type Session struct {
	Loop    *train.Loop
	Trainer *Trainer
	Items   []Item
	// Resumed tells whether the run continues a checkpoint.
	Resumed bool

	run        *Run
	log        *os.File
	extra      extra
	epochStart time.Time
	outcome    Outcome
}

// Prepare builds the examples, the model, the optimizer and the loop of the
// run, resuming from Dir's checkpoint if r.Resume. A new run refuses a Dir
// that already holds a checkpoint; a resumed one refuses other settings or
// other training data, naming what differs.
func (r *Run) Prepare(ctx context.Context) (s *Session, err error) {
	cfg := r.Config
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return nil, err
	}
	ckptDir := filepath.Join(r.Dir, CheckpointDir)
	folder, st, err := train.Latest(ckptDir)
	switch {
	case err == nil && !r.Resume:
		return nil, fmt.Errorf("%s holds the checkpoint of a run (step %d of %d): resume it or write to another folder",
			r.Dir, st.Step, st.Total)
	case errors.Is(err, os.ErrNotExist) && r.Resume:
		return nil, fmt.Errorf("%s: no checkpoint to resume (%s): %w", r.Dir, filepath.Join(ckptDir, train.LatestFile), os.ErrNotExist)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	start := r.Start
	if r.Resume {
		if start, err = luke.LoadSafetensors(filepath.Join(folder, train.WeightsFile)); err != nil {
			return nil, err
		}
	}
	if start == nil {
		return nil, errors.New("no start model")
	}
	items, err := Items(r.Train, start.Metadata, r.Special, cfg.Labels)
	if err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	if len(items) == 0 {
		return nil, errors.New("training data: no example (no sentence has a candidate span)")
	}
	settings := cfg.Map()
	for k, v := range r.Settings {
		settings[k] = v
	}
	settings["train_examples"] = strconv.Itoa(len(items))
	settings["train_examples_sha256"] = itemsHash(items)
	settings["max_entities"] = strconv.Itoa(start.Metadata.MaxEntities)
	batches := (len(items) + cfg.BatchSize - 1) / cfg.BatchSize
	total := cfg.Epochs * train.Updates(batches, cfg.Accum)
	if r.Resume {
		if err := st.CheckResume(settings); err != nil {
			return nil, err
		}
	} else {
		st = train.NewState(settings, cfg.Seed, total)
	}
	tr, err := NewTrainer(start, r.Device, cfg, items, r.Special)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tr.Close()
		}
	}()
	s = &Session{Trainer: tr, Items: items, run: r, Resumed: r.Resume}
	if r.Resume {
		if err := tr.LoadOptimizer(filepath.Join(folder, train.OptimFile)); err != nil {
			return nil, err
		}
		if tr.Optimizer().Steps() != st.Step {
			return nil, fmt.Errorf("%s: optimizer at step %d, state at step %d", folder, tr.Optimizer().Steps(), st.Step)
		}
		if err := json.Unmarshal(st.Extra, &s.extra); err != nil {
			return nil, fmt.Errorf("%s: extra: %w", filepath.Join(folder, train.StateFile), err)
		}
		if err := tr.SetLossScale(s.extra.LossScale, s.extra.GoodSteps); err != nil {
			return nil, err
		}
	} else {
		st.Decay, st.NoDecay = tr.Optimizer().Groups()
	}
	logFile := filepath.Join(r.Dir, LogFile)
	flag := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !r.Resume {
		flag |= os.O_TRUNC
	}
	if s.log, err = os.OpenFile(logFile, flag, 0o644); err != nil {
		return nil, err
	}
	if r.Resume {
		if err := s.log.Truncate(st.LogOffset); err != nil {
			s.log.Close()
			return nil, err
		}
	}
	l := &train.Loop{State: st, Epochs: cfg.Epochs, Accum: cfg.Accum, LR: cfg.LR,
		Schedule: train.LinearWarmupDecay(cfg.Warmup),
		Plan: func(epoch int) [][]int {
			return train.Plan(len(items), cfg.BatchSize, cfg.Shuffle, cfg.Seed, epoch)
		},
		Forward: tr.Forward, Update: tr.Update}
	l.OnStart("clock", func(context.Context, *train.Loop) error { s.epochStart = time.Now(); return nil })
	l.OnStep("log", s.logStep)
	l.OnEpoch("evaluate", s.evaluate)
	l.OnEpoch("checkpoint", func(ctx context.Context, _ *train.Loop, _ int) error { return s.save() })
	l.OnInterrupt("checkpoint", func(context.Context, *train.Loop) error { return s.save() })
	l.OnEnd("last", s.writeLast)
	s.Loop = l
	return s, nil
}

// Close frees the model and closes the log.
func (s *Session) Close() error {
	return errors.Join(s.Trainer.Close(), s.log.Close())
}

// Run makes the remaining updates. On cancellation it saves a checkpoint
// and returns context.Cause(ctx).
func (s *Session) Run(ctx context.Context) (*Outcome, error) {
	if err := s.Loop.Run(ctx); err != nil {
		return nil, err
	}
	s.outcome.Steps = s.Loop.State.Step
	s.outcome.BestEpoch = s.extra.BestEpoch
	s.outcome.BestF1 = s.extra.BestF1
	return &s.outcome, nil
}

func (s *Session) write(v any) error {
	js, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.log.Write(append(js, '\n'))
	return err
}

func (s *Session) logStep(_ context.Context, _ *train.Loop, info train.StepInfo) error {
	s.extra.LossSum += info.Loss
	s.extra.LossCount++
	s.extra.LastLR = info.LR
	return s.write(StepRecord{Schema: LogSchema, Kind: "step", Step: info.Step, Epoch: info.Epoch + 1,
		Loss: info.Loss, LR: info.LR, Examples: info.Examples})
}

func (s *Session) evaluate(ctx context.Context, l *train.Loop, epoch int) error {
	rec := EpochRecord{Schema: LogSchema, Kind: "epoch", Epoch: epoch + 1, Step: l.State.Step, LR: s.extra.LastLR}
	if s.extra.LossCount > 0 {
		rec.TrainLoss = s.extra.LossSum / float64(s.extra.LossCount)
	}
	s.extra.LossSum, s.extra.LossCount = 0, 0
	if len(s.run.Dev) > 0 {
		f1, noMisc, err := s.Score(ctx, s.run.Dev)
		if err != nil {
			return fmt.Errorf("dev evaluation: %w", err)
		}
		rec.DevF1, rec.DevF1NoMisc = &f1, &noMisc
		if s.extra.BestEpoch == 0 || f1 > s.extra.BestF1 {
			s.extra.BestF1, s.extra.BestEpoch = f1, epoch+1
			rec.Best = true
			if err := s.writeModel(BestArchive, BestSafetensors); err != nil {
				return err
			}
		}
	}
	rec.Seconds = time.Since(s.epochStart).Seconds()
	s.epochStart = time.Now()
	s.outcome.Epochs = append(s.outcome.Epochs, rec)
	if lg := s.run.Log; lg != nil {
		args := []any{"epoch", rec.Epoch, "step", rec.Step, "train_loss", rec.TrainLoss, "lr", rec.LR}
		if rec.DevF1 != nil {
			args = append(args, "dev_f1", *rec.DevF1, "dev_f1_nomisc", *rec.DevF1NoMisc, "best", rec.Best)
		}
		lg.Info("epoch done", args...)
	}
	return s.write(rec)
}

// Score tags sents and returns seqeval's default-mode micro F1 (0-1) with
// and without MISC.
func (s *Session) Score(ctx context.Context, sents []Sentence) (f1, noMisc float64, err error) {
	batch := s.run.EvalBatch
	if batch <= 0 {
		batch = 8
	}
	pred, err := s.Trainer.Tag(ctx, sents, batch)
	if err != nil {
		return 0, 0, err
	}
	gold := make([][]string, len(sents))
	for i, x := range sents {
		gold[i] = x.Tags
	}
	res, err := seqeval.Score(gold, pred, seqeval.Options{})
	if err != nil {
		return 0, 0, err
	}
	res2, err := seqeval.Score(gold, pred, seqeval.Options{NoMisc: true})
	if err != nil {
		return 0, 0, err
	}
	return res.Micro.F1, res2.Micro.F1, nil
}

func (s *Session) writeModel(archive, safetensors string) error {
	ck, err := s.Trainer.Checkpoint()
	if err != nil {
		return err
	}
	if err := luke.WriteArchive(filepath.Join(s.run.Dir, archive), ck); err != nil {
		return err
	}
	return luke.SaveSafetensors(filepath.Join(s.run.Dir, safetensors), ck)
}

func (s *Session) writeLast(context.Context, *train.Loop) error {
	return s.writeModel(LastArchive, LastSafetensors)
}

func (s *Session) save() error {
	st := s.Loop.State
	info, err := s.log.Stat()
	if err != nil {
		return err
	}
	st.LogOffset = info.Size()
	s.extra.LossScale, s.extra.GoodSteps = s.Trainer.LossScale()
	if st.Extra, err = json.Marshal(s.extra); err != nil {
		return err
	}
	_, err = train.SaveCheckpoint(filepath.Join(s.run.Dir, CheckpointDir), st, func(folder string) error {
		ck, err := s.Trainer.Checkpoint()
		if err != nil {
			return err
		}
		if err := luke.SaveSafetensors(filepath.Join(folder, train.WeightsFile), ck); err != nil {
			return err
		}
		return s.Trainer.SaveOptimizer(filepath.Join(folder, train.OptimFile))
	})
	return err
}
