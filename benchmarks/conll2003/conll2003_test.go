package conll2003

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/readertest"
	"github.com/nerbench/nerbench/internal/testenv"
)

// fixture is made-up English text in the CoNLL-2003 layout (no Reuters
// text): two documents, IOB1 tags, and a B- tag between two adjacent
// locations.
const fixture = `-DOCSTART- -X- -X- O

Maria NNP I-NP I-PER
Olsen NNP I-NP I-PER
visited VBD I-VP O
Lisbon NNP I-NP I-LOC
Porto NNP I-NP B-LOC
. . O O

Acme NNP I-NP I-ORG
Widgets NNPS I-NP I-ORG
rose VBD I-VP O
. . O O

-DOCSTART- -X- -X- O

Quiet JJ I-NP O
day NN I-NP O
in IN I-PP O
Oslo NNP I-NP I-LOC
`

func TestRead(t *testing.T) {
	c, err := Read(t.Context(), strings.NewReader(fixture), "eng.testb", "test")
	if err != nil {
		t.Fatal(err)
	}
	want := []benchmarks.Sentence{
		{
			ID: "test-1", Doc: "test-d1", Line: 3,
			Words:    []string{"Maria", "Olsen", "visited", "Lisbon", "Porto", "."},
			Tags:     []string{"B-PER", "I-PER", "O", "B-LOC", "B-LOC", "O"},
			OrigTags: []string{"I-PER", "I-PER", "O", "I-LOC", "B-LOC", "O"},
		},
		{
			ID: "test-2", Doc: "test-d1", Line: 10,
			Words:    []string{"Acme", "Widgets", "rose", "."},
			Tags:     []string{"B-ORG", "I-ORG", "O", "O"},
			OrigTags: []string{"I-ORG", "I-ORG", "O", "O"},
		},
		{
			ID: "test-3", Doc: "test-d2", Line: 17,
			Words:    []string{"Quiet", "day", "in", "Oslo"},
			Tags:     []string{"O", "O", "O", "B-LOC"},
			OrigTags: []string{"O", "O", "O", "I-LOC"},
		},
	}
	if diff := cmp.Diff(want, c.Sentences); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
	if len(c.Irregular) != 0 {
		t.Errorf("got irregularities %v, want none", c.Irregular)
	}
	got := c.Stats()
	wantStats := benchmarks.Stats{
		Dataset: Name, Split: "test", Sentences: 3, Tokens: 14, Documents: 2,
		Entities: map[string]int{"PER": 1, "LOC": 3, "ORG": 1},
	}
	if diff := cmp.Diff(wantStats, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestReadDocStartWithoutBlankLine(t *testing.T) {
	input := "Bob NNP I-NP I-PER\n-DOCSTART- -X- O O\nAnn NNP I-NP I-PER\n"
	c, err := Read(t.Context(), strings.NewReader(input), "eng.train", "train")
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, s := range c.Sentences {
		got = append(got, [2]string{s.ID, s.Doc})
	}
	want := [][2]string{{"train-1", "train-d1"}, {"train-2", "train-d2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IDs and documents (-want +got):\n%s", diff)
	}
}

func TestIOB1ToIOB2(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"I-PER I-PER O I-LOC", "B-PER I-PER O B-LOC"},
		{"I-LOC B-LOC I-LOC", "B-LOC B-LOC I-LOC"},
		{"I-PER I-ORG", "B-PER B-ORG"},
		{"O O", "O O"},
		{"B-MISC I-MISC", "B-MISC I-MISC"},
	}
	for _, tc := range tests {
		input := ""
		for i, tag := range strings.Fields(tc.in) {
			input += "w" + string(rune('a'+i)) + " NN O " + tag + "\n"
		}
		c, err := Read(t.Context(), strings.NewReader(input), "x", "test")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.Sentences[0].Tags, " "); got != tc.want {
			t.Errorf("IOB2 of %q: got %q, want %q", tc.in, got, tc.want)
		}
		if got := strings.Join(c.Sentences[0].OrigTags, " "); got != tc.in {
			t.Errorf("OrigTags: got %q, want %q", got, tc.in)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		target  error
		message string
	}{
		{"three columns", "-DOCSTART- -X- -X- O\n\nBob NNP I-PER\n", benchmarks.ErrColumns, "eng.testb:3: want 4 columns, got 3"},
		{"bad tag", "Bob NNP I-NP PER\n", benchmarks.ErrTag, `eng.testb:1: invalid tag "PER": want O, B-TYPE or I-TYPE`},
		{"non-UTF-8", "Bob NNP I-NP O\n\xff NN I-NP O\n", benchmarks.ErrEncoding, "eng.testb:2: invalid UTF-8 byte 0xff at column 1"},
		{"empty file", "", benchmarks.ErrEmpty, "eng.testb: no sentences"},
		{"documents only", "-DOCSTART- -X- -X- O\n\n", benchmarks.ErrEmpty, "eng.testb: no sentences"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(t.Context(), strings.NewReader(tc.input), "eng.testb", "test")
			readertest.ParseError(t, err, tc.target, tc.message)
		})
	}
}

