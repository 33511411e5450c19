//go:build torch

package luke

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// The packed forward pass is the evaluation-mode encoder of SpanLogits
// (and so of NER) without padding in its linear layers. The rows of a
// batch are packed: the word pieces of every example, example after
// example, then their entity slots, so every projection, layer norm and
// feed-forward product runs on the real rows only. Only the attention
// products run per example, padded to the longest example of the batch,
// and there padding keys get weight exp(-10000) = 0 as in the reference.
// Per layer it makes three products for the six attention projections:
//
//   - K and V of every row at once (one [K;V] weight);
//   - the word queries Q_w and Q_w2e, and the entity queries Q_e2w and Q_e,
//     each pair in one product whose weight rows are interleaved per head,
//     so that a row's query for head h is [q_h against word keys,
//     q_h against entity keys] (2×64 values);
//   - the key of a word row for head h is [k_h, 0] and that of an entity
//     row [0, k_h], so one batched product of these 128-wide heads gives
//     the four attention blocks of spec §1.5.1 at once, the mask added by
//     the same call (baddbmm) and the 1/√64 = 1/8 applied as its alpha, a
//     power of two and so exact.
//
// Every linear layer of the pass runs on oneDNN where libtorch has it
// (evalLinear, onednn.go), on libtorch's linear (OpenBLAS) otherwise.
//
// The fused weights are cut from the model's weights at each call (a copy
// of 3 MB per layer, next to gigaflops of products), so a model that is
// being trained never scores with stale copies.
//
// Sharing the word rows between the chunks of one sentence would not be
// exact: the words attend to the entity slots (A_we), so from the first
// layer on a chunk's word states depend on its spans. Each example keeps
// its own word rows.

// packing places the rows of a batch of inputs: word rows first, then
// entity rows, both in input order.
type packing struct {
	B, L       int   // inputs, and the longest input's rows (words + entities)
	Nw, Ne     int   // word rows and entity rows in all
	maxLw      int   // the longest word sequence
	rows       []int // rows (words + entities) of each input
	wordOff    []int // first word row of each input
	entOff     []int // first entity row of each input (from 0, add Nw for the packed row)
	wordIDs    []int64
	wordPos    []int64
	entIDs     []int64
	posAvg     []float32 // [Ne, maxLw]: 1/n on each of a slot's n positions
	toPadded   []int64   // [B*L]: packed row of each padded slot (0 for padding)
	fromPadded []int64   // [Nw+Ne]: padded slot of each packed row
}

func (m *Model) newPacking(in []Input) (*packing, error) {
	p := &packing{B: len(in), rows: make([]int, len(in)), wordOff: make([]int, len(in)), entOff: make([]int, len(in))}
	for i, x := range in {
		if err := m.checkInput(i, x); err != nil {
			return nil, err
		}
		p.wordOff[i], p.entOff[i] = p.Nw, p.Ne
		p.Nw += len(x.WordIDs)
		p.Ne += len(x.Entities)
		p.maxLw = max(p.maxLw, len(x.WordIDs))
		p.rows[i] = len(x.WordIDs) + len(x.Entities)
		p.L = max(p.L, p.rows[i])
	}
	if p.maxLw > m.cfg.MaxPositions {
		return nil, fmt.Errorf("sequence of %d word pieces exceeds the %d position embeddings", p.maxLw, m.cfg.MaxPositions)
	}
	p.wordIDs = make([]int64, 0, p.Nw)
	p.wordPos = make([]int64, 0, p.Nw)
	p.entIDs = make([]int64, 0, p.Ne)
	p.posAvg = make([]float32, p.Ne*p.maxLw)
	p.toPadded = make([]int64, p.B*p.L)
	p.fromPadded = make([]int64, p.Nw+p.Ne)
	for i, x := range in {
		for j, id := range x.WordIDs {
			p.wordIDs = append(p.wordIDs, id)
			p.wordPos = append(p.wordPos, int64(j))
			r := p.wordOff[i] + j
			p.toPadded[i*p.L+j] = int64(r)
			p.fromPadded[r] = int64(i*p.L + j)
		}
		for j, e := range x.Entities {
			p.entIDs = append(p.entIDs, e.ID)
			r := p.entOff[i] + j
			for q := e.Start; q < e.End; q++ {
				p.posAvg[r*p.maxLw+q] = 1 / float32(e.End-e.Start)
			}
			slot := i*p.L + len(x.WordIDs) + j
			p.toPadded[slot] = int64(p.Nw + r)
			p.fromPadded[p.Nw+r] = int64(slot)
		}
	}
	return p, nil
}

