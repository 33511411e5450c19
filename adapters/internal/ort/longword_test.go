package ort

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLongWordMatchesTokenizer checks the long-word path against the full
// tokenizer (sugarme/tokenizer, which applies max_input_chars_per_word
// itself, but only after per-character work): on words of a few hundred
// characters both must give the same ids, pieces over the limit giving
// [UNK].
func TestLongWordMatchesTokenizer(t *testing.T) {
	long := strings.Repeat("abc", 40) // 120 letters, over the limit of 100
	words := []struct{ name, w string }{
		{"letters", long},
		{"exactly the limit plus one", strings.Repeat("x", 101)},
		{"punctuation splits it into short pieces", strings.Repeat("ab,", 60)},
		{"a long piece and a short one", long + "-" + "Aarhus"},
		{"short, long, short", "Jens." + long + ".Hansen"},
		{"spaces inside", strings.Repeat("ord ", 40)},
		{"CJK characters split", strings.Repeat("a中", 70)},
		{"accents", strings.Repeat("é", 60) + strings.Repeat("e\u0301", 60)},
		{"control characters are not counted", strings.Repeat("a\u200b", 80)},
		{"Danish letters", strings.Repeat("æøå", 40)},
		{"mixed", strings.Repeat("Ærø-Kommune's ", 12)},
	}
	for _, fixture := range []string{"oracle-wordpiece", "oracle-uncased"} {
		wt, err := loadTokenizer("testdata/"+fixture, false)
		if err != nil {
			t.Fatal(err)
		}
		if wt.long == nil || wt.long.maxChars != 100 {
			t.Fatalf("%s: got long-word settings %+v, want max_input_chars_per_word 100", fixture, wt.long)
		}
		for _, tc := range words {
			t.Run(fixture+"/"+tc.name, func(t *testing.T) {
				got, err := wt.word(tc.w)
				if err != nil {
					t.Fatal(err)
				}
				enc, err := wt.encode(wt.normalForm(tc.w))
				if err != nil {
					t.Fatal(err)
				}
				var want []int64
				for _, id := range enc.GetIds() {
					want = append(want, int64(id))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("ids (-full tokenizer +long-word path):\n%s", diff)
				}
			})
		}
	}
}

// TestLongWordIsUnknown checks that a 1 MiB word is one [UNK] and is not
// cached.
func TestLongWordIsUnknown(t *testing.T) {
	wt, err := loadTokenizer("testdata/oracle-wordpiece", false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wt.word(strings.Repeat("abcdefghij", 1<<20/10))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{wt.long.unkID}, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if len(wt.cache) != 0 {
		t.Errorf("got %d cached words, want none", len(wt.cache))
	}
}

// TestLongWordOtherTokenizer checks that a tokenizer without a per-word
// limit refuses a word over maxOtherWordBytes instead of tokenising it.
func TestLongWordOtherTokenizer(t *testing.T) {
	wt, err := loadTokenizer("testdata/oracle-unigram", false)
	if err != nil {
		t.Fatal(err)
	}
	if wt.long != nil {
		t.Fatalf("got long-word settings %+v for a Unigram tokenizer, want none", wt.long)
	}
	if _, err := wt.word(strings.Repeat("a", maxOtherWordBytes+1)); err == nil || !strings.Contains(err.Error(), "at most 65536 bytes") {
		t.Errorf("got %v, want an error naming the limit", err)
	}
}
