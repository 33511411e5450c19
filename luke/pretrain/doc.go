// Package pretrain is DaLUKE's pretraining recipe (spec §3): the
// thesis-era masking of words and entities, the initialisation from
// lukeinit and optionally Danish BERT, and top-k accuracies. It reads the
// corpus that package luke/corpus builds.
//
// # Masking
//
// [Mask] adds [CLS] and [SEP] to an example, shifts its spans by one, and
// masks it as the thesis-era collate did (spec §3.3): whole-word masking of
// round_half_even(0.15·words) spans, at least one, each span [MASK]ed with
// probability 0.8, replaced by random pieces with 0.1 and kept with 0.1, all
// of its pieces labelled; and round_half_even(0.15·entities) entities, at
// least one, replaced by the [MASK] entity with no 80/10/10. The draws come
// from a caller's math/rand/v2 generator, so the masks are reproducible and
// re-drawn each time an example is used.
//
// # Initialisation
//
// [LukeInit] initialises every weight as lukeinit does; [luke.ReadStateDict] reads a
// Hugging Face BERT checkpoint (pytorch_model.bin or model.safetensors) and
// [ApplyBERT] copies it in with the reference's exact key rewrite
// ([luke.BERTKey]) and copies each layer's query into Q_e, Q_w2e and Q_e2w (spec
// §3.5). The names it loads are the base model that the first half of
// pretraining keeps frozen.
//
// # Training
//
// [Start] (torch build) reads the data ([ReadDataset]: a seeded held-out
// share for validation), initialises the model or resumes from the newest
// checkpoint of the run folder (refusing other settings by name), and
// returns a [Run] whose train.Loop the caller runs after attaching its
// hooks. [Step] is one micro-batch: the masked-word and masked-entity
// heads (luke.Model.TrainMasked), loss = 0.5·word CE + 0.5·entity CE, each
// the mean over the micro-batch's masked items, backward of loss/accum; a
// micro-batch with no masked entity has entity loss 0 (the thesis-era code
// has no guard and would give NaN). Masks and dropout come from
// train.Stream(seed, purpose, epoch, index), so a resumed run redraws the
// same ones.
//
// AdamW (β 0.9/0.999, ε 1e-6, bias correction, weight decay 0.01 except
// biases and LayerNorm weights) follows the polynomial schedule with warmup
// (6 %, power √3, to 10 % of the peak; spec §3.6). The weights taken from
// BERT stay frozen until epoch round_half_even(0.5·epochs). At the unlock
// they get an AdamW of their own, whose step count starts there, as
// Hugging Face's AdamW keeps a step count per parameter. Under
// corpus.CompatThesis they are never updated: the thesis-era optimizer was
// built from the parameters trainable before the unlock (spec §3.6 [BUG]),
// and the released model was trained so. Without BERT weights every
// weight trains from the start and the unlock changes nothing.
//
// On the CPU a resumed run equals a straight one bit for bit.
//
// # Metrics
//
// [TopK] counts top-k hits for k in [Ks] = 1, 3, 5, 10, 25, 50, with ties
// broken towards the lowest index as repeated argmax does (spec §3.7).
package pretrain
