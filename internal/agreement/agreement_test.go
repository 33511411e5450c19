package agreement

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/seqeval"
)

// handCase is a small corpus whose agreement figures were counted by hand
// (word by word, in the comments), not by this package.
//
//	S0  Anders  bor  i  Aarhus   gold PER O O LOC   A PER O O LOC   B PER O O ORG
//	S1  Novo Nordisk købte Danske gold ORG ORG O MISC A ORG ORG O O  B ORG O O MISC
//	S2  Det regner                gold O O           A O O           B O PER
//	S3  Kim                       gold PER           A LOC           B LOC
func handCase() (gold, a, b [][]string) {
	gold = [][]string{
		{"B-PER", "O", "O", "B-LOC"},
		{"B-ORG", "I-ORG", "O", "B-MISC"},
		{"O", "O"},
		{"B-PER"},
	}
	a = [][]string{
		{"B-PER", "O", "O", "B-LOC"},
		{"B-ORG", "I-ORG", "O", "O"},
		{"O", "O"},
		{"B-LOC"},
	}
	b = [][]string{
		{"B-PER", "O", "O", "B-ORG"},
		{"B-ORG", "O", "O", "B-MISC"},
		{"O", "B-PER"},
		{"B-LOC"},
	}
	return gold, a, b
}

func TestCompareHandCounted(t *testing.T) {
	gold, a, b := handCase()
	r, err := Compare(gold, a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 11 words; A and B differ on S0w3, S1w1, S1w3 and S2w1, so 7 agree.
	// Words in an entity of A or B: S0w0 S0w3 S1w0 S1w1 S1w3 S2w1 S3w0 = 7,
	// of which S0w0, S1w0 and S3w0 agree.
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"labels", r.Labels, []string{"LOC", "PER", "ORG", "MISC", "O"}},
		{"sentences", r.Sentences, 4},
		{"words", r.Words, 11},
		{"word agree", r.WordAgree, 7},
		{"entity words", r.EntityWords, 7},
		{"entity word agree", r.EntityWordAgree, 3},
		{"word agreement", r.WordAgreement(), 7.0 / 11},
		{"entity word agreement", r.EntityWordAgreement(), 3.0 / 7},
		// A: PER, LOC, ORG(0,2), LOC; B: PER, ORG, ORG(0,1), MISC, PER, LOC.
		// Shared: S0 PER and S3 LOC. Jaccard 2/(4+6-2).
		{"entities A", r.EntitiesA, 4},
		{"entities B", r.EntitiesB, 6},
		{"entities both", r.EntitiesBoth, 2},
		{"entity agreement", r.EntityAgreement(), 0.25},
		{"matrix", r.Matrix, [][]int{
			//  LOC PER ORG MISC O   (B)
			{1, 0, 1, 0, 0}, // A LOC: S3w0 LOC/LOC, S0w3 LOC/ORG
			{0, 1, 0, 0, 0}, // A PER: S0w0
			{0, 0, 1, 0, 1}, // A ORG: S1w0 ORG/ORG, S1w1 ORG/O
			{0, 0, 0, 0, 0}, // A MISC: none
			{0, 1, 0, 1, 4}, // A O: S2w1 O/PER, S1w3 O/MISC, S0w1 S0w2 S1w2 S2w0 O/O
		}},
		{"words by gold", r.WordsByGold, []Split{
			{Label: "LOC", Total: 1, OnlyA: 1},                            // S0w3
			{Label: "PER", Total: 2, Both: 1, Neither: 1, NeitherSame: 1}, // S0w0; S3w0 both LOC
			{Label: "ORG", Total: 2, Both: 1, OnlyA: 1},                   // S1w0; S1w1
			{Label: "MISC", Total: 1, OnlyB: 1},                           // S1w3
			{Label: "O", Total: 5, Both: 4, OnlyA: 1},                     // S2w1 is B's PER
		}},
		{"entities by gold", r.EntitiesByGold, []Split{
			{Label: "LOC", Total: 1, OnlyA: 1},
			{Label: "PER", Total: 2, Both: 1, Neither: 1},
			{Label: "ORG", Total: 1, OnlyA: 1}, // B's ORG covers one word of two
			{Label: "MISC", Total: 1, OnlyB: 1},
		}},
		{"counts A", r.CountsA, []confidence.Counts{{TP: 2, Pred: 2, Gold: 2}, {TP: 1, Pred: 1, Gold: 2}, {}, {Pred: 1, Gold: 1}}},
		{"counts B", r.CountsB, []confidence.Counts{{TP: 1, Pred: 2, Gold: 2}, {TP: 1, Pred: 2, Gold: 2}, {Pred: 1}, {Pred: 1, Gold: 1}}},
		{"differences", r.Differences, []Difference{
			{Sentence: 0, Words: []int{3}, ARight: true},
			{Sentence: 1, Words: []int{1, 3}},
			{Sentence: 2, Words: []int{1}, ARight: true},
		}},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s: got %v, want %v (-want +got):\n%s", c.name, c.got, c.want, diff)
		}
	}
	// The per-sentence counts sum to seqeval's micro counts.
	for _, side := range []struct {
		name string
		c    []confidence.Counts
		res  *seqeval.Result
	}{{"A", r.CountsA, r.A}, {"B", r.CountsB, r.B}} {
		s := confidence.Sum(side.c)
		if s.TP != side.res.Micro.TP || s.Pred != side.res.Micro.Predicted || s.Gold != side.res.Micro.Gold {
			t.Errorf("%s: got counts %+v, want seqeval's micro %+v", side.name, s, side.res.Micro)
		}
	}
}

