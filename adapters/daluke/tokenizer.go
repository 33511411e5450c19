package daluke

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/model"
	"github.com/sugarme/tokenizer/model/wordpiece"
	"github.com/sugarme/tokenizer/normalizer"
	"github.com/sugarme/tokenizer/pretokenizer"

	"github.com/nerbench/nerbench/luke"
)

// Tokenizer files searched for in the model folder, in order.
const (
	vocabFile     = "vocab.txt"
	tokenizerFile = "tokenizer.json"
)

// ErrNoTokenizer reports a model folder without Danish BERT's tokenizer.
var ErrNoTokenizer = errors.New("no tokenizer: put vocab.txt or tokenizer.json of " +
	"Maltehb/danish-bert-botxo (https://huggingface.co/Maltehb/danish-bert-botxo) in the model folder; " +
	"the DaLUKE archives ship none")

// Tokenizer splits words into Danish BERT word pieces, one word at a time.
type Tokenizer struct {
	tk                     *tokenizer.Tokenizer
	cls, sep, unk, maskTok int64
	vocabSize              int
	tokens                 []string // by id
}

const maskToken = "[MASK]"

// NewTokenizer builds the tokenizer from a WordPiece vocabulary (token to
// id) with [UNK], [CLS], [SEP] and [MASK].
func NewTokenizer(vocab map[string]int) (*Tokenizer, error) {
	t := &Tokenizer{vocabSize: len(vocab)}
	for _, s := range []struct {
		tok string
		id  *int64
	}{{"[CLS]", &t.cls}, {"[SEP]", &t.sep}, {"[UNK]", &t.unk}, {maskToken, &t.maskTok}} {
		id, ok := vocab[s.tok]
		if !ok {
			return nil, fmt.Errorf("vocabulary lacks %s", s.tok)
		}
		*s.id = int64(id)
	}
	v := make(model.Vocab, len(vocab))
	t.tokens = make([]string, len(vocab))
	for k, id := range vocab {
		if id < 0 || id >= len(vocab) {
			return nil, fmt.Errorf("token %q has id %d, want ids 0 to %d", k, id, len(vocab)-1)
		}
		v[k] = id
		t.tokens[id] = k
	}
	wp := wordpiece.NewWordPieceBuilder().Vocab(&v).UnkToken("[UNK]").
		ContinuingSubwordPrefix("##").MaxInputCharsPerWord(100).Build()
	t.tk = tokenizer.NewTokenizer(wp)
	// Danish BERT as DaLUKE used it: clean text, CJK padding, lower case,
	// accents kept (spec §2.1).
	t.tk.WithNormalizer(normalizer.NewBertNormalizer(true, true, true, false))
	t.tk.WithPreTokenizer(pretokenizer.NewBertPreTokenizer())
	return t, nil
}

// ReadTokenizer reads vocab.txt, or else tokenizer.json, from dir.
func ReadTokenizer(dir string) (*Tokenizer, error) {
	file := filepath.Join(dir, vocabFile)
	vocab, err := readVocabTxt(file)
	if errors.Is(err, os.ErrNotExist) {
		file = filepath.Join(dir, tokenizerFile)
		vocab, err = readTokenizerJSON(file)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", dir, ErrNoTokenizer)
		}
	}
	if err != nil {
		return nil, err
	}
	t, err := NewTokenizer(vocab)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}

// readVocabTxt reads one token per line; the line number, from 0, is the id.
func readVocabTxt(file string) (map[string]int, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vocab := make(map[string]int)
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		tok := sc.Text()
		if _, dup := vocab[tok]; dup {
			return nil, fmt.Errorf("%s:%d: token %q repeats", file, n+1, tok)
		}
		vocab[tok] = n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return vocab, nil
}

// readTokenizerJSON takes the WordPiece vocabulary of a Hugging Face
// tokenizer.json; its normaliser settings are ignored (see the package doc).
func readTokenizerJSON(file string) (map[string]int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var tj struct {
		Model struct {
			Type  string         `json:"type"`
			Vocab map[string]int `json:"vocab"`
		} `json:"model"`
	}
	if err := json.Unmarshal(data, &tj); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if tj.Model.Type != "WordPiece" || len(tj.Model.Vocab) == 0 {
		return nil, fmt.Errorf("%s: model type %q with %d tokens, want a WordPiece vocabulary", file,
			tj.Model.Type, len(tj.Model.Vocab))
	}
	return tj.Model.Vocab, nil
}

// Word returns the word pieces of one word, at least one: a word that
// yields none becomes [UNK]. "[MASK]" inside a word is the mask token, as
// Hugging Face tokenizers split special tokens out before tokenising the
// rest.
func (t *Tokenizer) Word(word string) ([]int64, error) {
	// Hugging Face's BERT normaliser and pre-tokeniser treat every Unicode
	// space (category Zs, such as U+00A0) as whitespace; sugarme/tokenizer
	// only ASCII ones.
	word = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) {
			return ' '
		}
		return r
	}, word)
	var out []int64
	for i, part := range strings.Split(word, maskToken) {
		if i > 0 {
			out = append(out, t.maskTok)
		}
		if part == "" {
			continue
		}
		enc, err := t.tk.EncodeSingle(part, false)
		if err != nil {
			return nil, fmt.Errorf("tokenize %q: %w", word, err)
		}
		for _, id := range enc.GetIds() {
			out = append(out, int64(id))
		}
	}
	if len(out) == 0 {
		return []int64{t.unk}, nil
	}
	return out, nil
}

// Token returns the word piece with the given id, "" if there is none.
func (t *Tokenizer) Token(id int64) string {
	if id < 0 || id >= int64(len(t.tokens)) {
		return ""
	}
	return t.tokens[id]
}

// Words returns the word pieces of each word.
func (t *Tokenizer) Words(words []string) ([][]int64, error) {
	out := make([][]int64, len(words))
	for i, w := range words {
		p, err := t.Word(w)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// Special returns the ids of [CLS] and [SEP], which frame each sequence.
func (t *Tokenizer) Special() luke.SpecialIDs { return luke.SpecialIDs{CLS: t.cls, SEP: t.sep} }

// VocabSize returns the number of word pieces in the vocabulary.
func (t *Tokenizer) VocabSize() int { return t.vocabSize }
