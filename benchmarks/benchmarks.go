package benchmarks

import (
	"context"
	"errors"
	"fmt"
)

// Sentence is one word-tokenised sentence with its gold tags.
type Sentence struct {
	// ID identifies the sentence within its split: the CoNLL-U sent_id where
	// the file has one, otherwise "<split>-<n>" with n counting from 1.
	ID string
	// Doc names the document the sentence belongs to, for formats with
	// document boundaries (CoNLL-2003: "<split>-d<n>", n from 1); empty
	// otherwise.
	Doc string
	// Line is the 1-based line of the file on which the sentence starts
	// (the line number within a JSONL file).
	Line int
	// Words holds the tokens as written in the file.
	Words []string
	// Tags holds one IOB2 tag per word.
	Tags []string
	// OrigTags holds the tags as written in the file when the reader
	// converted them (IOB1 to IOB2); nil when Tags are the file's own.
	OrigTags []string
}

// Irregularity records a tag sequence that is well formed tag by tag but
// not as a chunk sequence, such as I-LOC right after I-PER. Readers keep such
// tags unchanged and report them.
type Irregularity struct {
	Sentence string // Sentence.ID
	Line     int    // 1-based file line of the irregular tag
	Word     int    // 0-based word index within the sentence
	Tag      string
	Reason   string
}

// Corpus is one split of one dataset.
type Corpus struct {
	Dataset   string
	Split     string
	File      string // the file the split was read from
	Sentences []Sentence
	Irregular []Irregularity
	// TypeLines maps each entity type found in the tags to the 1-based
	// file line of its first tag. Readers fill it so that CheckTypes can
	// name the line of an unknown type.
	TypeLines map[string]int
}

// Dataset describes a benchmark and how to read its splits.
type Dataset struct {
	// Name is the identifier used on the command line ("dane").
	Name string
	// Title is the human-readable name with its citation.
	Title string
	// Splits lists the split names in their conventional order.
	Splits []string
	// Types lists the entity types the dataset annotates, sorted.
	Types []string
	// Source says where the data comes from and under which licence.
	Source string
	// Load reads one split from dir, the dataset's own folder inside the data
	// directory (for example <data-dir>/dane). It does not check the
	// entity types against Types; Open does.
	Load func(ctx context.Context, dir, split string) (*Corpus, error)
}

// Tagger is what the runner needs from a model: tags for a batch of
// word-tokenised sentences, one tag per word, in IOB2.
type Tagger interface {
	Tag(ctx context.Context, sentences [][]string) ([][]string, error)
}

// Errors wrapped by ParseError.
var (
	ErrColumns  = errors.New("wrong number of columns")
	ErrTag      = errors.New("invalid tag")
	ErrEncoding = errors.New("invalid UTF-8")
	ErrEmpty    = errors.New("no sentences")
	ErrMissing  = errors.New("missing field")
	ErrSplit    = errors.New("unknown split")
)

// ParseError reports bad input at a file position. It prints as
// "dane/ddt.train.conllu:1042: want 10 columns, got 3".
type ParseError struct {
	File string
	Line int // 1-based; 0 when the error concerns the whole file
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
