package wikiann

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/readertest"
)

// TestLoadFixtures reads the hand-written files in testdata, laid out like
// the train, dev and test files of da.tar.gz.
func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		split string
		want  []benchmarks.Sentence
		stats benchmarks.Stats
	}{
		{
			split: "train",
			want: []benchmarks.Sentence{
				{ID: "train-1", Line: 1, Words: []string{"Mette", "Frederiksen", "besøgte", "Aalborg", "."}, Tags: []string{"B-PER", "I-PER", "O", "B-LOC", "O"}},
				{ID: "train-2", Line: 7, Words: []string{"Hun", "talte", "med", "Dansk", "Metal", "."}, Tags: []string{"O", "O", "O", "B-ORG", "I-ORG", "O"}},
			},
			stats: benchmarks.Stats{Dataset: Name, Split: "train", Sentences: 2, Tokens: 11, Entities: map[string]int{"PER": 1, "LOC": 1, "ORG": 1}},
		},
		{
			split: "dev",
			want: []benchmarks.Sentence{
				{ID: "dev-1", Line: 1, Words: []string{"foda:x", "da:", "København"}, Tags: []string{"O", "O", "B-LOC"}},
				{ID: "dev-2", Line: 5, Words: []string{"Novo", "Nordisk", "og", "Lego"}, Tags: []string{"B-ORG", "I-ORG", "O", "B-ORG"}},
			},
			stats: benchmarks.Stats{Dataset: Name, Split: "dev", Sentences: 2, Tokens: 7, Entities: map[string]int{"LOC": 1, "ORG": 2}},
		},
		{
			split: "test",
			want: []benchmarks.Sentence{
				{ID: "test-1", Line: 1, Words: []string{"Karen", "Blixen", "boede", "i", "Rungsted"}, Tags: []string{"B-PER", "I-PER", "O", "O", "B-LOC"}},
				{ID: "test-2", Line: 7, Words: []string{"Odense", "Boldklub", "vandt"}, Tags: []string{"B-LOC", "B-ORG", "O"}},
			},
			stats: benchmarks.Stats{Dataset: Name, Split: "test", Sentences: 2, Tokens: 8, Entities: map[string]int{"PER": 1, "LOC": 2, "ORG": 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.split, func(t *testing.T) {
			c, err := Load(t.Context(), "testdata", tc.split)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, c.Sentences); diff != "" {
				t.Errorf("sentences (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.stats, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if want := "testdata/" + tc.split; c.File != want {
				t.Errorf("got file %q, want %q", c.File, want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		target  error
		message string
	}{
		{"three columns", "da:Mette\tB-PER\tx\n", benchmarks.ErrColumns, "test:1: want 2 columns, got 3"},
		{"space instead of tab", "da:Mette B-PER\n", benchmarks.ErrColumns, "test:1: want 2 columns, got 1"},
		{"no prefix", "da:Mette\tB-PER\nFrederiksen\tI-PER\n", benchmarks.ErrMissing, `test:2: word "Frederiksen" lacks the "da:" prefix`},
		{"prefix inside only", "foda:x\tO\n", benchmarks.ErrMissing, `test:1: word "foda:x" lacks the "da:" prefix`},
		{"prefix only", "da:\tO\n", benchmarks.ErrMissing, "test:1: empty word"},
		{"bad tag", "da:Mette\tB-PER\nda:F\tE-PER\n", benchmarks.ErrTag, `test:2: invalid tag "E-PER": want O, B-TYPE or I-TYPE`},
		{"non-UTF-8", "da:K\xe6re\tO\n", benchmarks.ErrEncoding, "test:1: invalid UTF-8 byte 0xe6 at column 5"},
		{"empty file", "", benchmarks.ErrEmpty, "test: no sentences"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(t.Context(), strings.NewReader(tc.input), "test", "test")
			readertest.ParseError(t, err, tc.target, tc.message)
		})
	}
}

func TestLoadUnknownSplit(t *testing.T) {
	_, err := Load(t.Context(), "testdata", "validation")
	readertest.UnknownSplit(t, err, "")
}

func FuzzWikiANN(f *testing.F) {
	for _, seed := range []string{
		"da:Mette\tB-PER\nda:Frederiksen\tI-PER\n\nda:Aalborg\tB-LOC\n",
		"da:foda:x\tO\nda:da:\tO\n",
		"foda:x\tO\n",
		"da:\tO\n",
		"da:a\tB-\n",
		"da:K\xe6re\tO\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c, err := Read(context.Background(), strings.NewReader(input), "fuzz", "test")
		readertest.Corpus(t, c, err)
	})
}
