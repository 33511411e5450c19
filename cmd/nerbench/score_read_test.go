package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readLine is what conllReader.next returned for one line.
type readLine struct {
	Kind                lineKind
	Line, N             int
	First, Last, Before string
	Err                 string
}

// readAll reads r to the end (or the first error) with next(minFields).
func readAll(r *conllReader, minFields int) []readLine {
	var out []readLine
	for {
		k, err := r.next(minFields)
		if err != nil {
			return append(out, readLine{Line: r.line, Err: err.Error()})
		}
		if k == lineEOF {
			return append(out, readLine{Kind: k, Line: r.line, Err: fmt.Sprint("cr ", r.cr)})
		}
		out = append(out, readLine{k, r.line, r.n, string(r.first), string(r.last), string(r.before), ""})
	}
}

// perlSplit is Perl's split(/ /, $line): fields at every single space,
// trailing empty fields dropped.
func perlSplit(line string) []string {
	f := strings.Split(line, " ")
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	return f
}

// refRead reads data line by line with perlSplit, as next does with the
// single space, up to the column checks.
func refRead(data string, minFields int) []readLine {
	var out []readLine
	ncol, cr := -1, 0
	lines := strings.SplitAfter(data, "\n")
	for i, ln := range lines {
		if ln == "" {
			break
		}
		ln = strings.TrimSuffix(ln, "\n")
		if cr == 0 && strings.HasSuffix(ln, "\r") {
			cr = i + 1
		}
		f := perlSplit(ln)
		n := len(f)
		if ncol < 0 {
			ncol = n - 1
		} else if n-1 != ncol && n != 0 {
			return append(out, readLine{Line: i + 1, Err: "columns"})
		}
		if n == 0 || f[0] == "-X-" {
			out = append(out, readLine{Kind: lineBoundary, Line: i + 1, N: n})
			if n > 0 {
				out[len(out)-1].First, out[len(out)-1].Last = f[0], f[n-1]
				if n > 1 {
					out[len(out)-1].Before = f[n-2]
				}
			}
			continue
		}
		if n < minFields {
			return append(out, readLine{Line: i + 1, Err: "columns"})
		}
		l := readLine{Kind: lineToken, Line: i + 1, N: n, First: f[0], Last: f[n-1]}
		if n > 1 {
			l.Before = f[n-2]
		}
		out = append(out, l)
	}
	return append(out, readLine{Kind: lineEOF, Line: len(lines) - 1 + b2i(!strings.HasSuffix(data, "\n") && data != ""), Err: fmt.Sprint("cr ", cr)})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// oneByteReader returns at most one byte a Read, to cut lines everywhere.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(1, len(p))]) }

// TestConllReaderStream requires the streaming reader to read every line
// as the same reader over the whole input in memory, whatever the size of
// its blocks (down to one byte a read, so that lines, fields and the eight
// bytes the index reads at once are cut at every place), and, at single
// spaces, as Perl's split(/ /) line by line: random files of every tag
// shape, delimiter, column count, boundary, carriage return, trailing
// spaces and lines longer than the index block.
func TestConllReaderStream(t *testing.T) {
	defer func(b int) { readBlock = b }(readBlock)
	rng := rand.New(rand.NewPCG(15, 3))
	files := 300
	if testing.Short() {
		files = 60
	}
	for i := range files {
		data, args := randomConllFile(rng)
		delim := " "
		for j := 0; j+1 < len(args); j++ {
			if args[j] == "-d" {
				delim = args[j+1]
			}
		}
		switch i % 6 {
		case 0: // trailing spaces and a missing final newline
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("  \n"))
			data = bytes.TrimSuffix(data, []byte("\n"))
		case 1: // a line longer than the index block
			if k := bytes.IndexByte(data, ' '); k > 0 && delim == " " {
				data = append(append(append([]byte{}, data[:k]...), bytes.Repeat([]byte("w"), 3*indexBlock+5)...), data[k:]...)
			}
		}
		var re *regexp.Regexp
		if delim != " " {
			re = regexp.MustCompile(delim)
		}
		for _, minFields := range []int{1, 2} {
			want := readAll(newConllReader("f", data, re), minFields)
			if re == nil {
				ref := refRead(string(data), minFields)
				if diff := cmp.Diff(ref, want, cmp.Comparer(func(a, b readLine) bool {
					if a.Err == "columns" || b.Err == "columns" {
						return a.Line == b.Line && (a.Err == "") == (b.Err == "")
					}
					return a == b
				})); diff != "" {
					t.Fatalf("file %d (%q): in memory differs from Perl's split (-split +reader):\n%s", i, data, diff)
				}
			}
			for _, block := range []int{1, 2, 7, 8, 9, 64, 4096} {
				readBlock = block
				srcs := []io.Reader{bytes.NewReader(data), oneByteReader{bytes.NewReader(data)}}
				if len(data) > 2*indexBlock && block < 64 {
					// Reads of a few bytes rescan a long line at each one.
					srcs = srcs[:1]
				}
				for _, src := range srcs {
					got := readAll(newStreamReader("f", src, re), minFields)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("file %d (%q), delimiter %q, block %d: streaming differs (-memory +stream):\n%s", i, data, delim, block, diff)
					}
				}
			}
		}
	}
}

// errReader fails after its data.
type errReader struct{ data []byte }

var errDisk = errors.New("disk on fire")

func (e *errReader) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, errDisk
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// TestConllReaderReadError requires a read error to be returned with the
// file's name, after the lines read before it.
func TestConllReaderReadError(t *testing.T) {
	r := newStreamReader("in.txt", &errReader{[]byte("a B-PER B-PER\nb O O\nc O")}, nil)
	var kinds []lineKind
	for {
		k, err := r.next(2)
		if err != nil {
			if !errors.Is(err, errDisk) || !strings.HasPrefix(err.Error(), "read in.txt: ") {
				t.Errorf("got error %v, want read in.txt: wrapping %v", err, errDisk)
			}
			break
		}
		if k == lineEOF {
			t.Fatal("got EOF, want the read error")
		}
		kinds = append(kinds, k)
	}
	if want := []lineKind{lineToken, lineToken}; !cmp.Equal(kinds, want) {
		t.Errorf("got %v, want %v", kinds, want)
	}
}

// TestScoreBlocks requires every output of `nerbench score` on a file of
// many blocks to be the same whatever the block size of the reader.
func TestScoreBlocks(t *testing.T) {
	defer func(b int) { readBlock = b }(readBlock)
	rng := rand.New(rand.NewPCG(15, 5))
	tags := []string{"O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-ORG"}
	var b strings.Builder
	for i := range 4000 {
		if rng.IntN(20) == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "w%d %s %s\n", i, tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))])
	}
	in := b.String()
	for _, output := range []string{"conlleval", "seqeval", "json"} {
		readBlock = 1 << 18
		want, _, err := scoreRun(t, "-", in, scoreOptions{output: output})
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range []int{13, 4096} {
			readBlock = block
			got, _, err := scoreRun(t, "-", in, scoreOptions{output: output})
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("--output %s, block %d: got\n%s\nwant (one block)\n%s", output, block, got, want)
			}
		}
	}
}
