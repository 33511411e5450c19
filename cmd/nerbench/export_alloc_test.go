package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/results"
)

// TestExportCoNLLAllocations bounds what --export-conll allocates against
// the size of the file it writes: the file is streamed, so no second copy
// of the words and predictions is built in memory (building it in a
// strings.Builder allocated about twice the file). A deterministic count
// (TotalAlloc), not a timing or an RSS.
func TestExportCoNLLAllocations(t *testing.T) {
	const sentences = 3000
	tags := []string{"B-PER", "I-PER", "O", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O", "B-MISC"}
	c := &benchmarks.Corpus{Dataset: "big", Split: "test"}
	f := &results.File{Model: results.Model{Name: "m"}, Dataset: results.Dataset{Name: "big", Split: "test"}}
	for i := range sentences {
		words := make([]string, len(tags))
		for j := range words {
			words[j] = fmt.Sprintf("word%d", (i+j)%101)
		}
		c.Sentences = append(c.Sentences, benchmarks.Sentence{ID: fmt.Sprint(i), Words: words, Tags: tags})
		f.Predictions = append(f.Predictions, results.Prediction{ID: fmt.Sprint(i), Tags: tags})
	}
	dir := t.TempDir()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := exportCoNLL(dir, c, f)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "big_test_m.conll"))
	if err != nil {
		t.Fatal(err)
	}
	if got, size := after.TotalAlloc-before.TotalAlloc, uint64(st.Size()); got > size/4 {
		t.Errorf("exporting a %d-byte file allocated %d bytes, want at most a quarter of the file", size, got)
	}

	// A refused word leaves neither the file nor a temporary file.
	c.Sentences[sentences-1].Words[3] = "New York"
	dir = t.TempDir()
	if err := exportCoNLL(dir, c, f); err == nil {
		t.Fatal("got no error for a word with a space")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("got %d files after a refused export, want none", len(entries))
	}
}
