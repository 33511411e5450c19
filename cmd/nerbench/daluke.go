package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/daluke"
	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/table"
	"github.com/nerbench/nerbench/luke"
)

// dalukeSpec registers DaLUKE's released NER model (adapters/daluke). It is
// unavailable in binaries built without the torch build tag.
func dalukeSpec() *models.Spec {
	unavailable := ""
	if err := luke.Available(); err != nil {
		unavailable = err.Error()
	}
	return &models.Spec{
		Name:      daluke.Name,
		Title:     "DaLUKE",
		ID:        "peleiden/daluke DaLUKE_NER (https://nx5746.your-storageshare.de/s/Y62i9bKTgCwfZsZ/download)",
		TrainedOn: "DaNE train",
		Types:     []string{"LOC", "MISC", "ORG", "PER"},
		Get: "put DaLUKE_NER.tar.gz (the daluke package's download) and Danish BERT's vocab.txt or " +
			"tokenizer.json (Maltehb/danish-bert-botxo; the archive ships no tokenizer) in the models folder's " +
			"daluke/",
		Hint:        "DaLUKE_NER.tar.gz and a BERT vocab in daluke/ (-v: how)",
		Unavailable: unavailable,
		Hash:        func(dir string, _ models.LoadOptions) (string, error) { return models.HashDir(dir) },
		Load: func(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
			return loadDaluke(ctx, dir, o)
		},
	}
}

func loadDaluke(ctx context.Context, dir string, o models.LoadOptions) (*models.Loaded, error) {
	// --batch-size counts sentences, and so does Sentences; BatchSize
	// counts forward-pass examples (chunks of up to 128 spans) and keeps the
	// reference's 8, under which luke.DefaultMaxRows costs no speed.
	cfg := daluke.Config{Sentences: o.BatchSize, Device: o.Device}
	if cfg.Device == "" {
		cfg.Device = "cpu"
	}
	if cfg.Device == "cuda" && !luke.CUDAAvailable() {
		if o.Log != nil {
			fmt.Fprintln(o.Log, "daluke: libtorch sees no CUDA device; running on the CPU")
		}
		cfg.Device = "cpu"
	}
	if len(o.LabelMap) > 0 && o.Log != nil {
		fmt.Fprintln(o.Log, "daluke: predicts the dataset's own types; --label-map does not apply to it")
	}
	if o.Threads > 0 && o.Log != nil {
		fmt.Fprintln(o.Log, "daluke: --threads is not applied; libtorch uses its default (OMP_NUM_THREADS)")
	}
	m, err := daluke.Load(ctx, dir, cfg)
	if err != nil {
		return nil, err
	}
	hash, err := models.HashDir(dir)
	if err != nil {
		m.Close()
		return nil, err
	}
	return &models.Loaded{Model: m, Hash: hash, Config: m.Config()}, nil
}

type dalukeMaskedOptions struct {
	out         *streams
	text        string
	entitySpans string
	top         int
	modelsDir   string
	archive     string
	device      string
	output      string
}

func newDalukeCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "daluke",
		Short: "DaLUKE-specific commands (masked prediction)",
		Long: `Commands for DaLUKE, the Danish LUKE model, beyond NER (which 'nerbench run
--model daluke' does).

DaLUKE runs on libtorch: these commands need the torch build of nerbench
('make torch'). The model folder is <models folder>/daluke; it needs the
released archive and Danish BERT's vocab.txt or tokenizer.json
(Maltehb/danish-bert-botxo), which the archives do not ship.`,
	}
	cmd.AddCommand(newDalukeMaskedCmd(s, nil))
	return cmd
}

