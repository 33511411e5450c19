// Package hfonnx runs any Hugging Face token-classification model exported
// to ONNX: the folder given to nerbench as --model-dir PATH. It is the
// public face of the engine that the dabert, mbert and aelaectra adapters
// share (adapters/internal/ort); those adapters add a model's name, public
// id, export command and label check.
//
// Make an export folder with Hugging Face Optimum:
//
//	optimum-cli export onnx --task token-classification MODEL DIR
//
// DIR then holds model.onnx, config.json, tokenizer.json,
// tokenizer_config.json and special_tokens_map.json. Labels that are not
// B-/I- of the dataset's types (PERSON, GPE, ...) need Config.LabelMap.
//
// The ONNX Runtime library is found at $ONNXRUNTIME_SHARED_LIBRARY_PATH,
// beside the nerbench executable, or in $XDG_DATA_HOME/nerbench/lib; see
// LibraryCandidates.
package hfonnx
