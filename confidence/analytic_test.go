package confidence

import (
	"math"
	"strings"
	"testing"
)

func TestNormalQuantile(t *testing.T) {
	// Reference: standard normal quantiles, scipy.stats.norm.ppf(q) with
	// q = (1+level)/2, printed to 16 significant digits; tolerance 1e-12.
	tests := []struct {
		level, want float64
	}{
		{0.90, 1.6448536269514722},
		{0.95, 1.959963984540054},
		{0.99, 2.5758293035489004},
	}
	for _, tc := range tests {
		if got := NormalQuantile(tc.level); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("NormalQuantile(%v): got %.16g, want %.16g", tc.level, got, tc.want)
		}
	}
}

// dalukeCounts holds the DaLUKE micro counts on the three test sets,
// reconstructed from the seqeval classification reports in the DaLUKE thesis
// source (github.com/peleiden/bug-free-guacamole, sections/results.tex):
// DaNE P 0.8467 R 0.8118 F1 0.8289 support 558; Plank P 0.6054 R 0.8026
// F1 0.6902 support 390; WikiANN P 0.7267 R 0.6187 F1 0.6684 support 13698.
// TP = round(R·support) and Pred = round(TP/P); each triple reproduces all
// three reported figures to 4 decimals (checked in TestDalukeCounts).
var dalukeCounts = map[string]Counts{
	"dane":    {TP: 453, Pred: 535, Gold: 558},
	"plank":   {TP: 313, Pred: 517, Gold: 390},
	"wikiann": {TP: 8475, Pred: 11662, Gold: 13698},
}

func TestDalukeCounts(t *testing.T) {
	tests := []struct {
		name    string
		p, r, f float64 // thesis classification_report, 4 decimals
	}{
		{"dane", 0.8467, 0.8118, 0.8289},
		{"plank", 0.6054, 0.8026, 0.6902},
		{"wikiann", 0.7267, 0.6187, 0.6684},
	}
	for _, tc := range tests {
		c := dalukeCounts[tc.name]
		got := [3]float64{round(c.Precision(), 4), round(c.Recall(), 4), round(c.F1(), 4)}
		want := [3]float64{tc.p, tc.r, tc.f}
		if got != want {
			t.Errorf("%s: got P/R/F1 %v, want %v", tc.name, got, want)
		}
	}
}

func round(x float64, places int) float64 {
	s := math.Pow(10, float64(places))
	return math.Round(x*s) / s
}

func TestThesisF1(t *testing.T) {
	tests := []struct {
		name string
		f1   float64
		n    int
		// wantPM is the "±" half-width in percentage points, rounded to
		// one decimal as the thesis prints it.
		wantPM float64
		// wantH is the unrounded half-width (fraction), hand-computed as
		// 1.959963984540054·sqrt(f1(1−f1)/n); tolerance 1e-9.
		wantH float64
	}{
		// Source: DaLUKE thesis eq. 4.3 and its DaNE figure "82.9 ± 3.1"
		// (as quoted in nerbench issue 3), n = 558 DaNE test entities.
		{"dane thesis figure", 0.829, 558, 3.1, 0.031239660969607508},
		// Hand-computed with the exact micro F1 from dalukeCounts.
		{"dane exact f1", 453.0 * 2 / (535 + 558), 558, 3.1, 0.031246093766666656},
		{"plank", 626.0 / 907, 390, 4.6, 0.045893251373688174},
		{"wikiann", 16950.0 / 25360, 13698, 0.8, 0.007884117898125308},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			iv := Wald(tc.f1, tc.n, 0.95)
			if h := iv.HalfWidth(); math.Abs(h-tc.wantH) > 1e-9 {
				t.Errorf("half-width: got %.12f, want %.12f", h, tc.wantH)
			}
			if pm := round(100*iv.HalfWidth(), 1); pm != tc.wantPM {
				t.Errorf("±: got %.1f, want %.1f", pm, tc.wantPM)
			}
			if math.Abs(iv.Estimate-tc.f1) > 0 || math.Abs((iv.Lo+iv.Hi)/2-tc.f1) > 1e-15 {
				t.Errorf("centre: got %v [%v, %v], want %v", iv.Estimate, iv.Lo, iv.Hi, tc.f1)
			}
		})
	}
	// ThesisF1 uses micro F1 and the gold count.
	got, want := ThesisF1(dalukeCounts["dane"], 0.95), Wald(dalukeCounts["dane"].F1(), 558, 0.95)
	if got != want {
		t.Errorf("ThesisF1: got %v, want %v", got, want)
	}
}

