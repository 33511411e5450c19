//go:build unix

package flair

import (
	"fmt"
	"syscall"
	"unsafe"
)

// offHeap returns a copy of src in an anonymous memory mapping, outside the
// Go heap, and the function that unmaps it. The garbage collector lets the
// heap grow to twice its live size before it collects (GOGC=100); with the
// released model's 375 MB of word vectors in the heap, tagging could then
// hold another 375 MB of garbage. Outside the heap, only the small working
// set of tagging is doubled.
func offHeap(src []float32) ([]float32, func(), error) {
	if len(src) == 0 {
		return src, func() {}, nil
	}
	b, err := syscall.Mmap(-1, 0, 4*len(src), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, nil, fmt.Errorf("map %d bytes for the word vectors: %w", 4*len(src), err)
	}
	dst := unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(src))
	copy(dst, src)
	// Read-only from now on: a stray write faults instead of changing the
	// model.
	if err := syscall.Mprotect(b, syscall.PROT_READ); err != nil {
		_ = syscall.Munmap(b)
		return nil, nil, fmt.Errorf("protect the word vectors: %w", err)
	}
	return dst, func() { _ = syscall.Munmap(b) }, nil
}
