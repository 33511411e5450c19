package seqeval

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// conllevalOf feeds the sentences of "gold pred" pairs (sentences separated
// by "|") to c and returns c.
func conllevalOf(t *testing.T, c *Conlleval, text string) *Conlleval {
	t.Helper()
	for i, s := range strings.Split(text, "|") {
		if i > 0 {
			c.Boundary()
		}
		f := strings.Fields(s)
		for j := 0; j+1 < len(f); j += 2 {
			if err := c.Token(f[j], f[j+1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c
}

// TestConllevalIssueExamples checks the examples of issue 10 against the
// output of conlleval.pl (version 2004-01-26) on the same lines.
func TestConllevalIssueExamples(t *testing.T) {
	tests := []struct {
		name  string
		c     Conlleval
		lines string
		want  string // conlleval.pl's output
	}{
		{
			// Row 5: conlleval.pl does not know S-, so the S-PER words of
			// one type make one phrase.
			name: "S- tags", lines: "S-PER S-PER S-PER S-PER O S-LOC",
			want: "processed 3 tokens with 1 phrases; found: 2 phrases; correct: 1.\n" +
				"accuracy:  66.67%; precision:  50.00%; recall: 100.00%; FB1:  66.67\n" +
				"              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n" +
				"              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n",
		},
		{
			// Row 6: the type "_" and no type are two types.
			name: "underscore type", lines: "B-_ B-_ I I-_",
			want: "processed 2 tokens with 2 phrases; found: 1 phrases; correct: 0.\n" +
				"accuracy:  50.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n" +
				"                 : precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n" +
				"                _: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n",
		},
		{
			// Row 5: IO tags without a prefix have no type for conlleval.pl,
			// and start no chunk.
			name: "bare tags", lines: "PER PER PER PER O FOO LOC LOC",
			want: "processed 4 tokens with 0 phrases; found: 0 phrases; correct: 0.\n" +
				"accuracy:  75.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n",
		},
		{
			// The same as IO: one chunk per run of a type.
			name: "bare tags as IO", c: Conlleval{IO: true}, lines: "PER PER PER PER O FOO LOC LOC",
			want: "processed 4 tokens with 2 phrases; found: 3 phrases; correct: 2.\n" +
				"accuracy:  75.00%; precision:  66.67%; recall: 100.00%; FB1:  80.00\n" +
				"              FOO: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n" +
				"              LOC: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n" +
				"              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := conllevalOf(t, &tc.c, tc.lines).Report()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("report (-conlleval.pl +got):\n%s", diff)
			}
		})
	}
}

func TestConllevalOptions(t *testing.T) {
	tests := []struct {
		name                 string
		c                    Conlleval
		lines                string
		gold, found, correct int
		correctTags          int
	}{
		// MISC tags become O: one PER chunk, and every word agrees.
		{"no misc", Conlleval{NoMisc: true}, "B-MISC O O O B-PER B-PER", 1, 1, 1, 3},
		{"map", Conlleval{Map: map[string]string{"PERSON": "PER", "GPE": "O"}}, "B-PER B-PERSON I-PER I-PERSON B-LOC B-GPE", 2, 1, 1, 2},
		{"raw", Conlleval{Raw: true}, "PER PER PER PER O O LOC PER", 3, 3, 2, 3},
		// OUT is O; a gold O stays O, as in conlleval.pl.
		{"raw outside", Conlleval{Raw: true, Outside: "OUT"}, "PER PER OUT O O LOC", 1, 2, 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := conllevalOf(t, &tc.c, tc.lines)
			if err := c.Err(); err != nil {
				t.Fatal(err)
			}
			got := c.Counts()
			if g := [4]int{got.Gold, got.Found, got.Correct, got.CorrectTags}; g != [4]int{tc.gold, tc.found, tc.correct, tc.correctTags} {
				t.Errorf("gold, found, correct, correct tags: got %v, want %v", g, [4]int{tc.gold, tc.found, tc.correct, tc.correctTags})
			}
		})
	}
}

func TestConllevalErrors(t *testing.T) {
	c := Conlleval{IO: true}
	if err := c.Token("PER", "B-PER"); !errors.Is(err, ErrTag) || !strings.Contains(err.Error(), `predicted tag "B-PER": prefix B is not allowed in IO`) {
		t.Errorf("IO: got %v, want ErrTag naming the predicted tag", err)
	}
	m := Conlleval{Map: map[string]string{"PERSON": "PER"}}
	conllevalOf(t, &m, "B-PER B-PERSON O B-GPE")
	if err := m.Err(); !errors.Is(err, ErrUnmappedType) || !strings.Contains(err.Error(), `"GPE"`) {
		t.Errorf("map: got %v, want ErrUnmappedType naming GPE", err)
	}
}

// TestConllevalAllocs checks that counting allocates nothing per word once
// the tags are known.
func TestConllevalAllocs(t *testing.T) {
	var c Conlleval
	tags := strings.Fields("B-PER I-PER O B-LOC I-LOC O B-MISC")
	for _, g := range tags {
		_ = c.Token(g, g)
	}
	n := testing.AllocsPerRun(100, func() {
		for i, g := range tags {
			_ = c.Token(g, tags[(i+1)%len(tags)])
		}
		c.Boundary()
	})
	if n != 0 {
		t.Errorf("got %v allocations per run, want 0", n)
	}
}

// TestNoMiscAccuracy checks that with NoMisc the accuracy compares the tags
// with MISC replaced by O (issue 10, row 18), on seqeval's README example,
// whose accuracy is 0.8 with MISC.
func TestNoMiscAccuracy(t *testing.T) {
	gold := [][]string{{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}}
	pred := [][]string{{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}}
	for _, tc := range []struct {
		opts Options
		want float64
	}{
		{Options{}, 0.8},
		{Options{NoMisc: true}, 1},
		{Options{Mode: Strict, Scheme: IOB2, NoMisc: true}, 1},
		{Options{Map: map[string]string{"MISC": "O"}}, 1},
		{Options{Map: map[string]string{"MISC": "X", "PER": "PER"}}, 0.8},
	} {
		r, err := Score(gold, pred, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Accuracy != tc.want {
			t.Errorf("%+v: accuracy %v, want %v", tc.opts, r.Accuracy, tc.want)
		}
	}
}

func TestSchemeIO(t *testing.T) {
	gold := [][]string{{"PER", "PER", "O", "I-LOC", "LOC", "ORG"}}
	pred := [][]string{{"I-PER", "PER", "PER", "O", "LOC", "ORG"}}
	want := [][]Entity{{{"PER", 0, 2}, {"LOC", 3, 5}, {"ORG", 5, 6}}}
	for _, mode := range []Mode{Default, Strict} {
		r, err := Score(gold, pred, Options{Details: true, Mode: mode, Scheme: IO})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, r.Gold); diff != "" {
			t.Errorf("%v gold entities (-want +got):\n%s", mode, diff)
		}
		if r.Micro.TP != 1 || r.Micro.Predicted != 3 || r.CorrectTags != 4 {
			t.Errorf("%v: tp %d, predicted %d, correct tags %d, want 1, 3, 4", mode, r.Micro.TP, r.Micro.Predicted, r.CorrectTags)
		}
	}
	_, err := Score([][]string{{"B-PER"}}, [][]string{{"O"}}, Options{Scheme: IO})
	var te *TagError
	if !errors.As(err, &te) || te.Side != "gold" || te.Tag != "B-PER" {
		t.Errorf("B- in IO: got %v, want a gold TagError", err)
	}
	if _, err := Score(nil, nil, Options{Scheme: IO, Suffix: true}); !errors.Is(err, ErrOption) {
		t.Errorf("IO with suffix: got %v, want ErrOption", err)
	}
}

// TestConllevalBufferTags requires TokenBytes on tags that are slices of a
// larger buffer (the integer-keyed cache of shortID, which reads the bytes
// after a tag and masks them off) to count as Token on separate strings:
// tags of 1 to 9 bytes, prefixes of one another, followed in the buffer by
// bytes that change from line to line, in every option set.
func TestConllevalBufferTags(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	tags := []string{"O", "B", "B-", "B-P", "B-PE", "B-PER", "I-PER", "B-PERS", "B-PERSO", "B-PERSON", "I-PERSON", "E-PERSONS", "I-0", "S-X", ".", "[", "]", "b-PER", "O\r", "O\x00", "B-PER\x00"}
	for _, c0 := range []Conlleval{{}, {Raw: true}, {Raw: true, Outside: "B-PER"}, {NoMisc: true}, {Map: map[string]string{"PER": "PERSON", "X": "O"}}} {
		want, got := c0, c0
		buf := make([]byte, 0, 64)
		for range 3000 {
			if rng.IntN(15) == 0 {
				want.Boundary()
				got.Boundary()
				continue
			}
			g, p := tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))]
			buf = buf[:0]
			buf = append(buf, g...)
			gEnd := len(buf)
			buf = append(buf, ' ')
			buf = append(buf, p...)
			pEnd := len(buf)
			for range rng.IntN(9) { // the bytes after the line differ
				buf = append(buf, byte('A'+rng.IntN(30)))
			}
			werr := want.Token(g, p)
			gerr := got.TokenBytes(buf[:gEnd], buf[gEnd+1:pEnd])
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%+v: %q %q: error %v, want %v", c0, g, p, gerr, werr)
			}
		}
		if diff := cmp.Diff(want.Counts(), got.Counts()); diff != "" {
			t.Errorf("%+v: counts differ (-strings +buffer):\n%s", c0, diff)
		}
		if want.Report() != got.Report() {
			t.Errorf("%+v: reports differ", c0)
		}
	}
}
