package dacy

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// The slow-tokenizer files that save_pretrained writes when the
// transformers version predates tokenizer.json (DaCy's 0.0.0 packages were
// written with transformers 3.x), and from which convertTokenizer builds
// the equivalent tokenizer.json.
const (
	SentencePieceFile = "sentencepiece.bpe.model" // XLM-RoBERTa
	VocabFile         = "vocab.txt"               // BERT
)

// convertTokenizer returns the tokenizer.json of the fast tokenizer that
// Hugging Face's convert_slow_tokenizer builds from dir's slow-tokenizer
// files (dacy-spec §4.3), and the file it read.
func convertTokenizer(dir string) ([]byte, string, error) {
	spmPath := filepath.Join(dir, SentencePieceFile)
	if _, err := os.Stat(spmPath); err == nil {
		data, err := xlmrTokenizerJSON(spmPath)
		return data, spmPath, err
	}
	vocabPath := filepath.Join(dir, VocabFile)
	if _, err := os.Stat(vocabPath); err == nil {
		data, err := bertTokenizerJSON(dir, vocabPath)
		return data, vocabPath, err
	}
	return nil, dir, fmt.Errorf("%s: %w: no %s, %s or %s", dir, ErrMissing, TokenizerFile, SentencePieceFile, VocabFile)
}

// addedToken is an entry of tokenizer.json's added_tokens.
type addedToken struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

