//go:build !torch

package finetune

import (
	"context"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// Session is a prepared run. This binary was built without the torch
// build tag, so none can be prepared.
type Session struct {
	Loop    *train.Loop
	Items   []Item
	Resumed bool
}

// Prepare returns luke.ErrNoTorch: fine-tuning needs libtorch.
func (r *Run) Prepare(ctx context.Context) (*Session, error) { return nil, luke.ErrNoTorch }

// Run returns luke.ErrNoTorch.
func (s *Session) Run(ctx context.Context) (*Outcome, error) { return nil, luke.ErrNoTorch }

// Close does nothing.
func (s *Session) Close() error { return nil }
