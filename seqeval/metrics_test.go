package seqeval

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// seqevalExample is the example of seqeval 1.2.2's classification_report
// docstring (seqeval/metrics/sequence_labeling.py and v1.py).
var seqevalExampleGold = [][]string{{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}}
var seqevalExamplePred = [][]string{{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}}

func TestClassificationReport(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred [][]string
		opts       Options
		digits     int
		want       string
	}{
		// The docstring's expected output, character for character.
		{"docstring", seqevalExampleGold, seqevalExamplePred, Options{}, 2,
			"              precision    recall  f1-score   support\n" +
				"\n" +
				"        MISC       0.00      0.00      0.00         1\n" +
				"         PER       1.00      1.00      1.00         1\n" +
				"\n" +
				"   micro avg       0.50      0.50      0.50         2\n" +
				"   macro avg       0.50      0.50      0.50         2\n" +
				"weighted avg       0.50      0.50      0.50         2\n"},
		// The same in strict mode (v1.classification_report, scheme=IOB2).
		{"docstring strict", seqevalExampleGold, seqevalExamplePred, Options{Mode: Strict, Scheme: IOB2}, 2,
			"              precision    recall  f1-score   support\n" +
				"\n" +
				"        MISC       0.00      0.00      0.00         1\n" +
				"         PER       1.00      1.00      1.00         1\n" +
				"\n" +
				"   micro avg       0.50      0.50      0.50         2\n" +
				"   macro avg       0.50      0.50      0.50         2\n" +
				"weighted avg       0.50      0.50      0.50         2\n"},
		// A long name widens the first column; digits=4; a predicted-only
		// type C has support 0 (seqeval tests/test_v1.py A/B/C example:
		// micro .67/.67/.67, macro .67/.50/.56, weighted 1.00/.67/.78).
		{"v1 A/B/C digits 4", corpus("B-A B-B O B-A B-VERY-LONG-TYPE-NAME"), corpus("O B-B B-C B-A O"), Options{}, 4,
			"                     precision    recall  f1-score   support\n" +
				"\n" +
				"                  A     1.0000    0.5000    0.6667         2\n" +
				"                  B     1.0000    1.0000    1.0000         1\n" +
				"                  C     0.0000    0.0000    0.0000         0\n" +
				"VERY-LONG-TYPE-NAME     0.0000    0.0000    0.0000         1\n" +
				"\n" +
				"          micro avg     0.6667    0.5000    0.5714         4\n" +
				"          macro avg     0.5000    0.3750    0.4167         4\n" +
				"       weighted avg     0.7500    0.5000    0.5833         4\n"},
		// Names are padded by characters, as Python's str.format.
		{"unicode", corpus("B-組織 O"), corpus("B-組織 O"), Options{}, 2,
			"              precision    recall  f1-score   support\n" +
				"\n" +
				"          組織       1.00      1.00      1.00         1\n" +
				"\n" +
				"   micro avg       1.00      1.00      1.00         1\n" +
				"   macro avg       1.00      1.00      1.00         1\n" +
				"weighted avg       1.00      1.00      1.00         1\n"},
		// seqeval raises ValueError here (notes R1); nerbench prints the
		// averages, with numpy's NaN macro average.
		{"no entities", corpus("O O"), corpus("O O"), Options{}, 2,
			"              precision    recall  f1-score   support\n" +
				"\n" +
				"\n" +
				"   micro avg       0.00      0.00      0.00         0\n" +
				"   macro avg        nan       nan       nan         0\n" +
				"weighted avg       0.00      0.00      0.00         0\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Score(tc.gold, tc.pred, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.Split(tc.want, "\n"), strings.Split(r.ClassificationReport(tc.digits), "\n")); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

// TestV1Scores ports seqeval tests/test_v1.py test_scores and
// test_average_scores (strict IOB2), with exact fractions instead of two
// decimals; default mode gives the same entities here.
func TestV1Scores(t *testing.T) {
	gold, pred := corpus("B-A B-B O B-A"), corpus("O B-B B-C B-A")
	for _, opts := range []Options{{Mode: Strict, Scheme: IOB2}, {}} {
		r, err := Score(gold, pred, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]Metrics{
			"A": {Precision: 1, Recall: 0.5, F1: twoThirds, TP: 1, Predicted: 1, Gold: 2},
			"B": {Precision: 1, Recall: 1, F1: 1, TP: 1, Predicted: 1, Gold: 1},
			"C": {Precision: 0, Recall: 0, F1: 0, TP: 0, Predicted: 1, Gold: 0},
		}
		approx := cmpopts.EquateApprox(0, 1e-12)
		if diff := cmp.Diff(want, r.PerType, approx); diff != "" {
			t.Errorf("%v per type (-want +got):\n%s", opts.Mode, diff)
		}
		checkPRF(t, "micro", r.Micro, [3]float64{twoThirds, twoThirds, twoThirds})
		checkPRF(t, "macro", r.Macro, [3]float64{twoThirds, 0.5, (twoThirds + 1) / 3})
		checkPRF(t, "weighted", r.Weighted, [3]float64{1, twoThirds, (2*twoThirds + 1) / 3})
		if r.Macro.Gold != 3 || r.Weighted.Gold != 3 {
			t.Errorf("support: got %d, %d, want 3", r.Macro.Gold, r.Weighted.Gold)
		}
	}
}

// TestZeroDivision covers seqeval's zero_division (notes R2, R4).
func TestZeroDivision(t *testing.T) {
	tests := []struct {
		name                   string
		gold, pred             [][]string
		zd1                    bool
		micro, macro, weighted [3]float64
	}{
		// tests/test_v1.py test_weighted_true_sum_zero: (0, 0, 0, 0).
		{"O/O zd0", corpus("O"), corpus("O"), false, [3]float64{}, [3]float64{math.NaN(), math.NaN(), math.NaN()}, [3]float64{}},
		// zero_division=1: undefined P and R become 1, F from them is 1.
		{"O/O zd1", corpus("O"), corpus("O"), true, [3]float64{1, 1, 1}, [3]float64{math.NaN(), math.NaN(), math.NaN()}, [3]float64{1, 1, 1}},
		// No predictions but gold: P=1 (undefined), R=0, F=0.
		{"no preds zd1", corpus("B-PER O"), corpus("O O"), true, [3]float64{1, 0, 0}, [3]float64{1, 0, 0}, [3]float64{1, 0, 0}},
		// No gold but predictions: weighted special case gives (0, zd, 0).
		{"no gold zd1", corpus("O O"), corpus("B-PER O"), true, [3]float64{0, 1, 0}, [3]float64{0, 1, 0}, [3]float64{0, 1, 0}},
		{"no gold zd0", corpus("O O"), corpus("B-PER O"), false, [3]float64{}, [3]float64{}, [3]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Score(tc.gold, tc.pred, Options{ZeroDivisionOne: tc.zd1})
			if err != nil {
				t.Fatal(err)
			}
			opt := cmpopts.EquateNaNs()
			for _, c := range []struct {
				name string
				m    Metrics
				want [3]float64
			}{{"micro", r.Micro, tc.micro}, {"macro", r.Macro, tc.macro}, {"weighted", r.Weighted, tc.weighted}} {
				if diff := cmp.Diff(c.want, [3]float64{c.m.Precision, c.m.Recall, c.m.F1}, opt); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.name, diff)
				}
			}
		})
	}
}

