package confidence

import (
	"math"
	"slices"
	"testing"
)

func TestQuantile(t *testing.T) {
	// Reference: numpy.quantile(x, p) with the default method="linear"
	// (Hyndman and Fan type 7; R's quantile(x, p) gives the same),
	// values exact in binary or to 1e-12.
	tests := []struct {
		x    []float64
		p    float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, 0.25, 1.75},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		{[]float64{1, 2, 3, 4, 7, 10}, 0.5, 3.5},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.025, 1.225},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.975, 9.775},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 1},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 10},
		{[]float64{5}, 0.3, 5},
		{[]float64{0.2, 0.2, 0.9}, 0.75, 0.55},
	}
	for _, tc := range tests {
		if got := Quantile(tc.x, tc.p); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v, %v): got %v, want %v", tc.x, tc.p, got, tc.want)
		}
	}
}

func FuzzQuantile(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 0.5, 0.25)
	f.Add(-1.0, 0.0, 1e9, 0.0, 1.0)
	f.Fuzz(func(t *testing.T, a, b, c, p, q float64) {
		x := []float64{a, b, c}
		for _, v := range append(x, p, q) {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e300 {
				t.Skip()
			}
		}
		p, q = math.Abs(math.Mod(p, 1)), math.Abs(math.Mod(q, 1))
		if p > q {
			p, q = q, p
		}
		slices.Sort(x)
		qp, qq := Quantile(x, p), Quantile(x, q)
		if qp < x[0] || qq > x[2] {
			t.Errorf("quantiles %v, %v outside [%v, %v]", qp, qq, x[0], x[2])
		}
		if qp > qq {
			t.Errorf("Quantile(%v, %v) = %v > Quantile(%v, %v) = %v", x, p, qp, x, q, qq)
		}
	})
}

func FuzzWilson(f *testing.F) {
	f.Add(81, 263, 0.95)
	f.Add(0, 0, 0.5)
	f.Fuzz(func(t *testing.T, k, n int, level float64) {
		if n < 0 || n > 1e9 || k < 0 || k > n || !(level > 0.001 && level < 0.999) {
			t.Skip()
		}
		iv := Wilson(k, n, level)
		if !(iv.Lo >= 0 && iv.Lo <= iv.Hi && iv.Hi <= 1) {
			t.Errorf("Wilson(%d, %d, %v): got [%v, %v], want 0 <= lo <= hi <= 1", k, n, level, iv.Lo, iv.Hi)
		}
		if n > 0 && !iv.Contains(iv.Estimate) {
			t.Errorf("Wilson(%d, %d, %v): got %v, want the estimate inside", k, n, level, iv)
		}
	})
}
