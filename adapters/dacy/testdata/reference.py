#!/usr/bin/python3
"""Independent reference for the DaCy fixtures, written from dacy-spec
§4-§5 (not from the Go code), with numpy, PyTorch (tinytrf.py) and the
real SentencePiece library:

    /usr/bin/python3 reference.py > reference.json

Per package and sentence: the word pieces of each span, the pooled token
vectors, the NER actions and the IOB2 tags. Alignment here is a plain LCS
over normalized characters; the sentences avoid the repeated-character
ties where seqdiff's tie-breaking would matter (those are covered by the
Go table tests ported from the Rust crates).
"""

import json
import os
import re
import sys
import unicodedata

import numpy as np
import sentencepiece as spm
import srsly
import torch

import tinytrf

SENTENCES = [
    ["Jens", "Hansen", "bor", "i", "København", "."],
    ["Mette", "Frederiksen", "besøgte", "Århus", "og", "Aalborg", "i", "går", "sammen", "med", "Novo",
     "Nordisk", "og", "Lars", "."],
    ["x", "☃", "y"],
    ["Det", "er", "DR", "der", "sender", "fra", "Danmark", "!"],
    ["Ærø"],
]
F = np.float32


def cfg_value(text, section, key):
    sec = re.search(r"^\[" + re.escape(section) + r"\]\n(.*?)(?=^\[|\Z)", text, re.S | re.M).group(1)
    return json.loads(re.search(r"^" + re.escape(key) + r" = (.*)$", sec, re.M).group(1))


def spans_of(n, window, stride):
    """strided_spans.v1, as quoted in dacy-spec §4.2."""
    start, spans = 0, []
    for _ in range(n // stride):
        spans.append((start, min(start + window, n)))
        if start + window >= n:
            break
        start += stride
    else:
        if start < n:
            spans.append((start, n))
    return spans


class XLMR:
    specials = ["<s>", "</s>", "<unk>", "<pad>", "<mask>"]
    pad, pad_id = "<pad>", 1

    def __init__(self, d):
        self.sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "transformer/model/sentencepiece.bpe.model"))

    def encode(self, text):
        ids, toks = [0], ["<s>"]
        for p in self.sp.encode(text, out_type=str):
            i = self.sp.piece_to_id(p)
            if i == self.sp.unk_id():
                ids.append(3)
                toks.append("<unk>")
            else:
                ids.append(i + 1)  # fairseq offset
                toks.append(p)
        return ids + [2], toks + ["</s>"]


class Bert:
    specials = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]
    pad, pad_id = "[PAD]", 0

    def __init__(self, d):
        self.vocab = {t: i for i, t in enumerate(open(os.path.join(d, "transformer/model/vocab.txt")).read().split("\n")) if t}

    def words(self, text):
        text = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
        out = []
        for w in text.split():
            cur = ""
            for c in w:
                if unicodedata.category(c).startswith("P") or c in "$+<=>^`|~":
                    if cur:
                        out.append(cur)
                    out.append(c)
                    cur = ""
                else:
                    cur += c
            if cur:
                out.append(cur)
        return out

    def encode(self, text):
        toks = ["[CLS]"]
        for w in self.words(text):
            pieces, start = [], 0
            while start < len(w):
                end = len(w)
                while end > start:
                    sub = ("##" if start else "") + w[start:end]
                    if sub in self.vocab:
                        break
                    end -= 1
                if end == start:
                    pieces = ["[UNK]"]
                    break
                pieces.append(("##" if start else "") + w[start:end])
                start = end
            toks += pieces
        toks.append("[SEP]")
        return [self.vocab[t] for t in toks], toks


def normalize(s):
    return unicodedata.normalize("NFKD", s.lower())


def align(words, pieces):
    """Token → pieces sharing characters (LCS over normalized characters)."""
    a = [(i, c) for i, w in enumerate(words) for c in normalize(w)]
    b = [(j, c) for j, p in enumerate(pieces) for c in normalize(p)]
    n, m = len(a), len(b)
    L = np.zeros((n + 1, m + 1), int)
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            L[i, j] = L[i + 1, j + 1] + 1 if a[i][1] == b[j][1] else max(L[i + 1, j], L[i, j + 1])
    out = [[] for _ in words]
    i = j = 0
    while i < n and j < m:
        if a[i][1] == b[j][1] and L[i, j] == L[i + 1, j + 1] + 1:
            if not out[a[i][0]] or out[a[i][0]][-1] != b[j][0]:
                out[a[i][0]].append(b[j][0])
            i, j = i + 1, j + 1
        elif L[i + 1, j] >= L[i, j + 1]:
            i += 1
        else:
            j += 1
    return out


