// Package seqeval scores named-entity tags exactly as seqeval and
// conlleval.pl do, and adds an error breakdown and a confusion matrix.
//
// It is a port of the Python package seqeval, version 1.2.2 (PyPI
// seqeval==1.2.2, https://github.com/chakki-works/seqeval at tag v1.2.2):
//
//   - https://github.com/chakki-works/seqeval/blob/v1.2.2/seqeval/metrics/sequence_labeling.py:
//     get_entities, end_of_chunk and start_of_chunk (Default mode,
//     DefaultEntities) and classification_report;
//   - https://github.com/chakki-works/seqeval/blob/v1.2.2/seqeval/scheme.py:
//     the Token classes IOB1, IOE1, IOB2, IOE2, IOBES and BILOU with their
//     start, inside and end patterns, and Tokens.entities (Strict mode,
//     StrictEntities);
//   - https://github.com/chakki-works/seqeval/blob/v1.2.2/seqeval/metrics/v1.py:
//     _precision_recall_fscore_support (per-type scores over the union of
//     gold and predicted types, micro, macro and weighted averages,
//     zero_division, and the weighted special case when there are no gold
//     entities);
//   - https://github.com/chakki-works/seqeval/blob/v1.2.2/seqeval/reporters.py:
//     StringReporter's layout.
//
// The tests port seqeval's tests/test_scheme.py tables and the cases of
// nerbench's notes on seqeval edge cases.
//
// Conlleval counts exactly as conlleval.pl version 2004-01-26 (as in
// seqeval's tests/conlleval.pl), on every tag it accepts and with its -r and
// -o options, and prints its report and its -l LaTeX table byte for byte.
// On B/I/O and E/I/O tags without the type "_", Default mode gives
// conlleval.pl's gold, found and correct counts too (Result.ConllevalReport
// prints them in its layout). The package's tests check both against an
// independent implementation of conlleval.pl's rules on thousands of random
// corpora, and cmd/nerbench's tests against conlleval.pl itself.
//
// Nervaluate scores the entities with nervaluate 1.x's four schemas
// (strict, exact, partial, ent_type), overall and per type; see its
// comment for the definitions and the one place where nervaluate's own
// output differs.
//
// # Modes
//
// Default mode chunks as get_entities: I-X after O starts a chunk, a change
// of type starts a chunk, a tag "." never ends a chunk by a change of type,
// untyped tags ("B", "B-") get type "_", and a type may contain '-'
// ("B-ORG-COMPANY" has type ORG-COMPANY; suffix style "ORG-COMPANY-B" too).
// Strict mode needs a Scheme and drops what the scheme does not allow (an
// I-X after O in IOB2 is no entity); a tag whose prefix the scheme does not
// allow is an error. Score never falls back from one mode to the other, and
// every report names the mode (Result.Header).
//
// Sentences are chunked one by one. seqeval flattens a corpus with an "O"
// between sentences instead; the two agree on every corpus whose tags
// seqeval accepts without a warning (prefixes B, I, E, S, O) and can differ
// only when a sentence starts with a tag of unknown prefix and empty type
// (such as "x"), which Default mode counts in Repairs.
//
// # Canonicalisation
//
// Before chunking, Score upper-cases lower-case prefixes ("b-per" becomes
// "B-per", "o" becomes "O"; types keep their case) unless Options.KeepCase
// is set, and converts IOB1 to IOB2 on the sides Options.IOB1ToIOB2 names.
// Both are counted in Result.Repairs. Tags that seqeval's default mode warns
// about (a prefix other than B, I, E, S or O) are counted there too; in
// Strict mode they are errors (seqeval raises KeyError or ValueError). The
// empty tag is always an error. Token accuracy compares the canonicalised
// tags.
//
// # Metrics
//
// Per type, precision is tp/predicted, recall tp/gold (the support) and F1
// their harmonic mean, with seqeval's zero-division rule: an undefined
// precision or recall is 0 (or 1 with Options.ZeroDivisionOne) and F1 is
// 2PR/(P+R), 0 when P+R is 0. The averages are taken over the union of gold
// and predicted types: micro from the summed counts, macro as the plain mean
// (NaN when there are no types, as numpy's mean of an empty array), weighted
// by gold counts (with seqeval's special case when there are none). Sums
// follow numpy's pairwise summation, so that they round as seqeval's.
//
// Options.NoMisc removes MISC entities after chunking, which equals
// replacing every *-MISC tag by O (tested on random corpora); the accuracy
// compares the tags with MISC replaced by O. Options.Beta gives seqeval's
// F-beta (Result.FBeta) and Result.TokenCounts is seqeval's
// performance_measure. Scheme IO reads IO tags in either mode. Options.Map
// renames types after chunking and is stated in Result.Header; with a map,
// a predicted type that is neither mapped, a mapping target nor a gold type
// is an error wrapping ErrUnmappedType.
//
// # Error breakdown and confusion matrix
//
// Beyond seqeval, and when Options.Details asks for it (without it Score
// computes the counts and metrics alone, several times faster), Score
// keeps each sentence's entities, matches gold and predicted entities one
// to one in each sentence and classifies the outcome as one of six
// ErrorKinds (complete match, spurious, missing, wrong type, wrong boundary, wrong type
// and boundary). The matching is deterministic and does not depend on list
// order: exact matches first, then overlapping pairs greedily by most shared
// words, same type before different type, then positions (see Match). Every
// outcome keeps the sentence and entity indices of its example. Result also
// holds a word-level confusion matrix of types with prefixes stripped.
//
// # JSON
//
// Result.JSON writes an object with these keys (fractions are in 0..1;
// keys of maps are sorted; a NaN is null). The schema is stable; new keys
// may be added.
//
//	schema         "nerbench.score/v1"
//	reference      "seqeval 1.2.2"
//	mode           "default" or "strict"
//	scheme         "IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU", "IO", or null
//	suffix         bool: suffix-style tags
//	no_misc        bool
//	map            {FROM: TO}: type mapping ({} when none)
//	zero_division  0 or 1
//	micro          {"precision", "recall", "f1", "tp", "predicted", "gold"}
//	macro          {"precision", "recall", "f1", "support"}
//	weighted       {"precision", "recall", "f1", "support"}
//	per_type       {TYPE: {"precision", "recall", "f1", "tp", "predicted", "support"}}
//	beta           the F-beta's beta (1 by default)
//	f_beta         {"micro", "macro", "weighted", "per_type": {TYPE: F}}
//	accuracy       token accuracy
//	performance_measure {"TP", "FP", "FN", "TN"}: seqeval's token counts
//	sentences      number of sentences
//	tokens         number of words
//	correct_tags   words whose gold and predicted tags are equal
//	repairs        {"gold_case", "pred_case", "gold_iob1", "pred_iob1", "gold_unknown", "pred_unknown", "first_unknown"}
//	errors         {TYPE: {"correct", "spurious", "missing", "wrong_type", "wrong_boundary", "wrong_type_boundary"}}
//	errors_total   the same over all types
//	confusion      {"labels": [...types sorted, "O"], "counts": [[gold row][predicted column]]}
//	nervaluate     {"reference", "overall": {SCHEMA: counts}, "per_type": {TYPE: {SCHEMA: counts}}},
//	               counts {"correct", "incorrect", "partial", "missed", "spurious",
//	               "possible", "actual", "precision", "recall", "f1"}
//
// Support is the number of gold entities, as in seqeval; conlleval.pl's
// per-type count is the number of predicted ones.
package seqeval
