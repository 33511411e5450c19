package hfonnx

import (
	"context"

	"github.com/nerbench/nerbench/adapters/internal/ort"
)

// Types aliased from the shared engine.
type (
	// Config tunes how the model runs; the zero Config gives the defaults.
	Config = ort.Config
	// Model is the loaded model; its Tag method implements
	// benchmarks.Tagger.
	Model = ort.Model
	// Spec describes a model for the registry.
	Spec = ort.Spec
	// Info describes a loaded model and how it runs.
	Info = ort.Info
	// Stats counts what Tag has done.
	Stats = ort.Stats
	// UnmappedError reports model labels without a dataset type.
	UnmappedError = ort.UnmappedError
)

// DefaultBatchSize is the batch size of the zero Config.
const DefaultBatchSize = ort.DefaultBatchSize

// Errors wrapped by Load, with the file at fault.
var (
	ErrModelFile = ort.ErrModelFile
	ErrConfig    = ort.ErrConfig
	ErrTokenizer = ort.ErrTokenizer
	ErrLabel     = ort.ErrLabel
	ErrVocabSize = ort.ErrVocabSize
	ErrNoLibrary = ort.ErrNoLibrary
	ErrClosed    = ort.ErrClosed
)

// Load opens the export folder dir of any token-classification model.
func Load(ctx context.Context, dir string, cfg Config) (*Model, error) {
	return ort.Load(ctx, dir, cfg)
}

// LoadSpec opens the export folder dir and checks it against spec.
func LoadSpec(ctx context.Context, dir string, spec Spec, cfg Config) (*Model, error) {
	return ort.LoadSpec(ctx, dir, spec, cfg)
}

// LibraryCandidates lists where the ONNX Runtime library is looked for, in
// order.
func LibraryCandidates() []string { return ort.LibraryCandidates() }

// LibraryPath returns the ONNX Runtime library that Load would use, or an
// error saying how to get it.
func LibraryPath() (string, error) { return ort.LibraryPath() }

// RuntimeVersion loads the ONNX Runtime library, when not yet loaded, and
// returns its version.
func RuntimeVersion() (string, error) { return ort.RuntimeVersion() }
