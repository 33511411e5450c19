package confidence

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// The benchmarks resample 565 sentences (the size of the DaNE and Plank
// test sets) 1000 times, the default, with fixed data and seed.

func BenchmarkBootstrap(b *testing.B) {
	s := simulate(rand.New(rand.NewPCG(1, 2)), 565)
	for _, w := range []int{1, 2, 4} {
		b.Run("workers="+strconv.Itoa(w), func(b *testing.B) {
			cfg := Config{Resamples: 1000, Seed: 1, Workers: w}
			for b.Loop() {
				if _, err := Bootstrap(b.Context(), s, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/resample")
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	x, y := simulate(r, 565), simulate(r, 565)
	for _, w := range []int{1, 2, 4} {
		b.Run("workers="+strconv.Itoa(w), func(b *testing.B) {
			cfg := Config{Resamples: 1000, Seed: 1, Workers: w}
			for b.Loop() {
				if _, err := Compare(b.Context(), x, y, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWilson(b *testing.B) {
	for b.Loop() {
		Wilson(453, 535, 0.95)
	}
}
