// Package conllfile reads a user's own NER file, in one of the common
// column formats, as one split of a benchmark: a file given on the command
// line with --dataset-file rather than a dataset nerbench knows.
//
// Three formats are read:
//
//   - CoNLL: one word a line, columns separated by tabs (when the first
//     word line holds a tab) or else by runs of spaces, the word in the
//     first column and the tag in the last (or in Options.TagColumn), IOB2
//     tags, sentences separated by empty or whitespace-only lines, and
//     "-DOCSTART-" lines as document boundaries. Chunks that start with I-
//     are kept and reported as irregular, as for Plank (2019).
//   - CoNLL-2003: the same layout with IOB1 tags, converted to IOB2 on
//     load (the file's tags are kept in Sentence.OrigTags), as in
//     benchmarks/conll2003.
//   - CoNLL-U: ten tab-separated columns with the tag in the MISC column as
//     "name=TAG", the layout of DaNE's ddt.zip (benchmarks/dane).
//
// Detect tells the formats apart and refuses a file it cannot place (see
// its documentation); Options.Format skips detection.
package conllfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/columns"
)

// Format is a file format Read understands.
type Format int

// The formats. Auto asks Read to call Detect.
const (
	Auto Format = iota
	CoNLL
	CoNLLU
	CoNLL2003
)

// Formats lists the names ParseFormat accepts, Auto excepted.
var Formats = []string{"conll", "conllu", "conll2003"}

func (f Format) String() string {
	switch f {
	case CoNLL:
		return "conll"
	case CoNLLU:
		return "conllu"
	case CoNLL2003:
		return "conll2003"
	}
	return "auto"
}

// ParseFormat returns the format called s; "" and "auto" give Auto.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return Auto, nil
	case "conll":
		return CoNLL, nil
	case "conllu":
		return CoNLLU, nil
	case "conll2003":
		return CoNLL2003, nil
	}
	return Auto, fmt.Errorf("unknown format %q: want auto, %s", s, strings.Join(Formats, ", "))
}

// ErrAmbiguous is wrapped by Detect's error for a file whose format cannot be
// told from its content.
var ErrAmbiguous = errors.New("format cannot be detected")

// DocStart begins the first column of a document-boundary line in the
// CoNLL formats.
const DocStart = "-DOCSTART-"

// Options configure Read.
type Options struct {
	// Dataset names the corpus (Corpus.Dataset).
	Dataset string
	// Format is the file's format; Auto (the zero value) detects it.
	Format Format
	// TagColumn is the 1-based column of the tag in the CoNLL formats; 0
	// means the last column. It must be 0 for CoNLL-U.
	TagColumn int
}

// Read parses data, the whole content of file, as one split. It returns the
// corpus and the format it was read in. Bad content gives a
// *benchmarks.ParseError naming file and line; a file whose format Detect
// cannot tell gives an error wrapping ErrAmbiguous.
func Read(ctx context.Context, data []byte, file, split string, o Options) (*benchmarks.Corpus, Format, error) {
	f := o.Format
	if f == Auto {
		var err error
		if f, err = Detect(data, file); err != nil {
			return nil, Auto, err
		}
	}
	if o.TagColumn < 0 {
		return nil, f, fmt.Errorf("tag column %d: want 1 or more (0: the last)", o.TagColumn)
	}
	if f == CoNLLU {
		if o.TagColumn != 0 {
			return nil, f, fmt.Errorf("a tag column cannot be chosen in CoNLL-U: the tag is the MISC field name=TAG")
		}
		c, err := columns.ReadCoNLLU(ctx, bytes.NewReader(data), file, o.Dataset, split)
		return c, f, err
	}
	first, n, ok := firstWordLine(data)
	if !ok {
		return nil, f, &benchmarks.ParseError{File: file, Err: benchmarks.ErrEmpty}
	}
	cf := columns.Format{
		Dataset: o.Dataset, Split: split, Sep: sepOf(first), IOB1: f == CoNLL2003,
	}
	if hasDocStart(data) {
		cf.DocStart = DocStart // else sentences belong to no document
	}
	cols := splitColumns(first, cf.Sep)
	cf.Columns = len(cols)
	if cf.Columns < 2 {
		return nil, f, columns.Errorf(file, n, benchmarks.ErrColumns, "want a word and a tag column, got %d column", cf.Columns)
	}
	cf.TagColumn = cf.Columns - 1
	if o.TagColumn != 0 {
		if o.TagColumn < 2 || o.TagColumn > cf.Columns {
			return nil, f, columns.Errorf(file, n, benchmarks.ErrColumns, "tag column %d: want 2 to %d, the number of columns of the first word line", o.TagColumn, cf.Columns)
		}
		cf.TagColumn = o.TagColumn - 1
	}
	c, err := columns.Read(ctx, bytes.NewReader(data), file, cf)
	return c, f, err
}

