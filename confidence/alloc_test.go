package confidence

import (
	"runtime"
	"testing"
)

// TestBootstrapAllocations checks that the bootstrap holds no copy of its
// input: what it allocates (TotalAlloc, a deterministic count) depends on
// the number of resamples, not on the number of sentences, so 100 times
// more sentences allocate no more.
func TestBootstrapAllocations(t *testing.T) {
	cfg := Config{Resamples: 50, Workers: 1}
	alloc := func(n int) uint64 {
		sents := make([]Counts, n)
		for i := range sents {
			sents[i] = Counts{TP: i % 2, Pred: 1 + i%3, Gold: 1}
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Bootstrap(t.Context(), sents, cfg)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	// The least of three runs each: a single run can catch the runtime's
	// own allocations (a few KiB, seen in CI) in the middle of it.
	least := func(n int) uint64 {
		m := alloc(n)
		for range 2 {
			m = min(m, alloc(n))
		}
		return m
	}
	small, large := least(1000), least(100_000)
	// 64 KiB of slack for the runtime's own bookkeeping; a copy of the
	// 100k sentences' counts would be 2.4 MB.
	if large > small+64<<10 {
		t.Errorf("bootstrap of 100k sentences allocated %d bytes, of 1k sentences %d: want no growth with the sentences", large, small)
	}
}
