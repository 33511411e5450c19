package seqeval

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sent splits a space-separated tag sequence into one sentence.
func sent(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, " ")
}

// corpus makes a corpus of one sentence per argument.
func corpus(ss ...string) [][]string {
	c := make([][]string, len(ss))
	for i, s := range ss {
		c[i] = sent(s)
	}
	return c
}

func ent(typ string, start, end int) Entity { return Entity{Type: typ, Start: start, End: end} }

// ents makes a corpus of entities of one sentence.
func ents(es ...Entity) [][]Entity { return [][]Entity{es} }

// edgeCase is one row of table A of ../shared/notes/seqeval-edge-cases.md.
// The expectations there were produced by running seqeval 1.2.2
// (get_entities and Entities(y, IOB2)) and conlleval.pl (2004-01-26). The
// default-mode entities of the notes are inclusive offsets in the flattened
// corpus; here they are per sentence with End exclusive.
type edgeCase struct {
	id               string
	gold, pred       [][]string
	keepCase         bool
	defGold, defPred [][]Entity
	defPRF           [3]float64
	strictErr        bool
	strGold, strPred [][]Entity
	strPRF           [3]float64
	conll            [3]int // conlleval.pl gold, found, correct
	conllDiffers     bool   // default mode does not count as conlleval.pl
}

const third, twoThirds = 1.0 / 3, 2.0 / 3

