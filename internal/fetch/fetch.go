// Package fetch downloads the benchmark datasets from their canonical public
// sources into the data folder and verifies their content before any file
// takes its final name.
//
// Sources: DaNE is ddt.zip of the DaNLP project, Plank (2019) the raw data
// files of github.com/bplank/danish_ner_transfer at a fixed commit, and
// WikiANN-da the member da.tar.gz of panx_dataset.tar, the archive of the
// Rahimi et al. (2019) splits. CoNLL-2003 cannot be downloaded (its text is
// Reuters' and may not be redistributed): the user supplies the files with
// Options.From, and Fetch copies and verifies them.
//
// Every file is first written to a temporary file in the dataset's folder.
// Fetch then parses each split with the dataset's reader and compares its
// sentence, token, document and per-type entity counts, and the SHA-256
// digest where the exact source bytes are known, to the figures in
// Expected. Only when every split of the dataset has passed are the files
// renamed to their final names, with mode 0644 (FileMode); on any failure
// the temporary files are removed, and so is any folder Fetch created, so
// that the data folder never holds a partial or unverified file nor an empty
// dataset folder. A tag whose entity type the dataset does not declare
// fails verification.
package fetch

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/conll2003"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	"github.com/nerbench/nerbench/benchmarks/wikiann"
)

// Canonical sources.
const (
	// DaNEURL is the DaNLP download of DaNE, a zip archive holding
	// ddt.{train,dev,test}.conllu.
	DaNEURL = "https://danlp-downloads.alexandra.dk/datasets/ddt.zip"
	// PlankURL is the folder of the Plank (2019) data files at commit
	// 55f314beddec90e554095c5a139f49c3a473f63b of
	// github.com/bplank/danish_ner_transfer; file names are appended.
	PlankURL = "https://raw.githubusercontent.com/bplank/danish_ner_transfer/55f314beddec90e554095c5a139f49c3a473f63b/data/"
	// WikiANNURL is panx_dataset.tar, linked from
	// github.com/afshinrahimi/mmner; it holds one <lang>.tar.gz per
	// language, each with the files train, dev and test.
	WikiANNURL = "https://www.dropbox.com/s/12h3qqog6q4bjve/panx_dataset.tar?dl=1"
)

// wikiannMember is the member of panx_dataset.tar that holds Danish.
const wikiannMember = "da.tar.gz"

// FileMode is the permission of the files Fetch writes.
const FileMode fs.FileMode = 0o644

// maxFile bounds the size of one extracted file, against corrupt or
// malicious archives. The largest real split (CoNLL-2003 eng.train) is
// 3.3 MB.
const maxFile = 1 << 30

// Errors returned by Fetch, wrapped with detail.
var (
	// ErrVerify means a file did not match its expected figures.
	ErrVerify = errors.New("verification failed")
	// ErrNoSource means the dataset cannot be downloaded and Options.From
	// must name a folder with the user's copy.
	ErrNoSource = errors.New("no public download")
	// ErrDataset means the dataset name is unknown.
	ErrDataset = errors.New("unknown dataset")
)

// Options configures Fetch. The zero value downloads from the canonical
// sources with http.DefaultClient and reports nothing.
type Options struct {
	// DaNEURL, PlankURL and WikiANNURL replace the canonical sources of the
	// same names when not empty (tests point them at a local server).
	// PlankURL is a folder URL to which the file names are appended.
	DaNEURL, PlankURL, WikiANNURL string
	// From, when not empty, names a local folder holding the dataset's
	// files under their final names (as in the data folder); they are
	// copied and verified instead of downloaded. It is required for
	// conll2003.
	From string
	// Client makes the HTTP requests; nil means http.DefaultClient.
	Client *http.Client
	// Log receives progress messages, one a line; nil discards them.
	Log io.Writer
	// Bar draws a progress bar on Log for each download instead of plain
	// lines; set it when Log is a terminal.
	Bar bool
}

// Split is one verified split in a Result.
type Split struct {
	Name   string
	Path   string // the file's final path
	SHA256 string // hex digest of the file
	Stats  benchmarks.Stats
	// Irregular lists the split's irregular chunk sequences, kept as they
	// are in the file (see benchmarks.Corpus.Irregular).
	Irregular []benchmarks.Irregularity
}

