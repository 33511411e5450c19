//go:build !torch

package train

import "github.com/nerbench/nerbench/luke"

// AdamW is the optimizer of AdamWConfig over libtorch tensors. This binary
// was built without the torch build tag, so it cannot be made.
type AdamW struct{}

// NewAdamW returns luke.ErrNoTorch: this binary has no libtorch.
func NewAdamW(params map[string]any, cfg AdamWConfig) (*AdamW, error) { return nil, luke.ErrNoTorch }
