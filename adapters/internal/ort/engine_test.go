//go:build ort

package ort

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/nerbench/nerbench/benchmarks"
)

var _ benchmarks.Tagger = (*Model)(nil)

// personMap maps the oracle fixtures' PERSON type to the datasets' PER.
var personMap = map[string]string{"PERSON": "PER"}

func requireRuntime(t *testing.T) {
	t.Helper()
	if os.Getenv(LibraryEnv) == "" {
		t.Fatalf("%s is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/; make test sets the variable)", LibraryEnv)
	}
}

func load(t *testing.T, fixture string, cfg Config) *Model {
	t.Helper()
	requireRuntime(t)
	if cfg.Threads == 0 {
		// One intra-op thread keeps the tests quick on a shared machine;
		// hfonnx's test covers the zero Config.
		cfg.Threads = 1
	}
	m, err := Load(t.Context(), filepath.Join("testdata", fixture), cfg)
	if err != nil {
		t.Fatalf("load %s: %v", fixture, err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// lexicon is testdata/lexicon.json, written by generate.py: the words whose
// whole-word piece the oracle models label as an entity.
type lexicon struct {
	Labels  []string          `json:"labels"`
	Lexicon map[string]string `json:"lexicon"`
	OWords  []string          `json:"o_words"`
}

func readLexicon(t *testing.T) *lexicon {
	t.Helper()
	data, err := os.ReadFile("testdata/lexicon.json")
	if err != nil {
		t.Fatal(err)
	}
	var lx lexicon
	if err := json.Unmarshal(data, &lx); err != nil {
		t.Fatal(err)
	}
	return &lx
}

func stripAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// expect returns the oracle's label for a word, by construction: the
// lexicon label (PERSON mapped to PER) when the normalised word is a
// lexicon entry, else O. fold gives the tokenizer's view of a word.
func (lx *lexicon) expect(words []string, fold func(string) string) []string {
	keys := map[string]string{}
	for w, l := range lx.Lexicon {
		keys[fold(w)] = strings.Replace(l, "PERSON", "PER", 1)
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "O"
		if l, ok := keys[fold(norm.NFC.String(w))]; ok {
			out[i] = l
		}
	}
	return out
}

func cased(s string) string   { return s }
func uncased(s string) string { return stripAccents(strings.ToLower(s)) }

// randomWord returns a lowercase word of n letters that starts with no
// lexicon entry, so the oracle labels it O.
func randomWord(rng *rand.Rand, n int, lx *lexicon) string {
	letters := []rune("abcdefghijklmnopqrstuvwxyzæøå")
	for {
		r := make([]rune, n)
		for i := range r {
			r[i] = letters[rng.IntN(len(letters))]
		}
		w := string(r)
		ok := true
		for e := range lx.Lexicon {
			if strings.HasPrefix(uncased(w), uncased(e)) {
				ok = false
			}
		}
		if ok {
			return w
		}
	}
}

// randomSentence mixes lexicon words, O words, punctuation, random words,
// words with no subwords and, rarely, a word longer than a window.
func randomSentence(rng *rand.Rand, n int, lx *lexicon) []string {
	var lex []string
	for w := range lx.Lexicon {
		lex = append(lex, w)
	}
	// Map order is random; sort for a seeded, repeatable sentence.
	slicesSort(lex)
	words := make([]string, n)
	for i := range words {
		switch k := rng.IntN(100); {
		case k < 25:
			words[i] = lex[rng.IntN(len(lex))]
		case k < 40:
			words[i] = lx.OWords[rng.IntN(len(lx.OWords))]
		case k < 48:
			words[i] = string(".,:;!?-()"[rng.IntN(9)])
		case k < 50:
			words[i] = []string{"", "\u200b", "\x07"}[rng.IntN(3)]
		case k < 51:
			words[i] = randomWord(rng, 40, lx)
		case k < 53:
			words[i] = norm.NFD.String(lex[rng.IntN(len(lex))])
		default:
			words[i] = randomWord(rng, 1+rng.IntN(12), lx)
		}
	}
	return words
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestOracle(t *testing.T) {
	lx := readLexicon(t)
	nfd := func(s string) string { return norm.NFD.String(s) }
	sentences := [][]string{
		{"Jens", "Hansen", "bor", "i", "Århus", "."},
		{"Søren", "Kierkegaard", "og", "Novo", "Nordisk", "på", "Ærø", "!"},
		{nfd("Søren"), nfd("Århus"), nfd("Ærø"), nfd("blåbær"), nfd("København")},
		{"Folketinget", "", "\u200b", "\x07", "København", "xqz", "H.'s", "Poul-Erik", "€"},
		{},
		{"København"},
		{"blåbær", "ø", "år", "af", "Jens", "qwertyuiopasdfghjklzxcvbnmqwertyuiop", "Hansen"},
	}
	tests := []struct {
		fixture string
		fold    func(string) string
	}{
		{"oracle-wordpiece", cased},
		{"oracle-uncased", uncased},
		{"oracle-unigram", cased},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			m := load(t, tc.fixture, Config{LabelMap: personMap})
			got, err := m.Tag(t.Context(), sentences)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range sentences {
				if diff := cmp.Diff(lx.expect(s, tc.fold), got[i]); diff != "" {
					t.Errorf("sentence %d %q (-want +got):\n%s", i, s, diff)
				}
			}
			if diff := cmp.Diff([]string{"LOC", "MISC", "ORG", "PER"}, m.Types()); diff != "" {
				t.Errorf("types (-want +got):\n%s", diff)
			}
		})
	}
}

// TestZeroSubwordWords checks that words with no subwords get O, are
// counted and are reported.
func TestZeroSubwordWords(t *testing.T) {
	m := load(t, "oracle-wordpiece", Config{LabelMap: personMap})
	got, err := m.Tag(t.Context(), [][]string{{"Jens", "", "Hansen", "\u200b", "\x07", "bor"}, {"\ufeff"}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"B-PER", "O", "I-PER", "O", "O", "O"}, {"O"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	st := m.Stats()
	if st.ZeroSubwordWords != 4 {
		t.Errorf("got %d zero-subword words, want 4", st.ZeroSubwordWords)
	}
	wantEx := []string{`""`, `"\u200b"`, `"\a"`, `"\ufeff"`}
	if diff := cmp.Diff(wantEx, st.ZeroSubwordExamples); diff != "" {
		t.Errorf("examples (-want +got):\n%s", diff)
	}
}

// TestUnicode checks NFC and NFD input: by default both tokenise alike;
// with RawUnicode a cased WordPiece vocabulary sees the decomposed å as an
// unknown word, as Hugging Face tokenizers do.
func TestUnicode(t *testing.T) {
	words := []string{"Århus", norm.NFD.String("Århus"), "Ærø", norm.NFD.String("Søren"), norm.NFD.String("blåbær")}
	tests := []struct {
		fixture string
		raw     bool
		want    []string
	}{
		{"oracle-wordpiece", false, []string{"B-LOC", "B-LOC", "B-LOC", "B-PER", "O"}},
		{"oracle-wordpiece", true, []string{"B-LOC", "O", "B-LOC", "B-PER", "O"}},
		{"oracle-uncased", false, []string{"B-LOC", "B-LOC", "B-LOC", "B-PER", "O"}},
		{"oracle-uncased", true, []string{"B-LOC", "B-LOC", "B-LOC", "B-PER", "O"}},
		{"oracle-unigram", false, []string{"B-LOC", "B-LOC", "B-LOC", "B-PER", "O"}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture+map[bool]string{true: "/raw", false: "/nfc"}[tc.raw], func(t *testing.T) {
			m := load(t, tc.fixture, Config{LabelMap: personMap, RawUnicode: tc.raw})
			got, err := m.Tag(t.Context(), [][]string{words})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got[0]); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLongSentence tags a 2,000-word sentence through 14-subword windows
// with several strides and batch sizes: every word gets its oracle label.
func TestLongSentence(t *testing.T) {
	lx := readLexicon(t)
	rng := rand.New(rand.NewPCG(2000, 1))
	long := randomSentence(rng, 2000, lx)
	want := lx.expect(long, cased)
	tests := []struct {
		fixture string
		stride  int
		batch   int
	}{
		{"oracle-wordpiece", 0, 0},
		{"oracle-wordpiece", -1, 1},
		{"oracle-wordpiece", 3, 7},
		{"oracle-wordpiece", 13, 64},
		{"oracle-unigram", 5, 16},
	}
	for _, tc := range tests {
		t.Run("", func(t *testing.T) {
			m := load(t, tc.fixture, Config{LabelMap: personMap, Stride: tc.stride, BatchSize: tc.batch})
			got, err := m.Tag(t.Context(), [][]string{long, {"Jens"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got[0]) != len(long) {
				t.Fatalf("got %d tags, want %d", len(got[0]), len(long))
			}
			if diff := cmp.Diff(want, got[0]); diff != "" {
				t.Errorf("stride %d batch %d: tags (-want +got):\n%s", tc.stride, tc.batch, diff)
			}
			st := m.Stats()
			if st.WindowedSentences != 1 || st.Windows < 2000/14 || st.LongWords == 0 {
				t.Errorf("stats %+v: want one windowed sentence, at least %d windows and some long words", st, 2000/14)
			}
		})
	}
}

// TestBatching tags many sentences of mixed lengths with several batch
// sizes; the result must not depend on batching, sorting or padding.
func TestBatching(t *testing.T) {
	lx := readLexicon(t)
	rng := rand.New(rand.NewPCG(7, 7))
	sentences := make([][]string, 300)
	for i := range sentences {
		sentences[i] = randomSentence(rng, rng.IntN(30), lx)
	}
	for _, tc := range []struct{ batch, tokens int }{{1, 0}, {3, 0}, {32, 0}, {100, 0}, {32, 16}, {32, 40}} {
		m := load(t, "oracle-wordpiece", Config{LabelMap: personMap, BatchSize: tc.batch, BatchTokens: tc.tokens, Threads: 1})
		got, err := m.Tag(t.Context(), sentences)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range sentences {
			if diff := cmp.Diff(lx.expect(s, cased), got[i]); diff != "" {
				t.Fatalf("batch %d, tokens %d, sentence %d (-want +got):\n%s", tc.batch, tc.tokens, i, diff)
			}
		}
		st := m.Stats()
		if st.Sentences != len(sentences) || st.Batches == 0 || st.Forward <= 0 || st.Total < st.Forward {
			t.Errorf("batch %d, tokens %d: stats %+v", tc.batch, tc.tokens, st)
		}
		tokens := cmpOr(tc.tokens, DefaultBatchTokens)
		if got := m.Info().BatchTokens; got != tokens {
			t.Errorf("batch %d: Info().BatchTokens %d, want %d", tc.batch, got, tokens)
		}
		// Every window fits in tokens (the fixture's windows hold 16), so
		// no batch may pad to more.
		if st.PaddedTokens > st.Batches*tokens || st.Windows > st.Batches*tc.batch {
			t.Errorf("batch %d, tokens %d: %d windows in %d batches of %d padded tokens in all", tc.batch, tc.tokens, st.Windows, st.Batches, st.PaddedTokens)
		}
	}
}

// TestRandomModels runs the random-weight BERT and ELECTRA graphs: dynamic
// batch and sequence axes, and labels that do not depend on what a
// sentence is batched and padded with.
func TestRandomModels(t *testing.T) {
	lx := readLexicon(t)
	rng := rand.New(rand.NewPCG(3, 3))
	sentences := make([][]string, 40)
	for i := range sentences {
		sentences[i] = randomSentence(rng, 1+rng.IntN(60), lx)
	}
	sentences = append(sentences, randomSentence(rng, 400, lx)) // longer than 128 tokens
	for _, fixture := range []string{"bert-random", "electra-random"} {
		t.Run(fixture, func(t *testing.T) {
			m := load(t, fixture, Config{BatchSize: 8})
			got, err := m.Tag(t.Context(), sentences)
			if err != nil {
				t.Fatal(err)
			}
			valid := map[string]bool{}
			for _, l := range m.Info().Labels {
				valid[l] = true
			}
			for i, s := range sentences {
				if len(got[i]) != len(s) {
					t.Fatalf("sentence %d: got %d tags, want %d", i, len(got[i]), len(s))
				}
				for _, tag := range got[i] {
					if !valid[tag] {
						t.Fatalf("sentence %d: tag %q not among %v", i, tag, m.Info().Labels)
					}
				}
			}
			for _, i := range []int{0, 5, 17} {
				alone, err := m.Tag(t.Context(), sentences[i:i+1])
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(got[i], alone[0]); diff != "" {
					t.Errorf("sentence %d alone vs batched (-batched +alone):\n%s", i, diff)
				}
			}
		})
	}
}

func TestCloseAndCancel(t *testing.T) {
	requireRuntime(t)
	m, err := Load(t.Context(), "testdata/oracle-wordpiece", Config{LabelMap: personMap})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.Tag(ctx, [][]string{{"Jens"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := m.Tag(t.Context(), [][]string{{"Jens"}}); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: got %v, want ErrClosed", err)
	}
}

// copyFixture copies a fixture folder into a temporary folder for editing.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", name, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// editJSON rewrites a JSON file of dir through edit.
func editJSON(t *testing.T, dir, file string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	requireRuntime(t)
	tests := []struct {
		name     string
		edit     func(t *testing.T, dir string)
		cfg      Config
		spec     *Spec
		wantErr  error
		wantText []string
	}{
		{"missing model", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, ModelFile)) },
			Config{LabelMap: personMap}, nil, ErrModelFile, []string{"model.onnx"}},
		{"corrupt model", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ModelFile), []byte("not an ONNX graph"), 0o644)
		}, Config{LabelMap: personMap}, nil, ErrModelFile, []string{"model.onnx"}},
		{"missing config", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, ConfigFile)) },
			Config{LabelMap: personMap}, nil, ErrConfig, []string{"config.json"}},
		{"config without id2label", func(t *testing.T, dir string) {
			editJSON(t, dir, ConfigFile, func(m map[string]any) { delete(m, "id2label"); delete(m, "label2id") })
		}, Config{LabelMap: personMap}, nil, ErrConfig, []string{"config.json", "id2label"}},
		{"unmapped label", func(*testing.T, string) {}, Config{}, nil, ErrLabel, []string{"config.json", `"B-PERSON"`, "LabelMap"}},
		{"type not in dataset", func(*testing.T, string) {}, Config{LabelMap: personMap, Types: []string{"LOC", "ORG", "PER"}},
			nil, ErrLabel, []string{"config.json", `"B-MISC"`}},
		{"labels of another model", func(*testing.T, string) {}, Config{LabelMap: personMap},
			&Spec{Name: "dabert", ModelID: "DaNLP/da-bert-ner", Labels: []string{"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}},
			ErrLabel, []string{"config.json", "DaNLP/da-bert-ner", "want LOC ORG PER"}},
		{"more labels than logits", func(t *testing.T, dir string) {
			editJSON(t, dir, ConfigFile, func(m map[string]any) { m["id2label"].(map[string]any)["9"] = "B-EXTRA" })
		}, Config{LabelMap: map[string]string{"PERSON": "PER", "EXTRA": "MISC"}}, nil, ErrLabel, []string{"config.json", "model.onnx", "9 scores"}},
		{"vocab size", func(t *testing.T, dir string) {
			editJSON(t, dir, ConfigFile, func(m map[string]any) { m["vocab_size"] = m["vocab_size"].(float64) + 7 })
		}, Config{LabelMap: personMap}, nil, ErrVocabSize, []string{"tokenizer.json", "config.json"}},
		{"tokenizer not JSON", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, TokenizerFile), []byte("{"), 0o644)
		}, Config{LabelMap: personMap}, nil, ErrTokenizer, []string{"tokenizer.json"}},
		{"tokenizer without model", func(t *testing.T, dir string) {
			editJSON(t, dir, TokenizerFile, func(m map[string]any) { delete(m, "model") })
		}, Config{LabelMap: personMap}, nil, ErrTokenizer, []string{"tokenizer.json"}},
		{"missing tokenizer", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, TokenizerFile)) },
			Config{LabelMap: personMap}, nil, ErrTokenizer, []string{"tokenizer.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFixture(t, "oracle-wordpiece")
			tc.edit(t, dir)
			spec := Spec{Name: "test"}
			if tc.spec != nil {
				spec = *tc.spec
			}
			m, err := LoadSpec(t.Context(), dir, spec, tc.cfg)
			if err == nil {
				m.Close()
				t.Fatalf("got no error, want %v", tc.wantErr)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("got %v, want %v", err, tc.wantErr)
			}
			for _, s := range tc.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

// TestMissingLibrary runs Load in a child process whose library path is
// wrong, since the runtime is set up once per process.
func TestMissingLibrary(t *testing.T) {
	if os.Getenv("NERBENCH_ORT_CHILD") == "1" {
		_, err := Load(context.Background(), "testdata/oracle-wordpiece", Config{LabelMap: personMap})
		if err == nil {
			os.Exit(3)
		}
		os.Stderr.WriteString(err.Error())
		if errors.Is(err, ErrNoLibrary) {
			os.Exit(0)
		}
		os.Exit(4)
	}
	requireRuntime(t)
	notLib := filepath.Join(t.TempDir(), LibraryName)
	if err := os.WriteFile(notLib, []byte("not a shared library"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"missing", "/nonexistent/" + LibraryName, "make setup"},
		{"not a library", notLib, notLib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestMissingLibrary$")
			cmd.Env = append(os.Environ(), "NERBENCH_ORT_CHILD=1", LibraryEnv+"="+tc.path)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), tc.want) {
				t.Errorf("child: %v, output %q; want success and %q", err, out, tc.want)
			}
		})
	}
}

