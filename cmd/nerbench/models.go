package main

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/internal/models"
	"github.com/nerbench/nerbench/internal/table"
)

type modelsListOptions struct {
	out       *streams
	modelsDir string
	output    string
	verbose   bool
}

func newModelsCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the known models and whether they are available here",
		Long: `Commands about the models nerbench knows.

Models live in the models folder, one folder per model named after it. The
folder is --models-dir, else $NERBENCH_MODELS, else
$XDG_DATA_HOME/nerbench/models (~/.local/share/nerbench/models). The baseline
is embedded in the binary and always available.`,
	}
	cmd.AddCommand(newModelsListCmd(s, nil))
	return cmd
}

func newModelsListCmd(s *streams, runF func(context.Context, *modelsListOptions) error) *cobra.Command {
	opts := &modelsListOptions{out: s}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the known models and whether each is available",
		Long: `List every model nerbench knows and whether it can run here, with a short
hint on how to get it; the view fits 100 columns. With -v, or any --output
other than text, the full form: public id, what the model was trained on,
the entity types it predicts, where it is found or, in full, how to get it.`,
		Example: `  nerbench models list
  nerbench models list -v
  nerbench models list --models-dir ~/nermodels --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runModelsList(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.modelsDir, "models-dir", "", "models folder (default $NERBENCH_MODELS, then $XDG_DATA_HOME/nerbench/models)")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: text, markdown, csv or json (all but text give the full form)")
	cmd.Flags().BoolVarP(&opts.verbose, "verbose", "v", false, "the full form: ids, training data, types and how to get each model")
	return cmd
}

// modelEntry is one row of `models list --output json` (schema
// nerbench.models/v1).
type modelEntry struct {
	Name      string   `json:"name"`
	Title     string   `json:"title"`
	ID        string   `json:"id"`
	TrainedOn string   `json:"trained_on"`
	Types     []string `json:"types"`
	Available bool     `json:"available"`
	Where     string   `json:"where"`
}

func runModelsList(_ context.Context, opts *modelsListOptions) error {
	format, err := table.ParseFormat(opts.output, table.Text, table.Markdown, table.CSV, table.JSON)
	if err != nil {
		return &flagError{err}
	}
	dir, err := models.Dir(opts.modelsDir)
	if err != nil {
		return err
	}
	reg := registry()
	var entries []modelEntry
	var hints []string
	for _, s := range reg.All() {
		ok, why := reg.Availability(s, dir)
		entries = append(entries, modelEntry{
			Name: s.Name, Title: s.Title, ID: s.ID, TrainedOn: s.TrainedOn,
			Types: s.Types, Available: ok, Where: why,
		})
		hints = append(hints, modelHint(s, ok))
	}
	if format == table.Text && !opts.verbose {
		t := &table.Table{Header: []string{"Model", "Available", "How to get it"}}
		for i, e := range entries {
			t.Rows = append(t.Rows, []string{e.Name, yesNo(e.Available), hints[i]})
		}
		t.Notes = []string{"Models folder: " + dir, "'nerbench models list -v' says in full how to get each model."}
		return t.Render(opts.out.Out, format)
	}
	if format == table.JSON {
		enc := json.NewEncoder(opts.out.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Schema    string       `json:"schema"`
			ModelsDir string       `json:"models_dir"`
			Models    []modelEntry `json:"models"`
		}{"nerbench.models/v1", dir, entries})
	}
	t := &table.Table{
		Title:  "Models (models folder: " + dir + ")",
		Header: []string{"Model", "Public model", "Trained on", "Types", "Available", "Where / how to get it"},
	}
	for _, e := range entries {
		t.Rows = append(t.Rows, []string{e.Name, e.ID, e.TrainedOn, strings.Join(e.Types, " "), yesNo(e.Available), e.Where})
	}
	return t.Render(opts.out.Out, format)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// modelHint is the one-line "how to get it" of the default view.
func modelHint(s *models.Spec, available bool) string {
	switch {
	case s.Embedded && available:
		return "embedded in the binary"
	case available:
		return "found in the models folder, " + s.Name + "/"
	case s.Unavailable != "":
		return "not in this build (-v: why)"
	case s.Hint != "":
		return s.Hint
	}
	return s.Get
}
