package corpus

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/nerbench/nerbench/internal/atomicfile"
	"github.com/nerbench/nerbench/internal/mediawiki"
)

// File names in a dataset folder.
const (
	DataFile        = "data.jsonl"
	EntityVocabFile = "entity-vocab.json"
	MetadataFile    = "metadata.json"
)

// Config configures [Build]. The zero value needs only NewTokenizer.
type Config struct {
	// NewTokenizer returns a tokenizer for one worker (Danish BERT's
	// WordPiece, lower case, accents kept). Required.
	NewTokenizer func() (Tokenizer, error)
	// WordVocabSize is the size of the tokenizer's vocabulary, written to
	// the metadata as vocab-size; 0 leaves it out.
	WordVocabSize int
	// Workers is the number of goroutines parsing pages; 0 means 1. The
	// output does not depend on it.
	Workers int
	// PagesPerTask is the number of consecutive pages one task parses; 0
	// means 64. The output does not depend on it.
	PagesPerTask int
	// Compat selects the reference's repeat_entities bug (see the package
	// documentation).
	Compat Compat
	// Progress, if set, is called after every task with the pass (1: count
	// links, 2: build sequences), the pages done in the pass and the bytes
	// of the dump file read.
	Progress func(pass int, pages, bytes, size int64)
}

// Metadata is metadata.json of a dataset.
type Metadata struct {
	NumberOfItems     int    `json:"number-of-items"`
	NumberOfEntities  int    `json:"number-of-entities"`
	MaxSeqLength      int    `json:"max-seq-length"`
	MaxEntities       int    `json:"max-entities"`
	MaxEntitySpan     int    `json:"max-entity-span"`
	MinSentenceLength int    `json:"min-sentence-length"`
	BaseModel         string `json:"base-model"`
	TokenizerClass    string `json:"tokenizer-class"`
	Language          string `json:"language"`
	VocabSize         int    `json:"vocab-size,omitempty"`
	// nerbench's additions.
	Compat    string `json:"nerbench-compat"`
	Pages     int    `json:"nerbench-pages"`
	Redirects int    `json:"nerbench-redirects"`
	Links     int    `json:"nerbench-entity-annotations"`
}