func TestCompareSymmetry(t *testing.T) {
	gold, a, b := handCase()
	ab, err := Compare(gold, a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ba, err := Compare(gold, b, a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ab.WordAgree != ba.WordAgree || ab.EntitiesBoth != ba.EntitiesBoth || ab.EntityWordAgree != ba.EntityWordAgree {
		t.Errorf("got A/B %d %d %d, B/A %d %d %d, want equal", ab.WordAgree, ab.EntitiesBoth, ab.EntityWordAgree, ba.WordAgree, ba.EntitiesBoth, ba.EntityWordAgree)
	}
	for i := range ab.Matrix {
		for j := range ab.Matrix {
			if ab.Matrix[i][j] != ba.Matrix[j][i] {
				t.Errorf("matrix[%d][%d]: got %d, want the transpose's %d", i, j, ab.Matrix[i][j], ba.Matrix[j][i])
			}
		}
	}
	for i := range ab.WordsByGold {
		x, y := ab.WordsByGold[i], ba.WordsByGold[i]
		if x.OnlyA != y.OnlyB || x.OnlyB != y.OnlyA || x.Both != y.Both || x.Neither != y.Neither {
			t.Errorf("%s: got %+v and swapped %+v", x.Label, x, y)
		}
	}
}

func TestCompareOptions(t *testing.T) {
	gold, a, b := handCase()
	tests := []struct {
		name       string
		opts       Options
		wantLabels []string
		wantAgree  int
	}{
		// With MISC off, S1w3 is O for both models: one more agreement.
		{"no misc", Options{Scoring: seqeval.Options{NoMisc: true}}, []string{"LOC", "PER", "ORG", "MISC", "O"}, 8},
		{"custom types", Options{Types: []string{"PER"}}, []string{"PER", "LOC", "MISC", "ORG", "O"}, 7},
		{"map ORG to LOC", Options{Scoring: seqeval.Options{Map: map[string]string{"ORG": "LOC"}}}, []string{"LOC", "PER", "ORG", "MISC", "O"}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Compare(gold, a, b, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantLabels, r.Labels); diff != "" {
				t.Errorf("labels: got %v, want %v", r.Labels, tc.wantLabels)
			}
			if r.WordAgree != tc.wantAgree {
				t.Errorf("word agree: got %d, want %d", r.WordAgree, tc.wantAgree)
			}
		})
	}
}

func TestCompareErrors(t *testing.T) {
	gold, a, b := handCase()
	short := [][]string{{"O"}}
	tests := []struct {
		name    string
		gold    [][]string
		a, b    [][]string
		opts    Options
		wantErr error
	}{
		{"length", gold, a, short, Options{}, seqeval.ErrLength},
		{"length A", gold, short, b, Options{}, seqeval.ErrLength},
		// seqeval's confusion matrix types "." as "_", but no chunk holds it.
		{"dot tag", [][]string{{"O"}}, [][]string{{"."}}, [][]string{{"O"}}, Options{}, ErrInconsistent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.gold, tc.a, tc.b, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("got %v, want an error wrapping %v", err, tc.wantErr)
			}
		})
	}
}

func TestCompareEmpty(t *testing.T) {
	r, err := Compare(nil, nil, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.WordAgreement() != 0 || r.EntityAgreement() != 0 || r.EntityWordAgreement() != 0 || len(r.Differences) != 0 {
		t.Errorf("got %+v, want zero agreement and no differences", r)
	}
}

// TestCompareStrictInvalidChunk checks that in strict mode a word whose tag
// forms no valid chunk is labelled O, as it counts for the scores.
func TestCompareStrictInvalidChunk(t *testing.T) {
	gold := [][]string{{"B-PER", "O"}}
	a := [][]string{{"B-PER", "I-LOC"}} // I-LOC after B-PER is no IOB2 chunk
	b := [][]string{{"B-PER", "O"}}
	r, err := Compare(gold, a, b, Options{Scoring: seqeval.Options{Mode: seqeval.Strict, Scheme: seqeval.IOB2}})
	if err != nil {
		t.Fatal(err)
	}
	if r.WordAgree != 2 || len(r.Differences) != 1 || !r.Differences[0].ARight {
		t.Errorf("got %d words agreeing and differences %+v, want 2 and one sentence both models get right", r.WordAgree, r.Differences)
	}
}
