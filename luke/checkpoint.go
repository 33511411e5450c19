package luke

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

// Archive member names (spec §5.1).
const (
	memberEntityVocab = "entity-vocab.json"
	memberMetadata    = "metadata.json"
	memberModel       = "model.bin"
	memberTokenMap    = "token-map.npy"
)

// Errors wrapped by the checkpoint readers.
var (
	// ErrMissingKey reports a tensor or metadata key that a model needs but
	// the checkpoint lacks.
	ErrMissingKey = errors.New("missing key")
	// ErrUnknownKey reports a tensor the model does not use.
	ErrUnknownKey = errors.New("unknown key")
	// ErrShape reports a tensor whose shape does not fit the model.
	ErrShape = errors.New("wrong shape")
	// ErrUnsupported reports a valid checkpoint feature this package does not
	// implement.
	ErrUnsupported = errors.New("unsupported")
)

// Tensor is a dense row-major array read from or written to a checkpoint.
// Exactly one of F32 and I64 is set. Tensors that shared storage in the
// checkpoint (tied weights) may share their backing array, and F32 may view
// the bytes of the file read: treat the data as read-only.
type Tensor struct {
	Shape []int
	F32   []float32
	I64   []int64
}

// Len returns the number of elements the shape calls for.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Metadata is the content of an archive's metadata.json (spec §5.2). Keys
// not listed here are kept in Raw only.
type Metadata struct {
	// MaxSeqLength is the longest word-piece sequence, [CLS] and [SEP]
	// included, of one forward pass; longer texts are windowed (spec §2.2).
	MaxSeqLength int `json:"max-seq-length"`
	// MaxEntities is the number of candidate spans per forward pass (§2.5).
	MaxEntities int `json:"max-entities"`
	// MaxEntitySpan is the longest candidate span in word pieces (§2.3).
	MaxEntitySpan int `json:"max-entity-span"`
	// BaseModel names the tokenizer's model ("Maltehb/danish-bert-botxo").
	BaseModel string `json:"base-model"`
	// NumAttentionHeads is a nerbench extension; 0 means hidden size / 64.
	NumAttentionHeads int `json:"num-attention-heads"`
	// OutputSize is the number of NER classes (NER archives only).
	OutputSize int `json:"output-size"`
	// NERWordsOnly and NEREntitiesOnly select the NER classifier's
	// features (spec §1.6): the span's first and last word-piece states
	// only, or its entity state only. The released model uses all three
	// (both false); both true is an error.
	NERWordsOnly    bool `json:"NER-words-only"`
	NEREntitiesOnly bool `json:"NER-entities-only"`
	// ReducedVocab marks HEAD's reduced-vocabulary (XLM-R) models, which
	// this package rejects.
	ReducedVocab bool `json:"reduced-vocab"`
	// Raw holds every key of the file, as decoded by encoding/json.
	Raw map[string]any `json:"-"`
}

// ParseMetadata decodes metadata.json and checks the keys inference needs.
func ParseMetadata(data []byte) (Metadata, error) {
	var m Metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m.Raw); err != nil {
		return m, err
	}
	for _, k := range []string{"max-seq-length", "max-entities", "max-entity-span"} {
		if _, ok := m.Raw[k]; !ok {
			return m, fmt.Errorf("%w %q", ErrMissingKey, k)
		}
	}
	switch {
	case m.MaxSeqLength < 3:
		return m, fmt.Errorf("max-seq-length %d: want at least 3", m.MaxSeqLength)
	case m.MaxEntities < 1:
		return m, fmt.Errorf("max-entities %d: want at least 1", m.MaxEntities)
	case m.MaxEntitySpan < 1:
		return m, fmt.Errorf("max-entity-span %d: want at least 1", m.MaxEntitySpan)
	case m.NERWordsOnly && m.NEREntitiesOnly:
		return m, errors.New("NER-words-only and NER-entities-only are both true: want at most one")
	case m.ReducedVocab:
		return m, fmt.Errorf("reduced-vocab models (token-map.npy): %w", ErrUnsupported)
	}
	return m, nil
}

