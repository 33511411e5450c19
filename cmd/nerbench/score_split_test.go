package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/seqeval"
)

// splitCorpus returns a random input of many sentences and every tag
// shape (with "." and untyped tags, which leave chunks open across
// boundaries), with its column separator. Sentences are separated by empty
// lines, -X- lines or lines of separators, or by nothing at all; token
// lines may end in a carriage return (from some line on); with bad > 0, about one line in bad
// is broken (another column count, or one column).
func splitCorpus(rng *rand.Rand, sep string, bad int) []byte {
	prefixes := []string{"B", "I", "E", "S", "O", "O", "O", "O", ".", "[", "]", "b", ""}
	types := []string{"PER", "LOC", "MISC", "ORG", "", "0", "_"}
	tag := func() string {
		p := prefixes[rng.IntN(len(prefixes))]
		typ := types[rng.IntN(len(types))]
		switch {
		case p == "O" || p == "" && typ == "":
			return "O"
		case p == "":
			return typ
		case typ == "":
			return p
		}
		return p + "-" + typ
	}
	ncol := 2 + rng.IntN(3)
	cr := rng.IntN(4) == 0
	crFrom := 0 // carriage returns from this token on
	if cr && rng.IntN(2) == 0 {
		crFrom = rng.IntN(400)
	}
	tokens := 0
	noBlank := rng.IntN(8) == 0
	var b bytes.Buffer
	for s := range 1 + rng.IntN(120) {
		if s > 0 && !noBlank {
			switch rng.IntN(8) {
			case 0:
				b.WriteString(strings.Repeat("-X-"+sep, ncol-1) + "-X-\n")
			case 1:
				b.WriteString(strings.Repeat(sep, 1+rng.IntN(2)) + "\n")
			case 2:
				b.WriteString("\n\n")
			default:
				b.WriteString("\n")
			}
		}
		for i := range 1 + rng.IntN(10) {
			cols := ncol
			if bad > 0 && rng.IntN(bad) == 0 {
				cols = 1 + rng.IntN(5)
			}
			f := make([]string, 0, cols)
			for c := 0; c < cols-2; c++ {
				f = append(f, fmt.Sprintf("w%d_%d", i, c))
			}
			g := tag()
			p := g
			if rng.IntN(4) == 0 {
				p = tag()
			}
			f = append(f, g, p)
			b.WriteString(strings.Join(f[max(0, len(f)-cols):], sep))
			if cr && tokens >= crFrom {
				b.WriteByte('\r')
			}
			tokens++
			b.WriteByte('\n')
		}
	}
	if rng.IntN(3) == 0 { // no final newline
		b.Truncate(b.Len() - 1)
	}
	return b.Bytes()
}

// forceSplit makes countSplit count files of any size in segments, and
// returns the function that undoes it.
func forceSplit() func() {
	a, b, w, n := scoreSplitMin, scoreSegmentMin, scoreWorkers, scoreSegments
	scoreSplitMin, scoreSegmentMin = 1, 1
	return func() { scoreSplitMin, scoreSegmentMin, scoreWorkers, scoreSegments = a, b, w, n }
}

