//go:build !torch

package pretrain

import (
	"context"

	"github.com/nerbench/nerbench/luke"
)

// Run is a pretraining run. This binary was built without the torch build
// tag, so none can be started.
type Run struct{}

// Start returns luke.ErrNoTorch: pretraining needs libtorch.
func Start(ctx context.Context, cfg Config) (*Run, error) { return nil, luke.ErrNoTorch }