// ParseEntityVocab decodes entity-vocab.json, {title: {"id": n, "count": c}},
// into a map from title to id.
func ParseEntityVocab(data []byte) (map[string]int, error) {
	var raw map[string]struct {
		ID *int `json:"id"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	vocab := make(map[string]int, len(raw))
	for title, e := range raw {
		if e.ID == nil {
			return nil, fmt.Errorf("entity %q: %w \"id\"", title, ErrMissingKey)
		}
		vocab[title] = *e.ID
	}
	return vocab, nil
}

// Checkpoint is a DaLUKE model as read from disk.
type Checkpoint struct {
	Metadata    Metadata
	EntityVocab map[string]int
	Tensors     map[string]*Tensor
	Config      Config
	// mem holds the bytes the float32 tensors view; outside the Go heap
	// for the Open functions' checkpoints.
	mem    *weightMem
	closed bool
}

// ErrClosed reports a checkpoint used after Close or MoveToModel.
var ErrClosed = errors.New("checkpoint closed (its weights were freed or moved to a model)")

// Close frees the memory that the tensors of a checkpoint from OpenArchive,
// OpenSafetensors or StateDict.Encoder view, which lies outside the Go
// heap, and drops every tensor: ck.Tensors is nil afterwards, and each
// Tensor that it held has nil data, so that nothing reads the freed memory.
// On a checkpoint from the Read functions it only drops the tensors. Close
// may be called more than once.
func (ck *Checkpoint) Close() error {
	for _, t := range ck.Tensors {
		t.F32, t.I64 = nil, nil
	}
	ck.Tensors, ck.closed = nil, true
	err := ck.mem.close()
	ck.mem = nil
	return err
}

// ReadArchive reads a released DaLUKE archive (.tar.gz with
// entity-vocab.json, metadata.json and model.bin; spec §5.1), infers the
// model's configuration and checks every tensor against it. The float32
// tensors view model.bin, read onto the Go heap.
func ReadArchive(file string) (*Checkpoint, error) {
	return readArchiveFile(file, heapMemory)
}

// OpenArchive is ReadArchive with model.bin decompressed into memory
// outside the Go heap (an anonymous mapping on Linux), which the float32
// tensors view. The caller must Close the checkpoint, or hand it to
// MoveToModel, which frees that memory storage by storage as it copies the
// weights, so that loading holds about one copy of the weights instead of
// two.
func OpenArchive(file string) (*Checkpoint, error) {
	return readArchiveFile(file, anonMemory)
}

func readArchiveFile(file string, alloc func(int) (*weightMem, error)) (*Checkpoint, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ck, err := readArchive(f, alloc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return ck, nil
}

// maxMember bounds the size of an archive member that readArchive reads
// into memory, far above any DaLUKE model.bin (0.5 GB at base size).
const maxMember = 16 << 30

// readArchive reads model.bin into memory from alloc, and the other members
// onto the heap.
func readArchive(r io.Reader, alloc func(int) (*weightMem, error)) (ck *Checkpoint, err error) {
	var mem *weightMem
	defer func() {
		if err != nil {
			mem.close()
		}
	}()
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer gz.Close()
	members := make(map[string][]byte)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		switch name {
		case memberEntityVocab, memberMetadata, memberModel:
		case memberTokenMap:
			return nil, fmt.Errorf("%s (reduced-vocabulary model): %w", name, ErrUnsupported)
		default:
			return nil, fmt.Errorf("unexpected archive member %q", h.Name)
		}
		// One buffer of the member's size: io.ReadAll would grow it step by
		// step, leaving about twice model.bin's size of garbage behind.
		if h.Size < 0 || h.Size > maxMember {
			return nil, fmt.Errorf("%s: archive member of %d bytes", name, h.Size)
		}
		var data []byte
		if name == memberModel {
			if mem != nil {
				return nil, fmt.Errorf("archive member %s twice", name)
			}
			if mem, err = alloc(int(h.Size)); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			data = mem.b
		} else {
			data = make([]byte, h.Size)
		}
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		members[name] = data
	}
	for _, name := range []string{memberMetadata, memberEntityVocab, memberModel} {
		if _, ok := members[name]; !ok {
			return nil, fmt.Errorf("%w: archive member %s", ErrMissingKey, name)
		}
	}
	meta, err := ParseMetadata(members[memberMetadata])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", memberMetadata, err)
	}
	vocab, err := ParseEntityVocab(members[memberEntityVocab])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", memberEntityVocab, err)
	}
	tensors, err := readTorchZip(bytes.NewReader(mem.b), int64(len(mem.b)), mem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", memberModel, err)
	}
	ck, err = NewCheckpoint(meta, vocab, tensors)
	if err != nil {
		return nil, err
	}
	ck.mem = mem
	return ck, nil
}

// NewCheckpoint infers the configuration of tensors and checks them against
// it: an unknown tensor, a missing one or a wrong shape is an error naming the
// key. The buffer word_embeddings.position_ids, which the model does not use,
// is deleted from tensors. The checkpoint's tensors are on the Go heap, as
// far as NewCheckpoint knows: it has nothing to Close.
func NewCheckpoint(meta Metadata, vocab map[string]int, tensors map[string]*Tensor) (*Checkpoint, error) {
	delete(tensors, "word_embeddings.position_ids")
	cfg, err := InferConfig(tensors, meta)
	if err != nil {
		return nil, err
	}
	want := cfg.Shapes()
	names := make([]string, 0, len(tensors))
	for k := range tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		shape, ok := want[k]
		if !ok {
			return nil, fmt.Errorf("%w %q", ErrUnknownKey, k)
		}
		t := tensors[k]
		if !equalShape(t.Shape, shape) {
			return nil, fmt.Errorf("%q: %w %v, want %v", k, ErrShape, t.Shape, shape)
		}
		if t.F32 == nil {
			return nil, fmt.Errorf("%q: want a float32 tensor", k)
		}
	}
	missing := make([]string, 0)
	for k := range want {
		if _, ok := tensors[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%w %q", ErrMissingKey, missing[0])
	}
	if cfg.Kind == KindPretrained && len(vocab) != cfg.EntityVocabSize {
		return nil, fmt.Errorf("entity vocabulary has %d entries, the entity table %d rows", len(vocab), cfg.EntityVocabSize)
	}
	return &Checkpoint{Metadata: meta, EntityVocab: vocab, Tensors: tensors, Config: cfg}, nil
}

func equalShape(a, b []int) bool {
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
