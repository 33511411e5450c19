#!/usr/bin/python3
"""Independent numpy reference for the Flair fixtures, written from the
flair-spec notes (§3.1-§5.2), not from the Go code.

    /usr/bin/python3 reference.py > reference.json

For every random fixture and sentence it writes the emission scores [n, T]
(float32, computed in numpy) and the Viterbi path as tag strings.
"""

import json
import re
import sys

import numpy as np
import torch

import standins  # noqa: F401  (registers the pickled classes)

SENTENCES = [
    ["Jens", "Hansen", "bor", "i", "København", "."],
    ["KØBENHAVN", "2019", "12-31", "İstanbul"],
    ["Novo", "Nordisk", "tjente", "€5", "mio.", "i", "ÆRØ", "?"],
    ["x"],
    ["Σ", "ΟΔΟΣ", "Ærø", "Å", "9", "é"],
    ["Det", "er", "en", "lidt", "længere", "sætning", "med", "flere", "ord", ",", "som", "Anders",
     "And", "og", "Rasmus", "Klump", "læser", "i", "Aarhus", "og", "Odense", "."],
]

F = np.float32


def sig(x):
    return (F(1) / (F(1) + np.exp(-x))).astype(F)


def lstm(x, wih, whh, bih, bhh):
    """torch.nn.LSTM, one direction, zero initial state; gates i, f, g, o."""
    h4 = whh.shape[0]
    hs = h4 // 4
    h = np.zeros(hs, F)
    c = np.zeros(hs, F)
    out = []
    for xt in x:
        z = (wih @ xt + bih) + (whh @ h + bhh)
        i, f, g, o = sig(z[:hs]), sig(z[hs:2 * hs]), np.tanh(z[2 * hs:3 * hs]), sig(z[3 * hs:])
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h)
    return np.array(out, F).reshape(len(x), hs)


def word_vector(we, w):
    kv = we.precomputed_word_embeddings
    for cand in (w, w.lower(), re.sub(r"\d", "#", w.lower()), re.sub(r"\d", "0", w.lower())):
        if cand in kv.vocab:
            return kv.vectors[kv.vocab[cand].index].astype(F)
    return np.zeros(kv.vector_size, F)


def lm_states(sd, prefix, lm, text):
    ids = [lm.dictionary.item2idx.get(ch.encode("utf-8"), 0) for ch in text]
    x = sd[prefix + "encoder.weight"][ids]
    for layer in range(lm.nlayers):
        x = lstm(x, *(sd[f"{prefix}rnn.{k}_l{layer}"] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))
    if lm.nout is not None:
        x = x @ sd[prefix + "proj.weight"].T + sd[prefix + "proj.bias"]
    return x


def flair_vectors(sd, prefix, fe, words):
    lm = fe.lm
    s = " ".join(words)
    text = "\n" + (s if lm.is_forward_lm else s[::-1]) + " "
    hs = lm_states(sd, prefix, lm, text)
    out = []
    if lm.is_forward_lm:
        pos = 1
        for w in words:
            pos += len(w)
            out.append(hs[pos])
            pos += 1
    else:
        pos = len(s) + 1
        for w in words:
            out.append(hs[pos])
            pos -= 1 + len(w)
    return out


def emissions(st, words):
    sd = {k: v.numpy().astype(F) for k, v in st["state_dict"].items()}
    stack = st["embeddings"]
    names = {id(m): k for k, m in stack._modules.items()}
    parts = {}
    for e in stack.embeddings:
        if type(e).__name__ == "WordEmbeddings":
            parts[e.name] = [word_vector(e, w) for w in words]
        else:
            parts[e.name] = flair_vectors(sd, f"embeddings.{names[id(e)]}.lm.", e, words)
    x = np.array([np.concatenate([parts[n][i] for n in sorted(parts)]) for i in range(len(words))], F)
    x = x @ sd["embedding2nn.weight"].T + sd["embedding2nn.bias"]
    f = lstm(x, sd["rnn.weight_ih_l0"], sd["rnn.weight_hh_l0"], sd["rnn.bias_ih_l0"], sd["rnn.bias_hh_l0"])
    b = lstm(x[::-1], sd["rnn.weight_ih_l0_reverse"], sd["rnn.weight_hh_l0_reverse"],
             sd["rnn.bias_ih_l0_reverse"], sd["rnn.bias_hh_l0_reverse"])[::-1]
    r = np.concatenate([f, b], axis=1)
    return (r @ sd["linear.weight"].T + sd["linear.bias"]).astype(F), sd["transitions"]


def viterbi(feats, trans, start, stop):
    T = trans.shape[0]
    fv = np.full(T, -10000.0, F)
    fv[start] = 0
    bps = []
    for feat in feats:
        nxt = fv[None, :] + trans  # [to, from]
        bp = nxt.argmax(axis=1)
        bps.append(bp)
        fv = (nxt[np.arange(T), bp] + feat).astype(F)
    term = (fv + trans[stop]).astype(F)
    term[stop] = -10000.0
    term[start] = -10000.0
    best = int(term.argmax())
    path = [best]
    for bp in reversed(bps):
        best = int(bp[best])
        path.append(best)
    assert path.pop() == start
    return path[::-1]


def main():
    out = {"source": "reference.py (numpy float32, from flair-spec §3-§5)", "models": {}}
    for name in ("random.legacy.pt", "random.zip.pt"):
        st = torch.load(name)
        tags = [t.decode() for t in st["tag_dictionary"].idx2item]
        start, stop = tags.index("<START>"), tags.index("<STOP>")
        res = []
        for words in SENTENCES:
            feats, trans = emissions(st, words)
            path = viterbi(feats, trans, start, stop)
            res.append({"words": words, "emissions": feats.tolist(), "tags": [tags[k] for k in path]})
        out["models"][name] = res
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