// TestScoreSplit requires `nerbench score FILE` (and `nerbench conlleval <
// FILE`) to give the same output, notes and error on random files whether
// the file is counted in one pass or in 2 to 16 segments by 2 to 4 workers:
// the counts, the first error and its line, the first carriage return and
// the column count carried across the cuts, for every option of the
// conlleval report.
func TestScoreSplit(t *testing.T) {
	defer forceSplit()()
	rng := rand.New(rand.NewPCG(15, 11))
	dir := t.TempDir()
	options := []struct {
		name string
		sep  string
		o    scoreOptions
	}{
		{"default", " ", scoreOptions{}},
		{"latex", " ", scoreOptions{output: "latex"}},
		{"raw", " ", scoreOptions{raw: true}},
		{"raw outside", " ", scoreOptions{raw: true, outside: "PER"}},
		{"IO", " ", scoreOptions{opts: seqeval.Options{Scheme: seqeval.IO}}},
		{"no-misc", " ", scoreOptions{opts: seqeval.Options{NoMisc: true}}},
		{"map", " ", scoreOptions{opts: seqeval.Options{Map: map[string]string{"PER": "LOC", "ORG": "O"}}}},
		{"tab", "\t", scoreOptions{delimiter: `\t`}},
		{"regexp", ";", scoreOptions{delimiter: "[,;]"}},
	}
	split := 0
	for i := range 300 {
		opt := options[i%len(options)]
		bad := 0
		if i%3 == 0 {
			bad = 50 + rng.IntN(2000)
		}
		data := splitCorpus(rng, opt.sep, bad)
		if i%50 == 0 { // no line with fields in the first ncolProbe bytes: one pass
			data = append(bytes.Repeat([]byte("\n"), ncolProbe), data...)
		}
		path := filepath.Join(dir, fmt.Sprintf("c%d.txt", i))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("%d %s", i, opt.name), func(t *testing.T) {
			o := opt.o
			if o.delimiter == "" {
				o.delimiter = " "
			}
			if o.outside == "" {
				o.outside = "O"
			}
			if splitUsed(t, path, &o) {
				split++
			}
			scoreWorkers = 1
			wantOut, wantErr, err := scoreRun(t, path, "", o)
			want := fmt.Sprint(err)
			for _, n := range []int{2, 3, 5, 16} {
				scoreWorkers, scoreSegments = 2+n%3, n
				gotOut, gotErr, err := scoreRun(t, path, "", o)
				if got := fmt.Sprint(err); got != want {
					t.Errorf("%d segments: error: got %s, want %s", n, got, want)
				}
				if gotOut != wantOut || gotErr != wantErr {
					t.Errorf("%d segments: got\n%s%s\nwant\n%s%s", n, gotOut, gotErr, wantOut, wantErr)
				}
			}
		})
	}
	if split < 200 {
		t.Errorf("%d of 300 files were counted in segments, want at least 200", split)
	}
}

// splitUsed reports whether countSplit counts the file in 3 segments.
func splitUsed(t *testing.T, path string, o *scoreOptions) bool {
	t.Helper()
	scoreWorkers, scoreSegments = 2, 3
	oc := *o
	oc.file = path
	src, err := openScoreSource(&oc)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	split, _ := countSplit(t.Context(), &oc, src.one, newConllevalCounter(&oc))
	return split
}

// TestScoreSplitStdin requires `nerbench conlleval < FILE` to count a
// regular file on standard input in segments, from where standard input
// starts, and to leave it at the end, as one pass does.
func TestScoreSplitStdin(t *testing.T) {
	defer forceSplit()()
	rng := rand.New(rand.NewPCG(15, 12))
	data := splitCorpus(rng, " ", 0)
	skip := bytes.Index(data, []byte("\n")) + 1 // standard input starts at the second line
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(segments int) (string, int64) {
		t.Helper()
		scoreWorkers, scoreSegments = 2, segments
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Seek(int64(skip), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		o := &scoreOptions{out: &streams{In: f, Out: &out, Err: &errb}, file: "-", output: "conlleval", digits: 2, delimiter: " ", outside: "O"}
		if err := runScore(t.Context(), o); err != nil {
			t.Fatal(err)
		}
		at, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			t.Fatal(err)
		}
		return out.String() + errb.String(), at
	}
	want, wantAt := run(1)
	if wantAt != int64(len(data)) {
		t.Fatalf("one pass left standard input at %d, want %d", wantAt, len(data))
	}
	for _, n := range []int{2, 7} {
		if got, at := run(n); got != want || at != wantAt {
			t.Errorf("%d segments: got\n%s(at %d)\nwant\n%s(at %d)", n, got, at, want, wantAt)
		}
	}
}

// FuzzScoreSplit requires the conlleval report of any input to be the same
// counted in one pass and in segments.
func FuzzScoreSplit(f *testing.F) {
	rng := rand.New(rand.NewPCG(15, 13))
	for i := range 8 {
		f.Add(splitCorpus(rng, " ", 40*i), i%3 == 0)
	}
	f.Add([]byte("w B-PER B-PER\nw .-PER .-PER\n\nw B-LOC B-LOC\nw O O\n\nw S S\n\nw O O\n"), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, raw bool) {
		defer forceSplit()()
		path := filepath.Join(dir, "in.txt")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		o := scoreOptions{delimiter: " ", outside: "O", raw: raw}
		scoreWorkers = 1
		wantOut, wantErr, err := scoreRun(t, path, "", o)
		want := fmt.Sprint(err)
		scoreWorkers, scoreSegments = 3, 4
		gotOut, gotErr, err := scoreRun(t, path, "", o)
		if got := fmt.Sprint(err); got != want || gotOut != wantOut || gotErr != wantErr {
			t.Errorf("in segments: got\n%s%s%s\nwant (one pass)\n%s%s%s", gotOut, gotErr, got, wantOut, wantErr, want)
		}
	})
}
