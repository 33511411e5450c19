// Package dacy runs DaCy's medium and large NER pipelines
// (da_dacy_medium_tft-0.0.0 on Maltehb/danish-bert-botxo, uncased Danish
// BERT; da_dacy_large_tft-0.0.0 on xlm-roberta-large) from the released
// spaCy packages, without Python.
//
// A model folder is the unzipped package (what dacy.download_model puts in
// ~/.dacy): config.cfg, meta.json, ner/{cfg,model,moves} and
// transformer/model/ (config.json, pytorch_model.bin, tokenizer files).
//
// The transformer runs on one of two engines (Config.Engine):
//
//   - EngineTorch, in a torch build of nerbench (-tags torch): libtorch
//     through gotch runs transformer/model/pytorch_model.bin as released
//     (BertModel or XLMRobertaModel state dict, in torch.save's zip or
//     legacy format, checked tensor by tensor against config.json), with luke's BERT layers run on words only
//     (luke.KindEncoder): RoBERTa's positions after the padding index,
//     layer_norm_eps and the type vocabulary from config.json. The
//     tokenizer is transformer/model/tokenizer.json or, when the package
//     has none (transformers before 4.0 wrote none), the fast tokenizer
//     that Hugging Face's convert_slow_tokenizer builds from
//     sentencepiece.bpe.model (XLM-R) or vocab.txt and
//     tokenizer_config.json (BERT). It is the default of a torch build.
//     Config.Device "cuda" moves it to the GPU as for DaLUKE (untested
//     here: no GPU was available).
//
//   - EngineORT, in any build: ONNX Runtime on a feature-extraction export
//     of transformer/model, made once outside nerbench,
//
//     optimum-cli export onnx --task feature-extraction <package>/transformer/model <package>/transformer/onnx
//
//     (model.onnx and tokenizer.json; Config.ONNXDir points elsewhere). It
//     is the default of builds without libtorch.
//
// Both engines pass the same parity test against the independent PyTorch
// reference of testdata/reference.py (pooled vectors within 1e-5, actions
// and tags identical).
//
// Everything else is pure Go and follows spaCy 3.0 / spacy-transformers
// 1.0.2 as the DaLUKE thesis ran them (see the project's dacy-spec notes):
// config.cfg is checked (unknown architectures, span getters, beam_width > 1
// and shapes that disagree with it are errors naming the file and field);
// thinc's msgpack ner/model is decoded; each sentence becomes one Doc built
// from the given words, bypassing spaCy's tokenizer exactly as the thesis
// did; the Doc is cut into strided spans; the word pieces are aligned to the
// words by the character diff of the Rust crates tokenizations/seqdiff
// (ported); the last hidden states are mean-pooled per word; and the NER
// transition system decodes greedily (BILUO actions, spaCy's validity
// rules), giving IOB2 tags over DaNE's types.
//
// Speed (BENCHMARKS.md, "DaCy and Flair at real size"; random packages at
// real size, one thread, CPU time): DaCy large on libtorch tags DaNE test
// (565 sentences) in about 290 CPU-seconds; DaCy medium in about 81 on
// libtorch and 31 on ONNX Runtime, whose prepacked weights suit the small
// matrices of one sentence per forward pass.
package dacy
