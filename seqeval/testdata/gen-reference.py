#!/usr/bin/env python3
"""Regenerates reference.json, the reference values of the package's
seqeval F-beta, performance_measure and nervaluate tests, by running the
reference implementations themselves on seeded random corpora:

  - seqeval 1.2.2 (chakki-works/seqeval at tag v1.2.2, with numpy and
    scikit-learn): precision_recall_fscore_support(beta=...) for each
    average, and performance_measure;
  - nervaluate 1.1.0 (MantisAI/nervaluate at tag 1.1.0, pure Python):
    Evaluator(...).evaluate() counts and summary_report texts.

Neither is part of nerbench. Pass the folders that hold the packages:

  /usr/bin/python3 gen-reference.py ../../../shared/tools/seqeval-1.2.2 /path/to/nervaluate-1.1.0/src
"""
import json
import random
import sys

sys.path[:0] = sys.argv[1:3]
from seqeval.metrics.sequence_labeling import performance_measure, precision_recall_fscore_support  # noqa: E402
from nervaluate.evaluator import Evaluator  # noqa: E402

rng = random.Random(20261201)
TYPES = ["PER", "LOC", "ORG"]


def corpus(nsent, maxlen, p_ent=0.3):
    gold, pred = [], []
    for _ in range(nsent):
        n = rng.randint(1, maxlen)
        g = []
        for i in range(n):
            r = rng.random()
            if r < 1 - p_ent:
                g.append("O")
            elif r < 1 - p_ent / 2 or not g or g[-1] == "O":
                g.append("B-" + rng.choice(TYPES))
            else:
                g.append("I-" + g[-1][2:])
        p = []
        for t in g:
            if rng.random() < 0.25:
                p.append(rng.choice(["O", "B-" + rng.choice(TYPES), "I-" + rng.choice(TYPES)]))
            else:
                p.append(t)
        gold.append(g)
        pred.append(p)
    return gold, pred


cases = []
for k in range(40):
    gold, pred = corpus(rng.randint(1, 12), 25)
    cases.append({"name": f"random-{k}", "gold": gold, "pred": pred})
# One long gold entity: a one-word prediction at its end overlaps 1/150 of
# it, under nervaluate's 1 % minimum.
long_g = ["B-PER"] + ["I-PER"] * 149 + ["O"]
long_p = ["O"] * 149 + ["B-PER", "O"]
cases.append({"name": "long-entity", "gold": [long_g], "pred": [long_p]})
# A prediction at the same distance from two gold entities of its type:
# nervaluate's ent_type takes the first, and the next prediction the second.
cases.append({"name": "ent-type-tie", "gold": [["B-PER", "I-PER", "O", "B-PER", "I-PER"]],
              "pred": [["O", "B-PER", "I-PER", "I-PER", "B-PER"]]})
cases.append({"name": "one-sentence", "gold": [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC"]],
              "pred": [["B-PER", "O", "O", "B-LOC", "I-LOC", "B-ORG"]]})

for c in cases:
    gold, pred = c["gold"], c["pred"]
    c["seqeval"] = {}
    for beta in (0.5, 2.0):
        out = {}
        for avg in (None, "micro", "macro", "weighted"):
            p, r, f, s = precision_recall_fscore_support(gold, pred, average=avg, beta=beta, zero_division=0)
            if avg is None:
                out["per_type"] = [float(x) for x in f]
            else:
                out[avg] = float(f)
        c["seqeval"][str(beta)] = out
    c["performance_measure"] = {k: int(v) for k, v in performance_measure(gold, pred).items()}
    tags = sorted({t[2:] for s in gold + pred for t in s if t != "O"})
    ev = Evaluator(gold, pred, tags=tags, loader="list")
    res = ev.evaluate()
    fields = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual", "precision", "recall", "f1")
    c["nervaluate"] = {
        "overall": {s: {k: getattr(v, k) for k in fields} for s, v in res["overall"].items()},
        "per_type": {t: {s: {k: getattr(v, k) for k in fields} for s, v in d.items()} for t, d in res["entities"].items()},
        "summary_overall": ev.summary_report(mode="overall"),
        "summary_strict": ev.summary_report(mode="entities", scenario="strict"),
    }

with open("reference.json", "w") as f:
    json.dump(cases, f, indent=1, sort_keys=True)
    f.write("\n")
