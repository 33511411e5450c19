//go:build !torch

package main

import (
	"bytes"
	"strings"
	"testing"
)

// Without the torch build, the command says how to get it.
func TestDalukeMaskedNeedsTorch(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"daluke", "masked", "[MASK] blev angrebet", "--models-dir", dalukeModels(t)},
		strings.NewReader(""), &out, &errb)
	if code != exitError || !strings.Contains(errb.String(), "make torch") {
		t.Errorf("got exit code %d and stderr %q, want %d and a message naming make torch", code, errb.String(), exitError)
	}
}

func TestDalukeSpecUnavailable(t *testing.T) {
	if s := dalukeSpec(); !strings.Contains(s.Unavailable, "make torch") {
		t.Errorf("got Unavailable %q, want it to name make torch", s.Unavailable)
	}
}
