package seqeval

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func FuzzDefaultEntities(f *testing.F) {
	for _, tc := range edgeCases {
		for _, s := range tc.gold {
			f.Add(strings.Join(s, " "))
		}
	}
	f.Add("B-PER O x B-LOC . I- é-X PER-B -")
	f.Fuzz(func(t *testing.T, s string) {
		tags := strings.Fields(s)
		for _, suffix := range []bool{false, true} {
			checkEntities(t, tags, appendDefault(nil, tags, suffix))
		}
		r, err := Score([][]string{tags}, [][]string{tags}, Options{})
		if err != nil {
			t.Fatalf("Score: %v", err)
		}
		if r.Micro.TP != r.Micro.Gold || r.Micro.Gold != r.Micro.Predicted {
			t.Fatalf("%q against itself: got %+v", tags, r.Micro)
		}
	})
}

func FuzzStrictEntities(f *testing.F) {
	for _, tc := range edgeCases {
		for _, s := range tc.pred {
			f.Add(strings.Join(s, " "), uint8(IOB2))
		}
	}
	f.Add("B-PER L-PER U-X O I", uint8(BILOU))
	f.Add("S-PER E-PER B- I-", uint8(IOBES))
	f.Fuzz(func(t *testing.T, s string, sc uint8) {
		scheme := Scheme(1 + int(sc)%6)
		tags := strings.Fields(s)
		for _, suffix := range []bool{false, true} {
			es, err := StrictEntities(tags, scheme, suffix)
			if err != nil {
				continue
			}
			checkEntities(t, tags, es)
			for i := 1; i < len(es); i++ {
				if es[i].Start < es[i-1].End {
					t.Fatalf("%q %v: overlapping entities %v", tags, scheme, es)
				}
			}
		}
	})
}

// FuzzConllevalAgreement turns bytes into B/I/O or E/I/O corpora and
// requires Default mode to count as the conlleval.pl reference.
func FuzzConllevalAgreement(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x0f\x10\x21\x32"), false)
	f.Add([]byte("\x05\x06\x07\x4f\x11\x12\x13"), true)
	f.Fuzz(func(t *testing.T, data []byte, eio bool) {
		prefixes := []string{"B", "I", "O", "O"}
		if eio {
			prefixes[0] = "E"
		}
		types := []string{"PER", "LOC", "", "ORG-X"}
		tag := func(b byte) string {
			p := prefixes[b&3]
			if p == "O" {
				return p
			}
			if typ := types[(b>>2)&3]; typ != "" {
				return p + "-" + typ
			}
			return p
		}
		var gold, pred [][]string
		var g, p []string
		for i := 0; i+1 < len(data); i += 2 {
			if data[i]&0xf0 == 0xf0 { // sentence boundary
				gold, pred = append(gold, g), append(pred, p)
				g, p = nil, nil
				continue
			}
			g, p = append(g, tag(data[i])), append(p, tag(data[i+1]))
		}
		gold, pred = append(gold, g), append(pred, p)
		d, err := diffConlleval(gold, pred)
		if err != nil {
			t.Fatal(err)
		}
		if d != "" {
			t.Fatalf("gold %q pred %q: %s", gold, pred, d)
		}
	})
}

// TestChunkerAllocs checks that the chunkers do not allocate per word once
// their buffers have grown.
func TestChunkerAllocs(t *testing.T) {
	tags := sent("B-PER I-PER O B-LOC I-LOC I-LOC O O B-ORG O I-MISC B-MISC")
	dst := make([]Entity, 0, 16)
	if n := testing.AllocsPerRun(100, func() { dst = appendDefault(dst[:0], tags, false) }); n != 0 {
		t.Errorf("appendDefault: got %v allocations, want 0", n)
	}
	var c strictChunker
	run := func() {
		var err error
		if dst, err = c.appendEntities(dst[:0], tags, IOB2, false, "gold", 0); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("strict appendEntities: got %v allocations, want 0", n)
	}
}

// benchCorpus returns a fixed random corpus of about n tokens in IOB2 with
// 85 % O tags and sentences of 5 to 40 words, and predictions that differ
// in one tag of ten.
func benchCorpus(n int) ([][]string, [][]string) {
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{"PER", "LOC", "ORG", "MISC"}
	var gold, pred [][]string
	for total := 0; total < n; {
		l := min(5+rng.IntN(36), n-total)
		g, p := make([]string, l), make([]string, l)
		for j := range l {
			switch r := rng.IntN(100); {
			case r < 85:
				g[j] = "O"
			case r < 93:
				g[j] = "B-" + types[rng.IntN(4)]
			default:
				g[j] = "I-" + types[rng.IntN(4)]
			}
			p[j] = g[j]
			if rng.IntN(10) == 0 {
				p[j] = []string{"O", "B-PER", "I-PER", "B-LOC", "I-ORG"}[rng.IntN(5)]
			}
		}
		gold, pred = append(gold, g), append(pred, p)
		total += l
	}
	return gold, pred
}

