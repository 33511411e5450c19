package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nerbench/nerbench/adapters/aelaectra"
	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/adapters/dabert"
	"github.com/nerbench/nerbench/adapters/dacy"
	"github.com/nerbench/nerbench/adapters/hfonnx"
	"github.com/nerbench/nerbench/adapters/mbert"
	"github.com/nerbench/nerbench/internal/models"
)

// registry returns the models nerbench knows, in the order `models list`
// and `run` use.
func registry() *models.Registry {
	return models.New(
		&models.Spec{
			Name:      baseline.Name,
			Title:     "nerbench baseline (averaged perceptron)",
			ID:        baseline.EmbeddedFile,
			TrainedOn: "DaNE train",
			Types:     []string{"LOC", "MISC", "ORG", "PER"},
			Get:       "embedded in the binary",
			Embedded:  true,
			Load: func(context.Context, string, models.LoadOptions) (*models.Loaded, error) {
				m, err := baseline.LoadEmbedded()
				if err != nil {
					return nil, err
				}
				return &models.Loaded{Model: m, Hash: "sha256:" + m.Hash(), Provenance: m.Provenance()}, nil
			},
		},
		onnxSpec(dabert.Describe(), "DaNE train"),
		onnxSpec(mbert.Describe(), "DaNE train"),
		onnxSpec(aelaectra.Describe(), "DaNE train"),
		dalukeSpec(),
		dacySpec(dacy.Medium),
		dacySpec(dacy.Large),
		flairSpec(),
	)
}

// onnxSpec registers a Hugging Face token-classification model that runs
// from its ONNX export folder.
func onnxSpec(d hfonnx.Spec, trainedOn string) *models.Spec {
	return &models.Spec{
		Name:      d.Name,
		Title:     d.Title,
		ID:        d.ModelID,
		TrainedOn: trainedOn,
		Types:     d.Types(),
		Get:       fmt.Sprintf("export it with `%s` into the models folder (see 'go doc ./adapters/%s')", d.Export, d.Name),
		Load: func(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
			return loadONNX(ctx, dir, d, o)
		},
	}
}

func loadONNX(ctx context.Context, dir string, d hfonnx.Spec, o models.LoadOptions) (*models.Loaded, error) {
	hash, err := models.HashDir(dir)
	if err != nil {
		return nil, err
	}
	m, err := hfonnx.LoadSpec(ctx, dir, d, hfonnx.Config{BatchSize: o.BatchSize, Threads: o.Threads, Device: o.Device, Log: o.Log})
	if err != nil {
		return nil, err
	}
	return &models.Loaded{Model: m, Hash: hash, Config: m.Info()}, nil
}

// modelDirSpec registers an arbitrary export folder given with --model-dir.
// Its name is "dir:" and the folder's base name.
func modelDirSpec(dir string) *models.Spec {
	name := "dir:" + filepath.Base(filepath.Clean(dir))
	return &models.Spec{
		Name:      name,
		Title:     dir,
		ID:        dir,
		TrainedOn: "unknown",
		Get:       givenWithModelDir,
		Embedded:  true, // loaded from its own path, not the models folder
		Load: func(ctx context.Context, _ string, o models.LoadOptions) (*models.Loaded, error) {
			return loadONNX(ctx, dir, hfonnx.Spec{Name: strings.TrimPrefix(name, "dir:")}, o)
		},
	}
}
