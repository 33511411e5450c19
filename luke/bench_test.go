//go:build torch

package luke

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkNER measures span NER with a base-size model (BERT-base sizes,
// random weights) on a synthetic corpus of DaNE-like sentences, both written
// by `/usr/bin/python3 luke/testdata/reference.py bench DIR`, which also times
// the PyTorch reference on the same corpus. Set NERBENCH_DALUKE_BENCH=DIR;
// `make torch-bench` does both. It reports sentences/s, spans/s and the
// speed relative to the reference in wall-clock time (x-reference) and in CPU
// time (x-reference-cpu, steadier on a shared machine). It runs twice, with
// the packed pass's linear layers on oneDNN (sub-benchmark onednn, what
// NewModel picks where libtorch has it) and on libtorch's linear, OpenBLAS
// (openblas), so that both are measured in the same run.
func BenchmarkNER(b *testing.B) {
	dir := os.Getenv("NERBENCH_DALUKE_BENCH")
	if dir == "" {
		b.Skip("NERBENCH_DALUKE_BENCH is not set: run `make torch-bench`")
	}
	ck, err := ReadArchive(filepath.Join(dir, "daluke-ner.tar.gz"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewModel(ck, testDevice())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	var corpus struct {
		Pieces [][][]int64 `json:"pieces"`
	}
	var ref struct {
		SentencesPerS    float64 `json:"sentences_per_s"`
		SentencesPerCPUS float64 `json:"sentences_per_cpu_s"`
		BatchSize        int     `json:"batch_size"`
	}
	for file, v := range map[string]any{"bench-corpus.json": &corpus, "bench-reference.json": &ref} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			b.Fatalf("%s: %v", file, err)
		}
	}
	special := SpecialIDs{CLS: 2, SEP: 3}
	opts := NEROptions{BatchSize: ref.BatchSize}
	for _, path := range linearPathList {
		b.Run(path.name, func(b *testing.B) {
			if path.oneDNN {
				if err := useOneDNN(m.device); err != nil {
					b.Skip(err)
				}
			}
			m.oneDNN = path.oneDNN
			benchNER(b, m, corpus.Pieces, special, opts, ref.SentencesPerS, ref.SentencesPerCPUS)
		})
	}
	// NERBENCH_BENCH_MAXROWS, a comma-separated list of NEROptions.MaxRows
	// values, adds a sub-benchmark on oneDNN for each (rows=N), with
	// NERBENCH_BENCH_BATCH examples per pass at most (default: the
	// reference's), to measure the speed that the bound on a pass costs.
	if list := os.Getenv("NERBENCH_BENCH_MAXROWS"); list != "" && useOneDNN(m.device) == nil {
		rowsOpts := opts
		if v := os.Getenv("NERBENCH_BENCH_BATCH"); v != "" {
			if rowsOpts.BatchSize, err = strconv.Atoi(v); err != nil {
				b.Fatalf("NERBENCH_BENCH_BATCH: %v", err)
			}
		}
		for _, v := range strings.Split(list, ",") {
			if rowsOpts.MaxRows, err = strconv.Atoi(v); err != nil {
				b.Fatalf("NERBENCH_BENCH_MAXROWS: %v", err)
			}
			o := rowsOpts
			b.Run("rows="+v, func(b *testing.B) {
				m.oneDNN = true
				benchNER(b, m, corpus.Pieces, special, o, ref.SentencesPerS, ref.SentencesPerCPUS)
			})
		}
	}
}

// benchNER tags pieces with m and reports the speed, relative to the
// reference's sentences per second (wall and CPU) where they are positive.
func benchNER(b *testing.B, m *Model, pieces [][][]int64, special SpecialIDs, opts NEROptions, refWall, refCPU float64) {
	if _, err := m.NER(b.Context(), pieces[:min(8, len(pieces))], special, opts); err != nil { // warm-up, as the reference
		b.Fatal(err)
	}
	spans := 0
	cpu0 := cpuSeconds(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := m.NER(b.Context(), pieces, special, opts)
		if err != nil {
			b.Fatal(err)
		}
		spans = 0
		for _, r := range res {
			spans += len(r.Spans)
		}
	}
	b.StopTimer()
	n := float64(len(pieces))
	secs := b.Elapsed().Seconds() / float64(b.N)
	cpu := (cpuSeconds(b) - cpu0) / float64(b.N)
	b.ReportMetric(n/secs, "sentences/s")
	b.ReportMetric(float64(spans)/secs, "spans/s")
	b.ReportMetric(n/cpu, "sentences/cpu-s")
	if refWall > 0 {
		b.ReportMetric(n/secs/refWall, "x-reference")
	}
	if refCPU > 0 {
		b.ReportMetric(n/cpu/refCPU, "x-reference-cpu")
	}
}

// cpuSeconds returns the user and system CPU time of the process so far.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