// Columns returns the number of columns of the first word line of a CoNLL
// file (the last of which Read takes as the tag column by default), and
// false when data holds no word line.
func Columns(data []byte) (int, bool) {
	first, _, ok := firstWordLine(data)
	if !ok {
		return 0, false
	}
	return len(splitColumns(first, sepOf(first))), true
}

// Detect returns the format of data, the content of file:
//
//   - CoNLL-U when the first line that is neither blank nor a "#" comment
//     has ten tab-separated columns and a CoNLL-U ID in the first (1, 1-2
//     or 1.1). If that line is a word (integer ID) whose MISC column holds
//     no "name=" field, the file is refused as ambiguous:
//     it may be CoNLL-U with the tag elsewhere, or another ten-column
//     format.
//   - Otherwise a CoNLL format, told apart by the tag scheme of the last
//     column (on every word line): IOB1 when some chunk starts with I-X and
//     no chunk starts with B-X, IOB2 otherwise. IOB1 with "-DOCSTART-" lines
//     is CoNLL-2003; IOB1 without them is refused as ambiguous, since a
//     CoNLL-2003 file without document lines and an IOB2 file whose chunks
//     all start with I- look the same; everything else is CoNLL.
//
// The errors wrap ErrAmbiguous and say which --format to pass.
func Detect(data []byte, file string) (Format, error) {
	first, n, ok := firstWordLine(data)
	if !ok {
		return Auto, &benchmarks.ParseError{File: file, Err: benchmarks.ErrEmpty}
	}
	if cols := strings.Split(first, "\t"); len(cols) == 10 && isTokenID(cols[0]) {
		if !strings.ContainsAny(cols[0], "-.") && !hasName(cols[9]) {
			return Auto, fmt.Errorf("%s:%d: %w: ten tab-separated columns with a numeric ID look like CoNLL-U, but MISC %q has no name=TAG field; "+
				"pass --format conll with --tag-column N to read the tag from column N", file, n, ErrAmbiguous, cols[9])
		}
		return CoNLLU, nil
	}
	sep := sepOf(first)
	var (
		prev                 = "O"
		docs, iStart, bStart int
		firstI               int
	)
	for i, line := range bytes.Split(data, []byte("\n")) {
		l := strings.TrimSuffix(string(line), "\r")
		if columns.Blank(l) {
			prev = "O"
			continue
		}
		cols := splitColumns(l, sep)
		if cols[0] == DocStart {
			docs++
			prev = "O"
			continue
		}
		tag := cols[len(cols)-1]
		if columns.CheckTag(tag) != nil {
			prev = "O"
			continue // Read reports it
		}
		switch {
		case tag[0] == 'I' && (prev == "O" || prev[2:] != tag[2:]):
			if iStart == 0 {
				firstI = i + 1
			}
			iStart++
		case tag[0] == 'B' && (prev == "O" || prev[2:] != tag[2:]):
			bStart++
		}
		prev = tag
	}
	switch {
	case iStart > 0 && bStart == 0 && docs > 0:
		return CoNLL2003, nil
	case iStart > 0 && bStart == 0:
		return Auto, fmt.Errorf("%s:%d: %w: %d chunks start with I- and none with B-, as in IOB1 (CoNLL-2003), but there are no %s lines; "+
			"pass --format conll2003 to read the tags as IOB1, or --format conll to read them as IOB2 with irregular chunks", file, firstI, ErrAmbiguous, iStart, DocStart)
	}
	return CoNLL, nil
}

// hasDocStart reports whether a line of data starts with DocStart.
func hasDocStart(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(data, []byte(DocStart)) || bytes.Contains(data, []byte("\n"+DocStart))
}

// firstWordLine returns the first line of data that is neither blank nor a
// "#" comment, and its 1-based number.
func firstWordLine(data []byte) (string, int, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for i, line := range bytes.Split(data, []byte("\n")) {
		l := strings.TrimSuffix(string(line), "\r")
		if columns.Blank(l) || strings.HasPrefix(l, "#") {
			continue
		}
		return l, i + 1, true
	}
	return "", 0, false
}

// sepOf returns the column separator of a file whose first word line is
// line: a tab when it holds one, else runs of spaces ("").
func sepOf(line string) string {
	if strings.Contains(line, "\t") {
		return "\t"
	}
	return ""
}

func splitColumns(line, sep string) []string {
	if sep == "" {
		return strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' })
	}
	return strings.Split(line, sep)
}

// isTokenID reports whether s is a CoNLL-U token ID: a positive integer, a
// multiword range "1-2" or an empty node "1.1".
func isTokenID(s string) bool {
	for _, sep := range []string{"-", "."} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return isTokenID(a) && isTokenID(b)
		}
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1
}

func hasName(misc string) bool {
	for f := range strings.SplitSeq(misc, "|") {
		if strings.HasPrefix(f, "name=") {
			return true
		}
	}
	return false
}
