// Package luke implements DaLUKE, the Danish LUKE model, natively: reading the
// released checkpoints, the model itself on libtorch, and span-based named
// entity recognition.
//
// The specification is ../shared/notes/daluke-spec.md, written from the
// reference code peleiden/daluke (thesis tag c55d168 and release 0.0.5).
// Where the thesis and the code disagree the package follows the code.
//
// # Checkpoints
//
// A released model is a .tar.gz archive with entity-vocab.json,
// metadata.json and model.bin, a torch.save zip pickle of the state dict
// (spec §5.1). [ReadArchive] reads it without libtorch; the pretrained archive
// holds the masked-word and masked-entity heads, the NER archive a 2-row
// entity table and the span classifier. The archives carry no model config:
// [InferConfig] derives the sizes from the tensor shapes. The number of
// attention heads cannot be derived; it is read from the metadata key
// "num-attention-heads" (a nerbench extension) and is otherwise hidden/64, 12
// for the released base models. Models this project trains are stored as
// safetensors ([WriteSafetensors], [ReadSafetensors]).
//
// The Read functions keep a checkpoint's bytes on the Go heap, its float32
// tensors viewing them. To load a model, [OpenArchive], [OpenSafetensors]
// and [OpenStateDict] put them outside the heap instead (model.bin
// decompressed, or the file read, into an anonymous mapping), and
// [MoveToModel] hands each storage back to the system as soon as its
// tensors are in libtorch, so that loading holds the weights about once:
// libtorch's copy plus the storage being copied. Such a checkpoint must be
// closed ([Checkpoint.Close]) or moved; afterwards its tensors hold no data.
//
// # Model
//
// [NewModel] (or [MoveToModel]) puts a checkpoint on the CPU or a CUDA device and runs it in
// evaluation mode without gradients: [Model.Hidden] returns the last layer's
// word and entity states, [Model.SpanLogits] and [Model.NER] run the NER head
// and span NER, and [Model.MaskedScores] the masked-word and masked-entity
// heads of the pretrained model. The entity-aware self-attention is written
// as matrix products and one softmax over words and entities (spec §1.5).
// The model needs libtorch through gotch and the torch build tag; without
// it every operation returns [ErrNoTorch]. It matches an independent PyTorch
// implementation of the spec (testdata/reference.py) to within 1e-5 on a
// small random-weight model.
//
// # Training
//
// The same forward pass trains: [Model.TrainLogits] runs it with dropout
// (masks drawn in Go from a [Pass]'s random source, so they are the same on
// every device) and in fp32, bf16 or fp16 products ([Precision]) while
// libtorch tracks gradients for the weights ([Model.SetRequiresGrad]).
// [WriteArchive] writes a checkpoint in the released archive format, with a
// model.bin that torch.load reads. The training loop, AdamW and the
// fine-tuning recipe are in the packages luke/train and luke/finetune.
//
// # NER
//
// Span NER (spec §2) is split into pure Go steps, testable without libtorch:
// [Windows] splits a text that does not fit the model into word-granular
// windows, [CandidateSpans] enumerates the word spans of at most
// max-entity-span word pieces, [Chunks] groups them into forward passes, and
// [Decode] turns span probabilities into IOB2 tags greedily. The forward pass
// itself needs libtorch (the torch build tag; see [ErrNoTorch]).
//
// Two deliberate differences from the reference code change results (spec
// §2.9): every span is scored, where the reference's single-string API scores
// only the first 1,024 spans of a text; and a text split into windows is
// decoded window by window against its own words, where the reference merges
// window-relative spans into one dictionary and so misplaces predictions.
// Two cases the reference does not handle get a defined behaviour: a word
// with no word piece is given one [UNK] piece by the tokenizer (the reference
// builds zero-width spans), and a word with too many pieces for any window
// gets a window of its own (the reference loops forever).
package luke
