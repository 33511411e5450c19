// Package mediawiki reads MediaWiki XML export dumps
// (pages-articles.xml, usually bzip2-compressed) and parses the subset of
// wikitext that entity-linking corpora need. It knows nothing of any model.
//
// [Reader] is a pull reader over the export schema
// (https://www.mediawiki.org/xml/export-0.10.xsd): [Reader.Next] returns one
// [Page] at a time and [io.EOF] after the last one, so memory stays
// constant in the size of the dump. [Open] adds bzip2 decompression and
// counts the compressed bytes read, for progress reporting.
//
// [Parse] turns a page's wikitext into paragraphs of plain text and the
// wikilinks at their top level, with character offsets, the way
// wikipedia2vec's dump_db.pyx (_parse, on mwparserfromhell) does it: bold
// and italic quote marks are removed first, text is split into paragraphs on
// newlines and blank paragraphs are dropped; a top-level wikilink
// contributes its label (or its title) as text and a [Link]; an external
// link contributes its label; the contents of <b>, <i> and <u> tags are kept;
// templates (nested), comments, refs and every other tag, tables, headings,
// HTML entities, magic list and rule markers and bare URLs are dropped.
// Inside a link label the markup is stripped the way mwparserfromhell's
// strip_code does it: nested links give their text, entities are decoded,
// templates and comments are removed.
package mediawiki
