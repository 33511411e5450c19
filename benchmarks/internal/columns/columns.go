// Package columns reads the line-oriented, column-based NER formats that the
// benchmark readers share: one word a line, a tag in one of its columns, and
// sentences separated by empty or whitespace-only lines. It also checks tags,
// converts IOB1 to IOB2, finds irregular chunk sequences and builds the
// benchmarks.ParseError values that every reader returns.
//
// Readers in the dataset packages (dane, plank, wikiann, conll2003) describe
// their format with a Format and call Read, or use Lines and the helpers for
// formats Read does not cover (CoNLL-U).
package columns

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/nerbench/nerbench/benchmarks"
)

// detail is an error whose message is a precise description of the problem
// ("want 2 columns, got 3") and which wraps one of the benchmarks sentinels,
// so that errors.Is works while the message stays short.
type detail struct {
	msg string
	err error
}

func (e *detail) Error() string { return e.msg }
func (e *detail) Unwrap() error { return e.err }

// Detail returns an error that prints as the formatted message and wraps
// sentinel, which may be nil.
func Detail(sentinel error, format string, args ...any) error {
	return &detail{msg: fmt.Sprintf(format, args...), err: sentinel}
}

// Errorf returns a *benchmarks.ParseError at file:line whose message is the
// formatted text and which wraps sentinel (nil for none).
func Errorf(file string, line int, sentinel error, format string, args ...any) *benchmarks.ParseError {
	return &benchmarks.ParseError{File: file, Line: line, Err: Detail(sentinel, format, args...)}
}

// SplitError returns the error for a split name that dataset does not have:
// it wraps benchmarks.ErrSplit and lists the valid names.
func SplitError(dataset, split string, valid []string) error {
	return fmt.Errorf("%s: %w %q: want one of %s", dataset, benchmarks.ErrSplit, split, strings.Join(valid, ", "))
}

// ReadFunc parses one split from r; file names the input in errors.
type ReadFunc func(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error)

// LoadSplit opens the file of split inside dir and parses it with read.
// files maps each split name to its file name, and splits lists the split
// names in their conventional order for the error about an unknown split.
func LoadSplit(ctx context.Context, dataset, dir, split string, files map[string]string, splits []string, read ReadFunc) (*benchmarks.Corpus, error) {
	name, ok := files[split]
	if !ok {
		return nil, SplitError(dataset, split, splits)
	}
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", dataset, split, err)
	}
	defer f.Close()
	return read(ctx, f, path, split)
}

// CheckTag reports whether tag is "O", "B-X" or "I-X" with a non-empty type
// X. The error wraps benchmarks.ErrTag.
func CheckTag(tag string) error {
	if tag == "O" {
		return nil
	}
	if len(tag) > 2 && (tag[0] == 'B' || tag[0] == 'I') && tag[1] == '-' {
		if strings.TrimSpace(tag[2:]) == tag[2:] {
			return nil
		}
	}
	return Detail(benchmarks.ErrTag, "invalid tag %q: want O, B-TYPE or I-TYPE", tag)
}

// IOB1ToIOB2 returns tags with every chunk-initial I-X turned into B-X: an
// I-X starts a chunk when the previous tag is O, of another type, or absent.
// The tags must have passed CheckTag. The input is not modified.
func IOB1ToIOB2(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t
		if t[0] != 'I' {
			continue
		}
		if i == 0 || tags[i-1] == "O" || tags[i-1][2:] != t[2:] {
			out[i] = "B-" + t[2:]
		}
	}
	return out
}

// Irregular returns the places in an IOB2 sentence where a chunk starts with
// I-X instead of B-X, that is where I-X follows O, a tag of another type, or
// the sentence start. lines holds the file line of each tag. The tags must
// have passed CheckTag.
func Irregular(s *benchmarks.Sentence, lines []int) []benchmarks.Irregularity {
	var out []benchmarks.Irregularity
	for i, t := range s.Tags {
		if t[0] != 'I' {
			continue
		}
		var reason string
		switch {
		case i == 0:
			reason = fmt.Sprintf("%s starts the sentence", t)
		case s.Tags[i-1] == "O":
			reason = fmt.Sprintf("%s follows O", t)
		case s.Tags[i-1][2:] != t[2:]:
			reason = fmt.Sprintf("%s follows %s", t, s.Tags[i-1])
		default:
			continue
		}
		out = append(out, benchmarks.Irregularity{
			Sentence: s.ID, Line: lines[i], Word: i, Tag: t, Reason: reason,
		})
	}
	return out
}

// NoteTypes records in c.TypeLines the line of the first tag of each
// entity type among tags; lines holds the file line of each tag.
func NoteTypes(c *benchmarks.Corpus, tags []string, lines []int) {
	for i, t := range tags {
		if t == "O" || len(t) < 3 {
			continue
		}
		if c.TypeLines == nil {
			c.TypeLines = map[string]int{}
		}
		if _, ok := c.TypeLines[t[2:]]; !ok {
			c.TypeLines[t[2:]] = lines[i]
		}
	}
}

// Lines reads a text file line by line, keeping count of line numbers and
// checking that every line is valid UTF-8. A trailing "\n" or "\r\n" is
// removed from each line, and a UTF-8 byte order mark at the start of the
// file is skipped.
type Lines struct {
	ctx  context.Context
	r    *bufio.Reader
	file string
	line int
	err  error
}

// NewLines returns a Lines reading from r. file names the input in errors.
// Next returns ctx's error once ctx is done.
func NewLines(ctx context.Context, r io.Reader, file string) *Lines {
	return &Lines{ctx: ctx, r: bufio.NewReaderSize(r, 64<<10), file: file}
}

