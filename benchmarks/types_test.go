package benchmarks_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

func TestCheckTypes(t *testing.T) {
	c := &benchmarks.Corpus{
		Dataset: "d", File: "f.conll",
		Sentences: []benchmarks.Sentence{
			{Line: 1, Tags: []string{"B-PER", "O"}},
			{Line: 4, Tags: []string{"O", "I-LOC", "B-XYZ"}},
			{Line: 9, Tags: []string{"B-ABC"}, OrigTags: []string{"I-ABC"}},
		},
		TypeLines: map[string]int{"PER": 1, "LOC": 5, "XYZ": 6},
	}
	tests := []struct {
		name  string
		types []string
		want  string // "" for no error
	}{
		{"all declared", []string{"ABC", "LOC", "PER", "XYZ"}, ""},
		{"first unknown in file order", []string{"PER"}, `f.conll:5: unknown entity type "LOC" in tag I-LOC: dataset d declares PER`},
		{"line from TypeLines", []string{"LOC", "PER"}, `f.conll:6: unknown entity type "XYZ" in tag B-XYZ: dataset d declares LOC, PER`},
		{"sentence line without TypeLines, file's own tag", []string{"LOC", "PER", "XYZ"}, `f.conll:9: unknown entity type "ABC" in tag I-ABC: dataset d declares LOC, PER, XYZ`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.CheckTypes(tc.types)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			var pe *benchmarks.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, benchmarks.ErrType) || err.Error() != tc.want {
				t.Errorf("got %v, want a *ParseError wrapping ErrType: %s", err, tc.want)
			}
		})
	}
	if diff := cmp.Diff([]string{"ABC", "LOC", "PER", "XYZ"}, c.Types()); diff != "" {
		t.Errorf("Types (-want +got):\n%s", diff)
	}
	ds := benchmarks.Dataset{Name: "d", Types: []string{"MISC", "PER"}}
	if diff := cmp.Diff([]string{"ABC", "LOC", "MISC", "PER", "XYZ"}, ds.WithTypes(c).Types); diff != "" {
		t.Errorf("WithTypes (-want +got):\n%s", diff)
	}
}
