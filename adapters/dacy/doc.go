// Package dacy runs DaCy's medium and large NER pipelines
// (da_dacy_medium_tft-0.0.0 on Maltehb/danish-bert-botxo, uncased Danish
// BERT; da_dacy_large_tft-0.0.0 on xlm-roberta-large) from the released
// spaCy packages, without Python.
//
// A model folder is the unzipped package (what dacy.download_model puts in
// ~/.dacy): config.cfg, meta.json, ner/{cfg,model,moves} and
// transformer/model/ (config.json, pytorch_model.bin, tokenizer files).
// The transformer runs on ONNX Runtime from a feature-extraction export of
// transformer/model, made once outside nerbench:
//
//	optimum-cli export onnx --task feature-extraction <package>/transformer/model <package>/transformer/onnx
//
// (model.onnx and tokenizer.json; Config.ONNXDir points elsewhere).
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
// Speed: a random package at DaCy medium's real size (BERT base;
// BenchmarkTagRealSize) tags DaNE test (565 sentences) in about 95
// CPU-seconds with ONNX Runtime on the CPU; DaCy large's transformer costs
// about 3.5 times as much per word piece.
package dacy
