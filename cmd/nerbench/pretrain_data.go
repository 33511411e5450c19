package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/luke/corpus"
)

type pretrainDataOptions struct {
	out       *streams
	dump      string
	dir       string
	tokenizer string
	workers   int
	perTask   int
	compat    corpus.Compat
	output    string
}

func newPretrainDataCmd(s *streams, runF func(context.Context, *pretrainDataOptions) error) *cobra.Command {
	opts := &pretrainDataOptions{out: s}
	var compat string
	cmd := &cobra.Command{
		Use:   "data DUMP OUT",
		Short: "Build DaLUKE's pretraining data from a Wikipedia dump",
		Long: `Build DaLUKE's pretraining dataset from a Wikipedia pages-articles dump
(.xml or .xml.bz2), the thesis-era pipeline (package luke/corpus): entity
augmentation (repeat_entities), wikipedia2vec's page parsing, the entity
vocabulary with redirects resolved, UAX #29 sentences, Danish BERT word
pieces, and sequences of 5 to 510 pieces with at most 128 entities.

OUT receives data.jsonl, entity-vocab.json and metadata.json, each written
atomically. The dump is read twice (the vocabulary first, then the
sequences) in constant memory; pages are parsed by --workers goroutines and
the output is byte-identical for any number of workers.

--tokenizer names a folder with Danish BERT's vocab.txt or tokenizer.json
(Maltehb/danish-bert-botxo). --compat thesis reproduces the reference's
repeat_entities bug that skips or repeats characters after a piped link;
the default fixes it.`,
		Example: `  nerbench pretrain data dawiki-20210301-pages-articles.xml.bz2 daluke-data --tokenizer ~/models/danish-bert
  nerbench pretrain data dawiki-latest-pages-articles.xml.bz2 data --tokenizer bert --workers 8 --compat thesis`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return flagErrorf("pretrain data takes DUMP and OUT, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dump, opts.dir = args[0], args[1]
			if opts.tokenizer == "" {
				return flagErrorf("--tokenizer is required: a folder with Danish BERT's vocab.txt or tokenizer.json")
			}
			c, err := corpus.ParseCompat(compat)
			if err != nil {
				return flagErrorf("--compat: %v", err)
			}
			opts.compat = c
			if opts.workers < 1 {
				return flagErrorf("--workers %d: want at least 1", opts.workers)
			}
			if opts.perTask < 1 {
				return flagErrorf("--pages-per-task %d: want at least 1", opts.perTask)
			}
			if opts.output != "text" && opts.output != "json" {
				return flagErrorf("--output %q: want text or json", opts.output)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPretrainData(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.tokenizer, "tokenizer", "", "folder with Danish BERT's vocab.txt or tokenizer.json (required)")
	f.IntVar(&opts.workers, "workers", runtime.NumCPU(), "goroutines parsing pages")
	f.IntVar(&opts.perTask, "pages-per-task", 64, "consecutive pages per parsing task")
	f.StringVar(&compat, "compat", "fixed", "fixed, or thesis to reproduce the reference's repeat_entities bug")
	f.StringVarP(&opts.output, "output", "o", "text", "summary format: text or json")
	return cmd
}

// dumpProgress shows the pages done and the compressed bytes read.
type dumpProgress struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	pass int
	next int64
}

func (p *dumpProgress) update(pass int, pages, bytes, size int64) {
	desc := fmt.Sprintf("pass %d/2 (%s): %d pages", pass, [...]string{"", "vocabulary", "sequences"}[pass], pages)
	if isTerminal(p.w) {
		if p.bar == nil || pass != p.pass {
			if p.bar != nil {
				_ = p.bar.Finish()
			}
			p.bar = progressbar.NewOptions64(size, progressbar.OptionSetWriter(p.w), progressbar.OptionShowBytes(true),
				progressbar.OptionSetDescription(desc), progressbar.OptionClearOnFinish())
		}
		p.pass = pass
		p.bar.Describe(desc)
		_ = p.bar.Set64(bytes)
		return
	}
	if pass != p.pass {
		p.pass, p.next = pass, 0
	}
	if bytes >= p.next || bytes == size {
		fmt.Fprintf(p.w, "%s, %.1f of %.1f MB read\n", desc, float64(bytes)/1e6, float64(size)/1e6)
		p.next = bytes + max(1, size/10)
	}
}

func (p *dumpProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// pretrainDataSummary is what `nerbench pretrain data --output json` prints.
type pretrainDataSummary struct {
	Dir      string           `json:"dir"`
	Metadata *corpus.Metadata `json:"metadata"`
	Seconds  float64          `json:"seconds"`
}

func runPretrainData(ctx context.Context, opts *pretrainDataOptions) error {
	tok, err := daluke.ReadTokenizer(opts.tokenizer)
	if err != nil {
		return err
	}
	vocabSize := 0
	for id := int64(0); tok.Token(id) != ""; id++ {
		vocabSize++
	}
	prog := &dumpProgress{w: opts.out.Err}
	start := time.Now()
	meta, err := corpus.Build(ctx, opts.dump, opts.dir, corpus.Config{
		NewTokenizer: func() (corpus.Tokenizer, error) {
			t, err := daluke.ReadTokenizer(opts.tokenizer)
			if err != nil {
				return nil, err
			}
			return corpus.WordPieces{Word: t.Word, Token: t.Token}, nil
		},
		WordVocabSize: vocabSize, Workers: opts.workers, PagesPerTask: opts.perTask, Compat: opts.compat,
		Progress: prog.update,
	})
	prog.finish()
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if opts.output == "json" {
		enc := json.NewEncoder(opts.out.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(pretrainDataSummary{Dir: opts.dir, Metadata: meta, Seconds: elapsed.Seconds()})
	}
	_, err = fmt.Fprintf(opts.out.Out, "wrote %s: %d examples, %d entities, from %d pages (%d redirects, %d links) in %.1fs\n",
		opts.dir, meta.NumberOfItems, meta.NumberOfEntities, meta.Pages, meta.Redirects, meta.Links, elapsed.Seconds())
	return err
}
