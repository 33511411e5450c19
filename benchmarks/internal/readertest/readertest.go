// Package readertest holds the checks that the tests of every dataset
// reader (dane, plank, wikiann, conll2003) share: the shape of a parse
// error, the error for an unknown split, and the invariants of any corpus a
// reader returns, which the fuzz targets check on every input.
package readertest

import (
	"errors"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/benchmarks"
)

// ParseError checks that err is a *benchmarks.ParseError wrapping target
// (when target is not nil) whose message is message, and returns it for
// further checks.
func ParseError(t testing.TB, err, target error, message string) *benchmarks.ParseError {
	t.Helper()
	var pe *benchmarks.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("got error %v, want a *benchmarks.ParseError", err)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("got error %v, want one wrapping %v", err, target)
	}
	if err.Error() != message {
		t.Errorf("got message %q, want %q", err.Error(), message)
	}
	return pe
}

// UnknownSplit checks that err is the error for an unknown split, wrapping
// benchmarks.ErrSplit, and that it lists the valid splits as want (empty
// skips that check).
func UnknownSplit(t testing.TB, err error, want string) {
	t.Helper()
	if !errors.Is(err, benchmarks.ErrSplit) {
		t.Fatalf("got error %v, want one wrapping %v", err, benchmarks.ErrSplit)
	}
	if want != "" && !strings.Contains(err.Error(), want) {
		t.Errorf("got error %q, want it to list %q", err, want)
	}
}

// Corpus checks what a reader returned for any input: either a
// *benchmarks.ParseError, or a corpus of at least one sentence in which
// every sentence has an ID, at least one word, no empty word, one tag per
// word, and original tags (when kept) one per word. It also computes the
// corpus statistics, which must not panic. It reports whether a corpus
// came back.
func Corpus(t testing.TB, c *benchmarks.Corpus, err error) bool {
	t.Helper()
	if err != nil {
		var pe *benchmarks.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("got error %v of type %T, want a *benchmarks.ParseError", err, err)
		}
		return false
	}
	if len(c.Sentences) == 0 {
		t.Fatal("got no sentences and no error")
	}
	for _, s := range c.Sentences {
		if s.ID == "" || len(s.Words) == 0 || len(s.Words) != len(s.Tags) {
			t.Fatalf("sentence %q: got %d words and %d tags", s.ID, len(s.Words), len(s.Tags))
		}
		if s.OrigTags != nil && len(s.OrigTags) != len(s.Tags) {
			t.Fatalf("sentence %s: got %d tags and %d original tags", s.ID, len(s.Tags), len(s.OrigTags))
		}
		for _, w := range s.Words {
			if w == "" {
				t.Fatalf("sentence %s: got an empty word", s.ID)
			}
		}
	}
	c.Stats()
	return true
}
