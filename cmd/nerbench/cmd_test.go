package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parseArgs builds a command with newCmd, giving it a run function that
// only records the options it is called with, executes the command with
// args and returns those options (nil when the command failed before
// running) and the error. cobra's own output is discarded.
func parseArgs[O any](t *testing.T, newCmd func(runF func(context.Context, *O) error) *cobra.Command, args ...string) (*O, error) {
	t.Helper()
	var got *O
	cmd := newCmd(func(_ context.Context, o *O) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(t.Context())
	return got, err
}

// wantError checks err against wantErr: when wantErr is not empty, err must
// contain it; otherwise err must be nil. It reports whether the test case
// expected an error, so that the caller can stop checking.
func wantError(t *testing.T, err error, wantErr string) bool {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("got %v, want an error containing %q", err, wantErr)
		}
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}