func TestWaldEdges(t *testing.T) {
	tests := []struct {
		name   string
		est    float64
		n      int
		lo, hi float64
	}{
		{"no data", 0.3, 0, 0, 1},
		{"perfect", 1, 50, 1, 1},
		{"zero", 0, 50, 0, 0},
	}
	for _, tc := range tests {
		iv := Wald(tc.est, tc.n, 0.95)
		if iv.Lo != tc.lo || iv.Hi != tc.hi {
			t.Errorf("%s: got [%v, %v], want [%v, %v]", tc.name, iv.Lo, iv.Hi, tc.lo, tc.hi)
		}
	}
}

func TestWilson(t *testing.T) {
	// Reference: Newcombe (1998), "Two-sided confidence intervals for the
	// single proportion: comparison of seven methods", Statistics in
	// Medicine 17:857–872, Table II, method 3 (Wilson score, no continuity
	// correction), 95%, printed to 4 decimals; tolerance 5e-5.
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0.0000, 0.1611},
		{1, 29, 0.0061, 0.1718},
	}
	for _, tc := range tests {
		iv := Wilson(tc.k, tc.n, 0.95)
		if math.Abs(iv.Lo-tc.lo) > 5e-5 || math.Abs(iv.Hi-tc.hi) > 5e-5 {
			t.Errorf("Wilson(%d, %d): got [%.6f, %.6f], want [%.4f, %.4f]", tc.k, tc.n, iv.Lo, iv.Hi, tc.lo, tc.hi)
		}
		if want := float64(tc.k) / float64(tc.n); iv.Estimate != want {
			t.Errorf("Wilson(%d, %d) estimate: got %v, want %v", tc.k, tc.n, iv.Estimate, want)
		}
	}
}

func TestWilsonEdges(t *testing.T) {
	tests := []struct {
		name   string
		k, n   int
		lo, hi float64
	}{
		{"no trials", 0, 0, 0, 1},
		{"all fail", 0, 7, 0, -1},
		{"all succeed", 7, 7, -1, 1},
	}
	for _, tc := range tests {
		iv := Wilson(tc.k, tc.n, 0.95)
		if tc.lo >= 0 && iv.Lo != tc.lo {
			t.Errorf("%s: got lo %v, want %v", tc.name, iv.Lo, tc.lo)
		}
		if tc.hi >= 0 && iv.Hi != tc.hi {
			t.Errorf("%s: got hi %v, want %v", tc.name, iv.Hi, tc.hi)
		}
		if !(iv.Lo >= 0 && iv.Lo <= iv.Hi && iv.Hi <= 1) {
			t.Errorf("%s: got [%v, %v], want 0 <= lo <= hi <= 1", tc.name, iv.Lo, iv.Hi)
		}
	}
}