// Result describes a completed fetch.
type Result struct {
	Dataset string
	Dir     string // the dataset's folder
	Splits  []Split
	// Warnings lists mismatches with figures that are not confirmed
	// (Figures.Soft); they do not fail the fetch.
	Warnings []string
}

// reader parses one split of a dataset.
type reader func(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error)

// types are the entity types each dataset declares; verify refuses any
// other (benchmarks.ErrType).
var types = map[string][]string{
	dane.Name:      dane.Dataset.Types,
	plank.Name:     plank.Dataset.Types,
	wikiann.Name:   wikiann.Dataset.Types,
	conll2003.Name: conll2003.Dataset.Types,
}

var readers = map[string]reader{
	dane.Name:      dane.ReadCoNLLU,
	plank.Name:     plank.Read,
	wikiann.Name:   wikiann.Read,
	conll2003.Name: conll2003.Read,
}

// Datasets returns the names of the datasets Fetch knows, sorted.
func Datasets() []string {
	return slices.Sorted(maps.Keys(Expected))
}

// staged is a split written to a temporary file, not yet verified.
type staged struct {
	split string
	label string // where the content came from, for messages
	tmp   string
}

// Fetch downloads (or, with Options.From, copies) dataset into
// <root>/<dataset>, verifies every split and only then gives the files
// their final names. It returns what it wrote.
func Fetch(ctx context.Context, dataset, root string, opts Options) (res *Result, err error) {
	figs, ok := Expected[dataset]
	if !ok {
		return nil, fmt.Errorf("%w %q: want one of %s", ErrDataset, dataset, strings.Join(Datasets(), ", "))
	}
	dir := filepath.Join(root, dataset)
	created, err := mkdirAll(dir)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", dataset, err)
	}
	f := &fetcher{ctx: ctx, dataset: dataset, dir: dir, figs: figs, opts: opts}
	defer func() {
		f.cleanup()
		if err != nil {
			for _, d := range slices.Backward(created) {
				os.Remove(d) // only an empty folder goes; one that holds anything stays
			}
		}
	}()

	switch {
	case opts.From != "":
		err = f.copyFrom(opts.From)
	case dataset == dane.Name:
		err = f.fromZip(or(opts.DaNEURL, DaNEURL))
	case dataset == plank.Name:
		err = f.files(or(opts.PlankURL, PlankURL))
	case dataset == wikiann.Name:
		err = f.fromTar(or(opts.WikiANNURL, WikiANNURL))
	default:
		err = fmt.Errorf("%w: %s must be supplied from a local copy (Options.From)", ErrNoSource, dataset)
	}
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", dataset, err)
	}
	res = &Result{Dataset: dataset, Dir: dir}
	for _, st := range f.staged {
		sp, warns, err := f.verify(st)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", dataset, err)
		}
		res.Splits = append(res.Splits, sp)
		res.Warnings = append(res.Warnings, warns...)
	}
	for i, st := range f.staged {
		if err := os.Rename(st.tmp, res.Splits[i].Path); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", dataset, err)
		}
		f.staged[i].tmp = ""
		f.logf("wrote %s", res.Splits[i].Path)
	}
	return res, nil
}

// mkdirAll creates dir and any missing parents with mode 0755 (before the
// umask) and returns the folders it created, outermost first.
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	slices.Reverse(missing)
	var created []string
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			for _, c := range slices.Backward(created) {
				os.Remove(c)
			}
			return nil, err
		} else if err == nil {
			created = append(created, d)
		}
	}
	return created, nil
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

type fetcher struct {
	ctx     context.Context
	dataset string
	dir     string
	figs    map[string]Figures
	opts    Options
	staged  []staged
	temps   []string // every temporary file, removed by cleanup
}

// splits returns the dataset's split names in a fixed order.
func (f *fetcher) splits() []string {
	return slices.Sorted(maps.Keys(f.figs))
}

func (f *fetcher) logf(format string, args ...any) {
	if f.opts.Log != nil {
		fmt.Fprintf(f.opts.Log, format+"\n", args...)
	}
}

