package dane

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/columns"
)

// Name is the dataset's identifier on the command line.
const Name = "dane"

// Files maps each split to its file name in ddt.zip and in the dataset
// folder.
var Files = map[string]string{
	"train": "ddt.train.conllu",
	"dev":   "ddt.dev.conllu",
	"test":  "ddt.test.conllu",
}

// Sizes of the official splits in sentences, from Hvingelby et al. (2020),
// as quoted in issue 2 (thesis Tables 3.2-3.4), and checked against the
// files (shared/data/SOURCES.md section 1).
const (
	TrainSentences = 4383
	DevSentences   = 564
	TestSentences  = 565
)

// splits lists the split names in their conventional order.
var splits = []string{"train", "dev", "test"}

// Dataset describes the DaNE benchmark.
var Dataset = benchmarks.Dataset{
	Name:   Name,
	Title:  "DaNE: R. Hvingelby, A. B. Pauli, M. Barrett, C. Rosted, L. M. Lidegaard and A. Søgaard, DaNE: A Named Entity Resource for Danish, LREC 2020",
	Splits: splits,
	Types:  []string{"LOC", "MISC", "ORG", "PER"},
	Source: "https://danlp-downloads.alexandra.dk/datasets/ddt.zip (DaNLP, Alexandra Institute); CC BY-SA 4.0",
	Load:   Load,
}

// Load reads split ("train", "dev" or "test") from dir, the folder that
// holds ddt.train.conllu, ddt.dev.conllu and ddt.test.conllu. When the
// split's CoNLL-U file is missing but the ScandEval JSON Lines copy is there
// (train.jsonl for train and dev, test.jsonl for test), Load reads that
// instead (LoadJSONL). When neither is there the error wraps
// fs.ErrNotExist.
func Load(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
	name, ok := Files[split]
	if !ok {
		return nil, columns.SplitError(Name, split, splits)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
		if _, jerr := os.Stat(filepath.Join(dir, jsonlFile(split))); jerr == nil {
			return LoadJSONL(ctx, dir, split)
		}
		return nil, fmt.Errorf("load %s %s: %w (nor is the ScandEval copy %s there)", Name, split, err, jsonlFile(split))
	}
	return columns.LoadSplit(ctx, Name, dir, split, Files, splits, ReadCoNLLU)
}

//go:embed embedded/ddt.test.conllu
var embeddedTest []byte

// EmbeddedFile is the name the embedded test split carries in
// Corpus.File and in errors.
const EmbeddedFile = "embedded:dane/ddt.test.conllu"

// LoadEmbedded returns the DaNE test split from the copy compiled into the
// program (CC BY-SA 4.0, see the package documentation).
func LoadEmbedded(ctx context.Context) (*benchmarks.Corpus, error) {
	return ReadCoNLLU(ctx, bytes.NewReader(embeddedTest), EmbeddedFile, "test")
}

// ReadCoNLLU parses one split in CoNLL-U from r; file names the input in
// errors. Each token line must have the ten CoNLL-U columns and a MISC field
// "name=TAG". Sentence IDs come from "# sent_id" comments, or are
// "<split>-<n>" for a sentence without one. Bad input gives a
// *benchmarks.ParseError.
func ReadCoNLLU(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error) {
	return columns.ReadCoNLLU(ctx, r, file, Name, split)
}

// JSONL file names of the ScandEval export.
const (
	TrainJSONL = "train.jsonl" // DaNE train (lines 1-4383) then dev (4384-4947)
	TestJSONL  = "test.jsonl"  // DaNE test
)

// jsonlFile returns the JSON Lines file of the ScandEval copy that holds
// split.
func jsonlFile(split string) string {
	if split == "test" {
		return TestJSONL
	}
	return TrainJSONL
}

