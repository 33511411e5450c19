//go:build torch

package dacy

import "testing"

// The whole pipeline with the libtorch engine, on the released
// pytorch_model.bin of the tiny packages, against reference.py (see
// checkPipeline). It is also the default engine of a torch build.
func TestPipelineTorch(t *testing.T) {
	checkPipeline(t, Config{})
}
