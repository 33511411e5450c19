//go:build !unix

package flair

// offHeap returns src itself: off-heap memory (see offheap_unix.go) is
// only used on Unix systems.
func offHeap(src []float32) ([]float32, func(), error) { return src, func() {}, nil }
