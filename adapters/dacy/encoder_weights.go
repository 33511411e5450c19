package dacy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nerbench/nerbench/luke"
)

// Engines run the transformer. Config.Engine picks one; "" is EngineTorch
// in a torch build and EngineORT otherwise.
const (
	// EngineTorch runs transformer/model/pytorch_model.bin as released, on
	// libtorch (torch build only).
	EngineTorch = "torch"
	// EngineORT runs a feature-extraction ONNX export of transformer/model
	// with ONNX Runtime.
	EngineORT = "onnxruntime"
)

// WeightsFile is the transformer's state dict the libtorch engine reads.
const WeightsFile = "pytorch_model.bin"

// architectures are the config.json architectures the libtorch engine
// runs: Hugging Face's AutoModel classes of DaCy's two transformers.
var architectures = []string{"BertModel", "XLMRobertaModel", "RobertaModel"}

// encoderCheckpoint reads dir/pytorch_model.bin (dir is
// transformer/model) and checks it against config.json, whose defaults are
// Hugging Face's (BertConfig) where a field is missing. The weights are
// mapped outside the Go heap (luke.OpenStateDict): the caller must Close
// the checkpoint or hand it to luke.MoveToModel.
func encoderCheckpoint(dir string, hf *hfConfig) (*luke.Checkpoint, error) {
	cfgPath := pkgFile(dir, "config.json")
	for _, a := range hf.Architectures {
		if !slices.Contains(architectures, a) {
			return nil, fmt.Errorf("%s: %w: architectures %q (want %s)", cfgPath, ErrUnsupported, a, strings.Join(architectures, ", "))
		}
	}
	if act := hf.HiddenAct; act != "" && act != "gelu" {
		return nil, fmt.Errorf("%s: %w: hidden_act %q (want gelu, the erf GELU)", cfgPath, ErrUnsupported, act)
	}
	c := luke.HFEncoder{ModelType: hf.ModelType, VocabSize: hf.VocabSize, Hidden: hf.HiddenSize,
		Layers: hf.NumHiddenLayers, Heads: hf.NumAttentionHeads, Intermediate: hf.IntermediateSize,
		MaxPositions: hf.MaxPositions, TypeVocabSize: hf.TypeVocabSize, LayerNormEps: hf.LayerNormEps,
		PadTokenID: hf.PadTokenID}
	if c.MaxPositions == 0 {
		c.MaxPositions = 512
	}
	if c.TypeVocabSize == 0 {
		c.TypeVocabSize = 2
	}
	if c.LayerNormEps == 0 {
		c.LayerNormEps = 1e-12
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"vocab_size", c.VocabSize}, {"num_hidden_layers", c.Layers}, {"num_attention_heads", c.Heads},
		{"intermediate_size", c.Intermediate}} {
		if f.v < 1 {
			return nil, fmt.Errorf("%s: %w: %s", cfgPath, ErrMissing, f.name)
		}
	}
	file := pkgFile(dir, WeightsFile)
	sd, err := luke.OpenStateDict(file)
	if err != nil {
		return nil, err
	}
	ck, err := sd.Encoder(c)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", file, errorKind(err)), sd.Close())
	}
	return ck, nil
}

// errorKind adds the package's sentinel to a luke checkpoint error, so
// that callers test one set of errors.
func errorKind(err error) error {
	switch {
	case errors.Is(err, luke.ErrShape):
		return fmt.Errorf("%w: %w", ErrShape, err)
	case errors.Is(err, luke.ErrMissingKey):
		return fmt.Errorf("%w: %w", ErrMissing, err)
	case errors.Is(err, luke.ErrUnsupported), errors.Is(err, luke.ErrUnknownKey):
		return fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return err
}
