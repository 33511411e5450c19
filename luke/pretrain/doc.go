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
// [LukeInit] initialises every weight as lukeinit does; [ReadBERT] reads a
// Hugging Face BERT checkpoint (pytorch_model.bin or model.safetensors) and
// [ApplyBERT] copies it in with the reference's exact key rewrite
// ([BERTKey]) and copies each layer's query into Q_e, Q_w2e and Q_e2w (spec
// §3.5). The names it loads are the base model that the first half of
// pretraining keeps frozen.
//
// # Metrics
//
// [TopK] counts top-k hits for k in [Ks] = 1, 3, 5, 10, 25, 50, with ties
// broken towards the lowest index as repeated argmax does (spec §3.7).
package pretrain
