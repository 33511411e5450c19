package mbert

import (
	"context"

	"github.com/nerbench/nerbench/adapters/hfonnx"
)

// Name is the adapter's name, also the name of the model's folder in the
// models directory.
const Name = "mbert"

// ModelID is the public id of the fine-tuned model: NERDA's precooked
// model class DA_BERT_ML (BERT_ML_DaNE in NERDA's first releases), whose
// weights NERDA downloads from WeightsURL. It is not on the Hugging Face
// hub.
const ModelID = "NERDA DA_BERT_ML (bert-base-multilingual-uncased)"

// WeightsURL is where NERDA's Precooked.download_network fetches the
// weights: its S3 bucket and the class name. NERDA releases that call the
// class BERT_ML_DaNE fetch BERT_ML_DaNE.bin from the same bucket.
const WeightsURL = "https://nerda.s3-eu-west-1.amazonaws.com/DA_BERT_ML.bin"

// ExportCommand makes the export folder that Load reads.
const ExportCommand = "optimum-cli export onnx --task token-classification mbert-hf mbert"

// Cased reports whether the model's tokenizer keeps case.
const Cased = false

// PredictsMISC reports whether the model has MISC labels. A model without
// them is scored with MISC off.
const PredictsMISC = true

// Labels are the labels of the published model. Load accepts an export whose
// labels give the same entity types (see hfonnx.Spec.Labels).
var Labels = []string{"B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"}

// Describe returns the adapter's description: name, public id, export
// command, casing, MISC, labels and label mapping.
func Describe() hfonnx.Spec {
	return hfonnx.Spec{
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
func Load(ctx context.Context, dir string, cfg hfonnx.Config) (*hfonnx.Model, error) {
	return hfonnx.LoadSpec(ctx, dir, Describe(), cfg)
}
