package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes. They are mapped from errors in one place, run.
const (
	exitOK        = 0
	exitError     = 1   // the command failed
	exitUsage     = 2   // bad flags or arguments
	exitCancelled = 130 // interrupted (128 + SIGINT); SIGTERM gives 143
)

// signalCause is the cause of the context that main cancels when a signal
// arrives, so that the exit code can say which signal stopped nerbench.
type signalCause struct{ sig os.Signal }

func (c *signalCause) Error() string { return c.sig.String() + " signal received" }

// flagError marks an error in the command line, as opposed to one met while
// running; it maps to exitUsage.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// flagErrorf returns a usage error.
func flagErrorf(format string, args ...any) error {
	return &flagError{fmt.Errorf(format, args...)}
}

// streams are the command's standard streams, swapped for buffers in tests.
type streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// run executes the command line args and returns the process exit code.
// A panic, always a bug, becomes an error message and exit code 1 rather
// than a goroutine trace; NERBENCH_TRACEBACK=1 keeps the trace.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	if os.Getenv("NERBENCH_TRACEBACK") != "1" {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(stderr, "nerbench: internal error: %v\n(a bug in nerbench: please report it with the command line; NERBENCH_TRACEBACK=1 shows where)\n", r)
				code = exitError
			}
		}()
	}
	root := newRootFor(&streams{In: stdin, Out: stdout, Err: stderr}, args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "nerbench: %v\n", err)
	code = exitCode(err)
	var sc *signalCause
	if code == exitCancelled && errors.As(context.Cause(ctx), &sc) {
		if n, ok := sc.sig.(syscall.Signal); ok {
			code = 128 + int(n)
		}
	}
	if code == exitUsage {
		fmt.Fprintln(stderr, "Run 'nerbench --help' for usage.")
	}
	return code
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var fe *flagError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitCancelled
	case errors.As(err, &fe):
		return exitUsage
	}
	return exitError
}

func newRootCmd(s *streams) *cobra.Command {
	root := newRootBase(s)
	root.AddCommand(
		newVersionCmd(s),
		newRunCmd(s, nil),
		newModelsCmd(s),
		newTrainCmd(s, nil),
		newDataCmd(s),
		newBenchCmd(s, nil),
		newScoreCmd(s, nil),
		newConllevalCmd(s, nil),
		newCompareCmd(s, nil),
		newCopredictionCmd(s, nil),
		newErrorsCmd(s, nil),
		newReportCmd(s, nil),
		newDalukeCmd(s),
		newExperimentCmd(s),
		newPretrainCmd(s),
	)
	usageErrors(root)
	return root
}

// newRootBase is the root command without its subcommands.
func newRootBase(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "nerbench",
		Short: "Benchmark and reproduction suite for Danish named-entity recognition",
		Long: `nerbench predicts with NER models on the DaNE, Plank, WikiANN-da and
CoNLL-2003 benchmarks and scores them with an exact Go port of seqeval:
strict CoNLL micro-F1 with MISC on and off, per-class precision, recall and
F1, and 95 % confidence intervals.

Data is found through --data-dir, then $NERBENCH_DATA, then
$XDG_CACHE_HOME/nerbench (~/.cache/nerbench).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
	return root
}

// usageErrors makes every argument error of cmd and its subcommands a usage
// error (exit 2): an unknown command, also below a command group such as
// `models`, and an argument where a command takes none.
func usageErrors(cmd *cobra.Command) {
	switch {
	case cmd.HasSubCommands() && !cmd.Runnable():
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
			if sug := c.SuggestionsFor(args[0]); len(sug) > 0 {
				msg += "; did you mean " + strings.Join(sug, " or ") + "?"
			}
			return flagErrorf("%s", msg)
		}
	case cmd.Args != nil:
		check := cmd.Args
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			var fe *flagError
			switch {
			case err == nil || errors.As(err, &fe):
				return err
			case !c.HasSubCommands() && len(args) > 0 && strings.HasPrefix(err.Error(), "unknown command"):
				// cobra.NoArgs words an extra argument as a command.
				return flagErrorf("%s takes no arguments, got %q", c.CommandPath(), args[0])
			}
			return &flagError{err}
		}
	}
	for _, sub := range cmd.Commands() {
		usageErrors(sub)
	}
}