var edgeCases = []edgeCase{
	{id: "01", gold: corpus("B-PER I-PER O B-LOC"), pred: corpus("B-PER I-PER O B-LOC"),
		defGold: ents(ent("PER", 0, 2), ent("LOC", 3, 4)), defPred: ents(ent("PER", 0, 2), ent("LOC", 3, 4)), defPRF: [3]float64{1, 1, 1},
		strGold: ents(ent("PER", 0, 2), ent("LOC", 3, 4)), strPred: ents(ent("PER", 0, 2), ent("LOC", 3, 4)), strPRF: [3]float64{1, 1, 1},
		conll: [3]int{2, 2, 2}},
	{id: "02", gold: corpus("B-ORG I-ORG"), pred: corpus("I-ORG I-ORG"),
		defGold: ents(ent("ORG", 0, 2)), defPred: ents(ent("ORG", 0, 2)), defPRF: [3]float64{1, 1, 1},
		strGold: ents(ent("ORG", 0, 2)), strPred: ents(), strPRF: [3]float64{0, 0, 0},
		conll: [3]int{1, 1, 1}},
	{id: "03", gold: corpus("O I-PER I-PER O"), pred: corpus("O I-PER I-PER O"),
		defGold: ents(ent("PER", 1, 3)), defPred: ents(ent("PER", 1, 3)), defPRF: [3]float64{1, 1, 1},
		strGold: ents(), strPred: ents(), strPRF: [3]float64{0, 0, 0},
		conll: [3]int{1, 1, 1}},
	{id: "04", gold: corpus("B-PER I-PER"), pred: corpus("B-PER I-LOC"),
		defGold: ents(ent("PER", 0, 2)), defPred: ents(ent("PER", 0, 1), ent("LOC", 1, 2)),
		strGold: ents(ent("PER", 0, 2)), strPred: ents(ent("PER", 0, 1)),
		conll: [3]int{1, 2, 0}},
	{id: "05", gold: corpus("B-PER I-PER I-PER"), pred: corpus("B-PER I-PER I-LOC"),
		defGold: ents(ent("PER", 0, 3)), defPred: ents(ent("PER", 0, 2), ent("LOC", 2, 3)),
		strGold: ents(ent("PER", 0, 3)), strPred: ents(ent("PER", 0, 2)),
		conll: [3]int{1, 2, 0}},
	{id: "06", gold: corpus("B-PER I-PER B-PER"), pred: corpus("B-PER I-PER I-PER"),
		defGold: ents(ent("PER", 0, 2), ent("PER", 2, 3)), defPred: ents(ent("PER", 0, 3)),
		strGold: ents(ent("PER", 0, 2), ent("PER", 2, 3)), strPred: ents(ent("PER", 0, 3)),
		conll: [3]int{2, 1, 0}},
	{id: "07", gold: corpus("O B-PER I-PER O"), pred: corpus("B-PER I-PER I-PER O"),
		defGold: ents(ent("PER", 1, 3)), defPred: ents(ent("PER", 0, 3)),
		strGold: ents(ent("PER", 1, 3)), strPred: ents(ent("PER", 0, 3)),
		conll: [3]int{1, 1, 0}},
	{id: "08", gold: corpus("B-LOC I-LOC"), pred: corpus("B-ORG I-ORG"),
		defGold: ents(ent("LOC", 0, 2)), defPred: ents(ent("ORG", 0, 2)),
		strGold: ents(ent("LOC", 0, 2)), strPred: ents(ent("ORG", 0, 2)),
		conll: [3]int{1, 1, 0}},
	{id: "09", gold: corpus("B I O B"), pred: corpus("B I O I"),
		defGold: ents(ent("_", 0, 2), ent("_", 3, 4)), defPred: ents(ent("_", 0, 2), ent("_", 3, 4)), defPRF: [3]float64{1, 1, 1},
		strGold: ents(ent("_", 0, 2), ent("_", 3, 4)), strPred: ents(ent("_", 0, 2)), strPRF: [3]float64{1, 0.5, twoThirds},
		conll: [3]int{2, 2, 2}},
	{id: "10", gold: corpus("B- I- O"), pred: corpus("B- I- O"),
		defGold: ents(ent("_", 0, 2)), defPred: ents(ent("_", 0, 2)), defPRF: [3]float64{1, 1, 1},
		strGold: ents(ent("_", 0, 2)), strPred: ents(ent("_", 0, 2)), strPRF: [3]float64{1, 1, 1},
		conll: [3]int{1, 1, 1}},
	{id: "11", gold: corpus("PER PER O"), pred: corpus("PER PER O"),
		defGold: ents(ent("ER", 0, 2)), defPred: ents(ent("ER", 0, 2)), defPRF: [3]float64{1, 1, 1},
		strictErr: true, conll: [3]int{0, 0, 0}, conllDiffers: true},
	{id: "12", gold: corpus("B-PER O"), pred: corpus("X-PER O"),
		defGold: ents(ent("PER", 0, 1)), defPred: ents(ent("PER", 0, 1)), defPRF: [3]float64{1, 1, 1},
		strictErr: true, conll: [3]int{1, 1, 1}},
	{id: "13", gold: corpus("b-per i-per o b-loc b-loc"), pred: corpus("b-per i-per o b-loc i-loc"), keepCase: true,
		defGold: ents(ent("per", 0, 2), ent("_", 2, 3), ent("loc", 3, 5)), defPred: ents(ent("per", 0, 2), ent("_", 2, 3), ent("loc", 3, 5)),
		defPRF: [3]float64{1, 1, 1}, strictErr: true, conll: [3]int{3, 3, 3}},
	{id: "14", gold: corpus("o o o"), pred: corpus("o o o"), keepCase: true,
		defGold: ents(), defPred: ents(), strictErr: true, conll: [3]int{0, 0, 0}},
	{id: "15", gold: corpus("B-MISC E-MISC B-MISC E-MISC"), pred: corpus("B-MISC I-MISC I-MISC E-MISC"),
		defGold: ents(ent("MISC", 0, 2), ent("MISC", 2, 4)), defPred: ents(ent("MISC", 0, 4)),
		strictErr: true, conll: [3]int{1, 1, 1}, conllDiffers: true},
	{id: "16", gold: corpus("S-PER S-PER O"), pred: corpus("S-PER I-PER O"),
		defGold: ents(ent("PER", 0, 1), ent("PER", 1, 2)), defPred: ents(ent("PER", 0, 1), ent("PER", 1, 2)), defPRF: [3]float64{1, 1, 1},
		strictErr: true, conll: [3]int{1, 1, 1}, conllDiffers: true},
	{id: "17", gold: corpus("B-ORG-COMPANY I-ORG-COMPANY"), pred: corpus("B-ORG-COMPANY I-ORG-COMPANY"),
		defGold: ents(ent("ORG-COMPANY", 0, 2)), defPred: ents(ent("ORG-COMPANY", 0, 2)), defPRF: [3]float64{1, 1, 1},
		strGold: ents(ent("ORG-COMPANY", 0, 2)), strPred: ents(ent("ORG-COMPANY", 0, 2)), strPRF: [3]float64{1, 1, 1},
		conll: [3]int{1, 1, 1}},
	{id: "18", gold: corpus("B-PER I-PER"), pred: corpus("B-PER- I-PER-"),
		defGold: ents(ent("PER", 0, 2)), defPred: ents(ent("PER-", 0, 2)),
		strGold: ents(ent("PER", 0, 2)), strPred: ents(ent("PER", 0, 2)), strPRF: [3]float64{1, 1, 1},
		conll: [3]int{1, 1, 0}},
	{id: "19", gold: corpus("O B-PER", "I-PER O"), pred: corpus("O B-PER", "I-PER O"),
		defGold: [][]Entity{{ent("PER", 1, 2)}, {ent("PER", 0, 1)}}, defPred: [][]Entity{{ent("PER", 1, 2)}, {ent("PER", 0, 1)}}, defPRF: [3]float64{1, 1, 1},
		strGold: [][]Entity{{ent("PER", 1, 2)}, {}}, strPred: [][]Entity{{ent("PER", 1, 2)}, {}}, strPRF: [3]float64{1, 1, 1},
		conll: [3]int{2, 2, 2}},
	{id: "20", gold: corpus("O O"), pred: corpus("O O"),
		defGold: ents(), defPred: ents(), strGold: ents(), strPred: ents(), conll: [3]int{0, 0, 0}},
	{id: "21", gold: corpus("B-PER O"), pred: corpus("O O"),
		defGold: ents(ent("PER", 0, 1)), defPred: ents(), strGold: ents(ent("PER", 0, 1)), strPred: ents(), conll: [3]int{1, 0, 0}},
	{id: "22", gold: corpus("O O"), pred: corpus("B-PER O"),
		defGold: ents(), defPred: ents(ent("PER", 0, 1)), strGold: ents(), strPred: ents(ent("PER", 0, 1)), conll: [3]int{0, 1, 0}},
	{id: "23", gold: corpus(), pred: corpus(),
		defGold: [][]Entity{}, defPred: [][]Entity{}, strGold: [][]Entity{}, strPred: [][]Entity{}, conll: [3]int{0, 0, 0}},
	{id: "24", gold: corpus("B-MISC O B-PER"), pred: corpus("O O B-PER"),
		defGold: ents(ent("MISC", 0, 1), ent("PER", 2, 3)), defPred: ents(ent("PER", 2, 3)), defPRF: [3]float64{1, 0.5, twoThirds},
		strGold: ents(ent("MISC", 0, 1), ent("PER", 2, 3)), strPred: ents(ent("PER", 2, 3)), strPRF: [3]float64{1, 0.5, twoThirds},
		conll: [3]int{2, 1, 1}},
	{id: "25", gold: corpus("B-PER I-PER O O"), pred: corpus("B-PER I-PER I-LOC I-LOC"),
		defGold: ents(ent("PER", 0, 2)), defPred: ents(ent("PER", 0, 2), ent("LOC", 2, 4)), defPRF: [3]float64{0.5, 1, twoThirds},
		strGold: ents(ent("PER", 0, 2)), strPred: ents(ent("PER", 0, 2)), strPRF: [3]float64{1, 1, 1},
		conll: [3]int{1, 2, 1}},
	{id: "26", gold: corpus("B-PER . I-PER"), pred: corpus("B-PER . I-PER"),
		defGold: ents(ent("PER", 0, 1), ent("PER", 2, 3)), defPred: ents(ent("PER", 0, 1), ent("PER", 2, 3)), defPRF: [3]float64{1, 1, 1},
		strictErr: true, conll: [3]int{2, 2, 2}},
	{id: "27", gold: corpus("I-PER I-PER O I-LOC B-LOC"), pred: corpus("B-PER I-PER O B-LOC B-LOC"),
		defGold: ents(ent("PER", 0, 2), ent("LOC", 3, 4), ent("LOC", 4, 5)), defPred: ents(ent("PER", 0, 2), ent("LOC", 3, 4), ent("LOC", 4, 5)),
		defPRF:  [3]float64{1, 1, 1},
		strGold: ents(ent("LOC", 4, 5)), strPred: ents(ent("PER", 0, 2), ent("LOC", 3, 4), ent("LOC", 4, 5)), strPRF: [3]float64{third, 1, 0.5},
		conll: [3]int{3, 3, 3}},
	{id: "28", gold: corpus("B-ORG I-ORG I-ORG"), pred: corpus("B-ORG I-PER I-PER"),
		defGold: ents(ent("ORG", 0, 3)), defPred: ents(ent("ORG", 0, 1), ent("PER", 1, 3)),
		strGold: ents(ent("ORG", 0, 3)), strPred: ents(ent("ORG", 0, 1)),
		conll: [3]int{1, 2, 0}},
	{id: "29", gold: corpus("B-PER I-PER"), pred: corpus("B-PER E-PER"),
		defGold: ents(ent("PER", 0, 2)), defPred: ents(ent("PER", 0, 2)), defPRF: [3]float64{1, 1, 1},
		strictErr: true, conll: [3]int{1, 1, 1}},
}

