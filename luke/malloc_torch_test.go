//go:build torch

package luke

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// TestScopeFreeBut checks that freeBut frees every tensor of the scope but
// the one it returns. Each tensor is 64 MiB, an mmap of its own that glibc
// returns at once.
func TestScopeFreeBut(t *testing.T) {
	const n = 16 << 20 // float32s
	before := mallocInUse()
	s := &scope{}
	var kept *ts.Tensor
	for i := range 3 {
		x := s.keep(ts.MustZeros([]int64{n}, gotch.Float, gotch.CPU))
		if i == 1 {
			kept = x
		}
	}
	got := s.freeBut(kept)
	if got != kept {
		t.Fatal("freeBut returned another tensor than the one kept")
	}
	if len(s.list) != 0 {
		t.Errorf("scope still lists %d tensors", len(s.list))
	}
	if held := mallocInUse() - before; held < 4*n || held > 5*n {
		t.Errorf("%d bytes held after freeBut, want the kept tensor's %d", held, 4*n)
	}
	kept.MustDrop()
	if held := mallocInUse() - before; held > n {
		t.Errorf("%d bytes held after dropping the kept tensor, want under %d", held, n)
	}
}

// modeContext records the malloc thresholds in force whenever the model
// checks for cancellation.
type modeContext struct {
	context.Context
	seen *[]mallocMode
}

func (c modeContext) Err() error {
	*c.seen = append(*c.seen, currentMalloc())
	return c.Context.Err()
}

// TestNERMallocMode checks that NER runs under the inference thresholds and
// gives back the ones it found.
func TestNERMallocMode(t *testing.T) {
	ref := readReference(t)
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	outer := mallocMode{mmap: 8 << 20, trim: 256 << 20}
	defer setMalloc(setMalloc(outer))
	var seen []mallocMode
	ctx := modeContext{t.Context(), &seen}
	if _, err := m.NER(ctx, [][][]int64{ref.Texts[0].Pieces}, fixtureSpecial, NEROptions{}); err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("NER never checked its context")
	}
	for i, got := range seen {
		if got != inferenceMalloc {
			t.Errorf("check %d: thresholds %+v during NER, want %+v", i, got, inferenceMalloc)
		}
	}
	if diff := cmp.Diff(outer, currentMalloc(), cmp.AllowUnexported(mallocMode{})); diff != "" {
		t.Errorf("thresholds after NER (-want +got):\n%s", diff)
	}
}

// peakTransient runs f and returns the most bytes that glibc had handed out
// at the end of any step of the packed pass, less those in use before f.
func peakTransient(t *testing.T, f func()) int64 {
	t.Helper()
	before := mallocInUse()
	peak := before
	stepHook = func() { peak = max(peak, mallocInUse()) }
	defer func() { stepHook = nil }()
	f()
	return peak - before
}

// TestNERMaxRows checks that NEROptions.MaxRows bounds the memory of the
// forward passes and changes the results by float rounding only.
func TestNERMaxRows(t *testing.T) {
	ref := readReference(t)
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	// oneDNN's primitive cache keeps memory per shape across passes, which
	// would blur what a pass holds.
	m.oneDNN = false
	var texts [][][]int64
	for range 3 {
		for _, tx := range ref.Texts {
			texts = append(texts, tx.Pieces)
		}
	}
	ner := func(opts NEROptions) ([]NERResult, int64) {
		var res []NERResult
		peak := peakTransient(t, func() {
			var err error
			if res, err = m.NER(t.Context(), texts, fixtureSpecial, opts); err != nil {
				t.Fatal(err)
			}
		})
		return res, peak
	}
	all, allPeak := ner(NEROptions{BatchSize: 1 << 20, MaxRows: 1 << 30})
	for _, maxRows := range []int{1, 200} {
		got, peak := ner(NEROptions{BatchSize: 1 << 20, MaxRows: maxRows})
		// Without the bound the passes are one: the same memory.
		if 4*peak > allPeak {
			t.Errorf("MaxRows %d: passes held %d bytes, want under a quarter of one pass's %d", maxRows, peak, allPeak)
		}
		worst := 0.0
		for i := range all {
			if diff := cmp.Diff(all[i].Tags, got[i].Tags); diff != "" {
				t.Errorf("MaxRows %d: text %d: tags differ from one pass (-one +got):\n%s", maxRows, i, diff)
			}
			for k := range all[i].Logits {
				for c, v := range all[i].Logits[k] {
					worst = max(worst, math.Abs(float64(v-got[i].Logits[k][c])))
				}
			}
		}
		if worst > 1e-5 {
			t.Errorf("MaxRows %d: logits differ from one pass by %g, want at most 1e-5", maxRows, worst)
		}
	}
}