// checkInput reports a word piece id, entity id or entity range that the
// model cannot look up.
func (m *Model) checkInput(i int, x Input) error {
	for _, id := range x.WordIDs {
		if id < 0 || id >= int64(m.cfg.VocabSize) {
			return fmt.Errorf("input %d: word piece id %d outside the vocabulary of %d", i, id, m.cfg.VocabSize)
		}
	}
	for _, e := range x.Entities {
		if e.ID < 0 || e.ID >= int64(m.cfg.EntityVocabSize) {
			return fmt.Errorf("input %d: entity id %d outside the entity table of %d", i, e.ID, m.cfg.EntityVocabSize)
		}
		if e.Start < 0 || e.End > len(x.WordIDs) || e.Start > e.End {
			return fmt.Errorf("input %d: entity positions [%d,%d) outside the %d word pieces",
				i, e.Start, e.End, len(x.WordIDs))
		}
	}
	return nil
}

// upload copies Go data to a tensor of the given shape on the model's device.
func (m *Model) upload(s *scope, data any, shape ...int64) *ts.Tensor {
	var t *ts.Tensor
	var err error
	switch d := data.(type) {
	case []float32:
		t, err = fromSlice(d, shape)
	case []int64:
		t, err = fromSlice(d, shape)
	default:
		t, err = ts.NewTensorFromData(data, shape)
	}
	if err != nil {
		panic(err)
	}
	s.keep(t)
	if m.device != gotch.CPU {
		t = s.keep(t.MustTo(m.device, false))
	}
	return t
}

// headPairs stacks two [H,…] projection tensors (weights or biases) so that
// the rows of head h of a come right before those of head h of b.
func (m *Model) headPairs(s *scope, a, b string) *ts.Tensor {
	x, y := m.weight(a), m.weight(b)
	shape := x.MustSize()
	heads := int64(m.cfg.Heads)
	split := append([]int64{heads, shape[0] / heads}, shape[1:]...)
	st := s.keep(ts.MustStack([]*ts.Tensor{s.keep(x.MustView(split, false)), s.keep(y.MustView(split, false))}, 1))
	return s.keep(st.MustReshape(append([]int64{2 * shape[0]}, shape[1:]...), false))
}

// stepHook, when set (by tests), is called at the end of every step of
// the packed pass, when the step's intermediates are all still held.
var stepHook func()

// step runs f in a scope of its own and frees every tensor f kept there
// except the one it returns, which s keeps. So a step of the packed pass
// holds its intermediates only while it runs (BENCHMARKS.md, Memory).
func (s *scope) step(f func(*scope) *ts.Tensor) (t *ts.Tensor) {
	in := &scope{}
	defer func() {
		if t == nil { // f panicked
			in.free()
		}
	}()
	r := f(in)
	if stepHook != nil {
		stepHook()
	}
	return s.keep(in.freeBut(r))
}

// drop frees the given tensors of s now and forgets them.
func (s *scope) drop(ts ...*ts.Tensor) {
	for _, t := range ts {
		if i := slices.Index(s.list, t); i >= 0 {
			s.list = slices.Delete(s.list, i, i+1)
		}
		t.MustDrop()
	}
}

