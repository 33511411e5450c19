package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/seqeval"
)

// Counting a large file on several cores. conlleval.pl's state after an
// empty line is its initial state, except for a correct chunk left open by
// a "." or an untyped tag before it (see seqeval.Conlleval.AtStart). So a
// regular file is cut right after empty lines ("\n\n") into segments, a
// few per core; one worker per core takes the segments in turn and reads
// and counts each from the initial state with a reader and counter of its
// own, and the counts are added in file order. When the counts before a
// segment end with a chunk open, that segment is counted again, after
// them, by their counter, as one pass would; this is rare and costs one
// segment's time. What the reading depends on is carried across the cuts:
// the column count of the file's first line with fields, the line numbers
// (of errors and of the first carriage return) and the first error in file
// order. The output is the same as one pass's (TestScoreSplit,
// FuzzScoreSplit).

// scoreSplitMin is the least size of a file counted in segments (a
// variable for tests).
var scoreSplitMin int64 = 4 << 20

// scoreSegmentMin is the least size of a segment (a variable for tests).
var scoreSegmentMin int64 = 1 << 20

// segmentsPerWorker is how many segments each worker gets, on average:
// workers take the next segment when they finish one, so that a core
// that the machine's other work slows takes fewer.
const segmentsPerWorker = 4

// scoreWorkers and scoreSegments, when > 0, replace GOMAXPROCS as the
// number of workers and segmentsPerWorker times it as the number of
// segments (for tests).
var scoreWorkers, scoreSegments = 0, 0

// ncolProbe is how many bytes at the start of the file are searched for
// the first line with fields, which sets the column count of the file.
const ncolProbe = 64 << 10

// cutWindow is the size of the reads that look for an empty line near a
// cut. Fresh memory costs more than a few more reads: a page fault takes
// microseconds in a virtual machine.
const cutWindow = 4 << 10

// newConllevalCounter returns the counter of the conlleval report for o.
func newConllevalCounter(o *scoreOptions) *seqeval.Conlleval {
	return &seqeval.Conlleval{Raw: o.raw, Outside: o.outside, IO: o.opts.Scheme == seqeval.IO, NoMisc: o.opts.NoMisc, Map: o.opts.Map}
}

// countConll counts the lines of r with c, to the end of r or the first
// error. Errors name r's file and line.
func countConll(ctx context.Context, r *conllReader, c *seqeval.Conlleval) error {
	for n := 0; ; n++ {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		kind, err := r.next(2)
		if err != nil {
			return err
		}
		switch kind {
		case lineEOF:
			return nil
		case lineBoundary:
			c.Boundary()
			continue
		}
		if err := c.TokenBytes(r.before, r.last); err != nil {
			return &benchmarks.ParseError{File: r.name, Line: r.line, Err: err}
		}
	}
}

// splitInput is the file under a reader, when it is a regular file that
// can be read at offsets: the file, where the reader starts in it, and
// its size from there. ok is false otherwise.
func splitInput(r *conllReader) (f *os.File, base, size int64, ok bool) {
	f, isFile := r.src.(*os.File)
	if !isFile || r.pos != 0 || len(r.data) != 0 {
		return nil, 0, 0, false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, 0, 0, false
	}
	base, err = f.Seek(0, io.SeekCurrent) // standard input may start further on
	if err != nil || base > st.Size() {
		return nil, 0, 0, false
	}
	return f, base, st.Size() - base, true
}

// segment is the result of counting one segment.
type segment struct {
	from, to int64 // byte offsets, relative to the reader's start
	c        *seqeval.Conlleval
	lines    int   // lines read
	cr       int   // the segment's first line ending in a carriage return, 0 when none
	err      error // the first error, its line relative to the segment
}

