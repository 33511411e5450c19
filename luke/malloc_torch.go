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
func init() {
	C.mallopt(C.M_MMAP_THRESHOLD, 32<<20)
	C.mallopt(C.M_TRIM_THRESHOLD, 1<<30)
}
