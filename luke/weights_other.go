//go:build !linux

package luke

import "os"

var pageSize = os.Getpagesize()

// anonMemory returns size bytes on the Go heap: only Linux builds map
// the weights outside it.
func anonMemory(size int) (*weightMem, error) { return heapMemory(size) }

func unmap([]byte) error { return nil }

func dontNeed([]byte) {}
