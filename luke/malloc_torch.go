//go:build torch

package luke

/*
#include <malloc.h>
*/
import "C"

// libtorch allocates its CPU tensors with glibc's malloc, and a training
// step frees and reallocates many tensors of a few hundred kilobytes to a
// few megabytes. Above glibc's mmap threshold each one is a fresh mmap whose
// pages fault in on first touch: a profile of fine-tuning spent 18 % of its
// time in the kernel's page-fault handler. Serving them from the heap (mmap
// only from 32 MiB, and no trimming of the heap's top) took 11 % off a
// training update's CPU time. Memory freed by libtorch then stays with the
// process for reuse.
//
// One arena: glibc gives each thread that calls malloc an arena of its own
// (up to eight per core), and Go runs cgo calls on whichever of its threads
// is free, so over a long run libtorch's tensors come from several arenas,
// each keeping the freed memory of a batch (trimmed only past
// M_TRIM_THRESHOLD). Limiting the arenas here took the peak RSS of a DaLUKE
// run over 64 CoNLL-2003 sentences from 3.0 to 2.8 GB; MALLOC_ARENA_MAX=1
// in the environment, which glibc reads at start-up before the libraries load,
// bounds it further (BENCHMARKS.md, Memory). Go calls into libtorch from one
// goroutine at a time, so the arena's lock is not contended.
func init() {
	C.mallopt(C.M_MMAP_THRESHOLD, 32<<20)
	C.mallopt(C.M_TRIM_THRESHOLD, 1<<30)
	C.mallopt(C.M_ARENA_MAX, 1)
}
