package luke

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBERTKey(t *testing.T) {
	// The examples of spec §3.5.
	tests := []struct{ in, want string }{
		{"bert.encoder.layer.3.attention.self.query.weight", "encoder.3.attention.Q_w.weight"},
		{"bert.encoder.layer.3.attention.self.key.bias", "encoder.3.attention.K.bias"},
		{"bert.encoder.layer.3.attention.self.value.weight", "encoder.3.attention.V.weight"},
		{"bert.encoder.layer.3.attention.output.LayerNorm.bias", "encoder.3.self_output.LayerNorm.bias"},
		{"bert.encoder.layer.11.output.dense.weight", "encoder.11.output.dense.weight"},
		{"bert.embeddings.word_embeddings.weight", "word_embeddings.word_embeddings.weight"},
		{"bert.embeddings.LayerNorm.gamma", "word_embeddings.LayerNorm.weight"},
		{"cls.predictions.transform.dense.weight", "mask_word_scorer.transform.dense.weight"},
		{"cls.predictions.bias", "mask_word_scorer.bias"},
		{"bert.pooler.dense.weight", "pooler.dense.weight"},
	}
	for _, tc := range tests {
		if got := BERTKey(tc.in); got != tc.want {
			t.Errorf("BERTKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReadStateDict reads the same BERT state dict from a torch.save file and
// from a safetensors file.
func TestReadStateDict(t *testing.T) {
	bert := map[string]*Tensor{
		"bert.embeddings.word_embeddings.weight": {Shape: []int{2, 3}, F32: []float32{1, 2, 3, 4, 5, 6}},
		"cls.predictions.bias":                   {Shape: []int{2}, F32: []float32{0.5, -0.5}},
	}
	dir := t.TempDir()
	var pt, st bytes.Buffer
	if err := WriteTorchPickle(&pt, bert); err != nil {
		t.Fatal(err)
	}
	if err := WriteSafetensors(&st, bert, nil); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"pytorch_model.bin": pt.Bytes(), "model.safetensors": st.Bytes()} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadStateDict(file)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(bert, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if _, err := ReadStateDict(filepath.Join(dir, "missing.bin")); err == nil {
		t.Error("a missing file: got no error")
	}
}
