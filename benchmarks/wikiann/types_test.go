package wikiann

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/readertest"
)

// TestOpenMISC checks that WikiANN, which annotates no MISC, refuses a
// B-MISC tag at its line (issue 10, row 4).
func TestOpenMISC(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "test")
	if err := os.WriteFile(path, []byte("da:Hans\tB-PER\n\nda:Dansk\tO\nda:Folkeparti\tO\nda:EU\tB-MISC\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Dataset.Open(t.Context(), dir, "test", benchmarks.LoadOptions{})
	readertest.ParseError(t, err, benchmarks.ErrType, path+`:5: unknown entity type "MISC" in tag B-MISC: dataset wikiann declares LOC, ORG, PER`)
	c, err := Dataset.Open(t.Context(), dir, "test", benchmarks.LoadOptions{AllowUnknownTypes: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Stats().Entities["MISC"]; got != 1 {
		t.Errorf("got %d MISC entities with the opt-out, want 1", got)
	}
}
