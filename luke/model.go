//go:build torch

package luke

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Model is DaLUKE on libtorch (spec §1), in evaluation mode: no dropout and
// no gradients. A Model is not safe for concurrent use.
type Model struct {
	cfg    Config
	meta   Metadata
	device gotch.Device
	w      map[string]*ts.Tensor
	// oneDNN: the packed evaluation pass runs its linear layers on oneDNN
	// (onednn.go); set by NewModel where libtorch has it.
	oneDNN bool
}

// NewModel copies a checkpoint's weights to device: "cpu", "cuda", or ""
// for CUDA when it is available and the CPU otherwise. The model does not
// keep ck, which stays as it was.
func NewModel(ck *Checkpoint, device string) (*Model, error) {
	return newModel(ck, device, false)
}

// MoveToModel is NewModel that consumes ck: as soon as every tensor that
// views a storage of ck is on the device, the storage's memory goes back
// to the system, and a tensor that alone views its storage is copied and
// handed back in chunks of 16 MiB, so that loading a checkpoint from
// OpenArchive, OpenSafetensors or StateDict.Encoder holds the weights about
// once (libtorch's copy plus one chunk, or plus the storage of tied weights
// being copied) instead of twice. ck is closed when MoveToModel returns,
// whether or not it succeeds (see Checkpoint.Close).
func MoveToModel(ck *Checkpoint, device string) (m *Model, err error) {
	defer func() {
		if cerr := ck.Close(); cerr != nil && err == nil {
			err = errors.Join(cerr, m.Close())
			m = nil
		}
	}()
	return newModel(ck, device, true)
}

// loadProbe, when set (by tests), is called when memory is highest: after
// each tensor of a checkpoint is copied into the model and before its
// storage is handed back, and likewise after each chunk of a tensor copied
// in chunks (fromSliceChunked), with the memory of the tensor being filled
// and the values in it so far.
var loadProbe func(m *Model, filling []float32, filled int)

func newModel(ck *Checkpoint, device string, consume bool) (m *Model, err error) {
	defer func() {
		if err != nil && m != nil {
			m.Close()
			m = nil
		}
	}()
	defer RecoverTorch(&err)
	if ck.closed {
		return nil, ErrClosed
	}
	var dev gotch.Device
	switch device {
	case "":
		dev = gotch.CudaIfAvailable()
	case "cpu":
		dev = gotch.CPU
	case "cuda":
		if !gotch.CUDA.IsAvailable() {
			return nil, errors.New("device cuda: libtorch sees no CUDA device")
		}
		dev = gotch.CudaBuilder(0)
	default:
		return nil, fmt.Errorf("device %q: want cpu, cuda or empty", device)
	}
	m = &Model{cfg: ck.Config, meta: ck.Metadata, device: dev, w: make(map[string]*ts.Tensor, len(ck.Tensors)),
		oneDNN: useOneDNN(dev) == nil}
	// Each tensor once, under all its names, in name order: consuming it
	// drops its data.
	names := make(map[*Tensor][]string, len(ck.Tensors))
	order := make([]*Tensor, 0, len(ck.Tensors))
	for _, k := range slices.Sorted(maps.Keys(ck.Tensors)) {
		t := ck.Tensors[k]
		if names[t] == nil {
			order = append(order, t)
		}
		names[t] = append(names[t], k)
	}
	for _, t := range order {
		shape := make([]int64, len(t.Shape))
		for i, d := range t.Shape {
			shape[i] = int64(d)
		}
		for _, k := range names[t] {
			if t.F32 == nil {
				return nil, fmt.Errorf("%q: want a float32 tensor", k)
			}
			var release func(int)
			if consume && len(names[t]) == 1 {
				release = ck.mem.copied(t)
			}
			var x *ts.Tensor
			var err error
			if release != nil {
				x, err = fromSliceChunked(t.F32, shape, func(dst []float32, k int) {
					if loadProbe != nil {
						loadProbe(m, dst, k)
					}
					release(k)
				})
			} else {
				x, err = fromSlice(t.F32, shape)
			}
			if err != nil {
				return nil, fmt.Errorf("%q: %w", k, err)
			}
			if dev != gotch.CPU {
				y := x.MustTo(dev, true)
				x.MustDrop()
				x = y
			}
			m.w[k] = x
		}
		if loadProbe != nil {
			loadProbe(m, nil, 0)
		}
		if consume {
			ck.mem.consume(t)
		}
	}
	return m, nil
}

