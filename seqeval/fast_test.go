package seqeval

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// scoreGeneral is Score on the general path.
func scoreGeneral(gold, pred [][]string, opts Options) (*Result, error) {
	generalOnly = true
	defer func() { generalOnly = false }()
	return Score(gold, pred, opts)
}

// TestFastPathEqualsGeneral requires the fast path of Score to give the
// same Result as the general path, field by field, on random corpora of
// every tag shape (lower-case and unknown prefixes, untyped tags, ".") and
// with every option the fast path takes.
func TestFastPathEqualsGeneral(t *testing.T) {
	corpora := 1500
	if testing.Short() {
		corpora = 200
	}
	rng := rand.New(rand.NewPCG(15, 2))
	tag := func() string {
		if rng.IntN(4) == 0 {
			return []string{"O", "o", "B", "I-", ".", "x", "PER", "b-PER", "i-LOC", "E-PER", "S-LOC", "B-_", "I-0"}[rng.IntN(13)]
		}
		return shapeTag(rng)
	}
	opts := []Options{
		{}, {KeepCase: true}, {NoMisc: true}, {ZeroDivisionOne: true, Beta: 2},
		{Map: map[string]string{"PER": "PERSON", "LOC": "O", "ORG-X": "PER", "MISC": "MISC", "_": "X", "0": "O"}, NoMisc: true},
	}
	for k := range corpora {
		n := rng.IntN(8)
		gold, pred := make([][]string, n), make([][]string, n)
		for i := range n {
			l := rng.IntN(15)
			gold[i], pred[i] = make([]string, l), make([]string, l)
			for j := range l {
				gold[i][j], pred[i][j] = tag(), tag()
				if rng.IntN(2) == 0 {
					pred[i][j] = gold[i][j]
				}
			}
		}
		o := opts[k%len(opts)]
		o.Details = true
		want, werr := scoreGeneral(gold, pred, o)
		got, gerr := Score(gold, pred, o)
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Fatalf("corpus %d %+v: error %v, general path %v", k, o, gerr, werr)
		}
		if werr != nil {
			continue
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(Result{}), cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("corpus %d %+v: fast path differs (-general +fast):\n%s\ngold %q\npred %q", k, o, diff, gold, pred)
		}
		// The bound that sizes the entity buffers holds.
		for i := range gold {
			if len(want.Gold[i]) > defaultStarts(gold[i]) || len(want.Pred[i]) > defaultStarts(pred[i]) {
				t.Fatalf("corpus %d sentence %d: %d and %d entities, more than defaultStarts %d and %d:\ngold %q\npred %q",
					k, i, len(want.Gold[i]), len(want.Pred[i]), defaultStarts(gold[i]), defaultStarts(pred[i]), gold[i], pred[i])
			}
		}
		// Without Details, on either path, nothing changes but the lists it
		// skips.
		o.Details = false
		want.Gold, want.Pred, want.Errors, want.ErrorTotal, want.Matches, want.Confusion = nil, nil, nil, ErrorCounts{}, nil, Confusion{}
		for _, score := range []func([][]string, [][]string, Options) (*Result, error){Score, scoreGeneral} {
			got, err := score(gold, pred, o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(Result{}), cmpopts.EquateNaNs()); diff != "" {
				t.Fatalf("corpus %d %+v: without Details differs (-details +counts):\n%s\ngold %q\npred %q", k, o, diff, gold, pred)
			}
		}
	}
}

// TestScoreAllocsPerToken requires Score to allocate as many times on a
// corpus four times as large: nothing per token or per sentence, only the
// buffers and result slices made once per call (whose sizes grow instead)
// and once per distinct tag.
// It covers the fast path and the general one, with and without
// Details.
func TestScoreAllocsPerToken(t *testing.T) {
	// The large corpus is the small one four times over, so that both hold
	// the same distinct tags, which are allocated once each.
	g1, p1 := benchCorpus(5_000)
	var g4, p4 [][]string
	for range 4 {
		g4, p4 = append(g4, g1...), append(p4, p1...)
	}
	for _, general := range []bool{false, true} {
		for _, o := range []Options{{}, {Details: true}} {
			score := Score
			if general {
				score = scoreGeneral
			}
			allocs := func(gold, pred [][]string) float64 {
				return testing.AllocsPerRun(3, func() {
					if _, err := score(gold, pred, o); err != nil {
						t.Fatal(err)
					}
				})
			}
			if a1, a4 := allocs(g1, p1), allocs(g4, p4); a4 > a1 {
				t.Errorf("general path %v, %+v: %v allocations for 20,000 tokens, %v for 5,000: want no more", general, o, a4, a1)
			}
		}
	}
}

// TestShortKey requires shortKey and the length to tell apart every tag of
// up to 8 bytes over a small alphabet (all 9,841 of them), and to refuse
// longer ones.
func TestShortKey(t *testing.T) {
	type id struct {
		key uint64
		n   int
	}
	seen := map[id]string{}
	var walk func(s string)
	walk = func(s string) {
		k, ok := shortKey(s)
		if !ok {
			t.Fatalf("shortKey(%q): refused, want a key", s)
		}
		if prev, dup := seen[id{k, len(s)}]; dup {
			t.Fatalf("shortKey(%q) = shortKey(%q) = %#x", s, prev, k)
		}
		seen[id{k, len(s)}] = s
		if len(s) < 8 {
			for _, c := range []byte("B-\xff") {
				walk(s + string([]byte{c}))
			}
		}
	}
	walk("")
	if _, ok := shortKey("B-PERSONS"); ok {
		t.Error("shortKey accepted a tag of 9 bytes")
	}
}

// TestFastPathTagAddresses requires the fast path, which finds a tag first
// by the address of its bytes, to tell apart tags that share an address
// (prefixes of one string: "B", "B-", "B-P", ...) and to find equal tags
// at different addresses, with and without Details.
func TestFastPathTagAddresses(t *testing.T) {
	const buf = "B-PER-ORG"
	rng := rand.New(rand.NewPCG(15, 3))
	tag := func() string {
		switch rng.IntN(3) {
		case 0:
			return buf[:1+rng.IntN(len(buf))] // one address, every length
		case 1:
			return string([]byte(buf[:1+rng.IntN(len(buf))])) // a new address
		}
		return []string{"O", "I-PER", "I-PER-ORG", "B-PER"}[rng.IntN(4)]
	}
	for k := range 200 {
		n := 1 + rng.IntN(6)
		gold, pred := make([][]string, n), make([][]string, n)
		for i := range n {
			l := rng.IntN(20)
			gold[i], pred[i] = make([]string, l), make([]string, l)
			for j := range l {
				gold[i][j], pred[i][j] = tag(), tag()
			}
		}
		for _, o := range []Options{{}, {Details: true}} {
			want, err := scoreGeneral(gold, pred, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Score(gold, pred, o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(Result{}), cmpopts.EquateNaNs()); diff != "" {
				t.Fatalf("corpus %d %+v: fast path differs (-general +fast):\n%s\ngold %q\npred %q", k, o, diff, gold, pred)
			}
		}
	}
}
