// Command nerbench benchmarks Danish named-entity recognition models: it reads
// the DaNE, Plank, WikiANN-da and CoNLL-2003 benchmarks, runs models on them,
// and scores the predictions exactly as seqeval and conlleval.pl do.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := notifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// notifyContext is signal.NotifyContext with the signal as the context's
// cause (a *signalCause), so that run can exit 128 + the signal number.
// After the first signal the handler is removed: a second Ctrl-C kills.
func notifyContext(parent context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(&signalCause{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}
