//go:build ort

package dacy

import "testing"

// The whole pipeline with the ONNX Runtime engine on the tiny packages
// against reference.py (see checkPipeline).
func TestPipelineORT(t *testing.T) {
	checkPipeline(t, Config{Engine: EngineORT})
}