// packedEncode runs the embeddings and the encoder on the packed rows and
// returns the last layer's hidden states [Nw+Ne, H], word rows first.
//
// Every step keeps only its result, and each result is freed as soon as the
// last step that reads it is done, so the pass holds at most the inputs and
// outputs of one step at a time besides the layer's input: with the scores
// and the probabilities of the attention ([heads*B, L, L] each) the largest.
func (m *Model) packedEncode(s *scope, p *packing) *ts.Tensor {
	H := int64(m.cfg.Hidden)
	heads := int64(m.cfg.Heads)
	d := H / heads
	Nw, Ne, N := int64(p.Nw), int64(p.Ne), int64(p.Nw+p.Ne)
	B, L := int64(p.B), int64(p.L)

	// Embeddings (spec §1.2, §1.3), row by row.
	T := s.step(func(s *scope) *ts.Tensor {
		x := s.keep(m.weight("word_embeddings.word_embeddings.weight").MustIndexSelect(0, m.upload(s, p.wordIDs, Nw), false))
		x.MustAdd_(s.keep(m.weight("word_embeddings.position_embeddings.weight").MustIndexSelect(0, m.upload(s, p.wordPos, Nw), false)))
		x.MustAdd_(s.keep(m.weight("word_embeddings.token_type_embeddings.weight").MustSelect(0, 0, false)))
		X := m.layerNorm(s, x, "word_embeddings.LayerNorm")
		e := s.keep(m.weight("entity_embeddings.ent_embeds.weight").MustIndexSelect(0, m.upload(s, p.entIDs, Ne), false))
		e = m.evalLinearOf(s, e, "entity_embeddings.ent_embeds_dense")
		epos := s.keep(m.weight("entity_embeddings.pos_embeds.weight").MustNarrow(0, 0, int64(p.maxLw), false))
		e.MustAdd_(s.keep(m.upload(s, p.posAvg, Ne, int64(p.maxLw)).MustMatmul(epos, false)))
		e.MustAdd_(s.keep(m.weight("entity_embeddings.typ_embeds.weight").MustSelect(0, 0, false)))
		E := m.layerNorm(s, e, "entity_embeddings.lnorm")
		return s.keep(ts.MustCat([]*ts.Tensor{X, E}, 0))
	})

	toPadded := m.upload(s, p.toPadded, B*L)
	fromPadded := m.upload(s, p.fromPadded, N)
	// The key mask of each (head, input) pair, heads outermost as in the
	// attention products below.
	mask := make([]float32, heads*B*L)
	for h := range heads {
		for i, n := range p.rows {
			for j := int64(n); j < L; j++ {
				mask[(h*B+int64(i))*L+j] = -10000
			}
		}
	}
	ext := m.upload(s, mask, heads*B, 1, L)
	alpha := ts.FloatScalar(1 / math.Sqrt(float64(d)))
	one := ts.FloatScalar(1)
	// headMajor gathers the padded rows of a packed [N, heads, w] tensor as
	// [heads*B, L, w].
	headMajor := func(s *scope, t *ts.Tensor, w int64) *ts.Tensor {
		tt := s.keep(t.MustTranspose(0, 1, false)) // [heads, N, w], a view
		g := s.keep(tt.MustIndexSelect(1, toPadded, false))
		return s.keep(g.MustView([]int64{heads * B, L, w}, false))
	}
	own := s // the steps' results; a step frees those it reads last
	for i := range m.cfg.Layers {
		pre := "encoder." + strconv.Itoa(i) + ".attention."
		kv := s.step(func(s *scope) *ts.Tensor { // [N, 2H]
			w := s.keep(ts.MustCat([]*ts.Tensor{m.weight(pre + "K.weight"), m.weight(pre + "V.weight")}, 0))
			b := s.keep(ts.MustCat([]*ts.Tensor{m.weight(pre + "K.bias"), m.weight(pre + "V.bias")}, 0))
			return m.evalLinear(s, T, w, b)
		})
		qh := s.step(func(s *scope) *ts.Tensor {
			Xl := s.keep(T.MustNarrow(0, 0, Nw, false))
			El := s.keep(T.MustNarrow(0, Nw, Ne, false))
			qw := m.evalLinear(s, Xl, m.headPairs(s, pre+"Q_w.weight", pre+"Q_w2e.weight"), m.headPairs(s, pre+"Q_w.bias", pre+"Q_w2e.bias"))
			qe := m.evalLinear(s, El, m.headPairs(s, pre+"Q_e2w.weight", pre+"Q_e.weight"), m.headPairs(s, pre+"Q_e2w.bias", pre+"Q_e.bias"))
			q := s.keep(s.keep(ts.MustCat([]*ts.Tensor{qw, qe}, 0)).MustView([]int64{N, heads, 2 * d}, false))
			s.drop(qw, qe)
			return headMajor(s, q, 2*d)
		})
		kh := s.step(func(s *scope) *ts.Tensor {
			k := s.keep(s.keep(kv.MustNarrow(1, 0, H, false)).MustView([]int64{N, heads, d}, false))
			k2 := s.keep(ts.MustZeros([]int64{N, heads, 2 * d}, gotch.Float, m.device))
			s.keep(s.keep(k2.MustNarrow(0, 0, Nw, false)).MustNarrow(2, 0, d, false)).Copy_(s.keep(k.MustNarrow(0, 0, Nw, false)))
			s.keep(s.keep(k2.MustNarrow(0, Nw, Ne, false)).MustNarrow(2, d, d, false)).Copy_(s.keep(k.MustNarrow(0, Nw, Ne, false)))
			return headMajor(s, k2, 2*d)
		})
		vh := s.step(func(s *scope) *ts.Tensor {
			v := s.keep(s.keep(kv.MustNarrow(1, H, H, false)).MustView([]int64{N, heads, d}, false))
			return headMajor(s, v, d)
		})
		s.drop(kv)
		P := s.step(func(s *scope) *ts.Tensor {
			S := s.keep(ext.MustBaddbmm(qh, s.keep(kh.MustTranspose(1, 2, false)), one, alpha, false))
			own.drop(qh, kh)
			return s.keep(S.MustSoftmax(-1, gotch.Float, false))
		})
		C := s.step(func(s *scope) *ts.Tensor {
			C := s.keep(P.MustBmm(vh, false)) // [heads*B, L, d]
			own.drop(P, vh)
			C = s.keep(s.keep(C.MustView([]int64{heads, B * L, d}, false)).MustIndexSelect(1, fromPadded, false))
			return s.keep(s.keep(C.MustTranspose(0, 1, false)).MustReshape([]int64{N, H}, false))
		})
		lp := "encoder." + strconv.Itoa(i) + "."
		S1 := s.step(func(s *scope) *ts.Tensor {
			y := m.evalLinearOf(s, C, lp+"self_output.dense")
			own.drop(C)
			y.MustAdd_(T)
			return m.layerNorm(s, y, lp+"self_output.LayerNorm")
		})
		s.drop(T)
		I := s.step(func(s *scope) *ts.Tensor {
			I := m.evalLinearOf(s, S1, lp+"intermediate.dense")
			I.MustGelu_("none")
			return I
		})
		T = s.step(func(s *scope) *ts.Tensor {
			O := m.evalLinearOf(s, I, lp+"output.dense")
			own.drop(I)
			O.MustAdd_(S1)
			return m.layerNorm(s, O, lp+"output.LayerNorm")
		})
		s.drop(S1)
	}
	return T
}

