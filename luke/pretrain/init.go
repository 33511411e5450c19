package pretrain

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/luke"
)

// Tied weights of the pretrained model: the second name of each pair is
// the same tensor as the first (spec §1.7).
var Tied = [][2]string{
	{"entity_embeddings.ent_embeds.weight", "mask_entity_scorer.decode.weight"},
	{"mask_word_scorer.bias", "mask_word_scorer.decoder.bias"},
}

// InitStd is the standard deviation of the normal initialisation
// (initializer_range).
const InitStd = 0.02

func isNorm(name string) bool {
	return strings.Contains(name, "LayerNorm.") || strings.Contains(name, "lnorm.")
}

// LukeInit returns the weights of a pretrained-kind model of cfg's sizes
// initialised as lukeinit does (spec §3.5): every linear and embedding
// weight from N(0, 0.02), biases 0, layer norms weight 1 and bias 0, the
// masked-word and masked-entity scorers' output biases 0. The tied tensors
// share one array. Draws come from r in the sorted order of the names.
func LukeInit(cfg luke.Config, r *rand.Rand) map[string]*luke.Tensor {
	cfg.Kind = luke.KindPretrained
	shapes := cfg.Shapes()
	tied := map[string]bool{}
	for _, t := range Tied {
		tied[t[1]] = true
	}
	names := make([]string, 0, len(shapes))
	for k := range shapes {
		names = append(names, k)
	}
	slices.Sort(names)
	out := make(map[string]*luke.Tensor, len(shapes))
	for _, k := range names {
		if tied[k] {
			continue
		}
		t := &luke.Tensor{Shape: shapes[k]}
		t.F32 = make([]float32, t.Len())
		switch {
		case isNorm(k) && strings.HasSuffix(k, ".weight"):
			for i := range t.F32 {
				t.F32[i] = 1
			}
		case strings.HasSuffix(k, ".weight"):
			for i := range t.F32 {
				t.F32[i] = float32(r.NormFloat64() * InitStd)
			}
		}
		out[k] = t
	}
	for _, t := range Tied {
		out[t[1]] = out[t[0]]
	}
	return out
}

// ApplyBERT copies BERT weights into DaLUKE's (spec §3.5 steps 3–4): each
// key is renamed with [luke.BERTKey]; keys with no DaLUKE counterpart (the
// pooler, cls.seq_relationship, position_ids) are skipped; a shape that
// differs is an error. Then every layer's Q_e, Q_w2e and Q_e2w get copies
// of its Q_w. It returns the names of the weights taken from BERT, sorted:
// the base model that the first training phase keeps frozen. Tied names
// count as loaded when either is.
func ApplyBERT(weights, bert map[string]*luke.Tensor, layers int) ([]string, error) {
	keys := make([]string, 0, len(bert))
	for k := range bert {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	loaded := map[string]bool{}
	for _, k := range keys {
		name := luke.BERTKey(k)
		dst, ok := weights[name]
		if !ok {
			continue
		}
		src := bert[k]
		if src.F32 == nil {
			return nil, fmt.Errorf("BERT weight %s: want float32", k)
		}
		if !slices.Equal(src.Shape, dst.Shape) {
			return nil, fmt.Errorf("BERT weight %s has shape %v, DaLUKE's %s %v", k, src.Shape, name, dst.Shape)
		}
		copy(dst.F32, src.F32)
		loaded[name] = true
	}
	for _, t := range Tied {
		if loaded[t[0]] || loaded[t[1]] {
			loaded[t[0]], loaded[t[1]] = true, true
		}
	}
	for i := range layers {
		p := "encoder." + strconv.Itoa(i) + ".attention."
		for _, suf := range []string{".weight", ".bias"} {
			src, ok := weights[p+"Q_w"+suf]
			if !ok || !loaded[p+"Q_w"+suf] {
				return nil, fmt.Errorf("BERT checkpoint has no query weight for layer %d", i)
			}
			for _, q := range []string{"Q_e", "Q_w2e", "Q_e2w"} {
				copy(weights[p+q+suf].F32, src.F32)
			}
		}
	}
	var names []string
	for k := range loaded {
		names = append(names, k)
	}
	slices.Sort(names)
	return names, nil
}
