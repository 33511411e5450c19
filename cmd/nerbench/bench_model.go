package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"time"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/table"
)

// benchModelRun is one timed run of `nerbench bench --model`.
type benchModelRun struct {
	Run             int     `json:"run"`
	WallSeconds     float64 `json:"wall_s"`
	CPUSeconds      float64 `json:"cpu_s"`
	SentencesPerSec float64 `json:"sentences_per_s"`
	WordsPerSec     float64 `json:"words_per_s"`
	// SentencesPerCPUSec is sentences over the process's CPU time (all
	// threads), which a busy machine does not inflate.
	SentencesPerCPUSec float64 `json:"sentences_per_cpu_s"`
}

// benchModelReport is what `nerbench bench --model` prints.
type benchModelReport struct {
	Model           string          `json:"model"`
	Dir             string          `json:"dir"`
	Dataset         string          `json:"dataset"`
	Split           string          `json:"split"`
	Source          string          `json:"source"`
	Sentences       int             `json:"sentences"`
	Words           int             `json:"words"`
	CPUs            int             `json:"cpus"`
	LoadSeconds     float64         `json:"load_s"`
	PeakRSSKiB      int64           `json:"peak_rss_kib"`
	Runs            []benchModelRun `json:"runs"`
	SentencesPerSec float64         `json:"sentences_per_s"`
	Config          any             `json:"config,omitempty"`
}

// runBenchModel times a registry model (`--model NAME`, such as dacy-large
// or flair) end to end: load once, --warmup batches untimed, then --repeat
// Tag calls over all the sentences.
func runBenchModel(ctx context.Context, opts *benchOptions) error {
	format, err := table.ParseFormat(opts.output, table.Text, table.Markdown, table.CSV, table.JSON)
	if err != nil {
		return flagErrorf("%v", err)
	}
	if err := checkBenchRuns(opts); err != nil {
		return err
	}
	ds, corpus, words, nWords, err := benchSentences(ctx, opts)
	if err != nil {
		return err
	}
	dir, err := models.Dir(opts.modelsDir)
	if err != nil {
		return err
	}
	start := time.Now()
	spec, l, err := registry().Open(ctx, opts.model, dir, models.LoadOptions{Threads: opts.threads, Device: opts.device, Log: opts.out.Err})
	if err != nil {
		return err
	}
	defer l.Model.Close()
	rep := &benchModelReport{Model: spec.Name, Dir: dir, Dataset: ds.Name, Split: corpus.Split, Source: corpus.File,
		Sentences: len(words), Words: nWords, CPUs: runtime.NumCPU(), LoadSeconds: time.Since(start).Seconds(), Config: l.Config}
	if warm := words[:min(len(words), opts.warmup*opts.batchSize)]; len(warm) > 0 {
		if _, err := l.Model.Tag(ctx, warm); err != nil {
			return err
		}
	}
	for r := 1; r <= opts.repeat; r++ {
		cpu0 := cpuTime().Seconds()
		start := time.Now()
		if _, err := l.Model.Tag(ctx, words); err != nil {
			return err
		}
		wall := time.Since(start).Seconds()
		cpu := cpuTime().Seconds() - cpu0
		run := benchModelRun{Run: r, WallSeconds: wall, CPUSeconds: cpu,
			SentencesPerSec: float64(len(words)) / wall, WordsPerSec: float64(nWords) / wall}
		if cpu > 0 {
			run.SentencesPerCPUSec = float64(len(words)) / cpu
		}
		rep.Runs = append(rep.Runs, run)
	}
	best := rep.Runs[0]
	for _, r := range rep.Runs[1:] {
		if r.WallSeconds < best.WallSeconds {
			best = r
		}
	}
	rep.SentencesPerSec = best.SentencesPerSec
	rep.PeakRSSKiB = peakRSSKiB()
	return writeBenchModel(opts.out.Out, format, rep)
}

// benchSentences reads the sentences `nerbench bench` tags: the first
// --sentences of the split (all when 0), with their word count.
func benchSentences(ctx context.Context, opts *benchOptions) (*benchmarks.Dataset, *benchmarks.Corpus, [][]string, int, error) {
	ds, corpora, err := opts.data.open(ctx, opts.out, opts.dataset, opts.dataDir, opts.split)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	corpus := corpora[0]
	sents := corpus.Sentences
	if opts.sentences > 0 && opts.sentences < len(sents) {
		sents = sents[:opts.sentences]
	}
	words := make([][]string, len(sents))
	nWords := 0
	for i, s := range sents {
		words[i] = s.Words
		nWords += len(s.Words)
	}
	if len(words) == 0 {
		return nil, nil, nil, 0, fmt.Errorf("%s: no sentences to tag", corpus.File)
	}
	return ds, corpus, words, nWords, nil
}

func writeBenchModel(w io.Writer, format table.Format, rep *benchModelReport) error {
	if format == table.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	t := &table.Table{
		Title:   fmt.Sprintf("nerbench bench: %s on %s %s", rep.Model, rep.Dataset, rep.Split),
		Header:  []string{"run", "sentences/s", "words/s", "wall s", "CPU s", "sentences/CPU-s"},
		Numeric: []bool{true, true, true, true, true, true},
	}
	for _, r := range rep.Runs {
		t.Rows = append(t.Rows, []string{strconv.Itoa(r.Run), fmt.Sprintf("%.1f", r.SentencesPerSec),
			fmt.Sprintf("%.0f", r.WordsPerSec), fmt.Sprintf("%.3f", r.WallSeconds), fmt.Sprintf("%.3f", r.CPUSeconds),
			fmt.Sprintf("%.1f", r.SentencesPerCPUSec)})
	}
	t.Notes = []string{
		fmt.Sprintf("speed (fastest run): %.1f sentences/s", rep.SentencesPerSec),
		fmt.Sprintf("model load: %.3f s; peak RSS: %.1f MiB", rep.LoadSeconds, float64(rep.PeakRSSKiB)/1024),
		fmt.Sprintf("input: %d sentences, %d words from %s; %d CPUs", rep.Sentences, rep.Words, rep.Source, rep.CPUs),
		"protocol: the model is loaded once from the models folder; --warmup batches are tagged untimed; each run times one Tag call over all sentences (end to end); CPU s counts every thread",
	}
	return t.Render(w, format)
}
