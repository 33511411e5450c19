// Package baseline is nerbench's always-available reference NER model: an
// averaged structured perceptron over IOB2 tags with first-order Viterbi
// decoding, written and trained in pure Go. In the thesis tables it takes
// the place that daner (a Stanford CRF) and Polyglot hold.
//
// # Features
//
// Each word is described by its identity and lower-cased form, prefixes and
// suffixes of one to four characters, its word shape ("Xxxxd") and short
// shape ("Xxd"), capitalisation, digits, hyphens and length, whether it is
// the first or last word of the sentence, and the words, shapes and
// suffixes of its neighbours in a window of two words either side. Two
// further features are drawn from the training split only:
//
//   - a gazetteer of every entity annotated in training, matched longest
//     first, which gives the entity type seen most often for the phrase and
//     how often the phrase is an entity where it occurs;
//   - a capitalisation prior: whether a capitalised word is usually written
//     with a capital letter when it is not the first word of a sentence. In
//     Danish, as in English, the first word is always capitalised, so this
//     tells a sentence-initial name from a sentence-initial common word.
//
// While training, each sentence's own contribution to the gazetteer and the
// capitalisation counts is left out, so the features look on training
// sentences as they will on unseen text.
//
// Tag sequences are decoded under the IOB2 constraints (an I-X tag only
// after B-X or I-X), so the output is always well formed.
//
// # Training and determinism
//
// Train visits the training sentences in an order shuffled by the seed,
// updates integer weights, and after each epoch scores the averaged weights
// on the dev split; the epoch with the best dev micro-F1 (MISC on) is kept.
// The test split is never read. All training arithmetic is on integers,
// and stored weights are fixed-point integers (see Hyper.Scale), so the same
// training data, settings and seed give a byte-identical model file on
// every platform. The file is gzip-compressed with no name and a zero
// modification time; it records the dataset, splits, their hashes, the
// seed, the hyper-parameters, the selected epoch and the command line (see
// Provenance).
//
// The DaNE model shipped in the binary (LoadEmbedded) is rebuilt with
//
//	nerbench train baseline --dataset dane --data-dir DIR --out adapters/baseline/model/dane.nbm.gz
//
// or with go generate in this folder, which reads $NERBENCH_DATA. Given
// NERBENCH_DATA, a test checks that this reproduces the embedded file byte
// for byte; training takes about two seconds on one core.
//
// # Scores
//
// On DaNE test the shipped model reaches a micro-F1 of 70.80 with MISC and
// 73.05 without (seqeval default mode; the golden files in golden/ guard the
// exact figures). For comparison, the thesis reports 56.5 for daner and 64.2
// for Polyglot without MISC (Table 5.3). Trained the same way on CoNLL-2003
// English, it reaches 83.80 on the test split (eng.testb); that model is not
// shipped, since the CoNLL-2003 text may not be redistributed.
package baseline