// TestReplay records the batches of a Tag call and runs them again through
// ONNX Runtime alone.
func TestReplay(t *testing.T) {
	lx := readLexicon(t)
	rng := rand.New(rand.NewPCG(9, 9))
	sentences := make([][]string, 50)
	for i := range sentences {
		sentences[i] = randomSentence(rng, 1+rng.IntN(40), lx)
	}
	m := load(t, "bert-random", Config{BatchSize: 8})
	m.Record(true)
	if _, err := m.Tag(t.Context(), sentences); err != nil {
		t.Fatal(err)
	}
	st := m.Stats()
	for range 2 {
		d, n, err := m.Replay(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n != st.Batches || d <= 0 {
			t.Errorf("replay: got %d batches in %v, want %d batches", n, d, st.Batches)
		}
	}
	m.Record(false)
	if _, n, err := m.Replay(t.Context()); err != nil || n != 0 {
		t.Errorf("after Record(false): got %d batches, %v; want 0", n, err)
	}
}

// TestCUDAFallback asks for CUDA. With the CPU-only library of `make
// setup` the model runs on the CPU and says why; on a machine with a CUDA
// build (NERBENCH_DEVICE=cuda) it must run on CUDA.
func TestCUDAFallback(t *testing.T) {
	var log strings.Builder
	m := load(t, "oracle-wordpiece", Config{LabelMap: personMap, Device: "cuda", Log: &log})
	info := m.Info()
	if os.Getenv("NERBENCH_DEVICE") == "cuda" {
		if info.Device != "cuda" {
			t.Fatalf("got device %s, want cuda (notes %v)", info.Device, info.Notes)
		}
	} else if info.Device == "cpu" {
		if len(info.Notes) != 1 || !strings.Contains(info.Notes[0], "CUDA") || !strings.Contains(log.String(), "running on the CPU") {
			t.Errorf("got notes %q, log %q; want a CUDA fallback note in both", info.Notes, log.String())
		}
	}
	got, err := m.Tag(t.Context(), [][]string{{"Jens", "Hansen"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"B-PER", "I-PER"}}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if _, err := Load(t.Context(), "testdata/oracle-wordpiece", Config{LabelMap: personMap, Device: "tpu"}); err == nil {
		t.Errorf("device tpu: got no error")
	}
}
