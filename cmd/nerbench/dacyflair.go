package main

import (
	"context"
	"fmt"

	"github.com/nerbench/nerbench/adapters/dacy"
	"github.com/nerbench/nerbench/adapters/flair"
	"github.com/nerbench/nerbench/internal/models"
)

// dacyURLs are the release downloads of the DaCy 0.0.0 packages (DaCy's
// dacy/download.py at the commit the DaLUKE thesis pinned).
var dacyURLs = map[string]string{
	dacy.Medium: "https://sciencedata.dk//shared/c205edf59195583122d7213a3c26c077?download",
	dacy.Large:  "https://sciencedata.dk//shared/0da7cb975b245d9e6574458c7c89dfd9?download",
}

// dacySpec registers DaCy medium or large (adapters/dacy).
func dacySpec(name string) *models.Spec {
	title, transformer := "DaCy large", "xlm-roberta-large"
	if name == dacy.Medium {
		title, transformer = "DaCy medium", "Maltehb/danish-bert-botxo"
	}
	pkg := dacy.Packages[name]
	return &models.Spec{
		Name:      name,
		Title:     title,
		ID:        pkg + " (" + transformer + ")",
		TrainedOn: "DaNE train",
		Types:     append([]string(nil), dacy.Types...),
		Get: fmt.Sprintf("download %s (dacy.download_model, or %s), unzip it so that config.cfg, ner/ and transformer/ "+
			"are in the models folder's %s/, then export its transformer once: `optimum-cli export onnx --task "+
			"feature-extraction %s/transformer/model %s/transformer/onnx`",
			pkg, dacyURLs[name], name, name, name),
		Hint: "DaCy release package + ONNX export of its transformer (-v: how)",
		Load: func(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
			if o.Device == "cuda" && o.Log != nil {
				fmt.Fprintf(o.Log, "%s: runs ONNX Runtime on the CPU\n", name)
			}
			m, err := dacy.Load(ctx, dir, dacy.Config{Threads: o.Threads})
			if err != nil {
				return nil, err
			}
			hash, err := models.HashDir(dir)
			if err != nil {
				m.Close()
				return nil, err
			}
			return &models.Loaded{Model: m, Hash: hash, Config: m.Info()}, nil
		},
	}
}

// flairSpec registers DaNLP's Flair NER tagger (adapters/flair).
func flairSpec() *models.Spec {
	return &models.Spec{
		Name:      flair.Name,
		Title:     "DaNLP Flair",
		ID:        "DaNLP flair.ner (flair_ner.zip, md5 a1cf475659d1cf3a0f5eae5377f7027e)",
		TrainedOn: "DaNE train",
		Types:     []string{"LOC", "ORG", "PER"},
		Get: "download it with DaNLP's download_model('flair.ner') (flair_ner.zip, unzipped: ~/.danlp/flair.ner.pt) " +
			"and put flair.ner.pt in the models folder's flair/",
		Hint: "DaNLP's flair.ner.pt in <models>/flair/ (-v: how)",
		Load: func(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
			if o.Device == "cuda" && o.Log != nil {
				fmt.Fprintln(o.Log, "flair: runs in pure Go on the CPU")
			}
			m, err := flair.Load(ctx, dir, flair.Config{})
			if err != nil {
				return nil, err
			}
			hash, err := models.HashDir(dir)
			if err != nil {
				return nil, err
			}
			return &models.Loaded{Model: m, Hash: hash, Config: m.Info()}, nil
		},
	}
}
