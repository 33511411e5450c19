package seqeval

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// This file holds an independent, deliberately literal implementation of
// conlleval.pl (version 2004-01-26, as shipped in chakki-works/seqeval
// tests/conlleval.pl): its main loop with inCorrect, endOfChunk and
// startOfChunk, over lines with a boundary line (-X- O O) between
// sentences. It shares no code with the package's chunkers and is used as
// the reference of the differential and fuzz tests.

type refCounts struct {
	gold, found, correct int
	perType              map[string][3]int // conlleval type: gold, found, correct
	tokens, correctTags  int
}

func refSplit(tag string) (string, string) {
	// /^([^-]*)-(.*)$/ and then `$type ? $type : ""`.
	if i := strings.Index(tag, "-"); i >= 0 {
		typ := tag[i+1:]
		if typ == "0" {
			typ = ""
		}
		return tag[:i], typ
	}
	return tag, ""
}

func refEnd(prevTag, tag, prevType, typ string) bool {
	end := false
	if prevTag == "B" && tag == "B" {
		end = true
	}
	if prevTag == "B" && tag == "O" {
		end = true
	}
	if prevTag == "I" && tag == "B" {
		end = true
	}
	if prevTag == "I" && tag == "O" {
		end = true
	}
	if prevTag == "E" && tag == "E" {
		end = true
	}
	if prevTag == "E" && tag == "I" {
		end = true
	}
	if prevTag == "E" && tag == "O" {
		end = true
	}
	if prevTag != "O" && prevTag != "." && prevType != typ {
		end = true
	}
	if prevTag == "]" || prevTag == "[" {
		end = true
	}
	return end
}

func refStart(prevTag, tag, prevType, typ string) bool {
	start := false
	if prevTag == "B" && tag == "B" {
		start = true
	}
	if prevTag == "I" && tag == "B" {
		start = true
	}
	if prevTag == "O" && tag == "B" {
		start = true
	}
	if prevTag == "O" && tag == "I" {
		start = true
	}
	if prevTag == "E" && tag == "E" {
		start = true
	}
	if prevTag == "E" && tag == "I" {
		start = true
	}
	if prevTag == "O" && tag == "E" {
		start = true
	}
	if tag != "O" && tag != "." && prevType != typ {
		start = true
	}
	if tag == "[" || tag == "]" {
		start = true
	}
	return start
}

func refConlleval(gold, pred [][]string) refCounts {
	type line struct {
		boundary   bool
		gold, pred string
	}
	var lines []line
	for i := range gold {
		if i > 0 {
			lines = append(lines, line{boundary: true})
		}
		for j := range gold[i] {
			lines = append(lines, line{gold: gold[i][j], pred: pred[i][j]})
		}
	}
	c := refCounts{perType: map[string][3]int{}}
	add := func(typ string, k int) {
		v := c.perType[typ]
		v[k]++
		c.perType[typ] = v
	}
	inCorrect := false
	lastCorrect, lastGuessed := "O", "O"
	lastCorrectType, lastGuessedType := "", ""
	for _, l := range lines {
		var correct, correctType, guessed, guessedType string
		if l.boundary {
			correct, guessed = "O", "O"
		} else {
			guessed, guessedType = refSplit(l.pred)
			correct, correctType = refSplit(l.gold)
		}
		endC := refEnd(lastCorrect, correct, lastCorrectType, correctType)
		endG := refEnd(lastGuessed, guessed, lastGuessedType, guessedType)
		if inCorrect {
			if endC && endG && lastGuessedType == lastCorrectType {
				inCorrect = false
				c.correct++
				add(lastCorrectType, 2)
			} else if endC != endG || guessedType != correctType {
				inCorrect = false
			}
		}
		startC := refStart(lastCorrect, correct, lastCorrectType, correctType)
		startG := refStart(lastGuessed, guessed, lastGuessedType, guessedType)
		if startC && startG && guessedType == correctType {
			inCorrect = true
		}
		if startC {
			c.gold++
			add(correctType, 0)
		}
		if startG {
			c.found++
			add(guessedType, 1)
		}
		if !l.boundary {
			if correct == guessed && guessedType == correctType {
				c.correctTags++
			}
			c.tokens++
		}
		lastGuessed, lastCorrect = guessed, correct
		lastGuessedType, lastCorrectType = guessedType, correctType
	}
	if inCorrect {
		c.correct++
		add(lastCorrectType, 2)
	}
	return c
}

