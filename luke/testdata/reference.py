#!/usr/bin/python3
"""Independent PyTorch reference of DaLUKE, and the generator of luke's parity fixture.

Written from ../shared/notes/daluke-spec.md (sections 1, 2 and 5), not from the
DaLUKE sources. It needs Debian's python3-torch 1.13 and python3-numpy, which
only the system interpreter sees:

    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 luke/testdata/reference.py luke/testdata

(`reference.py bench DIR [N [RUNS]]` instead writes the speed benchmark's base-size
model and corpus; see bench() and luke's BenchmarkNER.)

It writes, into the folder given:

    vocab.txt             a small lower-cased WordPiece vocabulary of Danish words
    daluke.tar.gz         pretrained archive: entity-vocab.json, metadata.json,
                          model.bin (torch.save zip pickle; the entity head's
                          decoder is tied to the entity table and the word
                          head's decoder bias to its bias)
    daluke-ner.tar.gz     NER archive: the same encoder with a 2-row entity
                          table [PAD, MASK] and a random classifier
    reference.json        inputs and outputs: word-piece ids per word, windows,
                          candidate spans, NER logits of every span, decoded
                          tags, and the hidden states and head scores of one
                          forward pass of each model

The weights are random (seeded), the model is tiny (2 layers, hidden 64, 4
heads of 16, entity size 32) and the NER metadata uses small limits
(max-seq-length 32, max-entities 16, max-entity-span 6) so that windowing,
chunking and the span limit all occur in a few sentences. The model has no
config file, as the released archives have none; "num-attention-heads" in
metadata.json is a nerbench extension (the released models have 12).

Behaviour that deliberately differs from the DaLUKE code (spec 2.9):
  * every span of a text is scored (no first-1024-spans limit);
  * a text split into windows (spec 2.2) is decoded window by window against
    its own words, and the tags are concatenated, instead of merging
    window-relative spans into one dictionary;
  * a word with no word piece at all (only control characters) is given one
    [UNK] piece instead of zero-width spans;
  * a word with too many word pieces for any window gets a window of its
    own, where the DaLUKE code loops forever.
"""

import io
import json
import math
import os
import sys
import tarfile
import unicodedata

import numpy as np
import torch
from torch import nn

LABELS = ("O", "LOC", "PER", "ORG", "MISC")
EPS = 1e-12

# --------------------------------------------------------------------------
# Tokeniser: BERT basic tokenisation (lower-case, accents kept) + WordPiece.
# --------------------------------------------------------------------------

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """
i og at det en til er som på de med han af for ikke der var mig sig men et har om vi
fra dig kommer du eller blev angrebet hej danmark norge sverige køben aarhus århus
odense bags nord syd øst vest mette frederik besøgte går dag novo nordisk
hoved folke vedtog lov ny skat borgere stats minister
universi studerende bog skrev forfatter film by land kongen dronning margrethe
europa usa irak krig fodbold klub spillede mål café ærø æble øl å år
""".split()
PIECES = """##e ##en ##er ##ne ##s ##t ##et ##ede ##ere ##ing ##ske ##sk ##hed ##lig
##hus ##havn ##gade ##vej ##borg ##sen ##dal ##ting ##kontor ##minister ##tet ##værd""".split()
LETTERS = list("abcdefghijklmnopqrstuvwxyzæøåé0123456789")
PUNCT = list(".,!?-():;\"'/&")


