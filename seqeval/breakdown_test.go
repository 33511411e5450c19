package seqeval

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBreakdownScenarios checks the six outcomes on the SemEval-2013
// scenarios of the notes' table C (produced with nervaluate 1.1.0; its
// "strict" COR/SPU/MIS/INC columns agree with these kinds).
func TestBreakdownScenarios(t *testing.T) {
	tests := []struct {
		name        string
		gold, pred  string
		wantType    string
		want        ErrorCounts
		wantMatches []Match
	}{
		{"I exact", "O B-LOC I-LOC O", "O B-LOC I-LOC O", "LOC", ErrorCounts{Correct: 1},
			[]Match{{Correct, 0, 0, 0}}},
		{"II spurious", "O O O O", "O B-ORG I-ORG O", "ORG", ErrorCounts{Spurious: 1},
			[]Match{{Spurious, 0, -1, 0}}},
		{"III missed", "O B-LOC I-LOC O", "O O O O", "LOC", ErrorCounts{Missing: 1},
			[]Match{{Missing, 0, 0, -1}}},
		{"IV wrong type", "O B-LOC I-LOC O", "O B-ORG I-ORG O", "LOC", ErrorCounts{WrongType: 1},
			[]Match{{WrongType, 0, 0, 0}}},
		{"V wrong boundary", "O B-PER I-PER O", "B-PER I-PER I-PER O", "PER", ErrorCounts{WrongBoundary: 1},
			[]Match{{WrongBoundary, 0, 0, 0}}},
		{"VI wrong type and boundary", "O B-PER I-PER O", "B-ORG I-ORG I-ORG O", "PER", ErrorCounts{WrongTypeBoundary: 1},
			[]Match{{WrongTypeBoundary, 0, 0, 0}}},
		// nervaluate issues #39/#40/#84: one prediction A(0..4) over gold
		// A(0..2) and B(2..4). Equal overlap, so the same type wins.
		{"one over two", "B-A I-A B-B I-B", "B-A I-A I-A I-A", "A", ErrorCounts{WrongBoundary: 1},
			[]Match{{WrongBoundary, 0, 0, 0}, {Missing, 0, 1, -1}}},
		{"one over two, types swapped", "B-B I-B B-A I-A", "B-A I-A I-A I-A", "A", ErrorCounts{WrongBoundary: 1},
			[]Match{{WrongBoundary, 0, 1, 0}, {Missing, 0, 0, -1}}},
		// The larger overlap wins over the same type.
		{"overlap first", "B-A B-B I-B I-B", "B-A I-A I-A I-A", "B", ErrorCounts{WrongTypeBoundary: 1},
			[]Match{{WrongTypeBoundary, 0, 1, 0}, {Missing, 0, 0, -1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Score(corpus(tc.gold), corpus(tc.pred), Options{Details: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Errors[tc.wantType]; got != tc.want {
				t.Errorf("errors[%s]: got %v, want %v", tc.wantType, got, tc.want)
			}
			if diff := cmp.Diff(tc.wantMatches, r.Matches); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
			// Every entity is in exactly one outcome.
			var g, p int
			for _, m := range r.Matches {
				if m.Gold >= 0 {
					g++
				}
				if m.Pred >= 0 {
					p++
				}
			}
			if g != r.Micro.Gold || p != r.Micro.Predicted {
				t.Errorf("entities in matches: got %d gold, %d predicted, want %d, %d", g, p, r.Micro.Gold, r.Micro.Predicted)
			}
			if r.ErrorTotal[Correct] != r.Micro.TP {
				t.Errorf("correct: got %d, want tp %d", r.ErrorTotal[Correct], r.Micro.TP)
			}
		})
	}
}

// TestBreakdownMultiSentence checks indices across sentences and the
// totals.
func TestBreakdownMultiSentence(t *testing.T) {
	gold := corpus("B-PER I-PER O B-LOC", "O O", "B-ORG O B-MISC")
	pred := corpus("B-PER I-PER O B-ORG", "B-LOC O", "B-ORG I-ORG O")
	r, err := Score(gold, pred, Options{Details: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []Match{
		{Correct, 0, 0, 0}, {WrongType, 0, 1, 1},
		{Spurious, 1, -1, 0},
		{WrongBoundary, 2, 0, 0}, {Missing, 2, 1, -1},
	}
	if diff := cmp.Diff(want, r.Matches); diff != "" {
		t.Errorf("matches (-want +got):\n%s", diff)
	}
	wantTotal := ErrorCounts{Correct: 1, WrongType: 1, Spurious: 1, WrongBoundary: 1, Missing: 1}
	if r.ErrorTotal != wantTotal {
		t.Errorf("total: got %v, want %v", r.ErrorTotal, wantTotal)
	}
	if got := r.Errors["LOC"]; got != (ErrorCounts{WrongType: 1, Spurious: 1}) {
		t.Errorf("LOC: got %v", got)
	}
	if got := r.Gold[2][1]; got != ent("MISC", 2, 3) {
		t.Errorf("Gold[2][1]: got %v, want MISC(2,3)", got)
	}
}

func TestErrorKindString(t *testing.T) {
	want := []string{"correct", "spurious", "missing", "wrong_type", "wrong_boundary", "wrong_type_boundary"}
	for k := range NumErrorKinds {
		if k.String() != want[k] {
			t.Errorf("ErrorKind(%d): got %q, want %q", k, k.String(), want[k])
		}
	}
}

func TestConfusion(t *testing.T) {
	gold := corpus("B-PER I-PER O B-LOC B-MISC", "B-ORG O")
	pred := corpus("B-PER B-PER O B-ORG O", "I-ORG B-LOC")
	r, err := Score(gold, pred, Options{Details: true})
	if err != nil {
		t.Fatal(err)
	}
	want := Confusion{
		Labels: []string{"LOC", "MISC", "ORG", "PER", "O"},
		Counts: [][]int{
			// gold LOC: predicted ORG
			{0, 0, 1, 0, 0},
			// gold MISC: predicted O
			{0, 0, 0, 0, 1},
			// gold ORG: predicted ORG (I-ORG, prefix stripped)
			{0, 0, 1, 0, 0},
			// gold PER: both words PER
			{0, 0, 0, 2, 0},
			// gold O: O, then LOC
			{1, 0, 0, 0, 1},
		},
	}
	if diff := cmp.Diff(want, r.Confusion); diff != "" {
		t.Errorf("confusion (-want +got):\n%s", diff)
	}
	r, err = Score(gold, pred, Options{Details: true, NoMisc: true, Map: map[string]string{"ORG": "LOC"}})
	if err != nil {
		t.Fatal(err)
	}
	want = Confusion{
		Labels: []string{"LOC", "PER", "O"},
		Counts: [][]int{{2, 0, 0}, {0, 2, 0}, {1, 0, 2}},
	}
	if diff := cmp.Diff(want, r.Confusion); diff != "" {
		t.Errorf("confusion with NoMisc and ORG=LOC (-want +got):\n%s", diff)
	}
	if got := r.Confusion.Count("PER", "PER"); got != 2 {
		t.Errorf("Count(PER, PER): got %d, want 2", got)
	}
}
