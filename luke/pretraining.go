//go:build torch

package luke

import (
	"errors"
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Names of the pretraining heads' weights that DaLUKE ties to others (spec
// §1.7): the masked-entity decoder is the entity table, and the masked-word
// decoder's bias is the head's bias. A trainable model uses only the first
// of each pair; the alias is written with the same values on export.
const (
	EntityTable       = "entity_embeddings.ent_embeds.weight"
	EntityDecoder     = "mask_entity_scorer.decode.weight"
	WordHeadBias      = "mask_word_scorer.bias"
	WordDecoderBias   = "mask_word_scorer.decoder.bias"
	maskWordTransform = "mask_word_scorer.transform"
)

// SetRequiresGradOf makes libtorch track (or stop tracking) gradients for
// the named weights only; handles taken earlier with Param see the change.
func (m *Model) SetRequiresGradOf(names []string, on bool) (err error) {
	defer RecoverTorch(&err)
	for _, k := range names {
		t, ok := m.w[k]
		if !ok {
			return fmt.Errorf("no weight %q", k)
		}
		t.MustSetRequiresGrad(on, false).MustDrop()
	}
	return nil
}

// TrainMasked runs the pretrained model in training mode (dropout and
// precision from p) on one padded batch and returns the masked-word head's
// scores [Σ len(wordPos[i]), VocabSize] at the word positions wordPos[i] of
// input i and the masked-entity head's scores [Σ len(entPos[i]),
// EntityVocabSize] at the entity slots entPos[i], in row-major order
// (spec §3.4). The heads read the tied weights through their first names
// (EntityTable, WordHeadBias). ents is nil when no entity slot is given.
// free releases the tensors of the pass; call it after the backward pass.
func (m *Model) TrainMasked(in []Input, wordPos, entPos [][]int, p *Pass) (words, ents *ts.Tensor, free func(), err error) {
	defer RecoverTorch(&err)
	if m.cfg.Kind != KindPretrained {
		return nil, nil, nil, fmt.Errorf("masked training needs a pretrained-kind model, this one is %s", m.cfg.Kind)
	}
	if err := p.Check(); err != nil {
		return nil, nil, nil, err
	}
	if len(in) == 0 || len(wordPos) != len(in) || len(entPos) != len(in) {
		return nil, nil, nil, errors.New("want one list of word positions and one of entity slots per input")
	}
	s := &scope{}
	defer func() {
		if err != nil {
			s.free()
		}
	}()
	b, err := m.newBatch(s, in)
	if err != nil {
		return nil, nil, nil, err
	}
	X, E := m.encode(s, b, p)
	H := int64(m.cfg.Hidden)
	gather := func(h *ts.Tensor, L int, pos [][]int, limit func(i int) int, what string) (*ts.Tensor, error) {
		var idx []int64
		for i, ps := range pos {
			for _, q := range ps {
				if q < 0 || q >= limit(i) {
					return nil, fmt.Errorf("input %d: %s %d outside 0 to %d", i, what, q, limit(i)-1)
				}
				idx = append(idx, int64(i*L+q))
			}
		}
		if len(idx) == 0 {
			return nil, nil
		}
		t := s.keep(ts.MustOfSlice(idx))
		if m.device != gotch.CPU {
			t = s.keep(t.MustTo(m.device, false))
		}
		flat := s.keep(h.MustReshape([]int64{-1, H}, false))
		return s.keep(flat.MustIndexSelect(0, t, false)), nil
	}
	hw, err := gather(X, b.Lw, wordPos, func(i int) int { return len(in[i].WordIDs) }, "word position")
	if err != nil {
		return nil, nil, nil, err
	}
	if hw == nil {
		return nil, nil, nil, errors.New("no masked word position")
	}
	t := s.keep(m.linearP(s, hw, maskWordTransform+".dense", p).MustGelu("none", false))
	t = m.layerNorm(s, t, maskWordTransform+".LayerNorm")
	words = s.keep(ts.MustLinear(t, m.weight("mask_word_scorer.decoder.weight"), m.weight(WordHeadBias)))
	if b.Le > 0 {
		he, err := gather(E, b.Le, entPos, func(i int) int { return len(in[i].Entities) }, "entity slot")
		if err != nil {
			return nil, nil, nil, err
		}
		if he != nil {
			t := s.keep(m.linearP(s, he, "mask_entity_scorer.transform", p).MustGelu("none", false))
			t = m.layerNorm(s, t, "mask_entity_scorer.lnorm")
			ents = s.keep(ts.MustLinear(t, m.weight(EntityTable), m.weight("mask_entity_scorer.bias")))
		}
	}
	return words, ents, s.free, nil
}
