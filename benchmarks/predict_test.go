package benchmarks

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// taggerFunc adapts a function to Tagger.
type taggerFunc func(ctx context.Context, s [][]string) ([][]string, error)

func (f taggerFunc) Tag(ctx context.Context, s [][]string) ([][]string, error) { return f(ctx, s) }

// allO tags every word O and records the batch sizes it saw.
func allO(sizes *[]int) Tagger {
	return taggerFunc(func(_ context.Context, s [][]string) ([][]string, error) {
		*sizes = append(*sizes, len(s))
		out := make([][]string, len(s))
		for i, w := range s {
			out[i] = make([]string, len(w))
			for j := range w {
				out[i][j] = "O"
			}
		}
		return out, nil
	})
}

func sents(n int) []Sentence {
	out := make([]Sentence, n)
	for i := range out {
		out[i] = Sentence{ID: "s" + strings.Repeat("x", i), Words: make([]string, i%4+1)}
	}
	return out
}

func TestPredictBatches(t *testing.T) {
	var sizes []int
	var progress []int
	got, err := Predict(t.Context(), allO(&sizes), sents(7), 3, func(d int) { progress = append(progress, d) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 {
		t.Fatalf("got %d sentences, want 7", len(got))
	}
	if diff := cmp.Diff([]int{3, 3, 1}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 6, 7}, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestPredictRejectsBadOutput(t *testing.T) {
	tests := []struct {
		name string
		f    func(s [][]string) [][]string
		want string
	}{
		{"missing sentence", func(s [][]string) [][]string { return make([][]string, len(s)-1) }, "for a batch of 2"},
		{"short sentence", func(s [][]string) [][]string {
			out := make([][]string, len(s))
			for i, w := range s {
				out[i] = make([]string, len(w))
			}
			out[1] = out[1][:0]
			return out
		}, "returned 0 tags for 2 words"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := taggerFunc(func(_ context.Context, s [][]string) ([][]string, error) { return tc.f(s), nil })
			_, err := Predict(t.Context(), tg, sents(2), 0, nil)
			if !errors.Is(err, ErrPrediction) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrPrediction containing %q", err, tc.want)
			}
		})
	}
}

func TestPredictCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var sizes []int
	if _, err := Predict(ctx, allO(&sizes), sents(3), 1, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
