package main

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/nerbench/nerbench/benchmarks"
)

// conllReader reads conlleval.pl's input format line by line, splitting
// lines exactly as conlleval.pl's split(/$delimiter/, $line) does: at every
// match of the delimiter (a single space by default), keeping empty fields
// but dropping trailing ones, and adding the groups the delimiter captures.
// A line is not changed otherwise: a carriage return before the newline
// stays in the last field, as in conlleval.pl (the reader notes the first).
// It works on the file's bytes and allocates no memory per line.
type conllReader struct {
	name  string
	data  []byte
	pos   int
	line  int
	delim *regexp.Regexp // nil for the single space
	ncol  int            // conlleval.pl's $nbrOfFeatures: fields-1, -1 before the first
	cr    int            // first line ending in a carriage return, 0 when none

	// The fields of the current line: their number, the first, the
	// last and the one before.
	n                   int
	first, last, before []byte
	fields              [][]byte // for a delimiter other than a space
}

func newConllReader(name string, data []byte, delim *regexp.Regexp) *conllReader {
	return &conllReader{name: name, data: data, delim: delim, ncol: -1}
}

// lineKind is what next read.
type lineKind int

const (
	lineEOF lineKind = iota
	lineBoundary
	lineToken
)

// next reads a line. A line with no fields (empty, or only delimiters) or
// whose first field is -X- is a boundary, as in conlleval.pl. A line with
// another number of fields than the first one that has any is an error, as
// is a token line with fewer than minFields fields.
func (r *conllReader) next(minFields int) (lineKind, error) {
	if r.pos >= len(r.data) {
		return lineEOF, nil
	}
	rest := r.data[r.pos:]
	var ln []byte
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		ln = rest[:i]
		r.pos += i + 1
	} else {
		ln = rest
		r.pos = len(r.data)
	}
	r.line++
	if r.cr == 0 && len(ln) > 0 && ln[len(ln)-1] == '\r' {
		r.cr = r.line
	}
	if r.delim == nil {
		r.splitSpace(ln)
	} else {
		r.splitRegexp(ln)
	}
	if r.ncol < 0 {
		r.ncol = r.n - 1
	} else if r.n-1 != r.ncol && r.n != 0 {
		return 0, &benchmarks.ParseError{File: r.name, Line: r.line,
			Err: fmt.Errorf("%w: want %d, got %d (as on the first line)%s", benchmarks.ErrColumns, r.ncol+1, r.n, r.hint())}
	}
	if r.n == 0 || string(r.first) == "-X-" {
		return lineBoundary, nil
	}
	if r.n < minFields {
		return 0, &benchmarks.ParseError{File: r.name, Line: r.line,
			Err: fmt.Errorf("%w: want at least %d, got %d%s", benchmarks.ErrColumns, minFields, r.n, r.hint())}
	}
	return lineToken, nil
}

// hint explains how columns are split.
func (r *conllReader) hint() string {
	if r.delim == nil {
		return "; columns are split at single spaces, as conlleval.pl does (for tabs, use --delimiter '\\t')"
	}
	return fmt.Sprintf("; columns are split at /%s/", r.delim)
}

// splitSpace splits at single spaces, Perl's split(/ /, $line), in one
// pass over the line.
func (r *conllReader) splitSpace(ln []byte) {
	end := len(ln)
	for end > 0 && ln[end-1] == ' ' {
		end--
	}
	if end == 0 {
		r.n, r.first, r.last, r.before = 0, nil, nil, nil
		return
	}
	n, first, last, prev := 1, -1, -1, -1
	for i, b := range ln[:end] {
		if b == ' ' {
			n++
			if first < 0 {
				first = i
			}
			prev, last = last, i
		}
	}
	r.n = n
	if first < 0 {
		r.first, r.last, r.before = ln[:end], ln[:end], nil
		return
	}
	r.first, r.last, r.before = ln[:first], ln[last+1:end], ln[prev+1:last]
}

// splitRegexp splits at the matches of r.delim as Perl's split does: a
// match of zero width at the start of the line makes no empty first field,
// captured groups become fields (a group that took no part, ""), and empty
// fields at the end are dropped.
func (r *conllReader) splitRegexp(ln []byte) {
	f := r.fields[:0]
	if len(ln) > 0 {
		start := 0
		for _, m := range r.delim.FindAllSubmatchIndex(ln, -1) {
			if m[1] == 0 || m[0] == len(ln) && m[1] == m[0] {
				continue // zero width at the start, or at the end
			}
			f = append(f, ln[start:m[0]])
			for g := 2; g < len(m); g += 2 {
				if m[g] < 0 {
					f = append(f, nil)
				} else {
					f = append(f, ln[m[g]:m[g+1]])
				}
			}
			start = m[1]
		}
		f = append(f, ln[start:])
		for len(f) > 0 && len(f[len(f)-1]) == 0 {
			f = f[:len(f)-1]
		}
	}
	r.fields = f
	r.n = len(f)
	r.first, r.last, r.before = nil, nil, nil
	if r.n > 0 {
		r.first, r.last = f[0], f[r.n-1]
	}
	if r.n > 1 {
		r.before = f[r.n-2]
	}
}
