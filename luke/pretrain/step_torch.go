//go:build torch

package pretrain

import (
	"errors"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// crossEntropy returns the mean cross-entropy of scores [N, C] against
// labels, and the rank of each label (repeated-argmax order, ties to the
// lowest index; spec §3.7), computed on the scores' device.
func crossEntropy(keep func(*ts.Tensor) *ts.Tensor, scores *ts.Tensor, labels []int64, dev gotch.Device) (loss *ts.Tensor, ranks []int64) {
	lab := keep(ts.MustOfSlice(labels))
	if dev != gotch.CPU {
		lab = keep(lab.MustTo(dev, false))
	}
	logp := keep(scores.MustLogSoftmax(-1, gotch.Float, false))
	loss = keep(logp.MustNllLoss(lab, ts.NewTensor(), 1, -100, false)) // reduction 1: mean
	train.NoGrad(func() {
		col := keep(lab.MustUnsqueeze(1, false))
		s := keep(scores.MustGather(1, col, false, false)) // [N,1]
		above := keep(scores.MustGtTensor(s, false))
		n := scores.MustSize()[1]
		idx := keep(ts.MustArange(ts.IntScalar(n), gotch.Int64, dev))
		lower := keep(keep(idx.MustUnsqueeze(0, false)).MustLtTensor(col, false))
		tie := keep(keep(scores.MustEqTensor(s, false)).MustLogicalAnd(lower, false))
		r := keep(keep(keep(above.MustLogicalOr(tie, false)).MustSumDimIntlist([]int64{1}, false, gotch.Int64, false)).MustTo(gotch.CPU, false))
		ranks = r.Int64Values()
	})
	return loss, ranks
}

// Result is what one micro-batch gives.
type Result struct {
	WordLoss, EntityLoss, Loss float64
	// Words and Entities count the masked items; WordHits[j] and
	// EntityHits[j] those whose label is within the top Ks[j].
	Words, Entities      int
	WordHits, EntityHits []int
}

func hits(ranks []int64) []int {
	h := make([]int, len(Ks))
	for _, r := range ranks {
		for j, k := range Ks {
			if r < int64(k) {
				h[j]++
			}
		}
	}
	return h
}

// Step runs the forward and backward pass of one micro-batch of masked
// examples (spec §3.4): loss = wordWeight·CE(words) + (1-wordWeight)·CE(entities),
// each cross-entropy the mean over the micro-batch's masked items, and adds
// the gradients of loss·scale (scale = 1/accumulation steps) to the
// weights that require them. A micro-batch with no masked entity has
// entity loss 0. Without a gradient-tracking weight, backward is skipped
// (evaluation).
func Step(m *luke.Model, batch []*Masked, p *luke.Pass, wordWeight, scale float64, backward bool) (res Result, err error) {
	defer luke.RecoverTorch(&err)
	if len(batch) == 0 {
		return res, errors.New("empty micro-batch")
	}
	in := make([]luke.Input, len(batch))
	wp := make([][]int, len(batch))
	ep := make([][]int, len(batch))
	var wl, el []int64
	for i, b := range batch {
		in[i], wp[i], ep[i] = b.Input, b.WordPos, b.EntityPos
		wl = append(wl, b.WordLabels...)
		el = append(el, b.EntityLabels...)
	}
	words, ents, free, err := m.TrainMasked(in, wp, ep, p)
	if err != nil {
		return res, err
	}
	defer free()
	var tmp []*ts.Tensor
	defer func() {
		for _, t := range tmp {
			t.MustDrop()
		}
	}()
	keep := func(t *ts.Tensor) *ts.Tensor { tmp = append(tmp, t); return t }
	dev := m.Device()
	wloss, wr := crossEntropy(keep, words, wl, dev)
	res.Words, res.WordHits = len(wl), hits(wr)
	loss := keep(wloss.MustMulScalar(ts.FloatScalar(wordWeight), false))
	res.WordLoss = wloss.Float64Values()[0]
	if ents != nil {
		eloss, er := crossEntropy(keep, ents, el, dev)
		res.Entities, res.EntityHits = len(el), hits(er)
		res.EntityLoss = eloss.Float64Values()[0]
		loss = keep(loss.MustAdd(keep(eloss.MustMulScalar(ts.FloatScalar(1-wordWeight), false)), false))
	} else {
		res.EntityHits = make([]int, len(Ks))
	}
	res.Loss = loss.Float64Values()[0]
	if backward {
		keep(loss.MustMulScalar(ts.FloatScalar(scale), false)).MustBackward()
	}
	return res, nil
}