// interned returns a copy of the corpus in which equal tags share one
// string, as nerbench score's reader gives them.
func interned(corpora ...[][]string) [][][]string {
	seen := map[string]string{}
	out := make([][][]string, len(corpora))
	for k, c := range corpora {
		out[k] = make([][]string, len(c))
		for i, s := range c {
			out[k][i] = make([]string, len(s))
			for j, t := range s {
				if v, ok := seen[t]; ok {
					t = v
				} else {
					seen[t] = t
				}
				out[k][i][j] = t
			}
		}
	}
	return out
}

// BenchmarkScore1M scores one million tokens per iteration. Its corpus
// holds each tag other than O as a string of its own, as a reader that
// does not intern tags gives them; default-interned scores the same tags
// interned. Besides
// tokens/s (wall time) it reports cpu-tokens/s, over the process's CPU
// time, which a shared machine disturbs less (0 where it is not measured),
// and allocs/token.
func BenchmarkScore1M(b *testing.B) {
	const n = 1_000_000
	gold, pred := benchCorpus(n)
	for _, bc := range []struct {
		name string
		opts Options
	}{{"default", Options{}}, {"default-interned", Options{}}, {"default-details", Options{Details: true}},
		{"default-general", Options{}}, {"strict-IOB2", Options{Mode: Strict, Scheme: IOB2}}} {
		b.Run(bc.name, func(b *testing.B) {
			gold, pred := gold, pred
			if bc.name == "default-interned" {
				// Made here, so that the other sub-benchmarks' collector
				// does not scan a second corpus.
				in := interned(gold, pred)
				gold, pred = in[0], in[1]
			}
			generalOnly = bc.name == "default-general" // the path without interning, for comparison
			defer func() { generalOnly = false }()
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := Score(gold, pred, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			if cpu > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "cpu-tokens/s")
			}
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(n)/float64(b.N), "allocs/token")
		})
	}
}

// tagLines reads s as lines of "gold pred" tags, an empty line (or one of
// fewer than two fields) being a sentence boundary.
func tagLines(s string) (gold, pred [][]string) {
	var g, p []string
	for _, line := range strings.Split(s, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			gold, pred = append(gold, g), append(pred, p)
			g, p = nil, nil
			continue
		}
		g, p = append(g, fields[0]), append(p, fields[1])
	}
	return append(gold, g), append(pred, p)
}

// FuzzConlleval reads the input as lines of "gold pred" tags (an empty
// line is a boundary) and requires Conlleval, plain and with -r, to count
// as the literal conlleval.pl reference, whatever the tags.
func FuzzConlleval(f *testing.F) {
	f.Add("B-PER B-PER\nI-PER O\n\n. ]\n[ x\nS-LOC E-LOC\nPER PER", false)
	f.Add("b-_ B-0\nI I-\n-X- O", true)
	f.Fuzz(func(t *testing.T, s string, raw bool) {
		gold, pred := tagLines(s)
		c := Conlleval{Raw: raw}
		rg, rp := make([][]string, len(gold)), make([][]string, len(gold))
		for i := range gold {
			if i > 0 {
				c.Boundary()
			}
			for j := range gold[i] {
				if err := c.Token(gold[i][j], pred[i][j]); err != nil {
					t.Fatal(err)
				}
				gt, pt := gold[i][j], pred[i][j]
				if raw {
					gt, pt = refRaw(gt, "O"), refRaw(pt, "O")
				}
				rg[i], rp[i] = append(rg[i], gt), append(rp[i], pt)
			}
		}
		got, ref := c.Counts(), refConlleval(rg, rp)
		if got.Gold != ref.gold || got.Found != ref.found || got.Correct != ref.correct || got.Tokens != ref.tokens || got.CorrectTags != ref.correctTags {
			t.Fatalf("%q raw=%v: got %+v, want %+v", s, raw, got, ref)
		}
		for _, x := range got.PerType {
			if ref.perType[x.Name] != [3]int{x.Gold, x.Found, x.Correct} {
				t.Fatalf("%q raw=%v: type %q: got %+v, want %v", s, raw, x.Name, x, ref.perType[x.Name])
			}
		}
	})
}

// FuzzFastPath reads the input as lines of "gold pred" tags (an empty line
// is a boundary) and requires the fast path of Score to give the general
// path's result, or its error, with and without Details and with the tags
// as separate strings or interned.
func FuzzFastPath(f *testing.F) {
	f.Add("B-PER B-PER\nI-PER O\n\nb-loc I-LOC\n. x\nS-LOC E-LOC\nPER PER")
	f.Add("B- B\nI I-_\nO o\nB-ORG-X B-ORG-X")
	f.Fuzz(func(t *testing.T, s string) {
		gold, pred := tagLines(s)
		in := interned(gold, pred)
		for _, o := range []Options{{}, {Details: true}, {KeepCase: true}} {
			want, werr := scoreGeneral(gold, pred, o)
			for _, c := range [][2][][]string{{gold, pred}, {in[0], in[1]}} {
				got, err := Score(c[0], c[1], o)
				if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
					t.Fatalf("%+v: error %v, general path %v", o, err, werr)
				}
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(Result{}), cmpopts.EquateNaNs()); diff != "" {
					t.Fatalf("%+v: fast path differs (-general +fast):\n%s", o, diff)
				}
			}
		}
	})
}
