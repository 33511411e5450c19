package dacy

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Rows from the unit tests of the Rust crate tokenizations 0.4.2
// (src/tests.rs, test_get_alignment) and from dacy-spec §4.5, whose rows
// were printed by the real crates.
func TestAlignments(t *testing.T) {
	tests := []struct {
		name     string
		a, b     []string
		a2b, b2a [][]int
	}{
		{"fullwidth and kana", []string{"fあo①が", "bar"}, []string{"fあo1かb", "ar"}, [][]int{{0}, {0, 1}}, [][]int{{0, 1}, {1}}},
		{"New York", []string{"New York"}, []string{"New", "York"}, [][]int{{0, 1}}, [][]int{{0}, {0}}},
		{"apostrophe", []string{"A'B"}, []string{"A", "B"}, [][]int{{0, 1}}, [][]int{{0}, {0}}},
		{"apostrophe lowercase", []string{"A'b"}, []string{"a", "b"}, [][]int{{0, 1}}, [][]int{{0}, {0}}},
		{"empty tokens", []string{""}, []string{"", ""}, [][]int{{}}, [][]int{{}, {}}},
		{"accent dropped", []string{"à", "la", "gorge"}, []string{"a", "la", "gorge"}, [][]int{{0}, {1}, {2}}, [][]int{{0}, {1}, {2}}},
		// dacy-spec §4.5 (real crates): specials and pads already "".
		{"plain", []string{"Jens", "bor", "i", "København"}, []string{"", "▁Jens", "▁bor", "▁i", "▁København", ""},
			[][]int{{1}, {2}, {3}, {4}}, nil},
		{"lone metaspace", []string{"(", "Hej", ")"}, []string{"", "▁(", "Hej", "▁", ")", ""}, [][]int{{1}, {2}, {4}}, nil},
		{"unknown piece", []string{"x", "☃", "y"}, []string{"", "▁x", "▁", "", "▁y", ""}, [][]int{{1}, {}, {4}}, nil},
		{"uncased strips accents", []string{"Århus", "år"}, []string{"", "arhus", "ar", ""}, [][]int{{1}, {2}}, nil},
		{"repeats go to the first token", []string{"aa", "a"}, []string{"", "a", ""}, [][]int{{1}, {}}, nil},
		{"repeats, shorter first", []string{"a", "aa"}, []string{"", "a", ""}, [][]int{{1}, {}}, nil},
		{"ligature", []string{"ﬁre", "A/S"}, []string{"", "▁fire", "▁A", "/", "S", ""}, [][]int{{1}, {2, 3, 4}}, nil},
		{"pads", []string{"Hej", "verden"}, []string{"", "▁He", "j", "▁ver", "den", "", "", ""}, [][]int{{1, 2}, {3, 4}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a2b, b2a := alignments(tc.a, tc.b)
			if diff := cmp.Diff(tc.a2b, a2b); diff != "" {
				t.Errorf("a2b (-want +got):\n%s", diff)
			}
			if tc.b2a != nil {
				if diff := cmp.Diff(tc.b2a, b2a); diff != "" {
					t.Errorf("b2a (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// charmap is tokenizations.get_charmap: alignments of single characters.
func charmap(a, b string) ([][]int, [][]int) {
	split := func(s string) []string {
		out := []string{}
		for _, r := range s {
			out = append(out, string(r))
		}
		return out
	}
	return alignments(split(a), split(b))
}

// Rows of tokenizations 0.4.2 src/tests.rs test_get_charmap.
func TestCharmap(t *testing.T) {
	tests := []struct {
		a, b     string
		a2b, b2a [][]int
	}{
		{"å", "a\u030a", [][]int{{0, 1}}, [][]int{{0}, {0}}},
		{"あがさ", "あかさ", [][]int{{0}, {1}, {2}}, [][]int{{0}, {1}, {2}}},
		{"", "a", [][]int{}, [][]int{{}}},
		{"", "", [][]int{}, [][]int{}},
		{"å\tb", "a b", [][]int{{0}, {}, {2}}, [][]int{{0}, {}, {2}}},
		{"a\tb", "a b", [][]int{{0}, {}, {2}}, [][]int{{0}, {}, {2}}},
		{"２０００", "2000", [][]int{{0}, {1}, {2}, {3}}, [][]int{{0}, {1}, {2}, {3}}},
		{"¨", "", [][]int{{}}, [][]int{}},
		{"hello``world``", "Hello \"world\"",
			[][]int{{0}, {1}, {2}, {3}, {4}, {}, {}, {7}, {8}, {9}, {10}, {11}, {}, {}},
			[][]int{{0}, {1}, {2}, {3}, {4}, {}, {}, {7}, {8}, {9}, {10}, {11}, {}}},
	}
	for _, tc := range tests {
		t.Run(tc.a+"|"+tc.b, func(t *testing.T) {
			a2b, b2a := charmap(tc.a, tc.b)
			if diff := cmp.Diff(tc.a2b, a2b); diff != "" {
				t.Errorf("a2b (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.b2a, b2a); diff != "" {
				t.Errorf("b2a (-want +got):\n%s", diff)
			}
		})
	}
}

// slowDistance is the edit distance (insertions and deletions only) by
// dynamic programming, as seqdiff's tests compute it.
func slowDistance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				d[i][j] = d[i-1][j-1]
			} else {
				d[i][j] = min(d[i-1][j], d[i][j-1]) + 1
			}
		}
	}
	return d[len(a)][len(b)]
}

// The seqdiff 0.3.0 tests (src/tests.rs): fixed distances, agreement with
// the slow DP distance, and a consistent edit script, on seeded random
// sequences instead of quickcheck's.
func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		a, b []rune
		dist int
	}{
		{[]rune{0, 1}, []rune{1, 0}, 2},
		{[]rune{0}, []rune{1, 0, 0}, 2},
		{[]rune{1, 2, 3}, []rune{1, 3}, 1},
	} {
		a2b, b2a := diff(tc.a, tc.b)
		if got := countNone(a2b) + countNone(b2a); got != tc.dist {
			t.Errorf("diff(%v, %v): distance %d, want %d", tc.a, tc.b, got, tc.dist)
		}
	}
	a2b, b2a := diff([]rune{1, 2, 3}, []rune{1, 3})
	if !cmp.Equal(a2b, []int{0, -1, 1}) || !cmp.Equal(b2a, []int{0, 2}) {
		t.Errorf("diff([1 2 3], [1 3]) = %v, %v, want [0 -1 1], [0 2] (seqdiff doc example)", a2b, b2a)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a := randRunes(rng)
		b := randRunes(rng)
		a2b, b2a := diff(a, b)
		if got, want := countNone(a2b)+countNone(b2a), slowDistance(a, b); got != want {
			t.Fatalf("diff(%q, %q): distance %d, want %d", string(a), string(b), got, want)
		}
		last := -1
		for i, j := range a2b {
			if j < 0 {
				continue
			}
			if a[i] != b[j] || b2a[j] != i || j <= last {
				t.Fatalf("diff(%q, %q): inconsistent script %v %v", string(a), string(b), a2b, b2a)
			}
			last = j
		}
	}
}

func countNone(v []int) int {
	n := 0
	for _, x := range v {
		if x < 0 {
			n++
		}
	}
	return n
}

func randRunes(rng *rand.Rand) []rune {
	n := rng.IntN(12)
	out := make([]rune, n)
	for i := range out {
		out[i] = rune('a' + rng.IntN(3))
	}
	return out
}

func TestLowercase(t *testing.T) {
	for in, want := range map[string]string{
		"İstanbul": "i\u0307stanbul",
		"ΟΔΟΣ":     "οδος",
		"Σ":        "σ",
		"ÆØÅ":      "æøå",
	} {
		if got := lowercase(in); got != want {
			t.Errorf("lowercase(%q) = %q, want %q", in, got, want)
		}
	}
	if got := strings.Count(normalize("ﬁ"), "f"); got != 1 {
		t.Errorf("normalize(ﬁ) = %q, want NFKD fi", normalize("ﬁ"))
	}
}
