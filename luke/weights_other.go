//go:build !linux

package luke

import (
	"fmt"
	"io"
	"os"
)

var pageSize = os.Getpagesize()

// anonMemory returns size bytes on the Go heap: only Linux builds map
// the weights outside it.
func anonMemory(size int) (*weightMem, error) { return heapMemory(size) }

// fileMemory reads f's size bytes onto the Go heap.
func fileMemory(f *os.File, size int64) (*weightMem, error) {
	if int64(int(size)) != size {
		return nil, fmt.Errorf("file of %d bytes: too large to read", size)
	}
	m, _ := heapMemory(int(size))
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, size), m.b); err != nil {
		return nil, err
	}
	return m, nil
}

func unmap([]byte) error { return nil }

func dontNeed([]byte) {}
