// Package predfile reads predictions made elsewhere, so that they can be
// scored as a model: a CoNLL-style file with one word per line, in two
// whitespace-separated columns "word pred" or three "word gold pred", and
// sentences separated by blank lines. Every line of a file has the same
// number of columns. Lines "-DOCSTART- ..." are document markers and are
// skipped, with the blank line after them.
//
// Align checks such a file against the gold corpus, word by word, and
// refuses any difference, naming the file line and the corpus sentence.
package predfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/nerbench/nerbench/benchmarks"
)

// Sentence is one sentence of a predictions file.
type Sentence struct {
	Line  int      // 1-based line of the first word
	Words []string // the words
	Gold  []string // the gold tags of a three-column file; nil otherwise
	Pred  []string // the predicted tags
}

// File is a predictions file.
type File struct {
	Path      string
	Columns   int // 2 or 3
	Sentences []Sentence
}

// Errors wrapped in a *benchmarks.ParseError.
var (
	ErrColumns  = errors.New("wrong number of columns")
	ErrTag      = errors.New("not a tag")
	ErrMismatch = errors.New("predictions do not match the corpus")
)

// Read reads the predictions file at path.
func Read(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("predictions: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a predictions file from r; name names it in errors, which
// are *benchmarks.ParseError with the line.
func Parse(r io.Reader, name string) (*File, error) {
	out := &File{Path: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	var cur *Sentence
	line := 0
	perr := func(err error, format string, args ...any) error {
		return &benchmarks.ParseError{File: name, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{err}, args...)...)}
	}
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			if cur != nil {
				out.Sentences = append(out.Sentences, *cur)
				cur = nil
			}
			continue
		}
		if strings.HasPrefix(text, "-DOCSTART-") {
			if cur != nil {
				return nil, perr(ErrColumns, "-DOCSTART- inside a sentence; want a blank line before it")
			}
			continue
		}
		cols := strings.Fields(text)
		if out.Columns == 0 {
			if len(cols) != 2 && len(cols) != 3 {
				return nil, perr(ErrColumns, "want 2 columns (word pred) or 3 (word gold pred), got %d", len(cols))
			}
			out.Columns = len(cols)
		}
		if len(cols) != out.Columns {
			return nil, perr(ErrColumns, "want %d columns like the first line, got %d", out.Columns, len(cols))
		}
		for _, t := range cols[1:] {
			if !isTag(t) {
				return nil, perr(ErrTag, "%q: want O or PREFIX-TYPE (B-, I-, E-, S-, L-, U-)", t)
			}
		}
		if cur == nil {
			cur = &Sentence{Line: line}
		}
		cur.Words = append(cur.Words, cols[0])
		if out.Columns == 3 {
			cur.Gold = append(cur.Gold, cols[1])
		}
		cur.Pred = append(cur.Pred, cols[len(cols)-1])
	}
	if err := sc.Err(); err != nil {
		return nil, &benchmarks.ParseError{File: name, Line: line + 1, Err: err}
	}
	if cur != nil {
		out.Sentences = append(out.Sentences, *cur)
	}
	if len(out.Sentences) == 0 {
		return nil, &benchmarks.ParseError{File: name, Err: fmt.Errorf("%w: no sentences", ErrColumns)}
	}
	return out, nil
}

// isTag reports whether t is O or a prefixed tag with a type.
func isTag(t string) bool {
	if t == "O" {
		return true
	}
	p, typ, ok := strings.Cut(t, "-")
	return ok && typ != "" && len(p) == 1 && strings.Contains("BIESLU", p)
}

// Types returns the entity types of the predicted tags, sorted.
func (f *File) Types() []string {
	var types []string
	for _, s := range f.Sentences {
		for _, t := range s.Pred {
			if _, typ, ok := strings.Cut(t, "-"); ok && !slices.Contains(types, typ) {
				types = append(types, typ)
			}
		}
	}
	slices.Sort(types)
	return types
}

// Align checks f against the gold corpus c, sentence by sentence and word
// by word (and, in a three-column file, gold tag by gold tag), and returns
// the predicted tags of each corpus sentence. Any difference is a
// *benchmarks.ParseError wrapping ErrMismatch that names the file line and
// the corpus sentence.
func (f *File) Align(c *benchmarks.Corpus) ([][]string, error) {
	mismatch := func(line int, format string, args ...any) error {
		return &benchmarks.ParseError{File: f.Path, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{ErrMismatch}, args...)...)}
	}
	out := make([][]string, len(c.Sentences))
	for i, g := range c.Sentences {
		if i >= len(f.Sentences) {
			return nil, mismatch(0, "the file has %d sentences, %s %s has %d (its sentence %d, %s, has no predictions)",
				len(f.Sentences), c.Dataset, c.Split, len(c.Sentences), i+1, g.ID)
		}
		s := f.Sentences[i]
		for j := range max(len(s.Words), len(g.Words)) {
			line := s.Line + min(j, len(s.Words)-1)
			switch {
			case j >= len(s.Words):
				return nil, mismatch(line, "sentence %d (%s) ends after %d words, the corpus sentence has %d (next word %q)", i+1, g.ID, len(s.Words), len(g.Words), g.Words[j])
			case j >= len(g.Words):
				return nil, mismatch(s.Line+j, "sentence %d (%s) has %d words, the file has more: %q", i+1, g.ID, len(g.Words), s.Words[j])
			case s.Words[j] != g.Words[j]:
				return nil, mismatch(s.Line+j, "sentence %d (%s), word %d: got %q, the corpus has %q", i+1, g.ID, j+1, s.Words[j], g.Words[j])
			case s.Gold != nil && s.Gold[j] != g.Tags[j]:
				return nil, mismatch(s.Line+j, "sentence %d (%s), word %d %q: gold tag %s, the corpus has %s", i+1, g.ID, j+1, s.Words[j], s.Gold[j], g.Tags[j])
			}
		}
		out[i] = s.Pred
	}
	if len(f.Sentences) > len(c.Sentences) {
		extra := f.Sentences[len(c.Sentences)]
		return nil, mismatch(extra.Line, "the file has %d sentences, %s %s has %d", len(f.Sentences), c.Dataset, c.Split, len(c.Sentences))
	}
	return out, nil
}
