package flair

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Name is the model's name in the nerbench registry and result files, and
// the name of its folder in the models folder.
const Name = "flair"

// File is the model file DaNLP's download_model('flair.ner') writes, the
// default file Load reads inside its folder.
const File = "flair.ner.pt"

// Config holds the options of a loaded model. The zero Config gives the
// defaults.
type Config struct {
	// File is the model file inside the folder; empty means flair.ner.pt.
	File string `json:"file,omitempty"`
}

// Info is what a results file records about a loaded model.
type Info struct {
	Config
	// Embeddings lists the stacked embeddings in concatenation order.
	Embeddings []string `json:"embeddings"`
	// Tags are the tag dictionary's items, in column order.
	Tags []string `json:"tags"`
	// Scheme is "IOB2" or "BIOES", read from the tags.
	Scheme string `json:"scheme"`
	// CRF and RNN are the model's use_crf and use_rnn.
	CRF bool `json:"crf"`
	RNN bool `json:"rnn"`
}

// ErrClosed is returned by Tag after Close.
var ErrClosed = errors.New("model is closed")

// Model is a loaded Flair sequence tagger. It is safe for concurrent use.
type Model struct {
	info   Info
	file   string
	net    *network
	labels []string // IOB2 label per tag column; "" for <unk>, <START>, <STOP>
	// special counts predicted <unk>, <START> and <STOP> tags (made O).
	special atomic.Int64
	// mu guards closed and the word vectors, which live outside the Go heap
	// (offHeap) until Close or, failing that, the model's collection frees
	// them.
	mu     sync.RWMutex
	closed bool
	free   func()
}

// Load reads the Flair model file in dir (see the package documentation).
func Load(ctx context.Context, dir string, cfg Config) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name := cfg.File
	if name == "" {
		name = File
	}
	return LoadFile(ctx, filepath.Join(dir, name), cfg)
}

// LoadFile reads a Flair SequenceTagger saved by torch.save, in the legacy
// or the zip format.
func LoadFile(ctx context.Context, file string, cfg Config) (m *Model, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w; get it with DaNLP's download_model('flair.ner') (flair_ner.zip, "+
				"unzipped) and put it in the models folder's %s/", file, err, Name)
		}
		return nil, err
	}
	// gopickle panics on some malformed input; report it as a bad file.
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%s: %w: %v", file, ErrFormat, r)
		}
	}()
	obj, err := readTorchFile(file)
	if err != nil {
		return nil, err
	}
	net, err := build(obj)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// The unpickled object graph (for the released model, 312,956 gensim
	// Vocab objects and their dicts, several hundred MB of allocations) is
	// garbage now. Collecting it here, and returning it to the system,
	// keeps it out of the peak while tagging: left to the garbage
	// collector's pacing (GOGC=100), the heap may grow to twice what was
	// live at the last collection, which fell in the middle of the load.
	obj = nil
	debug.FreeOSMemory()
	m = &Model{file: file, net: net}
	var frees []func()
	for _, e := range net.embeds {
		if e.words == nil {
			continue
		}
		v, free, err := offHeap(e.words.vectors)
		if err != nil {
			for _, f := range frees {
				f()
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		e.words.vectors = v
		frees = append(frees, free)
	}
	var once sync.Once
	m.free = func() {
		once.Do(func() {
			for _, f := range frees {
				f()
			}
		})
	}
	runtime.AddCleanup(m, func(free func()) { free() }, m.free)
	// The heap copy of the vectors is garbage now.
	debug.FreeOSMemory()
	m.info = Info{Config: cfg, Tags: net.tags, CRF: net.useCRF, RNN: net.useRNN}
	for _, e := range net.embeds {
		m.info.Embeddings = append(m.info.Embeddings, e.name)
	}
	m.info.Scheme, m.labels, err = iob2Labels(net.tags)
	if err != nil {
		return nil, fmt.Errorf("%s: tag_dictionary: %w", file, err)
	}
	return m, nil
}

// iob2Labels maps tag columns to IOB2 labels: BIOES models (any S- or E-
// tag) get S-X → B-X and E-X → I-X.
func iob2Labels(tags []string) (string, []string, error) {
	scheme := "IOB2"
	for _, t := range tags {
		if strings.HasPrefix(t, "S-") || strings.HasPrefix(t, "E-") {
			scheme = "BIOES"
		}
	}
	out := make([]string, len(tags))
	for i, t := range tags {
		switch {
		case t == "<unk>" || t == "<START>" || t == "<STOP>":
		case t == "O":
			out[i] = "O"
		case len(t) > 2 && (t[:2] == "B-" || t[:2] == "I-"):
			out[i] = t
		case scheme == "BIOES" && len(t) > 2 && t[:2] == "S-":
			out[i] = "B-" + t[2:]
		case scheme == "BIOES" && len(t) > 2 && t[:2] == "E-":
			out[i] = "I-" + t[2:]
		default:
			return "", nil, fmt.Errorf("%w: tag %q is neither O nor %s", ErrUnsupported, t, scheme)
		}
	}
	return scheme, out, nil
}

// Info returns what the results file records about the model.
func (m *Model) Info() Info { return m.info }

// File returns the model file.
func (m *Model) File() string { return m.file }

// Emissions returns the emission scores [len(words)][T] of one sentence,
// for tests and diagnostics; nil after Close.
func (m *Model) Emissions(words []string) [][]float32 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil
	}
	T := len(m.net.tags)
	f := m.net.emissions([][]string{words})[0]
	out := make([][]float32, len(words))
	for i := range out {
		out[i] = f[i*T : (i+1)*T]
	}
	return out
}

