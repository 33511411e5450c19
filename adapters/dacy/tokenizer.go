package dacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/normalizer"
	"github.com/sugarme/tokenizer/pretrained"
	"golang.org/x/text/unicode/norm"
)

// TokenizerFile is the Hugging Face fast-tokenizer file the port reads.
const TokenizerFile = "tokenizer.json"

// hfTokenizer is a tokenizer.json run by sugarme/tokenizer on a span's
// whole text, special tokens added, as spacy-transformers' tokenizer call.
type hfTokenizer struct {
	tk       *tokenizer.Tokenizer
	nfd      bool
	specials []string
	pad      string
	padID    int64
}

// loadTokenizer reads tokenizer.json, or converts the slow tokenizer's
// files when there is none (convertTokenizer), and
// special_tokens_map.json when present, for all_special_tokens, from dir.
// padID is config.json's pad_token_id.
func loadTokenizer(dir string, padID int) (t *hfTokenizer, err error) {
	path := filepath.Join(dir, TokenizerFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		data, path, err = convertTokenizer(dir)
	}
	if err != nil {
		return nil, err
	}
	var raw struct {
		Normalizer  map[string]any `json:"normalizer"`
		AddedTokens []struct {
			ID      int    `json:"id"`
			Content string `json:"content"`
			Special bool   `json:"special"`
		} `json:"added_tokens"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%s: %w: tokenizer content: %v", path, ErrUnsupported, r)
		}
	}()
	tk, err := pretrained.FromReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tk.WithTruncation(nil)
	tk.WithPadding(nil)
	t = &hfTokenizer{tk: tk, padID: int64(padID)}
	if raw.Normalizer != nil && raw.Normalizer["type"] == "BertNormalizer" {
		flag := func(k string, def bool) bool {
			if b, ok := raw.Normalizer[k].(bool); ok {
				return b
			}
			return def
		}
		lower := flag("lowercase", true)
		strip := flag("strip_accents", lower)
		tk.WithNormalizer(normalizer.NewBertNormalizer(flag("clean_text", true), lower, flag("handle_chinese_chars", true), strip))
		// sugarme only drops combining marks already present: decompose
		// first, as Hugging Face strips accents from the NFD form.
		t.nfd = strip
	}
	for _, a := range raw.AddedTokens {
		if a.Special {
			t.specials = append(t.specials, a.Content)
		}
		if a.ID == padID {
			t.pad = a.Content
		}
	}
	var smap map[string]any
	if err := readJSON(filepath.Join(dir, "special_tokens_map.json"), &smap); err == nil {
		t.specials = t.specials[:0]
		for _, k := range []string{"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"} {
			switch v := smap[k].(type) {
			case string:
				t.specials = append(t.specials, v)
			case map[string]any:
				if s, ok := v["content"].(string); ok {
					t.specials = append(t.specials, s)
				}
			}
		}
		t.specials = slices.Compact(t.specials)
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	if t.pad == "" {
		return nil, fmt.Errorf("%s: %w: no added token with the pad_token_id %d of config.json", path, ErrMissing, padID)
	}
	return t, nil
}

func (t *hfTokenizer) Encode(text string) (ids []int64, pieces []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			ids, pieces, err = nil, nil, fmt.Errorf("tokenize %q: %v", text, r)
		}
	}()
	if t.nfd {
		text = norm.NFD.String(text)
	}
	enc, err := t.tk.EncodeSingle(text, true)
	if err != nil {
		return nil, nil, fmt.Errorf("tokenize %q: %w", text, err)
	}
	// The piece strings are convert_ids_to_tokens of the ids: an unknown
	// piece is the unknown token, not the text it covers.
	for _, id := range enc.GetIds() {
		ids = append(ids, int64(id))
		tok, ok := t.tk.IdToToken(id)
		if !ok {
			return nil, nil, fmt.Errorf("tokenize %q: id %d has no token", text, id)
		}
		pieces = append(pieces, tok)
	}
	return ids, pieces, nil
}

func (t *hfTokenizer) Specials() []string { return t.specials }

func (t *hfTokenizer) Pad() (string, int64) { return t.pad, t.padID }
