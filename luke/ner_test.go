package luke

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWindows(t *testing.T) {
	tests := []struct {
		name    string
		pieces  []int
		max     int
		want    []Window
		wantErr error
	}{
		{"fits", []int{1, 2, 3}, 8, []Window{{0, 3}}, nil},
		// 6 pieces + 2 = 8 > 7: the first window takes words while pieces+2 < 7.
		{"split", []int{1, 2, 3}, 7, []Window{{0, 2}, {2, 3}}, nil},
		// cum+2 < max is strict: [2,2] has 4+2 = 6, not < 6, so only one word.
		{"strict", []int{2, 2, 2, 1}, 6, []Window{{0, 1}, {1, 2}, {2, 4}}, nil},
		{"empty text", nil, 8, []Window{{0, 0}}, nil},
		// A word too long for any window gets one of its own.
		{"long word", []int{1, 6, 1}, 8, []Window{{0, 1}, {1, 2}, {2, 3}}, nil},
		{"long words", []int{9, 9}, 8, []Window{{0, 1}, {1, 2}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Windows(tc.pieces, tc.max)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got error %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("windows mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Windows([]int{1, 0}, 8); err == nil {
		t.Error("got no error for a word without pieces")
	}
}

func TestExamplesLongWord(t *testing.T) {
	meta := Metadata{MaxSeqLength: 8, MaxEntities: 4, MaxEntitySpan: 3}
	long := []int64{10, 11, 12, 13, 14, 15, 16} // 7 pieces: over a window and over a span
	exs, err := Examples([][]int64{{5}, long, {6}}, meta, fixtureSpecial)
	if err != nil {
		t.Fatal(err)
	}
	var windows []Window
	for _, ex := range exs {
		windows = append(windows, ex.Window)
		if len(ex.WordIDs) > meta.MaxSeqLength {
			t.Errorf("example of window %v has %d pieces, want at most %d", ex.Window, len(ex.WordIDs), meta.MaxSeqLength)
		}
	}
	// The long word's window has no candidate span, so no example.
	if diff := cmp.Diff([]Window{{0, 1}, {2, 3}}, windows); diff != "" {
		t.Errorf("example windows mismatch (-want +got):\n%s", diff)
	}
	meta.MaxEntitySpan = 10 // now the long word is a candidate span
	if _, err := Examples([][]int64{{5}, long, {6}}, meta, fixtureSpecial); !errors.Is(err, ErrWordTooLong) {
		t.Errorf("got error %v, want ErrWordTooLong", err)
	}
}

func TestCandidateSpans(t *testing.T) {
	tests := []struct {
		name   string
		pieces []int
		max    int
		want   []Span
	}{
		// spec §2.3, from DaLUKE's tests/api/test_data.py: "Hej med dig".
		{"hej med dig", []int{1, 1, 1}, 30, []Span{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}},
		// The limit counts word pieces, not words.
		{"pieces", []int{2, 1, 3}, 3, []Span{{0, 1}, {0, 2}, {1, 2}, {2, 3}}},
		{"word over limit", []int{4, 1}, 3, []Span{{1, 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, CandidateSpans(tc.pieces, tc.max)); diff != "" {
				t.Errorf("spans mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExamplesReference checks windows, span order and the piece positions of
// the NER fixture's texts against the PyTorch reference.
func TestExamplesReference(t *testing.T) {
	ref := readReference(t)
	ck := readFixture(t, "daluke-ner.tar.gz")
	for i, text := range ref.Texts {
		exs, err := Examples(text.Pieces, ck.Metadata, fixtureSpecial)
		if err != nil {
			t.Fatalf("text %d: %v", i, err)
		}
		var windows [][2]int
		var spans [][2]int
		for k, ex := range exs {
			w := [2]int{ex.Window.Start, ex.Window.End}
			if len(windows) == 0 || windows[len(windows)-1] != w {
				windows = append(windows, w)
			}
			if len(ex.Spans) > ck.Metadata.MaxEntities || len(ex.WordIDs) > ck.Metadata.MaxSeqLength {
				t.Errorf("text %d example %d: %d spans, %d pieces; want at most %d, %d", i, k,
					len(ex.Spans), len(ex.WordIDs), ck.Metadata.MaxEntities, ck.Metadata.MaxSeqLength)
			}
			for _, s := range ex.Spans {
				spans = append(spans, [2]int{w[0] + s.Start, w[0] + s.End})
			}
		}
		if diff := cmp.Diff(text.Windows, windows); diff != "" {
			t.Errorf("text %d windows mismatch (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(text.Spans, spans); diff != "" {
			t.Errorf("text %d spans mismatch (-want +got):\n%s", i, diff)
		}
	}
	// The first example of the first text is the reference's recorded forward pass.
	exs, err := Examples(ref.Texts[0].Pieces, ck.Metadata, fixtureSpecial)
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int
	for _, e := range exs[0].Entities {
		got = append(got, [2]int{e.Start, e.End})
	}
	if diff := cmp.Diff(ref.NERForward.EntitySpans, got); diff != "" {
		t.Errorf("entity positions mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ref.NERForward.WordIDs, exs[0].WordIDs); diff != "" {
		t.Errorf("word ids mismatch (-want +got):\n%s", diff)
	}
}

func softmax32(logits []float32) []float32 {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, float64(v))
	}
	var sum float64
	out := make([]float32, len(logits))
	for _, v := range logits {
		sum += math.Exp(float64(v) - m)
	}
	for i, v := range logits {
		out[i] = float32(math.Exp(float64(v)-m) / sum)
	}
	return out
}

// TestDecodeReference decodes the reference's span logits window by window
// and expects the reference's tags.
func TestDecodeReference(t *testing.T) {
	ref := readReference(t)
	for i, text := range ref.Texts {
		var tags []string
		for _, w := range text.Windows {
			var spans []Span
			var probs [][]float32
			for k, s := range text.Spans {
				if s[0] >= w[0] && s[1] <= w[1] {
					spans = append(spans, Span{s[0] - w[0], s[1] - w[0]})
					probs = append(probs, softmax32(text.Logits[k]))
				}
			}
			tags = append(tags, Decode(w[1]-w[0], spans, probs, Labels)...)
		}
		if diff := cmp.Diff(text.Tags, tags); diff != "" {
			t.Errorf("text %d tags mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestDecode(t *testing.T) {
	p := func(c int, v float32) []float32 { // probability v on class c, the rest spread
		out := []float32{0.1, 0.1, 0.1, 0.1, 0.1}
		out[c] = v
		return out
	}
	tests := []struct {
		name  string
		n     int
		spans []Span
		probs [][]float32
		want  []string
	}{
		{"overlap loses", 3, []Span{{0, 2}, {1, 3}}, [][]float32{p(2, 0.9), p(1, 0.8)},
			[]string{"B-PER", "I-PER", "O"}},
		{"nested loses", 3, []Span{{0, 3}, {1, 2}}, [][]float32{p(3, 0.7), p(1, 0.6)},
			[]string{"B-ORG", "I-ORG", "I-ORG"}},
		{"O never tags", 2, []Span{{0, 1}, {1, 2}}, [][]float32{p(0, 0.9), p(4, 0.3)},
			[]string{"O", "B-MISC"}},
		// Equal probabilities: the larger start wins (reversed tuple sort).
		{"tie start", 3, []Span{{0, 2}, {1, 3}}, [][]float32{p(2, 0.5), p(1, 0.5)},
			[]string{"O", "B-LOC", "I-LOC"}},
		// Equal probabilities and start: the larger end wins.
		{"tie end", 3, []Span{{0, 1}, {0, 2}}, [][]float32{p(2, 0.5), p(1, 0.5)},
			[]string{"B-LOC", "I-LOC", "O"}},
		// The first maximum is the class (numpy argmax), here LOC over PER.
		{"argmax tie", 1, []Span{{0, 1}}, [][]float32{{0.1, 0.4, 0.4, 0.05, 0.05}}, []string{"B-LOC"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Decode(tc.n, tc.spans, tc.probs, Labels)); diff != "" {
				t.Errorf("tags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBatchEnds(t *testing.T) {
	tests := []struct {
		name                 string
		rows                 []int
		maxExamples, maxRows int
		want                 []int
	}{
		{"none", nil, 8, 100, nil},
		{"examples bound", []int{10, 10, 10, 10, 10}, 2, 1000, []int{2, 4, 5}},
		{"rows bound", []int{10, 10, 10, 10, 10}, 8, 30, []int{3, 5}},
		// 3 examples of the largest, 20 rows, are 60 > 50.
		{"padded to the largest", []int{10, 20, 10, 10}, 8, 50, []int{2, 4}},
		{"largest first", []int{20, 10, 10, 10}, 8, 50, []int{2, 4}},
		{"exactly the budget", []int{25, 25, 25}, 8, 50, []int{2, 3}},
		{"an example over the budget alone", []int{10, 70, 10, 10}, 8, 50, []int{1, 2, 4}},
		{"every example over the budget", []int{60, 70}, 8, 50, []int{1, 2}},
		{"one example per pass", []int{1, 1, 1}, 1, 50, []int{1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := batchEnds(tc.rows, tc.maxExamples, tc.maxRows)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("batchEnds(%v, %d, %d) (-want +got):\n%s", tc.rows, tc.maxExamples, tc.maxRows, diff)
			}
		})
	}
}
