package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testRegistry() *Registry {
	load := func(context.Context, string, LoadOptions) (*Loaded, error) { return &Loaded{}, nil }
	return New(
		&Spec{Name: "emb", Embedded: true, Load: load},
		&Spec{Name: "folder", Get: "run the export", Load: load},
		&Spec{Name: "notag", Unavailable: "needs the torch build", Load: load},
	)
}

func TestLookupUnknown(t *testing.T) {
	_, err := testRegistry().Lookup("nope")
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "emb, folder, notag") {
		t.Errorf("got %v, want ErrUnknown listing the known names", err)
	}
}

func TestAvailability(t *testing.T) {
	r := testRegistry()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, modelsDir string
		wantOK          bool
		wantWhy         string
	}{
		{"emb", "", true, "embedded"},
		{"folder", dir, true, filepath.Join(dir, "folder")},
		{"folder", t.TempDir(), false, "run the export"},
		{"notag", dir, false, "torch build"},
	}
	for _, tc := range tests {
		s, err := r.Lookup(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		ok, why := r.Availability(s, tc.modelsDir)
		if ok != tc.wantOK || !strings.Contains(why, tc.wantWhy) {
			t.Errorf("%s in %s: got %v %q, want %v containing %q", tc.name, tc.modelsDir, ok, why, tc.wantOK, tc.wantWhy)
		}
	}
	if _, _, err := r.Open(t.Context(), "notag", dir, LoadOptions{}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
}

func TestDir(t *testing.T) {
	t.Setenv("NERBENCH_MODELS", "/env/models")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if d, _ := Dir("/flag"); d != "/flag" {
		t.Errorf("got %s, want /flag", d)
	}
	if d, _ := Dir(""); d != "/env/models" {
		t.Errorf("got %s, want /env/models", d)
	}
	t.Setenv("NERBENCH_MODELS", "")
	if d, _ := Dir(""); d != "/xdg/nerbench/models" {
		t.Errorf("got %s, want /xdg/nerbench/models", d)
	}
}

func TestHashDir(t *testing.T) {
	write := func(dir, name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		write(d, "config.json", "{}")
		write(d, "sub/model.onnx", "weights")
	}
	write(c, "config.json", "{}")
	write(c, "sub/model.onnx", "weightz")
	ha, err := HashDir(a)
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := HashDir(b)
	hc, _ := HashDir(c)
	if ha != hb {
		t.Errorf("got different hashes %s and %s for equal folders", ha, hb)
	}
	if ha == hc {
		t.Errorf("got equal hashes for folders that differ")
	}
	if !strings.HasPrefix(ha, "sha256:") || len(ha) != len("sha256:")+64 {
		t.Errorf("got %q, want sha256:<64 hex>", ha)
	}
}

// TestBuildDuplicate checks that Build refuses two specs whose names are
// equal under case folding, naming both, instead of panicking.
func TestBuildDuplicate(t *testing.T) {
	tests := []struct {
		name    string
		names   []string
		wantErr bool
	}{
		{"distinct", []string{"a", "b"}, false},
		{"same", []string{"dir:model", "dir:model"}, true},
		{"case", []string{"B7", "b7"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var specs []*Spec
			for i, n := range tc.names {
				specs = append(specs, &Spec{Name: n, ID: fmt.Sprint("id", i)})
			}
			_, err := Build(specs...)
			if got := errors.Is(err, ErrDuplicate); got != tc.wantErr {
				t.Fatalf("got error %v, want an ErrDuplicate: %v", err, tc.wantErr)
			}
			if err != nil && (!strings.Contains(err.Error(), "id0") || !strings.Contains(err.Error(), "id1")) {
				t.Errorf("got %q, want both models named", err)
			}
		})
	}
}
