// Package corpus builds and reads DaLUKE's pretraining corpus from a
// Wikipedia dump, the thesis-era pipeline of peleiden/daluke (spec §4;
// ../shared/notes/daluke-spec.md): entity augmentation ([RepeatEntities],
// §4.1), wikipedia2vec's page parsing (package internal/mediawiki, §4.2),
// the entity vocabulary ([BuildVocab], §4.3) and the sequence builder
// ([Build], §4.4) with whole-word spans ([CalculateSpans], §4.5). It is pure
// Go: building the data needs no libtorch.
//
// # Output
//
// [Build] writes a dataset folder with three files, each atomically:
//   - data.jsonl: one [Example] per line in the thesis-era format
//     (page_title, word_ids without [CLS]/[SEP], word_spans, entity_ids,
//     entity_spans; spans half-open over word_ids);
//   - entity-vocab.json: {title: {"id", "count"}} in id order, [PAD]=0,
//     [UNK]=1, [MASK]=2, then the titles by descending link count;
//   - metadata.json: the thesis-era keys (number-of-items,
//     number-of-entities, max-seq-length, ...) plus nerbench's
//     (nerbench-compat, pages, vocab-size).
//
// # Deterministic orders where the reference has none
//
//   - repeat_entities sorts link strings by their text descending and
//     breaks ties of equal text (set iteration order in Python) by the link
//     target ascending.
//   - The entity vocabulary orders titles by count descending (Python's
//     Counter.most_common leaves ties in insertion order, which depends on
//     the dump DB's page order) and breaks ties by title ascending in byte
//     order.
//   - Examples come in dump order (the reference walks the LMDB dump DB in
//     byte order of titles); within a page, in text order.
//
// The output is byte-identical for any number of workers: pages are cut
// into tasks of a fixed number of pages, counts are summed, and results are
// written in task order.
//
// # Compatibility
//
// The reference's repeat_entities advances by the length of the link target
// after an augmented mention, not by the length of the matched text (spec
// §4.1 [BUG]): a piped link whose target is longer than its text skips
// characters, a shorter one repeats them. [CompatThesis] reproduces this;
// the default advances by the matched text.
//
// The augmentation runs on the XML-escaped wikitext, as the reference runs
// on the raw dump text: the page text is escaped the way MediaWiki's dump
// writer does (&, <, >, ") before augmentation and unescaped after.
//
// Titles are ignored as the reference does: pages whose lower-cased title
// starts with one of wikipedia2vec's English namespace prefixes
// ("wikipedia:", "file:", ...) are left out of the dump DB; the Danish
// "Kategori:", "Fil:" and "Billede:" pages stay in it (so their links count)
// but give no examples and no vocabulary entries, as in the thesis-era
// loader. A link to "Kategori:…" whose text starts with "kategori:" is
// blanked out of its paragraph.
package corpus
