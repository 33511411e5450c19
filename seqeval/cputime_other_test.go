//go:build !unix

package seqeval

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
