// Command wordpiece trains a WordPiece vocabulary on the words of DaNE's
// train split with sugarme/tokenizer's trainer and writes it as vocab.txt
// for `nerbench train daluke --random` (make daluke-train-demo).
//
// Words are lower-cased and split as BERT's basic tokeniser splits them
// (runs of letters and digits; each other character alone), as the DaLUKE
// tokenizer does before WordPiece. [PAD], [UNK], [CLS], [SEP] and [MASK]
// get ids 0 to 4.
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

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/model/wordpiece"

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
	size := flag.Int("size", 8000, "vocabulary size")
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
	var added []tokenizer.AddedToken
	for _, s := range specials {
		added = append(added, tokenizer.NewAddedToken(s, true))
	}
	tr := wordpiece.NewWordPieceTrainerBuilder().VocabSize(size).MinFrequency(1).SpecialTokens(added).
		ShowProgress(false).Build()
	vocab := tr.Train(counts).GetVocab()
	type entry struct {
		tok string
		id  int
	}
	var rest []entry
	for t, id := range vocab {
		if !contains(specials, t) {
			rest = append(rest, entry{t, id})
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		if rest[i].id != rest[j].id {
			return rest[i].id < rest[j].id
		}
		return rest[i].tok < rest[j].tok
	})
	if err := atomicfile.Write(out, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for _, s := range specials {
			fmt.Fprintln(bw, s)
		}
		for _, e := range rest {
			fmt.Fprintln(bw, e.tok)
		}
		return bw.Flush()
	}); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d word pieces from %d DaNE train sentences\n", out, len(specials)+len(rest), len(c.Sentences))
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
