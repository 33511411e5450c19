package finetune

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// Entity vocabulary titles of the pretrained model's special rows (spec
// §1.7).
const (
	PadTitle  = "[PAD]"
	MaskTitle = "[MASK]"
)

// LinearInit fills the weight [out, in] and bias [out] of a linear layer as
// PyTorch's nn.Linear initialises them: both uniform on ±1/√in (kaiming
// uniform with a = √5), drawn from r, weight first, in row-major order.
func LinearInit(out, in int, r *rand.Rand) (w, b []float32) {
	bound := 1 / math.Sqrt(float64(in))
	draw := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(-bound + 2*bound*r.Float64())
		}
		return v
	}
	return draw(out * in), draw(out)
}

// nerMetadata returns meta with the NER keys of spec §2.8 set in Raw and
// in the fields.
func nerMetadata(meta luke.Metadata, labels int, f luke.Features) luke.Metadata {
	meta.Raw = maps.Clone(meta.Raw)
	if meta.Raw == nil {
		meta.Raw = map[string]any{}
	}
	meta.OutputSize = labels
	meta.NERWordsOnly = f == luke.WordsOnly
	meta.NEREntitiesOnly = f == luke.EntitiesOnly
	meta.Raw["output-size"] = labels
	meta.Raw["NER-words-only"] = meta.NERWordsOnly
	meta.Raw["NER-entities-only"] = meta.NEREntitiesOnly
	meta.Raw["max-seq-length"] = meta.MaxSeqLength
	meta.Raw["max-entities"] = meta.MaxEntities
	meta.Raw["max-entity-span"] = meta.MaxEntitySpan
	return meta
}

// MutateForNER turns a pretrained checkpoint into the start of NER
// fine-tuning as the reference's mutate_for_ner and
// load_state_dict(strict=False) do (spec §1.7, §2.8): the entity table
// keeps only the rows of [PAD] and [MASK] (ids 0 and 2 in the released
// vocabulary), the masked-word and masked-entity heads are dropped, and a
// classifier of labels classes over the features f is added at PyTorch's
// default Linear initialisation, drawn from the stream (seed,
// "classifier", 0, 0). The pretrained checkpoint is not changed.
func MutateForNER(pre *luke.Checkpoint, labels int, f luke.Features, seed uint64) (*luke.Checkpoint, error) {
	if pre.Config.Kind != luke.KindPretrained {
		return nil, fmt.Errorf("mutate for NER: a %s checkpoint, want a pretrained one", pre.Config.Kind)
	}
	if labels < 2 {
		return nil, fmt.Errorf("mutate for NER: %d classes, want at least 2", labels)
	}
	tensors := make(map[string]*luke.Tensor, len(pre.Tensors))
	for k, t := range pre.Tensors {
		if !strings.HasPrefix(k, "mask_word_scorer.") && !strings.HasPrefix(k, "mask_entity_scorer.") {
			tensors[k] = t
		}
	}
	h := pre.Config.EntitySize
	table := pre.Tensors["entity_embeddings.ent_embeds.weight"]
	rows := make([]float32, 0, 2*h)
	for _, title := range []string{PadTitle, MaskTitle} {
		id, ok := pre.EntityVocab[title]
		if !ok {
			return nil, fmt.Errorf("mutate for NER: the entity vocabulary has no %s", title)
		}
		if id < 0 || id >= pre.Config.EntityVocabSize {
			return nil, fmt.Errorf("mutate for NER: %s has id %d, outside the entity table of %d rows", title, id, pre.Config.EntityVocabSize)
		}
		rows = append(rows, table.F32[id*h:(id+1)*h]...)
	}
	tensors["entity_embeddings.ent_embeds.weight"] = &luke.Tensor{Shape: []int{2, h}, F32: rows}
	in := f.Width() * pre.Config.Hidden
	w, b := LinearInit(labels, in, rand.New(train.Stream(seed, "classifier", 0, 0)))
	tensors["classifier.weight"] = &luke.Tensor{Shape: []int{labels, in}, F32: w}
	tensors["classifier.bias"] = &luke.Tensor{Shape: []int{labels}, F32: b}
	ck, err := luke.NewCheckpoint(nerMetadata(pre.Metadata, labels, f), pre.EntityVocab, tensors)
	if err != nil {
		return nil, fmt.Errorf("mutate for NER: %w", err)
	}
	return ck, nil
}

