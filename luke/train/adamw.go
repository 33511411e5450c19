package train

import (
	"sort"
	"strings"
)

// AdamWConfig holds the hyperparameters of AdamW as Hugging Face's
// transformers.AdamW defines it (spec §2.8, §3.6): per parameter p with
// gradient g, after t updates including this one,
//
//	m ← β1·m + (1-β1)·g
//	v ← β2·v + (1-β2)·g²
//	step ← lr, or lr·√(1-β2^t)/(1-β1^t) with BiasCorrection
//	p ← p - step·m/(√v + ε)
//	p ← p - lr·wd·p          (wd = WeightDecay, or 0 in the no-decay group)
//
// The decay comes after the Adam step and is not scaled by the bias
// correction. Parameters without a gradient are left alone.
type AdamWConfig struct {
	Beta1, Beta2, Eps float64
	WeightDecay       float64
	// BiasCorrection divides the moments by 1-β^t (correct_bias=True).
	BiasCorrection bool
	// NoDecay selects, by name, the parameters whose weight decay is 0;
	// nil means every parameter decays.
	NoDecay func(name string) bool
}

// FineTuneAdamW is the optimizer of DaLUKE's NER fine-tuning (spec §2.8):
// betas (0.9, 0.98), eps 1e-6, weight decay 0.01 except for HFNoDecay
// names, and no bias correction.
func FineTuneAdamW() AdamWConfig {
	return AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-6, WeightDecay: 0.01, NoDecay: HFNoDecay}
}

// HFNoDecay reports whether a parameter name contains "bias" or
// "LayerNorm.weight", the no-decay rule of DaLUKE's recipes. DaLUKE's own
// layer norms are called lnorm, so "entity_embeddings.lnorm.weight" is
// decayed, as in the reference code.
func HFNoDecay(name string) bool {
	return strings.Contains(name, "bias") || strings.Contains(name, "LayerNorm.weight")
}

// DecayGroups splits names into the decaying and the non-decaying group,
// each sorted.
func DecayGroups(names []string, noDecay func(string) bool) (decay, none []string) {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	for _, n := range sorted {
		if noDecay != nil && noDecay(n) {
			none = append(none, n)
		} else {
			decay = append(decay, n)
		}
	}
	return decay, none
}

// Moment names in an optimizer state file: the first and second moment of
// parameter name.
func MomentNames(name string) (m, v string) { return "adam.m/" + name, "adam.v/" + name }
