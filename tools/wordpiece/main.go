// Command wordpiece trains a WordPiece vocabulary on the words of DaNE's
// train split with sugarme/tokenizer's trainer and writes it as vocab.txt
// for `nerbench train daluke --random` (make daluke-train-demo).
//
// Words are lower-cased and split as BERT's basic tokeniser splits them
// (runs of letters and digits; each other character alone), as the DaLUKE
// tokenizer does before WordPiece. [PAD], [UNK], [CLS], [SEP] and [MASK]
// get ids 0 to 4.
//
// sugarme/tokenizer v0.3.0's trainers need three workarounds:
//
//   - Its WordPiece trainer writes the continuing-subword prefix with fmt's
//     %v of a pointer to the prefix, so every word's first character
//     becomes a token such as "0xc000123456h", no piece gets "##", and that
//     alphabet alone fills the vocabulary: every word of two or more
//     characters is [UNK]. So this command trains sugarme's BPE trainer (no
//     prefix, no suffix) on words whose non-initial characters are mapped
//     to private-use code points, and maps the learnt pieces back: a piece
//     that starts with a mapped character is a continuation and gets "##".
//     That is the WordPiece trainer of Hugging Face's tokenizers (BPE
//     merges over "##"-marked continuation characters).
//   - Given 10,000 word types or more, its pair counting splits them among
//     four workers but tests each worker's start index instead of the
//     position in the word, so only the first quarter of the words is
//     counted (DaNE train has 14,907 types: "og" stayed "o ##g", 2.2 pieces
//     per word). The trainer gets the 9,999 most frequent types, and every
//     character of the others through its initial alphabet.
//   - The special tokens it is given are lost (the alphabet's maps replace
//     the maps they were added to); they are added here instead.
//
// One quirk remains: a merge at a word's first piece does not count the
// new pair it forms with the next piece, so word-initial pieces grow only
// when the rest of the word merges first ("det" is "de ##t"). On DaNE
// train, the 8,000-piece vocabulary gives 1.48 pieces per word and no
// [UNK] word in DaNE dev. The trainer breaks ties between equally frequent
// pairs in Go's map order, so two runs give slightly different
// vocabularies.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/sugarme/tokenizer/model/bpe"

	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/atomicfile"
)

var specials = []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}

// basic splits a lower-cased word like BERT's basic tokeniser.
func basic(w string) []string {
	var out []string
	var run []rune
	flush := func() {
		if len(run) > 0 {
			out = append(out, string(run))
			run = run[:0]
		}
	}
	for _, r := range strings.ToLower(w) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			run = append(run, r)
		case unicode.IsSpace(r):
			flush()
		default:
			flush()
			out = append(out, string(r))
		}
	}
	flush()
	return out
}

func main() {
	dataDir := flag.String("data-dir", os.Getenv("NERBENCH_DATA"), "data folder holding dane/")
	size := flag.Int("size", 8000, "vocabulary size, the special tokens included")
	out := flag.String("out", "vocab.txt", "file to write")
	flag.Parse()
	if err := run(*dataDir, *size, *out); err != nil {
		fmt.Fprintln(os.Stderr, "wordpiece:", err)
		os.Exit(1)
	}
}

func run(dataDir string, size int, out string) error {
	if dataDir == "" {
		return fmt.Errorf("no data folder: pass -data-dir or set NERBENCH_DATA")
	}
	c, err := dane.Load(context.Background(), filepath.Join(dataDir, "dane"), "train")
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, s := range c.Sentences {
		for _, w := range s.Words {
			for _, p := range basic(w) {
				counts[p]++
			}
		}
	}
	vocab, err := train(counts, size)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(out, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for _, t := range vocab {
			fmt.Fprintln(bw, t)
		}
		return bw.Flush()
	}); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d word pieces from %d DaNE train sentences\n", out, len(vocab), len(c.Sentences))
	return nil
}

// firstPrivate is the first code point of Supplementary Private Use
// Area-A, where continuation characters are mapped during training.
const firstPrivate = 0xF0000

// maxWords is the most word types the trainer counts correctly.
const maxWords = 9999

// train learns a WordPiece vocabulary of at most size tokens from word
// counts: the special tokens, then the pieces in the order the trainer
// learnt them (single characters first). Words must not hold characters of
// the Supplementary Private Use Areas or the Unicode replacement character.
func train(counts map[string]int, size int) ([]string, error) {
	if size <= len(specials) {
		return nil, fmt.Errorf("vocabulary size %d: want more than the %d special tokens", size, len(specials))
	}
	// cont maps a continuation character to its private code point, back
	// its inverse.
	cont := map[rune]rune{}
	back := map[rune]rune{}
	marked := make(map[string]int, len(counts))
	for w, n := range counts {
		var b strings.Builder
		for i, r := range []rune(w) {
			if r >= firstPrivate || r == unicode.ReplacementChar {
				return nil, fmt.Errorf("word %q holds %U, which the trainer's marking of continuation characters reserves", w, r)
			}
			if i > 0 {
				p, ok := cont[r]
				if !ok {
					p = firstPrivate + rune(len(cont))
					cont[r], back[p] = p, r
				}
				r = p
			}
			b.WriteRune(r)
		}
		marked[b.String()] += n
	}
	// The trainer counts the pairs of only the first quarter of the words
	// when it is given 10,000 or more (countPairs tests its worker's start
	// index, not the position in the word): keep the most frequent 9,999,
	// and every character of the others in the alphabet.
	alphabet := bpe.CharSet{}
	for w := range marked {
		for _, r := range w {
			alphabet[string(r)] = struct{}{}
		}
	}
	if len(marked) > maxWords {
		types := make([]string, 0, len(marked))
		for w := range marked {
			types = append(types, w)
		}
		sort.Slice(types, func(i, j int) bool {
			if marked[types[i]] != marked[types[j]] {
				return marked[types[i]] > marked[types[j]]
			}
			return types[i] < types[j]
		})
		for _, w := range types[maxWords:] {
			delete(marked, w)
		}
	}
	tb := bpe.NewBPETrainerBuilder()
	tb.InitialAlphabet(alphabet)
	tb.VocabSize(size - len(specials))
	tb.MinFrequency(1)
	tb.ShowProgress(false)
	m, _ := tb.Build().Train(marked)
	type entry struct {
		tok string
		id  int
	}
	var pieces []entry
	for t, id := range m.GetVocab() {
		var b strings.Builder
		for i, r := range []rune(t) {
			if o, ok := back[r]; ok {
				if i == 0 {
					b.WriteString("##")
				}
				r = o
			} else if i > 0 {
				return nil, fmt.Errorf("the trainer learnt %q, a word-initial character inside a piece", t)
			}
			b.WriteRune(r)
		}
		pieces = append(pieces, entry{b.String(), id})
	}
	sort.Slice(pieces, func(i, j int) bool {
		if pieces[i].id != pieces[j].id {
			return pieces[i].id < pieces[j].id
		}
		return pieces[i].tok < pieces[j].tok
	})
	out := append([]string(nil), specials...)
	seen := map[string]bool{}
	for _, s := range specials {
		seen[s] = true
	}
	for _, p := range pieces {
		if !seen[p.tok] {
			seen[p.tok] = true
			out = append(out, p.tok)
		}
	}
	if len(out) > size {
		return nil, fmt.Errorf("the trainer returned %d pieces, more than the %d asked for", len(out)-len(specials), size-len(specials))
	}
	return out, nil
}
