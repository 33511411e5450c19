package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"regexp"

	"github.com/nerbench/nerbench/benchmarks"
)

// conllReader reads conlleval.pl's input format line by line, splitting
// lines exactly as conlleval.pl's split(/$delimiter/, $line) does: at every
// match of the delimiter (a single space by default), keeping empty fields
// but dropping trailing ones, and adding the groups the delimiter captures.
// A line is not changed otherwise: a carriage return before the newline
// stays in the last field, as in conlleval.pl (the reader notes the first).
//
// It streams: the input is read in blocks of readBlock bytes (or block) into one
// buffer, which grows only for a line longer than the buffer, so memory
// stays bounded whatever the size of the input and nothing is allocated
// per line. The fields of a line are slices of that buffer, valid until
// the next call of next.
type conllReader struct {
	name    string
	src     io.Reader // nil once the input is exhausted (or for in-memory input)
	readErr error     // the error that ended the input, returned after its last whole line
	buf     []byte    // the read buffer; data is buf[:len(data)]
	data    []byte    // the bytes read so far and still in buf
	pos     int       // start of the next line in data
	line    int
	delim   *regexp.Regexp // nil for the single space
	ncol    int            // conlleval.pl's $nbrOfFeatures: fields-1, -1 before the first
	cr      int            // first line ending in a carriage return, 0 when none
	block   int            // the size of a read; 0 means readBlock

	// The fields of the current line: their number, the first, the
	// last and the one before.
	n                   int
	first, last, before []byte
	fields              [][]byte // for a delimiter other than a space

	// For the single space: positions of the spaces and newlines of
	// data[spFrom:spTo], sp[k] the next one.
	sp           []int
	k            int
	spFrom, spTo int
}

// readBlock is the size of conllReader's reads (a variable for tests).
var readBlock = 256 << 10

// newConllReader returns a reader of in-memory input.
func newConllReader(name string, data []byte, delim *regexp.Regexp) *conllReader {
	return &conllReader{name: name, data: data, delim: delim, ncol: -1}
}

// newStreamReader returns a reader of src, read in blocks.
func newStreamReader(name string, src io.Reader, delim *regexp.Regexp) *conllReader {
	return &conllReader{name: name, src: src, delim: delim, ncol: -1}
}

// lineKind is what next read.
type lineKind int

const (
	lineEOF lineKind = iota
	lineBoundary
	lineToken
)

// fill moves the unread bytes to the front of the buffer and fills the
// rest of it (growing it first when the unread bytes take more than half
// of it). At the end of the input it sets r.src to nil.
func (r *conllReader) fill() {
	block := r.block
	if block == 0 {
		block = readBlock
	}
	rest := len(r.data) - r.pos
	if len(r.buf)-rest < max(1, block/2) {
		nb := make([]byte, max(block, 2*rest+block))
		copy(nb, r.data[r.pos:])
		r.buf = nb
	} else {
		copy(r.buf, r.data[r.pos:])
	}
	r.pos = 0
	r.sp, r.spFrom, r.spTo = r.sp[:0], 0, 0 // the positions moved
	// Fill the buffer, so that a source of small reads (a pipe) costs no
	// more scans of a partial line than a file.
	n, err := io.ReadFull(r.src, r.buf[rest:])
	r.data = r.buf[:rest+n]
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		r.src = nil
	case err != nil:
		// The lines read before the error are read first.
		r.src, r.readErr = nil, fmt.Errorf("read %s: %w", r.name, err)
	}
}

// next reads a line. A line with no fields (empty, or only delimiters) or
// whose first field is -X- is a boundary, as in conlleval.pl. A line with
// another number of fields than the first one that has any is an error, as
// is a token line with fewer than minFields fields.
func (r *conllReader) next(minFields int) (lineKind, error) {
	// The common case, without a loop over the line: a line at single
	// spaces with as many fields as the first, whose e spaces and newline
	// are the next e+1 indexed positions.
	if e := r.ncol; r.delim == nil && e >= 1 && e+1 >= minFields {
		if k := r.k + e; k < len(r.sp) {
			sp, data := r.sp, r.data
			end := sp[k]
			if data[end] == '\n' && sp[k-1] != end-1 && r.spaces(r.k, k) {
				start := r.pos
				first, last, prev := sp[r.k], sp[k-1], start-1
				if e >= 2 {
					prev = sp[k-2]
				}
				r.n, r.first, r.last, r.before = e+1, data[start:first], data[last+1:end], data[prev+1:last]
				r.pos, r.k = end+1, k+1
				r.line++
				if r.cr == 0 && data[end-1] == '\r' {
					r.cr = r.line
				}
				if len(r.first) == 3 && string(r.first) == "-X-" {
					return lineBoundary, nil
				}
				return lineToken, nil
			}
		}
	}
	return r.nextLine(minFields)
}

// spaces reports whether the indexed positions sp[from:to] are all spaces.
func (r *conllReader) spaces(from, to int) bool {
	for _, j := range r.sp[from:to] {
		if r.data[j] != ' ' {
			return false
		}
	}
	return true
}