// Next returns the next line and true, or "" and false at the end of the
// input or on error; Err tells which.
func (l *Lines) Next() (string, bool) {
	if l.err != nil {
		return "", false
	}
	if l.line%1024 == 0 {
		if err := l.ctx.Err(); err != nil {
			l.err = err
			return "", false
		}
	}
	b, err := l.r.ReadBytes('\n')
	if len(b) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			l.err = fmt.Errorf("read %s: %w", l.file, err)
		} else {
			l.err = io.EOF
		}
		return "", false
	}
	if err != nil && !errors.Is(err, io.EOF) {
		l.err = fmt.Errorf("read %s: %w", l.file, err)
		return "", false
	}
	l.line++
	if l.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, size := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		l.err = Errorf(l.file, l.line, benchmarks.ErrEncoding, "invalid UTF-8 byte 0x%02x at column %d", b[off], off+1)
		return "", false
	}
	return string(b), true
}

// Line returns the 1-based number of the line Next returned last.
func (l *Lines) Line() int { return l.line }

// Err returns the error that stopped Next, or nil at a clean end of input.
func (l *Lines) Err() error {
	if errors.Is(l.err, io.EOF) {
		return nil
	}
	return l.err
}

// Blank reports whether line separates sentences: it is empty or holds
// only spaces and tabs.
func Blank(line string) bool {
	return strings.Trim(line, " \t") == ""
}

// Format describes a column format that Read can parse.
type Format struct {
	// Dataset and Split name the corpus being read; Split also prefixes the
	// sentence IDs ("<split>-<n>").
	Dataset, Split string
	// Columns is the exact number of columns each word line must have.
	Columns int
	// Sep separates columns; empty means runs of spaces and tabs.
	Sep string
	// WordColumn and TagColumn are the 0-based columns of word and tag.
	WordColumn, TagColumn int
	// Word, when not nil, maps the word column to the word (for example to
	// remove a language prefix). It returns an error for a malformed word.
	Word func(string) (string, error)
	// DocStart, when not empty, is the first column of a document-boundary
	// line ("-DOCSTART-"). Such lines are never words; each starts a new
	// document, and sentences are given Doc "<split>-d<n>".
	DocStart string
	// IOB1 says that the file's tags are IOB1: Read converts them to IOB2
	// and keeps the file's tags in OrigTags. Otherwise the tags are taken
	// as IOB2 and chunks that start with I- are reported as irregular.
	IOB1 bool
}

// Read parses a whole file in format f from r. file names the input in
// errors and in Corpus.File. Every error about the content is a
// *benchmarks.ParseError; an input without any sentence is an error
// wrapping benchmarks.ErrEmpty.
func Read(ctx context.Context, r io.Reader, file string, f Format) (*benchmarks.Corpus, error) {
	c := &benchmarks.Corpus{Dataset: f.Dataset, Split: f.Split, File: file}
	lines := NewLines(ctx, r, file)
	var (
		cur      benchmarks.Sentence
		tagLines []int
		doc      int
	)
	flush := func() {
		if len(cur.Words) == 0 {
			return
		}
		cur.ID = fmt.Sprintf("%s-%d", f.Split, len(c.Sentences)+1)
		if f.DocStart != "" {
			if doc == 0 {
				doc = 1 // sentences before the first boundary form a document
			}
			cur.Doc = fmt.Sprintf("%s-d%d", f.Split, doc)
		}
		NoteTypes(c, cur.Tags, tagLines)
		if f.IOB1 {
			cur.OrigTags = cur.Tags
			cur.Tags = IOB1ToIOB2(cur.Tags)
		} else {
			c.Irregular = append(c.Irregular, Irregular(&cur, tagLines)...)
		}
		c.Sentences = append(c.Sentences, cur)
		cur = benchmarks.Sentence{}
		tagLines = tagLines[:0]
	}
	for {
		line, ok := lines.Next()
		if !ok {
			break
		}
		if Blank(line) {
			flush()
			continue
		}
		var cols []string
		if f.Sep == "" {
			cols = strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' })
		} else {
			cols = strings.Split(line, f.Sep)
		}
		if f.DocStart != "" && cols[0] == f.DocStart {
			flush()
			doc++
			continue
		}
		if len(cols) != f.Columns {
			return nil, Errorf(file, lines.Line(), benchmarks.ErrColumns, "want %d columns, got %d", f.Columns, len(cols))
		}
		word, tag := cols[f.WordColumn], cols[f.TagColumn]
		if f.Word != nil {
			w, err := f.Word(word)
			if err != nil {
				return nil, &benchmarks.ParseError{File: file, Line: lines.Line(), Err: err}
			}
			word = w
		}
		if word == "" {
			return nil, Errorf(file, lines.Line(), benchmarks.ErrMissing, "empty word")
		}
		if err := CheckTag(tag); err != nil {
			return nil, &benchmarks.ParseError{File: file, Line: lines.Line(), Err: err}
		}
		if len(cur.Words) == 0 {
			cur.Line = lines.Line()
		}
		cur.Words = append(cur.Words, word)
		cur.Tags = append(cur.Tags, tag)
		tagLines = append(tagLines, lines.Line())
	}
	if err := lines.Err(); err != nil {
		return nil, err
	}
	flush()
	if len(c.Sentences) == 0 {
		return nil, &benchmarks.ParseError{File: file, Err: benchmarks.ErrEmpty}
	}
	return c, nil
}
