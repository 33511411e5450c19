// Package dabert runs DaNLP's da-BERT NER model (Hugging Face id
// DaNLP/da-bert-ner): the uncased Danish BERT of BotXO (Certainly)
// fine-tuned on DaNE by the Alexandra Institute's DaNLP project.
//
// The model predicts PER, LOC and ORG but no MISC, so it is scored with
// MISC off. Its tokenizer is uncased: words are lowercased and, as Hugging
// Face tokenizers do for an uncased BertNormalizer, accents are stripped
// (å becomes a; æ and ø have no accent to strip).
//
// # Getting the model
//
// nerbench runs the model natively from an ONNX export; no Python is needed
// at run time. Make the export once, with Hugging Face Optimum:
//
//	pip install "optimum[exporters]"
//	optimum-cli export onnx --task token-classification DaNLP/da-bert-ner dabert
//
// and put the dabert folder in the models directory, one folder per model,
// named after the adapter: <models-dir>/dabert/ holding model.onnx,
// config.json, tokenizer.json, tokenizer_config.json and
// special_tokens_map.json. Load checks these files (see the ort engine in
// adapters/internal/ort) and that the export's labels give PER, LOC and ORG.
package dabert
