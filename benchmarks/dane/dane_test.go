package dane

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/readertest"
	"github.com/nerbench/nerbench/internal/testenv"
)

// conllu is a made-up CoNLL-U fragment in the layout of ddt.zip, with real
// LEMMA/HEAD/DEPREL values, name= among other MISC fields, a multiword
// token, an empty node and a sentence without sent_id.
const conllu = "# newdoc id = d1\n" +
	"# sent_id = dev-s7\n" +
	"# text = Hans bor i Aarhus.\n" +
	"1\tHans\tHans\tPROPN\t_\t_\t2\tnsubj\t_\tname=B-PER\n" +
	"2-3\tbor i\t_\t_\t_\t_\t_\t_\t_\t_\n" +
	"2\tbor\tbo\tVERB\t_\t_\t0\troot\t_\tname=O\n" +
	"3\ti\ti\tADP\t_\t_\t4\tcase\t_\tSpaceAfter=No|name=O\n" +
	"3.1\tmed\t_\t_\t_\t_\t_\t_\t2:dep\t_\n" +
	"4\tAarhus\tAarhus\tPROPN\t_\t_\t2\tobl\t_\tname=B-LOC|SpaceAfter=No\n" +
	"5\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\tname=O\n" +
	"\n" +
	"1\tDSB\tDSB\tPROPN\t_\t_\t0\troot\t_\tname=B-ORG\n"

func TestReadCoNLLU(t *testing.T) {
	c, err := ReadCoNLLU(t.Context(), strings.NewReader(conllu), "ddt.dev.conllu", "dev")
	if err != nil {
		t.Fatal(err)
	}
	want := []benchmarks.Sentence{
		{ID: "dev-s7", Line: 1, Words: []string{"Hans", "bor", "i", "Aarhus", "."}, Tags: []string{"B-PER", "O", "O", "B-LOC", "O"}},
		{ID: "dev-2", Line: 12, Words: []string{"DSB"}, Tags: []string{"B-ORG"}},
	}
	if diff := cmp.Diff(want, c.Sentences); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}

func TestReadCoNLLUIrregular(t *testing.T) {
	input := "# sent_id = x\n1\tNat\t_\t_\t_\t_\t_\t_\t_\tname=B-PER\n2\tCole\t_\t_\t_\t_\t_\t_\t_\tname=I-LOC\n"
	c, err := ReadCoNLLU(t.Context(), strings.NewReader(input), "f", "test")
	if err != nil {
		t.Fatal(err)
	}
	want := []benchmarks.Irregularity{{Sentence: "x", Line: 3, Word: 1, Tag: "I-LOC", Reason: "I-LOC follows B-PER"}}
	if diff := cmp.Diff(want, c.Irregular); diff != "" {
		t.Errorf("irregularities (-want +got):\n%s", diff)
	}
}

func TestReadCoNLLUErrors(t *testing.T) {
	const ok = "1\tHans\t_\t_\t_\t_\t_\t_\t_\tname=B-PER\n"
	tests := []struct {
		name    string
		input   string
		target  error
		message string
	}{
		{"nine columns", ok + "2\tbor\t_\t_\t_\t_\t_\t_\tname=O\n", benchmarks.ErrColumns, "f.conllu:2: want 10 columns, got 9"},
		{"missing name", ok + "2\tbor\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n", benchmarks.ErrMissing, `f.conllu:2: no name= field in MISC "SpaceAfter=No"`},
		{"MISC underscore", "1\tbor\t_\t_\t_\t_\t_\t_\t_\t_\n", benchmarks.ErrMissing, `f.conllu:1: no name= field in MISC "_"`},
		{"bad tag", "1\tHans\t_\t_\t_\t_\t_\t_\t_\tname=PER\n", benchmarks.ErrTag, `f.conllu:1: invalid tag "PER": want O, B-TYPE or I-TYPE`},
		{"non-UTF-8", "# text = K\xf8ge\n" + ok, benchmarks.ErrEncoding, "f.conllu:1: invalid UTF-8 byte 0xf8 at column 11"},
		{"empty file", "", benchmarks.ErrEmpty, "f.conllu: no sentences"},
		{"comments only", "# sent_id = a\n# text = x\n\n" + ok, benchmarks.ErrMissing, "f.conllu:1: sentence has comments but no tokens"},
		{"bad ID", "x\tHans\t_\t_\t_\t_\t_\t_\t_\tname=O\n", nil, `f.conllu:1: invalid token ID "x": want a positive integer, a range or a decimal`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCoNLLU(t.Context(), strings.NewReader(tc.input), "f.conllu", "test")
			readertest.ParseError(t, err, tc.target, tc.message)
		})
	}
}