// Close frees the model's tensors.
func (m *Model) Close() error {
	for k, t := range m.w {
		t.MustDrop()
		delete(m.w, k)
	}
	return nil
}

// Config returns the model's sizes.
func (m *Model) Config() Config { return m.cfg }

// RecoverTorch, deferred, turns a panic of gotch's Must functions, which
// wrap libtorch errors, into an error in *err. Packages that use gotch
// beside luke (luke/train, luke/finetune) defer it too.
func RecoverTorch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = fmt.Errorf("libtorch: %w", e)
			return
		}
		*err = fmt.Errorf("libtorch: %v", r)
	}
}

// scope collects the intermediate tensors of one computation so that they
// are freed together, without waiting for Go's garbage collector.
type scope struct{ list []*ts.Tensor }

func (s *scope) keep(t *ts.Tensor) *ts.Tensor {
	s.list = append(s.list, t)
	return t
}

func (s *scope) free() {
	for _, t := range s.list {
		t.MustDrop()
	}
	s.list = nil
}

// freeBut frees the scope's tensors except t, which it returns to the
// caller to keep or free. A view among the freed keeps the memory it
// shares with t.
func (s *scope) freeBut(t *ts.Tensor) *ts.Tensor {
	for _, u := range s.list {
		if u != t {
			u.MustDrop()
		}
	}
	s.list = nil
	return t
}

func (m *Model) weight(name string) *ts.Tensor {
	t, ok := m.w[name]
	if !ok {
		panic(fmt.Errorf("%w %q", ErrMissingKey, name))
	}
	return t
}

func (m *Model) linear(s *scope, x *ts.Tensor, prefix string) *ts.Tensor {
	return m.linearP(s, x, prefix, nil)
}

// lowPrecision returns the dtype of p's matrix products, or false for
// float32.
func lowPrecision(p *Pass) (gotch.DType, bool) {
	if p == nil {
		return gotch.Float, false
	}
	switch p.Precision {
	case BF16:
		return gotch.BFloat16, true
	case FP16:
		return gotch.Half, true
	}
	return gotch.Float, false
}

// linearP is linear in p's precision: in bf16 or fp16 the input and the
// weights are cast for the product and the result is cast back to float32.
func (m *Model) linearP(s *scope, x *ts.Tensor, prefix string, p *Pass) *ts.Tensor {
	w, b := m.weight(prefix+".weight"), m.weight(prefix+".bias")
	dt, low := lowPrecision(p)
	if !low {
		return s.keep(ts.MustLinear(x, w, b))
	}
	cast := func(t *ts.Tensor) *ts.Tensor { return s.keep(t.MustToDtype(dt, false, false, false)) }
	y := s.keep(ts.MustLinear(cast(x), cast(w), cast(b)))
	return s.keep(y.MustToDtype(gotch.Float, false, false, false))
}

// matmul is a·b in p's precision, with a float32 result.
func matmul(s *scope, a, b *ts.Tensor, p *Pass) *ts.Tensor {
	dt, low := lowPrecision(p)
	if !low {
		return s.keep(a.MustMatmul(b, false))
	}
	a = s.keep(a.MustToDtype(dt, false, false, false))
	b = s.keep(b.MustToDtype(dt, false, false, false))
	return s.keep(s.keep(a.MustMatmul(b, false)).MustToDtype(gotch.Float, false, false, false))
}

// dropout multiplies x by a mask drawn from p.Rand: each element is zeroed
// with probability prob and the rest scaled by 1/(1-prob). Without p or
// with prob 0 it returns x.
func (m *Model) dropout(s *scope, x *ts.Tensor, prob float64, p *Pass) *ts.Tensor {
	if p == nil || prob == 0 {
		return x
	}
	shape := x.MustSize()
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	mask := make([]float32, n)
	keepMask(mask, prob, p.Rand)
	t, err := ts.NewTensorFromData(mask, shape)
	if err != nil {
		panic(err)
	}
	s.keep(t)
	if m.device != gotch.CPU {
		t = s.keep(t.MustTo(m.device, false))
	}
	return s.keep(x.MustMul(t, false))
}

