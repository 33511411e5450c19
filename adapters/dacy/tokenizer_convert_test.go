package dacy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The slow-tokenizer conversion reports bad files by name. (Its output is
// checked piece by piece against reference.py's tokenization of the same
// files by the pipeline tests: the libtorch engine reads no tokenizer.json.)
func TestConvertTokenizerErrors(t *testing.T) {
	model := filepath.Join("transformer", "model")
	tests := []struct {
		name     string
		pkg      string
		change   func(t *testing.T, dir string)
		sentinel error
		mention  []string
	}{
		{"truncated sentencepiece model", "tiny-xlmr", func(t *testing.T, dir string) {
			p := filepath.Join(dir, SentencePieceFile)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data[:len(data)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}, errProto, []string{SentencePieceFile}},
		{"no pad token", "tiny-bert", func(t *testing.T, dir string) {
			p := filepath.Join(dir, VocabFile)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(data), "[PAD]\n", "[PAD0]\n", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, ErrMissing, []string{VocabFile, "pad_token [PAD]"}},
		{"no tokenizer files", "tiny-bert", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, VocabFile)); err != nil {
				t.Fatal(err)
			}
		}, ErrMissing, []string{TokenizerFile, SentencePieceFile, VocabFile}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(copyPackage(t, filepath.Join("testdata", tc.pkg)), model)
			tc.change(t, dir)
			_, err := loadTokenizer(dir, 0)
			wantError(t, err, tc.sentinel, tc.mention)
		})
	}
}
