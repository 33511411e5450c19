package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestModelsList checks that the default view of `models list` fits 100
// columns, that -v and the other formats give the full form, and that no
// hint assumes the nerbench source tree.
func TestModelsList(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		maxWidth int      // of every line but the models folder's; 0: no limit
		want     []string // in stdout
	}{
		{"default", nil, 100, []string{"Model", "Available", "How to get it", "embedded in the binary", "DA_BERT_ML"}},
		{"verbose", []string{"-v"}, 0, []string{"Public model", "Trained on", "LOC MISC ORG PER", "nerda.s3-eu-west-1.amazonaws.com/DA_BERT_ML.bin"}},
		{"markdown", []string{"-o", "markdown"}, 0, []string{"| Public model", "optimum-cli export onnx --task token-classification DaNLP/da-bert-ner dabert"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"models", "list", "--models-dir", t.TempDir()}, tc.args...)
			if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			for _, line := range strings.Split(out.String(), "\n") {
				if n := utf8.RuneCountInString(line); tc.maxWidth > 0 && n > tc.maxWidth && !strings.HasPrefix(line, "Models folder: ") {
					t.Errorf("got a line of %d columns, want at most %d: %q", n, tc.maxWidth, line)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("got\n%s\nwant it to contain %q", out.String(), w)
				}
			}
			for _, bad := range []string{"go doc ./", "BERT_ML_DaNE (bert"} {
				if strings.Contains(out.String(), bad) {
					t.Errorf("got\n%s\nwant no %q", out.String(), bad)
				}
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := run(t.Context(), []string{"models", "list", "--models-dir", t.TempDir(), "-o", "json"}, strings.NewReader(""), &out, &errb); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var doc struct {
			Schema string       `json:"schema"`
			Models []modelEntry `json:"models"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Schema != "nerbench.models/v1" || len(doc.Models) != len(registry().All()) {
			t.Errorf("got schema %q and %d models, want nerbench.models/v1 and %d", doc.Schema, len(doc.Models), len(registry().All()))
		}
	})
}
