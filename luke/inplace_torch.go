//go:build torch

package luke

import (
	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// InPlace runs op, a call of one of gotch's in-place methods on t
// (t.MustAdd_(u), t.MustMulScalar_(c), …), and frees the libtorch handle
// that the call replaces. gotch's in-place methods point t at a new handle
// of the same tensor and never free the old one, and that lost handle keeps
// the tensor's memory alive after t.MustDrop: an in-place update of a
// temporary leaks the whole temporary. AdamW did three such updates per
// parameter and step, and fine-tuning grew by about three times the
// model's size in memory on every update (luke/train's
// TestAdamWKeepsMemory).
func InPlace(t *ts.Tensor, op func()) {
	old := t.Ctensor()
	op()
	if p := t.Ctensor(); p != old && old != nil {
		lib.AtFree(lib.Ctensor(old))
	}
}