// xlmrTokenizerJSON is XLMRobertaConverter: a Unigram model over fairseq's
// four specials, the SentencePiece pieces from the fourth on (spm id k ≥ 3
// becomes k+1) and <mask>, unk id 3; the Precompiled normalizer of the
// model's charsmap; Metaspace pre-tokenization; <s> $A </s>.
func xlmrTokenizerJSON(path string) ([]byte, error) {
	proto, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pieces, charsmap, err := readSentencePiece(proto)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(pieces) < 3 {
		return nil, fmt.Errorf("%s: %w: %d pieces, want at least <unk>, <s> and </s>", path, ErrShape, len(pieces))
	}
	vocab := [][2]any{{"<s>", 0.0}, {"<pad>", 0.0}, {"</s>", 0.0}, {"<unk>", 0.0}}
	for _, p := range pieces[3:] {
		vocab = append(vocab, [2]any{p.piece, p.score})
	}
	vocab = append(vocab, [2]any{"<mask>", 0.0})
	var added []addedToken
	for i, t := range []string{"<s>", "<pad>", "</s>", "<unk>"} {
		added = append(added, addedToken{ID: i, Content: t, Special: true})
	}
	added = append(added, addedToken{ID: len(vocab) - 1, Content: "<mask>", LStrip: true, Special: true})
	metaspace := map[string]any{"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}
	return json.Marshal(map[string]any{
		"version": "1.0", "truncation": nil, "padding": nil, "added_tokens": added,
		"normalizer":     map[string]any{"type": "Precompiled", "precompiled_charsmap": base64.StdEncoding.EncodeToString(charsmap)},
		"pre_tokenizer":  metaspace,
		"post_processor": map[string]any{"type": "RobertaProcessing", "sep": []any{"</s>", 2}, "cls": []any{"<s>", 0}, "trim_offsets": true, "add_prefix_space": true},
		"decoder":        metaspace,
		"model":          map[string]any{"type": "Unigram", "unk_id": 3, "vocab": vocab},
	})
}

type spmPiece struct {
	piece string
	score float64
}

// readSentencePiece reads a SentencePiece ModelProto: its pieces (field 1:
// piece 1, score 2) and the normalizer's precompiled_charsmap (field 3,
// then 2).
func readSentencePiece(buf []byte) (pieces []spmPiece, charsmap []byte, err error) {
	err = protoFields(buf, func(field int, v []byte, fixed uint64) error {
		switch field {
		case 1:
			var p spmPiece
			err := protoFields(v, func(f int, v []byte, fixed uint64) error {
				switch f {
				case 1:
					p.piece = string(v)
				case 2:
					p.score = float64(math.Float32frombits(uint32(fixed)))
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("piece %d: %w", len(pieces), err)
			}
			pieces = append(pieces, p)
		case 3:
			return protoFields(v, func(f int, v []byte, _ uint64) error {
				if f == 2 {
					charsmap = v
				}
				return nil
			})
		}
		return nil
	})
	return pieces, charsmap, err
}

// errProto is a malformed protocol buffer.
var errProto = errors.New("malformed protocol buffer")

// protoFields calls fn on each field of a protocol buffer message: v for
// length-delimited fields, fixed for varint and fixed-size ones. The wire
// format is read by google.golang.org/protobuf's protowire.
func protoFields(buf []byte, fn func(field int, v []byte, fixed uint64) error) error {
	for len(buf) > 0 {
		num, typ, n := protowire.ConsumeTag(buf)
		if n < 0 {
			return fmt.Errorf("%w: %v", errProto, protowire.ParseError(n))
		}
		buf = buf[n:]
		var v []byte
		var fixed uint64
		switch typ {
		case protowire.VarintType:
			fixed, n = protowire.ConsumeVarint(buf)
		case protowire.Fixed64Type:
			fixed, n = protowire.ConsumeFixed64(buf)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(buf)
		case protowire.Fixed32Type:
			var f uint32
			f, n = protowire.ConsumeFixed32(buf)
			fixed = uint64(f)
		default:
			return fmt.Errorf("%w: wire type %d", errProto, typ)
		}
		if n < 0 {
			return fmt.Errorf("%w: %v", errProto, protowire.ParseError(n))
		}
		buf = buf[n:]
		if err := fn(int(num), v, fixed); err != nil {
			return err
		}
	}
	return nil
}

// bertTokenizerJSON is BertConverter: WordPiece over vocab.txt (a token a
// line, ids in line order, as BertTokenizer's load_vocab reads it) with BertNormalizer (do_lower_case and
// strip_accents from tokenizer_config.json; BertTokenizer's defaults are
// lower-casing and accents stripped when lower-casing), BertPreTokenizer
// and [CLS] $A [SEP].
func bertTokenizerJSON(dir, vocabPath string) ([]byte, error) {
	data, err := os.ReadFile(vocabPath)
	if err != nil {
		return nil, err
	}
	vocab := map[string]int{}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for i, t := range lines {
		vocab[t] = i // a repeated token keeps its last line, as load_vocab does
	}
	tc := struct {
		DoLowerCase  *bool `json:"do_lower_case"`
		StripAccents *bool `json:"strip_accents"`
	}{}
	if err := readJSON(filepath.Join(dir, "tokenizer_config.json"), &tc); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	lower := tc.DoLowerCase == nil || *tc.DoLowerCase
	var strip any
	if tc.StripAccents != nil {
		strip = *tc.StripAccents
	}
	specials := map[string]string{"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
		"mask_token": "[MASK]"}
	var smap map[string]any
	if err := readJSON(filepath.Join(dir, "special_tokens_map.json"), &smap); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for k := range specials {
		if s, ok := smap[k].(string); ok {
			specials[k] = s
		}
	}
	var added []addedToken
	for _, k := range []string{"pad_token", "unk_token", "cls_token", "sep_token", "mask_token"} {
		id, ok := vocab[specials[k]]
		if !ok {
			return nil, fmt.Errorf("%s: %w: %s %s", vocabPath, ErrMissing, k, specials[k])
		}
		added = append(added, addedToken{ID: id, Content: specials[k], Special: true})
	}
	sep, cls := specials["sep_token"], specials["cls_token"]
	return json.Marshal(map[string]any{
		"version": "1.0", "truncation": nil, "padding": nil, "added_tokens": added,
		"normalizer": map[string]any{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
			"strip_accents": strip, "lowercase": lower},
		"pre_tokenizer":  map[string]any{"type": "BertPreTokenizer"},
		"post_processor": map[string]any{"type": "BertProcessing", "sep": []any{sep, vocab[sep]}, "cls": []any{cls, vocab[cls]}},
		"decoder":        map[string]any{"type": "WordPiece", "prefix": "##", "cleanup": true},
		"model": map[string]any{"type": "WordPiece", "unk_token": specials["unk_token"], "continuing_subword_prefix": "##",
			"max_input_chars_per_word": 100, "vocab": vocab},
	})
}
