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
