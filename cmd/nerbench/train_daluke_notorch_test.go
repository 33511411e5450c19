//go:build !torch

package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTrainDalukeNoTorch checks that a binary without libtorch says how to
// get the torch build.
func TestTrainDalukeNoTorch(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"train", "daluke", "--out", t.TempDir(), "--vocab", t.TempDir(), "--random",
		"--layers", "1", "--hidden", "8", "--heads", "1", "--entity-size", "4"}, strings.NewReader(""), &out, &errb)
	if code != exitError || !strings.Contains(errb.String(), "-tags torch") {
		t.Errorf("exit %d, stderr %q; want exit 1 and the torch build's instructions", code, errb.String())
	}
}
