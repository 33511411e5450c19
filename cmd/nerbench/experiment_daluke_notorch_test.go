//go:build !torch

package main

import (
	"strings"
	"testing"
)

// TestExperimentDalukeNeedsTorch: without the torch build a DaLUKE spec is
// planned but not run, and the error says which build runs it.
func TestExperimentDalukeNeedsTorch(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := nb(t, "experiment", "plan", "../../experiments/daluke-6.15.toml", "--dir", dir)
	if code != exitOK || !strings.Contains(out, "cannot run here") {
		t.Errorf("plan: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	_, stderr, code = nb(t, "experiment", "run", "../../experiments/daluke-6.15.toml", "--dir", dir)
	if code != exitError || !strings.Contains(stderr, "not in this build") || !strings.Contains(stderr, "make torch") {
		t.Errorf("run: exit %d, stderr %q; want exit %d naming the torch build", code, stderr, exitError)
	}
}