// nextLine is next for any line.
func (r *conllReader) nextLine(minFields int) (lineKind, error) {
	var ln []byte
	for {
		if r.delim == nil {
			// The common case: find the newline and the spaces in one pass.
			if end, ok := r.splitSpaceFast(); ok {
				ln = r.data[r.pos:end]
				r.pos = end + 1
				break
			}
		} else if i := bytes.IndexByte(r.data[r.pos:], '\n'); i >= 0 {
			ln = r.data[r.pos : r.pos+i]
			r.pos += i + 1
			break
		}
		if r.src == nil {
			if r.readErr != nil {
				return 0, r.readErr
			}
			// The last line, without a newline.
			if r.pos >= len(r.data) {
				return lineEOF, nil
			}
			ln = r.data[r.pos:]
			r.pos = len(r.data)
			if r.delim == nil {
				r.splitSpace(ln)
			}
			break
		}
		r.fill()
	}
	r.line++
	if r.cr == 0 && len(ln) > 0 && ln[len(ln)-1] == '\r' {
		r.cr = r.line
	}
	if r.delim != nil {
		r.splitRegexp(ln)
	}
	if r.ncol < 0 {
		r.ncol = r.n - 1
	} else if r.n-1 != r.ncol && r.n != 0 {
		return 0, &benchmarks.ParseError{File: r.name, Line: r.line,
			Err: fmt.Errorf("%w: want %d, got %d (as on the first line)%s", benchmarks.ErrColumns, r.ncol+1, r.n, r.hint())}
	}
	if r.n == 0 || len(r.first) == 3 && string(r.first) == "-X-" {
		return lineBoundary, nil
	}
	if r.n < minFields {
		return 0, &benchmarks.ParseError{File: r.name, Line: r.line,
			Err: fmt.Errorf("%w: want at least %d, got %d%s", benchmarks.ErrColumns, minFields, r.n, r.hint())}
	}
	return lineToken, nil
}

// Bytes of eight copies of one byte, and of 0x7f, for indexing.
const (
	swarOnes = 0x0101010101010101
	swarLow7 = 0x7f7f7f7f7f7f7f7f
)

// swarEq returns a word with the high bit set in each byte of w equal to
// the byte of c (eight copies), and no other bit.
func swarEq(w, c uint64) uint64 {
	x := w ^ c
	return ^((x&swarLow7 + swarLow7) | x | swarLow7)
}

// indexBlock is how many bytes index reads at least.
const indexBlock = 4096

// index lists in r.sp the positions in r.data of the spaces and newlines
// from r.pos on, over at least indexBlock bytes (or to the end of r.data),
// and at least twice as far as the last index if that held no newline.
// It reads eight bytes at a time and writes positions without branching
// on each one: branches on the bytes of text are mispredicted.
func (r *conllReader) index() {
	data := r.data
	from := r.pos
	size := indexBlock
	if r.spFrom == from && r.spTo > from {
		size = max(size, 2*(r.spTo-from)) // a line longer than the last index
	}
	to := min(len(data), from+size)
	if cap(r.sp) < to-from+8 {
		r.sp = make([]int, to-from+8)
	}
	sp := r.sp[:cap(r.sp)]
	k := 0
	i := from
	for ; i+8 <= to; i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		m := swarEq(w, ' '*swarOnes) | swarEq(w, '\n'*swarOnes)
		c := bits.OnesCount64(m)
		// Up to four per word unconditionally (a position past the word
		// when there are fewer, overwritten by the next); more in a loop.
		sp[k] = i + bits.TrailingZeros64(m)>>3
		m &= m - 1
		sp[k+1] = i + bits.TrailingZeros64(m)>>3
		m &= m - 1
		sp[k+2] = i + bits.TrailingZeros64(m)>>3
		m &= m - 1
		sp[k+3] = i + bits.TrailingZeros64(m)>>3
		m &= m - 1
		for j := k + 4; m != 0; j++ {
			sp[j] = i + bits.TrailingZeros64(m)>>3
			m &= m - 1
		}
		k += c
	}
	for ; i < to; i++ {
		if data[i] == ' ' || data[i] == '\n' {
			sp[k] = i
			k++
		}
	}
	r.sp, r.k, r.spFrom, r.spTo = sp[:k], 0, from, to
}

// splitSpaceFast splits the line at r.pos as splitSpace does, from the
// positions of its spaces and newline in r.sp. It returns the index of the
// newline, and false when r.data holds no newline after r.pos (the line is
// then not split).
func (r *conllReader) splitSpaceFast() (int, bool) {
	for {
		if r.spFrom > r.pos || r.spTo <= r.pos || r.k >= len(r.sp) && r.spTo < len(r.data) {
			r.index()
		}
		data, sp := r.data, r.sp
		start := r.pos
		n, first, last, prev := 1, -1, -1, -1
		for k := r.k; k < len(sp); k++ {
			j := sp[k]
			if data[j] == '\n' {
				r.k = k + 1
				return r.splitAt(start, j, n, first, last, prev), true
			}
			n++
			if first < 0 {
				first = j
			}
			prev, last = last, j
		}
		if r.spTo >= len(r.data) {
			return 0, false
		}
		r.spFrom = r.pos // index again from the line's start, further
		r.index()
	}
}

// splitAt sets the fields of the line data[start:end] from the positions
// of its spaces, and returns end.
func (r *conllReader) splitAt(start, end, n, first, last, prev int) int {
	ln := r.data[start:end]
	if prev < 0 {
		prev = start - 1
	}
	switch {
	case last >= 0 && last == end-1 || start == end:
		r.splitSpace(ln) // trailing spaces, or an empty line
	case first < 0:
		r.n, r.first, r.last, r.before = 1, ln, ln, nil
	default:
		r.n, r.first, r.last, r.before = n, r.data[start:first], r.data[last+1:end], r.data[prev+1:last]
	}
	return end
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
