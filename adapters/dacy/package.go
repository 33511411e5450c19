package dacy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cfgFile is the subset of a thinc/confection config.cfg the port reads:
// section → key → raw value text.
type cfgFile struct {
	path     string
	sections map[string]map[string]string
}

// readCfg parses config.cfg: [dotted.section] headers and key = value
// lines; values are kept as text and parsed as JSON when read. Indented
// lines continue the previous value.
func readCfg(path string) (*cfgFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &cfgFile{path: path, sections: map[string]map[string]string{}}
	var sec map[string]string
	lastKey := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw := sc.Text()
		s := strings.TrimSpace(raw)
		switch {
		case s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, ";"):
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			name := strings.TrimSpace(s[1 : len(s)-1])
			if c.sections[name] == nil {
				c.sections[name] = map[string]string{}
			}
			sec, lastKey = c.sections[name], ""
		case (raw[0] == ' ' || raw[0] == '\t') && sec != nil && lastKey != "":
			sec[lastKey] += "\n" + s
		default:
			k, v, ok := strings.Cut(s, "=")
			if !ok || sec == nil {
				return nil, fmt.Errorf("%s:%d: want [section] or key = value, got %q", path, line, s)
			}
			lastKey = strings.TrimSpace(k)
			sec[lastKey] = strings.TrimSpace(v)
		}
	}
	return c, sc.Err()
}

// value returns the JSON value of section.key; a value that is not JSON
// (a bare word) is returned as a string.
func (c *cfgFile) value(section, key string) (any, bool) {
	raw, ok := c.sections[section][key]
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw, true
	}
	return v, true
}

func (c *cfgFile) str(section, key string) (string, error) {
	v, ok := c.value(section, key)
	if !ok {
		return "", fmt.Errorf("%s: %w: [%s] %s", c.path, ErrMissing, section, key)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: [%s] %s is %v, want a string", c.path, section, key, v)
	}
	return s, nil
}

func (c *cfgFile) int(section, key string) (int, error) {
	v, ok := c.value(section, key)
	if !ok {
		return 0, fmt.Errorf("%s: %w: [%s] %s", c.path, ErrMissing, section, key)
	}
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) {
		return 0, fmt.Errorf("%s: [%s] %s is %v, want an integer", c.path, section, key, v)
	}
	return int(f), nil
}

// boolOr returns section.key as a bool, def when absent.
func (c *cfgFile) boolOr(section, key string, def bool) (bool, error) {
	v, ok := c.value(section, key)
	if !ok {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("%s: [%s] %s is %v, want true or false", c.path, section, key, v)
	}
	return b, nil
}

// settings are the hyper-parameters config.cfg gives the port.
type settings struct {
	Transformer string `json:"transformer"` // [components.transformer.model] name
	Window      int    `json:"window"`
	Stride      int    `json:"stride"`
	HiddenWidth int    `json:"hidden_width"`
	Maxout      int    `json:"maxout_pieces"`
	UseUpper    bool   `json:"use_upper"`
	ExtraTokens bool   `json:"extra_state_tokens"`
}

// readSettings reads and checks the config.cfg keys of dacy-spec §2.1,
// rejecting values this port does not implement.
func readSettings(c *cfgFile) (*settings, error) {
	s := &settings{}
	want := func(section, key string, allowed ...string) error {
		v, err := c.str(section, key)
		if err != nil {
			return err
		}
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("%s: %w: [%s] %s = %q (want %s)", c.path, ErrUnsupported, section, key, v, strings.Join(allowed, " or "))
	}
	const (
		ner      = "components.ner"
		nerModel = "components.ner.model"
		listener = "components.ner.model.tok2vec"
		trf      = "components.transformer.model"
		spans    = "components.transformer.model.get_spans"
	)
	if err := want(ner, "factory", "ner"); err != nil {
		return nil, err
	}
	if err := want(nerModel, "@architectures", "spacy.TransitionBasedParser.v1", "spacy.TransitionBasedParser.v2"); err != nil {
		return nil, err
	}
	if err := want(nerModel, "state_type", "ner"); err != nil {
		return nil, err
	}
	if err := want(listener, "@architectures", "spacy-transformers.TransformerListener.v1"); err != nil {
		return nil, err
	}
	if v, ok := c.value(listener, "pooling"); ok {
		m, _ := v.(map[string]any)
		if m["@layers"] != "reduce_mean.v1" {
			return nil, fmt.Errorf("%s: %w: [%s] pooling = %v (want reduce_mean.v1)", c.path, ErrUnsupported, listener, v)
		}
	}
	if err := want(trf, "@architectures", "spacy-transformers.TransformerModel.v1"); err != nil {
		return nil, err
	}
	if err := want(spans, "@span_getters", "spacy-transformers.strided_spans.v1"); err != nil {
		return nil, err
	}
	var err error
	if s.Transformer, err = c.str(trf, "name"); err != nil {
		return nil, err
	}
	if s.Window, err = c.int(spans, "window"); err != nil {
		return nil, err
	}
	if s.Stride, err = c.int(spans, "stride"); err != nil {
		return nil, err
	}
	if s.Window < 1 || s.Stride < 1 || s.Stride > s.Window {
		return nil, fmt.Errorf("%s: %w: [%s] window %d, stride %d", c.path, ErrUnsupported, spans, s.Window, s.Stride)
	}
	if s.HiddenWidth, err = c.int(nerModel, "hidden_width"); err != nil {
		return nil, err
	}
	if s.Maxout, err = c.int(nerModel, "maxout_pieces"); err != nil {
		return nil, err
	}
	// v1 defaults use_upper to true, v2 as well; DaCy sets false.
	if s.UseUpper, err = c.boolOr(nerModel, "use_upper", true); err != nil {
		return nil, err
	}
	if s.ExtraTokens, err = c.boolOr(nerModel, "extra_state_tokens", false); err != nil {
		return nil, err
	}
	return s, nil
}

// nerCfg is ner/cfg.
type nerCfg struct {
	BeamWidth int `json:"beam_width"`
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// hfConfig is transformer/model/config.json.
type hfConfig struct {
	ModelType          string   `json:"model_type"`
	HiddenSize         int      `json:"hidden_size"`
	NumHiddenLayers    int      `json:"num_hidden_layers"`
	NumAttentionHeads  int      `json:"num_attention_heads"`
	IntermediateSize   int      `json:"intermediate_size"`
	MaxPositions       int      `json:"max_position_embeddings"`
	TypeVocabSize      int      `json:"type_vocab_size"`
	VocabSize          int      `json:"vocab_size"`
	LayerNormEps       float64  `json:"layer_norm_eps"`
	PadTokenID         int      `json:"pad_token_id"`
	HiddenAct          string   `json:"hidden_act"`
	Architectures      []string `json:"architectures"`
	MaxLength          int      `json:"-"`
	TokenizerMaxLength int      `json:"-"`
}

// positions returns how many pieces a row may have: the position table's
// size, less RoBERTa's offset (positions start at pad_token_id + 1).
func (c *hfConfig) positions() int {
	if c.MaxPositions == 0 {
		return 0
	}
	if c.ModelType == "bert" {
		return c.MaxPositions
	}
	return c.MaxPositions - c.PadTokenID - 1
}

// meta is meta.json's fields the port checks.
type meta struct {
	Name         string              `json:"name"`
	Version      string              `json:"version"`
	SpacyVersion string              `json:"spacy_version"`
	Labels       map[string][]string `json:"labels"`
}

// pkgFiles names the files of a DaCy package the port reads.
func pkgFile(dir string, parts ...string) string {
	return filepath.Join(append([]string{dir}, parts...)...)
}
