package luke

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// KindEncoder is a words-only transformer encoder: a Hugging Face BertModel
// or XLMRobertaModel without entity embeddings or heads, which
// [Model.EncodeWords] runs (DaCy's transformer, adapters/dacy). Its layers
// are DaLUKE's with no entity slots, that is plain BERT.
const KindEncoder = KindNER + 1

// HFEncoder is what a Hugging Face BERT or XLM-RoBERTa config.json says
// about the encoder that [EncoderCheckpoint] checks a state dict against.
type HFEncoder struct {
	// ModelType is config.json's model_type: "bert", or "xlm-roberta" or
	// "roberta" (positions after the padding index, see Config.PadPositions).
	ModelType     string
	VocabSize     int
	Hidden        int
	Layers        int
	Heads         int
	Intermediate  int
	MaxPositions  int
	TypeVocabSize int
	LayerNormEps  float64
	PadTokenID    int
}

// roberta reports whether the encoder numbers positions as fairseq does.
func (c HFEncoder) roberta() bool { return c.ModelType == "xlm-roberta" || c.ModelType == "roberta" }

// config returns the model's sizes for a checkpoint of this encoder.
func (c HFEncoder) config() Config {
	cfg := Config{Kind: KindEncoder, VocabSize: c.VocabSize, Hidden: c.Hidden, Layers: c.Layers, Heads: c.Heads,
		Intermediate: c.Intermediate, MaxPositions: c.MaxPositions, LayerNormEps: c.LayerNormEps,
		TypeVocabSize: c.TypeVocabSize}
	if c.roberta() {
		cfg.PadPositions = true
		cfg.PadID = c.PadTokenID
	}
	return cfg
}

// shapes returns the keys of the encoder's state dict, as save_pretrained
// writes them (no prefix), and their shapes.
func (c HFEncoder) shapes() map[string][]int {
	H := c.Hidden
	m := map[string][]int{
		"embeddings.word_embeddings.weight":       {c.VocabSize, H},
		"embeddings.position_embeddings.weight":   {c.MaxPositions, H},
		"embeddings.token_type_embeddings.weight": {c.TypeVocabSize, H},
		"embeddings.LayerNorm.weight":             {H},
		"embeddings.LayerNorm.bias":               {H},
	}
	add := func(prefix string, shape ...int) {
		m[prefix+".weight"] = shape
		m[prefix+".bias"] = shape[:1]
	}
	for i := range c.Layers {
		p := "encoder.layer." + strconv.Itoa(i) + "."
		for _, q := range []string{"query", "key", "value"} {
			add(p+"attention.self."+q, H, H)
		}
		add(p+"attention.output.dense", H, H)
		add(p+"attention.output.LayerNorm", H)
		add(p+"intermediate.dense", c.Intermediate, H)
		add(p+"output.dense", H, c.Intermediate)
		add(p+"output.LayerNorm", H)
	}
	return m
}

// hfEncoderKey returns the model's name for a key of a Hugging Face
// encoder's state dict and whether the model uses it: BERTKey after a
// leading "roberta." is dropped as from_pretrained does; the pooler and the
// position_ids buffer are not used.
func hfEncoderKey(key string) (string, bool) {
	if rest, ok := strings.CutPrefix(key, "roberta."); ok {
		key = rest // BERTKey drops "bert."
	}
	name := BERTKey(key)
	if strings.HasPrefix(name, "pooler.") || strings.HasSuffix(name, ".position_ids") {
		return name, false
	}
	return name, true
}

// EncoderCheckpoint checks the state dict of a Hugging Face BertModel or
// XLMRobertaModel (its pytorch_model.bin, keys as save_pretrained writes
// them) against c and returns it as a KindEncoder checkpoint under the
// model's names (BERTKey). It does not copy the tensors. A missing key, a
// shape that disagrees with c or a key the encoder does not have is an
// error naming the state dict's key.
func EncoderCheckpoint(sd map[string]*Tensor, c HFEncoder) (*Checkpoint, error) {
	switch {
	case c.ModelType != "bert" && !c.roberta():
		return nil, fmt.Errorf("model_type %q: %w (want bert, roberta or xlm-roberta)", c.ModelType, ErrUnsupported)
	case c.Heads < 1 || c.Hidden%c.Heads != 0:
		return nil, fmt.Errorf("num_attention_heads %d does not divide hidden_size %d", c.Heads, c.Hidden)
	case c.LayerNormEps <= 0:
		return nil, fmt.Errorf("layer_norm_eps %g: want a positive value", c.LayerNormEps)
	case c.TypeVocabSize < 1:
		return nil, fmt.Errorf("type_vocab_size %d: want at least 1", c.TypeVocabSize)
	}
	// The checks run on the model's names (BERTKey also maps TensorFlow-era
	// gamma/beta) and the errors give the state dict's.
	want := map[string][]int{}
	hfName := map[string]string{}
	for k, shape := range c.shapes() {
		want[BERTKey(k)], hfName[BERTKey(k)] = shape, k
	}
	keys := make([]string, 0, len(sd))
	for k := range sd {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string]*Tensor, len(want))
	from := make(map[string]string, len(want))
	for _, k := range keys {
		name, used := hfEncoderKey(k)
		if !used {
			continue
		}
		shape, ok := want[name]
		if !ok {
			return nil, fmt.Errorf("%w %q (no %s encoder weight is called %q)", ErrUnknownKey, k, c.ModelType, name)
		}
		if prev, dup := from[name]; dup {
			return nil, fmt.Errorf("%q and %q are both %q", prev, k, name)
		}
		t := sd[k]
		if !equalShape(t.Shape, shape) {
			return nil, fmt.Errorf("%q: %w %v, want %v from config.json", k, ErrShape, t.Shape, shape)
		}
		if t.F32 == nil {
			return nil, fmt.Errorf("%q: want a float32 tensor", k)
		}
		out[name], from[name] = t, k
	}
	var missing []string
	for k := range want {
		if _, ok := out[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("%w %q (and %d more) of a %d-layer %s encoder", ErrMissingKey, hfName[missing[0]],
			len(missing)-1, c.Layers, c.ModelType)
	}
	return &Checkpoint{Config: c.config(), Tensors: out}, nil
}

// layerNormEps returns the epsilon of the model's layer norms.
func (c Config) layerNormEps() float64 {
	if c.LayerNormEps == 0 {
		return LayerNormEps
	}
	return c.LayerNormEps
}
