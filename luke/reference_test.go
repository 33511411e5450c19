package luke

import (
	"encoding/json"
	"os"
	"testing"
)

// reference is testdata/reference.json, written by testdata/reference.py, an
// independent PyTorch implementation of ../shared/notes/daluke-spec.md run
// with Debian's python3-torch 1.13.
type reference struct {
	Source string `json:"source"`
	Config struct {
		VocabSize       int `json:"vocab_size"`
		HiddenSize      int `json:"hidden_size"`
		NumLayers       int `json:"num_layers"`
		Intermediate    int `json:"intermediate_size"`
		NumHeads        int `json:"num_heads"`
		MaxPositions    int `json:"max_positions"`
		EntitySize      int `json:"entity_size"`
		EntityVocabSize int `json:"entity_vocab_size"`
	} `json:"config"`
	Texts []struct {
		Words   []string    `json:"words"`
		Pieces  [][]int64   `json:"pieces"`
		Windows [][2]int    `json:"windows"`
		Spans   [][2]int    `json:"spans"` // word spans, relative to the text
		Logits  [][]float32 `json:"logits"`
		Tags    []string    `json:"tags"`
	} `json:"texts"`
	NERForward       forwardRecord `json:"ner_forward"`
	PretrainedFoward forwardRecord `json:"pretrained_forward"`
}

type forwardRecord struct {
	WordIDs       []int64     `json:"word_ids"`
	EntityIDs     []int64     `json:"entity_ids"`
	EntitySpans   [][2]int    `json:"entity_spans"`
	WordHidden    [][]float32 `json:"word_hidden"`
	EntityHidden  [][]float32 `json:"entity_hidden"`
	Logits        [][]float32 `json:"logits"`
	MaskPositions []int       `json:"mask_positions"`
	WordScores    [][]float32 `json:"word_scores"`
	EntityScores  [][]float32 `json:"entity_scores"`
}

func readReference(t *testing.T) *reference {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("testdata/reference.json: %v", err)
	}
	return &r
}

// fixtureSpecial are the [CLS] and [SEP] ids of testdata/vocab.txt.
var fixtureSpecial = SpecialIDs{CLS: 2, SEP: 3}
