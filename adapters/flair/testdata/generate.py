#!/usr/bin/python3
"""Writes the tiny Flair NER fixtures of adapters/flair (flair-spec §9).

Run from this folder with Debian's python3-torch and python3-numpy:
    /usr/bin/python3 generate.py
It writes
    oracle.legacy.pt   oracle weights, torch legacy format, flair 0.4.2 keys
    random.legacy.pt   seeded random weights, legacy format, 0.4.2 keys
    random.zip.pt      the same model plus a projected (nout) forward LM,
                       zip format, 0.4.5 keys
    bad-shape.pt       embedding2nn.weight one column too wide
    bad-class.pt       an embedding of class flair.embeddings.CharacterEmbeddings
    bad-global.pt      a value of class mypackage.things.Unknown
With "bench OUT.pt CONLLU" it writes instead a random tagger at real size
(not committed; see BenchmarkTagRealSize). The tags that the oracle weights give are known by construction (see
flair_test.go); the random models are checked against reference.py.
"""

import sys

import numpy as np
import torch

import standins as s

CHARS = list("abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789 .,-!?'\"()\n:;/é")
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "<START>", "<STOP>"]
# Word vectors: dims PER, LOC, ORG, continuation. The entries exercise each
# branch of the lookup: exact, lowercase, digits as '#', digits as '0'.
WORDS = {
    "Jens": [1, 0, 0, 0],
    "Hansen": [0, 0, 0, 1],
    "københavn": [0, 1, 0, 0],
    "####": [0, 0, 1, 0],
    "00-00": [0, 0, 1, 0],
    "i̇stanbul": [0, 1, 0, 0],
    "bor": [0, 0, 0, 0],
    "i": [0, 0, 0, 0],
    "Novo": [0, 0, 1, 0],
    "Nordisk": [0, 0, 0, 1],
    ".": [0, 0, 0, 0],
}
EW = 4
EC, HC, H = 4, 6, 5


class Tagger(torch.nn.Module):
    """The module tree of flair's SequenceTagger, for its state_dict keys."""

    def __init__(self, embeddings, hidden, ntags, rnn=True):
        super().__init__()
        self.embeddings = embeddings
        d = embeddings._StackedEmbeddings__embedding_length
        self.embedding2nn = torch.nn.Linear(d, d)
        self.rnn = torch.nn.LSTM(d, hidden, 1, bidirectional=True, batch_first=True)
        self.linear = torch.nn.Linear(2 * hidden, ntags)
        self.transitions = torch.nn.Parameter(torch.zeros(ntags, ntags))


def stack(kv_vectors, fwd_nout=None, words=None, ec=EC, hc=HC):
    kv = s.Word2VecKeyedVectors(words or list(WORDS), kv_vectors)
    chars = s.Dictionary(CHARS)
    fwd = s.LanguageModel(chars, True, hc, 1, ec, nout=fwd_nout)
    bwd = s.LanguageModel(chars, False, hc, 1, ec)
    return s.StackedEmbeddings([
        s.WordEmbeddings("wiki.da.wv.bin", kv),
        s.FlairEmbeddings("da-forward", fwd),
        s.FlairEmbeddings("da-backward", bwd),
    ])


def state(tagger, emb, keys045, hidden=H):
    st = {
        "state_dict": tagger.state_dict(),
        "embeddings": emb,
        "hidden_size": hidden,
        "tag_dictionary": s.Dictionary(TAGS),
        "tag_type": "ner",
        "use_crf": True,
        "use_rnn": True,
        "rnn_layers": 1,
        "use_word_dropout": 0.05,
        "use_locked_dropout": 0.5,
    }
    if keys045:
        st.update({"train_initial_hidden_state": False, "rnn_type": "LSTM", "beta": 1.0, "weight_dict": None})
    return st


def tag_index(t):
    return TAGS.index(t) + 1  # <unk> is 0


