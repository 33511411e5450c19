package ort

import (
	"strings"
	"syscall"
	"testing"
)

// BenchmarkLongWord tokenises one pathological word, 1 MiB of letters, as
// the engine does for each word of a sentence, and reports the bytes
// allocated per word and the process's peak RSS (ru_maxrss) in MiB. Run it
// alone, since the peak is the whole process's:
//
//	go test -run '^$' -bench BenchmarkLongWord -benchmem ./adapters/internal/ort
func BenchmarkLongWord(b *testing.B) {
	wt, err := loadTokenizer("testdata/oracle-wordpiece", false)
	if err != nil {
		b.Fatal(err)
	}
	word := strings.Repeat("abcdefghij", 1<<20/10)
	b.ReportAllocs()
	b.SetBytes(int64(len(word)))
	for b.Loop() {
		clear(wt.cache)
		if _, err := wt.word(word); err != nil {
			b.Fatal(err)
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
