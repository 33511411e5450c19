package daluke

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixtureDir holds luke's parity fixture: vocab.txt, the archives and
// reference.json, written by luke/testdata/reference.py.
const fixtureDir = "../../luke/testdata"

type referenceText struct {
	Words  []string  `json:"words"`
	Pieces [][]int64 `json:"pieces"`
	Tags   []string  `json:"tags"`
}

func readReferenceTexts(t *testing.T) []referenceText {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Texts []referenceText `json:"texts"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Texts
}

// TestTokenizerReference compares the word pieces with those of the
// reference's own BERT tokenizer (luke/testdata/reference.py): lower case,
// accents kept, punctuation split off, [UNK] for words without a match.
func TestTokenizerReference(t *testing.T) {
	tok, err := ReadTokenizer(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range readReferenceTexts(t) {
		got, err := tok.Words(text.Words)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(text.Pieces, got); diff != "" {
			t.Errorf("text %d pieces mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestTokenizerWords(t *testing.T) {
	tok, err := ReadTokenizer(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	vocab, err := readVocabTxt(filepath.Join(fixtureDir, vocabFile))
	if err != nil {
		t.Fatal(err)
	}
	ids := func(toks ...string) []int64 {
		out := make([]int64, len(toks))
		for i, s := range toks {
			id, ok := vocab[s]
			if !ok {
				t.Fatalf("fixture vocabulary lacks %q", s)
			}
			out[i] = int64(id)
		}
		return out
	}
	tests := []struct {
		word string
		want []int64
	}{
		{"København", ids("køben", "##havn")}, // lower-cased, ø kept
		{"ÆRØ", ids("ærø")},
		{"café", ids("café")},             // the accent is kept, not stripped to "cafe"
		{"fodbold.", ids("fodbold", ".")}, // punctuation splits off
		{"\u2603", ids("[UNK]")},          // no match
		{"\u200b", ids("[UNK]")},          // no piece at all: one [UNK]
		{"[MASK]", ids("[MASK]")},
		{"s[MASK]", ids("s", "[MASK]")},
		{"2\u00a0000", ids("2", "0", "##0", "##0")}, // a no-break space splits, as in Hugging Face
	}
	for _, tc := range tests {
		t.Run(tc.word, func(t *testing.T) {
			got, err := tok.Word(tc.word)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pieces mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadTokenizerJSON(t *testing.T) {
	vocab, err := readVocabTxt(filepath.Join(fixtureDir, vocabFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data, err := json.Marshal(map[string]any{"model": map[string]any{"type": "WordPiece", "vocab": vocab}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, tokenizerFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := ReadTokenizer(dir)
	if err != nil {
		t.Fatal(err)
	}
	text := readReferenceTexts(t)[0]
	got, err := tok.Words(text.Words)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(text.Pieces, got); diff != "" {
		t.Errorf("pieces mismatch (-want +got):\n%s", diff)
	}
}

func TestReadTokenizerErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := ReadTokenizer(empty); !errors.Is(err, ErrNoTokenizer) ||
		!strings.Contains(err.Error(), "Maltehb/danish-bert-botxo") {
		t.Errorf("got error %v, want ErrNoTokenizer naming Maltehb/danish-bert-botxo", err)
	}
	noCLS := t.TempDir()
	if err := os.WriteFile(filepath.Join(noCLS, vocabFile), []byte("[PAD]\n[UNK]\n[SEP]\n[MASK]\na\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTokenizer(noCLS); err == nil || !strings.Contains(err.Error(), "[CLS]") {
		t.Errorf("got error %v, want one naming [CLS]", err)
	}
	dup := t.TempDir()
	if err := os.WriteFile(filepath.Join(dup, vocabFile), []byte("[PAD]\na\na\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTokenizer(dup); err == nil || !strings.Contains(err.Error(), "vocab.txt:3") {
		t.Errorf("got error %v, want one naming vocab.txt:3", err)
	}
}