def oracle():
    vecs = np.array(list(WORDS.values()), dtype=np.float32)
    emb = stack(vecs)
    t = Tagger(emb, H, len(TAGS) + 1)
    with torch.no_grad():
        for p in t.parameters():
            p.zero_()  # the char LMs give exactly zero (h = σ(0)·tanh(0))
        d = emb._StackedEmbeddings__embedding_length
        t.embedding2nn.weight.copy_(torch.eye(d))
        # Forward LSTM: i = o = 1, f = 0, g = tanh(3x): h_k = tanh(tanh(3 x_k)).
        for name in ("bias_ih_l0", "bias_ih_l0_reverse"):
            b = getattr(t.rnn, name)
            b[0:H] = 20
            b[H:2 * H] = -20
            b[3 * H:4 * H] = 20
        for k in range(EW):
            t.rnn.weight_ih_l0[2 * H + k, k] = 3
        lin = t.linear
        for k, tags in enumerate([["B-PER"], ["B-LOC"], ["B-ORG"], ["I-PER", "I-LOC", "I-ORG"]]):
            for tag in tags:
                lin.weight[tag_index(tag), k] = 10
        lin.bias[tag_index("O")] = 3
        lin.bias[0] = -50  # <unk>
        tr = t.transitions
        start, stop = tag_index("<START>"), tag_index("<STOP>")
        for typ in ("PER", "LOC", "ORG"):
            i = tag_index("I-" + typ)
            for j in range(len(TAGS) + 1):
                if j not in (tag_index("B-" + typ), i):
                    tr[i, j] = -10000
        tr[start, :] = -10000
        tr[:, stop] = -10000
    return t, emb


def randomized(seed, fwd_nout=None, trans_scale=3):
    g = np.random.default_rng(seed)
    vecs = g.standard_normal((len(WORDS), EW)).astype(np.float32)
    emb = stack(vecs, fwd_nout)
    t = Tagger(emb, H, len(TAGS) + 1)
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in t.parameters():
            p.copy_(torch.randn(p.shape))
        t.transitions.mul_(trans_scale)
        start, stop = tag_index("<START>"), tag_index("<STOP>")
        t.transitions[start, :] = -10000
        t.transitions[:, stop] = -10000
    return t, emb


def save(obj, path, legacy):
    torch.save(obj, path, pickle_protocol=4, _use_new_zipfile_serialization=not legacy)


def bench(path, words_file):
    """A random tagger at the size DaNLP's model is expected to have
    (flair-spec §3.1: E_w 300, Hc 1032, Ec 100; h 256), with the words of
    words_file as its vocabulary, for speed estimates. Not committed."""
    words = sorted({w for line in open(words_file, encoding="utf-8") if "\t" in line
                    for w in [line.split("\t")[1]] if line.split("\t")[0].isdigit()})
    g = np.random.default_rng(5)
    emb = stack(g.standard_normal((len(words), 300)).astype(np.float32), words=words, ec=100, hc=1032)
    t = Tagger(emb, 256, len(TAGS) + 1)
    with torch.no_grad():
        for p in t.parameters():
            p.normal_(0, 0.05)
    save(state(t, emb, False, hidden=256), path, True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "bench":
        bench(sys.argv[2], sys.argv[3])
        return
    t, emb = oracle()
    save(state(t, emb, False), "oracle.legacy.pt", True)
    t, emb = randomized(12)
    save(state(t, emb, False), "random.legacy.pt", True)
    t, emb = randomized(13, fwd_nout=3, trans_scale=0.5)
    save(state(t, emb, True), "random.zip.pt", False)

    t, emb = randomized(14)
    st = state(t, emb, True)
    w = st["state_dict"]["embedding2nn.weight"]
    st["state_dict"]["embedding2nn.weight"] = torch.cat([w, w[:, :1]], dim=1)
    save(st, "bad-shape.pt", True)

    t, emb = randomized(14)
    st = state(t, emb, True)
    emb.embeddings.append(s.CharacterEmbeddings())
    save(st, "bad-class.pt", False)

    t, emb = randomized(14)
    st = state(t, emb, True)
    st["extra"] = s.Unknown()
    save(st, "bad-global.pt", True)


if __name__ == "__main__":
    main()
