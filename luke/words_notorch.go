//go:build !torch

package luke

import "context"

// EncodeWords returns ErrNoTorch: this binary was built without libtorch.
func (m *Model) EncodeWords(ctx context.Context, ids, mask [][]int64) ([]float32, error) {
	return nil, ErrNoTorch
}
