package flair

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nerbench/nerbench/benchmarks/dane"
)

// BenchmarkTagFixture tags DaNE test (embedded) with the tiny random
// fixture: the cost of everything but the matrix work.
func BenchmarkTagFixture(b *testing.B) {
	benchTag(b, filepath.Join("testdata", "random.legacy.pt"))
}

// BenchmarkTagRealSize tags DaNE test with a random tagger at the released
// model's expected size (E_w 300, two char LMs with Hc 1032 and Ec 100,
// BiLSTM 256), written at bench time by
//
//	/usr/bin/python3 testdata/generate.py bench $NERBENCH_FLAIR_BENCH ddt.test.conllu
//
// It reports sentences/s; it is skipped when NERBENCH_FLAIR_BENCH is unset.
func BenchmarkTagRealSize(b *testing.B) {
	path := os.Getenv("NERBENCH_FLAIR_BENCH")
	if path == "" {
		b.Skip("NERBENCH_FLAIR_BENCH is unset (see the benchmark's doc)")
	}
	benchTag(b, path)
}

func benchTag(b *testing.B, path string) {
	corpus, err := dane.LoadEmbedded(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var sents [][]string
	for _, s := range corpus.Sentences {
		sents = append(sents, s.Words)
	}
	start := time.Now()
	m, err := LoadFile(b.Context(), path, Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "load-s")
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Tag(b.Context(), sents); err != nil {
			b.Fatal(err)
		}
	}
	// On a shared machine wall time overstates the cost; CPU time (all
	// threads) is reported beside it.
	cpu := cpuSeconds() - cpu0
	b.ReportMetric(float64(len(sents)*b.N)/b.Elapsed().Seconds(), "sentences/s")
	b.ReportMetric(float64(len(sents)*b.N)/cpu, "sentences/cpu-s")
}

// cpuSeconds returns the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
