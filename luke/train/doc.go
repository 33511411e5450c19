// Package train is the training engine that nerbench's DaLUKE recipes share
// (fine-tuning in luke/finetune, pretraining in luke/pretrain): a thin
// [Loop] with named hooks, the resumable [State], checkpoints, the AdamW
// optimizer and learning-rate schedules.
//
// # Pure parts and tensor parts
//
// Schedules ([Schedule], [LinearWarmupDecay], [PolynomialWarmupDecay]),
// batch plans ([Plan], [Shuffle], [Stream]), [State], the checkpoint folder
// protocol ([SaveCheckpoint], [Latest]) and the [Loop] are pure Go and build
// everywhere. [AdamW] and the conversion between libtorch tensors and
// checkpoint tensors need libtorch through gotch and the torch build tag;
// without it [NewAdamW] returns luke.ErrNoTorch.
//
// # Steps
//
// The loop counts micro-batches (one forward and backward pass each) and
// updates (one optimizer step each, after Accum micro-batches, or fewer at
// the end of an epoch) separately. [State.Step] is the number of updates
// applied; checkpoints are taken only between updates, so gradient
// accumulators never need saving.
//
// # Randomness
//
// Every random draw is a function of (seed, purpose, epoch, index): [Stream]
// returns a ChaCha8 generator (math/rand/v2) keyed by the SHA-256 of those
// four values, so that a resumed run needs only the epoch and batch index to
// rebuild the order of an epoch and the dropout masks of a step. libtorch's
// global generator is never used.
//
// # Learning rate
//
// A schedule is a pure function of the number of updates already applied
// and of the total number of updates, which is fixed before the first one
// and stored in the State. The update after s applied updates uses
// lr·schedule(s, total), as with a PyTorch LambdaLR stepped after every
// optimizer step: with warmup, the very first update has learning rate 0.
//
// # Checkpoints
//
// A checkpoint is the folder ckpt/step-N holding weights.safetensors,
// optim.safetensors and state.json. It is written under a temporary name and
// renamed into place; then ckpt/LATEST, written atomically, names it. A
// checkpoint that LATEST does not name is ignored, so a crash never leaves
// a half-written one in use.
package train
