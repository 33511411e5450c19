package ort

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Errors wrapped, with the file they concern, by Load.
var (
	// ErrModelFile means model.onnx is missing or not a usable
	// token-classification graph.
	ErrModelFile = errors.New("bad model file")
	// ErrConfig means config.json is missing or lacks a field.
	ErrConfig = errors.New("bad model config")
	// ErrTokenizer means tokenizer.json is missing, unreadable, or does not
	// fit the model.
	ErrTokenizer = errors.New("bad tokenizer")
	// ErrLabel means a model label is not IOB2 over the dataset's entity
	// types and has no mapping.
	ErrLabel = errors.New("unmapped label")
	// ErrVocabSize means the tokenizer and the model disagree on the
	// vocabulary size.
	ErrVocabSize = errors.New("vocabulary size mismatch")
)

// File names of an `optimum-cli export onnx --task token-classification`
// folder.
const (
	ModelFile          = "model.onnx"
	ConfigFile         = "config.json"
	TokenizerFile      = "tokenizer.json"
	TokenizerConfig    = "tokenizer_config.json"
	SpecialTokensFile  = "special_tokens_map.json"
	DefaultBatchSize   = 32
	DefaultBatchTokens = 2048
	defaultChunkFactor = 8
)

// modelConfig holds the fields of config.json that the engine uses.
type modelConfig struct {
	ModelType     string            `json:"model_type"`
	ID2Label      map[string]string `json:"id2label"`
	MaxPositions  int               `json:"max_position_embeddings"`
	VocabSize     int               `json:"vocab_size"`
	PadTokenID    *int              `json:"pad_token_id"`
	NameOrPath    string            `json:"_name_or_path"`
	Architectures []string          `json:"architectures"`
}

// readConfig reads config.json and returns it with its labels in id order.
func readConfig(dir string) (*modelConfig, []string, error) {
	path := filepath.Join(dir, ConfigFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	var c modelConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	if len(c.ID2Label) == 0 {
		return nil, nil, fmt.Errorf("%w: %s: no id2label (a token-classification export lists its labels there)", ErrConfig, path)
	}
	labels := make([]string, len(c.ID2Label))
	for k, v := range c.ID2Label {
		id, err := strconv.Atoi(k)
		if err != nil || id < 0 || id >= len(labels) {
			return nil, nil, fmt.Errorf("%w: %s: id2label key %q is not an id in 0..%d", ErrConfig, path, k, len(labels)-1)
		}
		labels[id] = v
	}
	if c.VocabSize <= 0 {
		return nil, nil, fmt.Errorf("%w: %s: no vocab_size", ErrConfig, path)
	}
	return &c, labels, nil
}

// tokenizerConfig holds the fields of tokenizer_config.json that the engine
// uses. The file is optional.
type tokenizerConfig struct {
	ModelMaxLength float64 `json:"model_max_length"`
	DoLowerCase    *bool   `json:"do_lower_case"`
	PadToken       any     `json:"pad_token"`
}

func readTokenizerConfig(dir string) (*tokenizerConfig, error) {
	path := filepath.Join(dir, TokenizerConfig)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &tokenizerConfig{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTokenizer, err)
	}
	var c tokenizerConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTokenizer, path, err)
	}
	return &c, nil
}

// specialTokenName returns the content of a special_tokens_map.json or
// tokenizer_config.json entry, which is a string or an AddedToken object.
func specialTokenName(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if s, ok := t["content"].(string); ok {
			return s
		}
	}
	return ""
}

func readSpecialTokensMap(dir string) (map[string]any, error) {
	path := filepath.Join(dir, SpecialTokensFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTokenizer, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTokenizer, path, err)
	}
	return m, nil
}

// Default entity types: those of DaNE, Plank and CoNLL-2003.
var defaultTypes = []string{"LOC", "MISC", "ORG", "PER"}

// mapLabels maps the model's labels to dataset labels. A key of labelMap is
// a whole label ("B-PERSON", "[CLS]") or an entity type ("PERSON"); a whole
// label takes precedence. A value is an entity type, or "O". Every mapped
// label must be O or B-/I- of one of types. A label that does not map as
// written is tried in upper case ("b-per" is B-PER).
func mapLabels(file string, labels []string, labelMap map[string]string, types []string) ([]string, error) {
	out := make([]string, len(labels))
	var bad []string
	for i, l := range labels {
		mapped, ok := mapLabel(l, labelMap)
		if !ok || (mapped != "O" && !slices.Contains(types, mapped[2:])) {
			// Labels are read case-insensitively: ScandEval upper-cases the
			// labels of DaNLP/da-bert-ner before scoring.
			if up := strings.ToUpper(l); up != l {
				mapped, ok = mapLabel(up, labelMap)
			}
		}
		if !ok || (mapped != "O" && !slices.Contains(types, mapped[2:])) {
			bad = append(bad, strconv.Quote(l))
			continue
		}
		out[i] = mapped
	}
	if len(bad) > 0 {
		return nil, &UnmappedError{File: file, Labels: bad, Types: types}
	}
	return out, nil
}

// UnmappedError is returned by Load for model labels that are neither O nor
// B-/I- of the dataset's types and have no mapping. It wraps ErrLabel.
type UnmappedError struct {
	File   string   // the config.json that lists the labels
	Labels []string // the labels at fault, quoted
	Types  []string // the dataset's types
}

// Describe says what is wrong, without saying how to fix it, so that a
// command can name its own flag.
func (e *UnmappedError) Describe() string {
	what := "label " + e.Labels[0] + " is not O or B-/I- of the dataset's types %s and has no mapping"
	if len(e.Labels) > 1 {
		what = "labels " + strings.Join(e.Labels, ", ") + " are not O or B-/I- of the dataset's types %s and have no mapping"
	}
	return fmt.Sprintf("%v: %s: "+what, ErrLabel, e.File, strings.Join(e.Types, ", "))
}

func (e *UnmappedError) Error() string {
	return e.Describe() + " (map model types to dataset types with Config.LabelMap, e.g. PERSON to PER)"
}

func (e *UnmappedError) Unwrap() error { return ErrLabel }

func mapLabel(l string, labelMap map[string]string) (string, bool) {
	if v, ok := labelMap[l]; ok {
		if v == "O" {
			return "O", true
		}
		if strings.HasPrefix(l, "B-") || strings.HasPrefix(l, "I-") {
			return l[:2] + v, true
		}
		return "", false
	}
	if l == "O" {
		return "O", true
	}
	if len(l) > 2 && (strings.HasPrefix(l, "B-") || strings.HasPrefix(l, "I-")) {
		typ := l[2:]
		if v, ok := labelMap[typ]; ok {
			if v == "O" {
				return "O", true
			}
			typ = v
		}
		return l[:2] + typ, true
	}
	return "", false
}

// typesOf returns the sorted entity types of IOB2 labels.
func typesOf(labels []string) []string {
	seen := map[string]bool{}
	for _, l := range labels {
		if l != "O" {
			seen[l[2:]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
