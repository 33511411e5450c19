package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/luke/corpus"
)

const (
	fixtureDump      = "../../luke/corpus/testdata/dawiki-fixture-pages-articles.xml.bz2"
	fixtureTokenizer = "../../luke/corpus/testdata"
)

func TestPretrainDataFlags(t *testing.T) {
	newCmd := func(runF func(context.Context, *pretrainDataOptions) error) *cobra.Command {
		return newPretrainDataCmd(&streams{}, runF)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(*pretrainDataOptions) bool
	}{
		{"defaults", []string{"d.xml.bz2", "out", "--tokenizer", "tok"}, "", func(o *pretrainDataOptions) bool {
			return o.dump == "d.xml.bz2" && o.dir == "out" && o.compat == corpus.CompatFixed && o.workers >= 1 && o.perTask == 64
		}},
		{"thesis", []string{"d", "o", "--tokenizer", "t", "--compat", "thesis", "--workers", "4"}, "", func(o *pretrainDataOptions) bool {
			return o.compat == corpus.CompatThesis && o.workers == 4
		}},
		{"no tokenizer", []string{"d", "o"}, "--tokenizer is required", nil},
		{"bad compat", []string{"d", "o", "--tokenizer", "t", "--compat", "2021"}, "want fixed or thesis", nil},
		{"bad workers", []string{"d", "o", "--tokenizer", "t", "--workers", "0"}, "--workers 0", nil},
		{"one argument", []string{"d"}, "takes DUMP and OUT", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, newCmd, tc.args...)
			if wantError(t, err, tc.wantErr) {
				if exitCode(err) != exitUsage {
					t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
				}
				return
			}
			if !tc.check(got) {
				t.Errorf("got options %+v", got)
			}
		})
	}
}

func TestPretrainDataRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "data")
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"pretrain", "data", fixtureDump, out, "--tokenizer", fixtureTokenizer, "--workers", "2"},
		nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "22 examples, 25 entities") {
		t.Errorf("got %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "pass 2/2 (sequences): 30 pages") {
		t.Errorf("progress: got %q", stderr.String())
	}
	for _, f := range []string{corpus.DataFile, corpus.EntityVocabFile, corpus.MetadataFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	code = run(t.Context(), []string{"pretrain", "data", "missing.xml.bz2", out, "--tokenizer", fixtureTokenizer}, nil, &stdout, &stderr)
	if code != exitError {
		t.Errorf("a missing dump: exit %d, want %d", code, exitError)
	}
}