def run(d, tok, model, words, window, stride):
    spans = spans_of(len(words), window, stride)
    enc = [tok.encode(" ".join(words[s:e])) for s, e in spans]
    Lmax = max(len(i) for i, _ in enc)
    ids = [i + [tok.pad_id] * (Lmax - len(i)) for i, _ in enc]
    toks = [t + [tok.pad] * (Lmax - len(t)) for _, t in enc]
    mask = [[1] * len(i) + [0] * (Lmax - len(i)) for i, _ in enc]
    with torch.no_grad():
        X = model(torch.tensor(ids), torch.tensor(mask)).numpy().astype(F).reshape(-1, model.embeddings.word_embeddings.weight.shape[1])
    sets = [set() for _ in words]
    for r, (s, e) in enumerate(spans):
        wp = ["" if t in tok.specials else t for t in toks[r]]
        for t, js in enumerate(align(words[s:e], wp)):
            sets[s + t].update(r * Lmax + j for j in js)
    H = X.shape[1]
    vecs = np.zeros((len(words), H), F)
    for t, st in enumerate(sets):
        if st:
            scale = F(1.0 / len(st))
            for k in sorted(st):
                vecs[t] += scale * X[k]
    return toks, [sorted(s) for s in sets], vecs


def actions_of(d):
    labels = json.loads(srsly.msgpack_loads(open(os.path.join(d, "ner/moves"), "rb").read())["moves"])
    table = []
    for key in sorted(labels):
        move = int(key)
        for freq, label in sorted([(f, l) for l, f in labels[key].items()], reverse=True):
            if move == 5 and label != "":
                continue
            if move in (0, 6) or (move, label) in table:
                continue
            table.append((move, label))
    return table


def decode(d, vecs, words):
    msg = srsly.msgpack_loads(open(os.path.join(d, "ner/model"), "rb").read())
    nodes, params = msg["nodes"], msg["params"]
    byname = {n["name"]: i for i, n in enumerate(nodes)}
    lin = params[byname["linear"]]
    low = params[byname["precomputable_affine"]]
    W, b, pad = low["W"], low["b"], low["pad"]
    nF, A, nP, hw = W.shape
    X = (vecs @ lin["W"].T + lin["b"]).astype(F)
    cached = (X @ W.reshape(nF * A * nP, hw).T).reshape(len(words), nF, A, nP).astype(F)
    table = actions_of(d)
    assert len(table) == A
    ents, out = [], []
    N = len(words)
    for b0 in range(N):
        open_ = bool(ents) and ents[-1][1] == -1
        ids = [b0, ents[-1][0] if open_ else -1, b0 - 1 if open_ else -1]
        un = np.zeros((A, nP), F)
        for f in range(nF):
            un += pad[0, f] if ids[f] < 0 else cached[ids[f], f]
        un += b
        scores = un.max(axis=1)
        last = b0 == N - 1
        space = words[b0].isspace()
        best = None
        for i, (move, label) in enumerate(table):
            if move == 1:
                ok = not open_ and not last and label != "" and not space
            elif move == 2:
                ok = open_ and not last and label != "" and label == ents[-1][2]
            elif move == 3:
                ok = open_ and label != "" and label == ents[-1][2]
            elif move == 4:
                ok = not open_ and label != "" and not space
            else:
                ok = not open_
            if ok and (best is None or scores[i] > scores[best]):
                best = i
        move, label = table[best]
        out.append("O" if move == 5 else "?BILU"[move] + "-" + label)
        if move == 1:
            ents.append([b0, -1, label])
        elif move == 3:
            ents[-1][1] = b0 + 1
        elif move == 4:
            ents.append([b0, b0 + 1, label])
    tags = ["O"] * N
    for s, e, label in ents:
        tags[s] = "B-" + label
        for t in range(s + 1, e):
            tags[t] = "I-" + label
    return out, tags


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    res = {"source": "reference.py (numpy/PyTorch, from dacy-spec §4-§5)", "packages": {}}
    for name, Tok in (("tiny-xlmr", XLMR), ("tiny-bert", Bert)):
        d = os.path.join(here, name)
        text = open(os.path.join(d, "config.cfg")).read()
        window = cfg_value(text, "components.transformer.model.get_spans", "window")
        stride = cfg_value(text, "components.transformer.model.get_spans", "stride")
        c = json.load(open(os.path.join(d, "transformer/model/config.json")))
        model = tinytrf.Model(c).eval()
        model.load_state_dict(torch.load(os.path.join(d, "transformer/model/pytorch_model.bin")))
        tok = Tok(d)
        out = []
        for words in SENTENCES:
            toks, idx, vecs = run(d, tok, model, words, window, stride)
            actions, tags = decode(d, vecs, words)
            out.append({"words": words, "pieces": toks, "alignment": idx, "vectors": vecs.tolist(),
                        "actions": actions, "tags": tags})
        res["packages"][name] = out
    json.dump(res, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
