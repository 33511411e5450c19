package luke

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind tells the two released kinds of DaLUKE checkpoint apart.
type Kind int

const (
	// KindPretrained is the pretrained model with the masked-word and
	// masked-entity heads (PretrainTaskDaLUKE).
	KindPretrained Kind = iota + 1
	// KindNER is the NER model: a 2-row entity table ([PAD], [MASK]) and
	// the span classifier (NERDaLUKE).
	KindNER
)

func (k Kind) String() string {
	switch k {
	case KindPretrained:
		return "pretrained"
	case KindNER:
		return "ner"
	case KindEncoder:
		return "encoder"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Config holds the sizes of a DaLUKE model (spec §1.1). The released base
// models have VocabSize 32000, Hidden 768, Layers 12, Heads 12, Intermediate
// 3072, MaxPositions 512 and EntitySize 256.
type Config struct {
	Kind            Kind
	VocabSize       int // word pieces
	Hidden          int // H
	Layers          int
	Heads           int
	Intermediate    int // feed-forward size
	MaxPositions    int // rows of the word and of the entity position tables
	EntitySize      int // h, the entity embedding size before projection
	EntityVocabSize int // rows of the entity table: Ne, or 2 for NER
	Labels          int // NER classes (NER only)
	// Features selects the NER classifier's input (NER only).
	Features Features
	// LayerNormEps is the epsilon of the layer norms; 0 means DaLUKE's
	// LayerNormEps (1e-12). The other fields below are 0 or false for
	// DaLUKE: they describe a KindEncoder model (hfencoder.go).
	LayerNormEps float64
	// TypeVocabSize is the rows of the token type table (KindEncoder).
	TypeVocabSize int
	// PadPositions numbers the positions as RoBERTa does,
	// cumsum(mask)·mask + PadID, instead of 0…L−1 (KindEncoder).
	PadPositions bool
	PadID        int
}

// Features selects what the NER classifier reads of a span (spec §1.6).
type Features int

const (
	// AllFeatures concatenates the states of the span's first word piece,
	// last word piece and entity slot (3·Hidden), as the released model.
	AllFeatures Features = iota
	// WordsOnly uses the first and last word-piece states (2·Hidden):
	// metadata NER-words-only.
	WordsOnly
	// EntitiesOnly uses the entity slot's state (Hidden): metadata
	// NER-entities-only.
	EntitiesOnly
)

// Width returns the number of features in units of the hidden size.
func (f Features) Width() int {
	switch f {
	case WordsOnly:
		return 2
	case EntitiesOnly:
		return 1
	}
	return 3
}

func (f Features) String() string {
	switch f {
	case WordsOnly:
		return "words-only"
	case EntitiesOnly:
		return "entities-only"
	}
	return "all"
}

// FeaturesOf returns the features the metadata flags select.
func FeaturesOf(meta Metadata) Features {
	switch {
	case meta.NERWordsOnly:
		return WordsOnly
	case meta.NEREntitiesOnly:
		return EntitiesOnly
	}
	return AllFeatures
}

// LayerNormEps is the epsilon of every layer norm in DaLUKE (spec §1.1).
const LayerNormEps = 1e-12

// InferConfig derives a model's sizes from its tensors' shapes. The number of
// heads comes from meta.NumAttentionHeads, or is Hidden/64.
func InferConfig(tensors map[string]*Tensor, meta Metadata) (Config, error) {
	var c Config
	shape := func(key string, dims int) ([]int, error) {
		t, ok := tensors[key]
		if !ok {
			return nil, fmt.Errorf("%w %q", ErrMissingKey, key)
		}
		if len(t.Shape) != dims {
			return nil, fmt.Errorf("%q: %w %v, want %d dimensions", key, ErrShape, t.Shape, dims)
		}
		return t.Shape, nil
	}
	s, err := shape("word_embeddings.word_embeddings.weight", 2)
	if err != nil {
		return c, err
	}
	c.VocabSize, c.Hidden = s[0], s[1]
	if s, err = shape("word_embeddings.position_embeddings.weight", 2); err != nil {
		return c, err
	}
	c.MaxPositions = s[0]
	if s, err = shape("entity_embeddings.ent_embeds.weight", 2); err != nil {
		return c, err
	}
	c.EntityVocabSize, c.EntitySize = s[0], s[1]
	if s, err = shape("encoder.0.intermediate.dense.weight", 2); err != nil {
		return c, err
	}
	c.Intermediate = s[0]
	for k := range tensors {
		rest, ok := strings.CutPrefix(k, "encoder.")
		if !ok {
			continue
		}
		i, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(i)
		if err != nil || n < 0 {
			return c, fmt.Errorf("%w %q", ErrUnknownKey, k)
		}
		c.Layers = max(c.Layers, n+1)
	}
	_, ner := tensors["classifier.weight"]
	_, pre := tensors["mask_word_scorer.decoder.weight"]
	switch {
	case ner && pre:
		return c, fmt.Errorf("both classifier.weight and mask_word_scorer.decoder.weight: %w", ErrUnknownKey)
	case ner:
		c.Kind = KindNER
		if s, err = shape("classifier.weight", 2); err != nil {
			return c, err
		}
		c.Labels = s[0]
		c.Features = FeaturesOf(meta)
		if want := c.Features.Width() * c.Hidden; s[1] != want {
			return c, fmt.Errorf("%q: %w %v, want %d inputs for %s features", "classifier.weight", ErrShape, s, want, c.Features)
		}
		if meta.OutputSize != 0 && meta.OutputSize != c.Labels {
			return c, fmt.Errorf("metadata output-size %d, classifier has %d classes", meta.OutputSize, c.Labels)
		}
	case pre:
		c.Kind = KindPretrained
	default:
		return c, fmt.Errorf("%w: classifier.weight (NER) or mask_word_scorer.decoder.weight (pretrained)", ErrMissingKey)
	}
	c.Heads = meta.NumAttentionHeads
	if c.Heads == 0 {
		if c.Hidden%64 != 0 {
			return c, fmt.Errorf("hidden size %d is no multiple of 64: set num-attention-heads in metadata.json", c.Hidden)
		}
		c.Heads = c.Hidden / 64
	}
	if c.Heads < 1 || c.Hidden%c.Heads != 0 {
		return c, fmt.Errorf("num-attention-heads %d does not divide hidden size %d", c.Heads, c.Hidden)
	}
	if meta.MaxSeqLength > c.MaxPositions {
		return c, fmt.Errorf("max-seq-length %d exceeds the %d position embeddings", meta.MaxSeqLength, c.MaxPositions)
	}
	return c, nil
}

// Shapes returns the state-dict keys of the model and their shapes (spec
// §1.7), without the ignored buffer word_embeddings.position_ids.
func (c Config) Shapes() map[string][]int {
	H, h := c.Hidden, c.EntitySize
	m := map[string][]int{
		"word_embeddings.word_embeddings.weight":       {c.VocabSize, H},
		"word_embeddings.position_embeddings.weight":   {c.MaxPositions, H},
		"word_embeddings.token_type_embeddings.weight": {2, H},
		"word_embeddings.LayerNorm.weight":             {H},
		"word_embeddings.LayerNorm.bias":               {H},
		"entity_embeddings.ent_embeds.weight":          {c.EntityVocabSize, h},
		"entity_embeddings.pos_embeds.weight":          {c.MaxPositions, H},
		"entity_embeddings.typ_embeds.weight":          {2, H},
		"entity_embeddings.ent_embeds_dense.weight":    {H, h},
		"entity_embeddings.ent_embeds_dense.bias":      {H},
		"entity_embeddings.lnorm.weight":               {H},
		"entity_embeddings.lnorm.bias":                 {H},
	}
	linear := func(prefix string, in, out int) {
		m[prefix+".weight"] = []int{out, in}
		m[prefix+".bias"] = []int{out}
	}
	norm := func(prefix string, n int) {
		m[prefix+".weight"] = []int{n}
		m[prefix+".bias"] = []int{n}
	}
	for i := range c.Layers {
		p := "encoder." + strconv.Itoa(i) + "."
		for _, q := range []string{"Q_w", "Q_e", "Q_w2e", "Q_e2w", "K", "V"} {
			linear(p+"attention."+q, H, H)
		}
		linear(p+"self_output.dense", H, H)
		norm(p+"self_output.LayerNorm", H)
		linear(p+"intermediate.dense", H, c.Intermediate)
		linear(p+"output.dense", c.Intermediate, H)
		norm(p+"output.LayerNorm", H)
	}
	switch c.Kind {
	case KindNER:
		linear("classifier", c.Features.Width()*H, c.Labels)
	case KindPretrained:
		linear("mask_word_scorer.transform.dense", H, H)
		norm("mask_word_scorer.transform.LayerNorm", H)
		linear("mask_word_scorer.decoder", H, c.VocabSize)
		m["mask_word_scorer.bias"] = []int{c.VocabSize}
		linear("mask_entity_scorer.transform", H, h)
		norm("mask_entity_scorer.lnorm", h)
		m["mask_entity_scorer.decode.weight"] = []int{c.EntityVocabSize, h}
		m["mask_entity_scorer.bias"] = []int{c.EntityVocabSize}
	}
	return m
}
