//go:build ort

package dacy

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nerbench/nerbench/benchmarks/dane"
)

// BenchmarkTagFixture tags DaNE test (embedded) with the tiny XLM-R
// package: mostly the cost of everything but the transformer.
func BenchmarkTagFixture(b *testing.B) {
	benchTag(b, filepath.Join("testdata", "tiny-xlmr"))
}

// BenchmarkTagRealSize tags DaNE test with a random package at DaCy
// medium's real size (BERT base, window 128, stride 96), written at bench
// time by
//
//	/usr/bin/python3 testdata/generate.py bench DIR ddt.train.conllu
//
// with NERBENCH_DACY_BENCH=DIR/dacy-medium; skipped when that is unset.
// DaCy large (XLM-R large, no ONNX export) is timed on libtorch by `make
// dacy-bench` (BENCHMARKS.md).
func BenchmarkTagRealSize(b *testing.B) {
	dir := os.Getenv("NERBENCH_DACY_BENCH")
	if dir == "" {
		b.Skip("NERBENCH_DACY_BENCH is unset (see the benchmark's doc)")
	}
	benchTag(b, dir)
}

func benchTag(b *testing.B, dir string) {
	corpus, err := dane.LoadEmbedded(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var sents [][]string
	for _, s := range corpus.Sentences {
		sents = append(sents, s.Words)
	}
	m, err := Load(b.Context(), dir, Config{Engine: EngineORT})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Tag(b.Context(), sents); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuSeconds() - cpu0
	b.ReportMetric(float64(len(sents)*b.N)/b.Elapsed().Seconds(), "sentences/s")
	b.ReportMetric(float64(len(sents)*b.N)/cpu, "sentences/cpu-s")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