func checkPRF(t *testing.T, what string, m Metrics, want [3]float64) {
	t.Helper()
	got := [3]float64{m.Precision, m.Recall, m.F1}
	// Tolerance 1e-12: the expectations are exact fractions.
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("%s P/R/F1 (-want +got):\n%s", what, diff)
	}
}

func TestEdgeCasesDefault(t *testing.T) {
	for _, tc := range edgeCases {
		t.Run(tc.id, func(t *testing.T) {
			r, err := Score(tc.gold, tc.pred, Options{Details: true, KeepCase: tc.keepCase})
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if diff := cmp.Diff(tc.defGold, r.Gold, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("gold entities (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.defPred, r.Pred, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("predicted entities (-want +got):\n%s", diff)
			}
			checkPRF(t, "micro", r.Micro, tc.defPRF)
			got := [3]int{r.Micro.Gold, r.Micro.Predicted, r.Micro.TP}
			if !tc.conllDiffers && got != tc.conll {
				t.Errorf("gold/found/correct: got %v, want conlleval.pl's %v", got, tc.conll)
			}
			if tc.conllDiffers && got == tc.conll {
				t.Errorf("gold/found/correct: got %v, equal to conlleval.pl's; the notes say seqeval differs here", got)
			}
		})
	}
}

func TestEdgeCasesStrictIOB2(t *testing.T) {
	for _, tc := range edgeCases {
		t.Run(tc.id, func(t *testing.T) {
			r, err := Score(tc.gold, tc.pred, Options{Details: true, Mode: Strict, Scheme: IOB2, KeepCase: tc.keepCase})
			if tc.strictErr {
				if !errors.Is(err, ErrTag) {
					t.Fatalf("Score: got error %v, want one wrapping ErrTag", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if diff := cmp.Diff(tc.strGold, r.Gold, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("gold entities (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.strPred, r.Pred, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("predicted entities (-want +got):\n%s", diff)
			}
			checkPRF(t, "micro", r.Micro, tc.strPRF)
		})
	}
}

// TestEdgeCasesConllevalReference checks the test's own conlleval.pl
// implementation against the notes' conlleval.pl column.
func TestEdgeCasesConllevalReference(t *testing.T) {
	for _, tc := range edgeCases {
		t.Run(tc.id, func(t *testing.T) {
			ref := refConlleval(tc.gold, tc.pred)
			if got := [3]int{ref.gold, ref.found, ref.correct}; got != tc.conll {
				t.Errorf("reference gold/found/correct: got %v, want %v", got, tc.conll)
			}
		})
	}
}

func TestEdgeCaseRepairs(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred [][]string
		opts       Options
		want       Repairs
		wantPRF    [3]float64
	}{
		// Case 11: seqeval warns four times ("PER seems not to be NE tag").
		{"11 unknown prefix", corpus("PER PER O"), corpus("PER PER O"), Options{},
			Repairs{GoldUnknown: 2, PredUnknown: 2, FirstUnknown: `gold sentence 0, word 0: tag "PER": seems not to be NE tag`}, [3]float64{1, 1, 1}},
		// Case 12: one warning, for X-PER.
		{"12 X prefix", corpus("B-PER O"), corpus("X-PER O"), Options{},
			Repairs{PredUnknown: 1, FirstUnknown: `predicted sentence 0, word 0: tag "X-PER": seems not to be NE tag`}, [3]float64{1, 1, 1}},
		// Case 13 canonicalised: B-per I-per O B-loc B-loc against
		// B-per I-per O B-loc I-loc; the gold b-loc b-loc no longer merge.
		{"13 upper-cased", corpus("b-per i-per o b-loc b-loc"), corpus("b-per i-per o b-loc i-loc"), Options{},
			Repairs{GoldCase: 5, PredCase: 5}, [3]float64{0.5, third, 0.4}},
		// Case 14 canonicalised: O O O.
		{"14 upper-cased", corpus("o o o"), corpus("o o o"), Options{}, Repairs{GoldCase: 3, PredCase: 3}, [3]float64{}},
		// Case 26: '.' warns in both.
		{"26 dot", corpus("B-PER . I-PER"), corpus("B-PER . I-PER"), Options{},
			Repairs{GoldUnknown: 1, PredUnknown: 1, FirstUnknown: `gold sentence 0, word 1: tag ".": seems not to be NE tag`}, [3]float64{1, 1, 1}},
		// Case 27 with the IOB1 gold converted: strict IOB2 is then exact.
		{"27 IOB1 gold converted", corpus("I-PER I-PER O I-LOC B-LOC"), corpus("B-PER I-PER O B-LOC B-LOC"),
			Options{Mode: Strict, Scheme: IOB2, IOB1ToIOB2: GoldSide}, Repairs{GoldIOB1: 2}, [3]float64{1, 1, 1}},
		// Suffix style, lower case.
		{"suffix", corpus("per-b per-i o"), corpus("per-B per-I O"), Options{Suffix: true},
			Repairs{GoldCase: 3}, [3]float64{1, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Score(tc.gold, tc.pred, tc.opts)
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if diff := cmp.Diff(tc.want, r.Repairs); diff != "" {
				t.Errorf("repairs (-want +got):\n%s", diff)
			}
			checkPRF(t, "micro", r.Micro, tc.wantPRF)
		})
	}
}

// TestCase27StrictIOB1 checks the notes' strict IOB1 result on case 27:
// G={PER(0,2),LOC(3,4),LOC(4,5)}, P={PER(1,2),LOC(4,5)}, P=.5, R=.333, F=.4.
func TestCase27StrictIOB1(t *testing.T) {
	r, err := Score(corpus("I-PER I-PER O I-LOC B-LOC"), corpus("B-PER I-PER O B-LOC B-LOC"), Options{Details: true, Mode: Strict, Scheme: IOB1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ents(ent("PER", 0, 2), ent("LOC", 3, 4), ent("LOC", 4, 5)), r.Gold); diff != "" {
		t.Errorf("gold (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ents(ent("PER", 1, 2), ent("LOC", 4, 5)), r.Pred); diff != "" {
		t.Errorf("pred (-want +got):\n%s", diff)
	}
	checkPRF(t, "micro", r.Micro, [3]float64{0.5, third, 0.4})
}

// TestCase24NoMisc: MISC on gives P=1, R=.5; MISC off gives F=1 (notes,
// case 24).
func TestCase24NoMisc(t *testing.T) {
	for _, opts := range []Options{{NoMisc: true}, {Mode: Strict, Scheme: IOB2, NoMisc: true}} {
		r, err := Score(corpus("B-MISC O B-PER"), corpus("O O B-PER"), opts)
		if err != nil {
			t.Fatal(err)
		}
		checkPRF(t, opts.Mode.String(), r.Micro, [3]float64{1, 1, 1})
		if diff := cmp.Diff([]string{"PER"}, r.Types); diff != "" {
			t.Errorf("types (-want +got):\n%s", diff)
		}
	}
}

// TestEmptyInput is case 23 and R1: zeros, and a NaN macro average as
// numpy's mean of an empty array.
func TestEmptyInput(t *testing.T) {
	for _, in := range [][][]string{nil, {}, {{}}, {{}, {}}} {
		r, err := Score(in, in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkPRF(t, "micro", r.Micro, [3]float64{})
		checkPRF(t, "weighted", r.Weighted, [3]float64{})
		if !math.IsNaN(r.Macro.Precision) || !math.IsNaN(r.Macro.Recall) || !math.IsNaN(r.Macro.F1) {
			t.Errorf("macro: got %+v, want NaN P/R/F1", r.Macro)
		}
		if r.Accuracy != 0 || r.Tokens != 0 {
			t.Errorf("accuracy, tokens: got %v, %d, want 0, 0", r.Accuracy, r.Tokens)
		}
	}
}

// TestSuffixStyle checks suffix-style tags (seqeval suffix=True) and types
// containing '-' in both modes.
func TestSuffixStyle(t *testing.T) {
	gold := corpus("PER-B PER-I O ORG-COMPANY-B ORG-COMPANY-I B")
	pred := corpus("PER-B PER-I O ORG-COMPANY-B LOC-I B")
	tests := []struct {
		opts       Options
		gold, pred [][]Entity
	}{
		// Default: type = what precedes the last '-'; "B" alone is "_"; the
		// LOC-I starts its own chunk.
		{Options{Suffix: true},
			ents(ent("PER", 0, 2), ent("ORG-COMPANY", 3, 5), ent("_", 5, 6)),
			ents(ent("PER", 0, 2), ent("ORG-COMPANY", 3, 4), ent("LOC", 4, 5), ent("_", 5, 6))},
		// Strict IOB2: the LOC-I after ORG-COMPANY-B is dropped.
		{Options{Suffix: true, Mode: Strict, Scheme: IOB2},
			ents(ent("PER", 0, 2), ent("ORG-COMPANY", 3, 5), ent("_", 5, 6)),
			ents(ent("PER", 0, 2), ent("ORG-COMPANY", 3, 4), ent("_", 5, 6))},
	}
	for _, tc := range tests {
		o := tc.opts
		o.Details = true
		r, err := Score(gold, pred, o)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.gold, r.Gold); diff != "" {
			t.Errorf("%v gold (-want +got):\n%s", tc.opts.Mode, diff)
		}
		if diff := cmp.Diff(tc.pred, r.Pred); diff != "" {
			t.Errorf("%v pred (-want +got):\n%s", tc.opts.Mode, diff)
		}
	}
}
