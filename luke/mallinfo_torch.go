//go:build torch

package luke

/*
#include <malloc.h>
*/
import "C"

// mallocInUse returns the bytes that glibc's malloc has handed out and not
// had back: libtorch's CPU tensors live there. Tests use it to find
// tensors whose memory is never freed.
func mallocInUse() int64 {
	mi := C.mallinfo2()
	return int64(mi.uordblks) + int64(mi.hblkhd)
}

// ReleaseMemory gives the memory that libtorch has freed back to the
// system (glibc's malloc_trim). luke keeps freed memory in the heap for
// reuse (malloc_torch.go), which spares a training step its page faults
// but lets a long inference run keep up to M_TRIM_THRESHOLD of freed
// batches; the DaLUKE adapter calls this between its chunks of sentences,
// so that the peak does not grow with the corpus.
func ReleaseMemory() { C.malloc_trim(0) }
