package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/predfile"
)

// predictionsSpec registers a predictions file given as NAME=FILE, checked
// against the gold corpus c; taken reports names already in use.
func predictionsSpec(arg string, c *benchmarks.Corpus, taken func(string) bool) (*models.Spec, error) {
	name, path, err := namedPath("--predictions", arg, taken)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--predictions %s: %w", name, err)
	}
	pf, err := predfile.Parse(bytes.NewReader(data), path)
	if err != nil {
		return nil, fmt.Errorf("--predictions %s: %w", name, err)
	}
	pred, err := pf.Align(c)
	if err != nil {
		return nil, fmt.Errorf("--predictions %s: %w", name, err)
	}
	hash := models.HashBytes(data)
	return &models.Spec{
		Name:      name,
		Title:     "predictions in " + filepath.Base(path),
		ID:        path,
		TrainedOn: "unknown",
		Types:     pf.Types(),
		Get:       givenWithPredictions,
		Embedded:  true, // read from its own path, not the models folder
		Hash:      func(string, models.LoadOptions) (string, error) { return hash, nil },
		Load: func(context.Context, string, models.LoadOptions) (*models.Loaded, error) {
			return &models.Loaded{Model: &fileTagger{pred: pred}, Hash: hash, Config: map[string]string{"predictions": path}}, nil
		},
	}, nil
}

// fileTagger returns predictions read from a file, already aligned with
// the corpus, for the corpus's sentences in order, as benchmarks.Predict
// asks for them.
type fileTagger struct {
	pred [][]string
	next int
}

func (t *fileTagger) Tag(ctx context.Context, batch [][]string) ([][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.next+len(batch) > len(t.pred) {
		return nil, fmt.Errorf("predictions: asked for sentences %d-%d of %d", t.next+1, t.next+len(batch), len(t.pred))
	}
	out := t.pred[t.next : t.next+len(batch)]
	for i, words := range batch {
		if len(words) != len(out[i]) {
			return nil, fmt.Errorf("predictions: sentence %d has %d words, the predictions %d; predict the corpus in order", t.next+i+1, len(words), len(out[i]))
		}
	}
	t.next += len(batch)
	return out, nil
}

func (t *fileTagger) Close() error { return nil }
