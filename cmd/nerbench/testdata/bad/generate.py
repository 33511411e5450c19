#!/usr/bin/env python3
"""Writes the bad-input corpus of TestBadInputs (cmd/nerbench/bad_test.go).

Every file here is broken on purpose: malformed, empty, binary garbage, or a
duplicate name. The garbage is a SHA-256 chain from a fixed seed, so the
files are the same on every run. Run from this folder: python3 generate.py
"""
import hashlib
import json
import os


def garbage(n, seed=b"nerbench bad input"):
    out, h = b"", seed
    while len(out) < n:
        h = hashlib.sha256(h).digest()
        out += h
    return out[:n]


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# Scoring input: a line with three columns after lines with two, an empty
# file and binary garbage.
write("malformed.conll", "Anders B-PER B-PER\nbor O\n")
write("empty.conll", "")
write("garbage.bin", garbage(2048))

# Data folders, one per kind of damage.
write("data/malformed/dane/ddt.test.conllu", "# sent_id = 1\n1\tAnders\tAnders\n\n")
write("data/malformed/plank/da_ddt-ud-ner-test.conll", "Anders\tB-PER\textra\n\t\n")
write("data/malformed/wikiann/test", "da:Anders B-PER\n")
write("data/empty/dane/ddt.test.conllu", "")
write("data/empty/plank/da_ddt-ud-ner-test.conll", "")
write("data/empty/wikiann/test", "")
write("data/garbage/dane/ddt.test.conllu", garbage(4096, b"dane"))
write("data/garbage/plank/da_ddt-ud-ner-test.conll", garbage(4096, b"plank"))
write("data/garbage/wikiann/test", garbage(4096, b"wikiann"))
# No CoNLL-2003 file: bad_test.go makes its garbage eng.testb in a temporary
# folder, so that nothing here is named like the Reuters corpus.

# Model folders: an ONNX export whose files are garbage, and an empty one.
write("models/garbage/config.json", garbage(512, b"config"))
write("models/garbage/model.onnx", garbage(4096, b"onnx"))
write("models/garbage/tokenizer.json", garbage(512, b"tokenizer"))
write("models/empty/.keep", "")
write("models/badjson/config.json", '{"id2label": {"0": "O", "1": "B-PER"')
write("models/badjson/model.onnx", "")

# Result folders: truncated JSON, an empty file, another schema, garbage,
# and a result whose counts contradict its figures.
write("results/truncated/dane_test_baseline.json", '{"schema": "nerbench.result/v1", "model": {"name": "baseline"')
write("results/empty/dane_test_baseline.json", "")
write("results/other/dane_test_baseline.json", '{"schema": "nerbench.other/v1"}\n')
write("results/garbage/dane_test_baseline.json", garbage(1024, b"result"))
score = {"micro": {"precision": 0.5, "recall": 0.5, "f1": 0.99, "tp": 1, "predicted": 2, "gold": 2},
         "per_type": {"PER": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "predicted": 2, "gold": 2}},
         "accuracy": 0.5, "intervals": {}, "per_type_bootstrap_f1": {}}
write("results/contradictory/dane_test_baseline.json", json.dumps({
    "schema": "nerbench.result/v1", "model": {"name": "baseline"},
    "dataset": {"name": "dane", "split": "test", "sentences": 0},
    "scoring": {"mode": "default", "seed": 0, "resamples": 10, "level": 0.95},
    "main": "misc_off", "misc_off": score,
    "predictions_hash": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "predictions": []}, indent=1) + "\n")
