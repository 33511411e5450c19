// Package aelaectra runs Ælæctra for Danish NER (Hugging Face id
// Maltehb/-l-ctra-danish-electra-small-cased-ner-dane): Malte
// Højmark-Bertelsen's Danish ELECTRA-small, cased, pretrained on the Danish
// Gigaword Corpus and fine-tuned on DaNE, as scored in the NERDA
// comparisons.
//
// The model predicts PER, ORG, LOC and MISC. Its tokenizer is cased, so
// words are not lowercased and accents are kept.
//
// # Getting the model
//
// nerbench runs the model natively from an ONNX export; no Python is needed
// at run time. Make the export once, with Hugging Face Optimum:
//
//	pip install "optimum[exporters]"
//	optimum-cli export onnx --task token-classification Maltehb/-l-ctra-danish-electra-small-cased-ner-dane aelaectra
//
// and put the aelaectra folder in the models directory, one folder per
// model, named after the adapter: <models-dir>/aelaectra/ holding
// model.onnx, config.json, tokenizer.json, tokenizer_config.json and
// special_tokens_map.json. Load checks these files (see the ort engine in
// adapters/internal/ort) and that the labels give PER, ORG, LOC and MISC.
package aelaectra
