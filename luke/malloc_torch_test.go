//go:build torch

package luke

import (
	"context"
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
