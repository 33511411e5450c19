package baseline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
)

// Name is the model's name in the nerbench model registry and result files.
const Name = "baseline"

// Config holds the options for tagging with a loaded model. The zero Config
// gives the defaults.
type Config struct {
	// BatchSize is how many sentences Tag handles between checks of its
	// context. Zero or less means 256.
	BatchSize int
}

func (c Config) batchSize() int {
	if c.BatchSize <= 0 {
		return 256
	}
	return c.BatchSize
}

// Model is a trained baseline tagger. It is safe for concurrent use by
// several goroutines.
type Model struct {
	cfg  Config
	file string // the file it was loaded from; empty when trained in memory

	tags    []string // "O", then B-T and I-T for each type T in sorted order
	types   []string // entity types, sorted
	feats   map[string]int32
	weights []int32 // feature row * len(tags) + tag; averaged weights times scale
	trans   []int32 // (prev+1) * len(tags) + tag; prev -1 is the start of the sentence
	end     []int32 // per tag: the weight of ending the sentence on it
	stats   *stats
	allowed []bool // like trans: whether the IOB2 transition is valid
	prov    Provenance
	hash    string // SHA-256 of the model file, in hex
}

// Provenance records how a model was trained. It is stored in the model
// file.
type Provenance struct {
	// Format is the nerbench baseline model file format version.
	Format int `json:"format"`
	// Dataset is the benchmark the model was trained on ("dane").
	Dataset string `json:"dataset"`
	// TrainSplit and DevSplit name the splits used for training and for
	// model selection.
	TrainSplit string `json:"train_split"`
	DevSplit   string `json:"dev_split"`
	// TrainSentences and DevSentences count the sentences of each split.
	TrainSentences int `json:"train_sentences"`
	DevSentences   int `json:"dev_sentences"`
	// TrainHash and DevHash are SHA-256 digests, in hex, of the words and
	// tags of each split (see HashSentences).
	TrainHash string `json:"train_hash"`
	DevHash   string `json:"dev_hash"`
	// Hyper holds the training settings.
	Hyper Hyper `json:"hyper"`
	// Epochs holds, for each perceptron of the bag, the number of training
	// epochs selected on dev.
	Epochs []int `json:"epochs"`
	// DevCurves holds, for each perceptron of the bag, the micro-F1 on dev
	// (MISC on, in percent, rounded to four decimals) after each epoch.
	DevCurves [][]float64 `json:"dev_curves"`
	// DevF1 is the final model's micro-F1 on dev (MISC on, in percent,
	// rounded to four decimals).
	DevF1 float64 `json:"dev_f1"`
	// Features is the number of features with a nonzero weight kept in the
	// model.
	Features int `json:"features"`
	// Command is the nerbench command line that trains the model, without
	// host-specific flags such as the data folder and output file.
	Command string `json:"command,omitempty"`
}

// Hyper holds the training settings recorded in a model file.
type Hyper struct {
	Seed            uint64  `json:"seed"`
	MaxEpochs       int     `json:"max_epochs"`
	Patience        int     `json:"patience"`
	MinCount        int     `json:"min_count"`
	GazetteerMaxLen int     `json:"gazetteer_max_len"`
	Bags            int     `json:"bags"`
	Prune           float64 `json:"prune"`
	Scale           int     `json:"scale"`
	// Features is the feature group (TrainConfig.Features); empty for all.
	Features string `json:"features,omitempty"`
}

// Load reads a model file written by (*Model).WriteFile or by
// `nerbench train baseline`, with the options cfg. A file that is not a
// model file, is of another format version, or is truncated or damaged
// gives an error naming the file and wrapping ErrFormat, ErrVersion or
// ErrCorrupt. Load returns ctx's error if it is done before reading.
func Load(ctx context.Context, path string, cfg Config) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load baseline model: %w", err)
	}
	return load(data, path, cfg)
}

func load(data []byte, file string, cfg Config) (*Model, error) {
	m, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("load baseline model %s: %w", file, err)
	}
	sum := sha256.Sum256(data)
	m.hash = hex.EncodeToString(sum[:])
	m.cfg = cfg
	m.file = file
	return m, nil
}

// Hash returns the SHA-256 digest, in hex, of the model file the model was
// loaded from, or of the file it writes when it was trained in memory.
func (m *Model) Hash() string { return m.hash }

// File returns the file the model was loaded from: a path, EmbeddedFile,
// or "" for a model trained in memory.
func (m *Model) File() string { return m.file }

// Name returns the model's registry name, "baseline".
func (m *Model) Name() string { return Name }

// Types returns the entity types the model predicts, sorted.
func (m *Model) Types() []string { return slices.Clone(m.types) }

// Provenance returns how the model was trained.
func (m *Model) Provenance() Provenance {
	p := m.prov
	p.Epochs = slices.Clone(p.Epochs)
	p.DevCurves = slices.Clone(p.DevCurves)
	for i, c := range p.DevCurves {
		p.DevCurves[i] = slices.Clone(c)
	}
	return p
}

