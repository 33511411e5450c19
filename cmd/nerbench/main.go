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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
