// Package finetune is DaLUKE's NER fine-tuning recipe (spec §2.8) on the
// training engine luke/train: examples with span labels built by the same
// span enumeration and chunking as inference, the start model (a pretrained
// archive mutated for NER, a NER archive, or a random initialisation), the
// cross-entropy step, dev evaluation with the Go seqeval after every epoch,
// the best and last models as released-format archives, checkpoints, and
// the JSON-lines training log.
//
// # The recipe
//
// [DefaultConfig] is the released model's recipe: AdamW with betas (0.9,
// 0.98), eps 1e-6 and no bias correction, weight decay 0.01 except for
// parameters whose name contains "bias" or "LayerNorm.weight" (DaLUKE's
// lnorm.weight is decayed), learning rate 5e-5 with a linear warmup over
// int(0.06·T) of the T updates and a linear decay to 0, 15 epochs of
// batches of 8 examples shuffled with seed 1, cross-entropy with
// ignore_index over the padded spans, dropout 0.1 in the encoder and 0.025
// on the classifier's features, and no gradient clipping (the reference
// has none). After each epoch the dev split is tagged and scored with
// seqeval's default mode; the model with the strictly best micro F1 is
// written as best.tar.gz, the model after the last epoch as last.tar.gz.
//
// # Determinism
//
// The order of the examples in epoch e is a permutation drawn from the
// ChaCha8 stream (seed, "shuffle", e), and the dropout masks of the
// micro-batch with index i in update s from (seed, "dropout", s, i): see
// luke/train. With Config.Deterministic (no shuffle, no dropout) a run is
// a pure function of its inputs, and with or without it a run resumed from
// a checkpoint ends with the same weights, bit for bit on the CPU, as one
// that was never interrupted.
package finetune
