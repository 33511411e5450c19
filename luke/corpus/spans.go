package corpus

import (
	"strings"
	"unicode"
)

// pyIsAlnum is Python's str.isalnum: non-empty, every character a letter or
// a number.
func pyIsAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// CalculateSpans returns the whole-word spans of word pieces (spec §4.5): a
// word starts at an alphanumeric piece and takes the "##" pieces after it.
// Punctuation, [UNK] and orphan "##" pieces belong to no word. Spans are
// half-open.
func CalculateSpans(tokens []string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(tokens); {
		if !pyIsAlnum(tokens[i]) {
			i++
			continue
		}
		s := i
		i++
		for i < len(tokens) && strings.HasPrefix(tokens[i], "##") {
			i++
		}
		spans = append(spans, [2]int{s, i})
	}
	return spans
}
