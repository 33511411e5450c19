// Package flair runs DaNLP's Flair NER model (flair.ner, a flair 0.4.x
// SequenceTagger trained on DaNE) natively in Go: no Python, no libtorch.
//
// The model folder holds flair.ner.pt, the file DaNLP's
// download_model('flair.ner') extracts from flair_ner.zip into ~/.danlp.
// Load reads it as it is, in torch's legacy (pre-1.6) format or the zip
// format, with gopickle and a class resolver for the flair, gensim, numpy
// and torch.nn classes of the pickle. Any other class is an error that
// names it.
//
// Inference follows flair 0.4.5's predict, the version the DaLUKE thesis
// ran (see the project's flair-spec notes): the stacked embeddings in the
// sorted order of their names (word vectors with the lowercase and digit
// fallbacks, forward and backward character language models read at the
// separators around each word), embedding2nn, the BiLSTM, the linear layer
// and CRF Viterbi decoding, all in float32 with gonum for the matrix work.
// Words are given, so flair's tokenizer is not used.
//
// Speed: a random tagger at the released model's expected size (E_w 300,
// two character LMs of 1032 units, BiLSTM 256; BenchmarkTagRealSize) tags
// DaNE test (565 sentences) in about 140 CPU-seconds, so one to three
// minutes on two cores; the character LMs dominate.
//
// Memory: the word vectors (375 MB in the released model) are copied out
// of the Go heap into a read-only anonymous mapping after the load, which
// Close frees; the parameters are views of the storages read from the
// file; and the unpickled object graph is collected before Load returns.
// A batch holds at most 32 sentences and 4096 characters. The peak is
// then the load itself (the pickle's vector bytes and object graph in the
// Go heap): 0.92 GB for `nerbench run` with a random model of the released
// size (473 MB), against 1.19 GB before (BENCHMARKS.md, "Memory").
//
// The model predicts PER, LOC and ORG only; score it with MISC off. Its
// tags are mapped to IOB2 (a BIOES model's S-/E- tags become B-/I-).
package flair
