//go:build torch

package dacy

import (
	"context"

	"github.com/nerbench/nerbench/luke"
)

// torchBuild reports whether this binary has the libtorch engine.
const torchBuild = true

// torchEncoder runs transformer/model/pytorch_model.bin as it is released
// on libtorch, through luke's words-only encoder (the BERT layers DaLUKE
// runs with no entity slots).
type torchEncoder struct {
	m     *luke.Model
	width int
}

func newTorchEncoder(dir string, hf *hfConfig, device string) (*torchEncoder, error) {
	ck, err := encoderCheckpoint(dir, hf)
	if err != nil {
		return nil, err
	}
	// The mapped pytorch_model.bin goes back to the system storage by
	// storage as its weights are copied into libtorch, so that loading
	// holds them about once (2.2 GB for XLM-R large).
	m, err := luke.MoveToModel(ck, device)
	if err != nil {
		return nil, err
	}
	return &torchEncoder{m: m, width: hf.HiddenSize}, nil
}

func (e *torchEncoder) Width() int { return e.width }

func (e *torchEncoder) Hidden(ctx context.Context, ids, mask [][]int64) ([]float32, error) {
	return e.m.EncodeWords(ctx, ids, mask)
}

func (e *torchEncoder) Close() error {
	if e.m == nil {
		return nil
	}
	err := e.m.Close()
	e.m = nil
	return err
}
