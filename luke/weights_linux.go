//go:build linux

package luke

import (
	"fmt"
	"os"
	"syscall"
)

var pageSize = os.Getpagesize()

// anonMemory returns size zeroed bytes of a private anonymous mapping,
// outside the Go heap.
func anonMemory(size int) (*weightMem, error) {
	if size == 0 {
		return &weightMem{}, nil
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("map %d bytes: %w", size, err)
	}
	mappedBytes.Add(int64(size))
	// Huge pages, where the system allows them for madvised memory: filling
	// the mapping then takes one fault per 2 MB instead of per 4 kB (reading
	// DaCy medium's 440 MB pytorch_model.bin into it took 0.1–1.6 s of
	// system time instead of 1.8–2.1 s, and 0.03 s of user time instead of
	// 1.0 s). MADV_DONTNEED on part of a huge page splits it. A hint: its
	// error is ignored.
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return &weightMem{b: b, mapped: true}, nil
}

func unmap(b []byte) error { return syscall.Munmap(b) }

// dontNeed drops b's pages from the process (MADV_DONTNEED). It is only a
// hint for the memory's footprint, so its error is ignored: the pages are
// then freed by close instead.
func dontNeed(b []byte) { _ = syscall.Madvise(b, syscall.MADV_DONTNEED) }