// temp creates a temporary file in the dataset folder for name.
func (f *fetcher) temp(name string) (*os.File, error) {
	t, err := os.CreateTemp(f.dir, "."+name+".tmp-*")
	if err != nil {
		return nil, err
	}
	f.temps = append(f.temps, t.Name())
	return t, nil
}

// cleanup removes every temporary file that was not renamed.
func (f *fetcher) cleanup() {
	for _, t := range f.temps {
		os.Remove(t) // already renamed or removed: nothing to do
	}
}

// stage writes r to a temporary file for split.
func (f *fetcher) stage(split, label string, r io.Reader) error {
	t, err := f.temp(f.figs[split].File)
	if err != nil {
		return err
	}
	n, err := io.Copy(t, io.LimitReader(r, maxFile+1))
	if err == nil && n > maxFile {
		err = fmt.Errorf("%s: larger than %d bytes", label, int64(maxFile))
	}
	if err != nil {
		t.Close()
		return fmt.Errorf("%s: %w", label, err)
	}
	// os.CreateTemp makes the file 0600; a data file is for every user
	// of the data folder to read, as a file written by os.Create would be.
	if err := t.Chmod(FileMode); err != nil {
		t.Close()
		return err
	}
	if err := t.Close(); err != nil {
		return err
	}
	f.staged = append(f.staged, staged{split: split, label: label, tmp: t.Name()})
	return nil
}

