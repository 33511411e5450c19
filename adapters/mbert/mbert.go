package mbert

import (
	"context"

	"github.com/nerbench/nerbench/adapters/internal/ort"
)

// Name is the adapter's name, also the name of the model's folder in the
// models directory.
const Name = "mbert"

// ModelID is the public id of the fine-tuned model.
const ModelID = "NERDA BERT_ML_DaNE (bert-base-multilingual-uncased)"

// ExportCommand makes the export folder that Load reads.
const ExportCommand = "optimum-cli export onnx --task token-classification mbert-hf mbert"

// Cased reports whether the model's tokenizer keeps case.
const Cased = false

// PredictsMISC reports whether the model has MISC labels. A model without
// them is scored with MISC off.
const PredictsMISC = true

// Labels are the labels of the published model. Load accepts an export whose
// labels give the same entity types (see Spec.Labels).
var Labels = []string{"B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"}

// Types aliased from the shared engine.
type (
	// Config tunes how the model runs; the zero Config gives the defaults.
	Config = ort.Config
	// Model is the loaded model; its Tag method implements
	// benchmarks.Tagger.
	Model = ort.Model
	// Spec describes the model for the registry.
	Spec = ort.Spec
	// Info describes a loaded model and how it runs.
	Info = ort.Info
	// Stats counts what Tag has done.
	Stats = ort.Stats
)

// Describe returns the adapter's description: name, public id, export
// command, casing, MISC, labels and label mapping.
func Describe() Spec {
	return Spec{
		Name:         Name,
		Title:        "NERDA multilingual BERT (bert-base-multilingual-uncased, fine-tuned on DaNE)",
		ModelID:      ModelID,
		Export:       ExportCommand,
		Cased:        Cased,
		PredictsMISC: PredictsMISC,
		Labels:       append([]string(nil), Labels...),
		LabelMap:     map[string]string{},
	}
}

// Load opens the export folder dir (see the package documentation) and
// checks that it holds this model's labels.
func Load(ctx context.Context, dir string, cfg Config) (*Model, error) {
	return ort.LoadSpec(ctx, dir, Describe(), cfg)
}
