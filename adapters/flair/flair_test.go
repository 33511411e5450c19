package flair

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

var _ benchmarks.Tagger = (*Model)(nil)

func load(t *testing.T, name string) *Model {
	t.Helper()
	m, err := Load(t.Context(), "testdata", Config{File: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// The oracle fixture's weights make the decisions a known function of the
// words (see testdata/generate.py): the word vector's PER/LOC/ORG dimension
// gives B-, the continuation dimension gives I- after an entity of the same
// type only (CRF transitions), and no vector gives O. The words reach the
// vocabulary through each lookup fallback.
func TestOracle(t *testing.T) {
	m := load(t, "oracle.legacy.pt")
	tests := []struct {
		words, want []string
	}{
		{[]string{"Jens", "Hansen", "bor", "i", "København", "."},
			[]string{"B-PER", "I-PER", "O", "O", "B-LOC", "O"}},
		// lowercase, digits as '#', digits as '0', Python's lower of İ.
		{[]string{"KØBENHAVN", "2019", "12-31", "İstanbul"}, []string{"B-LOC", "B-ORG", "B-ORG", "B-LOC"}},
		// A continuation word after O stays O; after ORG it continues ORG.
		{[]string{"Hansen", "Novo", "Nordisk", "Hansen"}, []string{"O", "B-ORG", "I-ORG", "I-ORG"}},
		// Unknown words and characters outside the char dictionary: zeros.
		{[]string{"€", "NOVO", "ærø"}, []string{"O", "O", "O"}},
		{[]string{}, []string{}},
	}
	for _, tc := range tests {
		got, err := m.Tag(t.Context(), [][]string{tc.words})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got[0]); diff != "" {
			t.Errorf("Tag(%q) (-want +got):\n%s", tc.words, diff)
		}
	}
	info := m.Info()
	if diff := cmp.Diff([]string{"0-wiki.da.wv.bin", "1-da-forward", "2-da-backward"}, info.Embeddings); diff != "" {
		t.Errorf("embeddings (-want +got):\n%s", diff)
	}
	if info.Scheme != "IOB2" || !info.CRF || !info.RNN {
		t.Errorf("info = %+v, want IOB2 with CRF and RNN", info)
	}
}

type reference struct {
	Models map[string][]struct {
		Words     []string    `json:"words"`
		Emissions [][]float64 `json:"emissions"`
		Tags      []string    `json:"tags"`
	} `json:"models"`
}

// Parity with testdata/reference.py, an independent numpy implementation
// of flair-spec §3-§5: emissions within 1e-5, identical Viterbi paths.
func TestReference(t *testing.T) {
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Models) != 2 {
		t.Fatalf("reference.json has %d models, want 2", len(ref.Models))
	}
	for name, sents := range ref.Models {
		t.Run(name, func(t *testing.T) {
			m := load(t, name)
			for _, s := range sents {
				em := m.Emissions(s.Words)
				worst := 0.0
				for i := range em {
					for j := range em[i] {
						worst = math.Max(worst, math.Abs(float64(em[i][j])-s.Emissions[i][j]))
					}
				}
				if worst > 1e-5 {
					t.Errorf("%q: emissions differ by %g, want ≤ 1e-5", s.Words, worst)
				}
				if diff := cmp.Diff(s.Tags, m.Raw(s.Words)); diff != "" {
					t.Errorf("%q: Viterbi path (-reference +go):\n%s", s.Words, diff)
				}
			}
		})
	}
}

// Both formats of the same network agree (the zip one adds a projected LM
// and the 0.4.5 keys, so only loading and shapes are compared).
func TestFormats(t *testing.T) {
	for _, name := range []string{"random.legacy.pt", "random.zip.pt"} {
		m := load(t, name)
		if got := len(m.Info().Tags); got != 10 {
			t.Errorf("%s: %d tags, want 10", name, got)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	// A zip file without one of its storage records.
	src, err := zip.OpenReader("testdata/random.zip.pt")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := os.Create(filepath.Join(dir, "missing-member.pt"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	dropped := ""
	for _, zf := range src.File {
		if dropped == "" && strings.HasSuffix(zf.Name, "/data/0") {
			dropped = zf.Name
			continue
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if dropped == "" {
		t.Fatal("random.zip.pt has no data/0 member")
	}
	if err := os.WriteFile(filepath.Join(dir, "garbage.pt"), []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file     string
		sentinel error
		mention  []string
	}{
		{"testdata/bad-shape.pt", ErrShape, []string{"bad-shape.pt", "embedding2nn.weight", "[16 17]"}},
		{"testdata/bad-class.pt", ErrUnsupported, []string{"bad-class.pt", "flair.embeddings.CharacterEmbeddings"}},
		{"testdata/bad-global.pt", ErrUnknownClass, []string{"bad-global.pt", "mypackage.things.Unknown"}},
		{filepath.Join(dir, "missing-member.pt"), ErrFormat, []string{"missing-member.pt", "data/0"}},
		{filepath.Join(dir, "garbage.pt"), ErrFormat, []string{"garbage.pt"}},
		{filepath.Join(dir, "absent.pt"), os.ErrNotExist, []string{"absent.pt", "download_model"}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			_, err := LoadFile(t.Context(), tc.file, Config{})
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("got %v, want %v", err, tc.sentinel)
			}
			for _, s := range tc.mention {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

// A predicted <unk> becomes O and is counted.
func TestSpecialTags(t *testing.T) {
	m := load(t, "oracle.legacy.pt")
	m.net.out.B[0] = 1000 // <unk> wins every emission
	got, err := m.Tag(t.Context(), [][]string{{"Jens", "bor"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"O", "O"}}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if raw := m.Raw([]string{"Jens"}); raw[0] != "<unk>" {
		t.Errorf("raw tag %q, want <unk>", raw[0])
	}
	if n := m.SpecialTags(); n != 2 {
		t.Errorf("SpecialTags() = %d, want 2", n)
	}
}