// LoadJSONL reads split ("train", "dev" or "test") from the ScandEval JSON
// Lines export in dir: test from test.jsonl, train and dev from train.jsonl,
// whose lines 1-4383 are the train sentences and lines 4384-4947 the dev
// sentences (github.com/saattrupdan/ScandEval, commit
// ff6844572cd5235e59268d9a84a6b02263ab0646, data/datasets/dane/). The split
// is taken by line number, so train.jsonl must hold exactly 4947 sentences
// on lines 1-4947 and test.jsonl exactly 565; any other count is an error
// naming the file. Sentence IDs are "<split>-s<n>", n from 1 within the
// split, the sent_id pattern of the CoNLL-U files, so that either copy of
// the same split gives the same corpus hash.
func LoadJSONL(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
	if !slices.Contains(splits, split) {
		return nil, columns.SplitError(Name, split, splits)
	}
	path := filepath.Join(dir, jsonlFile(split))
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", Name, split, err)
	}
	defer f.Close()
	all, err := ReadJSONL(ctx, f, path, split)
	if err != nil {
		return nil, err
	}
	want := TestSentences
	if split != "test" {
		want = TrainSentences + DevSentences
	}
	if got := len(all.Sentences); got != want {
		return nil, &benchmarks.ParseError{File: path, Err: fmt.Errorf("got %d sentences, want %d (%s); not the ScandEval copy of DaNE", got, want, jsonlLayout(split))}
	}
	if last := all.Sentences[want-1].Line; last != want {
		return nil, &benchmarks.ParseError{File: path, Line: last, Err: fmt.Errorf("sentence %d is on line %d, want one sentence a line with no empty lines (%s)", want, last, jsonlLayout(split))}
	}
	sents := all.Sentences
	switch split {
	case "train":
		sents = sents[:TrainSentences]
	case "dev":
		sents = sents[TrainSentences:]
	}
	c := &benchmarks.Corpus{Dataset: Name, Split: split, File: path, Sentences: sents}
	for i := range c.Sentences {
		s := &c.Sentences[i]
		s.ID = fmt.Sprintf("%s-s%d", split, i+1)
		lines := sameLine(s)
		columns.NoteTypes(c, s.Tags, lines)
		c.Irregular = append(c.Irregular, columns.Irregular(s, lines)...)
	}
	return c, nil
}

// jsonlLayout describes what a file of the ScandEval copy holds.
func jsonlLayout(split string) string {
	if split == "test" {
		return fmt.Sprintf("DaNE test, %d lines", TestSentences)
	}
	return fmt.Sprintf("DaNE train on lines 1-%d, then dev on lines %d-%d", TrainSentences, TrainSentences+1, TrainSentences+DevSentences)
}

// jsonSentence is one line of the ScandEval export. Pointers tell a missing
// field from an empty one.
type jsonSentence struct {
	Tokens  *[]string `json:"tokens"`
	NERTags *[]string `json:"ner_tags"`
}

// ReadJSONL parses JSON Lines from r, one sentence a line with the fields
// "tokens" and "ner_tags" (further fields are ignored); file names the input
// in errors. Sentence IDs are "<split>-<n>" and Sentence.Line is the line
// number. Empty lines are skipped. Bad input gives a *benchmarks.ParseError.
func ReadJSONL(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error) {
	c := &benchmarks.Corpus{Dataset: Name, Split: split, File: file}
	lines := columns.NewLines(ctx, r, file)
	for {
		line, ok := lines.Next()
		if !ok {
			break
		}
		n := lines.Line()
		if columns.Blank(line) {
			continue
		}
		var js jsonSentence
		if err := json.Unmarshal([]byte(line), &js); err != nil {
			return nil, columns.Errorf(file, n, nil, "want a JSON object: %v", err)
		}
		switch {
		case js.Tokens == nil:
			return nil, columns.Errorf(file, n, benchmarks.ErrMissing, `no "tokens" field`)
		case js.NERTags == nil:
			return nil, columns.Errorf(file, n, benchmarks.ErrMissing, `no "ner_tags" field`)
		case len(*js.Tokens) != len(*js.NERTags):
			return nil, columns.Errorf(file, n, benchmarks.ErrColumns, "want as many ner_tags as tokens, got %d tags for %d tokens", len(*js.NERTags), len(*js.Tokens))
		case len(*js.Tokens) == 0:
			return nil, columns.Errorf(file, n, benchmarks.ErrMissing, "sentence has no tokens")
		}
		s := benchmarks.Sentence{
			ID:    fmt.Sprintf("%s-%d", split, len(c.Sentences)+1),
			Line:  n,
			Words: *js.Tokens,
			Tags:  *js.NERTags,
		}
		for i, w := range s.Words {
			if w == "" {
				return nil, columns.Errorf(file, n, benchmarks.ErrMissing, "empty word at token %d", i+1)
			}
			if err := columns.CheckTag(s.Tags[i]); err != nil {
				return nil, &benchmarks.ParseError{File: file, Line: n, Err: fmt.Errorf("token %d: %w", i+1, err)}
			}
		}
		columns.NoteTypes(c, s.Tags, sameLine(&s))
		c.Irregular = append(c.Irregular, columns.Irregular(&s, sameLine(&s))...)
		c.Sentences = append(c.Sentences, s)
	}
	if err := lines.Err(); err != nil {
		return nil, err
	}
	if len(c.Sentences) == 0 {
		return nil, &benchmarks.ParseError{File: file, Err: benchmarks.ErrEmpty}
	}
	return c, nil
}

// sameLine returns the file line of every tag of a JSONL sentence: all are
// on the sentence's line.
func sameLine(s *benchmarks.Sentence) []int {
	lines := make([]int, len(s.Tags))
	for i := range lines {
		lines[i] = s.Line
	}
	return lines
}
