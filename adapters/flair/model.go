package flair

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/nlpodyssey/gopickle/types"
)

// Errors wrapped with detail by Load.
var (
	// ErrFormat: the file is not a readable torch.save file.
	ErrFormat = errors.New("not a torch.save file")
	// ErrUnknownClass: the pickle names a class the reader does not know.
	ErrUnknownClass = errors.New("unknown class")
	// ErrMissing: a field, state-dict entry or storage is missing.
	ErrMissing = errors.New("missing")
	// ErrShape: a tensor's shape disagrees with the hyper-parameters.
	ErrShape = errors.New("shape mismatch")
	// ErrUnsupported: the model uses a feature this port does not implement.
	ErrUnsupported = errors.New("unsupported")
)

// wordEmbeddings is flair's WordEmbeddings over gensim KeyedVectors.
type wordEmbeddings struct {
	dim     int
	vocab   map[string]int
	vectors []float32 // [V, dim]
}

// charLM is a FlairEmbeddings child: a character language model.
type charLM struct {
	forward bool
	chars   map[string]int // UTF-8 character → id; unknown → 0
	ec, hc  int
	encoder []float32 // [Vc, Ec]
	vc      int
	layers  []*lstmLayer
	proj    *linear // nil without nout
	dim     int
}

// embedding is one child of the stack, with its stacked name.
type embedding struct {
	name  string
	words *wordEmbeddings
	lm    *charLM
}

func (e *embedding) dim() int {
	if e.words != nil {
		return e.words.dim
	}
	return e.lm.dim
}

// network is a flair 0.4.5 SequenceTagger's inference graph.
type network struct {
	embeds []*embedding // in concatenation (sorted-name) order
	dimD   int
	emb2nn *linear
	useRNN bool
	rnn    [][2]*lstmLayer // per layer: forward, backward
	hidden int
	out    *linear
	useCRF bool
	trans  []float32 // [T, T], [to, from]
	tags   []string
	start  int
	stop   int
}

// builder turns the unpickled object graph into a network, naming the
// field of every problem.
type builder struct {
	state map[string]*tensor
}

func dictGet(d *types.Dict, key string) (any, bool) {
	for _, e := range *d {
		if k, ok := e.Key.(string); ok && k == key {
			return e.Value, true
		}
	}
	return nil, false
}

func (o *object) get(field string) (any, error) {
	v, ok := o.Dict[field]
	if !ok {
		return nil, fmt.Errorf("%w: field %s of %s", ErrMissing, field, o.class())
	}
	return v, nil
}

func (o *object) int(field string) (int, error) {
	v, err := o.get(field)
	if err != nil {
		return 0, err
	}
	n, ok := asInt(v)
	if !ok {
		return 0, fmt.Errorf("field %s of %s is %T, want an int", field, o.class(), v)
	}
	return n, nil
}

func (o *object) bool(field string) (bool, error) {
	v, err := o.get(field)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("field %s of %s is %T, want a bool", field, o.class(), v)
	}
	return b, nil
}

func (o *object) str(field string) (string, error) {
	v, err := o.get(field)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("field %s of %s is %T, want a str", field, o.class(), v)
	}
	return s, nil
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case *big.Int:
		if n.IsInt64() {
			return int(n.Int64()), true
		}
	}
	return 0, false
}

// orderedItems returns the entries of an OrderedDict or dict in order.
func orderedItems(v any) ([][2]any, bool) {
	switch d := v.(type) {
	case *types.OrderedDict:
		out := make([][2]any, 0, d.Len())
		for e := d.List.Front(); e != nil; e = e.Next() {
			en := e.Value.(*types.OrderedDictEntry)
			out = append(out, [2]any{en.Key, en.Value})
		}
		return out, true
	case *types.Dict:
		out := make([][2]any, 0, len(*d))
		for _, e := range *d {
			out = append(out, [2]any{e.Key, e.Value})
		}
		return out, true
	}
	return nil, false
}

