package predfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

func corpus() *benchmarks.Corpus {
	return &benchmarks.Corpus{Dataset: "dane", Split: "test", Sentences: []benchmarks.Sentence{
		{ID: "s1", Words: []string{"Jens", "bor", "i", "Aarhus"}, Tags: []string{"B-PER", "O", "O", "B-LOC"}},
		{ID: "s2", Words: []string{"Novo", "Nordisk"}, Tags: []string{"B-ORG", "I-ORG"}},
	}}
}

func TestParseAndAlign(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     [][]string
		wantErr  error
		wantText string // in the error: file:line and what is wrong
	}{
		{name: "word pred", in: "Jens B-PER\nbor O\ni O\nAarhus B-ORG\n\nNovo B-ORG\nNordisk I-ORG\n",
			want: [][]string{{"B-PER", "O", "O", "B-ORG"}, {"B-ORG", "I-ORG"}}},
		{name: "word gold pred, tabs, CRLF, DOCSTART, extra blank lines", in: "-DOCSTART- O O\n\n\nJens\tB-PER\tB-PER\r\nbor\tO\tO\r\ni\tO\tO\r\nAarhus\tB-LOC\tO\r\n\r\n\r\nNovo\tB-ORG\tB-ORG\nNordisk\tI-ORG\tO",
			want: [][]string{{"B-PER", "O", "O", "O"}, {"B-ORG", "O"}}},
		{name: "word differs", in: "Jens B-PER\nbor O\ni O\nÅrhus B-LOC\n\nNovo B-ORG\nNordisk I-ORG\n",
			wantErr: ErrMismatch, wantText: `p.conll:4: predictions do not match the corpus: sentence 1 (s1), word 4: got "Århus", the corpus has "Aarhus"`},
		{name: "sentence split differently", in: "Jens B-PER\nbor O\n\ni O\nAarhus B-LOC\nNovo B-ORG\nNordisk I-ORG\n",
			wantErr: ErrMismatch, wantText: `p.conll:2: predictions do not match the corpus: sentence 1 (s1) ends after 2 words, the corpus sentence has 4 (next word "i")`},
		{name: "sentence too long", in: "Jens B-PER\nbor O\ni O\nAarhus B-LOC\nNovo B-ORG\n\nNordisk I-ORG\n",
			wantErr: ErrMismatch, wantText: `p.conll:5: predictions do not match the corpus: sentence 1 (s1) has 4 words, the file has more: "Novo"`},
		{name: "missing sentence", in: "Jens B-PER\nbor O\ni O\nAarhus B-LOC\n",
			wantErr: ErrMismatch, wantText: "p.conll: predictions do not match the corpus: the file has 1 sentences, dane test has 2 (its sentence 2, s2, has no predictions)"},
		{name: "extra sentence", in: "Jens B-PER\nbor O\ni O\nAarhus B-LOC\n\nNovo B-ORG\nNordisk I-ORG\n\nEkstra O\n",
			wantErr: ErrMismatch, wantText: "p.conll:9: predictions do not match the corpus: the file has 3 sentences, dane test has 2"},
		{name: "gold differs", in: "Jens B-PER B-PER\nbor O O\ni O O\nAarhus B-ORG O\n\nNovo B-ORG B-ORG\nNordisk I-ORG O\n",
			wantErr: ErrMismatch, wantText: `p.conll:4: predictions do not match the corpus: sentence 1 (s1), word 4 "Aarhus": gold tag B-ORG, the corpus has B-LOC`},
		{name: "column count changes", in: "Jens B-PER\nbor O O\n",
			wantErr: ErrColumns, wantText: "p.conll:2: wrong number of columns: want 2 columns like the first line, got 3"},
		{name: "one column", in: "Jens\n", wantErr: ErrColumns, wantText: "p.conll:1: wrong number of columns: want 2 columns (word pred) or 3 (word gold pred), got 1"},
		{name: "not a tag", in: "Jens PER\n", wantErr: ErrTag, wantText: `p.conll:1: not a tag: "PER"`},
		{name: "empty", in: "\n\n", wantErr: ErrColumns, wantText: "p.conll: wrong number of columns: no sentences"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tc.in), "p.conll")
			var got [][]string
			if err == nil {
				got, err = f.Align(corpus())
			}
			if tc.wantErr != nil {
				var pe *benchmarks.ParseError
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantText) {
					t.Fatalf("got error %v, want a ParseError wrapping %v containing %q", err, tc.wantErr, tc.wantText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("predictions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTypes(t *testing.T) {
	f, err := Parse(strings.NewReader("a B-PER\nb I-PER\n\nc S-LOC\nd O\n"), "p")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"LOC", "PER"}, f.Types()); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
}