// ignoredByWikipedia2vec reports pages that wikipedia2vec's dump reader
// skips: the English namespace prefixes of its DEFAULT_IGNORED_NS.
func ignoredByWikipedia2vec(title string) bool {
	l := strings.ToLower(title)
	for _, p := range []string{"wikipedia:", "file:", "portal:", "template:", "mediawiki:", "user:", "help:", "book:", "draft:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// ordered runs work on the items next yields, in workers goroutines, and
// passes the results to emit in the order of the items. next returns io.EOF
// after the last item.
func ordered[T, R any](ctx context.Context, workers int, next func() (T, error), work func(T) (R, error), emit func(R) error) error {
	type job struct {
		in  T
		out chan R
	}
	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan job)
	slots := make(chan chan R, 2*workers)
	g.Go(func() error {
		defer close(jobs)
		defer close(slots)
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			in, err := next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			j := job{in, make(chan R, 1)}
			select {
			case slots <- j.out:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	for range workers {
		g.Go(func() error {
			for j := range jobs {
				r, err := work(j.in)
				if err != nil {
					return err
				}
				j.out <- r
			}
			return nil
		})
	}
	g.Go(func() error {
		for out := range slots {
			select {
			case r := <-out:
				if err := emit(r); err != nil {
					return err
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	return g.Wait()
}

// pass streams the dump in tasks of PagesPerTask pages through work and
// emit, in order.
func pass[R any](ctx context.Context, dump string, cfg *Config, n int, work func([]*mediawiki.Page) (R, error), emit func(R) error) error {
	d, err := mediawiki.Open(dump)
	if err != nil {
		return err
	}
	defer d.Close()
	type counted struct {
		r R
		n int
	}
	var pages int64
	next := func() ([]*mediawiki.Page, error) {
		var task []*mediawiki.Page
		for len(task) < cfg.PagesPerTask {
			p, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			task = append(task, p)
		}
		if len(task) == 0 {
			return nil, io.EOF
		}
		return task, nil
	}
	countedWork := func(task []*mediawiki.Page) (counted, error) {
		r, err := work(task)
		return counted{r, len(task)}, err
	}
	return ordered(ctx, cfg.Workers, next, countedWork, func(c counted) error {
		if err := emit(c.r); err != nil {
			return err
		}
		pages += int64(c.n)
		if cfg.Progress != nil {
			cfg.Progress(n, pages, d.BytesRead(), d.Size)
		}
		return nil
	})
}

// dumpDB is what the first pass learns of the dump: wikipedia2vec's dump DB
// without the paragraphs, and the link counts.
type dumpDB struct {
	pages     map[string]bool
	redirects map[string]string
	counts    map[string]int // by link title, not yet resolved
	links     int
}

type pass1 struct {
	pages     []string
	redirects [][2]string
	counts    map[string]int
	links     int
}

var parser mediawiki.Parser // wikipedia2vec knows only the English file namespaces

func (c *Config) parse(p *mediawiki.Page) []mediawiki.Paragraph {
	return parser.Parse(Augment(p.Text, p.Title, c.Compat))
}

func (c *Config) scan(ctx context.Context, dump string) (*dumpDB, error) {
	db := &dumpDB{pages: map[string]bool{}, redirects: map[string]string{}, counts: map[string]int{}}
	err := pass(ctx, dump, c, 1, func(task []*mediawiki.Page) (pass1, error) {
		r := pass1{counts: map[string]int{}}
		for _, p := range task {
			switch {
			case ignoredByWikipedia2vec(p.Title):
			case p.Redirect != "":
				r.redirects = append(r.redirects, [2]string{p.Title, mediawiki.NormalizeTitle(p.Redirect)})
			default:
				r.pages = append(r.pages, p.Title)
				for _, para := range c.parse(p) {
					for _, l := range para.Links {
						r.counts[l.Title]++
						r.links++
					}
				}
			}
		}
		return r, nil
	}, func(r pass1) error {
		for _, t := range r.pages {
			db.pages[t] = true
		}
		for _, rd := range r.redirects {
			db.redirects[rd[0]] = rd[1]
		}
		for t, n := range r.counts {
			db.counts[t] += n
		}
		db.links += r.links
		return nil
	})
	return db, err
}

// Build reads a pages-articles dump (".bz2" is decompressed) and writes the
// dataset folder out: data.jsonl, entity-vocab.json and metadata.json. It
// reads the dump twice: once for the pages, redirects and link counts that
// make the entity vocabulary, once to build the sequences.
func Build(ctx context.Context, dump, out string, cfg Config) (*Metadata, error) {
	if cfg.NewTokenizer == nil {
		return nil, errors.New("corpus: Config.NewTokenizer is nil")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.PagesPerTask <= 0 {
		cfg.PagesPerTask = 64
	}
	toks := make(chan Tokenizer, cfg.Workers)
	for range cfg.Workers {
		t, err := cfg.NewTokenizer()
		if err != nil {
			return nil, err
		}
		toks <- t
	}
	db, err := cfg.scan(ctx, dump)
	if err != nil {
		return nil, err
	}
	resolved := map[string]int{}
	for t, n := range db.counts {
		if r, ok := db.redirects[t]; ok {
			t = r
		}
		resolved[t] += n
	}
	vocab := BuildVocab(resolved, db.pages)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	meta := &Metadata{
		NumberOfEntities: vocab.Len(), MaxSeqLength: MaxSeqLength, MaxEntities: MaxEntities,
		MaxEntitySpan: MaxEntitySpan, MinSentenceLength: MinSentenceLength, BaseModel: "Maltehb/danish-bert-botxo",
		TokenizerClass: "BertTokenizerFast", Language: "da", VocabSize: cfg.WordVocabSize,
		Compat: string(cfg.Compat), Pages: len(db.pages), Redirects: len(db.redirects), Links: db.links,
	}
	if meta.Compat == "" {
		meta.Compat = "fixed"
	}
	err = atomicfile.Write(filepath.Join(out, DataFile), 0o644, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		err := pass(ctx, dump, &cfg, 2, func(task []*mediawiki.Page) ([]byte, error) {
			tok := <-toks
			defer func() { toks <- tok }()
			b := &pageBuilder{vocab: vocab, redirects: db.redirects, tok: tok}
			var buf []byte
			for _, p := range task {
				if ignoredByWikipedia2vec(p.Title) || p.Redirect != "" || droppedPrefix(p.Title) {
					continue
				}
				exs, err := b.examples(p.Title, cfg.parse(p))
				if err != nil {
					return nil, err
				}
				for _, ex := range exs {
					line, err := json.Marshal(ex)
					if err != nil {
						return nil, err
					}
					buf = append(append(buf, line...), '\n')
				}
			}
			return buf, nil
		}, func(buf []byte) error {
			for _, c := range buf {
				if c == '\n' {
					meta.NumberOfItems++
				}
			}
			_, err := bw.Write(buf)
			return err
		})
		if err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return nil, err
	}
	vj, err := vocab.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(out, EntityVocabFile), vj, 0o644); err != nil {
		return nil, err
	}
	mj, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(out, MetadataFile), append(mj, '\n'), 0o644); err != nil {
		return nil, err
	}
	return meta, nil
}

// ReadExamples reads data.jsonl, calling fn for each example with its line
// number.
func ReadExamples(file string, fn func(line int, ex *Example) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		var ex Example
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			return &mediawiki.ParseError{File: file, Line: n, Err: err}
		}
		if err := ex.check(); err != nil {
			return &mediawiki.ParseError{File: file, Line: n, Err: err}
		}
		if err := fn(n, &ex); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

func (ex *Example) check() error {
	n := len(ex.WordIDs)
	if n == 0 || n > MaxWords {
		return fmt.Errorf("%d word ids, want 1 to %d", n, MaxWords)
	}
	if len(ex.EntityIDs) != len(ex.EntitySpans) {
		return fmt.Errorf("%d entity ids but %d entity spans", len(ex.EntityIDs), len(ex.EntitySpans))
	}
	if len(ex.EntityIDs) > MaxEntities {
		return fmt.Errorf("%d entities, want at most %d", len(ex.EntityIDs), MaxEntities)
	}
	for _, s := range append(append([][2]int{}, ex.WordSpans...), ex.EntitySpans...) {
		if s[0] < 0 || s[0] >= s[1] || s[1] > n {
			return fmt.Errorf("span [%d,%d) outside the %d word ids", s[0], s[1], n)
		}
	}
	for _, s := range ex.EntitySpans {
		if s[1]-s[0] > MaxEntitySpan {
			return fmt.Errorf("entity span [%d,%d) longer than %d", s[0], s[1], MaxEntitySpan)
		}
	}
	return nil
}