// float32s returns the tensor's elements in row-major order. A tensor laid
// out row-major in its storage (every parameter torch saves) is returned as
// a view of the storage, which is never written: a copy would hold the
// character LMs' weights twice (about 80 MB at the released size) and, as
// the Go heap may grow to twice its live size before a collection, raise
// the peak memory by twice that.
func (t *tensor) float32s() ([]float32, error) {
	s := t.Storage
	if !s.Type.Float32 {
		return nil, fmt.Errorf("%w: %s tensor, want float32", ErrUnsupported, s.Type.Name)
	}
	if !s.Read {
		return nil, fmt.Errorf("%w: data of storage %s", ErrMissing, s.Key)
	}
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	if n == 0 {
		return []float32{}, nil
	}
	last := t.Offset
	for i, d := range t.Shape {
		last += (d - 1) * t.Stride[i]
	}
	if t.Offset < 0 || last >= len(s.F32) {
		return nil, fmt.Errorf("%w: tensor exceeds storage %s", ErrFormat, s.Key)
	}
	if t.rowMajor() {
		return s.F32[t.Offset : t.Offset+n : t.Offset+n], nil
	}
	out := make([]float32, n)
	for k := range out {
		off, r := t.Offset, k
		for i := len(t.Shape) - 1; i >= 0; i-- {
			off += (r % t.Shape[i]) * t.Stride[i]
			r /= t.Shape[i]
		}
		out[k] = s.F32[off]
	}
	return out, nil
}

// rowMajor reports whether the tensor's strides are those of a row-major
// array of its shape (a dimension of size 1 may have any stride).
func (t *tensor) rowMajor() bool {
	want := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.Stride[i] != want {
			return false
		}
		want *= t.Shape[i]
	}
	return true
}

