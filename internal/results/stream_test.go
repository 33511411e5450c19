package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

// TestSaveBytes checks that the streaming Save writes exactly what
// json.MarshalIndent(f, "", "  ") and a newline give, for predictions that
// are absent, empty, or hold strings that encoding/json escapes.
func TestSaveBytes(t *testing.T) {
	c, ds := corpus()
	full := File{Schema: Schema, Model: Model{Name: "toy <&>", Hash: "sha256:aa", Config: map[string]any{"k": 1}}}
	if err := Evaluate(t.Context(), &full, c, ds, ds.Types, pred, Options{}); err != nil {
		t.Fatal(err)
	}
	odd := full
	odd.Predictions = []Prediction{
		{ID: "a<b>&c", Tags: []string{"B-PER", "I-\u2028PER", "O"}},
		{ID: "tom", Tags: []string{}},
		{ID: "nil", Tags: nil},
		{ID: "ø\"\\\t\x01", Tags: []string{"B-\xffX", "æøå"}},
	}
	tests := []struct {
		name string
		f    File
	}{
		{"evaluated", full},
		{"escapes", odd},
		{"no predictions", File{Schema: Schema, MISCOff: full.MISCOff, Predictions: []Prediction{}}},
		{"nil predictions", File{Schema: Schema}},
		{"one sentence", File{Schema: Schema, Predictions: []Prediction{{ID: "s", Tags: []string{"O"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.MarshalIndent(&tc.f, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			path := filepath.Join(t.TempDir(), "r.json")
			if err := tc.f.Save(path); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Save differs from json.MarshalIndent (-want +got):\n%s", diff)
			}
			// decode reads back what json.Unmarshal reads.
			var wantF File
			if err := json.Unmarshal(want, &wantF); err != nil {
				t.Fatal(err)
			}
			gotF, err := decode(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(mustMarshal(t, &wantF)), string(mustMarshal(t, gotF))); diff != "" {
				t.Errorf("decode differs from json.Unmarshal (-want +got):\n%s", diff)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecode checks that decode follows encoding/json's rules for object
// keys and rejects what it rejects.
func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    *File
		wantErr string
	}{
		{"keys in any case, unknown keys ignored", `{"Schema":"x","extra":[1,{"a":2}],"PREDICTIONS":[{"id":"s","tags":["O"]}]}`,
			&File{Schema: "x", Predictions: []Prediction{{ID: "s", Tags: []string{"O"}}}}, ""},
		{"tags missing, null, empty", `{"predictions":[{"id":"a"},{"id":"b","tags":null},{"id":"c","tags":[]},{"tags":["O","O"]}]}`,
			&File{Predictions: []Prediction{{ID: "a"}, {ID: "b"}, {ID: "c", Tags: []string{}}, {Tags: []string{"O", "O"}}}}, ""},
		{"last repeated key wins", `{"predictions":[{"id":"a"}],"schema":"x","predictions":[],"schema":"y"}`,
			&File{Schema: "y", Predictions: []Prediction{}}, ""},
		{"predictions before the head", `{"predictions":null,"main":"misc_off"}`, &File{Main: "misc_off"}, ""},
		{"not an object", `[1]`, nil, "want a JSON object"},
		{"empty", ``, nil, "unexpected EOF"},
		{"truncated in predictions", `{"schema":"x","predictions":[{"id":"s","tags":["O"]},`, nil, "unexpected EOF"},
		{"truncated after predictions", `{"predictions":[]`, nil, "unexpected EOF"},
		{"predictions not an array", `{"predictions":{"id":"s"}}`, nil, "predictions: want an array"},
		{"bad sentence", `{"predictions":[{"id":"s","tags":["O"]},{"id":3}]}`, nil, "predictions: sentence 2: json: cannot unmarshal number"},
		{"bad head value", `{"schema":3,"predictions":[]}`, nil, "cannot unmarshal number"},
		{"syntax error", `{"schema" "x"}`, nil, "expected colon after object key"},
		{"syntax error in a sentence", `{"predictions":[{"id" "s"}]}`, nil, "predictions: sentence 1: invalid character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// largeFile returns an evaluated result file of n sentences of 15 words,
// about 14 bytes per word once saved, and its corpus.
func largeFile(t testing.TB, n int) (*File, *benchmarks.Corpus) {
	tags := []string{"B-PER", "I-PER", "O", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O", "B-MISC", "O", "O", "O", "O", "O"}
	c := &benchmarks.Corpus{Dataset: "big", Split: "test", File: "big.conll"}
	p := make([][]string, n)
	for i := range n {
		words := make([]string, len(tags))
		for j := range words {
			words[j] = fmt.Sprintf("w%d", (i*7+j)%97)
		}
		// Every third sentence misses its last entity.
		p[i] = tags
		if i%3 == 0 {
			p[i] = append([]string{}, tags...)
			p[i][9] = "O"
		}
		c.Sentences = append(c.Sentences, benchmarks.Sentence{ID: fmt.Sprintf("s%d", i), Words: words, Tags: tags})
	}
	ds := &benchmarks.Dataset{Name: "big", Types: []string{"LOC", "MISC", "ORG", "PER"}}
	f := &File{Schema: Schema, Model: Model{Name: "m", Hash: "sha256:aa"}}
	if err := Evaluate(t.Context(), f, c, ds, ds.Types, p, Options{}); err != nil {
		t.Fatal(err)
	}
	return f, c
}

// allocated returns the bytes that fn allocates on the heap (TotalAlloc,
// which counts every allocation, freed or not, and does not depend on the
// machine or on the garbage collector's timing).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestSaveLoadAllocations bounds the memory that saving and loading a
// large result file allocate, against the size of the file: the encoded
// predictions must never be built whole in memory (a MarshalIndent of the
// file allocates about three times its size, and reading the file whole
// and decoding it about four times). Loading must allocate little more
// than the predictions it returns (16 bytes per tag for the string
// headers, each distinct tag once, plus the decoder's growing slices).
func TestSaveLoadAllocations(t *testing.T) {
	const sentences = 4000 // 60k words
	f, c := largeFile(t, sentences)
	path := filepath.Join(t.TempDir(), "r.json")
	var saveErr, loadErr error
	saved := allocated(func() { saveErr = f.Save(path) })
	if saveErr != nil {
		t.Fatal(saveErr)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	size := uint64(st.Size())
	var g *File
	loaded := allocated(func() { g, loadErr = Load(path) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	words := uint64(sentences * 15)
	t.Logf("file %d bytes (%.1f per word); Save allocated %d bytes (%.2f of the file), Load %d (%.2f of the file, %.1f per word)",
		size, float64(size)/float64(words), saved, float64(saved)/float64(size), loaded, float64(loaded)/float64(size), float64(loaded)/float64(words))
	if saved > size/4 {
		t.Errorf("Save allocated %d bytes for a %d-byte file, want at most a quarter of it: the encoded predictions are held in memory", saved, size)
	}
	if loaded > size*2 {
		t.Errorf("Load allocated %d bytes for a %d-byte file, want at most twice its size: the encoded file is held in memory", loaded, size)
	}
	if tags, why := g.CachedPredictions(c, "sha256:aa"); why != "" || len(tags) != sentences {
		t.Fatalf("got cache miss %q, want a hit", why)
	}
	// Equal tags share one string.
	a, b := g.Predictions[1].Tags[2], g.Predictions[2].Tags[3]
	if a != "O" || b != "O" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Errorf("got tags %q and %q at %p and %p, want one shared \"O\"", a, b, unsafe.StringData(a), unsafe.StringData(b))
	}
}

// BenchmarkSave and BenchmarkLoad time a 60k-word result file.
func BenchmarkSave(b *testing.B) {
	f, _ := largeFile(b, 4000)
	path := filepath.Join(b.TempDir(), "r.json")
	b.ReportAllocs()
	for b.Loop() {
		if err := f.Save(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	f, _ := largeFile(b, 4000)
	path := filepath.Join(b.TempDir(), "r.json")
	if err := f.Save(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEvaluateSharesPredictions checks that the result file holds the
// predictions it was given, not a copy of them.
func TestEvaluateSharesPredictions(t *testing.T) {
	c, ds := corpus()
	var f File
	if err := Evaluate(t.Context(), &f, c, ds, ds.Types, pred, Options{}); err != nil {
		t.Fatal(err)
	}
	for i, p := range f.Predictions {
		if unsafe.SliceData(p.Tags) != unsafe.SliceData(pred[i]) {
			t.Errorf("sentence %d: the result file holds a copy of the predicted tags", i)
		}
	}
}
