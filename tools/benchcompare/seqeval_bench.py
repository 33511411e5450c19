"""Times Python seqeval 1.2.2 on a file of "word gold pred" lines, for
tools/benchcompare: reading the file into y_true and y_pred, then f1_score
or classification_report (default mode). Prints one JSON object.

usage: python3 seqeval_bench.py FILE f1|report   (with seqeval on PYTHONPATH)
"""
import json
import sys
import time

from seqeval.metrics import classification_report, f1_score

path, what = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
y_true, y_pred, g, p = [], [], [], []
with open(path) as f:
    for line in f:
        fields = line.split()
        if not fields:
            if g:
                y_true.append(g)
                y_pred.append(p)
                g, p = [], []
            continue
        g.append(fields[-2])
        p.append(fields[-1])
if g:
    y_true.append(g)
    y_pred.append(p)
t1 = time.perf_counter()
out = {"read_s": t1 - t0}
if what == "f1":
    out["f1"] = f1_score(y_true, y_pred)
else:
    out["report"] = classification_report(y_true, y_pred)
out["score_s"] = time.perf_counter() - t1
print(json.dumps(out))
