package corpus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The cases are worked by hand from the pseudo-code of spec §4.5.
func TestCalculateSpans(t *testing.T) {
	tests := []struct {
		name   string
		tokens []string
		want   [][2]int
	}{
		{"words and continuations", []string{"hund", "##e", "##n", "løb", "."}, [][2]int{{0, 3}, {3, 4}}},
		{"punctuation and unk belong to no word", []string{"(", "[UNK]", "2021", ")", "år"}, [][2]int{{2, 3}, {4, 5}}},
		{"orphan continuation", []string{"##s", "kat", ",", "##x"}, [][2]int{{1, 2}}},
		{"a word with a hyphen piece is not alphanumeric", []string{"x-y", "æble"}, [][2]int{{1, 2}}},
		{"digits and letters", []string{"h2o", "##x"}, [][2]int{{0, 2}}},
		{"empty", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, CalculateSpans(tc.tokens)); diff != "" {
				t.Errorf("CalculateSpans(%q) (-want +got):\n%s", tc.tokens, diff)
			}
		})
	}
}
