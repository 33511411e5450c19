//go:build !torch

package luke

// ReleaseMemory does nothing: this binary was built without libtorch.
func ReleaseMemory() {}
