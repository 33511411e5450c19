// Package ort runs Hugging Face token-classification models, exported to
// ONNX, on ONNX Runtime from Go, with no Python. It is the one engine behind
// the dabert, mbert and aelaectra adapters and behind `--model-dir PATH`
// for any other export.
//
// # Export folder
//
// A folder made by
//
//	optimum-cli export onnx --task token-classification MODEL DIR
//
// holds model.onnx (inputs input_ids, attention_mask and, for BERT-like
// models, token_type_ids, all int64 [batch, sequence]; output logits, float
// [batch, sequence, labels]), config.json (id2label, vocab_size,
// max_position_embeddings, model_type), tokenizer.json,
// tokenizer_config.json and special_tokens_map.json. Load checks each and
// names the file at fault.
//
// # Pipeline
//
// Words come pre-split, as in the benchmarks. Each word is tokenised on its
// own with github.com/sugarme/tokenizer from tokenizer.json, as Hugging Face
// does for is_split_into_words=True, so every subword keeps its true word
// id; words are converted to NFC first unless Config.RawUnicode is set. Two
// differences from sugarme/tokenizer v0.3.0 are corrected to match Hugging
// Face tokenizers: a BertNormalizer with strip_accents null strips accents
// when it lowercases, and accents are stripped from the NFD form (so "å"
// becomes "a"). The special tokens come from the post_processor
// (BertProcessing, RobertaProcessing or TemplateProcessing).
//
// A word is labelled by the logits of its first subword (argmax, the first
// label on a tie). A word with no subwords (an empty string, a lone control
// or zero-width character) is tagged O and counted in Stats. A sentence
// longer than the model's maximum length is split, at word boundaries, into
// windows that share Config.Stride subwords, and each word takes its label
// from the window in which its first subword has the most context; no word
// is dropped. A single word with more subwords than a window is cut to the
// window (its first subword, hence its label, is kept) and counted.
//
// Model labels are mapped to dataset labels (Config.LabelMap, e.g. PERSON
// to PER); a label that is neither O nor B-/I- of a dataset type and has no
// mapping is an error at Load.
//
// # Throughput
//
// Load creates one ONNX Runtime session (a DynamicAdvancedSession) and
// no other: the graph's inputs and outputs are read from model.onnx by
// GraphIO, which skips the weights, so the weights are read, copied and
// prepacked once. Load allocates the input and output buffers once, at their largest size
// (batch size × maximum length). Tag splits its input into groups of
// 8 × batch size sentences; while the model runs on one group, the next is
// tokenised in another goroutine (errgroup). Within a group the windows are
// sorted by length, longest first, batched and padded to the longest window
// of their batch; a batch holds at most Config.BatchSize windows and
// Config.BatchTokens padded tokens (2048 by default), so that ONNX Runtime's
// activations, which grow with batch × length and, in attention, with
// batch × length², stay as small for long windows as for short ones. Each batch wraps the reused buffers in ONNX Runtime
// tensors of its padded shape, which copies nothing. A word cache makes
// repeated words cost one map lookup. Stats.Forward sums the time spent in
// ONNX Runtime's Run, so Stats.Total / Stats.Forward is the overhead of
// everything else.
//
// # ONNX Runtime library
//
// The library is loaded with dlopen at run time, so this package builds
// without it. It is looked for at $ONNXRUNTIME_SHARED_LIBRARY_PATH, then as
// libonnxruntime.so.1 beside the running executable (where `make setup`
// puts it, in bin/), then in $XDG_DATA_HOME/nerbench/lib (XDG_DATA_HOME
// defaults to ~/.local/share); see LibraryCandidates. The environment is
// created once per process and lives until it exits.
//
// # Fixtures
//
// testdata/generate.py writes the test export folders: oracle models whose
// logits are a fixed table row per token id, so the expected word labels
// are known by construction, and small random-weight BERT and ELECTRA
// graphs with dynamic batch and sequence axes.
package ort
