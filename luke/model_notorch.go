//go:build !torch

package luke

import "context"

// Model is DaLUKE on libtorch. This binary was built without the torch
// build tag, so every operation returns ErrNoTorch.
type Model struct{}

// NewModel returns ErrNoTorch: this binary was built without libtorch.
func NewModel(ck *Checkpoint, device string) (*Model, error) { return nil, ErrNoTorch }

// MoveToModel closes ck and returns ErrNoTorch: this binary was built
// without libtorch.
func MoveToModel(ck *Checkpoint, device string) (*Model, error) {
	ck.Close()
	return nil, ErrNoTorch
}

// Close does nothing.
func (m *Model) Close() error { return nil }

// Config returns the zero Config.
func (m *Model) Config() Config { return Config{} }

// Hidden returns ErrNoTorch.
func (m *Model) Hidden(ctx context.Context, in []Input) ([]Hidden, error) { return nil, ErrNoTorch }

// SpanLogits returns ErrNoTorch.
func (m *Model) SpanLogits(ctx context.Context, exs []Example) ([][][]float32, error) {
	return nil, ErrNoTorch
}

// NER returns ErrNoTorch.
func (m *Model) NER(ctx context.Context, texts [][][]int64, special SpecialIDs, opts NEROptions) ([]NERResult, error) {
	return nil, ErrNoTorch
}

// MaskedScores returns ErrNoTorch.
func (m *Model) MaskedScores(ctx context.Context, in Input, wordPositions []int) (words, entities [][]float32, err error) {
	return nil, nil, ErrNoTorch
}

// Available reports whether this binary can run DaLUKE: ErrNoTorch, since it
// was built without the torch build tag.
func Available() error { return ErrNoTorch }

// CUDAAvailable reports false: this binary has no libtorch.
func CUDAAvailable() bool { return false }

// Names returns nil: this binary has no libtorch.
func (m *Model) Names() []string { return nil }

// SetRequiresGrad returns ErrNoTorch.
func (m *Model) SetRequiresGrad(on bool) error { return ErrNoTorch }

// Export returns ErrNoTorch.
func (m *Model) Export() (*Checkpoint, error) { return nil, ErrNoTorch }

// Metadata returns the zero Metadata.
func (m *Model) Metadata() Metadata { return Metadata{} }
