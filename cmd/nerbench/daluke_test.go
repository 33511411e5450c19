package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestDalukeMaskedFlags(t *testing.T) {
	got, err := parseArgs(t, func(f func(context.Context, *dalukeMaskedOptions) error) *cobra.Command {
		return newDalukeMaskedCmd(&streams{}, f)
	},
		"[MASK][MASK] blev angrebet af USA", "--entity-spans", "1,2;5", "--top", "3",
		"--models-dir", "m", "--device", "cpu", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if got.text != "[MASK][MASK] blev angrebet af USA" || got.entitySpans != "1,2;5" || got.top != 3 ||
		got.modelsDir != "m" || got.device != "cpu" || got.output != "json" {
		t.Errorf("got options %+v", got)
	}
}

func TestDalukeMaskedUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"no text", []string{"daluke", "masked"}, "masked takes one TEXT argument, got 0"},
		{"bad top", []string{"daluke", "masked", "[MASK] er", "--top", "0"}, "--top 0: want at least 1"},
		{"bad output", []string{"daluke", "masked", "[MASK] er", "--output", "latex"}, `unknown output format "latex"`},
		// "[MASK][MASK] er" is three words.
		{"span past the end", []string{"daluke", "masked", "[MASK][MASK] er", "--entity-spans", "4"}, "<= 3"},
		{"bad span", []string{"daluke", "masked", "[MASK] er", "--entity-spans", "x"}, "want s or s,e"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(t.Context(), tc.args, strings.NewReader(""), &out, &errb)
			if code != exitUsage {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, exitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tc.message) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tc.message)
			}
		})
	}
}

// dalukeModels returns a models folder whose daluke/ links luke's parity
// fixture: the tiny random-weight archives and their vocab.txt.
func dalukeModels(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "daluke"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"daluke.tar.gz", "daluke-ner.tar.gz", "vocab.txt"} {
		src, err := filepath.Abs(filepath.Join("..", "..", "luke", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(src, filepath.Join(dir, "daluke", f)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