func newDalukeMaskedCmd(s *streams, runF func(context.Context, *dalukeMaskedOptions) error) *cobra.Command {
	opts := &dalukeMaskedOptions{out: s}
	cmd := &cobra.Command{
		Use:   "masked TEXT",
		Short: "Predict masked words and entities with the pretrained DaLUKE",
		Long: `Predict the words behind each [MASK] in TEXT and, for each entity span marked
as a masked entity, the Wikipedia entity, with the pretrained DaLUKE model and
its masked-word and masked-entity heads (DaLUKE thesis §6.3.1).

TEXT is split at whitespace; "[MASK][MASK]" counts as two words. Entity spans
use the daluke CLI's syntax: 1-based word numbers with inclusive ends, "s,e"
or "s" for one word, separated by ";". A span is looked up in the entity
vocabulary by its exact words; a span of "[MASK]" words is a masked entity,
whose entity is predicted, and other spans give context (unknown titles
become [UNK]).

The model folder <models folder>/daluke holds the pretrained archive,
daluke.tar.gz or DaLUKE.tar.gz (or --archive), and Danish BERT's vocab.txt or
tokenizer.json.`,
		Example: `  nerbench daluke masked "[MASK] blev angrebet af USA i 2003 ." --entity-spans "1;5"
  nerbench daluke masked "Hun bor i [MASK] ." --top 10 --output json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("masked takes one TEXT argument, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.text = args[0]
			if opts.top < 1 {
				return flagErrorf("--top %d: want at least 1", opts.top)
			}
			if _, err := table.ParseFormat(opts.output, table.Text, table.Markdown, table.CSV, table.JSON); err != nil {
				return &flagError{err}
			}
			if _, err := daluke.ParseEntitySpans(opts.entitySpans, len(strings.Fields(maskedWords(opts.text)))); err != nil {
				return &flagError{fmt.Errorf("--entity-spans: %w", err)}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDalukeMasked(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.entitySpans, "entity-spans", "", `entity spans, e.g. "1;5,6" (1-based words, inclusive)`)
	f.IntVar(&opts.top, "top", 5, "predictions to show per mask")
	f.StringVar(&opts.modelsDir, "models-dir", "", "models folder (default $NERBENCH_MODELS, then $XDG_DATA_HOME/nerbench/models)")
	f.StringVar(&opts.archive, "archive", "", "pretrained archive inside <models folder>/daluke (default daluke.tar.gz or DaLUKE.tar.gz)")
	f.StringVar(&opts.device, "device", "", "cpu or cuda (default cuda when available)")
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text, markdown, csv or json")
	return cmd
}

// maskedWords separates adjacent masks as daluke.Masked.Predict does, so
// that span numbers are checked against the same words.
func maskedWords(text string) string {
	for strings.Contains(text, "[MASK][MASK]") {
		text = strings.ReplaceAll(text, "[MASK][MASK]", "[MASK] [MASK]")
	}
	return text
}

func runDalukeMasked(ctx context.Context, opts *dalukeMaskedOptions) error {
	format, err := table.ParseFormat(opts.output, table.Text, table.Markdown, table.CSV, table.JSON)
	if err != nil {
		return &flagError{err}
	}
	words := strings.Fields(maskedWords(opts.text))
	spans, err := daluke.ParseEntitySpans(opts.entitySpans, len(words))
	if err != nil {
		return &flagError{fmt.Errorf("--entity-spans: %w", err)}
	}
	dir, err := models.Dir(opts.modelsDir)
	if err != nil {
		return err
	}
	m, err := daluke.LoadMasked(ctx, filepath.Join(dir, daluke.Name), daluke.Config{Archive: opts.archive, Device: opts.device})
	if err != nil {
		return err
	}
	defer m.Close()
	res, err := m.Predict(ctx, opts.text, spans, opts.top)
	if err != nil {
		return err
	}
	if format == table.JSON {
		enc := json.NewEncoder(opts.out.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Schema string `json:"schema"`
			*daluke.MaskedResult
		}{"nerbench.daluke-masked/v1", res})
	}
	t := &table.Table{
		Title:   "DaLUKE masked prediction: " + res.Filled,
		Header:  []string{"Mask", "Words", "Rank", "Prediction", "Probability (%)"},
		Numeric: []bool{false, false, true, false, true},
	}
	for _, mw := range res.Masks {
		for r, p := range mw.Top {
			t.Rows = append(t.Rows, []string{"word", strconv.Itoa(mw.Word + 1), strconv.Itoa(r + 1), p.Text,
				fmt.Sprintf("%.2f", 100*p.Prob)})
		}
	}
	for _, e := range res.Entities {
		where := fmt.Sprintf("%d-%d", e.Start+1, e.End)
		if e.End == e.Start+1 {
			where = strconv.Itoa(e.Start + 1)
		}
		if e.Top == nil {
			t.Notes = append(t.Notes, fmt.Sprintf("entity span %s %q given as %s", where, e.Mention, e.Entity))
			continue
		}
		for r, p := range e.Top {
			t.Rows = append(t.Rows, []string{"entity", where, strconv.Itoa(r + 1), p.Text, fmt.Sprintf("%.2f", 100*p.Prob)})
		}
	}
	return t.Print(opts.out.Out, opts.out.Err, format)
}
