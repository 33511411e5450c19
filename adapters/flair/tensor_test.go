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

// TestBatchEnd checks how Tag cuts sentences into batches: at most
// batchSize sentences and batchChars characters (a sentence of n words of
// c characters counts n·(c+1)+1), at least one sentence.
func TestBatchEnd(t *testing.T) {
	sentence := func(words, chars int) []string {
		s := make([]string, words)
		for i := range s {
			s[i] = strings.Repeat("æ", chars) // one character, two bytes
		}
		return s
	}
	repeat := func(n int, s []string) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	tests := []struct {
		name      string
		sentences [][]string
		want      []int
	}{
		{"short sentences fill the batch", repeat(70, sentence(10, 5)), []int{32, 32, 6}},            // 61 characters each
		{"long sentences", repeat(40, sentence(100, 9)), []int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4}},        // 1,001 each
		{"a sentence over the cap", [][]string{sentence(1000, 9), sentence(2, 2)}, []int{1, 1}},      // 10,001 and 7
		{"mixed", append(repeat(3, sentence(100, 9)), repeat(50, sentence(3, 3))...), []int{32, 21}}, // 3·1,001 + 29·13 = 3,380
		{"empty sentences", repeat(33, nil), []int{32, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for lo, hi := 0, 0; lo < len(tc.sentences); lo = hi {
				hi = batchEnd(tc.sentences, lo)
				if hi <= lo {
					t.Fatalf("batch [%d, %d) is empty", lo, hi)
				}
				got = append(got, hi-lo)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("batch sizes (-want +got):\n%s", d)
			}
		})
	}
}
