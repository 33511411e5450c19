// Package benchmarks defines what every NER benchmark in nerbench shares: the
// Sentence and Corpus types that the dataset readers in its subpackages
// (dane, plank, wikiann, conll2003) produce, the Dataset description the
// command line lists, the ParseError that readers return for bad input, and
// the Tagger interface through which the runner asks a model for tags.
//
// The subpackage conllfile reads a user's own file (CoNLL, CoNLL-2003 or CoNLL-U) as
// a split of a dataset that nerbench does not know.
//
// Each Dataset declares its entity types. Dataset.Load reads a split as it
// is; Dataset.Open also refuses, with a *ParseError naming file and line, a
// tag of a type the dataset does not declare, unless
// LoadOptions.AllowUnknownTypes is set.
//
// Tags in a Corpus are always IOB2 over the dataset's entity types. A reader
// whose file format uses another scheme (CoNLL-2003 is IOB1) converts on load
// and keeps the original tags in Sentence.OrigTags.
package benchmarks
