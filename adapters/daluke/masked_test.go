package daluke

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/luke"
)

func TestParseEntitySpans(t *testing.T) {
	tests := []struct {
		in      string
		want    []luke.Span
		wantErr string
	}{
		{"", nil, ""},
		{"1", []luke.Span{{Start: 0, End: 1}}, ""},
		// spec §5.4: 1-based, inclusive ends, ";" between spans.
		{"1;5,6", []luke.Span{{Start: 0, End: 1}, {Start: 4, End: 6}}, ""},
		{" 2 , 3 ", []luke.Span{{Start: 1, End: 3}}, ""},
		{"0", nil, "1 <= s <= e <= 7"},
		{"3,2", nil, "1 <= s <= e"},
		{"8", nil, "<= 7"},
		{"a,b", nil, "want s or s,e"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseEntitySpans(tc.in, 7)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("spans mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTopK(t *testing.T) {
	names := []string{"a", "b", "c", "d"}
	got := topK([]float32{1, 3, 3, 0}, 3, func(id int64) string { return names[id] })
	// softmax of (1, 3, 3, 0); ties keep the lower id first.
	z := 2*expf(3) + expf(1) + expf(0)
	want := []Prediction{{"b", expf(3) / z}, {"c", expf(3) / z}, {"a", expf(1) / z}}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(x, y float64) bool { return x-y < 1e-12 && y-x < 1e-12 })); diff != "" {
		t.Errorf("top mismatch (-want +got):\n%s", diff)
	}
}

func expf(x float64) float64 { return math.Exp(x) }
