package fetch

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/testenv"
)

// server serves copies of the reference data the way the canonical sources
// do: /ddt.zip (zipped on the fly from <data>/dane), /plank/<file> (raw
// files) and /panx_dataset.tar (a tar holding de.tar.gz and da.tar.gz,
// built from synthetic WikiANN files, since no real copy is available).
// Under /truncated/ every answer declares its full length but stops half
// way; under /wrong/ the DaNE train member holds the dev split (valid
// CoNLL-U, wrong counts) and Plank files get one extra separator line
// (same counts, wrong digest); /error/ answers 500.
func server(t *testing.T, data string) *httptest.Server {
	t.Helper()
	read := func(elem ...string) []byte {
		b, err := os.ReadFile(filepath.Join(append([]string{data}, elem...)...))
		if err != nil {
			t.Error(err)
		}
		return b
	}
	daneZip := func(wrong bool) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range []string{"ddt.train.conllu", "ddt.dev.conllu", "ddt.test.conllu"} {
			src := name
			if wrong && name == "ddt.train.conllu" {
				src = "ddt.dev.conllu"
			}
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(read("dane", src))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	panx := panxTar(t, wikiannFiles(5242))
	mux := http.NewServeMux()
	mux.HandleFunc("/{mode}/{file...}", func(w http.ResponseWriter, r *http.Request) {
		mode, file := r.PathValue("mode"), r.PathValue("file")
		if mode == "error" {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		var body []byte
		switch {
		case file == "ddt.zip":
			body = daneZip(mode == "wrong")
		case strings.HasPrefix(file, "plank/"):
			body = read("plank", strings.TrimPrefix(file, "plank/"))
			if mode == "wrong" {
				body = append(body, "\t\n"...)
			}
		case file == "panx_dataset.tar":
			body = panx
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if mode == "truncated" {
			body = body[:len(body)/2]
		}
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// wikiannFiles returns synthetic train, dev and test files in the WikiANN
// format with the split sizes of Rahimi et al. (2019) and the expected test
// entity counts, except that the test split has loc LOC entities.
func wikiannFiles(loc int) map[string]string {
	files := map[string]string{}
	for split, n := range map[string]int{"train": 20000, "dev": 10000, "test": 10000} {
		var types []string
		if split == "test" {
			for typ, k := range map[string]int{"LOC": loc, "PER": 4378, "ORG": 4078} {
				for range k {
					types = append(types, typ)
				}
			}
		}
		var b strings.Builder
		for i := range n {
			b.WriteString("da:Ord\tO\n")
			for j := i; j < len(types); j += n {
				fmt.Fprintf(&b, "da:Navn\tB-%s\nda:og\tO\n", types[j])
			}
			b.WriteString("\n")
		}
		files[split] = b.String()
	}
	return files
}

// panxTar returns a tar holding de.tar.gz (empty) and da.tar.gz, which
// holds the given files under "da/".
func panxTar(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var gzBuf bytes.Buffer
	gz := gzip.NewWriter(&gzBuf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"train", "dev", "test", "extra"} {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: "da/" + name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	outer := tar.NewWriter(&out)
	for _, m := range []struct {
		name string
		body []byte
	}{{"panx_dataset/de.tar.gz", []byte("not read")}, {"panx_dataset/da.tar.gz", gzBuf.Bytes()}} {
		if err := outer.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		outer.Write(m.body)
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// options points every source at srv under mode.
func options(srv *httptest.Server, mode string) Options {
	base := srv.URL + "/" + mode + "/"
	return Options{
		DaNEURL:    base + "ddt.zip",
		PlankURL:   base + "plank/",
		WikiANNURL: base + "panx_dataset.tar",
		Client:     srv.Client(),
	}
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFetch(t *testing.T) {
	data := testenv.DataDir(t)
	srv := server(t, data)
	tests := []struct {
		dataset string
		from    string
		files   []string
	}{
		{"dane", "", []string{"ddt.dev.conllu", "ddt.test.conllu", "ddt.train.conllu"}},
		{"plank", "", []string{"da_ddt-ud-ner-dev.conll", "da_ddt-ud-ner-test.conll", "da_ddt-ud-ner-train-10k.conll", "da_ddt-ud-ner-train-5k.conll"}},
		{"wikiann", "", []string{"dev", "test", "train"}},
		{"conll2003", filepath.Join(data, "conll2003"), []string{"eng.testa", "eng.testb", "eng.train"}},
		{"dane", filepath.Join(data, "dane"), []string{"ddt.dev.conllu", "ddt.test.conllu", "ddt.train.conllu"}},
	}
	for _, tc := range tests {
		t.Run(tc.dataset+"/from="+strconv.FormatBool(tc.from != ""), func(t *testing.T) {
			root := t.TempDir()
			var log bytes.Buffer
			opts := options(srv, "ok")
			opts.From, opts.Log = tc.from, &log
			res, err := Fetch(t.Context(), tc.dataset, root, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.files, listDir(t, filepath.Join(root, tc.dataset))); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("got warnings %q, want none", res.Warnings)
			}
			for _, name := range tc.files {
				info, err := os.Stat(filepath.Join(root, tc.dataset, name))
				if err != nil {
					t.Fatal(err)
				}
				if got := info.Mode().Perm(); got != FileMode {
					t.Errorf("%s: got mode %v, want %v", name, got, FileMode)
				}
			}
			for _, sp := range res.Splits {
				fig := Expected[tc.dataset][sp.Name]
				if sp.Stats.Sentences != fig.Sentences {
					t.Errorf("%s: got %d sentences, want %d", sp.Name, sp.Stats.Sentences, fig.Sentences)
				}
				if want := filepath.Join(root, tc.dataset, fig.File); sp.Path != want {
					t.Errorf("%s: got path %q, want %q", sp.Name, sp.Path, want)
				}
			}
			if !strings.Contains(log.String(), "verified "+tc.dataset+" test: ") {
				t.Errorf("got log %q, want a line verifying the test split", log.String())
			}
		})
	}
}

func TestFetchPlankFilesEqualSource(t *testing.T) {
	data := testenv.DataDir(t)
	srv := server(t, data)
	root := t.TempDir()
	if _, err := Fetch(t.Context(), "plank", root, options(srv, "ok")); err != nil {
		t.Fatal(err)
	}
	for _, fig := range Expected["plank"] {
		got, err := os.ReadFile(filepath.Join(root, "plank", fig.File))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(data, "plank", fig.File))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the served file", fig.File)
		}
	}
}

// TestFetchFailures checks that each failure ends in a clear error and
// leaves no new file in the dataset folder, and that a file already there
// is kept as it was.
func TestFetchFailures(t *testing.T) {
	data := testenv.DataDir(t)
	srv := server(t, data)
	tests := []struct {
		name     string
		dataset  string
		mode     string
		from     string
		target   error
		contains string
	}{
		{"dane truncated", "dane", "truncated", "", nil, "truncated after"},
		{"plank truncated", "plank", "truncated", "", nil, "truncated after"},
		{"wikiann truncated", "wikiann", "truncated", "", nil, "truncated after"},
		{"dane wrong counts", "dane", "wrong", "", ErrVerify, "dane train (ddt.zip:ddt.train.conllu): got 564 sentences, want 4383; got 10332 tokens, want 80378; got 111 LOC entities, want 945"},
		{"plank wrong digest", "plank", "wrong", "", ErrVerify, "got SHA-256"},
		{"dane server error", "dane", "error", "", nil, "500 Internal Server Error"},
		{"plank server error", "plank", "error", "", nil, "500 Internal Server Error"},
		{"wikiann server error", "wikiann", "error", "", nil, "500 Internal Server Error"},
		{"conll2003 without a copy", "conll2003", "ok", "", ErrNoSource, "no public download"},
		{"conll2003 wrong copy", "conll2003", "ok", filepath.Join(data, "plank"), nil, "eng.testa: no such file"},
		{"unknown dataset", "germeval", "ok", "", ErrDataset, `unknown dataset "germeval": want one of conll2003, dane, plank, wikiann`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, tc.dataset)
			old := filepath.Join(dir, "keep")
			if tc.target != ErrDataset {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := options(srv, tc.mode)
			opts.From = tc.from
			res, err := Fetch(t.Context(), tc.dataset, root, opts)
			if err == nil {
				t.Fatalf("got result %+v, want an error", res)
			}
			t.Log(err)
			if tc.target != nil && !errors.Is(err, tc.target) {
				t.Errorf("got error %v, want one wrapping %v", err, tc.target)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("got error %q, want it to contain %q", err, tc.contains)
			}
			want := []string{"keep"}
			if tc.target == ErrDataset {
				want = nil
			}
			if diff := cmp.Diff(want, listDir(t, dir)); diff != "" {
				t.Errorf("files left in %s (-want +got):\n%s", dir, diff)
			}
		})
	}
}

// TestFetchFailureKeepsVerifiedFiles checks that a failed fetch leaves the
// files of an earlier, successful one untouched.
func TestFetchFailureKeepsVerifiedFiles(t *testing.T) {
	data := testenv.DataDir(t)
	srv := server(t, data)
	root := t.TempDir()
	if _, err := Fetch(t.Context(), "dane", root, options(srv, "ok")); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(root, "dane", "ddt.train.conllu"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Fetch(t.Context(), "dane", root, options(srv, "wrong")); !errors.Is(err, ErrVerify) {
		t.Fatalf("got error %v, want one wrapping %v", err, ErrVerify)
	}
	after, err := os.ReadFile(filepath.Join(root, "dane", "ddt.train.conllu"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("ddt.train.conllu changed after a failed fetch")
	}
	if diff := cmp.Diff([]string{"ddt.dev.conllu", "ddt.test.conllu", "ddt.train.conllu"}, listDir(t, filepath.Join(root, "dane"))); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// TestFetchSoftMismatch checks that figures marked Soft give warnings, not
// errors: the synthetic WikiANN test split has one LOC entity too few.
func TestFetchSoftMismatch(t *testing.T) {
	panx := panxTar(t, wikiannFiles(5241))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(panx) }))
	t.Cleanup(srv.Close)
	res, err := Fetch(t.Context(), "wikiann", t.TempDir(), Options{WikiANNURL: srv.URL + "/panx_dataset.tar?dl=1", Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"wikiann test: got 5241 LOC entities, want 5242 (unconfirmed figures: SOURCES.md section 4 (not checked on a real copy))"}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestFetchProgressBar(t *testing.T) {
	data := testenv.DataDir(t)
	srv := server(t, data)
	var log bytes.Buffer
	opts := options(srv, "ok")
	opts.Log, opts.Bar = &log, true
	if _, err := Fetch(t.Context(), "plank", t.TempDir(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "da_ddt-ud-ner-test.conll") {
		t.Errorf("got progress output %q, want the file name in it", log.String())
	}
}

func TestFetchCancelled(t *testing.T) {
	data := testenv.DataDir(t)
	srv := server(t, data)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	root := t.TempDir()
	_, err := Fetch(ctx, "plank", root, options(srv, "ok"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want %v", err, context.Canceled)
	}
	if got := listDir(t, filepath.Join(root, "plank")); len(got) != 0 {
		t.Errorf("got files %q, want none", got)
	}
}

// TestFetchFailureRemovesNewFolders checks that a failed fetch into a data
// folder that did not exist leaves no folder behind (issue 10, row 17), and
// that a data folder that existed before is kept.
func TestFetchFailureRemovesNewFolders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name string
		root string // under a temporary folder that exists
		want []string
	}{
		{"new data folder", "cache/nerbench", nil},
		{"existing data folder", ".", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			root := filepath.Join(base, tc.root)
			_, err := Fetch(t.Context(), "plank", root, Options{PlankURL: srv.URL + "/", Client: srv.Client()})
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if _, err := os.Stat(root); tc.root == "." && err != nil {
				t.Errorf("the data folder that existed is gone: %v", err)
			}
			if diff := cmp.Diff(tc.want, listDir(t, base)); diff != "" {
				t.Errorf("left in %s (-want +got):\n%s", base, diff)
			}
		})
	}
}

// TestFetchUnknownType checks that a tag of a type the dataset does not
// declare fails verification, naming the file and line, even where the
// figures are only soft (WikiANN has no MISC).
func TestFetchUnknownType(t *testing.T) {
	files := wikiannFiles(5242)
	files["dev"] += "da:EU\tB-MISC\n"
	panx := panxTar(t, files)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(panx) }))
	t.Cleanup(srv.Close)
	root := t.TempDir()
	_, err := Fetch(t.Context(), "wikiann", root, Options{WikiANNURL: srv.URL + "/panx_dataset.tar", Client: srv.Client()})
	if !errors.Is(err, ErrVerify) || !errors.Is(err, benchmarks.ErrType) {
		t.Fatalf("got error %v, want one wrapping %v and %v", err, ErrVerify, benchmarks.ErrType)
	}
	want := `fetch wikiann: verification failed: wikiann dev: panx_dataset.tar:panx_dataset/da.tar.gz:da/dev:20001: unknown entity type "MISC" in tag B-MISC: dataset wikiann declares LOC, ORG, PER`
	if err.Error() != want {
		t.Errorf("got error %q, want %q", err, want)
	}
	if got := listDir(t, root); len(got) != 0 {
		t.Errorf("got %q in the data folder, want nothing", got)
	}
}
