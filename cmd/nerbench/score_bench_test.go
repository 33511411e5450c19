package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchScoreFile writes a seeded file of about n tokens in conlleval's
// format (random IOB2 gold tags, 5 % of the predictions replaced by a
// random tag), as tools/benchcompare does.
func benchScoreFile(b *testing.B, n int) string {
	b.Helper()
	rng := rand.New(rand.NewPCG(15, 1))
	types := []string{"PER", "LOC", "ORG", "MISC"}
	var buf bytes.Buffer
	for t := 0; t < n; {
		l := min(5+rng.IntN(36), n-t)
		prev := "O"
		for range l {
			g := "O"
			switch r := rng.IntN(100); {
			case r < 83:
			case r < 92 || prev == "O":
				g = "B-" + types[rng.IntN(4)]
			default:
				g = "I-" + prev[2:]
			}
			prev = g
			p := g
			if rng.IntN(20) == 0 {
				p = []string{"O", "B-PER", "I-LOC", "B-ORG", "I-MISC"}[rng.IntN(5)]
			}
			fmt.Fprintf(&buf, "w%d %s %s\n", rng.IntN(1000), g, p)
		}
		t += l
		buf.WriteByte('\n')
	}
	path := filepath.Join(b.TempDir(), "corpus.txt")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkScoreFile1M runs `nerbench score FILE` in the process (reading
// and scoring a 1M-token file) for each output.
func BenchmarkScoreFile1M(b *testing.B) {
	const n = 1_000_000
	path := benchScoreFile(b, n)
	for _, output := range []string{"conlleval", "seqeval", "json"} {
		b.Run(output, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o := &scoreOptions{out: &streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
					file: path, output: output, digits: 2, delimiter: " ", outside: "O"}
				if err := runScore(b.Context(), o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
