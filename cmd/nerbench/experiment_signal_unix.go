//go:build unix

package main

import (
	"os"
	"syscall"
)

// jobSignals end a running `experiment run-job` cleanly: Slurm sends
// SIGUSR1 to the batch shell (#SBATCH --signal=B:USR1@120), which execs
// nerbench, shortly before the time limit. The job then fails without a
// result, and a resubmit runs it again.
var jobSignals = []os.Signal{syscall.SIGUSR1}