def build_vocab():
    vocab = SPECIALS + PUNCT + LETTERS + ["##" + c for c in LETTERS] + WORDS + PIECES
    seen = set()
    out = []
    for t in vocab:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def is_space(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokens(text):
    chars = []
    for ch in text:
        if ord(ch) == 0 or ord(ch) == 0xFFFD or is_control(ch):
            continue
        if is_space(ch):
            chars.append(" ")
        elif is_cjk(ord(ch)):
            chars.extend([" ", ch, " "])
        else:
            chars.append(ch)
    tokens = []
    for tok in "".join(chars).lower().split():
        cur = ""
        for ch in tok:
            if is_punct(ch):
                if cur:
                    tokens.append(cur)
                tokens.append(ch)
                cur = ""
            else:
                cur += ch
        if cur:
            tokens.append(cur)
    return tokens


def wordpiece(token, ids):
    if len(token) > 100:
        return [ids["[UNK]"]]
    out = []
    start = 0
    while start < len(token):
        end = len(token)
        piece = None
        while start < end:
            s = token[start:end]
            if start > 0:
                s = "##" + s
            if s in ids:
                piece = ids[s]
                break
            end -= 1
        if piece is None:
            return [ids["[UNK]"]]
        out.append(piece)
        start = end
    return out


def tokenize_word(word, ids):
    pieces = [p for t in basic_tokens(word) for p in wordpiece(t, ids)]
    return pieces if pieces else [ids["[UNK]"]]


# --------------------------------------------------------------------------
# Model (spec 1.2-1.7). Module and parameter names give the state_dict keys.
# --------------------------------------------------------------------------


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


class WordEmbeddings(nn.Module):
    def __init__(self, V, H, P):
        super().__init__()
        self.word_embeddings = nn.Embedding(V, H)
        self.position_embeddings = nn.Embedding(P, H)
        self.token_type_embeddings = nn.Embedding(2, H)
        self.LayerNorm = nn.LayerNorm(H, eps=EPS)
        self.register_buffer("position_ids", torch.arange(P).unsqueeze(0))

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        e = self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings.weight[0]
        return self.LayerNorm(e)


class EntityEmbeddings(nn.Module):
    def __init__(self, Ne, h, H, P):
        super().__init__()
        self.ent_embeds = nn.Embedding(Ne, h, padding_idx=0)
        self.ent_embeds_dense = nn.Linear(h, H)
        self.pos_embeds = nn.Embedding(P, H)
        self.typ_embeds = nn.Embedding(2, H)
        self.lnorm = nn.LayerNorm(H, eps=EPS)

    def forward(self, ids, pos_ids):
        x = self.ent_embeds_dense(self.ent_embeds(ids))
        p = self.pos_embeds(pos_ids.clamp(min=0))
        m = (pos_ids != -1).float().unsqueeze(-1)
        pos = (p * m).sum(dim=2) / m.sum(dim=2).clamp(min=1e-7)
        return self.lnorm(x + pos + self.typ_embeds.weight[0])


class Attention(nn.Module):
    def __init__(self, H, heads):
        super().__init__()
        self.heads = heads
        for name in ("Q_w", "Q_e", "Q_w2e", "Q_e2w", "K", "V"):
            setattr(self, name, nn.Linear(H, H))

    def split(self, t):
        B, L, H = t.shape
        return t.view(B, L, self.heads, H // self.heads).permute(0, 2, 1, 3)

    def forward(self, X, E, ext):
        Lw = X.shape[1]
        T = torch.cat([X, E], dim=1)
        k = self.split(self.K(T))
        kW, kE = k[:, :, :Lw], k[:, :, Lw:]
        q_ww, q_we = self.split(self.Q_w(X)), self.split(self.Q_w2e(X))
        q_ew, q_ee = self.split(self.Q_e2w(E)), self.split(self.Q_e(E))
        top = torch.cat([q_ww @ kW.transpose(-1, -2), q_we @ kE.transpose(-1, -2)], dim=3)
        bottom = torch.cat([q_ew @ kW.transpose(-1, -2), q_ee @ kE.transpose(-1, -2)], dim=3)
        S = torch.cat([top, bottom], dim=2)
        d = X.shape[2] // self.heads
        P = torch.softmax(S / math.sqrt(d) + ext, dim=-1)
        C = (P @ self.split(self.V(T))).permute(0, 2, 1, 3).reshape(T.shape)
        return C


class Dense(nn.Module):
    def __init__(self, i, o, norm):
        super().__init__()
        self.dense = nn.Linear(i, o)
        if norm:
            self.LayerNorm = nn.LayerNorm(o, eps=EPS)


class Layer(nn.Module):
    def __init__(self, H, I, heads):
        super().__init__()
        self.attention = Attention(H, heads)
        self.self_output = Dense(H, H, True)
        self.intermediate = Dense(H, I, False)
        self.output = Dense(I, H, True)

    def forward(self, X, E, ext):
        T = torch.cat([X, E], dim=1)
        Y = self.attention(X, E, ext)
        S1 = self.self_output.LayerNorm(self.self_output.dense(Y) + T)
        I = gelu(self.intermediate.dense(S1))
        O = self.output.LayerNorm(self.output.dense(I) + S1)
        Lw = X.shape[1]
        return O[:, :Lw], O[:, Lw:]


class DaLUKE(nn.Module):
    def __init__(self, V, H, L, I, heads, P, Ne, h):
        super().__init__()
        self.word_embeddings = WordEmbeddings(V, H, P)
        self.entity_embeddings = EntityEmbeddings(Ne, h, H, P)
        self.encoder = nn.ModuleList([Layer(H, I, heads) for _ in range(L)])

    def forward(self, word_ids, word_mask, ent_ids, ent_pos, ent_mask):
        X = self.word_embeddings(word_ids)
        E = self.entity_embeddings(ent_ids, ent_pos)
        mask = torch.cat([word_mask, ent_mask], dim=1).float()
        ext = (10000.0 * (mask - 1.0))[:, None, None, :]
        for layer in self.encoder:
            X, E = layer(X, E, ext)
        return X, E


class WordHead(nn.Module):
    def __init__(self, H, V):
        super().__init__()
        self.transform = Dense(H, H, True)
        self.decoder = nn.Linear(H, V)
        self.bias = self.decoder.bias  # tied, as in HF BertLMPredictionHead

    def forward(self, h):
        t = self.transform.LayerNorm(gelu(self.transform.dense(h)))
        return t @ self.decoder.weight.t() + self.bias


class EntityHead(nn.Module):
    def __init__(self, H, h, table):
        super().__init__()
        self.transform = nn.Linear(H, h)
        self.lnorm = nn.LayerNorm(h, eps=EPS)
        self.decode = nn.Linear(h, table.weight.shape[0], bias=False)
        self.decode.weight = table.weight  # tied to entity_embeddings.ent_embeds.weight
        self.bias = nn.Parameter(torch.zeros(table.weight.shape[0]))

    def forward(self, h):
        t = self.lnorm(gelu(self.transform(h)))
        return t @ self.decode.weight.t() + self.bias


class Pretrained(DaLUKE):
    def __init__(self, V, H, L, I, heads, P, Ne, h):
        super().__init__(V, H, L, I, heads, P, Ne, h)
        self.mask_word_scorer = WordHead(H, V)
        self.mask_entity_scorer = EntityHead(H, h, self.entity_embeddings.ent_embeds)


class NER(DaLUKE):
    def __init__(self, V, H, L, I, heads, P, h):
        super().__init__(V, H, L, I, heads, P, 2, h)
        self.classifier = nn.Linear(3 * H, len(LABELS))

    def scores(self, word_ids, word_mask, ent_ids, ent_pos, ent_mask, start, end):
        X, E = self(word_ids, word_mask, ent_ids, ent_pos, ent_mask)
        H = X.shape[2]
        s = torch.gather(X, 1, start.unsqueeze(-1).expand(-1, -1, H))
        e = torch.gather(X, 1, end.unsqueeze(-1).expand(-1, -1, H))
        return self.classifier(torch.cat([s, e, E], dim=2)), X, E


def randomize(model, gen):
    """Random weights large enough that the tiny model makes clear decisions."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight") or name.endswith("lnorm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif "embed" in name:
                p.copy_(torch.randn(p.shape, generator=gen))
            else:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[1]))


# --------------------------------------------------------------------------
# NER inference (spec 2.2-2.7).
# --------------------------------------------------------------------------


def windows(lens, max_seq):
    """Word-granular split of a text (spec 2.2); returns [start, end) word ranges."""
    bounds = [0, len(lens)]
    while True:
        for b in range(len(bounds) - 1):
            s, e = bounds[b], bounds[b + 1]
            if sum(lens[s:e]) + 2 > max_seq:
                cum = np.cumsum(lens[s:e])
                cut = int((cum + 2 < max_seq).sum())
                if cut == 0:  # a word too long for any window gets its own (the DaLUKE code loops)
                    cut = 1
                bounds.insert(b + 1, s + cut)
                break
        else:
            return [(bounds[b], bounds[b + 1]) for b in range(len(bounds) - 1)]


def candidate_spans(lens, max_span):
    cum = np.cumsum(lens)
    n = len(lens)
    return [(i, j) for i in range(n) for j in range(i + 1, n + 1)
            if cum[j - 1] - (cum[i - 1] if i > 0 else 0) <= max_span]


def examples(pieces, meta):
    """All forward-pass examples of one text: (window, word ids, spans, entities)."""
    lens = [len(p) for p in pieces]
    out = []
    for ws, we in windows(lens, meta["max-seq-length"]):
        wl = lens[ws:we]
        ids = [2] + [t for p in pieces[ws:we] for t in p] + [3]
        cum = np.cumsum(wl)
        spans = candidate_spans(wl, meta["max-entity-span"])
        for c in range(0, len(spans), meta["max-entities"]):
            chunk = spans[c:c + meta["max-entities"]]
            ents = []
            for i, j in chunk:
                s = (cum[i - 1] if i > 0 else 0) + 1
                e = cum[j - 1] + 1
                ents.append((int(s), int(e)))
            out.append({"window": (ws, we), "ids": ids, "spans": chunk, "subspans": ents})
    return out


def collate(batch, M):
    B = len(batch)
    Lw = max(len(x["ids"]) for x in batch)
    Le = max(len(x["spans"]) for x in batch)
    word_ids = torch.zeros(B, Lw, dtype=torch.long)
    word_mask = torch.zeros(B, Lw, dtype=torch.long)
    ent_ids = torch.zeros(B, Le, dtype=torch.long)
    ent_pos = torch.full((B, Le, M), -1, dtype=torch.long)
    ent_mask = torch.zeros(B, Le, dtype=torch.long)
    start = torch.zeros(B, Le, dtype=torch.long)
    end = torch.zeros(B, Le, dtype=torch.long)
    for b, x in enumerate(batch):
        word_ids[b, :len(x["ids"])] = torch.tensor(x["ids"])
        word_mask[b, :len(x["ids"])] = 1
        for k, (s, e) in enumerate(x["subspans"]):
            ent_ids[b, k] = 1
            ent_pos[b, k, :e - s] = torch.arange(s, e)
            ent_mask[b, k] = 1
            start[b, k] = s
            end[b, k] = e - 1
    return word_ids, word_mask, ent_ids, ent_pos, ent_mask, start, end


def decode(span_probs, n):
    positives = []
    for span, p in span_probs.items():
        c = int(np.argmax(p))
        if LABELS[c] != "O":
            positives.append((p[c], span, LABELS[c]))
    tags = ["O"] * n
    for _, (s, e), lab in reversed(sorted(positives)):
        if all(tags[k] == "O" for k in range(s, e)):
            for k in range(s, e):
                tags[k] = "I-" + lab
            tags[s] = "B-" + lab
    return tags


def ner(model, texts, ids, meta, batch_size=8):
    """Tags and per-span logits for whitespace-split texts."""
    results = ner_pieces(model, [[tokenize_word(w, ids) for w in words] for words in texts], meta, batch_size)
    for r, words in zip(results, texts):
        r["words"] = words
    return results


def ner_pieces(model, texts, meta, batch_size=8):
    """Tags and per-span logits for texts given as the word pieces of each word."""
    results = []
    allex = []
    for t, pieces in enumerate(texts):
        results.append({"pieces": pieces, "windows": [], "spans": [], "logits": []})
        for x in examples(pieces, meta):
            x["text"] = t
            allex.append(x)
    for b in range(0, len(allex), batch_size):
        batch = allex[b:b + batch_size]
        with torch.no_grad():
            scores, _, _ = model.scores(*collate(batch, meta["max-entity-span"]))
        for x, sc in zip(batch, scores):
            r = results[x["text"]]
            if list(x["window"]) not in r["windows"]:
                r["windows"].append(list(x["window"]))
            for k, (i, j) in enumerate(x["spans"]):
                r["spans"].append([x["window"][0] + i, x["window"][0] + j])
                r["logits"].append(sc[k])
    for r in results:
        tags = []
        for ws, we in r["windows"]:
            probs = {}
            for (i, j), lg in zip(r["spans"], r["logits"]):
                if ws <= i and j <= we:
                    probs[(i - ws, j - ws)] = torch.softmax(lg, dim=0).numpy()
            tags += decode(probs, we - ws)
        r["tags"] = tags
        r["logits"] = [[f32(v) for v in lg.tolist()] for lg in r["logits"]]
    return results


# --------------------------------------------------------------------------
# Output.
# --------------------------------------------------------------------------


def f32(v):
    return float("%.9g" % v)


def matrix(t):
    return [[f32(v) for v in row] for row in t.tolist()]


def archive(path, members, level=9):
    """A .tar.gz with members at its root, byte-for-byte reproducible."""
    import gzip
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=level) as gz, \
            tarfile.open(fileobj=gz, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))


def state_bytes(model):
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getvalue()


TEXTS = [
    "Mette Frederiksen besøgte København i går .",
    "Hej med dig , kommer du fra Danmark eller Norge ?",
    "Novo Nordisk har hovedkontor i Bagsværd nord for København .",
    "Folketinget vedtog i dag en ny lov om skat for borgere i Danmark , Sverige og Norge ,"
    " og statsministeren besøgte Aarhus Universitet , Odense og Ærø med dronning Margrethe .",
    "Forfatteren skrev en bog om café-kulturen på Østerbrogade i 1990'erne \u2603 .",
    "Aarhus",
]


def main(out):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(20260123)
    vocab = build_vocab()
    ids = {t: i for i, t in enumerate(vocab)}
    V, H, L, I, heads, P, h = len(vocab), 64, 2, 128, 4, 64, 32
    entities = ["[PAD]", "[UNK]", "[MASK]", "Danmark", "København", "Norge", "Sverige", "Aarhus",
                "Mette Frederiksen", "Novo Nordisk", "Folketinget", "Margrethe 2.", "USA", "Irak",
                "Irakkrigen", "Aarhus Universitet", "Odense", "Ærø", "Bagsværd", "Europa"]
    entity_vocab = {t: {"id": i, "count": 100 - i} for i, t in enumerate(entities)}

    pre = Pretrained(V, H, L, I, heads, P, len(entities), h)
    randomize(pre, gen)
    pre.eval()
    ner_model = NER(V, H, L, I, heads, P, h)
    sd = {k: v for k, v in pre.state_dict().items() if not k.startswith("mask_")}
    sd["entity_embeddings.ent_embeds.weight"] = pre.entity_embeddings.ent_embeds.weight[[0, 2]].detach().clone()
    ner_model.load_state_dict(sd, strict=False)
    with torch.no_grad():
        ner_model.classifier.weight.copy_(torch.randn(ner_model.classifier.weight.shape, generator=gen) * 0.3)
        ner_model.classifier.bias.copy_(torch.tensor([1.5, 0.0, 0.0, 0.0, 0.0]))
    ner_model.eval()

    common = {"number-of-items": 1000, "number-of-entities": 5000, "min-sentence-length": 5,
              "base-model": "Maltehb/danish-bert-botxo", "tokenizer-class": "BertTokenizerFast",
              "language": "da", "num-attention-heads": heads}
    pre_meta = dict(common, **{"max-seq-length": 64, "max-entities": 32, "max-entity-span": 30})
    ner_meta = dict(common, **{"max-seq-length": 32, "max-entities": 16, "max-entity-span": 6,
                               "NER-words-only": False, "NER-entities-only": False, "output-size": 5})

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    ev = json.dumps(entity_vocab, ensure_ascii=False, indent=1).encode()
    archive(os.path.join(out, "daluke.tar.gz"), [
        ("entity-vocab.json", ev),
        ("metadata.json", json.dumps(pre_meta, indent=1).encode()),
        ("model.bin", state_bytes(pre))])
    archive(os.path.join(out, "daluke-ner.tar.gz"), [
        ("entity-vocab.json", ev),
        ("metadata.json", json.dumps(ner_meta, indent=1).encode()),
        ("model.bin", state_bytes(ner_model))])

    texts = [t.split() for t in TEXTS]
    results = ner(ner_model, texts, ids, ner_meta)

    # One forward pass of each model, with hidden states.
    x = examples(results[0]["pieces"], ner_meta)[0]
    batch = collate([x], ner_meta["max-entity-span"])
    with torch.no_grad():
        scores, X, E = ner_model.scores(*batch)
    ner_forward = {"word_ids": x["ids"], "entity_ids": [1] * len(x["subspans"]),
                   "entity_spans": [list(s) for s in x["subspans"]],
                   "word_hidden": matrix(X[0]), "entity_hidden": matrix(E[0]), "logits": matrix(scores[0])}

    # Masked prediction (spec 5.4): "[MASK] blev angrebet af USA i 2003" with the word
    # spans [MASK] (entity [MASK]), "USA" (a known entity) and "blev angrebet" (unknown).
    words = "[MASK] blev angrebet af USA i 2003".split()
    wspans = [(0, 1), (4, 5), (1, 3)]
    pieces = [[ids["[MASK]"]] if w == "[MASK]" else tokenize_word(w, ids) for w in words]
    wid = [2] + [t for p in pieces for t in p] + [3]
    cum = np.cumsum([len(p) for p in pieces])
    espans = [(int(cum[s - 1] if s else 0) + 1, int(cum[e - 1]) + 1) for s, e in wspans]
    eids = [entity_vocab.get(" ".join(words[s:e]), entity_vocab["[UNK]"])["id"] for s, e in wspans]
    M = pre_meta["max-entity-span"]
    pos = torch.full((1, len(eids), M), -1, dtype=torch.long)
    for k, (s, e) in enumerate(espans):
        pos[0, k, :e - s] = torch.arange(s, e)
    mask_pos = [i for i, t in enumerate(wid) if t == ids["[MASK]"]]
    with torch.no_grad():
        X, E = pre(torch.tensor([wid]), torch.ones(1, len(wid), dtype=torch.long), torch.tensor([eids]), pos,
                   torch.ones(1, len(eids), dtype=torch.long))
        mlm = pre.mask_word_scorer(X[0, mask_pos])
        mem = pre.mask_entity_scorer(E[0])
    pre_forward = {"words": words, "word_spans": [list(s) for s in wspans],
                   "word_ids": wid, "entity_ids": eids, "entity_spans": [list(s) for s in espans],
                   "word_hidden": matrix(X[0]), "entity_hidden": matrix(E[0]),
                   "mask_positions": mask_pos, "word_scores": matrix(mlm), "entity_scores": matrix(mem)}

    ref = {
        "source": "luke/testdata/reference.py (PyTorch %s, spec ../shared/notes/daluke-spec.md)" % torch.__version__,
        "config": {"vocab_size": V, "hidden_size": H, "num_layers": L, "intermediate_size": I,
                   "num_heads": heads, "max_positions": P, "entity_size": h, "entity_vocab_size": len(entities)},
        "ner_metadata": ner_meta,
        "texts": [{"words": r["words"], "pieces": r["pieces"], "windows": r["windows"], "spans": r["spans"],
                   "logits": r["logits"], "tags": r["tags"]} for r in results],
        "ner_forward": ner_forward,
        "pretrained_forward": pre_forward,
    }
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    for r in results:
        print(" ".join("%s/%s" % (w, t) for w, t in zip(r["words"], r["tags"])))


def bench(out, n_sentences=40, runs=1):
    """Speed reference: a base-size NER model with random weights (BERT-base
    sizes, spec 1.1), a synthetic corpus of DaNE-like sentences, and the time
    this reference takes to tag it. Writes daluke-ner.tar.gz, vocab.txt,
    bench-corpus.json and bench-reference.json into out (about 420 MB).
    The model is the same for every call (seeded), so an archive already in
    out is kept. The times are the medians of `runs` runs."""
    import time
    gen = torch.Generator().manual_seed(7)
    V, H, L, I, heads, P, h = 32000, 768, 12, 3072, 12, 512, 256
    model = NER(V, H, L, I, heads, P, h)
    randomize(model, gen)
    model.eval()
    meta = {"max-seq-length": 512, "max-entities": 128, "max-entity-span": 30,
            "base-model": "Maltehb/danish-bert-botxo", "language": "da",
            "NER-words-only": False, "NER-entities-only": False, "output-size": 5}
    os.makedirs(out, exist_ok=True)
    ev = {"[PAD]": {"id": 0, "count": 0}, "[UNK]": {"id": 1, "count": 0}, "[MASK]": {"id": 2, "count": 0}}
    if not os.path.exists(os.path.join(out, "daluke-ner.tar.gz")):
        archive(os.path.join(out, "daluke-ner.tar.gz"), [("entity-vocab.json", json.dumps(ev).encode()),
                                                         ("metadata.json", json.dumps(meta).encode()),
                                                         ("model.bin", state_bytes(model))], level=1)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(SPECIALS + ["tok%d" % i for i in range(V - len(SPECIALS))]) + "\n")
    # DaNE-like sentences: 5 to 35 words, 1 to 3 word pieces each.
    rng = np.random.default_rng(11)
    texts = []
    for _ in range(n_sentences):
        n = int(rng.integers(5, 36))
        texts.append([[int(x) for x in rng.integers(5, V, size=int(rng.choice([1, 1, 1, 1, 1, 1, 1, 2, 2, 3])))]
                      for _ in range(n)])
    with open(os.path.join(out, "bench-corpus.json"), "w") as f:
        json.dump({"pieces": texts}, f)
    ner_pieces(model, texts[:8], meta)  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        results = ner_pieces(model, texts, meta)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    secs, cpu = float(np.median(walls)), float(np.median(cpus))
    spans = sum(len(r["spans"]) for r in results)
    # CPU seconds are the steadier measure on a shared machine: waiting for
    # a core does not count.
    res = {"sentences": len(texts), "spans": spans, "seconds": secs, "cpu_seconds": cpu,
           "sentences_per_s": len(texts) / secs, "spans_per_s": spans / secs,
           "sentences_per_cpu_s": len(texts) / cpu, "torch": torch.__version__,
           "threads": torch.get_num_threads(), "batch_size": 8, "runs": runs,
           "all_seconds": walls, "all_cpu_seconds": cpus}
    with open(os.path.join(out, "bench-reference.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bench":
        bench(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 40, int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
