//go:build torch

package luke

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// feedForward is the part of a BERT layer after the attention context C
// ([…, H]): self_output (dense, dropout, residual T, LayerNorm), then
// intermediate (dense, erf GELU) and output (dense, dropout, residual,
// LayerNorm). The dropout applies with probability prob when p is not nil.
// DaLUKE's encode and the words-only encodeWords share it.
func (m *Model) feedForward(ls *scope, C, T *ts.Tensor, prefix string, prob float64, p *Pass) *ts.Tensor {
	S1 := m.dropout(ls, m.linearP(ls, C, prefix+"self_output.dense", p), prob, p)
	S1 = m.layerNorm(ls, ls.keep(S1.MustAdd(T, false)), prefix+"self_output.LayerNorm")
	I := ls.keep(m.linearP(ls, S1, prefix+"intermediate.dense", p).MustGelu("none", false))
	O := m.dropout(ls, m.linearP(ls, I, prefix+"output.dense", p), prob, p)
	return m.layerNorm(ls, ls.keep(O.MustAdd(S1, false)), prefix+"output.LayerNorm")
}

// EncodeWords runs a KindEncoder model (see [EncoderCheckpoint]) in
// evaluation mode on a padded batch of word-piece ids, ids[b][j], with its
// attention mask (1 for a real piece, 0 for padding; every row as long as
// the first), and returns the last layer's hidden states [B, L, Hidden],
// row-major. The positions are 0…L−1, or RoBERTa's cumsum(mask)·mask +
// PadID with Config.PadPositions; masked keys get -10000 added to their
// attention scores, as in Hugging Face transformers 3.x.
func (m *Model) EncodeWords(ctx context.Context, ids, mask [][]int64) (out []float32, err error) {
	defer RecoverTorch(&err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if m.cfg.Kind != KindEncoder {
		return nil, fmt.Errorf("words-only encoding needs an encoder checkpoint, this one is %s", m.cfg.Kind)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	B, L := len(ids), len(ids[0])
	if len(mask) != B {
		return nil, fmt.Errorf("%d rows of ids, %d of mask", B, len(mask))
	}
	flat := make([]int64, 0, B*L)
	pos := make([]int64, 0, B*L)
	ext := make([]float32, 0, B*L)
	for i, row := range ids {
		if len(row) != L || len(mask[i]) != L {
			return nil, fmt.Errorf("row %d: %d ids and %d mask values, want %d of each", i, len(row), len(mask[i]), L)
		}
		n := 0
		for j, id := range row {
			if id < 0 || id >= int64(m.cfg.VocabSize) {
				return nil, fmt.Errorf("row %d: word piece id %d outside the vocabulary of %d", i, id, m.cfg.VocabSize)
			}
			p := j
			switch mask[i][j] {
			case 1:
				n++
				ext = append(ext, 0)
				if m.cfg.PadPositions {
					p = n + m.cfg.PadID
				}
			case 0:
				ext = append(ext, -10000)
				if m.cfg.PadPositions {
					p = m.cfg.PadID
				}
			default:
				return nil, fmt.Errorf("row %d: mask value %d, want 0 or 1", i, mask[i][j])
			}
			if p >= m.cfg.MaxPositions {
				return nil, fmt.Errorf("row %d: position %d exceeds the %d position embeddings", i, p, m.cfg.MaxPositions)
			}
			flat = append(flat, id)
			pos = append(pos, int64(p))
		}
	}
	var s scope
	defer s.free()
	N := int64(B * L)
	X := m.encodeWords(&s, int64(B), int64(L), m.upload(&s, flat, N), m.upload(&s, pos, N),
		m.upload(&s, ext, int64(B), 1, 1, int64(L)))
	return values(&s, X), nil
}

// encodeWords runs the embeddings and the layers of a words-only model on
// ids and positions [B·L] with the additive key mask ext [B,1,1,L].
func (m *Model) encodeWords(s *scope, B, L int64, ids, pos, ext *ts.Tensor) *ts.Tensor {
	H := int64(m.cfg.Hidden)
	x := s.keep(m.weight("word_embeddings.word_embeddings.weight").MustIndexSelect(0, ids, false))
	x = s.keep(x.MustAdd(s.keep(m.weight("word_embeddings.position_embeddings.weight").MustIndexSelect(0, pos, false)), false))
	x = s.keep(x.MustAdd(s.keep(m.weight("word_embeddings.token_type_embeddings.weight").MustSelect(0, 0, false)), false))
	X := s.keep(m.layerNorm(s, x, "word_embeddings.LayerNorm").MustView([]int64{B, L, H}, false))

	heads := int64(m.cfg.Heads)
	d := H / heads
	scale := ts.FloatScalar(1 / math.Sqrt(float64(d)))
	split := func(ls *scope, t *ts.Tensor) *ts.Tensor {
		return ls.keep(ls.keep(t.MustView([]int64{B, L, heads, d}, false)).MustPermute([]int64{0, 2, 1, 3}, false))
	}
	for i := range m.cfg.Layers {
		ls := &scope{}
		p := "encoder." + strconv.Itoa(i) + "."
		q := split(ls, m.linear(ls, X, p+"attention.Q_w"))
		k := split(ls, m.linear(ls, X, p+"attention.K"))
		v := split(ls, m.linear(ls, X, p+"attention.V"))
		S := ls.keep(q.MustMatmul(ls.keep(k.MustTranspose(-1, -2, false)), false))
		S = ls.keep(S.MustMulScalar(scale, false))
		S = ls.keep(S.MustAdd(ext, false))
		P := ls.keep(S.MustSoftmax(-1, gotch.Float, false))
		C := ls.keep(P.MustMatmul(v, false))
		C = ls.keep(ls.keep(C.MustPermute([]int64{0, 2, 1, 3}, false)).MustReshape([]int64{B, L, H}, false))
		O := m.feedForward(ls, C, X, p, 0, nil)
		nX := O.MustNarrow(1, 0, L, false) // a view that outlives the layer's scope
		ls.free()
		if i > 0 { // the previous layer's output; the embeddings belong to s
			X.MustDrop()
		}
		X = nX
	}
	return s.keep(X)
}
