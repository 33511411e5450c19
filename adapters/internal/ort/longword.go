package ort

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/sugarme/tokenizer"
)

// longWords handles words longer than a WordPiece model's
// max_input_chars_per_word, the way Hugging Face tokenizers do, without
// handing them to sugarme/tokenizer, whose normalised strings keep
// per-byte alignments (a 1 MiB word took gigabytes and seconds).
//
// Hugging Face's BERT pipeline normalises a word (BertNormalizer), splits
// it at whitespace and around each punctuation mark and CJK character
// (BertPreTokenizer), and gives each piece to WordPiece, which emits the
// unknown token for a piece of more than max_input_chars_per_word
// characters (tokenizers/src/models/wordpiece/mod.rs). longWord makes the
// same split on a long word: a piece that is still too long after
// normalisation becomes [UNK] at once, and each other piece, now short, is
// tokenised as before. Normal words never take this path.
type longWords struct {
	maxChars int
	unkID    int64
	// Normaliser settings that change what counts as a character.
	cleanText, chineseChars, stripAccents bool
}

// newLongWords reads the WordPiece limit of tokenizer.json; nil, nil when
// the tokenizer is not a WordPiece model behind a BertPreTokenizer.
func newLongWords(raw tokenizerJSON, tk *tokenizer.Tokenizer, nfd bool) (*longWords, error) {
	if raw.Model.Type != "WordPiece" || raw.PreTokenizer["type"] != "BertPreTokenizer" {
		return nil, nil
	}
	lw := &longWords{maxChars: 100, stripAccents: nfd} // 100: WordPiece's default
	if raw.Model.MaxInputCharsPerWord != nil {
		lw.maxChars = *raw.Model.MaxInputCharsPerWord
	}
	unk := raw.Model.UnkToken
	if unk == "" {
		unk = "[UNK]"
	}
	id, ok := tk.TokenToId(unk)
	if !ok {
		return nil, fmt.Errorf("model: unk_token %q is not in the vocabulary", unk)
	}
	lw.unkID = int64(id)
	if bn, ok := bertNormalizer(raw.Normalizer); ok {
		lw.cleanText, lw.chineseChars = bn.CleanText, bn.HandleChineseChars
	}
	return lw, nil
}

// longWord tokenises s, a word of more than maxChars characters, already
// in the form the tokenizer is given (NFC, or NFD before accent
// stripping).
func (wt *wordTokenizer) longWord(s string) ([]int64, error) {
	lw := wt.long
	var ids []int64
	start, chars := -1, 0 // the current piece: its start and its characters after normalisation
	flush := func(end int) error {
		if start < 0 {
			return nil
		}
		piece := s[start:end]
		start = -1
		if chars > lw.maxChars {
			ids = append(ids, lw.unkID)
			return nil
		}
		if chars == 0 {
			return nil // only characters that normalisation removes
		}
		enc, err := wt.encode(piece)
		if err != nil {
			return err
		}
		for _, id := range enc.GetIds() {
			ids = append(ids, int64(id))
		}
		return nil
	}
	for i, r := range s {
		switch {
		case lw.cleanText && (r == 0 || r == utf8.RuneError || isBertControl(r)):
			// removed by clean_text: part of no piece, and not counted
			if start >= 0 {
				continue
			}
		case isBertWhitespace(r):
			if err := flush(i); err != nil {
				return nil, err
			}
			continue
		case isBertPunctuation(r) || (lw.chineseChars && isCJK(r)):
			if err := flush(i); err != nil {
				return nil, err
			}
			start, chars = i, 1
			if err := flush(i + utf8.RuneLen(r)); err != nil {
				return nil, err
			}
			continue
		}
		if start < 0 {
			start, chars = i, 0
		}
		if !(lw.stripAccents && unicode.Is(unicode.Mn, r)) && !(lw.cleanText && (r == 0 || r == utf8.RuneError || isBertControl(r))) {
			chars++
		}
	}
	if err := flush(len(s)); err != nil {
		return nil, err
	}
	return ids, nil
}

// isBertWhitespace is BertPreTokenizer's whitespace: space, tab, newline,
// carriage return and the Zs category.
func isBertWhitespace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || unicode.Is(unicode.Zs, r)
}

// isBertControl is the control class that BertNormalizer's clean_text
// removes: Cc and Cf, except tab, newline and carriage return.
func isBertControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf)
}

// isBertPunctuation is BertPreTokenizer's punctuation: the ASCII
// non-alphanumeric symbols and the P categories.
func isBertPunctuation(r rune) bool {
	if (r >= 33 && r <= 47) || (r >= 58 && r <= 64) || (r >= 91 && r <= 96) || (r >= 123 && r <= 126) {
		return true
	}
	return unicode.IsPunct(r)
}

// isCJK reports whether r is a CJK ideograph that BertNormalizer puts
// spaces around.
func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x20000 && r <= 0x2A6DF) ||
		(r >= 0x2A700 && r <= 0x2B73F) || (r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B820 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}
