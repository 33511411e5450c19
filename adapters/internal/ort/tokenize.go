package ort

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/normalizer"
	"github.com/sugarme/tokenizer/pretrained"
	"golang.org/x/text/unicode/norm"
	"unicode/utf8"
)

// maxCachedWords bounds the word cache of a wordTokenizer; when it is full
// the cache starts again empty.
const maxCachedWords = 1 << 18

// wordTokenizer turns one pre-split word into its subword ids, as Hugging
// Face tokenizers do for is_split_into_words=True input: each word is
// normalised, pre-tokenised and tokenised on its own, without special
// tokens. Special tokens are added per window by the engine.
//
// It is not safe for concurrent use.
type wordTokenizer struct {
	tk *tokenizer.Tokenizer
	// nfc converts every word to NFC first (Config.RawUnicode false).
	nfc bool
	// nfd decomposes every word before a BertNormalizer strips accents:
	// Hugging Face strips them from the NFD form, while
	// sugarme/tokenizer v0.3.0 only drops combining marks that are already
	// there.
	nfd bool
	// prefix and suffix are the special-token ids around one sequence
	// ([CLS] ... [SEP], <s> ... </s>).
	prefix, suffix []int64
	padID          int64
	vocabSize      int
	cache          map[string][]int64
	// long is how a word of more than maxChars characters is handled
	// before any per-character work (see longWord); nil when the
	// tokenizer is not a WordPiece model behind a BertPreTokenizer.
	long *longWords
}

// maxCachedWordBytes is the longest word kept in the word cache, so that a
// few pathological words cannot pin megabytes.
const maxCachedWordBytes = 1024

// maxOtherWordBytes bounds the words given to a tokenizer that has no
// character limit of its own (Unigram, BPE): longer words are an error
// rather than gigabytes of per-character bookkeeping.
const maxOtherWordBytes = 1 << 16

// tokenizerJSON holds the parts of tokenizer.json that the engine reads
// itself, beyond what sugarme/tokenizer does.
type tokenizerJSON struct {
	Normalizer    map[string]any `json:"normalizer"`
	PreTokenizer  map[string]any `json:"pre_tokenizer"`
	PostProcessor map[string]any `json:"post_processor"`
	Model         struct {
		Type                 string `json:"type"`
		UnkToken             string `json:"unk_token"`
		MaxInputCharsPerWord *int   `json:"max_input_chars_per_word"`
	} `json:"model"`
}

// loadTokenizer reads tokenizer.json. sugarme/tokenizer panics on some
// malformed files; such a panic becomes an error naming the file.
func loadTokenizer(dir string, rawUnicode bool) (wt *wordTokenizer, err error) {
	path := filepath.Join(dir, TokenizerFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTokenizer, err)
	}
	var raw tokenizerJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTokenizer, path, err)
	}
	defer func() {
		if r := recover(); r != nil {
			wt, err = nil, fmt.Errorf("%w: %s: unsupported or malformed content: %v", ErrTokenizer, path, r)
		}
	}()
	tk, err := pretrained.FromFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTokenizer, path, err)
	}
	if tk.GetModel() == nil {
		return nil, fmt.Errorf("%w: %s: no model section", ErrTokenizer, path)
	}
	// Words are encoded one at a time, so the file's own truncation and
	// padding must not apply.
	tk.WithTruncation(nil)
	tk.WithPadding(nil)
	wt = &wordTokenizer{tk: tk, nfc: !rawUnicode, vocabSize: tk.GetVocabSize(true), cache: map[string][]int64{}}
	if bn, ok := bertNormalizer(raw.Normalizer); ok {
		tk.WithNormalizer(bn)
		wt.nfd = bn.StripAccents
	}
	wt.prefix, wt.suffix, err = specialTokens(raw.PostProcessor)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: post_processor: %w", ErrTokenizer, path, err)
	}
	if wt.long, err = newLongWords(raw, tk, wt.nfd); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTokenizer, path, err)
	}
	return wt, nil
}

// bertNormalizer rebuilds a BertNormalizer with Hugging Face semantics:
// strip_accents null means "strip when lowercasing".
func bertNormalizer(cfg map[string]any) (*normalizer.BertNormalizer, bool) {
	if cfg == nil || cfg["type"] != "BertNormalizer" {
		return nil, false
	}
	flag := func(k string, def bool) bool {
		if b, ok := cfg[k].(bool); ok {
			return b
		}
		return def
	}
	lower := flag("lowercase", true)
	return normalizer.NewBertNormalizer(flag("clean_text", true), lower,
		flag("handle_chinese_chars", true), flag("strip_accents", lower)), true
}

