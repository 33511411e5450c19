// Package published holds the result tables of the DaLUKE thesis as data and
// compares reproduced results with them.
//
// The thesis is "DaLUKE: The Knowledge-enhanced, Danish Language Model",
// Søren Winkel Holm and Asger Laurits Schultz, bachelor's thesis, Technical
// University of Denmark, 2021 (https://peleiden.github.io/bug-free-guacamole/main.pdf).
// Its LaTeX source is the public repository peleiden/bug-free-guacamole; every
// number here was transcribed from commit a9a28dea53e09e1f17422fc5dfdb070c3d789570,
// the latest version of the sources found, and each table file names the
// file and lines it comes from.
//
// # Tables
//
// Six tables are embedded, one JSON file each (table-<number>.json):
//
//   - 5.3 (tab:DaNE): Danish NER models on the DaNE test set.
//   - 5.4 (tab:Plank): the same models on the Plank test set.
//   - 5.5 (tab:WikiANN): the same models on the WikiANN test set.
//   - 6.15 (tab:seeds): DaLUKE fine-tuned on DaNE with five seeds.
//   - 6.16 (tab:cross): DaLUKE, 5-fold cross-validation over all of DaNE.
//   - 6.17 (tab:datasets): DaLUKE trained and tested across the three datasets.
//
// The numbers are the PDF's: the thesis uses the report class with
// \numberwithin{table}{chapter}, chapter 5 is "Results" and chapter 6
// "Experiments and Discussion", and the tables were counted in document
// order. The "numbering" field of every file gives the full derivation.
// Table 6.17's printed column headers appear swapped; see its notes.
//
// # File format (schema nerbench.published/v1)
//
// A table file holds the table's number, LaTeX label, caption (LaTeX source,
// whitespace collapsed), source (repository, file, commit, lines), the
// dataset and split (dataset ids as in package benchmarks: dane, plank,
// wikiann), the printed row-header names, the columns, notes and the rows.
// Each column maps a printed header to a Metric. Each row holds the printed
// row-header cells, the thesis model name, the training set, an optional
// dataset that overrides the table's, and its cells keyed by metric. A cell
// is written exactly as printed:
//
//   - "82.9" is a number; its number of decimals is kept.
//   - "82.9 ± 3" is a number with the thesis' ± half-width.
//   - "--" is the thesis' dash: the model does not predict the type, or the
//     test set has none of it (State Dash).
//   - an absent key is a cell the thesis leaves empty or has no column for
//     (State NotReported).
//
// All numbers are percentages, as printed.
//
// # Comparison
//
// Compare lays reproduced results (type Result, in percent) beside the
// published numbers; see Compare and Comparison for the exact rules.
//
// # Model cards
//
// ModelCard returns comparison tables printed on model cards rather than in
// the thesis (schema nerbench.model-card/v1, card-<id>.json): "aelaectra" is
// the Ælæctra card's table of Danish models (layers, hidden size, parameters,
// average DaNE test F1 with its standard deviation, inference time).
package published
