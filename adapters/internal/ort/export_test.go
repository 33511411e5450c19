package ort

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMapLabels(t *testing.T) {
	types := []string{"LOC", "MISC", "ORG", "PER"}
	tests := []struct {
		name    string
		labels  []string
		mapping map[string]string
		types   []string
		want    []string
		wantErr bool
	}{
		{"identity", []string{"O", "B-PER", "I-PER", "B-MISC"}, nil, types, []string{"O", "B-PER", "I-PER", "B-MISC"}, false},
		{"type mapping", []string{"O", "B-PERSON", "I-PERSON"}, map[string]string{"PERSON": "PER"}, types, []string{"O", "B-PER", "I-PER"}, false},
		{"whole label wins", []string{"B-GPE", "I-GPE"}, map[string]string{"GPE": "LOC", "I-GPE": "ORG"}, types, []string{"B-LOC", "I-ORG"}, false},
		{"to O", []string{"[CLS]", "B-MISC", "O"}, map[string]string{"[CLS]": "O", "MISC": "O"}, []string{"PER"}, []string{"O", "O", "O"}, false},
		{"unmapped type", []string{"O", "B-PERSON"}, nil, types, nil, true},
		{"type not in dataset", []string{"O", "B-MISC"}, nil, []string{"LOC", "ORG", "PER"}, nil, true},
		{"not IOB2", []string{"O", "S-PER"}, nil, types, nil, true},
		{"bare prefix", []string{"B-"}, nil, types, nil, true},
		{"lower case", []string{"o", "b-per", "i-loc", "B-Misc"}, nil, types, []string{"O", "B-PER", "I-LOC", "B-MISC"}, false},
		{"lower case mapped", []string{"b-person"}, map[string]string{"PERSON": "PER"}, types, []string{"B-PER"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mapLabels("dir/config.json", tc.labels, tc.mapping, tc.types)
			if tc.wantErr {
				if !errors.Is(err, ErrLabel) || !strings.Contains(err.Error(), "dir/config.json") {
					t.Fatalf("got error %v, want ErrLabel naming dir/config.json", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSpecialTokens(t *testing.T) {
	tests := []struct {
		name         string
		pp           map[string]any
		prefix, suff []int64
		wantErr      bool
	}{
		{"none", nil, nil, nil, false},
		{"bert", map[string]any{"type": "BertProcessing", "cls": []any{"[CLS]", 2.0}, "sep": []any{"[SEP]", 3.0}}, []int64{2}, []int64{3}, false},
		{"template", map[string]any{
			"type": "TemplateProcessing",
			"single": []any{
				map[string]any{"SpecialToken": map[string]any{"id": "[CLS]", "type_id": 0.0}},
				map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0.0}},
				map[string]any{"SpecialToken": map[string]any{"id": "[SEP]", "type_id": 0.0}},
			},
			"special_tokens": map[string]any{
				"[CLS]": map[string]any{"id": "[CLS]", "ids": []any{101.0}},
				"[SEP]": map[string]any{"id": "[SEP]", "ids": []any{102.0}},
			},
		}, []int64{101}, []int64{102}, false},
		{"sequence", map[string]any{"type": "Sequence", "processors": []any{
			map[string]any{"type": "ByteLevel"},
			map[string]any{"type": "RobertaProcessing", "cls": []any{"<s>", 0.0}, "sep": []any{"</s>", 2.0}},
		}}, []int64{0}, []int64{2}, false},
		{"bad pair", map[string]any{"type": "BertProcessing", "cls": "[CLS]", "sep": []any{"[SEP]", 3.0}}, nil, nil, true},
		{"unknown", map[string]any{"type": "Mystery"}, nil, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, s, err := specialTokens(tc.pp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.prefix, p); diff != "" {
				t.Errorf("prefix (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.suff, s); diff != "" {
				t.Errorf("suffix (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBertNormalizerStripAccents(t *testing.T) {
	// Hugging Face tokenizers: strip_accents null follows lowercase
	// (tokenizers/src/normalizers/bert.rs).
	tests := []struct {
		cfg       map[string]any
		wantStrip bool
	}{
		{map[string]any{"type": "BertNormalizer", "lowercase": true, "strip_accents": nil}, true},
		{map[string]any{"type": "BertNormalizer", "lowercase": false, "strip_accents": nil}, false},
		{map[string]any{"type": "BertNormalizer", "lowercase": true, "strip_accents": false}, false},
		{map[string]any{"type": "BertNormalizer", "lowercase": false, "strip_accents": true}, true},
	}
	for _, tc := range tests {
		bn, ok := bertNormalizer(tc.cfg)
		if !ok || bn.StripAccents != tc.wantStrip {
			t.Errorf("%v: got strip %v, want %v", tc.cfg, bn.StripAccents, tc.wantStrip)
		}
	}
	if _, ok := bertNormalizer(map[string]any{"type": "NFC"}); ok {
		t.Errorf("NFC normalizer: got a BertNormalizer")
	}
}

func TestLibraryPath(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, LibraryName)
	if err := os.WriteFile(lib, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(LibraryEnv, lib)
	if got, err := LibraryPath(); err != nil || got != lib {
		t.Errorf("got %q, %v, want %q", got, err, lib)
	}
	missing := filepath.Join(dir, "nope", LibraryName)
	t.Setenv(LibraryEnv, missing)
	_, err := LibraryPath()
	if !errors.Is(err, ErrNoLibrary) || !strings.Contains(err.Error(), "make setup") || !strings.Contains(err.Error(), missing) {
		t.Errorf("got %v, want ErrNoLibrary naming %s and `make setup`", err, missing)
	}
}

func TestLibraryCandidates(t *testing.T) {
	t.Setenv(LibraryEnv, "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	got := LibraryCandidates()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	want := []string{filepath.Join(filepath.Dir(exe), LibraryName), "/xdg/nerbench/lib/" + LibraryName}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}