func (m *Model) layerNorm(s *scope, x *ts.Tensor, prefix string) *ts.Tensor {
	w := m.weight(prefix + ".weight")
	return s.keep(ts.MustLayerNorm(x, w.MustSize(), w, m.weight(prefix+".bias"), m.cfg.layerNormEps(), false))
}

// batch is a padded batch of inputs on the model's device.
type batch struct {
	B, Lw, Le int
	wordIDs   *ts.Tensor // [B,Lw] int64, padded with 0
	entityIDs *ts.Tensor // [B,Le] int64, padded with PadEntity
	posAvg    *ts.Tensor // [B,Le,Lw] float32: 1/n on each of an entity's n positions
	ext       *ts.Tensor // [B,1,1,Lw+Le] float32: 0 for real keys, -10000 for padding
}

func (m *Model) newBatch(s *scope, in []Input) (*batch, error) {
	b := &batch{B: len(in)}
	for _, x := range in {
		b.Lw = max(b.Lw, len(x.WordIDs))
		b.Le = max(b.Le, len(x.Entities))
	}
	if b.Lw > m.cfg.MaxPositions {
		return nil, fmt.Errorf("sequence of %d word pieces exceeds the %d position embeddings", b.Lw, m.cfg.MaxPositions)
	}
	words := make([]int64, b.B*b.Lw)
	ents := make([]int64, b.B*b.Le)
	avg := make([]float32, b.B*b.Le*b.Lw)
	mask := make([]float32, b.B*(b.Lw+b.Le))
	L := b.Lw + b.Le
	for i, x := range in {
		if err := m.checkInput(i, x); err != nil {
			return nil, err
		}
		for j, id := range x.WordIDs {
			words[i*b.Lw+j] = id
			mask[i*L+j] = 1
		}
		for j, e := range x.Entities {
			ents[i*b.Le+j] = e.ID
			mask[i*L+b.Lw+j] = 1
			for p := e.Start; p < e.End; p++ {
				avg[(i*b.Le+j)*b.Lw+p] = 1 / float32(e.End-e.Start)
			}
		}
		for j := len(x.Entities); j < b.Le; j++ {
			ents[i*b.Le+j] = PadEntity
		}
	}
	for i := range mask {
		mask[i] = 10000 * (mask[i] - 1)
	}
	up := func(data any, shape ...int64) *ts.Tensor { return m.upload(s, data, shape...) }
	B, Lw, Le := int64(b.B), int64(b.Lw), int64(b.Le)
	b.wordIDs = up(words, B, Lw)
	b.entityIDs = up(ents, B, Le)
	b.posAvg = up(avg, B, Le, Lw)
	b.ext = up(mask, B, 1, 1, Lw+Le)
	return b, nil
}

