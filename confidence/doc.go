// Package confidence puts uncertainty on NER scores: analytic intervals,
// sentence-level bootstrap intervals, significance tests for comparing two
// systems, and summaries of repeated training runs.
//
// # Input
//
// The resampling functions work on per-sentence entity counts ([Counts]: true
// positives, predicted entities and gold entities), one value per sentence, so
// they are independent of the scorer that produced them. Micro precision,
// recall and F1 of a set of sentences are functions of the summed counts,
// which is exact for seqeval and conlleval.pl because neither lets an entity
// cross a sentence boundary. A per-type interval is obtained by passing that
// type's per-sentence counts; with the same seed and the same number of
// sentences every call draws the same resamples (see [Bootstrap]).
//
// # Methods
//
//   - [Wald] and [ThesisF1]: the normal-approximation interval of the DaLUKE
//     thesis (its equation 4.3), F1 ± z·sqrt(F1(1−F1)/n) with n the number
//     of gold entities.
//   - [Wilson], [WilsonPrecision], [WilsonRecall]: Wilson score intervals
//     for precision (n = predicted entities) and recall (n = gold entities).
//   - [Bootstrap]: sentence-level bootstrap percentile intervals for micro
//     precision, recall and F1, computed in parallel.
//   - [Compare]: paired-bootstrap intervals for the differences between two
//     systems on the same sentences, with paired-bootstrap and
//     approximate-randomisation p-values.
//   - [SummarizeRuns]: mean, sample standard deviation and Student-t
//     interval over repeated training runs.
//   - [Quantile]: the type-7 sample quantile used by the percentile
//     intervals.
//
// Normal and Student-t quantiles come from gonum's distuv package.
//
// # Units and conventions
//
// All scores and interval bounds are fractions in 0..1, never percentages.
// A confidence level is a fraction in (0, 1): 0.95 asks for a two-sided 95%
// interval with 2.5% in each tail. Precision with no predicted entities,
// recall with no gold entities and F1 when both are zero are 0, as in seqeval
// with zero_division=0.
//
// # Reproducibility
//
// Seeds come from the caller. Resample (or randomisation round) b draws its
// random numbers from its own ChaCha8 stream (math/rand/v2), keyed by a
// domain tag, the seed and b, and from nothing else. Results are therefore
// bit-identical for any number of workers and any scheduling. They should
// also stay fixed across Go versions: ChaCha8's output is fixed by the C2SP
// chacha8rand specification, and the bounded-integer draw is implemented
// here rather than taken from math/rand/v2's Rand.
//
// # Panics
//
// Functions panic, with a "confidence:" prefix, only when a caller breaks a
// documented precondition (such as a level outside (0, 1) or unsorted input
// to [Quantile]). Bad data (inconsistent counts, empty input, mismatched
// lengths, too few runs) and bad settings return errors.
package confidence