// packedSpanLogits is spanLogits in evaluation mode on packed rows: the
// classifier outputs [Ne, Labels] of every entity slot, example after
// example, with no padding slot.
func (m *Model) packedSpanLogits(s *scope, exs []Example) (*ts.Tensor, *packing, error) {
	in, err := m.spanInputs(exs)
	if err != nil {
		return nil, nil, err
	}
	p, err := m.newPacking(in)
	if err != nil {
		return nil, nil, err
	}
	out := m.packedEncode(s, p)
	start := make([]int64, 0, p.Ne)
	end := make([]int64, 0, p.Ne)
	for i, ex := range exs {
		for _, e := range ex.Entities {
			start = append(start, int64(p.wordOff[i]+e.Start))
			end = append(end, int64(p.wordOff[i]+e.End-1))
		}
	}
	Ne := int64(p.Ne)
	gather := func(idx []int64) *ts.Tensor { return s.keep(out.MustIndexSelect(0, m.upload(s, idx, Ne), false)) }
	E := s.keep(out.MustNarrow(0, int64(p.Nw), Ne, false))
	features := m.spanFeatures(s, gather, start, end, E, 1)
	return m.evalLinearOf(s, features, "classifier"), p, nil
}

// spanInputs checks that every example has one entity slot per span and
// that no slot is empty, and returns the examples as forward-pass inputs.
func (m *Model) spanInputs(exs []Example) ([]Input, error) {
	if m.cfg.Kind != KindNER {
		return nil, fmt.Errorf("span NER needs a NER checkpoint, this one is %s", m.cfg.Kind)
	}
	in := make([]Input, len(exs))
	for i, ex := range exs {
		if len(ex.Entities) != len(ex.Spans) {
			return nil, fmt.Errorf("example %d: %d entities for %d spans", i, len(ex.Entities), len(ex.Spans))
		}
		for j, e := range ex.Entities {
			if e.End <= e.Start {
				return nil, fmt.Errorf("example %d: span %d covers no word piece", i, j)
			}
		}
		in[i] = Input{WordIDs: ex.WordIDs, Entities: ex.Entities}
	}
	return in, nil
}

// spanFeatures concatenates along dim the classifier inputs that
// Config.Features selects: the word states that gather picks at the start
// and end word pieces, and the entity states E.
func (m *Model) spanFeatures(s *scope, gather func([]int64) *ts.Tensor, start, end []int64, E *ts.Tensor, dim int64) *ts.Tensor {
	switch m.cfg.Features {
	case WordsOnly:
		return s.keep(ts.MustCat([]*ts.Tensor{gather(start), gather(end)}, dim))
	case EntitiesOnly:
		return E
	}
	return s.keep(ts.MustCat([]*ts.Tensor{gather(start), gather(end), E}, dim))
}
