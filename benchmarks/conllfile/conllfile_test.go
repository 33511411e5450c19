package conllfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/conll2003"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/internal/readertest"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/internal/testenv"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  Format
		err   string // non-empty: the error Detect must return
	}{
		{"two columns IOB2", "Hans\tB-PER\nbor\tO\n\nAarhus\tB-LOC\n", CoNLL, ""},
		{"space-separated IOB2", "Hans NNP B-PER\nbor VB O\n", CoNLL, ""},
		{"IOB2 with an irregular chunk", "Nat\tB-PER\nKing\tI-PER\nCole\tI-LOC\n", CoNLL, ""},
		{"IOB2 with document lines", "-DOCSTART- -X- O O\n\nEU NNP B-ORG O\n", CoNLL, ""},
		{"IOB1 with document lines", "-DOCSTART- -X- -X- O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\n", CoNLL2003, ""},
		{"IOB1 B- between two chunks", "-DOCSTART- -X- -X- O\n\nA NN I-NP I-LOC\nB NN I-NP B-LOC\n", CoNLL2003, ""},
		{"CoNLL-U", "# sent_id = a\n1\tHans\t_\tPROPN\t_\t_\t_\t_\t_\tname=B-PER\n", CoNLLU, ""},
		{"CoNLL-U starting with a multiword token", "1-2\tdu'r\t_\t_\t_\t_\t_\t_\t_\t_\n1\tdu\t_\t_\t_\t_\t_\t_\t_\tname=O\n", CoNLLU, ""},
		{"CoNLL-U name after other MISC fields", "1\tHans\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No|name=B-PER\n", CoNLLU, ""},
		{"CoNLL-U without name=", "# sent_id = a\n1\tHans\t_\tPROPN\t_\t_\t_\t_\t_\tSpaceAfter=No\n", Auto,
			`f:2: format cannot be detected: ten tab-separated columns with a numeric ID look like CoNLL-U, but MISC "SpaceAfter=No" has no name=TAG field; pass --format conll with --tag-column N to read the tag from column N`},
		{"IOB1 without document lines", "\nEU\tI-ORG\nrejects\tO\nGerman\tI-MISC\n", Auto,
			"f:2: format cannot be detected: 2 chunks start with I- and none with B-, as in IOB1 (CoNLL-2003), but there are no -DOCSTART- lines; pass --format conll2003 to read the tags as IOB1, or --format conll to read them as IOB2 with irregular chunks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect([]byte(tc.input), "f")
			if tc.err != "" {
				if !errors.Is(err, ErrAmbiguous) || err.Error() != tc.err {
					t.Fatalf("got error %v, want %q wrapping ErrAmbiguous", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRead(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		opts   Options
		format Format
		want   []benchmarks.Sentence
	}{
		{
			name: "last column by default", input: "Hans\tB-PER\tO\nbor\tO\tB-X\n",
			format: CoNLL,
			want:   []benchmarks.Sentence{{ID: "test-1", Line: 1, Words: []string{"Hans", "bor"}, Tags: []string{"O", "B-X"}}},
		},
		{
			name: "tag column 2", input: "Hans\tB-PER\tO\nbor\tO\tB-X\n", opts: Options{TagColumn: 2},
			format: CoNLL,
			want:   []benchmarks.Sentence{{ID: "test-1", Line: 1, Words: []string{"Hans", "bor"}, Tags: []string{"B-PER", "O"}}},
		},
		{
			name: "IOB1 converted", input: "-DOCSTART- -X- -X- O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n",
			format: CoNLL2003,
			want: []benchmarks.Sentence{{ID: "test-1", Doc: "test-d1", Line: 3, Words: []string{"EU", "rejects"},
				Tags: []string{"B-ORG", "O"}, OrigTags: []string{"I-ORG", "O"}}},
		},
		{
			name: "document lines are no words in CoNLL", input: "-DOCSTART-\tO\n\nHans\tB-PER\n", opts: Options{Format: CoNLL},
			format: CoNLL,
			want:   []benchmarks.Sentence{{ID: "test-1", Doc: "test-d1", Line: 3, Words: []string{"Hans"}, Tags: []string{"B-PER"}}},
		},
		{
			name: "CoNLL-U", input: "# sent_id = s9\n1\tHans\t_\t_\t_\t_\t_\t_\t_\tname=B-PER\n",
			format: CoNLLU,
			want:   []benchmarks.Sentence{{ID: "s9", Line: 1, Words: []string{"Hans"}, Tags: []string{"B-PER"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dataset = "mine"
			c, f, err := Read(t.Context(), []byte(tc.input), "f", "test", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if f != tc.format {
				t.Errorf("got format %v, want %v", f, tc.format)
			}
			if diff := cmp.Diff(tc.want, c.Sentences); diff != "" {
				t.Errorf("sentences (-want +got):\n%s", diff)
			}
			if c.Dataset != "mine" || c.File != "f" || c.Split != "test" {
				t.Errorf("got corpus %q %q %q, want mine f test", c.Dataset, c.File, c.Split)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, input string
		opts        Options
		target      error
		message     string
	}{
		{"column count changes", "Hans\tB-PER\tO\nbor\tO\n", Options{}, benchmarks.ErrColumns, "f:2: want 3 columns, got 2"},
		{"one column", "Hans\nbor\n", Options{Format: CoNLL}, benchmarks.ErrColumns, "f:1: want a word and a tag column, got 1 column"},
		{"tag column too large", "Hans\tB-PER\n", Options{TagColumn: 3}, benchmarks.ErrColumns, "f:1: tag column 3: want 2 to 2, the number of columns of the first word line"},
		{"IOBES tag", "Hans\tS-PER\n", Options{}, benchmarks.ErrTag, `f:1: invalid tag "S-PER": want O, B-TYPE or I-TYPE`},
		{"empty file", "\n\n", Options{}, benchmarks.ErrEmpty, "f: no sentences"},
		{"CoNLL-U without name=", "1\tHans\t_\t_\t_\t_\t_\t_\t_\tname=B-PER\n\n1\tbor\t_\t_\t_\t_\t_\t_\t_\t_\n", Options{}, benchmarks.ErrMissing, `f:3: no name= field in MISC "_"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Read(t.Context(), []byte(tc.input), "f", "test", tc.opts)
			readertest.ParseError(t, err, tc.target, tc.message)
		})
	}
}

// TestReadBenchmarkFiles checks that the real benchmark files, read as
// user files with their format detected, give the same sentences as the
// dataset readers, and that DaN+ (outer level, column 2) has the counts of
// shared/data/SOURCES.md section 2b.
func TestReadBenchmarkFiles(t *testing.T) {
	data := testenv.DataDir(t)
	type load func() (*benchmarks.Corpus, error)
	tests := []struct {
		name   string
		file   string
		format Format
		want   load
	}{
		{"plank", "plank/da_ddt-ud-ner-dev.conll", CoNLL, func() (*benchmarks.Corpus, error) {
			return plank.Load(t.Context(), filepath.Join(data, "plank"), "dev")
		}},
		{"dane", "dane/ddt.test.conllu", CoNLLU, func() (*benchmarks.Corpus, error) {
			return dane.Load(t.Context(), filepath.Join(data, "dane"), "test")
		}},
		{"conll2003", "conll2003/eng.testb", CoNLL2003, func() (*benchmarks.Corpus, error) {
			return conll2003.Load(t.Context(), filepath.Join(data, "conll2003"), "test")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(data, tc.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.want()
			if err != nil {
				t.Fatal(err)
			}
			got, f, err := Read(t.Context(), b, path, want.Split, Options{Dataset: want.Dataset})
			if err != nil {
				t.Fatal(err)
			}
			if f != tc.format {
				t.Errorf("got format %v, want %v", f, tc.format)
			}
			got.TypeLines, want.TypeLines = nil, nil
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("corpus (-dataset reader +conllfile):\n%s", diff)
			}
		})
	}
	t.Run("danplus outer level", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(data, "plank/danplus/da_news_test.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		c, f, err := Read(t.Context(), b, "da_news_test.tsv", "test", Options{TagColumn: 2})
		if err != nil {
			t.Fatal(err)
		}
		if f != CoNLL {
			t.Errorf("got format %v, want %v", f, CoNLL)
		}
		// SOURCES.md section 2b, outer-level test counts.
		want := map[string]int{"LOC": 85, "LOCderiv": 30, "LOCpart": 5, "MISC": 43, "MISCderiv": 1, "ORG": 156, "ORGderiv": 5, "ORGpart": 16, "PER": 179, "PERpart": 6}
		st := c.Stats()
		if diff := cmp.Diff(want, st.Entities); diff != "" {
			t.Errorf("entities (-want +got):\n%s", diff)
		}
		if st.Sentences != dane.TestSentences || st.Total() != 526 {
			t.Errorf("got %d sentences and %d entities, want %d and 526", st.Sentences, st.Total(), dane.TestSentences)
		}
	})
}

// FuzzRead checks that no input makes Detect or Read panic, and that what
// Read returns is a parse error, an ambiguity or a valid corpus.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"Hans\tB-PER\n\nbor\tO\n", "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\n", "EU\tI-ORG\n",
		"1\tHans\t_\t_\t_\t_\t_\t_\t_\tname=B-PER\n", "# c\n\n", "\xef\xbb\xbfa\tO\r\n", "-DOCSTART-\n",
	} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, input string, col int) {
		if _, err := Detect([]byte(input), "fuzz"); err != nil && !errors.Is(err, ErrAmbiguous) {
			var pe *benchmarks.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Detect: got error %v of type %T", err, err)
			}
		}
		c, _, err := Read(t.Context(), []byte(input), "fuzz", "test", Options{TagColumn: col % 4})
		if errors.Is(err, ErrAmbiguous) || (err != nil && col%4 != 0) {
			return
		}
		readertest.Corpus(t, c, err)
	})
}
