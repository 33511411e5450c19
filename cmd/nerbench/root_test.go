package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestUsageExitCodes runs command lines with usage errors through run and
// checks that each exits 2, names what is wrong and prints no goroutine
// trace.
func TestUsageExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown subcommand of a group", []string{"models", "lst"}, `unknown command "lst" for "nerbench models"`},
		{"unknown data subcommand", []string{"data", "stat"}, `unknown command "stat"`},
		{"extra argument to run", []string{"run", "-d", "dane", "extra"}, `nerbench run takes no arguments, got "extra"`},
		{"extra argument to version", []string{"version", "now"}, `"now"`},
		{"extra argument to models list", []string{"models", "list", "x"}, `"x"`},
		{"negative batch size", []string{"run", "-d", "dane", "--batch-size", "-1"}, "--batch-size"},
		{"negative batch size on errors", []string{"errors", "baseline", "--batch-size", "-3"}, "--batch-size"},
		{"negative threads", []string{"coprediction", "a", "b", "--threads", "-2"}, "--threads"},
		{"bad batch size value", []string{"run", "-d", "dane", "--batch-size", "many"}, "--batch-size"},
		{"unknown flag", []string{"run", "--frob"}, "--frob"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			t.Setenv("NERBENCH_DATA", t.TempDir())
			t.Chdir(t.TempDir()) // nothing may be written, but never into the source tree
			code := run(t.Context(), tc.args, strings.NewReader(""), &out, &errb)
			if code != exitUsage {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, exitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr: got %q, want it to contain %q", errb.String(), tc.want)
			}
			if strings.Contains(errb.String(), "goroutine") {
				t.Errorf("stderr holds a goroutine trace: %q", errb.String())
			}
		})
	}
}

// TestSignalExitCodes checks that a command stopped by SIGINT exits 130
// and one stopped by SIGTERM exits 143.
func TestSignalExitCodes(t *testing.T) {
	tests := []struct {
		name string
		sig  syscall.Signal
		want int
	}{
		{"SIGINT", syscall.SIGINT, 130},
		{"SIGTERM", syscall.SIGTERM, 143},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(t.Context())
			cancel(&signalCause{tc.sig})
			var out, errb bytes.Buffer
			args := []string{"run", "-d", "dane", "-m", "baseline", "--results-dir", t.TempDir(), "--data-dir", t.TempDir()}
			if got := run(ctx, args, strings.NewReader(""), &out, &errb); got != tc.want {
				t.Errorf("got exit code %d, want %d (stderr %q)", got, tc.want, errb.String())
			}
		})
	}
}

// TestShortFlags checks that the shared flags have the same short form in
// every command: -d for --dataset, -o for --output and -m for --model.
func TestShortFlags(t *testing.T) {
	want := map[string]string{"dataset": "d", "output": "o", "model": "m"}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if sh, ok := want[f.Name]; ok && f.Shorthand != sh {
				t.Errorf("%s --%s: got short flag %q, want -%s", c.CommandPath(), f.Name, f.Shorthand, sh)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}))
}

// TestNotifyContext sends this process SIGTERM through the handler main
// installs and checks that the context's cause names the signal, which run
// turns into exit code 143.
func TestNotifyContext(t *testing.T) {
	ctx, stop := notifyContext(t.Context(), syscall.SIGTERM)
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	var sc *signalCause
	if !errors.As(context.Cause(ctx), &sc) || sc.sig != syscall.SIGTERM {
		t.Fatalf("got cause %v, want SIGTERM", context.Cause(ctx))
	}
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"run", "-d", "dane", "-m", "baseline", "--data-dir", t.TempDir(), "--results-dir", t.TempDir()}, strings.NewReader(""), &out, &errb); code != 143 {
		t.Errorf("got exit code %d, want 143 (stderr %q)", code, errb.String())
	}
}

// panicWriter panics on every write, standing in for a bug.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }

// TestPanicIsAnError checks that a panic inside a command ends in a message
// and exit code 1, not a goroutine trace.
func TestPanicIsAnError(t *testing.T) {
	var errb bytes.Buffer
	code := run(t.Context(), []string{"version"}, strings.NewReader(""), panicWriter{}, &errb)
	if code != exitError || !strings.Contains(errb.String(), "nerbench: internal error: boom") {
		t.Errorf("got exit code %d and stderr %q, want 1 and an internal error", code, errb.String())
	}
}