func TestWilsonPrecisionRecall(t *testing.T) {
	c := dalukeCounts["dane"]
	// Hand-computed Wilson bounds (95%) for 453/535 and 453/558 with
	// z = 1.959963984540054; tolerance 1e-6.
	tests := []struct {
		name   string
		iv     Interval
		lo, hi float64
	}{
		{"precision", WilsonPrecision(c, 0.95), 0.813740, 0.874775},
		{"recall", WilsonRecall(c, 0.95), 0.777307, 0.842085},
	}
	for _, tc := range tests {
		if math.Abs(tc.iv.Lo-tc.lo) > 1e-6 || math.Abs(tc.iv.Hi-tc.hi) > 1e-6 {
			t.Errorf("%s: got [%.6f, %.6f], want [%.6f, %.6f]", tc.name, tc.iv.Lo, tc.iv.Hi, tc.lo, tc.hi)
		}
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"wald level 0", func() { Wald(0.5, 10, 0) }},
		{"wald level 1", func() { Wald(0.5, 10, 1) }},
		{"wald level NaN", func() { Wald(0.5, 10, math.NaN()) }},
		{"wald estimate > 1", func() { Wald(82.9, 558, 0.95) }},
		{"wald negative n", func() { Wald(0.5, -1, 0.95) }},
		{"wilson k > n", func() { Wilson(3, 2, 0.95) }},
		{"wilson negative k", func() { Wilson(-1, 2, 0.95) }},
		{"wilson precision invalid", func() { WilsonPrecision(Counts{TP: 3, Pred: 2, Gold: 3}, 0.95) }},
		{"wilson recall invalid", func() { WilsonRecall(Counts{TP: 3, Pred: 3, Gold: 2}, 0.95) }},
		{"normal quantile level", func() { NormalQuantile(-0.5) }},
		{"quantile empty", func() { Quantile(nil, 0.5) }},
		{"quantile p > 1", func() { Quantile([]float64{1}, 1.5) }},
		{"quantile unsorted", func() { Quantile([]float64{2, 1}, 0.5) }},
		{"quantile NaN", func() { Quantile([]float64{math.NaN(), 1}, 0.5) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				s, ok := r.(string)
				if !ok || !strings.HasPrefix(s, "confidence: ") {
					t.Errorf("got panic %v, want a string starting with %q", r, "confidence: ")
				}
			}()
			tc.f()
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		name    string
		c       Counts
		p, r, f float64
		valid   bool
	}{
		{"empty", Counts{}, 0, 0, 0, true},
		{"no predictions", Counts{Gold: 4}, 0, 0, 0, true},
		{"no gold", Counts{Pred: 4}, 0, 0, 0, true},
		{"half", Counts{TP: 1, Pred: 2, Gold: 2}, 0.5, 0.5, 0.5, true},
		// 2·(3/4)·(3/5)/(3/4+3/5) = 2/3.
		{"mixed", Counts{TP: 3, Pred: 4, Gold: 5}, 0.75, 0.6, 2.0 / 3, true},
		{"tp > pred", Counts{TP: 2, Pred: 1, Gold: 2}, 2, 1, 4.0 / 3, false},
		{"negative", Counts{TP: -1, Pred: 1, Gold: 1}, -1, -1, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate()
			if (err == nil) != tc.valid {
				t.Fatalf("Validate: got %v, want valid=%v", err, tc.valid)
			}
			if !tc.valid {
				return
			}
			got := [3]float64{tc.c.Precision(), tc.c.Recall(), tc.c.F1()}
			want := [3]float64{tc.p, tc.r, tc.f}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-15 {
					t.Errorf("P/R/F1: got %v, want %v", got, want)
					break
				}
			}
		})
	}
	if got, want := Sum([]Counts{{1, 2, 3}, {4, 5, 6}}), (Counts{5, 7, 9}); got != want {
		t.Errorf("Sum: got %v, want %v", got, want)
	}
}

func TestIntervalString(t *testing.T) {
	tests := []struct {
		iv   Interval
		want string
	}{
		{Interval{Estimate: 0.82891, Lo: 0.79766, Hi: 0.86016, Level: 0.95}, "0.8289 [0.7977, 0.8602] (95%)"},
		{Interval{Level: 0.57}, "0.0000 [0.0000, 0.0000] (57%)"},
	}
	for _, tc := range tests {
		if got := tc.iv.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