// countSplit counts the input of r (a conllReader of one file that has
// read nothing yet) with c, in segments on several cores when the input is
// a large regular file and there is more than one core. It returns false,
// having read nothing, when it would use one segment; the caller then
// counts the input in one pass. After it, r.cr is the first line that ends
// in a carriage return, as after a pass.
func countSplit(ctx context.Context, o *scoreOptions, r *conllReader, c *seqeval.Conlleval) (bool, error) {
	workers := scoreWorkers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers < 2 {
		return false, nil
	}
	f, base, size, ok := splitInput(r)
	if !ok || size < scoreSplitMin {
		return false, nil
	}
	n := scoreSegments
	if n <= 0 {
		n = segmentsPerWorker * workers
	}
	n = int(min(int64(n), size/scoreSegmentMin))
	ncol, ok := firstColumns(f, base, size, r.name, r.delim)
	if !ok {
		return false, nil
	}
	cuts := findCuts(f, base, size, n)
	if len(cuts) < 3 {
		return false, nil
	}
	segs := make([]segment, len(cuts)-1)
	workers = min(workers, len(segs))
	// All workers' buffers together take one pass's.
	block := max(indexBlock, readBlock/workers)
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf []byte // reused from segment to segment
			var sp []int
			for {
				i := int(next.Add(1)) - 1
				if i >= len(segs) {
					return
				}
				s := &segs[i]
				s.from, s.to = cuts[i], cuts[i+1]
				s.c = newConllevalCounter(o)
				sr := s.reader(f, base, r, ncol, block)
				sr.buf, sr.sp = buf, sp
				s.err = countConll(ctx, sr, s.c)
				s.lines, s.cr = sr.line, sr.cr
				buf, sp = sr.buf, sr.sp[:0]
			}
		})
	}
	wg.Wait()
	off := 0 // lines before the segment
	for i := range segs {
		s := &segs[i]
		if s.err != nil {
			// The first error in the file: the segments before have none,
			// and no error depends on the counts before its line.
			var pe *benchmarks.ParseError
			if errors.As(s.err, &pe) {
				pe.Line += off
			}
			return true, s.err
		}
		if c.AtStart() {
			c.Add(s.c)
		} else {
			// A chunk is open: count the segment again after the counts
			// before it, as one pass does.
			sr := s.reader(f, base, r, ncol, block)
			sr.line = off
			if err := countConll(ctx, sr, c); err != nil {
				return true, err
			}
		}
		if r.cr == 0 && s.cr > 0 {
			r.cr = off + s.cr
		}
		off += s.lines
	}
	if _, err := f.Seek(base+size, io.SeekStart); err != nil { // where a pass leaves the file
		return true, err
	}
	return true, nil
}

// reader returns a reader of the segment, whose first line with fields is
// to have ncol+1 of them, as the file's first, and which reads block
// bytes at a time.
func (s *segment) reader(f *os.File, base int64, r *conllReader, ncol, block int) *conllReader {
	sr := newStreamReader(r.name, io.NewSectionReader(f, base+s.from, s.to-s.from), r.delim)
	sr.ncol = ncol
	sr.block = block
	return sr
}

// firstColumns returns conlleval.pl's $nbrOfFeatures for the file: the
// number of fields less one of its first line with fields, read from its
// first ncolProbe bytes. ok is false when those bytes hold no whole line
// with fields.
func firstColumns(f *os.File, base, size int64, name string, delim *regexp.Regexp) (int, bool) {
	// The first line nearly always has fields: read a page first.
	for n := min(size, cutWindow); ; n = min(size, 16*n, ncolProbe) {
		head := make([]byte, n)
		if _, err := f.ReadAt(head, base); err != nil {
			return 0, false
		}
		if end := bytes.LastIndexByte(head, '\n'); end >= 0 {
			r := newConllReader(name, head[:end+1], delim)
			for r.ncol < 0 {
				// An error can only come at or after the first line with fields.
				if k, err := r.next(2); k == lineEOF || err != nil {
					break
				}
			}
			if r.ncol >= 0 {
				return r.ncol, true
			}
		}
		if n == min(size, ncolProbe) {
			return 0, false
		}
	}
}

// findCuts returns the offsets of the segments of the size bytes of f
// from base: 0, then for each of the n-1 even cuts the end of the first
// "\n\n" at or after it (and before the next), then size. It returns
// fewer cuts when there is no empty line where one is wanted.
func findCuts(f *os.File, base, size int64, n int) []int64 {
	cuts := []int64{0}
	buf := make([]byte, cutWindow)
	for k := 1; k < n; k++ {
		from := max(size*int64(k)/int64(n)-1, cuts[len(cuts)-1])
		limit := size * int64(k+1) / int64(n)
		for from < limit {
			m, err := f.ReadAt(buf[:min(int64(len(buf)), size-from)], base+from)
			if i := bytes.Index(buf[:m], []byte("\n\n")); i >= 0 {
				if cut := from + int64(i) + 2; cut < size {
					cuts = append(cuts, cut)
				}
				break
			}
			if err != nil || m < 2 {
				break
			}
			from += int64(m) - 1 // "\n\n" may straddle two reads
		}
	}
	return append(cuts, size)
}
