package baseline

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/seqeval"
)

var _ benchmarks.Tagger = (*Model)(nil)

// readFixture reads a testdata file of word TAB tag lines, with sentences
// separated by empty lines and # comment lines.
func readFixture(t testing.TB, name string) []benchmarks.Sentence {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []benchmarks.Sentence
	var cur benchmarks.Sentence
	flush := func() {
		if len(cur.Words) > 0 {
			cur.ID = name + "-" + string(rune('a'+len(out)))
			out = append(out, cur)
		}
		cur = benchmarks.Sentence{}
	}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, "#"):
		case text == "":
			flush()
		default:
			word, tag, ok := strings.Cut(text, "\t")
			if !ok {
				t.Fatalf("%s:%d: want word TAB tag, got %q", name, line, text)
			}
			cur.Words = append(cur.Words, word)
			cur.Tags = append(cur.Tags, tag)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// trainFixture trains a model on the testdata sentences.
func trainFixture(t testing.TB, cfg TrainConfig) *Model {
	t.Helper()
	m, err := Train(context.Background(), readFixture(t, "train.tsv"), readFixture(t, "dev.tsv"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func modelBytes(t testing.TB, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func words(sents []benchmarks.Sentence) [][]string {
	out := make([][]string, len(sents))
	for i, s := range sents {
		out[i] = s.Words
	}
	return out
}

func TestTrainDeterministic(t *testing.T) {
	for _, cfg := range []TrainConfig{{Seed: 0}, {Seed: 1}, {Seed: 42, Bags: 3}, {Seed: 7, MinCount: 2, Prune: -1}} {
		cfg.Dataset, cfg.Command = "fixture", "test"
		seed := cfg.Seed
		a := modelBytes(t, trainFixture(t, cfg))
		b := modelBytes(t, trainFixture(t, cfg))
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: two trainings gave different model files (%d and %d bytes)", seed, len(a), len(b))
		}
	}
}

// microF1 scores predictions against gold with seqeval's default mode and
// returns the micro-F1 in percent.
func microF1(t testing.TB, gold []benchmarks.Sentence, pred [][]string, noMisc bool) float64 {
	t.Helper()
	g := make([][]string, len(gold))
	for i, s := range gold {
		g[i] = s.Tags
	}
	res, err := seqeval.Score(g, pred, seqeval.Options{NoMisc: noMisc})
	if err != nil {
		t.Fatal(err)
	}
	return 100 * res.Micro.F1
}

// TestTrainFitsFixture selects the epoch on the training sentences
// themselves, so the model must learn to tag nearly all of them correctly.
// (Not all: the gazetteer leaves each training sentence's own names out
// while training, and not while tagging.)
func TestTrainFitsFixture(t *testing.T) {
	train := readFixture(t, "train.tsv")
	m, err := Train(t.Context(), train, train, TrainConfig{MaxEpochs: 20, Patience: -1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Tag(t.Context(), words(train))
	if err != nil {
		t.Fatal(err)
	}
	f1 := microF1(t, train, got, false)
	if f1 < 95 {
		t.Errorf("micro-F1 on the training sentences = %.2f, want at least 95", f1)
	}
	p := m.Provenance()
	if want := round4(f1); p.DevF1 != want {
		t.Errorf("recorded dev F1 = %v, want %v, the F1 of Tag's output", p.DevF1, want)
	}
	if got, want := m.Types(), []string{"LOC", "MISC", "ORG", "PER"}; !slices.Equal(got, want) {
		t.Errorf("Types() = %v, want %v", got, want)
	}
	if got, want := len(p.DevCurves[0]), 20; got != want {
		t.Errorf("epochs run = %d, want %d (Patience -1 never stops early)", got, want)
	}
	if e := p.Epochs[0]; e < 1 || e > 20 || p.DevCurves[0][e-1] != slices.Max(p.DevCurves[0]) {
		t.Errorf("selected epoch %d of curve %v, want the first best", e, p.DevCurves[0])
	}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	m := trainFixture(t, TrainConfig{Seed: 3, Dataset: "fixture", TrainSplit: "train", DevSplit: "dev", Command: "nerbench train baseline"})
	path := filepath.Join(t.TempDir(), "m.nbm.gz")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(t.Context(), path, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Provenance(), got.Provenance()); diff != "" {
		t.Errorf("provenance changed in the file (-want +got):\n%s", diff)
	}
	if got.Hash() != m.Hash() {
		t.Errorf("Hash() = %s after loading, want %s", got.Hash(), m.Hash())
	}
	if got.File() != path {
		t.Errorf("File() = %q, want %q", got.File(), path)
	}
	if !bytes.Equal(modelBytes(t, got), modelBytes(t, m)) {
		t.Error("writing a loaded model gives different bytes")
	}
	sents := words(append(readFixture(t, "train.tsv"), readFixture(t, "dev.tsv")...))
	want, err := m.Tag(t.Context(), sents)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := got.Tag(t.Context(), sents)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, tags); diff != "" {
		t.Errorf("loaded model tags differently (-want +got):\n%s", diff)
	}
}

func TestTagShapes(t *testing.T) {
	m := trainFixture(t, TrainConfig{})
	tests := []struct {
		name  string
		input [][]string
	}{
		{"no sentences", nil},
		{"empty sentence", [][]string{{}}},
		{"one word", [][]string{{"København"}}},
		{"odd words", [][]string{{"", " ", "\t", "ÆØÅ", "x-y-z", "123,5", "\u00a0", "🙂", strings.Repeat("a", 1000)}}},
		{"invalid UTF-8", [][]string{{"\xff\xfe", "Jens", "\xc3"}}},
		{"mixed", [][]string{{"Jens", "Hansen", "bor", "i", "Odense", "."}, {}, {"Hej"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.Tag(t.Context(), tc.input)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.input) {
				t.Fatalf("got %d tag sequences, want %d", len(got), len(tc.input))
			}
			for i, s := range tc.input {
				if len(got[i]) != len(s) {
					t.Errorf("sentence %d: got %d tags, want %d", i, len(got[i]), len(s))
				}
				for j, tag := range got[i] {
					typ, begin, ok := entityType(tag)
					switch {
					case tag == "O" || (ok && begin):
					case ok && j > 0 && strings.HasSuffix(got[i][j-1], "-"+typ) && got[i][j-1] != "O":
					default:
						t.Errorf("sentence %d, word %d: tag %q after %v is not valid IOB2", i, j, tag, got[i][:j])
					}
				}
			}
		})
	}
}

// TestTagConcurrent tags from several goroutines at once; run it with
// -race.
func TestTagConcurrent(t *testing.T) {
	m := trainFixture(t, TrainConfig{})
	sents := words(readFixture(t, "dev.tsv"))
	want, err := m.Tag(t.Context(), sents)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := m.Tag(t.Context(), sents)
			if err == nil && !cmp.Equal(got, want) {
				err = errors.New("concurrent Tag gave different tags")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestTagCancelled(t *testing.T) {
	m := trainFixture(t, TrainConfig{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := m.Tag(ctx, [][]string{{"Jens"}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want %v", err, context.Canceled)
	}
	if _, err := Train(ctx, readFixture(t, "train.tsv"), readFixture(t, "dev.tsv"), TrainConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train: got error %v, want %v", err, context.Canceled)
	}
}

func TestTrainErrors(t *testing.T) {
	good := readFixture(t, "train.tsv")
	tests := []struct {
		name       string
		train, dev []benchmarks.Sentence
		want       string
		wantErr    error
	}{
		{"no train", nil, good, "train split: no sentences", ErrNoData},
		{"no dev", good, nil, "dev split: no sentences", ErrNoData},
		{"tags and words differ", []benchmarks.Sentence{{ID: "s1", Words: []string{"a", "b"}, Tags: []string{"O"}}}, good,
			"train split, sentence 1 (s1): 2 words but 1 tags", nil},
		{"not IOB2", good, []benchmarks.Sentence{{ID: "d1", Words: []string{"a"}, Tags: []string{"PER"}}},
			`dev split, sentence 1 (d1), word 1: tag "PER" is not IOB2`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Train(t.Context(), tc.train, tc.dev, TrainConfig{})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got error %v, want %q", err, tc.want)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("got error %v, want one wrapping %v", err, tc.wantErr)
			}
		})
	}
}

func gz(t *testing.T, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadBadFiles(t *testing.T) {
	m := trainFixture(t, TrainConfig{})
	good := modelBytes(t, m)
	raw, err := m.encode()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr error
		wantMsg string
	}{
		{"not gzip", []byte("PER\tB-PER\n"), ErrFormat, "not a nerbench baseline model file"},
		{"empty", nil, ErrFormat, "not a nerbench baseline model file"},
		{"truncated gzip", good[:len(good)/2], ErrCorrupt, "truncated or damaged compressed data"},
		{"gzip of something else", gz(t, []byte("hello")), ErrFormat, "not a nerbench baseline model file"},
		{"wrong version", gz(t, append([]byte(magic), 99)), ErrVersion, "file has version 99, this nerbench reads version 1"},
		{"truncated content", gz(t, raw[:len(raw)/2]), ErrCorrupt, "corrupt model file"},
		{"no end marker", gz(t, raw[:len(raw)-len(endMarker)]), ErrCorrupt, "missing end marker"},
		{"trailing bytes", gz(t, append(slices.Clone(raw), 'x')), ErrCorrupt, "missing end marker"},
		{"only magic", gz(t, []byte(magic)), ErrCorrupt, "bad or truncated integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.nbm.gz")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(t.Context(), path, Config{})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got error %v, want %v", err, tc.wantErr)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("got error %q, want it to name %s and say %q", msg, path, tc.wantMsg)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.nbm.gz")
		_, err := Load(t.Context(), path, Config{})
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Errorf("got error %v, want %v naming %s", err, fs.ErrNotExist, path)
		}
	})
}

// FuzzLoad checks that no byte sequence makes decoding panic.
func FuzzLoad(f *testing.F) {
	m := trainFixture(f, TrainConfig{MaxEpochs: 2})
	raw, err := m.encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(raw[:len(raw)/3])
	f.Fuzz(func(t *testing.T, raw []byte) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(raw)
		zw.Close()
		m, err := decode(buf.Bytes())
		if err != nil {
			return
		}
		if _, err := m.Tag(t.Context(), [][]string{{"Jens", "Hansen", "bor", "i", "Odense"}}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestShapes(t *testing.T) {
	tests := []struct{ word, shape, short string }{
		{"København", "Xxxxxxxxx", "Xx"},
		{"SID-huset", "XXX-xxxxx", "X-x"},
		{"1999", "dddd", "d"},
		{"3.5", "d.d", "d.d"},
		{"Vestergaard-Christensen", "Xxxxxxxxxxx-~", "Xx-Xx"},
		{"", "", ""},
	}
	for _, tc := range tests {
		shape, short := shapes(tc.word)
		if shape != tc.shape || short != tc.short {
			t.Errorf("shapes(%q) = %q, %q, want %q, %q", tc.word, shape, short, tc.shape, tc.short)
		}
	}
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want []gazMatch
	}{
		{"empty", nil, nil},
		{"B I O B", []string{"B-PER", "I-PER", "O", "B-LOC"}, []gazMatch{{start: 0, end: 2, typ: "PER"}, {start: 3, end: 4, typ: "LOC"}}},
		{"adjacent B", []string{"B-PER", "B-PER"}, []gazMatch{{start: 0, end: 1, typ: "PER"}, {start: 1, end: 2, typ: "PER"}}},
		{"I starts", []string{"O", "I-ORG", "I-ORG"}, []gazMatch{{start: 1, end: 3, typ: "ORG"}}},
		{"type change", []string{"B-PER", "I-LOC"}, []gazMatch{{start: 0, end: 1, typ: "PER"}, {start: 1, end: 2, typ: "LOC"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := spans(tc.tags)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(gazMatch{})); diff != "" {
				t.Errorf("spans(%v) (-want +got):\n%s", tc.tags, diff)
			}
		})
	}
}

func TestCapBucket(t *testing.T) {
	tests := []struct {
		c    capCount
		want string
	}{
		{capCount{0, 0}, capUnseen},
		{capCount{9, 1}, capUpper},
		{capCount{8, 2}, capMixed},
		{capCount{1, 9}, capLower},
		{capCount{0, 3}, capLower},
	}
	for _, tc := range tests {
		if got := capBucket(tc.c); got != tc.want {
			t.Errorf("capBucket(%+v) = %s, want %s", tc.c, got, tc.want)
		}
	}
}

// TestLeaveOneOut checks that a training sentence does not see itself in
// the gazetteer: a name annotated only in that sentence gives it no
// gazetteer feature, while other sentences see it.
func TestLeaveOneOut(t *testing.T) {
	sents := [][]string{{"Kjeld", "bor", "i", "Vejle"}, {"Vejle", "er", "en", "by"}}
	tags := [][]string{{"B-PER", "O", "O", "B-LOC"}, {"O", "O", "O", "O"}}
	st, owns := buildStats(sents, tags, []string{"LOC", "PER"}, 6)
	hasGaz := func(bufs []featureBuf, i int) bool {
		found := false
		bufs[i].each(func(f []byte) { found = found || bytes.HasPrefix(f, []byte("gz")) })
		return found
	}
	bufs := st.extract(sents[0], owns[0], nil)
	if hasGaz(bufs, 0) || hasGaz(bufs, 3) {
		t.Error("sentence 0 sees its own annotations in the gazetteer")
	}
	bufs = st.extract(sents[1], owns[1], nil)
	if !hasGaz(bufs, 0) {
		t.Error("sentence 1 does not see Vejle, annotated in sentence 0")
	}
	bufs = st.extract([]string{"Kjeld", "Vejle"}, nil, nil)
	if !hasGaz(bufs, 0) || !hasGaz(bufs, 1) {
		t.Error("new text does not see the gazetteer")
	}
}
