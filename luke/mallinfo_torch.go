//go:build torch

package luke

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
*/
import "C"

import (
	"errors"
	"strings"
	"unsafe"
)

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

// mallocArenas returns the number of glibc malloc arenas, read from
// malloc_info's report (one <heap nr="…"> element per arena).
func mallocArenas() (int, error) {
	var buf *C.char
	var size C.size_t
	f := C.open_memstream(&buf, &size)
	if f == nil {
		return 0, errors.New("open_memstream failed")
	}
	rc := C.malloc_info(0, f)
	C.fclose(f)
	defer C.free(unsafe.Pointer(buf))
	if rc != 0 {
		return 0, errors.New("malloc_info failed")
	}
	return strings.Count(C.GoStringN(buf, C.int(size)), "<heap nr="), nil
}