// param returns state_dict[name], checking its shape.
func (b *builder) param(name string, shape ...int) ([]float32, error) {
	t, ok := b.state[name]
	if !ok {
		return nil, fmt.Errorf("%w: state_dict entry %s", ErrMissing, name)
	}
	if !equalInts(t.Shape, shape) {
		return nil, fmt.Errorf("%w: state_dict entry %s has shape %v, want %v", ErrShape, name, t.Shape, shape)
	}
	v, err := t.float32s()
	if err != nil {
		return nil, fmt.Errorf("state_dict entry %s: %w", name, err)
	}
	return v, nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (b *builder) linear(prefix string, in, out int) (*linear, error) {
	w, err := b.param(prefix+".weight", out, in)
	if err != nil {
		return nil, err
	}
	bias, err := b.param(prefix+".bias", out)
	if err != nil {
		return nil, err
	}
	return &linear{In: in, Out: out, W: w, B: bias}, nil
}

func (b *builder) lstm(prefix, suffix string, layer, in, h int) (*lstmLayer, error) {
	l := &lstmLayer{In: in, H: h}
	var err error
	name := func(s string) string { return fmt.Sprintf("%s.%s_l%d%s", prefix, s, layer, suffix) }
	if l.Wih, err = b.param(name("weight_ih"), 4*h, in); err != nil {
		return nil, err
	}
	if l.Whh, err = b.param(name("weight_hh"), 4*h, h); err != nil {
		return nil, err
	}
	if l.Bih, err = b.param(name("bias_ih"), 4*h); err != nil {
		return nil, err
	}
	if l.Bhh, err = b.param(name("bias_hh"), 4*h); err != nil {
		return nil, err
	}
	return l, nil
}

// build reads the model_state dict of SequenceTagger._get_state_dict.
func build(top any) (*network, error) {
	d, ok := top.(*types.Dict)
	if !ok {
		return nil, fmt.Errorf("%w: the pickle holds %T, want a dict (flair's model state)", ErrFormat, top)
	}
	get := func(key string) (any, error) {
		v, ok := dictGet(d, key)
		if !ok {
			return nil, fmt.Errorf("%w: model state key %s", ErrMissing, key)
		}
		return v, nil
	}
	getInt := func(key string) (int, error) {
		v, err := get(key)
		if err != nil {
			return 0, err
		}
		n, ok := asInt(v)
		if !ok {
			return 0, fmt.Errorf("model state key %s is %T, want an int", key, v)
		}
		return n, nil
	}
	getBool := func(key string, def bool) (bool, error) {
		v, ok := dictGet(d, key)
		if !ok {
			return def, nil
		}
		b, ok := v.(bool)
		if !ok {
			return false, fmt.Errorf("model state key %s is %T, want a bool", key, v)
		}
		return b, nil
	}
	sd, err := get("state_dict")
	if err != nil {
		return nil, err
	}
	items, ok := orderedItems(sd)
	if !ok {
		return nil, fmt.Errorf("model state key state_dict is %T, want an OrderedDict", sd)
	}
	b := &builder{state: map[string]*tensor{}}
	for _, it := range items {
		k, ok := it[0].(string)
		if !ok {
			return nil, fmt.Errorf("state_dict key %v is no string", it[0])
		}
		t, ok := it[1].(*tensor)
		if !ok {
			return nil, fmt.Errorf("state_dict entry %s is %T, want a tensor", k, it[1])
		}
		b.state[k] = t
	}
	n := &network{}
	if n.useRNN, err = getBool("use_rnn", true); err != nil {
		return nil, err
	}
	if n.useCRF, err = getBool("use_crf", true); err != nil {
		return nil, err
	}
	if v, ok := dictGet(d, "rnn_type"); ok && v != "LSTM" {
		return nil, fmt.Errorf("%w: model state key rnn_type is %v, want LSTM", ErrUnsupported, v)
	}
	if ti, err := getBool("train_initial_hidden_state", false); err != nil {
		return nil, err
	} else if ti {
		return nil, fmt.Errorf("%w: model state key train_initial_hidden_state is true", ErrUnsupported)
	}
	if tt, ok := dictGet(d, "tag_type"); ok && tt != "ner" {
		return nil, fmt.Errorf("%w: model state key tag_type is %v, want ner", ErrUnsupported, tt)
	}
	if n.hidden, err = getInt("hidden_size"); err != nil {
		return nil, err
	}
	layers := 1
	if _, ok := dictGet(d, "rnn_layers"); ok {
		if layers, err = getInt("rnn_layers"); err != nil {
			return nil, err
		}
	}
	if layers < 1 || n.hidden < 1 {
		return nil, fmt.Errorf("%w: hidden_size %d, rnn_layers %d", ErrShape, n.hidden, layers)
	}
	tagDict, err := get("tag_dictionary")
	if err != nil {
		return nil, err
	}
	if n.tags, err = dictionaryItems(tagDict, "tag_dictionary"); err != nil {
		return nil, err
	}
	n.start, n.stop = -1, -1
	for i, t := range n.tags {
		switch t {
		case "<START>":
			n.start = i
		case "<STOP>":
			n.stop = i
		}
	}
	if n.useCRF && (n.start < 0 || n.stop < 0) {
		return nil, fmt.Errorf("%w: tag_dictionary lacks <START> or <STOP>", ErrMissing)
	}
	emb, err := get("embeddings")
	if err != nil {
		return nil, err
	}
	if err := b.embeddings(n, emb); err != nil {
		return nil, err
	}
	T := len(n.tags)
	D := n.dimD
	if n.emb2nn, err = b.linear("embedding2nn", D, D); err != nil {
		return nil, err
	}
	outIn := D
	if n.useRNN {
		in := D
		for l := range layers {
			f, err := b.lstm("rnn", "", l, in, n.hidden)
			if err != nil {
				return nil, err
			}
			r, err := b.lstm("rnn", "_reverse", l, in, n.hidden)
			if err != nil {
				return nil, err
			}
			n.rnn = append(n.rnn, [2]*lstmLayer{f, r})
			in = 2 * n.hidden
		}
		outIn = 2 * n.hidden
	}
	if n.out, err = b.linear("linear", outIn, T); err != nil {
		return nil, err
	}
	if n.useCRF {
		if n.trans, err = b.param("transitions", T, T); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// dictionaryItems reads a flair.data.Dictionary's idx2item (UTF-8 bytes).
func dictionaryItems(v any, field string) ([]string, error) {
	o, ok := v.(*object)
	if !ok || o.class() != "flair.data.Dictionary" {
		return nil, fmt.Errorf("%s is %s, want flair.data.Dictionary", field, describe(v))
	}
	items, err := o.get("idx2item")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	l, ok := items.(*types.List)
	if !ok {
		return nil, fmt.Errorf("%s.idx2item is %T, want a list", field, items)
	}
	out := make([]string, len(*l))
	for i, it := range *l {
		switch s := it.(type) {
		case []byte:
			out[i] = string(s)
		case string:
			out[i] = s
		default:
			return nil, fmt.Errorf("%s.idx2item[%d] is %T, want bytes", field, i, it)
		}
	}
	return out, nil
}

func describe(v any) string {
	if o, ok := v.(*object); ok {
		return o.class()
	}
	return fmt.Sprintf("%T", v)
}

// embeddings reads the StackedEmbeddings object.
func (b *builder) embeddings(n *network, v any) error {
	st, ok := v.(*object)
	if !ok || st.class() != "flair.embeddings.StackedEmbeddings" {
		return fmt.Errorf("%w: model state key embeddings is %s, want flair.embeddings.StackedEmbeddings",
			ErrUnsupported, describe(v))
	}
	children, err := st.get("embeddings")
	if err != nil {
		return err
	}
	list, ok := children.(*types.List)
	if !ok || len(*list) == 0 {
		return fmt.Errorf("StackedEmbeddings.embeddings is %T, want a non-empty list", children)
	}
	// The state_dict prefix of each child is its _modules name.
	modName := map[*object]string{}
	if mods, ok := st.Dict["_modules"]; ok {
		items, _ := orderedItems(mods)
		for _, it := range items {
			if o, ok := it[1].(*object); ok {
				if k, ok := it[0].(string); ok {
					modName[o] = k
				}
			}
		}
	}
	total := 0
	for i, c := range *list {
		o, ok := c.(*object)
		if !ok {
			return fmt.Errorf("StackedEmbeddings.embeddings[%d] is %T", i, c)
		}
		mod, ok := modName[o]
		if !ok {
			mod = fmt.Sprintf("list_embedding_%d", i)
		}
		name, err := o.str("name")
		if err != nil {
			return err
		}
		e := &embedding{name: name}
		switch o.class() {
		case "flair.embeddings.WordEmbeddings":
			if e.words, err = wordEmbeddingsOf(o); err != nil {
				return fmt.Errorf("embedding %s: %w", name, err)
			}
		case "flair.embeddings.FlairEmbeddings":
			if e.lm, err = b.charLMOf(o, "embeddings."+mod+".lm"); err != nil {
				return fmt.Errorf("embedding %s: %w", name, err)
			}
		default:
			return fmt.Errorf("%w: embedding %s of class %s (want WordEmbeddings or FlairEmbeddings)",
				ErrUnsupported, name, o.class())
		}
		total += e.dim()
		n.embeds = append(n.embeds, e)
	}
	// Token.get_each_embedding concatenates in sorted(name) order.
	sort.SliceStable(n.embeds, func(i, j int) bool { return n.embeds[i].name < n.embeds[j].name })
	if want, err := st.int("_StackedEmbeddings__embedding_length"); err == nil && want != total {
		return fmt.Errorf("%w: StackedEmbeddings length %d, its children's lengths sum to %d", ErrShape, want, total)
	}
	n.dimD = total
	return nil
}

func wordEmbeddingsOf(o *object) (*wordEmbeddings, error) {
	dim, err := o.int("_WordEmbeddings__embedding_length")
	if err != nil {
		return nil, err
	}
	kvv, err := o.get("precomputed_word_embeddings")
	if err != nil {
		return nil, err
	}
	kv, ok := kvv.(*object)
	if !ok || !strings.HasPrefix(kv.Module, "gensim.") {
		return nil, fmt.Errorf("%w: precomputed_word_embeddings is %s, want gensim KeyedVectors", ErrUnsupported, describe(kvv))
	}
	arrv, err := kv.get("vectors")
	if err != nil {
		return nil, err
	}
	arr, ok := arrv.(*ndarray)
	if !ok {
		return nil, fmt.Errorf("%s.vectors is %T, want a numpy array", kv.class(), arrv)
	}
	if len(arr.Shape) != 2 || arr.Shape[1] != dim {
		return nil, fmt.Errorf("%w: %s.vectors has shape %v, want [V %d]", ErrShape, kv.class(), arr.Shape, dim)
	}
	if vs, err := kv.int("vector_size"); err == nil && vs != dim {
		return nil, fmt.Errorf("%w: %s.vector_size %d, embedding length %d", ErrShape, kv.class(), vs, dim)
	}
	vecs, err := arr.float32s()
	if err != nil {
		return nil, fmt.Errorf("%s.vectors: %w", kv.class(), err)
	}
	vocabv, err := kv.get("vocab")
	if err != nil {
		return nil, err
	}
	items, ok := orderedItems(vocabv)
	if !ok {
		return nil, fmt.Errorf("%s.vocab is %T, want a dict", kv.class(), vocabv)
	}
	w := &wordEmbeddings{dim: dim, vectors: vecs, vocab: make(map[string]int, len(items))}
	rows := arr.Shape[0]
	for _, it := range items {
		word, ok := it[0].(string)
		if !ok {
			return nil, fmt.Errorf("%s.vocab key %v is no str", kv.class(), it[0])
		}
		vo, ok := it[1].(*object)
		if !ok {
			return nil, fmt.Errorf("%s.vocab[%q] is %T, want a Vocab", kv.class(), word, it[1])
		}
		idx, err := vo.int("index")
		if err != nil {
			return nil, fmt.Errorf("%s.vocab[%q]: %w", kv.class(), word, err)
		}
		if idx < 0 || idx >= rows {
			return nil, fmt.Errorf("%w: %s.vocab[%q].index %d outside the %d vectors", ErrShape, kv.class(), word, idx, rows)
		}
		w.vocab[word] = idx
	}
	return w, nil
}

func (b *builder) charLMOf(o *object, prefix string) (*charLM, error) {
	mods, err := o.get("_modules")
	if err != nil {
		return nil, err
	}
	items, _ := orderedItems(mods)
	var lmo *object
	for _, it := range items {
		if it[0] == "lm" {
			lmo, _ = it[1].(*object)
		}
	}
	if lmo == nil || lmo.class() != "flair.models.language_model.LanguageModel" {
		return nil, fmt.Errorf("%w: FlairEmbeddings._modules[lm] (want flair.models.language_model.LanguageModel)", ErrMissing)
	}
	lm := &charLM{}
	if lm.forward, err = lmo.bool("is_forward_lm"); err != nil {
		return nil, err
	}
	if fw, err := o.bool("is_forward_lm"); err == nil && fw != lm.forward {
		return nil, fmt.Errorf("FlairEmbeddings.is_forward_lm %v disagrees with its LanguageModel's", fw)
	}
	if lm.hc, err = lmo.int("hidden_size"); err != nil {
		return nil, err
	}
	nl, err := lmo.int("nlayers")
	if err != nil {
		return nil, err
	}
	if lm.ec, err = lmo.int("embedding_size"); err != nil {
		return nil, err
	}
	if nl < 1 || lm.hc < 1 || lm.ec < 1 {
		return nil, fmt.Errorf("%w: LanguageModel hidden_size %d, nlayers %d, embedding_size %d", ErrShape, lm.hc, nl, lm.ec)
	}
	dictv, err := lmo.get("dictionary")
	if err != nil {
		return nil, err
	}
	chars, err := dictionaryItems(dictv, "LanguageModel.dictionary")
	if err != nil {
		return nil, err
	}
	lm.vc = len(chars)
	lm.chars = make(map[string]int, len(chars))
	for i, c := range chars {
		if _, dup := lm.chars[c]; !dup {
			lm.chars[c] = i
		}
	}
	if lm.encoder, err = b.param(prefix+".encoder.weight", lm.vc, lm.ec); err != nil {
		return nil, err
	}
	in := lm.ec
	for l := range nl {
		layer, err := b.lstm(prefix+".rnn", "", l, in, lm.hc)
		if err != nil {
			return nil, err
		}
		lm.layers = append(lm.layers, layer)
		in = lm.hc
	}
	lm.dim = lm.hc
	if nout, ok := lmo.Dict["nout"]; ok && nout != nil {
		k, ok := asInt(nout)
		if !ok || k < 1 {
			return nil, fmt.Errorf("LanguageModel.nout is %v, want a positive int or None", nout)
		}
		if lm.proj, err = b.linear(prefix+".proj", lm.hc, k); err != nil {
			return nil, err
		}
		lm.dim = k
	}
	if want, err := o.int("_FlairEmbeddings__embedding_length"); err == nil && want != lm.dim {
		return nil, fmt.Errorf("%w: FlairEmbeddings length %d, its language model gives %d", ErrShape, want, lm.dim)
	}
	return lm, nil
}