// encode runs the embeddings and the encoder (spec §1.2-§1.5) and returns
// the word [B,Lw,H] and entity [B,Le,H] hidden states.
//
// With a Pass, the dropout of spec §1.8 is applied (masks drawn in the
// order: word embeddings, entity embeddings, then per layer the attention
// probabilities, self_output and output) and the matrix products run in
// p's precision. Without one (nil), the pass is evaluation mode in float32.
func (m *Model) encode(s *scope, b *batch, pass *Pass) (X, E *ts.Tensor) {
	var drop Dropout
	if pass != nil {
		drop = pass.Dropout
	}
	H := int64(m.cfg.Hidden)
	B, Lw, Le := int64(b.B), int64(b.Lw), int64(b.Le)

	// Word embeddings: word + position + token type 0, then LayerNorm.
	x := s.keep(m.weight("word_embeddings.word_embeddings.weight").MustIndexSelect(0, s.keep(b.wordIDs.MustView([]int64{-1}, false)), false))
	x = s.keep(x.MustView([]int64{B, Lw, H}, false))
	pos := s.keep(m.weight("word_embeddings.position_embeddings.weight").MustNarrow(0, 0, Lw, false))
	typ := s.keep(m.weight("word_embeddings.token_type_embeddings.weight").MustSelect(0, 0, false))
	x = s.keep(x.MustAdd(pos, false))
	x = s.keep(x.MustAdd(typ, false))
	X = m.dropout(s, m.layerNorm(s, x, "word_embeddings.LayerNorm"), drop.Hidden, pass)

	// Entity embeddings: projected table row + mean of the mention's position
	// embeddings + type 0, then LayerNorm.
	e := s.keep(m.weight("entity_embeddings.ent_embeds.weight").MustIndexSelect(0, s.keep(b.entityIDs.MustView([]int64{-1}, false)), false))
	e = s.keep(e.MustView([]int64{B, Le, int64(m.cfg.EntitySize)}, false))
	e = m.linearP(s, e, "entity_embeddings.ent_embeds_dense", pass)
	epos := s.keep(m.weight("entity_embeddings.pos_embeds.weight").MustNarrow(0, 0, Lw, false))
	e = s.keep(e.MustAdd(s.keep(b.posAvg.MustMatmul(epos, false)), false))
	e = s.keep(e.MustAdd(s.keep(m.weight("entity_embeddings.typ_embeds.weight").MustSelect(0, 0, false)), false))
	E = m.dropout(s, m.layerNorm(s, e, "entity_embeddings.lnorm"), drop.Hidden, pass)

	heads := int64(m.cfg.Heads)
	d := H / heads
	scale := ts.FloatScalar(1 / math.Sqrt(float64(d)))
	split := func(s *scope, t *ts.Tensor, L int64) *ts.Tensor {
		return s.keep(s.keep(t.MustView([]int64{B, L, heads, d}, false)).MustPermute([]int64{0, 2, 1, 3}, false))
	}
	scores := func(s *scope, q, k *ts.Tensor) *ts.Tensor {
		return matmul(s, q, s.keep(k.MustTranspose(-1, -2, false)), pass)
	}
	// Each layer's intermediates are freed at its end; only its outputs,
	// views of O, live on (so a batch needs the memory of about one layer).
	for i := range m.cfg.Layers {
		ls := &scope{}
		p := "encoder." + strconv.Itoa(i) + "."
		T := ls.keep(ts.MustCat([]*ts.Tensor{X, E}, 1))
		k := split(ls, m.linearP(ls, T, p+"attention.K", pass), Lw+Le)
		v := split(ls, m.linearP(ls, T, p+"attention.V", pass), Lw+Le)
		kW := ls.keep(k.MustNarrow(2, 0, Lw, false))
		kE := ls.keep(k.MustNarrow(2, Lw, Le, false))
		qww := split(ls, m.linearP(ls, X, p+"attention.Q_w", pass), Lw)
		qwe := split(ls, m.linearP(ls, X, p+"attention.Q_w2e", pass), Lw)
		qew := split(ls, m.linearP(ls, E, p+"attention.Q_e2w", pass), Le)
		qee := split(ls, m.linearP(ls, E, p+"attention.Q_e", pass), Le)
		top := ls.keep(ts.MustCat([]*ts.Tensor{scores(ls, qww, kW), scores(ls, qwe, kE)}, 3))
		bottom := ls.keep(ts.MustCat([]*ts.Tensor{scores(ls, qew, kW), scores(ls, qee, kE)}, 3))
		S := ls.keep(ts.MustCat([]*ts.Tensor{top, bottom}, 2))
		S = ls.keep(S.MustMulScalar(scale, false))
		S = ls.keep(S.MustAdd(b.ext, false))
		P := m.dropout(ls, ls.keep(S.MustSoftmax(-1, gotch.Float, false)), drop.Attention, pass)
		C := matmul(ls, P, v, pass)
		C = ls.keep(ls.keep(C.MustPermute([]int64{0, 2, 1, 3}, false)).MustReshape([]int64{B, Lw + Le, H}, false))

		O := m.feedForward(ls, C, T, p, drop.Hidden, pass)
		nX := O.MustNarrow(1, 0, Lw, false)
		nE := O.MustNarrow(1, Lw, Le, false)
		ls.free()
		if i > 0 { // the previous layer's outputs; the embeddings belong to s
			X.MustDrop()
			E.MustDrop()
		}
		X, E = nX, nE
	}
	s.keep(X)
	s.keep(E)
	return X, E
}

