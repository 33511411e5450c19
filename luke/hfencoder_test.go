package luke

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tinyHFEncoder is a 1-layer encoder's config and a state dict of it, as
// save_pretrained writes one (no prefix), every tensor filled with its
// index.
func tinyHFEncoder(modelType string) (HFEncoder, map[string]*Tensor) {
	c := HFEncoder{ModelType: modelType, VocabSize: 7, Hidden: 4, Layers: 1, Heads: 2, Intermediate: 8,
		MaxPositions: 10, TypeVocabSize: 1, LayerNormEps: 1e-5, PadTokenID: 1}
	sd := map[string]*Tensor{"embeddings.position_ids": {Shape: []int{1, 10}, I64: make([]int64, 10)},
		"pooler.dense.weight": {Shape: []int{4, 4}, F32: make([]float32, 16)}}
	for k, shape := range c.shapes() {
		t := &Tensor{Shape: shape}
		t.F32 = make([]float32, t.Len())
		for i := range t.F32 {
			t.F32[i] = float32(i)
		}
		sd[k] = t
	}
	return c, sd
}

func TestEncoderCheckpoint(t *testing.T) {
	c, sd := tinyHFEncoder("xlm-roberta")
	ck, err := EncoderCheckpoint(sd, c)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Kind: KindEncoder, VocabSize: 7, Hidden: 4, Layers: 1, Heads: 2, Intermediate: 8, MaxPositions: 10,
		LayerNormEps: 1e-5, TypeVocabSize: 1, PadPositions: true, PadID: 1}
	if diff := cmp.Diff(want, ck.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if len(ck.Tensors) != 5+16 {
		t.Errorf("got %d tensors, want 21 (no pooler, no position_ids)", len(ck.Tensors))
	}
	if ck.Tensors["encoder.0.attention.Q_w.weight"] != sd["encoder.layer.0.attention.self.query.weight"] {
		t.Error("the query weight is not encoder.0.attention.Q_w.weight")
	}

	// BERT as TensorFlow-era checkpoints name it: a bert. prefix, gamma and beta.
	c, sd = tinyHFEncoder("bert")
	tf := map[string]*Tensor{}
	for k, v := range sd {
		k = strings.Replace(strings.Replace(k, "LayerNorm.weight", "LayerNorm.gamma", 1), "LayerNorm.bias", "LayerNorm.beta", 1)
		tf["bert."+k] = v
	}
	if ck, err = EncoderCheckpoint(tf, c); err != nil {
		t.Fatal(err)
	}
	if ck.Config.PadPositions {
		t.Error("BERT got RoBERTa's positions")
	}
}

func TestEncoderCheckpointErrors(t *testing.T) {
	tests := []struct {
		name     string
		change   func(c *HFEncoder, sd map[string]*Tensor)
		sentinel error
		mention  string
	}{
		{"model type", func(c *HFEncoder, _ map[string]*Tensor) { c.ModelType = "gpt2" }, ErrUnsupported, `"gpt2"`},
		{"heads", func(c *HFEncoder, _ map[string]*Tensor) { c.Heads = 3 }, nil, "num_attention_heads 3"},
		{"eps", func(c *HFEncoder, _ map[string]*Tensor) { c.LayerNormEps = 0 }, nil, "layer_norm_eps"},
		{"shape", func(_ *HFEncoder, sd map[string]*Tensor) {
			sd["encoder.layer.0.output.dense.weight"].Shape = []int{8, 4}
		},
			ErrShape, `"encoder.layer.0.output.dense.weight": wrong shape [8 4], want [4 8]`},
		{"missing", func(_ *HFEncoder, sd map[string]*Tensor) { delete(sd, "embeddings.LayerNorm.bias") },
			ErrMissingKey, `"embeddings.LayerNorm.bias"`},
		{"unknown", func(_ *HFEncoder, sd map[string]*Tensor) { sd["lm_head.bias"] = sd["embeddings.LayerNorm.bias"] },
			ErrUnknownKey, `"lm_head.bias"`},
		{"twice", func(_ *HFEncoder, sd map[string]*Tensor) {
			sd["roberta.embeddings.LayerNorm.bias"] = sd["embeddings.LayerNorm.bias"]
		}, nil, "are both"},
		{"int64", func(_ *HFEncoder, sd map[string]*Tensor) {
			sd["embeddings.LayerNorm.bias"] = &Tensor{Shape: []int{4}, I64: make([]int64, 4)}
		}, nil, "float32"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, sd := tinyHFEncoder("xlm-roberta")
			tc.change(&c, sd)
			_, err := EncoderCheckpoint(sd, c)
			if err == nil {
				t.Fatal("got no error")
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("got %v, want %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not contain %q", err, tc.mention)
			}
		})
	}
}
