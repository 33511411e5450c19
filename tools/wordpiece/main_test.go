package main

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/testenv"
)

// vocabMap numbers the tokens of a vocabulary by position, as vocab.txt
// does.
func vocabMap(vocab []string) map[string]int {
	m := make(map[string]int, len(vocab))
	for i, t := range vocab {
		m[t] = i
	}
	return m
}

// TestTrain checks the vocabulary learnt from a few Danish words: specials
// first, no repeats, continuation pieces marked "##", and every training
// word split into known pieces (none [UNK]). sugarme's WordPiece trainer
// made first characters such as "0xc000123456k" and no "##" piece, so each
// word of two or more letters was [UNK].
func TestTrain(t *testing.T) {
	counts := map[string]int{"københavn": 5, "købmand": 3, "havn": 4, "aarhus": 2, "hus": 6, "huse": 2, "i": 9, "ø": 1}
	for _, size := range []int{30, 60, 200} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			vocab, err := train(counts, size)
			if err != nil {
				t.Fatal(err)
			}
			if len(vocab) > size {
				t.Errorf("got %d tokens, want at most %d", len(vocab), size)
			}
			if diff := cmp.Diff(specials, vocab[:len(specials)]); diff != "" {
				t.Errorf("first tokens (-want +got):\n%s", diff)
			}
			m := vocabMap(vocab)
			if len(m) != len(vocab) {
				t.Errorf("%d tokens, %d distinct", len(vocab), len(m))
			}
			cont := 0
			for _, tok := range vocab[len(specials):] {
				body := strings.TrimPrefix(tok, "##")
				if body != tok {
					cont++
				}
				for _, r := range body {
					if r >= firstPrivate {
						t.Errorf("token %q holds a private code point", tok)
					}
				}
				if strings.Contains(tok, "0x") {
					t.Errorf("token %q looks like a pointer", tok)
				}
			}
			if cont == 0 {
				t.Errorf("no continuation (##) piece in %q", vocab)
			}
			tok, err := daluke.NewTokenizer(m)
			if err != nil {
				t.Fatal(err)
			}
			for w := range counts {
				p, err := tok.Word(w)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, id := range p {
					got = append(got, tok.Token(id))
				}
				spelt := ""
				for i, g := range got {
					if body, cont := strings.CutPrefix(g, "##"); cont != (i > 0) {
						t.Errorf("%q: piece %d is %q, want ## on every piece but the first", w, i, g)
					} else {
						spelt += body
					}
				}
				if spelt != w {
					t.Errorf("%q: got pieces %q, want pieces that spell it", w, got)
				}
			}
		})
	}
}

// TestTrainManyWords checks a frequent word among more word types than
// the trainer counts correctly (10,000 or more): it must still be merged
// into one piece. Without keeping the most frequent 9,999 types, "og"
// fell in the three quarters of the words whose pairs were never counted
// and stayed "o ##g".
func TestTrainManyWords(t *testing.T) {
	counts := map[string]int{"og": 1000}
	for i := range 12000 {
		counts["a"+strconv.FormatInt(int64(i), 26)] = 1
	}
	vocab, err := train(counts, 200)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := daluke.NewTokenizer(vocabMap(vocab))
	if err != nil {
		t.Fatal(err)
	}
	p, err := tok.Word("og")
	if err != nil {
		t.Fatal(err)
	}
	if got := tokens(tok, p); !cmp.Equal(got, []string{"og"}) {
		t.Errorf("og: got pieces %q, want [og]", got)
	}
}

func TestTrainErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts map[string]int
		size   int
		want   string
	}{
		{"size", map[string]int{"hus": 1}, 5, "want more than the 5 special tokens"},
		{"private use", map[string]int{"h\U000F0001s": 1}, 50, "U+F0001"},
		{"replacement", map[string]int{"h\uFFFDs": 1}, 50, "U+FFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := train(tc.counts, tc.size)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestDaNE trains the demo's vocabulary on DaNE train and checks that
// almost every word of DaNE dev splits into known pieces.
func TestDaNE(t *testing.T) {
	data := testenv.DataDir(t)
	dir := t.TempDir()
	if err := run(data, 8000, filepath.Join(dir, "vocab.txt")); err != nil {
		t.Fatal(err)
	}
	tok, err := daluke.ReadTokenizer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tok.VocabSize() > 8000 {
		t.Errorf("got %d word pieces, want at most 8000", tok.VocabSize())
	}
	dev, err := dane.Load(context.Background(), filepath.Join(data, "dane"), "dev")
	if err != nil {
		t.Fatal(err)
	}
	words, pieces, unk := 0, 0, 0
	for _, s := range dev.Sentences {
		p, err := tok.Words(s.Words)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range p {
			words++
			pieces += len(w)
			if slices.Contains(tokens(tok, w), "[UNK]") {
				unk++
			}
		}
	}
	// A few characters of dev never occur in train; 1 % leaves room.
	if 100*unk > words {
		t.Errorf("got %d [UNK] words of %d in DaNE dev, want at most 1 %%", unk, words)
	}
	// 1.55 pieces per word when this was written; the trainer's pair
	// counting over all 14,907 word types of DaNE train gave 2.22.
	if r := float64(pieces) / float64(words); r > 1.7 {
		t.Errorf("got %.2f word pieces per DaNE dev word, want at most 1.7", r)
	}
	t.Logf("%d [UNK] words of %d in DaNE dev, %.2f pieces per word", unk, words, float64(pieces)/float64(words))
}

func tokens(tok *daluke.Tokenizer, ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = tok.Token(id)
	}
	return out
}