// diffConlleval compares Default-mode counts with the reference and
// returns a description of the first difference, "" when there is none.
func diffConlleval(gold, pred [][]string) (string, error) {
	r, err := Score(gold, pred, Options{KeepCase: true})
	if err != nil {
		return "", err
	}
	ref := refConlleval(gold, pred)
	got := map[string][3]int{}
	for _, t := range r.Types {
		m := r.PerType[t]
		name := t
		if name == untyped {
			name = ""
		}
		got[name] = [3]int{m.Gold, m.Predicted, m.TP}
	}
	if fmt.Sprint(got) != fmt.Sprint(ref.perType) {
		return fmt.Sprintf("per type: got %v, want %v", got, ref.perType), nil
	}
	if r.Tokens != ref.tokens || r.conllCorrectTags != ref.correctTags {
		return fmt.Sprintf("tokens, correct tags: got %d, %d, want %d, %d", r.Tokens, r.conllCorrectTags, ref.tokens, ref.correctTags), nil
	}
	return "", nil
}

// randomCorpus returns a gold and a predicted corpus drawn from the
// prefixes and types given; sentences have 0 to maxLen words.
func randomCorpus(rng *rand.Rand, prefixes, types []string, maxSent, maxLen int) ([][]string, [][]string) {
	n := rng.IntN(maxSent + 1)
	gold, pred := make([][]string, n), make([][]string, n)
	tag := func() string {
		p := prefixes[rng.IntN(len(prefixes))]
		if p == "O" {
			return "O"
		}
		typ := types[rng.IntN(len(types))]
		if typ == "" {
			return p // an untyped tag: seqeval's "_", conlleval's ""
		}
		return p + "-" + typ
	}
	for i := range n {
		l := rng.IntN(maxLen + 1)
		gold[i], pred[i] = make([]string, l), make([]string, l)
		for j := range l {
			gold[i][j] = tag()
			if rng.IntN(3) == 0 {
				pred[i][j] = tag()
			} else {
				pred[i][j] = gold[i][j]
			}
		}
	}
	return gold, pred
}

// TestDifferentialConlleval draws random B/I/O and E/I/O corpora and
// requires Default mode to count exactly as the conlleval.pl reference.
func TestDifferentialConlleval(t *testing.T) {
	corpora := 4000
	if testing.Short() {
		corpora = 400
	}
	rng := rand.New(rand.NewPCG(2026, 3))
	for _, v := range []struct{ prefixes, types []string }{
		{[]string{"B", "I", "O", "O"}, []string{"PER", "LOC", "ORG", "MISC", "ORG-COMPANY"}},
		{[]string{"E", "I", "O", "O"}, []string{"PER", "LOC", "ORG", "MISC", "ORG-COMPANY"}},
		{[]string{"B", "I", "O"}, []string{"PER", ""}},
		{[]string{"E", "I", "O"}, []string{"LOC", ""}},
	} {
		prefixes, types := v.prefixes, v.types
		diffs, tokens := 0, 0
		for k := range corpora {
			gold, pred := randomCorpus(rng, prefixes, types, 12, 30)
			for _, s := range gold {
				tokens += len(s)
			}
			d, err := diffConlleval(gold, pred)
			if err != nil {
				t.Fatalf("%v corpus %d: %v", prefixes, k, err)
			}
			if d != "" {
				diffs++
				if diffs <= 3 {
					t.Errorf("%v corpus %d: %s\ngold %q\npred %q", prefixes, k, d, gold, pred)
				}
			}
		}
		t.Logf("%v %q: %d corpora, %d tokens, %d differences", prefixes, types, corpora, tokens, diffs)
		if diffs > 0 {
			t.Errorf("%v: %d of %d corpora differ", prefixes, diffs, corpora)
		}
	}
}

// TestDifferentialBIOESDiffers documents that B/I/O/E/S input is outside
// the agreement: conlleval.pl does not know S and does not split on E->B
// (notes, "Differential facts").
func TestDifferentialBIOESDiffers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	diffs := 0
	for range 200 {
		gold, pred := randomCorpus(rng, []string{"B", "I", "E", "S", "O"}, []string{"PER", "LOC"}, 10, 30)
		d, err := diffConlleval(gold, pred)
		if err != nil {
			t.Fatal(err)
		}
		if d != "" {
			diffs++
		}
	}
	if diffs == 0 {
		t.Errorf("BIOES: got 0 differing corpora of 200, want some")
	}
}

