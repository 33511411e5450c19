//go:build !torch

package main

import (
	"context"
	"fmt"

	"github.com/nerbench/nerbench/luke"
)

func runPretrain(ctx context.Context, opts *pretrainOptions) error {
	return fmt.Errorf("pretrain: %w", luke.ErrNoTorch)
}
