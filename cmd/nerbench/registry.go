package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
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
			Hint:      "embedded in the binary",
			Embedded:  true,
			Load: func(_ context.Context, _ string, o models.LoadOptions) (*models.Loaded, error) {
				fixedModelNotes(baseline.Name, o)
				m, err := baseline.LoadEmbedded()
				if err != nil {
					return nil, err
				}
				return &models.Loaded{Model: m, Hash: "sha256:" + m.Hash(), Provenance: m.Provenance()}, nil
			},
		},
		onnxSpec(dabert.Describe(), "DaNE train"),
		mbertSpec(),
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
		Get:       fmt.Sprintf("in the models folder, run `%s` (pip install optimum[exporters])", d.Export),
		Hint:      "optimum export of " + d.ModelID,
		Hash:      onnxHash,
		Load: func(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
			return loadONNX(ctx, dir, d, o)
		},
	}
}

// mbertSpec registers NERDA's m-BERT, which must be converted to a Hugging
// Face folder before it can be exported.
func mbertSpec() *models.Spec {
	s := onnxSpec(mbert.Describe(), "DaNE train")
	s.Get = "download " + mbert.WeightsURL + " (NERDA's precooked DA_BERT_ML; BERT_ML_DaNE.bin for NERDA's first releases); " +
		"load it into a BertForTokenClassification of bert-base-multilingual-uncased with num_labels=9 and id2label " +
		strings.Join(mbert.Labels, " ") + " (ids 0 to 8), renaming transformer.* to bert.* and tags.* to classifier.* " +
		"and dropping the pooler; save_pretrained it with its tokenizer (do_lower_case=True) to mbert-hf; " +
		"then, in the models folder, run `" + mbert.ExportCommand + "`"
	s.Hint = "convert NERDA's DA_BERT_ML.bin, export to ONNX (-v: how)"
	return s
}

// fixedModelNotes says on o.Log which settings a CPU-only model with fixed
// labels, such as the baseline, does not use.
func fixedModelNotes(name string, o models.LoadOptions) {
	if o.Log == nil {
		return
	}
	if o.Device == "cuda" {
		fmt.Fprintf(o.Log, "%s: runs on the CPU only; --device cuda does not apply to it\n", name)
	}
	if len(o.LabelMap) > 0 {
		fmt.Fprintf(o.Log, "%s: predicts the dataset's own types; --label-map does not apply to it\n", name)
	}
}

// unmappedLabels rewrites the error of an export whose labels do not map to
// the dataset's types so that it names the --label-map flag.
func unmappedLabels(err error) error {
	var ue *hfonnx.UnmappedError
	if errors.As(err, &ue) {
		return fmt.Errorf("%s; map them with --label-map (for example --label-map PERSON=PER,EVT=O)", ue.Describe())
	}
	return err
}

// onnxHash is the hash of an ONNX export folder and, when o has one, of the
// --label-map that changes its predictions, so that a result file made with
// another mapping is not reused.
func onnxHash(dir string, o models.LoadOptions) (string, error) {
	h, err := models.HashDir(dir)
	if err != nil || len(o.LabelMap) == 0 {
		return h, err
	}
	keys := slices.Sorted(maps.Keys(o.LabelMap))
	var b strings.Builder
	b.WriteString(h)
	for _, k := range keys {
		fmt.Fprintf(&b, "\nlabel-map %s=%s", k, o.LabelMap[k])
	}
	return models.HashBytes([]byte(b.String())), nil
}

func loadONNX(ctx context.Context, dir string, d hfonnx.Spec, o models.LoadOptions) (*models.Loaded, error) {
	hash, err := onnxHash(dir, o)
	if err != nil {
		return nil, err
	}
	m, err := hfonnx.LoadSpec(ctx, dir, d, hfonnx.Config{BatchSize: o.BatchSize, Threads: o.Threads, Device: o.Device, LabelMap: o.LabelMap, Log: o.Log})
	if err != nil {
		return nil, unmappedLabels(err)
	}
	return &models.Loaded{Model: m, Hash: hash, Config: m.Info()}, nil
}

// modelDirSpecs registers the export folders given with --model-dir. Each
// is named "dir:" and the shortest suffix of its absolute path that no other
// folder shares ("dir:model", or "dir:a/model" and "dir:b/model" for
// coll/a/model and coll/b/model). A folder given twice is used once, with
// a note on log.
func modelDirSpecs(dirs []string, log io.Writer) ([]*models.Spec, error) {
	var given, abs []string
	for _, d := range dirs {
		if d == "" {
			return nil, flagErrorf("--model-dir: empty folder name")
		}
		a, err := filepath.Abs(d)
		if err != nil {
			return nil, flagErrorf("--model-dir %s: %v", d, err)
		}
		if i := slices.Index(abs, a); i >= 0 {
			fmt.Fprintf(log, "--model-dir %s: the same folder as --model-dir %s; using it once\n", d, given[i])
			continue
		}
		given, abs = append(given, d), append(abs, a)
	}
	parts := make([][]string, len(abs))
	for i, a := range abs {
		parts[i] = strings.Split(filepath.ToSlash(a), "/")
	}
	suffix := func(p []string, k int) string { return strings.Join(p[max(0, len(p)-k):], "/") }
	specs := make([]*models.Spec, len(abs))
	for i, p := range parts {
		k := 1
		for ; k < len(p); k++ {
			clash := false
			for j, q := range parts {
				if j != i && strings.EqualFold(suffix(q, k), suffix(p, k)) {
					clash = true
					break
				}
			}
			if !clash {
				break
			}
		}
		specs[i] = modelDirSpec(given[i], "dir:"+suffix(p, k))
	}
	return specs, nil
}

// modelDirSpec registers the export folder dir as the model called name.
func modelDirSpec(dir, name string) *models.Spec {
	return &models.Spec{
		Name:      name,
		Title:     dir,
		ID:        dir,
		TrainedOn: "unknown",
		Get:       givenWithModelDir,
		Embedded:  true, // loaded from its own path, not the models folder
		Hash:      func(_ string, o models.LoadOptions) (string, error) { return onnxHash(dir, o) },
		Load: func(ctx context.Context, _ string, o models.LoadOptions) (*models.Loaded, error) {
			return loadONNX(ctx, dir, hfonnx.Spec{Name: name}, o)
		},
	}
}
