//go:build !unix

package main

import "os"

// jobSignals: no scheduler signal outside Unix.
var jobSignals []os.Signal