func TestLoadUnknownSplit(t *testing.T) {
	_, err := Load(t.Context(), t.TempDir(), "testb")
	readertest.UnknownSplit(t, err, "want one of train, dev, test")
}

// TestLoadReal checks the real files. Sentence, document, token and entity
// counts are those of shared/data/SOURCES.md section 3; the per-type
// entity counts equal Tjong Kim Sang and De Meulder (2003), and the
// test counts issue 2 (LOC 1668, PER 1617, ORG 1661, MISC 702).
func TestLoadReal(t *testing.T) {
	dir := testenv.DataDir(t, "conll2003")
	tests := []struct {
		split                   string
		sentences, docs, tokens int
		loc, per, org, misc     int
	}{
		{"train", 14041, 946, 203621, 7140, 6600, 6321, 3438},
		{"dev", 3250, 216, 51362, 1837, 1842, 1341, 922},
		{"test", 3453, 231, 46435, 1668, 1617, 1661, 702},
	}
	for _, tc := range tests {
		t.Run(tc.split, func(t *testing.T) {
			c, err := Load(t.Context(), dir, tc.split)
			if err != nil {
				t.Fatal(err)
			}
			want := benchmarks.Stats{
				Dataset: Name, Split: tc.split, Sentences: tc.sentences, Tokens: tc.tokens, Documents: tc.docs,
				Entities: map[string]int{"LOC": tc.loc, "PER": tc.per, "ORG": tc.org, "MISC": tc.misc},
			}
			if diff := cmp.Diff(want, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			// The same chunks must come out of the file's IOB1 tags.
			stats := c.Stats()
			for i := range c.Sentences {
				c.Sentences[i].Tags = c.Sentences[i].OrigTags
			}
			if diff := cmp.Diff(stats, c.Stats()); diff != "" {
				t.Errorf("IOB1 and IOB2 chunks differ (-IOB2 +IOB1):\n%s", diff)
			}
		})
	}
}

func FuzzCoNLL2003(f *testing.F) {
	for _, seed := range []string{
		fixture,
		"Bob NNP I-NP I-PER\n-DOCSTART- -X- O O\nAnn NNP I-NP I-PER\n",
		"a b c\n",
		"\xff NN I-NP O\n",
		"-DOCSTART-\n",
		"",
		"x  y\tz O\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c, err := Read(context.Background(), strings.NewReader(input), "fuzz", "test")
		if !readertest.Corpus(t, c, err) {
			return
		}
		for _, s := range c.Sentences {
			if len(s.Tags) != len(s.OrigTags) {
				t.Fatalf("sentence %s: got %d tags and %d original tags", s.ID, len(s.Tags), len(s.OrigTags))
			}
			for i, tag := range s.Tags {
				if tag[0] == 'I' && (i == 0 || s.Tags[i-1] == "O" || s.Tags[i-1][2:] != tag[2:]) {
					t.Fatalf("sentence %s: tag %d %q is not IOB2", s.ID, i, tag)
				}
			}
		}
	})
}