// refRaw applies conlleval.pl's -r and -o to a tag, as its main loop does.
func refRaw(tag, outside string) string {
	if tag == outside {
		tag = "O"
	}
	if tag != "O" {
		tag = "B-" + tag
	}
	return tag
}

// shapeTag draws a tag of any shape conlleval.pl accepts: the prefixes B,
// I, E, S, O, ".", "[", "]", lower-case b and i, an unknown x, or none (a
// bare type, as in IO files), with typed, untyped ("B"), empty ("B-"),
// "_", "0" and hyphenated types.
func shapeTag(rng *rand.Rand) string {
	prefixes := []string{"B", "I", "E", "S", "O", "O", "O", ".", "[", "]", "b", "i", "x", ""}
	types := []string{"PER", "LOC", "_", "0", "ORG-X", ""}
	p := prefixes[rng.IntN(len(prefixes))]
	if p == "O" || (p == "." || p == "[" || p == "]") && rng.IntN(2) == 0 {
		return p
	}
	typ := types[rng.IntN(len(types))]
	switch {
	case p == "":
		if typ == "" {
			return "O"
		}
		return typ
	case typ == "" && rng.IntN(2) == 0:
		return p // untyped
	}
	return p + "-" + typ
}

// TestConllevalAgainstReference draws random corpora of every tag shape
// and requires Conlleval, with and without -r and -o, to count exactly as
// the literal reference implementation of conlleval.pl above.
func TestConllevalAgainstReference(t *testing.T) {
	corpora := 4000
	if testing.Short() {
		corpora = 400
	}
	rng := rand.New(rand.NewPCG(2026, 12))
	for _, v := range []struct {
		name    string
		raw     bool
		outside string
	}{{"plain", false, ""}, {"raw", true, ""}, {"raw outside", true, "PER"}} {
		diffs, tokens := 0, 0
		for k := range corpora {
			n := rng.IntN(10)
			gold, pred := make([][]string, n), make([][]string, n)
			for i := range n {
				l := rng.IntN(20)
				gold[i], pred[i] = make([]string, l), make([]string, l)
				for j := range l {
					gold[i][j] = shapeTag(rng)
					pred[i][j] = gold[i][j]
					if rng.IntN(3) == 0 {
						pred[i][j] = shapeTag(rng)
					}
				}
				tokens += l
			}
			c := Conlleval{Raw: v.raw, Outside: v.outside}
			rg, rp := make([][]string, n), make([][]string, n)
			for i := range n {
				if i > 0 {
					c.Boundary()
				}
				rg[i], rp[i] = slices.Clone(gold[i]), slices.Clone(pred[i])
				for j := range gold[i] {
					if err := c.Token(gold[i][j], pred[i][j]); err != nil {
						t.Fatal(err)
					}
					if v.raw {
						out := cmp.Or(v.outside, "O")
						rg[i][j], rp[i][j] = refRaw(gold[i][j], out), refRaw(pred[i][j], out)
					}
				}
			}
			got := c.Counts()
			ref := refConlleval(rg, rp)
			want := map[string][3]int{}
			for typ, x := range ref.perType {
				want[typ] = [3]int{x[0], x[1], x[2]}
			}
			have := map[string][3]int{}
			for _, x := range got.PerType {
				have[x.Name] = [3]int{x.Gold, x.Found, x.Correct}
			}
			if fmt.Sprint(have) != fmt.Sprint(want) || got.Tokens != ref.tokens || got.CorrectTags != ref.correctTags ||
				got.Gold != ref.gold || got.Found != ref.found || got.Correct != ref.correct {
				diffs++
				if diffs <= 3 {
					t.Errorf("%s corpus %d: got %+v, want %+v\ngold %q\npred %q", v.name, k, got, ref, gold, pred)
				}
			}
		}
		t.Logf("%s: %d corpora, %d tokens, %d differences", v.name, corpora, tokens, diffs)
		if diffs > 0 {
			t.Errorf("%s: %d of %d corpora differ", v.name, diffs, corpora)
		}
	}
}
