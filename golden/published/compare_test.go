package published

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// outcome is the part of a Comparison the tests check by hand.
type outcome struct {
	Published        string
	HasReproduced    bool
	Reproduced       float64
	Diff             float64
	Interval         float64
	IntervalKind     IntervalKind
	WithinPublished  Check
	WithinReproduced Check
	Agrees           Check
	New              bool
}

func outcomeOf(c Comparison) outcome {
	return outcome{
		c.Published.Text, c.HasReproduced, c.Reproduced, c.Diff, c.Interval, c.IntervalKind,
		c.WithinPublished, c.WithinReproduced, c.Agrees, c.New,
	}
}

// key names one comparison: the row label, the training and test sets
// and the metric.
func key(c Comparison) string {
	return fmt.Sprintf("%s/%s/%s/%s", c.Row, c.TrainedOn, c.Dataset, c.Metric)
}

func index(t *testing.T, cs []Comparison) map[string]outcome {
	t.Helper()
	m := map[string]outcome{}
	for _, c := range cs {
		k := key(c)
		if _, dup := m[k]; dup {
			t.Fatalf("two comparisons for %s", k)
		}
		m[k] = outcomeOf(c)
	}
	return m
}

var approx = cmpopts.EquateApprox(0, 1e-9)

// TestCompareDaNE compares a synthetic result set with Table 5.3. The
// published values are those of sections/results.tex lines 106, 107 and 110
// at thesisCommit; the expected differences and flags are worked out by
// hand in the comments.
func TestCompareDaNE(t *testing.T) {
	tb, err := ByID("5.3")
	if err != nil {
		t.Fatal(err)
	}
	results := []Result{
		{
			Model: "daluke", Dataset: "dane", Split: "test", Source: "daluke.json",
			Scores: map[Metric]float64{F1: 83.5, Precision: 84.7, Recall: 80.0, F1NoMISC: 85.2, F1LOC: 86.96, F1MISC: 70.0},
			CI:     map[Metric]Interval{F1: {80.4, 86.6}, F1NoMISC: {84.7, 85.7}},
		},
		{
			Model: "dabert", Dataset: "dane", Split: "test",
			Scores: map[Metric]float64{F1: 80.0, F1NoMISC: 87.5},
			CI:     map[Metric]Interval{F1NoMISC: {85.5, 89.5}},
		},
		{Model: "baseline", Dataset: "dane", Split: "test", Scores: map[Metric]float64{F1: 70.0, F1NoMISC: 72.0}},
		// Not in Table 5.3: another dataset, another split.
		{Model: "daluke", Dataset: "plank", Split: "test", Scores: map[Metric]float64{F1: 69.0}},
		{Model: "daluke", Dataset: "dane", Split: "dev", Scores: map[Metric]float64{F1: 90.0}},
		// DaLUKE trained on Plank is not the thesis' DaLUKE row: it is new.
		{Model: "daluke", TrainedOn: "plank", Dataset: "dane", Split: "test", Scores: map[Metric]float64{F1: 63.4}},
	}
	got := Compare(tb, results)
	// 10 rows with 8 printed cells each, all reported or dashes, plus the
	// two new metrics of the baseline and the one of Plank-trained DaLUKE.
	if len(got) != 10*8+2+1 {
		t.Errorf("got %d comparisons, want %d", len(got), 10*8+2+1)
	}
	want := map[string]outcome{
		// 83.5 − 82.9 = +0.6; |0.6| ≤ 3; 82.9 is in [80.4, 86.6]; 83.5 does not print as 82.9.
		"DaLUKE/dane/dane/f1": {"82.9 ± 3", true, 83.5, 0.6, 3, CI95, Yes, Yes, No, false},
		// 84.7 − 84.7 = 0; no interval is printed for precision.
		"DaLUKE/dane/dane/precision": {"84.7", true, 84.7, 0, 0, NoInterval, NA, NA, Yes, false},
		// 80.0 − 81.2 = −1.2.
		"DaLUKE/dane/dane/recall": {"81.2", true, 80.0, -1.2, 0, NoInterval, NA, NA, No, false},
		// 85.2 − 85.2 = 0, inside ± 3 and inside [84.7, 85.7].
		"DaLUKE/dane/dane/f1_no_misc": {"85.2 ± 3", true, 85.2, 0, 3, CI95, Yes, Yes, Yes, false},
		// 86.96 − 87.0 = −0.04; 86.96 rounds to 87.0.
		"DaLUKE/dane/dane/f1_loc": {"87.0", true, 86.96, -0.04, 0, NoInterval, NA, NA, Yes, false},
		// Not reproduced: the published number alone.
		"DaLUKE/dane/dane/f1_per": {"94.2", false, 0, 0, 0, NoInterval, NA, NA, NA, false},
		// 70.0 − 74.6 = −4.6.
		"DaLUKE/dane/dane/f1_misc": {"74.6", true, 70.0, -4.6, 0, NoInterval, NA, NA, No, false},
		// The thesis prints a dash: no difference, no checks.
		"DaNLP da-BERT/dane/dane/f1": {"--", true, 80.0, 0, 0, NoInterval, NA, NA, NA, false},
		// 87.5 − 84.0 = +3.5: outside ± 3; 84.0 is outside [85.5, 89.5].
		"DaNLP da-BERT/dane/dane/f1_no_misc": {"84.0 ± 3", true, 87.5, 3.5, 3, CI95, No, No, No, false},
		// No result for DaCy medium.
		"DaCy medium/dane/dane/f1": {"78.3 ± 3", false, 0, 0, 3, CI95, NA, NA, NA, false},
		// The baseline is not in the thesis.
		"baseline/dane/dane/f1":         {"", true, 70.0, 0, 0, NoInterval, NA, NA, NA, true},
		"baseline/dane/dane/f1_no_misc": {"", true, 72.0, 0, 0, NoInterval, NA, NA, NA, true},
		"daluke/plank/dane/f1":          {"", true, 63.4, 0, 0, NoInterval, NA, NA, NA, true},
	}
	all := index(t, got)
	for k, w := range want {
		g, ok := all[k]
		if !ok {
			t.Errorf("no comparison %s", k)
			continue
		}
		if diff := cmp.Diff(w, g, approx); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	for _, c := range got {
		if c.Dataset != "dane" || c.Split != "test" {
			t.Errorf("comparison on %s/%s: %v", c.Dataset, c.Split, c)
		}
		if c.Row == "DaLUKE" && c.HasReproduced && c.Source != "daluke.json" {
			t.Errorf("DaLUKE comparison with source %q, want daluke.json", c.Source)
		}
	}
}

// TestCompareSeeds compares with Table 6.15, where only the Mean row is
// compared and its interval is twice the Std. row (discussion.tex lines
// 571-572 at thesisCommit: mean F1 82.7, std 1.4; mean recall 80.0, std 1.3).
func TestCompareSeeds(t *testing.T) {
	tb, err := ByID("6.15")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		scores map[Metric]float64
		want   map[string]outcome
	}{
		{
			"inside",
			map[Metric]float64{F1: 80.0, Recall: 82.6},
			map[string]outcome{
				// 80.0 − 82.7 = −2.7; |−2.7| ≤ 2 × 1.4 = 2.8.
				"DaLUKE (Mean)/dane/dane/f1": {"82.7", true, 80.0, -2.7, 2.8, TwoSD, Yes, NA, No, false},
				// 82.6 − 80.0 = +2.6 ≤ 2 × 1.3 = 2.6, on the edge.
				"DaLUKE (Mean)/dane/dane/recall": {"80.0", true, 82.6, 2.6, 2.6, TwoSD, Yes, NA, No, false},
			},
		},
		{
			"outside",
			map[Metric]float64{F1: 79.8, Recall: 82.7},
			map[string]outcome{
				// 79.8 − 82.7 = −2.9; 2.9 > 2.8.
				"DaLUKE (Mean)/dane/dane/f1": {"82.7", true, 79.8, -2.9, 2.8, TwoSD, No, NA, No, false},
				// 82.7 − 80.0 = +2.7 > 2.6.
				"DaLUKE (Mean)/dane/dane/recall": {"80.0", true, 82.7, 2.7, 2.6, TwoSD, No, NA, No, false},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(tb, []Result{{Model: "daluke", Dataset: "dane", Split: "test", Scores: tc.scores}})
			// Only the Mean row, one comparison per column.
			if len(got) != len(tb.Columns) {
				t.Errorf("got %d comparisons, want %d", len(got), len(tb.Columns))
			}
			all := index(t, got)
			for k, w := range tc.want {
				if diff := cmp.Diff(w, all[k], approx); diff != "" {
					t.Errorf("%s (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}

// TestCompareCrossDataset checks that results match Table 6.17's rows by
// training and test set as the table's notes read them, and that a
// cross-dataset table reports no new models.
func TestCompareCrossDataset(t *testing.T) {
	tb, err := ByID("6.17")
	if err != nil {
		t.Fatal(err)
	}
	results := []Result{
		// DaLUKE as nerbench ships it, trained on DaNE, tested on Plank:
		// the row printed "DaNE | Plank" (discussion.tex:677), F1 69.0.
		{Model: "daluke", Dataset: "plank", Split: "test", Scores: map[Metric]float64{F1: 69.04}},
		// Trained on WikiANN, tested on DaNE: the row printed "WikiANN |
		// DaNE" (discussion.tex:682), F1 without MISC 67.8.
		{Model: "daluke", TrainedOn: "wikiann", Dataset: "dane", Split: "test", Scores: map[Metric]float64{F1NoMISC: 67.0}},
		{Model: "baseline", Dataset: "plank", Split: "test", Scores: map[Metric]float64{F1: 50}},
	}
	got := Compare(tb, results)
	all := index(t, got)
	want := map[string]outcome{
		// 69.04 − 69.0 = +0.04; 69.04 rounds to 69.0; no interval printed.
		"DaLUKE/dane/plank/f1": {"69.0", true, 69.04, 0.04, 0, NoInterval, NA, NA, Yes, false},
		// 67.0 − 67.8 = −0.8.
		"DaLUKE/wikiann/dane/f1_no_misc": {"67.8", true, 67.0, -0.8, 0, NoInterval, NA, NA, No, false},
		// Trained on Plank, tested on DaNE: no result.
		"DaLUKE/plank/dane/f1": {"63.4", false, 0, 0, 0, NoInterval, NA, NA, NA, false},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, all[k], approx); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	for _, c := range got {
		if c.New || c.Adapter == "baseline" {
			t.Errorf("unexpected comparison %v", c)
		}
	}
}

// TestCompareWikiANN checks that Table 5.5's F1 is compared with the
// reproduced F1 without MISC, not with MISC.
func TestCompareWikiANN(t *testing.T) {
	tb, err := ByID("5.5")
	if err != nil {
		t.Fatal(err)
	}
	got := Compare(tb, []Result{{
		Model: "daluke", Dataset: "wikiann", Split: "test",
		Scores: map[Metric]float64{F1: 60.0, F1NoMISC: 66.84, PrecisionNoMISC: 72.67},
	}})
	all := index(t, got)
	want := map[string]outcome{
		// results.tex:216: 66.8 ± 0.1; 66.84 − 66.8 = +0.04 ≤ 0.1.
		"DaLUKE/dane/wikiann/f1_no_misc":        {"66.8 ± 0.1", true, 66.84, 0.04, 0.1, CI95, Yes, NA, Yes, false},
		"DaLUKE/dane/wikiann/precision_no_misc": {"72.7", true, 72.67, -0.03, 0, NoInterval, NA, NA, Yes, false},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, all[k], approx); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	if _, ok := all["DaLUKE/dane/wikiann/f1"]; ok {
		t.Error("Table 5.5 compared F1 with MISC; it has no such column")
	}
}

func TestCompareNoResults(t *testing.T) {
	ts, err := Tables()
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range ts {
		t.Run(tb.ID, func(t *testing.T) {
			want := 0
			for _, r := range tb.Rows {
				if r.Kind == RowModel || r.Kind == RowMean {
					for _, m := range tb.Metrics() {
						if r.Cell(m).State != NotReported {
							want++
						}
					}
				}
			}
			got := Compare(tb, nil)
			if len(got) != want {
				t.Errorf("got %d comparisons, want one per published cell of the compared rows, %d", len(got), want)
			}
			for _, c := range got {
				if c.HasReproduced || c.WithinPublished != NA || c.Agrees != NA {
					t.Errorf("comparison without results has reproduced data: %v", c)
				}
			}
		})
	}
}

// TestWithinReproducedInterval checks the reproduced-interval test on
// asymmetric and invalid intervals, against Table 5.3's DaLUKE F1 of 82.9
// (results.tex:106).
func TestWithinReproducedInterval(t *testing.T) {
	tb, err := ByID("5.3")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ci   Interval
		want Check
	}{
		{"symmetric, inside", Interval{80.4, 86.6}, Yes},
		// Half-width 3.5 > |diff| 0.6, but 82.9 is below the interval.
		{"asymmetric, outside", Interval{83.0, 90.0}, No},
		{"asymmetric, inside", Interval{82.0, 84.0}, Yes},
		{"on the edge", Interval{82.9, 84.0}, Yes},
		{"reversed is ignored", Interval{86.6, 80.4}, NA},
		{"zero is none", Interval{}, NA},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(tb, []Result{{
				Model: "daluke", Dataset: "dane", Split: "test",
				Scores: map[Metric]float64{F1: 83.5}, CI: map[Metric]Interval{F1: tc.ci},
			}})
			for _, c := range got {
				if c.Row == "DaLUKE" && c.Metric == F1 {
					if c.WithinReproduced != tc.want || c.HasReproducedCI != (tc.want != NA) {
						t.Errorf("WithinReproduced = %q (has CI %v), want %q", c.WithinReproduced, c.HasReproducedCI, tc.want)
					}
					return
				}
			}
			t.Fatal("no DaLUKE F1 comparison")
		})
	}
}