// values copies a float32 tensor to Go memory in row-major order.
func values(s *scope, t *ts.Tensor) []float32 {
	t = s.keep(t.MustTo(gotch.CPU, false))
	t = s.keep(t.MustContiguous(false))
	n := 1
	for _, d := range t.MustSize() {
		n *= int(d)
	}
	out := make([]float32, n)
	if n > 0 {
		t.MustCopyData(out, uint(n))
	}
	return out
}

// Hidden returns the last layer's hidden states of each input, computed in
// one padded batch.
func (m *Model) Hidden(ctx context.Context, in []Input) (out []Hidden, err error) {
	defer RecoverTorch(&err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, nil
	}
	var s scope
	defer s.free()
	b, err := m.newBatch(&s, in)
	if err != nil {
		return nil, err
	}
	X, E := m.encode(&s, b, nil)
	xs, es := values(&s, X), values(&s, E)
	H := m.cfg.Hidden
	out = make([]Hidden, len(in))
	for i, x := range in {
		out[i].Words = xs[i*b.Lw*H : (i*b.Lw+len(x.WordIDs))*H]
		out[i].Entities = es[i*b.Le*H : (i*b.Le+len(x.Entities))*H]
	}
	return out, nil
}

// SpanLogits runs the NER model on the examples in one padded batch and
// returns the classifier outputs of each example's spans (spec §1.6): the
// features are the hidden states of the span's first word piece, of its last
// word piece and of its entity slot (or of the ones Config.Features selects).
func (m *Model) SpanLogits(ctx context.Context, exs []Example) (out [][][]float32, err error) {
	defer RecoverTorch(&err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(exs) == 0 {
		if m.cfg.Kind != KindNER {
			return nil, fmt.Errorf("span NER needs a NER checkpoint, this one is %s", m.cfg.Kind)
		}
		return nil, nil
	}
	var s scope
	defer s.free()
	logits, p, err := m.packedSpanLogits(&s, exs)
	if err != nil {
		return nil, err
	}
	flat := values(&s, logits)
	C := m.cfg.Labels
	out = make([][][]float32, len(exs))
	for i, ex := range exs {
		out[i] = make([][]float32, len(ex.Spans))
		for j := range ex.Spans {
			off := (p.entOff[i] + j) * C
			out[i][j] = flat[off : off+C : off+C]
		}
	}
	return out, nil
}

// TrainLogits runs the NER model in training mode (dropout and precision
// from p) on the examples in one padded batch and returns the logits
// [B, Le, Labels], where Le is the largest number of spans of an example
// (slots past an example's spans are padding), tracking gradients for the
// weights that require them. free releases the tensors of the pass; call
// it after the backward pass.
func (m *Model) TrainLogits(exs []Example, p *Pass) (logits *ts.Tensor, free func(), err error) {
	defer RecoverTorch(&err)
	if err := p.Check(); err != nil {
		return nil, nil, err
	}
	if len(exs) == 0 {
		return nil, nil, errors.New("no examples")
	}
	s := &scope{}
	defer func() {
		if err != nil {
			s.free()
		}
	}()
	logits, _, err = m.spanLogits(s, exs, p)
	if err != nil {
		return nil, nil, err
	}
	return logits, s.free, nil
}

// spanLogits computes the classifier outputs [B, Le, Labels] of a batch.
func (m *Model) spanLogits(s *scope, exs []Example, pass *Pass) (*ts.Tensor, *batch, error) {
	in, err := m.spanInputs(exs)
	if err != nil {
		return nil, nil, err
	}
	b, err := m.newBatch(s, in)
	if err != nil {
		return nil, nil, err
	}
	X, E := m.encode(s, b, pass)
	// Gather the start and end word-piece states of every slot; padding
	// slots gather position 0 ([CLS]) and are dropped by the callers.
	start := make([]int64, b.B*b.Le)
	end := make([]int64, b.B*b.Le)
	for i, ex := range exs {
		for j, e := range ex.Entities {
			start[i*b.Le+j] = int64(e.Start)
			end[i*b.Le+j] = int64(e.End - 1)
		}
	}
	H := int64(m.cfg.Hidden)
	B, Le := int64(b.B), int64(b.Le)
	gather := func(idx []int64) *ts.Tensor {
		t := s.keep(ts.MustOfSlice(idx))
		if m.device != gotch.CPU {
			t = s.keep(t.MustTo(m.device, false))
		}
		t = s.keep(s.keep(t.MustView([]int64{B, Le, 1}, false)).MustExpand([]int64{B, Le, H}, false, false))
		return s.keep(X.MustGather(1, t, false, false))
	}
	features := m.spanFeatures(s, gather, start, end, E, 2)
	var drop float64
	if pass != nil {
		drop = pass.Dropout.Features
	}
	features = m.dropout(s, features, drop, pass)
	return m.linearP(s, features, "classifier", pass), b, nil
}

// NER tags texts given as the word pieces of each word (spec §2): each text
// is windowed, its candidate spans are chunked into examples, the examples
// of all texts are sorted by size and scored in forward passes of at most
// opts.BatchSize examples and opts.MaxRows padded rows, and each window is
// decoded greedily. Every word must have at least one word piece.
func (m *Model) NER(ctx context.Context, texts [][][]int64, special SpecialIDs, opts NEROptions) ([]NERResult, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 8
	}
	labels := opts.Labels
	if labels == nil {
		labels = Labels
	}
	if len(labels) != m.cfg.Labels {
		return nil, fmt.Errorf("%d labels for a classifier of %d classes", len(labels), m.cfg.Labels)
	}
	defer setMalloc(setMalloc(inferenceMalloc))
	meta := m.meta
	if opts.MaxEntities > 0 {
		meta.MaxEntities = opts.MaxEntities
	}
	type ref struct{ text, ex int }
	var all []Example // in text order
	var refs []ref
	results := make([]NERResult, len(texts))
	for t, pieces := range texts {
		exs, err := Examples(pieces, meta, special)
		if err != nil {
			return nil, fmt.Errorf("text %d: %w", t, err)
		}
		for k, ex := range exs {
			all = append(all, ex)
			refs = append(refs, ref{t, k})
		}
		// Windows again, for those without any candidate span.
		counts := make([]int, len(pieces))
		for i, p := range pieces {
			counts[i] = len(p)
		}
		if results[t].Windows, err = Windows(counts, m.meta.MaxSeqLength); err != nil {
			return nil, fmt.Errorf("text %d: %w", t, err)
		}
	}
	// Batch examples of similar size together to pad less: padding changes
	// nothing but float rounding (padded keys get weight exp(-10000) = 0).
	// The largest come first, so that the later, smaller passes fit in the
	// memory that the first ones freed instead of growing the heap; and no
	// pass's padded size goes past maxRows (BENCHMARKS.md, Memory).
	rows := make([]int, len(all)) // word pieces plus entity slots
	for k, ex := range all {
		rows[k] = len(ex.WordIDs) + len(ex.Entities)
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if rows[x] != rows[y] {
			return rows[x] > rows[y]
		}
		return len(all[x].WordIDs) > len(all[y].WordIDs)
	})
	sorted := make([]int, len(order))
	for i, k := range order {
		sorted[i] = rows[k]
	}
	maxRows := opts.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	exLogits := make([][][]float32, len(all))
	bound := newResidentBound(residentSlack)
	batch := make([]Example, 0, opts.BatchSize)
	lo := 0
	for _, hi := range batchEnds(sorted, opts.BatchSize, maxRows) {
		batch = batch[:0]
		for _, k := range order[lo:hi] {
			batch = append(batch, all[k])
		}
		logits, err := m.SpanLogits(ctx, batch)
		if err != nil {
			return nil, err
		}
		for i, k := range order[lo:hi] {
			exLogits[k] = logits[i]
		}
		lo = hi
		// Give the heap's holes back once they pass residentSlack.
		bound.check()
	}
	for k, ex := range all {
		r := &results[refs[k].text]
		for j, sp := range ex.Spans {
			r.Spans = append(r.Spans, Span{ex.Window.Start + sp.Start, ex.Window.Start + sp.End})
			r.Logits = append(r.Logits, exLogits[k][j])
		}
	}
	for t := range results {
		r := &results[t]
		for _, w := range r.Windows {
			lo := sort.Search(len(r.Spans), func(k int) bool { return r.Spans[k].Start >= w.Start })
			hi := sort.Search(len(r.Spans), func(k int) bool { return r.Spans[k].Start >= w.End })
			spans := make([]Span, hi-lo)
			probs := make([][]float32, hi-lo)
			for k := lo; k < hi; k++ {
				spans[k-lo] = Span{r.Spans[k].Start - w.Start, r.Spans[k].End - w.Start}
				probs[k-lo] = softmax(r.Logits[k])
			}
			r.Tags = append(r.Tags, Decode(w.End-w.Start, spans, probs, labels)...)
		}
	}
	return results, nil
}

