package columns

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

func TestCheckTag(t *testing.T) {
	tests := []struct {
		tag string
		ok  bool
	}{
		{"O", true},
		{"B-PER", true},
		{"I-MISC", true},
		{"B-X", true},
		{"", false},
		{"o", false},
		{"B", false},
		{"B-", false},
		{"I-", false},
		{"E-PER", false},
		{"S-PER", false},
		{"b-PER", false},
		{"BPER", false},
		{"B_PER", false},
		{"B-PER ", false},
		{"O-PER", false},
		{"PER", false},
	}
	for _, tc := range tests {
		err := CheckTag(tc.tag)
		if got := err == nil; got != tc.ok {
			t.Errorf("CheckTag(%q): got error %v, want ok=%v", tc.tag, err, tc.ok)
		}
		if err != nil && !errors.Is(err, benchmarks.ErrTag) {
			t.Errorf("CheckTag(%q): got error %v, want one wrapping %v", tc.tag, err, benchmarks.ErrTag)
		}
	}
}

func TestIOB1ToIOB2(t *testing.T) {
	tests := []struct{ in, want string }{
		{"I-PER I-PER O I-LOC", "B-PER I-PER O B-LOC"},
		{"I-LOC B-LOC I-LOC", "B-LOC B-LOC I-LOC"},
		{"I-PER I-ORG I-ORG", "B-PER B-ORG I-ORG"},
		{"B-MISC I-MISC O", "B-MISC I-MISC O"},
		{"O", "O"},
	}
	for _, tc := range tests {
		in := strings.Fields(tc.in)
		got := strings.Join(IOB1ToIOB2(in), " ")
		if got != tc.want {
			t.Errorf("IOB1ToIOB2(%q): got %q, want %q", tc.in, got, tc.want)
		}
		if strings.Join(in, " ") != tc.in {
			t.Errorf("IOB1ToIOB2(%q) modified its input", tc.in)
		}
	}
}

func TestIrregular(t *testing.T) {
	s := &benchmarks.Sentence{ID: "s", Tags: strings.Fields("I-PER O I-LOC B-ORG I-ORG I-MISC B-PER I-PER")}
	got := Irregular(s, []int{10, 11, 12, 13, 14, 15, 16, 17})
	want := []benchmarks.Irregularity{
		{Sentence: "s", Line: 10, Word: 0, Tag: "I-PER", Reason: "I-PER starts the sentence"},
		{Sentence: "s", Line: 12, Word: 2, Tag: "I-LOC", Reason: "I-LOC follows O"},
		{Sentence: "s", Line: 15, Word: 5, Tag: "I-MISC", Reason: "I-MISC follows I-ORG"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("irregularities (-want +got):\n%s", diff)
	}
}

func TestLines(t *testing.T) {
	input := "\xef\xbb\xbfone\r\ntwo\n\nthree"
	l := NewLines(t.Context(), strings.NewReader(input), "f")
	var got []string
	var nums []int
	for {
		line, ok := l.Next()
		if !ok {
			break
		}
		got = append(got, line)
		nums = append(nums, l.Line())
	}
	if err := l.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"one", "two", "", "three"}, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4}, nums); diff != "" {
		t.Errorf("line numbers (-want +got):\n%s", diff)
	}
}

func TestBlank(t *testing.T) {
	for line, want := range map[string]bool{"": true, "\t": true, " \t": true, "  ": true, "a": false, "\ta": false} {
		if got := Blank(line); got != want {
			t.Errorf("Blank(%q): got %v, want %v", line, got, want)
		}
	}
}

func TestErrorf(t *testing.T) {
	err := Errorf("plank/dev.conll", 1042, benchmarks.ErrColumns, "want %d columns, got %d", 2, 3)
	if got, want := err.Error(), "plank/dev.conll:1042: want 2 columns, got 3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(err, benchmarks.ErrColumns) {
		t.Errorf("got error %v, want one wrapping %v", err, benchmarks.ErrColumns)
	}
}
