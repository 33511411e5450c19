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
	return &weightMem{b: b, mapped: true}, nil
}

// fileMemory maps the size bytes of f privately (copy-on-write: a write
// changes this process's copy only), outside the Go heap.
func fileMemory(f *os.File, size int64) (*weightMem, error) {
	if size == 0 {
		return &weightMem{}, nil
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("file of %d bytes: too large to map", size)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, fmt.Errorf("map: %w", err)
	}
	mappedBytes.Add(size)
	return &weightMem{b: b, mapped: true}, nil
}

func unmap(b []byte) error { return syscall.Munmap(b) }

// dontNeed drops b's pages from the process (MADV_DONTNEED). It is only a
// hint for the memory's footprint, so its error is ignored: the pages are
// then freed by close instead.
func dontNeed(b []byte) { _ = syscall.Madvise(b, syscall.MADV_DONTNEED) }
