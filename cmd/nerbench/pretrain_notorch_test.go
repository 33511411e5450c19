//go:build !torch

package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestPretrainNeedsTorch(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"pretrain", "data-dir", t.TempDir(), "--tokenizer", fixtureTokenizer}, nil, &stdout, &stderr)
	if code != exitError || !strings.Contains(stderr.String(), "make torch") {
		t.Errorf("exit %d, stderr %q: want %d and how to get the torch build", code, stderr.String(), exitError)
	}
}
