// Package daluke is nerbench's adapter for DaLUKE, the Danish LUKE model of
// Nielsen, Højmark-Bertelsen and Ulmer (2021), running its released NER
// model natively on libtorch through package luke.
//
// # Model folder
//
// Load reads a folder that holds
//   - the NER archive: daluke-ner.tar.gz, or DaLUKE_NER.tar.gz as the daluke
//     Python package caches it (~/.daluke/DaLUKE_NER.tar.gz), or
//     model.safetensors written by luke.SaveSafetensors; Config.Archive
//     names another file;
//   - the tokenizer of Danish BERT, Maltehb/danish-bert-botxo: vocab.txt
//     (32,000 lines) or tokenizer.json. The DaLUKE archives ship no
//     tokenizer (the Python package downloads it from the Hugging Face hub),
//     so the user must supply one.
//
// # Tokenisation
//
// As in the reference (spec §2.1), every word is tokenised on its own with
// BERT's basic tokenisation (control characters removed, lower-cased, accents
// kept, punctuation split off) and WordPiece with the "##" prefix, through
// github.com/sugarme/tokenizer. The normalisation is fixed to lowercase=true,
// strip_accents=false whatever tokenizer.json says, because the released
// model was trained with the hub's first tokenizer config (spec §2.1).
// Unicode spaces inside a word (such as a no-break space) split it, as in
// Hugging Face's tokenizer, and "[MASK]" is the mask token wherever it
// occurs. A word that yields no word piece at all (only control characters)
// becomes one [UNK] piece, where the reference would build zero-width spans.
//
// # Inference
//
// See package luke for span NER: windows of at most max-seq-length word
// pieces, candidate spans of at most max-entity-span pieces, max-entities
// spans per forward pass, greedy decoding to IOB2. All spans are scored and
// windows are decoded on their own, fixing two bugs of the reference API
// (spec §2.9).
//
// The adapter needs the torch build (see luke.ErrNoTorch); in other builds
// Load fails with that error.
package daluke
