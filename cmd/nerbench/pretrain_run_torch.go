//go:build torch

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/luke/pretrain"
	"github.com/nerbench/nerbench/luke/train"
)

// pretrainArchive is the name of the pretrained archive in OUT, one of the
// names `nerbench daluke masked` looks for.
const pretrainArchive = "daluke.tar.gz"

// tokenizerIDs finds [CLS], [SEP] and [MASK] and the vocabulary size.
func tokenizerIDs(tok *daluke.Tokenizer) (cls, sep, mask int64, size int, err error) {
	found := map[string]int64{}
	for id := int64(0); ; id++ {
		t := tok.Token(id)
		if t == "" {
			size = int(id)
			break
		}
		found[t] = id
	}
	for _, s := range []struct {
		name string
		id   *int64
	}{{"[CLS]", &cls}, {"[SEP]", &sep}, {"[MASK]", &mask}} {
		id, ok := found[s.name]
		if !ok {
			return 0, 0, 0, 0, fmt.Errorf("tokenizer has no %s", s.name)
		}
		*s.id = id
	}
	return cls, sep, mask, size, nil
}

// copyTokenizer copies vocab.txt (or tokenizer.json) into out, so that out
// is a complete model folder.
func copyTokenizer(dir, out string) error {
	for _, name := range []string{"vocab.txt", "tokenizer.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, name), data, 0o644)
	}
	return nil
}

func runPretrain(ctx context.Context, opts *pretrainOptions) (err error) {
	cfg := opts.cfg
	tok, err := daluke.ReadTokenizer(opts.tokenizer)
	if err != nil {
		return err
	}
	cls, sep, mask, size, err := tokenizerIDs(tok)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.tokenizer, err)
	}
	cfg.Mask.CLS, cfg.Mask.SEP, cfg.Mask.Mask, cfg.Mask.VocabSize = cls, sep, mask, size
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return err
	}
	if err := copyTokenizer(opts.tokenizer, cfg.Out); err != nil {
		return err
	}
	run, err := pretrain.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, run.Close()) }()
	st := run.Loop.State
	logFile := filepath.Join(cfg.Out, "train-log.jsonl")
	lf, err := os.OpenFile(logFile, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	// A resumed run continues the log where its checkpoint was taken.
	if err := lf.Truncate(st.LogOffset); err != nil {
		return err
	}
	if _, err := lf.Seek(st.LogOffset, io.SeekStart); err != nil {
		return err
	}
	offset := st.LogOffset
	write := func(r pretrainRecord) error {
		r.Schema = pretrainLogSchema
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		n, err := lf.Write(append(b, '\n'))
		offset += int64(n)
		return err
	}
	record := func(kind string, step, epoch int, lr float64, s pretrain.Stats) pretrainRecord {
		mb := float64(max(1, s.MicroBatches))
		return pretrainRecord{Kind: kind, Step: step, Epoch: epoch, LR: lr, Loss: cfg.WordWeight*s.WordLoss/mb + (1-cfg.WordWeight)*s.EntityLoss/mb,
			WordLoss: s.WordLoss / mb, EntityLoss: s.EntityLoss / mb, Examples: s.Examples, Words: s.Words, Entities: s.Entities,
			WordTop: topMap(pretrain.Ks, s.WordHits, s.Words), EntityTop: topMap(pretrain.Ks, s.EntityHits, s.Entities)}
	}
	save := func() error {
		if err := lf.Sync(); err != nil {
			return err
		}
		st.LogOffset = offset
		_, err := run.SaveCheckpoint()
		return err
	}
	fmt.Fprintf(opts.out.Err, "pretraining on %d examples (%d held out), %d entities: %d updates of %d examples, %d epochs; from update %d\n",
		len(run.Data.Train), len(run.Data.Val), run.Data.Vocab.Len(), st.Total, cfg.BatchSize, cfg.Epochs, st.Step)
	var bar *progressbar.ProgressBar
	if isTerminal(opts.out.Err) {
		bar = progressbar.NewOptions(st.Total, progressbar.OptionSetWriter(opts.out.Err), progressbar.OptionSetDescription("pretrain"),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString("updates"), progressbar.OptionShowIts())
		_ = bar.Set(st.Step)
	}
	l := run.Loop
	l.OnStep("log", func(ctx context.Context, _ *train.Loop, s train.StepInfo) error {
		if s.Step%opts.logEvery != 0 && s.Step != st.Total {
			return nil
		}
		return write(record("train", s.Step, s.Epoch, s.LR, run.Last))
	})
	l.OnStep("progress", func(ctx context.Context, _ *train.Loop, s train.StepInfo) error {
		if bar != nil {
			_ = bar.Set(s.Step)
		} else if s.Step%max(1, st.Total/20) == 0 || s.Step == st.Total {
			fmt.Fprintf(opts.out.Err, "update %d/%d (epoch %d): loss %.4f\n", s.Step, st.Total, s.Epoch+1, s.Loss)
		}
		return nil
	})
	if opts.ckptEvery > 0 {
		l.OnStep("checkpoint", train.EveryNSteps(opts.ckptEvery, func(context.Context, *train.Loop, train.StepInfo) error { return save() }))
	}
	l.OnEpoch("validate", func(ctx context.Context, _ *train.Loop, epoch int) error {
		if len(run.Data.Val) == 0 || ((epoch+1)%cfg.ValEvery != 0 && epoch+1 != cfg.Epochs) {
			return nil
		}
		s, err := run.Validate(ctx)
		if err != nil {
			return err
		}
		return write(record("validation", st.Step, epoch, 0, s))
	})
	l.OnInterrupt("checkpoint", func(context.Context, *train.Loop) error {
		fmt.Fprintf(opts.out.Err, "interrupted: saving a checkpoint at update %d\n", st.Step)
		return save()
	})
	l.OnEnd("checkpoint", func(context.Context, *train.Loop) error { return save() })
	if err := l.Run(ctx); err != nil {
		return err
	}
	if bar != nil {
		_ = bar.Finish()
	}
	archive := filepath.Join(cfg.Out, pretrainArchive)
	if err := run.WriteArchive(archive); err != nil {
		return err
	}
	recs, err := readPretrainLog(logFile)
	if err != nil {
		return err
	}
	figs, err := pretrainFigures(recs, filepath.Join(cfg.Out, "train"))
	if err != nil {
		return err
	}
	last := recs[len(recs)-1]
	_, err = fmt.Fprintf(opts.out.Out, "wrote %s after %d updates; last %s record: loss %.4f, word top-1 %.3f, top-10 %.3f, entity top-1 %.3f, top-10 %.3f; log %s; figures %v\n",
		archive, st.Step, last.Kind, last.Loss, last.WordTop["1"], last.WordTop["10"], last.EntityTop["1"], last.EntityTop["10"], logFile, figs)
	return err
}