func TestReadJSONL(t *testing.T) {
	input := `{"tokens": ["Hans", "bor", "i", "\u00c5rhus"], "pos_tags": ["PROPN", "VERB", "ADP", "PROPN"], "ner_tags": ["B-PER", "O", "O", "B-LOC"]}` + "\n" +
		"\n" +
		`{"tokens": ["DSB"], "ner_tags": ["B-ORG"]}`
	c, err := ReadJSONL(t.Context(), strings.NewReader(input), "test.jsonl", "test")
	if err != nil {
		t.Fatal(err)
	}
	want := []benchmarks.Sentence{
		{ID: "test-1", Line: 1, Words: []string{"Hans", "bor", "i", "Århus"}, Tags: []string{"B-PER", "O", "O", "B-LOC"}},
		{ID: "test-2", Line: 3, Words: []string{"DSB"}, Tags: []string{"B-ORG"}},
	}
	if diff := cmp.Diff(want, c.Sentences); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}

func TestReadJSONLErrors(t *testing.T) {
	const ok = `{"tokens": ["a"], "ner_tags": ["O"]}` + "\n"
	tests := []struct {
		name    string
		input   string
		target  error
		message string
	}{
		{"bad JSON", ok + `{"tokens": ["a"], "ner_tags": ["O"]` + "\n", nil, "f.jsonl:2: want a JSON object: unexpected end of JSON input"},
		{"not an object", "[1, 2]\n", nil, "f.jsonl:1: want a JSON object: json: cannot unmarshal array into Go value of type dane.jsonSentence"},
		{"no tokens", `{"ner_tags": ["O"]}`, benchmarks.ErrMissing, `f.jsonl:1: no "tokens" field`},
		{"no tags", `{"tokens": ["a"]}`, benchmarks.ErrMissing, `f.jsonl:1: no "ner_tags" field`},
		{"count mismatch", `{"tokens": ["a", "b"], "ner_tags": ["O"]}`, benchmarks.ErrColumns, "f.jsonl:1: want as many ner_tags as tokens, got 1 tags for 2 tokens"},
		{"empty sentence", `{"tokens": [], "ner_tags": []}`, benchmarks.ErrMissing, "f.jsonl:1: sentence has no tokens"},
		{"bad tag", `{"tokens": ["a", "b"], "ner_tags": ["O", "X-PER"]}`, benchmarks.ErrTag, `f.jsonl:1: token 2: invalid tag "X-PER": want O, B-TYPE or I-TYPE`},
		{"non-UTF-8", "{\"tokens\": [\"\xff\"], \"ner_tags\": [\"O\"]}", benchmarks.ErrEncoding, "f.jsonl:1: invalid UTF-8 byte 0xff at column 14"},
		{"empty file", "\n", benchmarks.ErrEmpty, "f.jsonl: no sentences"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadJSONL(t.Context(), strings.NewReader(tc.input), "f.jsonl", "test")
			readertest.ParseError(t, err, tc.target, tc.message)
		})
	}
}

func TestLoadUnknownSplit(t *testing.T) {
	for name, load := range map[string]func(context.Context, string, string) (*benchmarks.Corpus, error){
		"Load": Load, "LoadJSONL": LoadJSONL,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load(t.Context(), t.TempDir(), "validation")
			readertest.UnknownSplit(t, err, "want one of train, dev, test")
		})
	}
}

