package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes. They are mapped from errors in one place, run.
const (
	exitOK        = 0
	exitError     = 1 // the command failed
	exitUsage     = 2 // bad flags or arguments
	exitCancelled = 130
)

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
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(&streams{In: stdin, Out: stdout, Err: stderr})
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "nerbench: %v\n", err)
	code := exitCode(err)
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
	root.AddCommand(
		newVersionCmd(s),
		newRunCmd(s, nil),
		newModelsCmd(s),
		newTrainCmd(s, nil),
		newDataCmd(s),
		newBenchCmd(s, nil),
		newScoreCmd(s, nil),
		newCompareCmd(s, nil),
		newCopredictionCmd(s, nil),
		newErrorsCmd(s, nil),
		newReportCmd(s, nil),
		newDalukeCmd(s),
		newPretrainCmd(s),
	)
	return root
}
