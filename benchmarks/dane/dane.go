package dane

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
// holds ddt.train.conllu, ddt.dev.conllu and ddt.test.conllu.
func Load(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
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
	c := &benchmarks.Corpus{Dataset: Name, Split: split, File: file}
	lines := columns.NewLines(ctx, r, file)
	var (
		cur      benchmarks.Sentence
		tagLines []int
		sentID   string
		start    int // first line of the current block, comments included
	)
	flush := func() error {
		if len(cur.Words) == 0 {
			if start != 0 {
				return columns.Errorf(file, start, benchmarks.ErrMissing, "sentence has comments but no tokens")
			}
			return nil
		}
		cur.ID = sentID
		if cur.ID == "" {
			cur.ID = fmt.Sprintf("%s-%d", split, len(c.Sentences)+1)
		}
		cur.Line = start
		c.Irregular = append(c.Irregular, columns.Irregular(&cur, tagLines)...)
		c.Sentences = append(c.Sentences, cur)
		cur, tagLines, sentID, start = benchmarks.Sentence{}, nil, "", 0
		return nil
	}
	for {
		line, ok := lines.Next()
		if !ok {
			break
		}
		n := lines.Line()
		if columns.Blank(line) {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		if start == 0 {
			start = n
		}
		if strings.HasPrefix(line, "#") {
			if id, ok := commentValue(line, "sent_id"); ok {
				sentID = id
			}
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 10 {
			return nil, columns.Errorf(file, n, benchmarks.ErrColumns, "want 10 columns, got %d", len(cols))
		}
		id := cols[0]
		if strings.Contains(id, "-") || strings.Contains(id, ".") {
			continue // multiword token or empty node: not a word of the sentence
		}
		if k, err := strconv.Atoi(id); err != nil || k < 1 {
			return nil, columns.Errorf(file, n, nil, "invalid token ID %q: want a positive integer, a range or a decimal", id)
		}
		word := cols[1]
		if word == "" {
			return nil, columns.Errorf(file, n, benchmarks.ErrMissing, "empty word")
		}
		tag, ok := nameTag(cols[9])
		if !ok {
			return nil, columns.Errorf(file, n, benchmarks.ErrMissing, "no name= field in MISC %q", cols[9])
		}
		if err := columns.CheckTag(tag); err != nil {
			return nil, &benchmarks.ParseError{File: file, Line: n, Err: err}
		}
		cur.Words = append(cur.Words, word)
		cur.Tags = append(cur.Tags, tag)
		tagLines = append(tagLines, n)
	}
	if err := lines.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(c.Sentences) == 0 {
		return nil, &benchmarks.ParseError{File: file, Err: benchmarks.ErrEmpty}
	}
	return c, nil
}

// commentValue returns the value of a "# key = value" comment.
func commentValue(line, key string) (string, bool) {
	rest := strings.TrimSpace(strings.TrimPrefix(line, "#"))
	rest, ok := strings.CutPrefix(rest, key)
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	rest, ok = strings.CutPrefix(rest, "=")
	if !ok {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// nameTag returns the value of the "name=" field among the "|"-separated
// MISC fields.
func nameTag(misc string) (string, bool) {
	for field := range strings.SplitSeq(misc, "|") {
		if tag, ok := strings.CutPrefix(field, "name="); ok {
			return tag, true
		}
	}
	return "", false
}

// JSONL file names of the ScandEval export.
const (
	TrainJSONL = "train.jsonl" // DaNE train (lines 1-4383) then dev (4384-4947)
	TestJSONL  = "test.jsonl"  // DaNE test
)

// LoadJSONL reads split ("train", "dev" or "test") from the ScandEval JSON
// Lines export in dir: test from test.jsonl, train and dev from train.jsonl,
// which holds the 4383 train sentences followed by the 564 dev sentences
// (github.com/saattrupdan/ScandEval, commit
// ff6844572cd5235e59268d9a84a6b02263ab0646, data/datasets/dane/). It is an
// error when train.jsonl does not hold exactly 4947 sentences.
func LoadJSONL(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
	name := TrainJSONL
	switch split {
	case "train", "dev":
	case "test":
		name = TestJSONL
	default:
		return nil, columns.SplitError(Name, split, splits)
	}
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", Name, split, err)
	}
	defer f.Close()
	if split == "test" {
		return ReadJSONL(ctx, f, path, split)
	}
	all, err := ReadJSONL(ctx, f, path, split)
	if err != nil {
		return nil, err
	}
	if got, want := len(all.Sentences), TrainSentences+DevSentences; got != want {
		return nil, fmt.Errorf("%s: got %d sentences, want %d (DaNE train %d then dev %d)", path, got, want, TrainSentences, DevSentences)
	}
	sents := all.Sentences[:TrainSentences]
	if split == "dev" {
		sents = all.Sentences[TrainSentences:]
	}
	c := &benchmarks.Corpus{Dataset: Name, Split: split, File: path, Sentences: sents}
	for i := range c.Sentences {
		s := &c.Sentences[i]
		s.ID = fmt.Sprintf("%s-%d", split, i+1)
		c.Irregular = append(c.Irregular, columns.Irregular(s, sameLine(s))...)
	}
	return c, nil
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