// Close releases the model. It holds no outside resources, so Close only
// exists to satisfy the adapter API; it always returns nil.
func (m *Model) Close() error { return nil }

// Tag returns one IOB2 tag per word for every sentence. Sentences may be
// empty; each gets a tag slice of its own length. Tag checks ctx between
// batches of Config.BatchSize sentences and returns ctx's error when it is
// done.
func (m *Model) Tag(ctx context.Context, sentences [][]string) ([][]string, error) {
	out := make([][]string, len(sentences))
	bs := m.cfg.batchSize()
	var d decoder
	for i, words := range sentences {
		if i%bs == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		ids := d.decode(m, words, nil)
		tags := make([]string, len(words))
		for j, t := range ids {
			tags[j] = m.tags[t]
		}
		out[i] = tags
	}
	return out, nil
}

// newTagSet returns the IOB2 tags for the given sorted types and the valid
// transitions between them.
func newTagSet(types []string) (tags []string, allowed []bool) {
	tags = []string{"O"}
	for _, t := range types {
		tags = append(tags, "B-"+t, "I-"+t)
	}
	n := len(tags)
	allowed = make([]bool, (n+1)*n)
	for p := -1; p < n; p++ {
		for c := range n {
			ok := true
			if typ, begin, isEnt := entityType(tags[c]); isEnt && !begin {
				ok = false
				if p >= 0 {
					if pt, _, pEnt := entityType(tags[p]); pEnt && pt == typ {
						ok = true
					}
				}
			}
			allowed[(p+1)*n+c] = ok
		}
	}
	return tags, allowed
}

// decoder holds the reusable buffers of Viterbi decoding.
type decoder struct {
	bufs  []featureBuf
	rows  [][]int32
	emit  []int64
	score []int64
	back  []int32
}

// features maps the words' features to weight rows, dropping unknown ones.
func (d *decoder) features(m *Model, words []string, own *ownStats) [][]int32 {
	d.bufs = m.stats.extract(words, own, d.bufs)
	if cap(d.rows) < len(words) {
		d.rows = make([][]int32, len(words))
	}
	d.rows = d.rows[:len(words)]
	for i := range words {
		r := d.rows[i][:0]
		d.bufs[i].each(func(f []byte) {
			if id, ok := m.feats[string(f)]; ok {
				r = append(r, id)
			}
		})
		d.rows[i] = r
	}
	return d.rows
}

// decode returns the best valid IOB2 tag sequence, as tag indices, under
// the model's weights. When rows is nil the features are extracted from
// words.
func (d *decoder) decode(m *Model, words []string, rows [][]int32) []int32 {
	if rows == nil {
		rows = d.features(m, words, nil)
	}
	return d.viterbi(len(words), len(m.tags), rows, m.weights, m.trans, m.end, m.allowed)
}

// viterbi finds the highest-scoring tag sequence for n words with T tags.
// Ties go to the lower tag index, so results are deterministic.
func (d *decoder) viterbi(n, T int, rows [][]int32, weights, trans, end []int32, allowed []bool) []int32 {
	out := make([]int32, n)
	if n == 0 {
		return out
	}
	d.emit = grow(d.emit, n*T)
	for i := range n {
		e := d.emit[i*T : (i+1)*T]
		clear(e)
		for _, f := range rows[i] {
			w := weights[int(f)*T : int(f)*T+T]
			for t := range T {
				e[t] += int64(w[t])
			}
		}
	}
	const negInf = -1 << 62
	d.score = grow(d.score, n*T)
	if cap(d.back) < n*T {
		d.back = make([]int32, n*T)
	}
	d.back = d.back[:n*T]
	for t := range T {
		if allowed[t] {
			d.score[t] = d.emit[t] + int64(trans[t])
		} else {
			d.score[t] = negInf
		}
	}
	for i := 1; i < n; i++ {
		for t := range T {
			best, arg := int64(negInf), int32(0)
			for p := range T {
				ps := d.score[(i-1)*T+p]
				if ps == negInf || !allowed[(p+1)*T+t] {
					continue
				}
				if s := ps + int64(trans[(p+1)*T+t]); s > best {
					best, arg = s, int32(p)
				}
			}
			if best != negInf {
				best += d.emit[i*T+t]
			}
			d.score[i*T+t] = best
			d.back[i*T+t] = arg
		}
	}
	best, arg := int64(negInf), int32(0)
	for t := range T {
		s := d.score[(n-1)*T+t]
		if s == negInf {
			continue
		}
		if s += int64(end[t]); s > best {
			best, arg = s, int32(t)
		}
	}
	out[n-1] = arg
	for i := n - 1; i > 0; i-- {
		out[i-1] = d.back[i*T+int(out[i])]
	}
	return out
}

func grow(s []int64, n int) []int64 {
	if cap(s) < n {
		return make([]int64, n)
	}
	return s[:n]
}
