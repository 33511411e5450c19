// Package golden holds nerbench's golden result files and the test that
// guards them: the embedded baseline's scores and prediction hash on DaNE
// test, Plank test and (for an English baseline trained in the test) CoNLL-2003
// test, and the scorer's reports (seqeval text, conlleval
// and JSON) on those predictions. `go test ./golden` fails on any drift with
// a readable diff; `make golden` (go test ./golden -update) rewrites the
// files and is the only way to change them. Review the diff before
// committing it.
//
// The published numbers of the DaLUKE thesis are in the subpackage
// published.
package golden
