package flair

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// TestTensorFloat32s checks the elements float32s returns for row-major
// tensors, which share the storage's memory (no allocation), and for
// others, which are copied in row-major order.
func TestTensorFloat32s(t *testing.T) {
	s := &storage{Type: &storageType{Name: "FloatStorage", Size: 4, Float32: true}, Key: "0", Numel: 8, Read: true,
		F32: []float32{0, 1, 2, 3, 4, 5, 6, 7}}
	tests := []struct {
		name       string
		t          *tensor
		want       []float32
		wantAllocs float64
	}{
		{"matrix", &tensor{Storage: s, Shape: []int{2, 4}, Stride: []int{4, 1}}, []float32{0, 1, 2, 3, 4, 5, 6, 7}, 0},
		{"vector at an offset", &tensor{Storage: s, Offset: 5, Shape: []int{3}, Stride: []int{1}}, []float32{5, 6, 7}, 0},
		{"size-1 dimension, any stride", &tensor{Storage: s, Offset: 2, Shape: []int{1, 3}, Stride: []int{7, 1}}, []float32{2, 3, 4}, 0},
		{"transposed", &tensor{Storage: s, Shape: []int{4, 2}, Stride: []int{1, 4}}, []float32{0, 4, 1, 5, 2, 6, 3, 7}, 1},
		{"every other", &tensor{Storage: s, Offset: 1, Shape: []int{4}, Stride: []int{2}}, []float32{1, 3, 5, 7}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.t.float32s()
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("elements (-want +got):\n%s", d)
			}
			if cap(got) != len(got) {
				t.Errorf("cap %d, want %d: an append must not write into the storage", cap(got), len(got))
			}
			allocs := testing.AllocsPerRun(10, func() { _, _ = tc.t.float32s() })
			if allocs != tc.wantAllocs {
				t.Errorf("%v allocations, want %v", allocs, tc.wantAllocs)
			}
		})
	}
}

// TestLoadCollects checks that LoadFile collects the unpickled object graph
// before it returns (a forced collection, debug.FreeOSMemory), rather than
// leave it to the garbage collector's pacing, which let the heap of the
// real-size model grow to 1.1 GB while tagging.
func TestLoadCollects(t *testing.T) {
	forced := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := forced()
	if _, err := LoadFile(t.Context(), filepath.Join("testdata", "random.legacy.pt"), Config{}); err != nil {
		t.Fatal(err)
	}
	if got := forced() - before; got < 1 {
		t.Errorf("%d forced collections during LoadFile, want at least 1", got)
	}
}

// TestVectorsOffHeap checks that the word vectors live in a read-only
// mapping, outside the Go heap (always read-write), where the garbage
// collector's pacing does not double them (Linux only: it reads
// /proc/self/maps), and that Close frees them and makes Tag fail.
func TestVectorsOffHeap(t *testing.T) {
	m, err := LoadFile(t.Context(), filepath.Join("testdata", "random.legacy.pt"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	var vecs []float32
	for _, e := range m.net.embeds {
		if e.words != nil {
			vecs = e.words.vectors
		}
	}
	if len(vecs) == 0 {
		t.Fatal("the fixture has no word vectors")
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no memory map on this system: %v", err)
	}
	addr := uint64(uintptr(unsafe.Pointer(&vecs[0])))
	found := ""
	for line := range strings.Lines(string(maps)) {
		var lo, hi uint64
		var perms string
		if _, err := fmt.Sscanf(line, "%x-%x %s", &lo, &hi, &perms); err == nil && lo <= addr && addr+uint64(4*len(vecs)) <= hi {
			found = strings.TrimSpace(line)
			if perms != "r--p" {
				t.Errorf("the vectors at %#x lie in the mapping %s, want a read-only private one (r--p)", addr, found)
			}
		}
	}
	if found == "" {
		t.Errorf("no mapping holds the vectors at %#x", addr)
	}
	for range 2 {
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Tag(t.Context(), [][]string{{"Jens"}}); !errors.Is(err, ErrClosed) {
		t.Errorf("Tag after Close: got %v, want %v", err, ErrClosed)
	}
	if got := m.Raw([]string{"Jens"}); got != nil {
		t.Errorf("Raw after Close: got %v, want nil", got)
	}
}