// softmax computes class probabilities in float32, as the reference does on
// the float32 logits.
func softmax(logits []float32) []float32 {
	mx := float32(math.Inf(-1))
	for _, v := range logits {
		mx = max(mx, v)
	}
	out := make([]float32, len(logits))
	var sum float32
	for i, v := range logits {
		out[i] = float32(math.Exp(float64(v - mx)))
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// MaskedScores runs the pretrained model on one input and returns the
// masked-word head's scores (VocabSize each) at wordPositions and the
// masked-entity head's scores (EntityVocabSize each) for every entity slot
// (spec §1.6). Apply a softmax for probabilities.
func (m *Model) MaskedScores(ctx context.Context, in Input, wordPositions []int) (words, entities [][]float32, err error) {
	defer RecoverTorch(&err)
	if m.cfg.Kind != KindPretrained {
		return nil, nil, fmt.Errorf("masked prediction needs the pretrained checkpoint, this one is %s", m.cfg.Kind)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var s scope
	defer s.free()
	b, err := m.newBatch(&s, []Input{in})
	if err != nil {
		return nil, nil, err
	}
	X, E := m.encode(&s, b, nil)
	idx := make([]int64, len(wordPositions))
	for i, p := range wordPositions {
		if p < 0 || p >= len(in.WordIDs) {
			return nil, nil, fmt.Errorf("word position %d outside the %d word pieces", p, len(in.WordIDs))
		}
		idx[i] = int64(p)
	}
	if len(idx) > 0 {
		t := s.keep(ts.MustOfSlice(idx))
		if m.device != gotch.CPU {
			t = s.keep(t.MustTo(m.device, false))
		}
		h := s.keep(s.keep(X.MustSelect(0, 0, false)).MustIndexSelect(0, t, false))
		h = s.keep(m.linear(&s, h, "mask_word_scorer.transform.dense").MustGelu("none", false))
		h = m.layerNorm(&s, h, "mask_word_scorer.transform.LayerNorm")
		sc := s.keep(ts.MustLinear(h, m.weight("mask_word_scorer.decoder.weight"), m.weight("mask_word_scorer.bias")))
		words = rows(values(&s, sc), m.cfg.VocabSize)
	}
	if b.Le > 0 {
		h := s.keep(E.MustSelect(0, 0, false))
		h = s.keep(m.linear(&s, h, "mask_entity_scorer.transform").MustGelu("none", false))
		h = m.layerNorm(&s, h, "mask_entity_scorer.lnorm")
		sc := s.keep(ts.MustLinear(h, m.weight("mask_entity_scorer.decode.weight"), m.weight("mask_entity_scorer.bias")))
		entities = rows(values(&s, sc), m.cfg.EntityVocabSize)
	}
	return words, entities, nil
}

func rows(data []float32, n int) [][]float32 {
	out := make([][]float32, len(data)/n)
	for i := range out {
		out[i] = data[i*n : (i+1)*n : (i+1)*n]
	}
	return out
}

// Available reports whether this binary can run DaLUKE: nil in the torch
// build, ErrNoTorch otherwise.
func Available() error { return nil }

// CUDAAvailable reports whether libtorch sees a CUDA device.
func CUDAAvailable() bool { return gotch.CUDA.IsAvailable() }