// Sizes are the dimensions of a randomly initialised model.
type Sizes struct {
	VocabSize, Hidden, Layers, Heads, Intermediate, MaxPositions, EntitySize int
}

// RandomInit returns a NER model with random weights, initialised as
// Hugging Face's BertPreTrainedModel._init_weights does (normal with
// standard deviation 0.02 for linear and embedding weights, the padding
// rows of the word table and of the entity table zeroed, biases 0, layer
// norms 1 and 0) except for the classifier, which gets PyTorch's default
// Linear initialisation as after mutate_for_ner. Each tensor is drawn from
// its own stream (seed, "init/"+name, 0, 0). The entity table has the two
// rows [PAD] and [MASK] of a NER model; meta supplies max-seq-length,
// max-entities and max-entity-span.
func RandomInit(sz Sizes, meta luke.Metadata, labels int, f luke.Features, seed uint64) (*luke.Checkpoint, error) {
	switch {
	case sz.VocabSize < 5 || sz.Hidden < 1 || sz.Layers < 1 || sz.Heads < 1 || sz.Intermediate < 1 || sz.EntitySize < 1:
		return nil, fmt.Errorf("random init: sizes %+v: want a vocabulary of at least 5 and positive sizes", sz)
	case sz.Hidden%sz.Heads != 0:
		return nil, fmt.Errorf("random init: %d heads do not divide hidden size %d", sz.Heads, sz.Hidden)
	case sz.MaxPositions < meta.MaxSeqLength:
		return nil, fmt.Errorf("random init: %d positions, fewer than max-seq-length %d", sz.MaxPositions, meta.MaxSeqLength)
	case labels < 2:
		return nil, fmt.Errorf("random init: %d classes, want at least 2", labels)
	}
	cfg := luke.Config{Kind: luke.KindNER, VocabSize: sz.VocabSize, Hidden: sz.Hidden, Layers: sz.Layers, Heads: sz.Heads,
		Intermediate: sz.Intermediate, MaxPositions: sz.MaxPositions, EntitySize: sz.EntitySize, EntityVocabSize: 2,
		Labels: labels, Features: f}
	tensors := map[string]*luke.Tensor{}
	for name, shape := range cfg.Shapes() {
		t := &luke.Tensor{Shape: shape}
		t.F32 = make([]float32, t.Len())
		r := rand.New(train.Stream(seed, "init/"+name, 0, 0))
		switch {
		case name == "classifier.weight":
			t.F32, _ = LinearInit(shape[0], shape[1], r)
		case name == "classifier.bias":
			_, t.F32 = LinearInit(shape[0], cfg.Features.Width()*cfg.Hidden, rand.New(train.Stream(seed, "init/classifier.weight", 0, 0)))
		case strings.HasSuffix(name, "LayerNorm.weight") || strings.HasSuffix(name, "lnorm.weight"):
			for i := range t.F32 {
				t.F32[i] = 1
			}
		case strings.HasSuffix(name, ".bias"):
		default:
			for i := range t.F32 {
				t.F32[i] = float32(0.02 * r.NormFloat64())
			}
			if name == "word_embeddings.word_embeddings.weight" || name == "entity_embeddings.ent_embeds.weight" {
				clear(t.F32[:shape[1]])
			}
		}
		tensors[name] = t
	}
	meta.NumAttentionHeads = sz.Heads
	meta = nerMetadata(meta, labels, f)
	meta.Raw["num-attention-heads"] = sz.Heads
	meta.Raw["base-model"] = "random initialisation (nerbench)"
	meta.BaseModel = "random initialisation (nerbench)"
	vocab := map[string]int{PadTitle: 0, "[UNK]": 1, MaskTitle: 2}
	ck, err := luke.NewCheckpoint(meta, vocab, tensors)
	if err != nil {
		return nil, fmt.Errorf("random init: %w", err)
	}
	return ck, nil
}
