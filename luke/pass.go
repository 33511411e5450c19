package luke

import (
	"fmt"
	"math/rand/v2"
)

// Precision is the arithmetic of a training forward pass. The weights, the
// gradients and the optimizer stay in float32 (master weights) in every
// mode.
type Precision int

const (
	// FP32 computes everything in float32.
	FP32 Precision = iota
	// BF16 computes every linear layer and the two matrix products of the
	// attention in bfloat16: inputs and weights are cast to bfloat16 copies
	// for the product (the casts are differentiable, so the gradients reach
	// the float32 weights as float32) and the result is cast back to
	// float32. Embeddings, layer norms, softmax, GELU, dropout and the loss
	// stay in float32. No loss scaling is needed.
	BF16
	// FP16 is BF16 with float16 instead of bfloat16, for CUDA only
	// (libtorch 1.13 has no float16 matrix product on the CPU). The
	// recipe adds dynamic loss scaling.
	FP16
)

func (p Precision) String() string {
	switch p {
	case FP32:
		return "fp32"
	case BF16:
		return "bf16"
	case FP16:
		return "fp16"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// ParsePrecision reads "fp32", "bf16" or "fp16".
func ParsePrecision(s string) (Precision, error) {
	for _, p := range []Precision{FP32, BF16, FP16} {
		if p.String() == s {
			return p, nil
		}
	}
	return 0, fmt.Errorf("precision %q: want fp32, bf16 or fp16", s)
}

// Dropout holds the dropout probabilities of a training forward pass (spec
// §1.8), each in [0, 1).
type Dropout struct {
	// Hidden applies to the word and entity embedding outputs and to the
	// outputs of each layer's self_output and output dense layers (0.1 in
	// DaLUKE's BERT config).
	Hidden float64
	// Attention applies to the attention probabilities (0.1).
	Attention float64
	// Features applies to the NER classifier's input (0.025 for the
	// released NER model).
	Features float64
}

// Pass configures a training forward pass ([Model.TrainLogits]).
type Pass struct {
	Dropout Dropout
	// Rand draws the dropout masks, in a fixed order of the dropout
	// places; it may be nil when every probability is 0. Masks are drawn
	// in Go, so they are the same on the CPU and on CUDA.
	Rand      *rand.Rand
	Precision Precision
}

// Check reports a probability outside [0, 1) or a missing Rand.
func (p *Pass) Check() error {
	d := p.Dropout
	for _, v := range []float64{d.Hidden, d.Attention, d.Features} {
		if !(v >= 0 && v < 1) {
			return fmt.Errorf("dropout probability %v outside [0, 1)", v)
		}
	}
	if p.Rand == nil && (d.Hidden > 0 || d.Attention > 0 || d.Features > 0) {
		return fmt.Errorf("dropout without a random source")
	}
	return nil
}

// keepMask fills mask with dropout multipliers: 0 with probability prob,
// 1/(1-prob) otherwise, drawing one float64 per element from r.
func keepMask(mask []float32, prob float64, r *rand.Rand) {
	scale := float32(1 / (1 - prob))
	for i := range mask {
		if r.Float64() < prob {
			mask[i] = 0
		} else {
			mask[i] = scale
		}
	}
}
