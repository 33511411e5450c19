package fetch

// Figures are the known properties of one split, against which a fetched
// file is verified.
type Figures struct {
	// File is the split's file name in the dataset folder.
	File string
	// Sentences, Tokens and Documents are the split's size; 0 means not
	// checked.
	Sentences, Tokens, Documents int
	// Entities are the chunks per type under the conlleval/seqeval rule;
	// nil means not checked.
	Entities map[string]int
	// SHA256 is the hex digest of the exact file at its source; empty when
	// the source's bytes are not known (the content checks still apply).
	SHA256 string
	// Soft marks figures that could not be confirmed on a real copy:
	// a mismatch in Entities is reported as a warning, not an error.
	Soft bool
	// Source names where the figures come from.
	Source string
}

// Expected holds the verification figures of every split of every dataset,
// keyed by dataset and split name. The DaNE, Plank and CoNLL-2003 figures
// were recounted on the copies described in shared/data/SOURCES.md with
// verify_counts.py; the WikiANN figures could not be (no copy was reachable).
var Expected = map[string]map[string]Figures{
	// DaNE: Hvingelby et al. (2020), "DaNE: A Named Entity Resource for
	// Danish", LREC 2020 (sentences, per-type entities, as quoted in issue 2
	// from the thesis); tokens from SOURCES.md section 1. The bytes of the
	// real ddt.zip members are not known here (the reference copies were
	// generated from the ScandEval JSONL export), so there is no digest.
	"dane": {
		"train": {File: "ddt.train.conllu", Sentences: 4383, Tokens: 80378,
			Entities: map[string]int{"LOC": 945, "PER": 1249, "ORG": 802, "MISC": 1007},
			Source:   "Hvingelby et al. (2020); SOURCES.md section 1"},
		"dev": {File: "ddt.dev.conllu", Sentences: 564, Tokens: 10332,
			Entities: map[string]int{"LOC": 111, "PER": 166, "ORG": 90, "MISC": 113},
			Source:   "Hvingelby et al. (2020); SOURCES.md section 1"},
		"test": {File: "ddt.test.conllu", Sentences: 565, Tokens: 10023,
			Entities: map[string]int{"LOC": 96, "PER": 180, "ORG": 161, "MISC": 121},
			Source:   "Hvingelby et al. (2020); SOURCES.md section 1"},
	},
	// Plank (2019): the files of github.com/bplank/danish_ner_transfer at
	// commit 55f314beddec90e554095c5a139f49c3a473f63b, counted in
	// SOURCES.md section 2. The test entities equal the thesis figures quoted in issue 2;
	// dev has 348 chunks because of one irregular I-LOC.
	"plank": {
		"train-10k": {File: "da_ddt-ud-ner-train-10k.conll", Sentences: 604, Tokens: 10069,
			Entities: map[string]int{"LOC": 102, "PER": 151, "ORG": 63, "MISC": 24},
			SHA256:   "3f93cbc4d3838577cb8bb5f57d0845efa37761316a6065f4b1247417239d2440",
			Source:   "SOURCES.md section 2 (repository files at 55f314b)"},
		"train-5k": {File: "da_ddt-ud-ner-train-5k.conll", Sentences: 272, Tokens: 4669,
			Entities: map[string]int{"LOC": 39, "PER": 68, "ORG": 33, "MISC": 13},
			SHA256:   "d4bdd864e3556c6d23b2b3aa0759da3d0870621649245726c46b3857a5f8add3",
			Source:   "SOURCES.md section 2 (repository files at 55f314b)"},
		"dev": {File: "da_ddt-ud-ner-dev.conll", Sentences: 564, Tokens: 10332,
			Entities: map[string]int{"LOC": 103, "PER": 156, "ORG": 68, "MISC": 21},
			SHA256:   "c31c35daac20ab61f0ef931b28c4bd01b8dfe17bac65af957d96933553e0c378",
			Source:   "SOURCES.md section 2 (repository files at 55f314b)"},
		"test": {File: "da_ddt-ud-ner-test.conll", Sentences: 565, Tokens: 10023,
			Entities: map[string]int{"LOC": 97, "PER": 169, "ORG": 94, "MISC": 30},
			SHA256:   "f41b61de0019be978bd57c7b962c54a7fe3ea46c7bec954c414fef76e5de3265",
			Source:   "issue 2; SOURCES.md section 2"},
	},
	// WikiANN-da, Rahimi et al. (2019) splits: 20,000/10,000/10,000
	// sentences (Rahimi et al. 2019; the Hugging Face wikiann dataset card
	// lists the same sizes for da). The test entity counts are the expected
	// figures of SOURCES.md section 4, which could not be checked against a
	// real copy, so they are soft.
	"wikiann": {
		"train": {File: "train", Sentences: 20000, Source: "Rahimi et al. (2019)"},
		"dev":   {File: "dev", Sentences: 10000, Source: "Rahimi et al. (2019)"},
		"test": {File: "test", Sentences: 10000,
			Entities: map[string]int{"LOC": 5242, "PER": 4378, "ORG": 4078},
			Soft:     true,
			Source:   "SOURCES.md section 4 (not checked on a real copy)"},
	},
	// CoNLL-2003 English: Tjong Kim Sang and De Meulder (2003), Tables 1
	// and 2 (documents, tokens, per-type entities), and SOURCES.md section 3 (real
	// sentences without -DOCSTART- lines, tokens). Users supply their own
	// copy, whose bytes may differ (line endings), so there is no digest.
	"conll2003": {
		"train": {File: "eng.train", Sentences: 14041, Tokens: 203621, Documents: 946,
			Entities: map[string]int{"LOC": 7140, "PER": 6600, "ORG": 6321, "MISC": 3438},
			Source:   "Tjong Kim Sang and De Meulder (2003); SOURCES.md section 3"},
		"dev": {File: "eng.testa", Sentences: 3250, Tokens: 51362, Documents: 216,
			Entities: map[string]int{"LOC": 1837, "PER": 1842, "ORG": 1341, "MISC": 922},
			Source:   "Tjong Kim Sang and De Meulder (2003); SOURCES.md section 3"},
		"test": {File: "eng.testb", Sentences: 3453, Tokens: 46435, Documents: 231,
			Entities: map[string]int{"LOC": 1668, "PER": 1617, "ORG": 1661, "MISC": 702},
			Source:   "Tjong Kim Sang and De Meulder (2003); SOURCES.md section 3"},
	},
}
