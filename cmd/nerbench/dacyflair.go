package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nerbench/nerbench/adapters/dacy"
	"github.com/nerbench/nerbench/adapters/flair"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/luke"
)

// dacyURLs are the release downloads of the DaCy 0.0.0 packages (DaCy's
// dacy/download.py at the commit the DaLUKE thesis pinned).
var dacyURLs = map[string]string{
	dacy.Medium: "https://sciencedata.dk//shared/c205edf59195583122d7213a3c26c077?download",
	dacy.Large:  "https://sciencedata.dk//shared/0da7cb975b245d9e6574458c7c89dfd9?download",
}

// dacyEngineEnv names the environment variable that picks DaCy's
// transformer engine (dacy.Config.Engine): torch or onnxruntime; unset, a
// torch build uses torch and any other build onnxruntime.
const dacyEngineEnv = "NERBENCH_DACY_ENGINE"

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
		Get: fmt.Sprintf("download %s (dacy.download_model, or %s) and unzip it so that config.cfg, ner/ and "+
			"transformer/ are in the models folder's %s/. A torch build of nerbench (`make torch`) runs "+
			"transformer/model/pytorch_model.bin as it is on libtorch; otherwise export the transformer once for "+
			"ONNX Runtime: `optimum-cli export onnx --task feature-extraction %s/transformer/model "+
			"%s/transformer/onnx`. %s=%s or %s picks the engine",
			pkg, dacyURLs[name], name, name, name, dacyEngineEnv, dacy.EngineTorch, dacy.EngineORT),
		Hint: "DaCy release package (-v: how; torch build or ONNX export)",
		Load: func(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
			cfg := dacy.Config{Engine: os.Getenv(dacyEngineEnv)}
			switch cfg.ResolvedEngine() {
			case dacy.EngineTorch:
				cfg.Device = o.Device
				if cfg.Device == "cuda" && !luke.CUDAAvailable() {
					if o.Log != nil {
						fmt.Fprintf(o.Log, "%s: libtorch sees no CUDA device; running on the CPU\n", name)
					}
					cfg.Device = "cpu"
				}
				if o.Threads > 0 && o.Log != nil {
					fmt.Fprintf(o.Log, "%s: --threads is not applied; libtorch uses its default (OMP_NUM_THREADS)\n", name)
				}
			default:
				cfg.Threads = o.Threads
				if o.Device == "cuda" && o.Log != nil {
					fmt.Fprintf(o.Log, "%s: runs ONNX Runtime on the CPU\n", name)
				}
			}
			m, err := dacy.Load(ctx, dir, cfg)
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
