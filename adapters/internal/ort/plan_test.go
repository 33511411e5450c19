package ort

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPlan checks the window plan on random sentences: every window fits,
// starts at a word boundary, advances, shares at most stride subwords with
// the one before, and every word with subwords is labelled from a window
// that holds it.
func TestPlan(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, tc := range []struct{ window, stride int }{{14, 3}, {14, 0}, {14, 13}, {1, 0}, {5, 4}, {126, 31}} {
		m := &Model{window: tc.window, stride: tc.stride, tok: &wordTokenizer{prefix: []int64{2}, suffix: []int64{3}}}
		for range 200 {
			n := rng.IntN(300)
			s := &sentence{words: make([][]int64, n), best: make([]int32, n)}
			total := 0
			for j := range s.words {
				s.words[j] = make([]int64, rng.IntN(min(tc.window, 6)+1))
				s.best[j] = -1
				total += len(s.words[j])
			}
			if total == 0 {
				continue
			}
			m.plan(s)
			prevEnd := 0
			for k, w := range s.windows {
				used := 0
				for j := w.start; j < w.end; j++ {
					used += len(s.words[j])
				}
				if used > tc.window || w.length != used+2 {
					t.Fatalf("window %d: %d subwords, length %d; window holds %d", k, used, w.length, tc.window)
				}
				if k == 0 && w.start != 0 {
					t.Fatalf("first window starts at word %d", w.start)
				}
				if k > 0 {
					prev := s.windows[k-1]
					if w.start <= prev.start || w.start > prev.end {
						t.Fatalf("window %d starts at %d after [%d, %d)", k, w.start, prev.start, prev.end)
					}
					overlap := 0
					for j := w.start; j < prev.end; j++ {
						overlap += len(s.words[j])
					}
					if overlap > tc.stride {
						t.Fatalf("window %d overlaps %d subwords, stride %d", k, overlap, tc.stride)
					}
				}
				prevEnd = w.end
			}
			if prevEnd != n {
				t.Fatalf("windows end at word %d of %d", prevEnd, n)
			}
			for j, b := range s.best {
				if len(s.words[j]) == 0 {
					if b != -1 {
						t.Fatalf("word %d has no subwords but window %d", j, b)
					}
					continue
				}
				if b < 0 {
					t.Fatalf("word %d has no window", j)
				}
				if w := s.windows[b]; j < w.start || j >= w.end {
					t.Fatalf("word %d labelled from window [%d, %d)", j, w.start, w.end)
				}
			}
		}
	}
}

// TestPlanBestWindow checks by hand which window labels each word: eight
// one-subword words, windows of 4 subwords sharing 2. The windows are
// [0,4), [2,6) and [4,8); a word takes the window in which the nearer edge
// is farthest from it, the earlier one on a tie.
func TestPlanBestWindow(t *testing.T) {
	m := &Model{window: 4, stride: 2, tok: &wordTokenizer{prefix: []int64{2}, suffix: []int64{3}}}
	s := &sentence{words: make([][]int64, 8), best: make([]int32, 8)}
	for j := range s.words {
		s.words[j] = []int64{9}
		s.best[j] = -1
	}
	m.plan(s)
	var starts, ends []int
	for _, w := range s.windows {
		starts, ends = append(starts, w.start), append(ends, w.end)
	}
	if diff := cmp.Diff([]int{0, 2, 4}, starts); diff != "" {
		t.Errorf("window starts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{4, 6, 8}, ends); diff != "" {
		t.Errorf("window ends (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, 0, 0, 1, 1, 2, 2, 2}, s.best); diff != "" {
		t.Errorf("best windows (-want +got):\n%s", diff)
	}
}

// TestBatchEnd checks how infer cuts windows, sorted longest first, into
// batches: at most BatchSize windows and at most BatchTokens padded tokens,
// at least one window. With the default cap, windows of a base-size model's
// 512 positions go 4 to a batch; before the cap they went 32 to a batch,
// whose activations took more memory than the model's weights.
func TestBatchEnd(t *testing.T) {
	windows := func(lengths ...int) []*window {
		var ws []*window
		for i := 0; i < len(lengths); i += 2 {
			for range lengths[i+1] {
				ws = append(ws, &window{length: lengths[i]})
			}
		}
		return ws
	}
	tests := []struct {
		name          string
		batch, tokens int
		windows       []*window
		want          []int // batch sizes
	}{
		{"base size, default cap", DefaultBatchSize, DefaultBatchTokens, windows(512, 20, 100, 40), []int{4, 4, 4, 4, 4, 20, 20}},
		{"short windows fill the batch", DefaultBatchSize, DefaultBatchTokens, windows(64, 70), []int{32, 32, 6}},
		{"128-token windows", DefaultBatchSize, DefaultBatchTokens, windows(128, 40), []int{16, 16, 8}},
		{"mixed lengths", 32, 4096, windows(514, 20, 130, 40, 10, 100), []int{7, 7, 7, 31, 31, 32, 32, 13}},
		{"window longer than the cap", 32, 100, windows(300, 3, 50, 5), []int{1, 1, 1, 2, 2, 1}},
		{"batch size 1", 1, 4096, windows(16, 3), []int{1, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &Model{batch: tc.batch, batchTokens: tc.tokens}
			var got []int
			for lo := 0; lo < len(tc.windows); {
				hi := m.batchEnd(tc.windows, lo)
				if hi <= lo {
					t.Fatalf("batch [%d, %d) is empty", lo, hi)
				}
				got = append(got, hi-lo)
				lo = hi
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("batch sizes (-want +got):\n%s", diff)
			}
		})
	}
}
