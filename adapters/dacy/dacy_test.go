package dacy

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

var _ benchmarks.Tagger = (*Model)(nil)

type refSentence struct {
	Words     []string    `json:"words"`
	Pieces    [][]string  `json:"pieces"`
	Alignment [][]int     `json:"alignment"`
	Vectors   [][]float64 `json:"vectors"`
	Actions   []string    `json:"actions"`
	Tags      []string    `json:"tags"`
}

// readReference reads testdata/reference.json, written by reference.py, an
// independent numpy/PyTorch implementation of dacy-spec §4-§5.
func readReference(t *testing.T) map[string][]refSentence {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Packages map[string][]refSentence `json:"packages"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Packages) != 2 {
		t.Fatalf("reference.json has %d packages, want 2", len(ref.Packages))
	}
	return ref.Packages
}

func flatten(rows [][]float64) []float32 {
	var out []float32
	for _, r := range rows {
		for _, v := range r {
			out = append(out, float32(v))
		}
	}
	return out
}

func names(actions []action) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.String()
	}
	return out
}

// The NER head and greedy decoding on the reference's pooled vectors give
// the reference's actions and tags exactly (pure Go, every build).
func TestDecodeReference(t *testing.T) {
	for pkg, sents := range readReference(t) {
		t.Run(pkg, func(t *testing.T) {
			h, err := loadHead(filepath.Join("testdata", pkg))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sents {
				actions, tags := h.ner.decode(flatten(s.Vectors), s.Words)
				if diff := cmp.Diff(s.Actions, names(actions)); diff != "" {
					t.Errorf("%q: actions (-reference +go):\n%s", s.Words, diff)
				}
				if diff := cmp.Diff(s.Tags, tags); diff != "" {
					t.Errorf("%q: tags (-reference +go):\n%s", s.Words, diff)
				}
			}
		})
	}
}

// The span windows and the alignment of the reference's word pieces give
// the reference's token → piece indices.
func TestAlignReference(t *testing.T) {
	specials := map[string][]string{
		"tiny-xlmr": {"<s>", "</s>", "<unk>", "<pad>", "<mask>"},
		"tiny-bert": {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"},
	}
	for pkg, sents := range readReference(t) {
		for _, s := range sents {
			p := &pieces{spans: stridedSpans(len(s.Words), 8, 6), tokens: s.Pieces, L: len(s.Pieces[0])}
			if len(p.spans) != len(s.Pieces) {
				t.Fatalf("%s %q: %d spans, the reference has %d", pkg, s.Words, len(p.spans), len(s.Pieces))
			}
			got := align(s.Words, p, specials[pkg])
			if diff := cmp.Diff(s.Alignment, got); diff != "" {
				t.Errorf("%s %q: alignment (-reference +go):\n%s", pkg, s.Words, diff)
			}
		}
	}
}

// dacy-spec §4.2's table, plus the fixtures' window 8, stride 6.
func TestStridedSpans(t *testing.T) {
	tests := []struct {
		n, window, stride int
		want              []span
	}{
		{0, 128, 96, nil},
		{1, 128, 96, []span{{0, 1}}},
		{95, 128, 96, []span{{0, 95}}},
		{96, 128, 96, []span{{0, 96}}},
		{128, 128, 96, []span{{0, 128}}},
		{130, 128, 96, []span{{0, 128}, {96, 130}}},
		{200, 128, 96, []span{{0, 128}, {96, 200}}},
		{15, 8, 6, []span{{0, 8}, {6, 14}, {12, 15}}},
		{8, 8, 6, []span{{0, 8}}},
	}
	for _, tc := range tests {
		got := stridedSpans(tc.n, tc.window, tc.stride)
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(span{})); diff != "" {
			t.Errorf("stridedSpans(%d, %d, %d) (-want +got):\n%s", tc.n, tc.window, tc.stride, diff)
		}
	}
}

func TestPool(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6} // three rows of width 2
	got := pool(x, 2, [][]int{{0, 2}, {}, {1}})
	want := []float32{3, 4, 0, 0, 3, 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pool (-want +got):\n%s", diff)
	}
}

// The oracle package's decisions are known by construction (see
// testdata/generate.py): x0 = 1 → U-PER, x1 = 1 → B-ORG then L-ORG,
// otherwise O; B-ORG cannot start on the last word; whitespace-only words
// cannot start entities.
func TestOracle(t *testing.T) {
	h, err := loadHead("testdata/oracle")
	if err != nil {
		t.Fatal(err)
	}
	wantOrder, err := os.ReadFile("testdata/oracle/actions.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Fields(string(wantOrder)), names(h.ner.moves)); diff != "" {
		t.Errorf("action table (-generator +go):\n%s", diff)
	}
	vec := func(rows ...[4]float32) []float32 {
		var out []float32
		for _, r := range rows {
			out = append(out, r[:]...)
		}
		return out
	}
	per, org, none := [4]float32{1, 0, 0, 0}, [4]float32{0, 1, 0, 0}, [4]float32{}
	tests := []struct {
		words   []string
		vecs    []float32
		actions []string
		tags    []string
	}{
		{[]string{"Jens", "bor", "hos", "Novo", "Nordisk", "."}, vec(per, none, none, org, none, none),
			[]string{"U-PER", "O", "O", "B-ORG", "L-ORG", "O"}, []string{"B-PER", "O", "O", "B-ORG", "I-ORG", "O"}},
		{[]string{"x", "Novo"}, vec(none, org), []string{"O", "O"}, []string{"O", "O"}},
		{[]string{"Jens", " "}, vec(none, [4]float32{1, 1, 0, 0}), []string{"O", "O"}, []string{"O", "O"}},
		{[]string{"Anne"}, vec(per), []string{"U-PER"}, []string{"B-PER"}},
	}
	for _, tc := range tests {
		actions, tags := h.ner.decode(tc.vecs, tc.words)
		if diff := cmp.Diff(tc.actions, names(actions)); diff != "" {
			t.Errorf("%q: actions (-want +got):\n%s", tc.words, diff)
		}
		if diff := cmp.Diff(tc.tags, tags); diff != "" {
			t.Errorf("%q: tags (-want +got):\n%s", tc.words, diff)
		}
	}
}

// copyPackage copies the tiny-bert package head into a temporary folder.
func copyPackage(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestLoadHeadErrors(t *testing.T) {
	edit := func(file, old, new string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, file)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), old) {
				t.Fatalf("%s has no %q", file, old)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name     string
		change   func(t *testing.T, dir string)
		sentinel error
		mention  []string
	}{
		{"beam", edit("ner/cfg", `"beam_width":1`, `"beam_width":4`), ErrUnsupported, []string{"ner/cfg", "beam_width 4"}},
		{"architecture", edit("config.cfg", "spacy.TransitionBasedParser.v2", "spacy.TransitionBasedParser.v9"),
			ErrUnsupported, []string{"config.cfg", "@architectures", "v9"}},
		{"span getter", edit("config.cfg", "strided_spans.v1", "doc_spans.v1"), ErrUnsupported, []string{"config.cfg", "@span_getters"}},
		{"hidden width", edit("config.cfg", "hidden_width = 8", "hidden_width = 64"), ErrShape, []string{"ner/model", "hidden_width is 64"}},
		{"maxout", edit("config.cfg", "maxout_pieces = 2", "maxout_pieces = 3"), ErrShape, []string{"ner/model", "maxout_pieces is 3"}},
		{"model type", edit("transformer/model/config.json", `"model_type": "bert"`, `"model_type": "gpt2"`),
			ErrUnsupported, []string{"config.json", "gpt2"}},
		{"transformer width", edit("transformer/model/config.json", `"hidden_size": 32`, `"hidden_size": 48`),
			ErrShape, []string{"ner/model", "48"}},
		{"missing moves", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "ner", "moves")) },
			os.ErrNotExist, []string{"ner/moves"}},
		{"meta labels", edit("meta.json", `"MISC"`, `"EVENT"`), nil, []string{"meta.json", "labels.ner"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyPackage(t, "testdata/tiny-bert")
			tc.change(t, dir)
			_, err := loadHead(dir)
			wantError(t, err, tc.sentinel, tc.mention)
		})
	}
}

// wantError fails t unless err is an error that wraps sentinel (when not
// nil) and names every string of mention.
func wantError(t *testing.T, err, sentinel error, mention []string) {
	t.Helper()
	if err == nil {
		t.Fatal("got no error")
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("got %v, want %v", err, sentinel)
	}
	for _, s := range mention {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}
}

func TestIsSpace(t *testing.T) {
	for s, want := range map[string]bool{"": false, " ": true, "\u00a0": true, "\x1c": true, "a ": false, "\t\n": true} {
		if got := isSpace(s); got != want {
			t.Errorf("isSpace(%q) = %v, want %v", s, got, want)
		}
	}
}

type fakeTokenizer struct{}

func (fakeTokenizer) Encode(text string) ([]int64, []string, error) {
	var ids []int64
	var toks []string
	for _, w := range strings.Fields(text) {
		for _, r := range w {
			ids = append(ids, int64(r))
			toks = append(toks, string(r))
		}
	}
	return ids, toks, nil
}
func (fakeTokenizer) Specials() []string   { return []string{"<pad>"} }
func (fakeTokenizer) Pad() (string, int64) { return "<pad>", 0 }

// Spans longer than maxLen pieces lose their last columns, and the cut is
// counted; pads fill the shorter rows.
func TestTokenizeCut(t *testing.T) {
	p, err := tokenize(fakeTokenizer{}, []string{"abc", "de", "f"}, 2, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	// spans [0,2) "abc de" (5 pieces), [1,3) "de f" (3 pieces); L = 4.
	want := [][]string{{"a", "b", "c", "d"}, {"d", "e", "f", "<pad>"}}
	if diff := cmp.Diff(want, p.tokens); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
	if p.cut != 1 || p.L != 4 || !cmp.Equal(p.mask[1], []int64{1, 1, 1, 0}) {
		t.Errorf("got cut %d, L %d, mask %v; want 1, 4, [1 1 1 0]", p.cut, p.L, p.mask[1])
	}
}

// Load finds a package nested as unzipped release archives are, and names
// the export command when the ONNX export is missing; it needs no ONNX
// Runtime to get that far.
func TestLoadMissingExport(t *testing.T) {
	top := t.TempDir()
	nested := filepath.Join(top, "da_dacy_medium_tft-0.0.0", "da_dacy_medium_tft-0.0.0")
	src := copyPackage(t, "testdata/tiny-bert")
	if err := os.MkdirAll(filepath.Dir(nested), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(src, nested); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(nested, "transformer", "onnx")); err != nil {
		t.Fatal(err)
	}
	_, err := Load(t.Context(), top, Config{Engine: EngineORT})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want a missing model.onnx", err)
	}
	for _, want := range []string{filepath.Join(nested, "transformer", "onnx", "model.onnx"), "optimum-cli export onnx --task feature-extraction"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if _, err := Load(t.Context(), t.TempDir(), Config{}); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "config.cfg") {
		t.Errorf("empty folder: got %v, want a missing config.cfg", err)
	}
}

// checkPipeline runs the whole pipeline with cfg's engine on the tiny
// packages against reference.py (an independent PyTorch/numpy reference of
// the spec): the word pieces identical, the pooled token vectors within
// 1e-5, the actions and tags identical.
func checkPipeline(t *testing.T, cfg Config) {
	t.Helper()
	for pkg, sents := range readReference(t) {
		t.Run(pkg, func(t *testing.T) {
			m, err := Load(t.Context(), filepath.Join("testdata", pkg), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			if got := m.Info().Engine; got != cfg.ResolvedEngine() {
				t.Errorf("engine %s, want %s", got, cfg.ResolvedEngine())
			}
			for _, s := range sents {
				p, err := tokenize(m.tok, s.Words, m.head.settings.Window, m.head.settings.Stride, maxPieces)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(s.Pieces, p.tokens); diff != "" {
					t.Errorf("%q: pieces (-reference +go):\n%s", s.Words, diff)
					continue
				}
				vecs, err := m.vectors(t.Context(), s.Words)
				if err != nil {
					t.Fatal(err)
				}
				want := flatten(s.Vectors)
				worst := 0.0
				for i := range want {
					worst = math.Max(worst, math.Abs(float64(vecs[i]-want[i])))
				}
				if worst > 1e-5 {
					t.Errorf("%q: pooled vectors differ by %g, want ≤ 1e-5", s.Words, worst)
				}
				actions, _ := m.head.ner.decode(vecs, s.Words)
				if diff := cmp.Diff(s.Actions, names(actions)); diff != "" {
					t.Errorf("%q: actions (-reference +go):\n%s", s.Words, diff)
				}
				got, err := m.Tag(t.Context(), [][]string{s.Words})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(s.Tags, got[0]); diff != "" {
					t.Errorf("%q: tags (-reference +go):\n%s", s.Words, diff)
				}
			}
		})
	}
}
