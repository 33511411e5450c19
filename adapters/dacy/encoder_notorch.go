//go:build !torch

package dacy

import (
	"context"
	"fmt"
)

// torchBuild reports whether this binary has the libtorch engine.
const torchBuild = false

// torchEncoder is the libtorch engine, absent from this binary.
type torchEncoder struct{}

func newTorchEncoder(dir string, hf *hfConfig, device string) (*torchEncoder, error) {
	return nil, fmt.Errorf("%w: the %s engine needs the torch build of nerbench (`make torch`, or -tags torch "+
		"-modfile=bin/torch.mod); use the %s engine on an ONNX export instead", ErrUnsupported, EngineTorch, EngineORT)
}

func (e *torchEncoder) Width() int { return 0 }

func (e *torchEncoder) Hidden(ctx context.Context, ids, mask [][]int64) ([]float32, error) {
	return nil, ErrUnsupported
}

func (e *torchEncoder) Close() error { return nil }