// specialTokens returns the ids a post-processor puts before and after a
// single sequence. It reads BertProcessing, RobertaProcessing and
// TemplateProcessing, also inside a Sequence; no post-processor means no
// special tokens.
func specialTokens(pp map[string]any) (prefix, suffix []int64, err error) {
	if pp == nil {
		return nil, nil, nil
	}
	switch pp["type"] {
	case "BertProcessing", "RobertaProcessing":
		cls, err1 := tokenPair(pp["cls"])
		sep, err2 := tokenPair(pp["sep"])
		if err1 != nil || err2 != nil {
			return nil, nil, fmt.Errorf("%s: want cls and sep as [token, id]", pp["type"])
		}
		return []int64{cls}, []int64{sep}, nil
	case "TemplateProcessing":
		return templateTokens(pp)
	case "Sequence":
		procs, _ := pp["processors"].([]any)
		for _, p := range procs {
			m, _ := p.(map[string]any)
			switch m["type"] {
			case "BertProcessing", "RobertaProcessing", "TemplateProcessing":
				return specialTokens(m)
			}
		}
		return nil, nil, nil
	case "ByteLevel":
		return nil, nil, nil
	}
	return nil, nil, fmt.Errorf("unsupported type %v", pp["type"])
}

func tokenPair(v any) (int64, error) {
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return 0, fmt.Errorf("want [token, id]")
	}
	id, ok := a[1].(float64)
	if !ok {
		return 0, fmt.Errorf("want [token, id]")
	}
	return int64(id), nil
}

func templateTokens(pp map[string]any) (prefix, suffix []int64, err error) {
	single, _ := pp["single"].([]any)
	specials, _ := pp["special_tokens"].(map[string]any)
	seenSeq := false
	for _, item := range single {
		m, _ := item.(map[string]any)
		if _, ok := m["Sequence"]; ok {
			seenSeq = true
			continue
		}
		st, ok := m["SpecialToken"].(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("TemplateProcessing: unknown template item %v", item)
		}
		name, _ := st["id"].(string)
		def, _ := specials[name].(map[string]any)
		ids, _ := def["ids"].([]any)
		if len(ids) == 0 {
			return nil, nil, fmt.Errorf("TemplateProcessing: special token %q has no ids", name)
		}
		for _, id := range ids {
			f, ok := id.(float64)
			if !ok {
				return nil, nil, fmt.Errorf("TemplateProcessing: special token %q has a non-numeric id", name)
			}
			if seenSeq {
				suffix = append(suffix, int64(f))
			} else {
				prefix = append(prefix, int64(f))
			}
		}
	}
	if !seenSeq {
		return nil, nil, fmt.Errorf("TemplateProcessing: single template has no sequence")
	}
	return prefix, suffix, nil
}

// word returns the subword ids of one word; the slice is shared with the
// cache and must not be changed. A word may have no subwords.
func (wt *wordTokenizer) word(w string) ([]int64, error) {
	if ids, ok := wt.cache[w]; ok {
		return ids, nil
	}
	s := wt.normalForm(w)
	var ids []int64
	switch {
	case s == "":
	case wt.long != nil && utf8.RuneCountInString(s) > wt.long.maxChars:
		var err error
		if ids, err = wt.longWord(s); err != nil {
			return nil, fmt.Errorf("tokenize a word of %d bytes: %w", len(w), err)
		}
	case wt.long == nil && len(s) > maxOtherWordBytes:
		return nil, fmt.Errorf("tokenize: a word of %d bytes (%.40q...); this tokenizer has no per-word limit, and nerbench takes words of at most %d bytes", len(w), w, maxOtherWordBytes)
	default:
		enc, err := wt.encode(s)
		if err != nil {
			return nil, fmt.Errorf("tokenize %q: %w", w, err)
		}
		raw := enc.GetIds()
		ids = make([]int64, len(raw))
		for i, id := range raw {
			ids[i] = int64(id)
		}
	}
	if len(w) > maxCachedWordBytes {
		return ids, nil
	}
	if len(wt.cache) >= maxCachedWords {
		clear(wt.cache)
	}
	wt.cache[w] = ids
	return ids, nil
}

// normalForm returns w in the Unicode form the tokenizer is given: NFC
// (unless Config.RawUnicode), then NFD when accents are to be stripped.
func (wt *wordTokenizer) normalForm(w string) string {
	s := w
	if wt.nfc && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	if wt.nfd {
		s = norm.NFD.String(s)
	}
	return s
}

// encode runs sugarme/tokenizer on one word, turning its panics into errors.
func (wt *wordTokenizer) encode(s string) (enc *tokenizer.Encoding, err error) {
	defer func() {
		if r := recover(); r != nil {
			enc, err = nil, fmt.Errorf("tokenizer panic: %v", r)
		}
	}()
	return wt.tk.EncodeSingle(s, false)
}
