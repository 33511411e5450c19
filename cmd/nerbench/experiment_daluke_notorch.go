//go:build !torch

package main

import "github.com/nerbench/nerbench/internal/experiment"

// dalukeRunner is nil: fine-tuning needs libtorch, so this build plans
// DaLUKE specs but cannot run them.
var dalukeRunner experiment.Runner

const dalukeUnavailable = "DaLUKE fine-tuning is not in this build of nerbench: it needs the torch build ('make torch'); this one only plans the spec"
