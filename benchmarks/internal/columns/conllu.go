package columns

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/benchmarks"
)

// ReadCoNLLU parses one split of dataset in CoNLL-U from r; file names the input in
// errors. Each token line must have the ten CoNLL-U columns and a MISC field
// "name=TAG". Sentence IDs come from "# sent_id" comments, or are
// "<split>-<n>" for a sentence without one. Bad input gives a
// *benchmarks.ParseError.
func ReadCoNLLU(ctx context.Context, r io.Reader, file, dataset, split string) (*benchmarks.Corpus, error) {
	c := &benchmarks.Corpus{Dataset: dataset, Split: split, File: file}
	lines := NewLines(ctx, r, file)
	var (
		cur      benchmarks.Sentence
		tagLines []int
		sentID   string
		start    int // first line of the current block, comments included
	)
	flush := func() error {
		if len(cur.Words) == 0 {
			if start != 0 {
				return Errorf(file, start, benchmarks.ErrMissing, "sentence has comments but no tokens")
			}
			return nil
		}
		cur.ID = sentID
		if cur.ID == "" {
			cur.ID = fmt.Sprintf("%s-%d", split, len(c.Sentences)+1)
		}
		cur.Line = start
		NoteTypes(c, cur.Tags, tagLines)
		c.Irregular = append(c.Irregular, Irregular(&cur, tagLines)...)
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
		if Blank(line) {
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
			return nil, Errorf(file, n, benchmarks.ErrColumns, "want 10 columns, got %d", len(cols))
		}
		id := cols[0]
		if strings.Contains(id, "-") || strings.Contains(id, ".") {
			continue // multiword token or empty node: not a word of the sentence
		}
		if k, err := strconv.Atoi(id); err != nil || k < 1 {
			return nil, Errorf(file, n, nil, "invalid token ID %q: want a positive integer, a range or a decimal", id)
		}
		word := cols[1]
		if word == "" {
			return nil, Errorf(file, n, benchmarks.ErrMissing, "empty word")
		}
		tag, ok := nameTag(cols[9])
		if !ok {
			return nil, Errorf(file, n, benchmarks.ErrMissing, "no name= field in MISC %q", cols[9])
		}
		if err := CheckTag(tag); err != nil {
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
