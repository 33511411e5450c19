package daluke

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nerbench/nerbench/luke"
)

// Name is the model's name in the nerbench model registry and result files.
const Name = "daluke"

// archiveNames are the NER model files Load looks for, in order.
var archiveNames = []string{"daluke-ner.tar.gz", "DaLUKE_NER.tar.gz", "model.safetensors"}

// Config holds the options of a loaded model. The zero Config gives the
// defaults.
type Config struct {
	// Archive is the NER model file inside the model folder; empty means
	// the first of daluke-ner.tar.gz, DaLUKE_NER.tar.gz and
	// model.safetensors that exists. A .safetensors file is read with
	// luke.OpenSafetensors, anything else as a released archive.
	Archive string `json:"archive,omitempty"`
	// Device is "cpu", "cuda", or empty for CUDA when available.
	Device string `json:"device,omitempty"`
	// BatchSize is the number of forward-pass examples (chunks of up to
	// max-entities spans) per batch; 0 means 8, the reference API's.
	BatchSize int `json:"batch_size,omitempty"`
	// MaxRows bounds a forward pass's padded size, its examples times the
	// word pieces plus entity slots of the largest, and with it the memory
	// a pass takes (luke.NEROptions.MaxRows); 0 means luke.DefaultMaxRows.
	// The tags do not depend on it beyond float rounding.
	MaxRows int `json:"max_rows,omitempty"`
	// MaxEntities, when positive, overrides the archive's max-entities, the
	// number of candidate spans per example (128 for the released model).
	// Spans of one example attend to each other, so other values change
	// the results.
	MaxEntities int `json:"max_entities,omitempty"`
	// Sentences is how many sentences Tag hands to the model at a time,
	// checking its context in between; 0 means 64.
	Sentences int `json:"sentences,omitempty"`
}

// Model is a loaded DaLUKE NER model. It is not safe for concurrent use.
type Model struct {
	cfg     Config
	file    string
	meta    luke.Metadata
	tok     *Tokenizer
	model   *luke.Model
	special luke.SpecialIDs
}

// Load reads the NER model and the tokenizer from dir (see the package doc)
// and puts the model on cfg.Device.
func Load(ctx context.Context, dir string, cfg Config) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	file, err := findArchive(dir, cfg.Archive)
	if err != nil {
		return nil, err
	}
	tok, err := ReadTokenizer(dir)
	if err != nil {
		return nil, err
	}
	// The weights are read outside the Go heap and handed back storage by
	// storage as luke.MoveToModel copies them into libtorch, so that loading
	// holds them about once (BENCHMARKS.md, Memory).
	var ck *luke.Checkpoint
	if strings.HasSuffix(file, ".safetensors") {
		ck, err = luke.OpenSafetensors(file)
	} else {
		ck, err = luke.OpenArchive(file)
	}
	if err != nil {
		return nil, err
	}
	if err := checkNER(ck, file, dir, tok); err != nil {
		return nil, errors.Join(err, ck.Close())
	}
	meta := ck.Metadata
	m, err := luke.MoveToModel(ck, cfg.Device)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &Model{cfg: cfg, file: file, meta: meta, tok: tok, model: m,
		special: luke.SpecialIDs{CLS: tok.cls, SEP: tok.sep}}, nil
}

// checkNER checks that ck is a NER model that tok fits.
func checkNER(ck *luke.Checkpoint, file, dir string, tok *Tokenizer) error {
	if ck.Config.Kind != luke.KindNER {
		return fmt.Errorf("%s: a %s checkpoint, want the NER model (DaLUKE_NER)", file, ck.Config.Kind)
	}
	if ck.Config.Labels != len(luke.Labels) {
		return fmt.Errorf("%s: %d classes, want %d (%s)", file, ck.Config.Labels, len(luke.Labels),
			strings.Join(luke.Labels, ", "))
	}
	if tok.vocabSize != ck.Config.VocabSize {
		return fmt.Errorf("%s: tokenizer has %d word pieces, the model %d: is it Maltehb/danish-bert-botxo's?",
			dir, tok.vocabSize, ck.Config.VocabSize)
	}
	return nil
}

func findArchive(dir, name string) (string, error) {
	if name != "" {
		file := filepath.Join(dir, name)
		if _, err := os.Stat(file); err != nil {
			return "", err
		}
		return file, nil
	}
	for _, n := range archiveNames {
		file := filepath.Join(dir, n)
		if _, err := os.Stat(file); err == nil {
			return file, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: no DaLUKE NER model (%s); download DaLUKE_NER.tar.gz as the daluke package "+
		"does (https://nx5746.your-storageshare.de/s/Y62i9bKTgCwfZsZ/download): %w",
		dir, strings.Join(archiveNames, ", "), os.ErrNotExist)
}

// Config returns the configuration the model was loaded with.
func (m *Model) Config() Config { return m.cfg }

// File returns the model file the model was loaded from.
func (m *Model) File() string { return m.file }

// Tag returns one IOB2 tag per word of each sentence, with the types LOC,
// PER, ORG and MISC.
func (m *Model) Tag(ctx context.Context, sentences [][]string) ([][]string, error) {
	step := m.cfg.Sentences
	if step <= 0 {
		step = 64
	}
	out := make([][]string, 0, len(sentences))
	for lo := 0; lo < len(sentences); lo += step {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+step, len(sentences))
		texts := make([][][]int64, hi-lo)
		for i, words := range sentences[lo:hi] {
			p, err := m.tok.Words(words)
			if err != nil {
				return nil, fmt.Errorf("sentence %d: %w", lo+i, err)
			}
			texts[i] = p
		}
		res, err := m.model.NER(ctx, texts, m.special, luke.NEROptions{BatchSize: m.cfg.BatchSize, MaxRows: m.cfg.MaxRows, MaxEntities: m.cfg.MaxEntities})
		// The chunk's libtorch memory is freed; give it back to the system
		// so that the peak stays that of one chunk over any corpus.
		luke.ReleaseMemory()
		if err != nil {
			return nil, err
		}
		for i, r := range res {
			if len(r.Tags) != len(sentences[lo+i]) {
				return nil, fmt.Errorf("sentence %d: %d tags for %d words", lo+i, len(r.Tags), len(sentences[lo+i]))
			}
			out = append(out, r.Tags)
		}
	}
	return out, nil
}

// Close frees the model's libtorch memory.
func (m *Model) Close() error { return m.model.Close() }
