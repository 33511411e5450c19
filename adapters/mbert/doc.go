// Package mbert runs NERDA's multilingual BERT for Danish NER: NERDA's
// precooked model DA_BERT_ML (called BERT_ML_DaNE in NERDA's first
// releases), bert-base-multilingual-uncased fine-tuned
// on DaNE (train and dev; max_len 128, 4 epochs) by Ekstra Bladet's NERDA
// project (github.com/ebanalyse/NERDA, src/NERDA/precooked.py).
//
// The model predicts PER, ORG, LOC and MISC. Its tokenizer is uncased
// (do_lower_case=True): words are lowercased and accents stripped, as
// Hugging Face tokenizers do. NERDA numbers its labels with sklearn's
// LabelEncoder, which sorts them: B-LOC, B-MISC, B-ORG, B-PER, I-LOC,
// I-MISC, I-ORG, I-PER, O (ids 0 to 8); see Labels.
//
// # Getting the model
//
// NERDA does not publish the model on the Hugging Face hub. Its weights are
// https://nerda.s3-eu-west-1.amazonaws.com/DA_BERT_ML.bin (BERT_ML_DaNE.bin
// for the first releases' class name; see WeightsURL), a PyTorch state
// dict of NERDA's network: "transformer.*" (a BertModel) and "tags.weight",
// "tags.bias" (the linear layer over the 9 labels). To export it:
//
//  1. Build a BertForTokenClassification from bert-base-multilingual-uncased
//     with num_labels=9 and id2label as in Labels. Load the state dict into
//     it with "transformer." renamed to "bert.", "tags." renamed to
//     "classifier.", and the pooler weights dropped. Save it, with the
//     tokenizer (do_lower_case=True), by save_pretrained to a folder,
//     mbert-hf.
//
//  2. Run
//
//     optimum-cli export onnx --task token-classification mbert-hf mbert
//
// and put the mbert folder in the models directory, one folder per model,
// named after the adapter: <models-dir>/mbert/ holding model.onnx,
// config.json, tokenizer.json, tokenizer_config.json and
// special_tokens_map.json. Load checks these files and that the labels give
// PER, ORG, LOC and MISC.
package mbert