// Raw returns the model's own tag strings for one sentence, as flair's
// predict gives them; nil after Close.
func (m *Model) Raw(words []string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil
	}
	feats := m.net.emissions([][]string{words})[0]
	path := m.net.decode(feats, len(words))
	out := make([]string, len(path))
	for i, k := range path {
		out[i] = m.net.tags[k]
	}
	return out
}

// batchSize is the number of sentences whose language models run together
// (flair's predict uses mini-batches of 32 too; results do not depend on it
// beyond float rounding).
const batchSize = 32

// batchChars caps the characters (of the words, plus one between and
// around them) that the language models read in one batch. Their input
// projections hold 4 × hidden floats per character, 16.5 KB at the
// released size: 32 of CoNLL-2003's longest sentences (10,000 characters)
// took 170 MB per model, over the memory goal, where 32 sentences of
// average length take a fifth of that.
const batchChars = 4096

// batchEnd returns the end of the batch that starts at sentences[lo]: at
// most batchSize sentences and batchChars characters, and at least one
// sentence.
func batchEnd(sentences [][]string, lo int) int {
	hi, chars := lo, 0
	for hi < len(sentences) && hi-lo < batchSize {
		c := 1
		for _, w := range sentences[hi] {
			c += utf8.RuneCountInString(w) + 1
		}
		if hi > lo && chars+c > batchChars {
			break
		}
		chars += c
		hi++
	}
	return hi
}

// Tag returns IOB2 tags for each sentence. A predicted <unk>, <START> or
// <STOP> (never seen in practice) becomes O.
func (m *Model) Tag(ctx context.Context, sentences [][]string) ([][]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	out := make([][]string, len(sentences))
	for lo, hi := 0, 0; lo < len(sentences); lo = hi {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi = batchEnd(sentences, lo)
		feats := m.net.emissions(sentences[lo:hi])
		for s, f := range feats {
			path := m.net.decode(f, len(sentences[lo+s]))
			tags := make([]string, len(path))
			for i, k := range path {
				tags[i] = m.labels[k]
				if tags[i] == "" {
					tags[i] = "O"
					m.special.Add(1)
				}
			}
			out[lo+s] = tags
		}
	}
	return out, nil
}

// SpecialTags returns how many <unk>, <START> or <STOP> tags the model has
// predicted so far; Tag turned each into O. The thesis passed them to
// seqeval raw, where <unk> opens a chunk of type "unk>" (flair-spec §6).
func (m *Model) SpecialTags() int64 { return m.special.Load() }

// Close frees the word vectors, which live outside the Go heap. It is safe
// to call more than once; Tag then returns ErrClosed.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.closed = true
		m.free()
	}
	return nil
}