// copyFrom stages the dataset's files from a local folder.
func (f *fetcher) copyFrom(from string) error {
	for _, split := range f.splits() {
		p := filepath.Join(from, f.figs[split].File)
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		f.logf("copying %s", p)
		err = f.stage(split, p, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// download fetches url into a new temporary file named after name and
// returns it, rewound. The caller closes it; cleanup removes it.
func (f *fetcher) download(url, name string) (*os.File, error) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	client := f.opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: server answered %s", url, resp.Status)
	}
	t, err := f.temp(name)
	if err != nil {
		return nil, err
	}
	var w io.Writer = t
	if f.opts.Log != nil && f.opts.Bar {
		bar := progressbar.NewOptions64(resp.ContentLength,
			progressbar.OptionSetWriter(f.opts.Log),
			progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(f.opts.Log) }),
		)
		defer bar.Exit()
		w = io.MultiWriter(t, bar)
	} else {
		f.logf("downloading %s", url)
	}
	n, err := io.Copy(w, resp.Body)
	switch {
	case err != nil && resp.ContentLength >= 0:
		err = fmt.Errorf("download %s: truncated after %d of %d bytes: %w", url, n, resp.ContentLength, err)
	case err != nil:
		err = fmt.Errorf("download %s: %w after %d bytes", url, err, n)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		err = fmt.Errorf("download %s: truncated: got %d of %d bytes", url, n, resp.ContentLength)
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	if !f.opts.Bar {
		f.logf("downloaded %d bytes", n)
	}
	if _, err := t.Seek(0, io.SeekStart); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// files downloads each split as base+file name.
func (f *fetcher) files(base string) error {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	for _, split := range f.splits() {
		name := f.figs[split].File
		t, err := f.download(base+name, name)
		if err != nil {
			return err
		}
		err = f.stage(split, base+name, t)
		t.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// byBase maps each split's file name to its split.
func (f *fetcher) byBase() map[string]string {
	m := map[string]string{}
	for split, fig := range f.figs {
		m[fig.File] = split
	}
	return m
}

// fromZip downloads a zip archive and stages the members whose base names
// are the splits' file names.
func (f *fetcher) fromZip(url string) error {
	name := path.Base(strings.SplitN(url, "?", 2)[0])
	t, err := f.download(url, name)
	if err != nil {
		return err
	}
	defer t.Close()
	info, err := t.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(t, info.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	want := f.byBase()
	for _, m := range zr.File {
		split, ok := want[path.Base(m.Name)]
		if !ok || m.FileInfo().IsDir() {
			continue
		}
		delete(want, path.Base(m.Name))
		rc, err := m.Open()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", name, m.Name, err)
		}
		err = f.stage(split, name+":"+m.Name, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return missing(name, want)
}

// fromTar downloads panx_dataset.tar and stages the splits from its member
// da.tar.gz.
func (f *fetcher) fromTar(url string) error {
	name := path.Base(strings.SplitN(url, "?", 2)[0])
	t, err := f.download(url, name)
	if err != nil {
		return err
	}
	defer t.Close()
	tr := tar.NewReader(t)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: no member %s", name, wikiannMember)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if h.Typeflag == tar.TypeReg && path.Base(h.Name) == wikiannMember {
			return f.fromTarGz(name+":"+h.Name, tr)
		}
	}
}

// fromTarGz stages the splits from a gzip-compressed tar stream.
func (f *fetcher) fromTarGz(label string, r io.Reader) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	want := f.byBase()
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		split, ok := want[path.Base(h.Name)]
		if !ok || h.Typeflag != tar.TypeReg {
			continue
		}
		delete(want, path.Base(h.Name))
		if err := f.stage(split, label+":"+h.Name, tr); err != nil {
			return err
		}
	}
	return missing(label, want)
}

// missing reports the file names still wanted from an archive.
func missing(archive string, want map[string]string) error {
	if len(want) == 0 {
		return nil
	}
	return fmt.Errorf("%s: no member %s", archive, strings.Join(slices.Sorted(maps.Keys(want)), ", "))
}

// verify parses a staged file and compares it with the split's figures.
func (f *fetcher) verify(st staged) (Split, []string, error) {
	fig := f.figs[st.split]
	sp := Split{Name: st.split, Path: filepath.Join(f.dir, fig.File)}
	file, err := os.Open(st.tmp)
	if err != nil {
		return sp, nil, err
	}
	defer file.Close()
	h := sha256.New()
	c, err := readers[f.dataset](f.ctx, io.TeeReader(file, h), st.label, st.split)
	if err != nil {
		return sp, nil, fmt.Errorf("%w: %s %s: %w", ErrVerify, f.dataset, st.split, err)
	}
	if err := c.CheckTypes(types[f.dataset]); err != nil {
		return sp, nil, fmt.Errorf("%w: %s %s: %w", ErrVerify, f.dataset, st.split, err)
	}
	if _, err := io.Copy(h, file); err != nil { // a reader may stop early
		return sp, nil, err
	}
	sp.SHA256 = hex.EncodeToString(h.Sum(nil))
	sp.Stats = c.Stats()
	sp.Irregular = c.Irregular
	hard, soft := compare(fig, sp.Stats)
	if fig.SHA256 != "" && sp.SHA256 != fig.SHA256 {
		hard = append(hard, fmt.Sprintf("got SHA-256 %s, want %s", sp.SHA256, fig.SHA256))
	}
	if len(hard) > 0 {
		return sp, nil, fmt.Errorf("%w: %s %s (%s): %s (expected figures: %s)",
			ErrVerify, f.dataset, st.split, st.label, strings.Join(hard, "; "), fig.Source)
	}
	var warns []string
	for _, s := range soft {
		warns = append(warns, fmt.Sprintf("%s %s: %s (unconfirmed figures: %s)", f.dataset, st.split, s, fig.Source))
	}
	f.logf("verified %s %s: %d sentences, %d tokens, %d entities", f.dataset, st.split, sp.Stats.Sentences, sp.Stats.Tokens, sp.Stats.Total())
	return sp, warns, nil
}

// compare lists the differences between a split's stats and its figures:
// hard ones fail verification, soft ones are warnings.
func compare(fig Figures, s benchmarks.Stats) (hard, soft []string) {
	check := func(what string, got, want int) {
		if want != 0 && got != want {
			hard = append(hard, fmt.Sprintf("got %d %s, want %d", got, what, want))
		}
	}
	check("sentences", s.Sentences, fig.Sentences)
	check("tokens", s.Tokens, fig.Tokens)
	check("documents", s.Documents, fig.Documents)
	if fig.Entities == nil {
		return hard, soft
	}
	types := slices.Sorted(maps.Keys(fig.Entities))
	for t := range s.Entities {
		if _, ok := fig.Entities[t]; !ok {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	for _, t := range types {
		got, want := s.Entities[t], fig.Entities[t]
		if got == want {
			continue
		}
		msg := fmt.Sprintf("got %d %s entities, want %d", got, t, want)
		if fig.Soft {
			soft = append(soft, msg)
		} else {
			hard = append(hard, msg)
		}
	}
	return hard, soft
}