func TestPairwiseSum(t *testing.T) {
	// Fewer than 8 values are added in order.
	a3 := []float64{0.1, 0.2, 0.3}
	if got, want := pairwiseSum(a3), (a3[0]+a3[1])+a3[2]; got != want {
		t.Errorf("pairwiseSum(3 values): got %v, want %v", got, want)
	}
	// From 8 values numpy uses eight accumulators: here the result is 6,
	// where adding in order gives 0 (worked out with Python floats).
	if got := pairwiseSum([]float64{1e16, 1, 1, 1, 1, 1, 1, 1, -1e16}); got != 6 {
		t.Errorf("pairwiseSum(9 values): got %v, want 6", got)
	}
	// Above 128 values the array is split in halves (multiples of 8).
	a := make([]float64, 300)
	for i := range a {
		a[i] = 1
	}
	if got := pairwiseSum(a); got != 300 {
		t.Errorf("pairwiseSum(300 ones): got %v, want 300", got)
	}
}

func TestScoreErrors(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred [][]string
		opts       Options
		want       error
		wantText   string
	}{
		{"sentences", corpus("O", "O"), corpus("O"), Options{}, ErrLength, "gold has 2 sentences, predictions 1"},
		{"words", corpus("O", "O O"), corpus("O", "O"), Options{}, ErrLength, "sentence 1: gold has 2 words, predictions 1"},
		{"strict without scheme", corpus("O"), corpus("O"), Options{Mode: Strict}, ErrOption, "strict mode needs a scheme"},
		{"default with scheme", corpus("O"), corpus("O"), Options{Scheme: IOB2}, ErrOption, "scheme IOB2 given in default mode"},
		{"empty map type", corpus("O"), corpus("O"), Options{Map: map[string]string{"": "PER"}}, ErrOption, "empty type"},
		{"empty tag", corpus("O"), [][]string{{""}}, Options{}, ErrTag, `predicted sentence 0, word 0: tag "": empty tag`},
		{"strict unknown", corpus("O O", "B-PER PER"), corpus("O O", "O O"), Options{Mode: Strict, Scheme: IOB2}, ErrTag,
			`gold sentence 1, word 1: tag "PER": unknown prefix`},
		{"strict not allowed", corpus("S-PER"), corpus("O"), Options{Mode: Strict, Scheme: IOB2}, ErrTag,
			`gold sentence 0, word 0: tag "S-PER": prefix not allowed in IOB2 (allowed: I, O, B)`},
		{"unmapped", corpus("B-PER O"), corpus("B-PERSON B-GPE"), Options{Map: map[string]string{"PERSON": "PER"}}, ErrUnmappedType,
			`predicted type "GPE" (first in sentence 0, word 1)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Score(tc.gold, tc.pred, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not contain %q", err, tc.wantText)
			}
		})
	}
}

func TestMap(t *testing.T) {
	gold := corpus("B-PER I-PER O B-LOC O B-MISC")
	pred := corpus("B-PERSON I-PERSON O B-GPE O B-LOC")
	m := map[string]string{"PERSON": "PER", "GPE": "LOC", "NORP": "O"}
	r, err := Score(gold, pred, Options{Map: m})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"LOC", "MISC", "PER"}, r.Types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	// PER and LOC match; the predicted LOC over the gold MISC is wrong.
	if got := [3]int{r.Micro.TP, r.Micro.Predicted, r.Micro.Gold}; got != [3]int{2, 3, 3} {
		t.Errorf("tp/predicted/gold: got %v, want [2 3 3]", got)
	}
	if h := r.Header(); !strings.Contains(h, "map: GPE=LOC, NORP=O, PERSON=PER") {
		t.Errorf("header %q does not state the map", h)
	}
	// A target of O drops the entity.
	r, err = Score(corpus("O O"), corpus("B-NORP O"), Options{Map: m})
	if err != nil {
		t.Fatal(err)
	}
	if r.Micro.Predicted != 0 {
		t.Errorf("predicted with NORP=O: got %d, want 0", r.Micro.Predicted)
	}
	// Without a map, a predicted-only type is scored as seqeval does (R3).
	r, err = Score(corpus("B-PER O"), corpus("B-PERSON O"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"PER", "PERSON"}, r.Types); diff != "" {
		t.Errorf("types without map (-want +got):\n%s", diff)
	}
}

// replaceMisc returns a copy of c with every *-MISC tag replaced by O.
func replaceMisc(c [][]string) [][]string {
	out := make([][]string, len(c))
	for i, s := range c {
		out[i] = make([]string, len(s))
		for j, tag := range s {
			if strings.HasSuffix(tag, "-MISC") {
				tag = "O"
			}
			out[i][j] = tag
		}
	}
	return out
}

// TestNoMiscEquivalence checks on random B/I/O corpora that dropping MISC
// entities after chunking equals replacing *-MISC tags by O (the notes:
// 3,000 corpora, 0 mismatches, in default and strict IOB2).
func TestNoMiscEquivalence(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(24, 11))
	types := []string{"PER", "LOC", "ORG", "MISC"}
	for _, opts := range []Options{{}, {Mode: Strict, Scheme: IOB2}} {
		mismatches := 0
		for k := range n {
			gold, pred := randomCorpus(rng, []string{"B", "I", "O", "O"}, types, 8, 20)
			o := opts
			o.NoMisc = true
			a, err := Score(gold, pred, o)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Score(replaceMisc(gold), replaceMisc(pred), opts)
			if err != nil {
				t.Fatal(err)
			}
			if !sameResult(a, b) {
				mismatches++
				if mismatches <= 3 {
					t.Errorf("%v corpus %d differs:\ngold %q\npred %q\n%s", opts.Mode, k, gold, pred, cmp.Diff(b.PerType, a.PerType))
				}
			}
			if a.Confusion.Count("MISC", "MISC") != 0 {
				t.Fatalf("MISC row in the confusion matrix with NoMisc")
			}
		}
		t.Logf("%v: %d corpora, %d mismatches", opts.Mode, n, mismatches)
	}
}

// TestEntityOrder checks the invariants Score relies on: entities within
// a sentence are ordered by strictly increasing End and lie in the
// sentence.
func TestEntityOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for range 500 {
		gold, _ := randomCorpus(rng, []string{"B", "I", "E", "S", "O", ".", "X", "b"}, []string{"PER", "", "LOC"}, 4, 20)
		for _, s := range gold {
			checkEntities(t, s, DefaultEntities(s))
		}
	}
}

func checkEntities(t *testing.T, tags []string, es []Entity) {
	t.Helper()
	for i, e := range es {
		if e.Start < 0 || e.End > len(tags) || e.Start >= e.End {
			t.Fatalf("%q: entity %+v out of range", tags, e)
		}
		if i > 0 && es[i-1].End >= e.End {
			t.Fatalf("%q: entities %+v not ordered by End", tags, es)
		}
	}
}

// sameResult compares the entities and counts of two results.
func sameResult(a, b *Result) bool {
	if a.Micro != b.Micro || len(a.Types) != len(b.Types) || len(a.Gold) != len(b.Gold) {
		return false
	}
	for _, t := range a.Types {
		if a.PerType[t] != b.PerType[t] {
			return false
		}
	}
	for i := range a.Gold {
		if !slices.Equal(a.Gold[i], b.Gold[i]) || !slices.Equal(a.Pred[i], b.Pred[i]) {
			return false
		}
	}
	return true
}

// TestFlattenedEqualsPerSentence checks the package comment's claim: on
// tags seqeval accepts without a warning, chunking sentence by sentence
// equals seqeval's get_entities on the corpus flattened with an "O" after
// every sentence.
func TestFlattenedEqualsPerSentence(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	for k := range 2000 {
		gold, _ := randomCorpus(rng, []string{"B", "I", "E", "S", "O"}, []string{"PER", "LOC", "", "ORG-X"}, 6, 12)
		var flat []string
		var want []Entity
		for _, s := range gold {
			off := len(flat)
			for _, e := range DefaultEntities(s) {
				want = append(want, Entity{e.Type, e.Start + off, e.End + off})
			}
			flat = append(append(flat, s...), "O")
		}
		if got := DefaultEntities(flat); !cmp.Equal(want, got, cmpopts.EquateEmpty()) {
			t.Fatalf("corpus %d %q: flattened %v, per sentence %v", k, gold, got, want)
		}
	}
}