func TestLoadJSONLWrongTrainSize(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, TrainJSONL), []byte(`{"tokens": ["a"], "ner_tags": ["O"]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadJSONL(t.Context(), dir, "dev")
	if err == nil || !strings.Contains(err.Error(), "got 1 sentences, want 4947") {
		t.Errorf("got error %v, want one saying %q", err, "got 1 sentences, want 4947")
	}
}

// realCounts are the DaNE figures of Hvingelby et al. (2020), as
// quoted in issue 2 from the thesis and checked in shared/data/SOURCES.md section 1
// (sentences, per-type entities, tokens).
var realCounts = []struct {
	split               string
	sentences, tokens   int
	loc, per, org, misc int
}{
	{"train", 4383, 80378, 945, 1249, 802, 1007},
	{"dev", 564, 10332, 111, 166, 90, 113},
	{"test", 565, 10023, 96, 180, 161, 121},
}

func TestLoadReal(t *testing.T) {
	dir := testenv.DataDir(t, "dane")
	for _, tc := range realCounts {
		want := benchmarks.Stats{
			Dataset: Name, Split: tc.split, Sentences: tc.sentences, Tokens: tc.tokens,
			Entities: map[string]int{"LOC": tc.loc, "PER": tc.per, "ORG": tc.org, "MISC": tc.misc},
		}
		for name, load := range map[string]func(context.Context, string, string) (*benchmarks.Corpus, error){
			"CoNLL-U": Load, "JSONL": LoadJSONL,
		} {
			t.Run(tc.split+"/"+name, func(t *testing.T) {
				c, err := load(t.Context(), dir, tc.split)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, c.Stats()); diff != "" {
					t.Errorf("stats (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestJSONLMatchesCoNLLU checks that the two copies of DaNE hold the same
// words and tags, sentence for sentence, in every split.
func TestJSONLMatchesCoNLLU(t *testing.T) {
	dir := testenv.DataDir(t, "dane")
	for _, split := range splits {
		t.Run(split, func(t *testing.T) {
			u, err := Load(t.Context(), dir, split)
			if err != nil {
				t.Fatal(err)
			}
			j, err := LoadJSONL(t.Context(), dir, split)
			if err != nil {
				t.Fatal(err)
			}
			if len(u.Sentences) != len(j.Sentences) {
				t.Fatalf("got %d CoNLL-U and %d JSONL sentences", len(u.Sentences), len(j.Sentences))
			}
			for i := range u.Sentences {
				if diff := cmp.Diff(u.Sentences[i].Words, j.Sentences[i].Words); diff != "" {
					t.Fatalf("sentence %d (%s, %s:%d) words (-CoNLL-U +JSONL):\n%s", i+1, u.Sentences[i].ID, j.File, j.Sentences[i].Line, diff)
				}
				if diff := cmp.Diff(u.Sentences[i].Tags, j.Sentences[i].Tags); diff != "" {
					t.Fatalf("sentence %d (%s, %s:%d) tags (-CoNLL-U +JSONL):\n%s", i+1, u.Sentences[i].ID, j.File, j.Sentences[i].Line, diff)
				}
			}
		})
	}
}

// TestEmbeddedMatchesData checks that the embedded test split equals the
// data folder's ddt.test.conllu sentence for sentence.
func TestEmbeddedMatchesData(t *testing.T) {
	dir := testenv.DataDir(t, "dane")
	want, err := Load(t.Context(), dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.File != EmbeddedFile {
		t.Errorf("got file %q, want %q", got.File, EmbeddedFile)
	}
	got.File = want.File
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("embedded test split differs from %s (-data +embedded):\n%s", want.File, diff)
	}
}

func TestLoadEmbedded(t *testing.T) {
	c, err := LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Hvingelby et al. (2020), via issue 2: test LOC 96, PER 180, ORG 161, MISC 121.
	want := benchmarks.Stats{
		Dataset: Name, Split: "test", Sentences: 565, Tokens: 10023,
		Entities: map[string]int{"LOC": 96, "PER": 180, "ORG": 161, "MISC": 121},
	}
	if diff := cmp.Diff(want, c.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if got, want := c.Sentences[0].ID, "test-s1"; got != want {
		t.Errorf("got first ID %q, want %q", got, want)
	}
}

func FuzzDaneCoNLLU(f *testing.F) {
	for _, seed := range []string{
		conllu,
		"1\tHans\t_\t_\t_\t_\t_\t_\t_\tname=B-PER\n2\tbor\t_\t_\t_\t_\t_\t_\tname=O\n",
		"# sent_id = a\n\n",
		"1-2\ta\t_\t_\t_\t_\t_\t_\t_\t_\n",
		"0\ta\t_\t_\t_\t_\t_\t_\t_\tname=I-X|name=O\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c, err := ReadCoNLLU(context.Background(), strings.NewReader(input), "fuzz", "test")
		readertest.Corpus(t, c, err)
	})
}

func FuzzDaneJSONL(f *testing.F) {
	for _, seed := range []string{
		`{"tokens": ["Hans", "bor"], "ner_tags": ["B-PER", "O"]}` + "\n" + `{"tokens": ["DSB"], "ner_tags": ["I-ORG"]}`,
		`{"tokens": ["a", "b"], "ner_tags": ["O"]}`,
		`{"tokens": [""], "ner_tags": ["O"]}`,
		`{"tokens": null, "ner_tags": null}`,
		`[1]`,
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c, err := ReadJSONL(context.Background(), strings.NewReader(input), "fuzz", "test")
		readertest.Corpus(t, c, err)
	})
}

// TestCheckTypesLine checks that both DaNE readers record the line of an
// unknown entity type: the token line in CoNLL-U (past comments and a
// multiword token) and the sentence line in JSONL.
func TestCheckTypesLine(t *testing.T) {
	u := strings.Replace(conllu, "name=B-LOC", "name=B-XYZ", 1)
	j := `{"tokens": ["a"], "ner_tags": ["O"]}` + "\n\n" + `{"tokens": ["b", "c"], "ner_tags": ["B-PER", "I-XYZ"]}` + "\n"
	tests := []struct {
		name    string
		read    func() (*benchmarks.Corpus, error)
		message string
	}{
		{"CoNLL-U", func() (*benchmarks.Corpus, error) {
			return ReadCoNLLU(t.Context(), strings.NewReader(u), "ddt.dev.conllu", "dev")
		}, `ddt.dev.conllu:9: unknown entity type "XYZ" in tag B-XYZ: dataset dane declares LOC, MISC, ORG, PER`},
		{"JSONL", func() (*benchmarks.Corpus, error) {
			return ReadJSONL(t.Context(), strings.NewReader(j), "test.jsonl", "test")
		}, `test.jsonl:3: unknown entity type "XYZ" in tag I-XYZ: dataset dane declares LOC, MISC, ORG, PER`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.read()
			if err != nil {
				t.Fatal(err)
			}
			readertest.ParseError(t, c.CheckTypes(Dataset.Types), benchmarks.ErrType, tc.message)
		})
	}
}

// TestLoadJSONLOnly checks that a folder holding only the ScandEval copy
// (train.jsonl and test.jsonl) loads through Load, split by line number,
// with the same sentence IDs, words and tags as the CoNLL-U files (issue
// 10, row 13).
func TestLoadJSONLOnly(t *testing.T) {
	data := testenv.DataDir(t, "dane")
	dir := t.TempDir()
	for _, name := range []string{TrainJSONL, TestJSONL} {
		b, err := os.ReadFile(filepath.Join(data, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range realCounts {
		t.Run(tc.split, func(t *testing.T) {
			got, err := Dataset.Open(t.Context(), dir, tc.split, benchmarks.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, jsonlFile(tc.split)); got.File != want {
				t.Errorf("got file %q, want %q", got.File, want)
			}
			want, err := Load(t.Context(), data, tc.split) // the CoNLL-U copy
			if err != nil {
				t.Fatal(err)
			}
			type sent struct {
				ID          string
				Words, Tags []string
			}
			strip := func(c *benchmarks.Corpus) []sent {
				out := make([]sent, len(c.Sentences))
				for i, s := range c.Sentences {
					out[i] = sent{s.ID, s.Words, s.Tags}
				}
				return out
			}
			if diff := cmp.Diff(strip(want), strip(got)); diff != "" {
				t.Errorf("sentences (-CoNLL-U +JSONL):\n%s", diff)
			}
			if got.Sentences[0].Line != map[string]int{"train": 1, "dev": 4384, "test": 1}[tc.split] {
				t.Errorf("got first line %d", got.Sentences[0].Line)
			}
		})
	}
}

// TestLoadJSONLRefusesCounts checks that a JSON Lines file whose sentences
// do not fit the ScandEval layout is refused with its name.
func TestLoadJSONLRefusesCounts(t *testing.T) {
	one := `{"tokens": ["a"], "ner_tags": ["O"]}` + "\n"
	tests := []struct {
		name, file, content, split, message string
	}{
		{"short test", TestJSONL, one, "test", "test.jsonl: got 1 sentences, want 565 (DaNE test, 565 lines); not the ScandEval copy of DaNE"},
		{"short train", TrainJSONL, one, "train", "train.jsonl: got 1 sentences, want 4947 (DaNE train on lines 1-4383, then dev on lines 4384-4947); not the ScandEval copy of DaNE"},
		{"empty line shifts the split", TestJSONL, "\n" + strings.Repeat(one, 565), "test", "test.jsonl:566: sentence 565 is on line 566, want one sentence a line with no empty lines (DaNE test, 565 lines)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(t.Context(), dir, tc.split)
			readertest.ParseError(t, err, nil, filepath.Join(dir, tc.message))
		})
	}
}

// TestLoadMissing checks that a folder with neither copy of a split gives
// an error wrapping fs.ErrNotExist that names both files.
func TestLoadMissing(t *testing.T) {
	_, err := Load(t.Context(), t.TempDir(), "dev")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "ddt.dev.conllu") || !strings.Contains(err.Error(), TrainJSONL) {
		t.Errorf("got error %v, want one wrapping fs.ErrNotExist naming ddt.dev.conllu and %s", err, TrainJSONL)
	}
}
