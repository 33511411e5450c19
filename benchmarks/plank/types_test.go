package plank

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/readertest"
)

// TestOpenUnknownType checks that a tag of a type Plank does not declare is
// a parse error at its line (issue 10, row 4), and that with the opt-out the
// tag is kept and the per-type counts add up to the total.
func TestOpenUnknownType(t *testing.T) {
	dir := t.TempDir()
	input := "Hans\tB-PER\nbor\tO\n\t\nFoo\tB-XYZ\nBar\tI-XYZ\n\t\nAarhus\tB-LOC\n"
	if err := os.WriteFile(filepath.Join(dir, Files["test"]), []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, Files["test"])
	_, err := Dataset.Open(t.Context(), dir, "test", benchmarks.LoadOptions{})
	readertest.ParseError(t, err, benchmarks.ErrType, path+`:4: unknown entity type "XYZ" in tag B-XYZ: dataset plank declares LOC, MISC, ORG, PER`)

	c, err := Dataset.Open(t.Context(), dir, "test", benchmarks.LoadOptions{AllowUnknownTypes: true})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if diff := cmp.Diff(map[string]int{"PER": 1, "XYZ": 1, "LOC": 1}, st.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	ds := Dataset.WithTypes(c)
	if diff := cmp.Diff([]string{"LOC", "MISC", "ORG", "PER", "XYZ"}, ds.Types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	sum := 0
	for _, typ := range ds.Types {
		sum += st.Entities[typ]
	}
	if sum != st.Total() {
		t.Errorf("got per-type counts summing to %d, want the total %d", sum, st.Total())
	}
	if diff := cmp.Diff([]string{"LOC", "MISC", "ORG", "PER"}, Dataset.Types); diff != "" {
		t.Errorf("WithTypes changed the dataset's own types (-want +got):\n%s", diff)
	}
}
