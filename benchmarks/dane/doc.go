// Package dane reads DaNE, the Danish named-entity annotation of the Danish
// Dependency Treebank: R. Hvingelby, A. B. Pauli, M. Barrett, C. Rosted,
// L. M. Lidegaard and A. Søgaard, "DaNE: A Named Entity Resource for
// Danish", LREC 2020.
//
// The official download is ddt.zip from the DaNLP project
// (https://danlp-downloads.alexandra.dk/datasets/ddt.zip, documented at
// https://github.com/alexandrainst/danlp/blob/master/docs/docs/datasets.md#dane).
// It holds ddt.train.conllu, ddt.dev.conllu and ddt.test.conllu in CoNLL-U,
// with the NER tag in the MISC column as "name=TAG", possibly among other
// "|"-separated fields. Load reads that layout; multiword-token lines (ID
// "1-2") and empty nodes (ID "1.1") are skipped, and the "# sent_id" comment
// becomes Sentence.ID. Tags are IOB2 over PER, ORG, LOC and MISC.
//
// LoadJSONL reads the JSON Lines export of ScandEval (train.jsonl, test.jsonl),
// whose train.jsonl holds the train and dev splits one after the other.
//
// The DaNE annotations are licensed under CC BY-SA 4.0
// (https://creativecommons.org/licenses/by-sa/4.0/); the underlying Danish
// Dependency Treebank is GPL v2 or CC BY-SA 4.0. The package embeds a copy of
// the test split (embedded/ddt.test.conllu, see embedded/NOTICE for its
// origin and attribution), so that LoadEmbedded works without any data
// folder. That file is distributed under CC BY-SA 4.0 with the attribution
// above.
package dane