// TestPackedPassMemory checks that a forward pass holds the tensors of one
// step at a time: at most the scores and probabilities of the attention
// ([heads·B, L, L] each), a few [N, H] and [B·L, H] tensors and one
// feed-forward activation [N, Intermediate] beside fixed overheads. Before
// each step freed its inputs, the pass held every intermediate of a layer
// and the embeddings' (about 25 [N, H] tensors), twice this bound here.
func TestPackedPassMemory(t *testing.T) {
	ref := readReference(t)
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	m.oneDNN = false // oneDNN's primitive cache keeps memory per shape
	var exs []Example
	for range 3 {
		for _, tx := range ref.Texts {
			e, err := Examples(tx.Pieces, m.meta, fixtureSpecial)
			if err != nil {
				t.Fatal(err)
			}
			exs = append(exs, e...)
		}
	}
	in, err := m.spanInputs(exs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.newPacking(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.SpanLogits(t.Context(), exs); err != nil { // warm-up
		t.Fatal(err)
	}
	peak := peakTransient(t, func() {
		if _, err := m.SpanLogits(t.Context(), exs); err != nil {
			t.Fatal(err)
		}
	})
	H, heads := int64(m.cfg.Hidden), int64(m.cfg.Heads)
	N, B, L := int64(p.Nw+p.Ne), int64(p.B), int64(p.L)
	const overhead = 256 << 10
	bound := 4*(2*heads*B*L*L+4*B*L*H+4*N*H+N*int64(m.cfg.Intermediate)) + overhead
	if peak > bound {
		t.Errorf("a pass of %d rows (%d examples, %d padded) held %d bytes, want at most %d", N, B, B*L, peak, bound)
	}
}

// TestOneArena checks that libtorch allocates from one malloc arena whatever
// the thread: tensors made on several new OS threads leave glibc with a
// single arena. With M_ARENA_MAX set from a Go init instead of at load
// time, the threads got arenas of their own (BENCHMARKS.md, Memory).
func TestOneArena(t *testing.T) {
	const threads = 4
	errs := make(chan error, threads)
	for range threads {
		go func() {
			// The goroutine's thread is not reused: it ends with the
			// goroutine, and each goroutine starts on a new one or an idle one.
			runtime.LockOSThread()
			x, err := ts.Zeros([]int64{1 << 18}, gotch.Float, gotch.CPU) // 1 MiB
			if err == nil {
				x.MustDrop()
			}
			errs <- err
		}()
	}
	for range threads {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	n, err := mallocArenas()
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("got %d malloc arenas, want 1", n)
	}
}

// TestNERResidentBound checks that NER gives the heap's free memory back
// after a pass once the resident memory has grown residentSlack over what
// it was at the start, never below that, and that the tags do not change.
func TestNERResidentBound(t *testing.T) {
	ref := readReference(t)
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	var texts [][][]int64
	for _, tx := range ref.Texts {
		texts = append(texts, tx.Pieces)
	}
	defer func(s int64) { residentSlack = s }(residentSlack)
	var trims int
	releaseHook = func() { trims++ }
	defer func() { releaseHook = nil }()
	var want []NERResult
	for _, tc := range []struct {
		slack    int64
		trimming bool
	}{
		{1 << 40, false}, // never reached
		{1, true},        // any growth: after every pass that grows
		{0, false},       // no bound
	} {
		residentSlack, trims = tc.slack, 0
		ReleaseMemory() // the first pass then grows the resident memory
		got, err := m.NER(t.Context(), texts, fixtureSpecial, NEROptions{MaxRows: 64})
		if err != nil {
			t.Fatal(err)
		}
		if tc.trimming && trims == 0 {
			t.Errorf("slack %d: NER never trimmed the heap", tc.slack)
		}
		if !tc.trimming && trims != 0 {
			t.Errorf("slack %d: NER trimmed the heap %d times, want never", tc.slack, trims)
		}
		if want == nil {
			want = got
			continue
		}
		for i := range want {
			if diff := cmp.Diff(want[i].Tags, got[i].Tags); diff != "" {
				t.Errorf("slack %d: text %d: tags differ (-untrimmed +got):\n%s", tc.slack, i, diff)
			}
		}
	}
}
