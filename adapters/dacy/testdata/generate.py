#!/usr/bin/python3
"""Writes the tiny DaCy packages of adapters/dacy in the released layout
(dacy-spec §2, §9), with Debian's python3-torch, python3-thinc,
python3-srsly, python3-sentencepiece and python3-onnx:

    /usr/bin/python3 generate.py [path/to/ddt.train.conllu]

    tiny-xlmr/   XLM-R architecture (SentencePiece Unigram, cased), random weights,
                 pytorch_model.bin in torch.save's zip format (PyTorch >= 1.6)
    tiny-bert/   BERT uncased (WordPiece), random weights, pytorch_model.bin in
                 torch.save's legacy format (before 1.6): the releases' torch
                 version is unknown, so the fixtures carry one of each
    oracle/      an NER head of width 4 whose decisions are known by
                 construction (no transformer weights; tests feed vectors)

Each package has config.cfg, meta.json, tokenizer, vocab/, ner/{cfg,model,moves},
transformer/cfg, transformer/model/{config.json, pytorch_model.bin, tokenizer
files} and transformer/onnx/{model.onnx, tokenizer.json} (the feature-extraction
export the ONNX Runtime engine reads). The SentencePiece model is trained on the
first DaNE training sentences (CC BY-SA 4.0).

"generate.py bench OUTDIR ddt.train.conllu [medium|large]" writes instead
OUTDIR/dacy-medium (BERT base) or OUTDIR/dacy-large (XLM-R large, no ONNX
export), a random package at DaCy's real size for the speed benchmarks
(not committed; see BenchmarkTagRealSize and BENCHMARKS.md).
"""

import base64
import json
import os
import shutil
import sys
import unicodedata

import numpy as np
import sentencepiece as spm
import srsly
import torch
from thinc.api import Linear, Model, chain, list2array, noop, reduce_mean

import tinytrf

LABELS = {"PER": 5, "MISC": 4, "ORG": 3, "LOC": 3}  # label frequencies of ner/moves
HW, NP = 8, 2


def fwd(model, X, is_train):  # the stand-ins are never run
    raise NotImplementedError


def ner_model(H, rng, oracle=None):
    """thinc's TransitionBasedParser.v2 node graph (use_upper=false) with the
    real chain/Linear/list2array/reduce_mean/noop and stand-ins named as
    spaCy's listener, trfs2arrays and precomputable_affine (dacy-spec §5.2)."""
    A = 4 * len(LABELS) + 2
    listener = Model("transformer-listener", fwd, dims={"nO": H})
    trfs2arrays = Model("trfs2arrays", fwd, layers=[reduce_mean()], attrs={"grad_factor": 1.0})
    lin = Linear(HW, H)
    tok2vec = chain(chain(listener, trfs2arrays), list2array(), lin)
    lower = Model("precomputable_affine", fwd, dims={"nO": A, "nI": HW, "nF": 3, "nP": NP},
                  params={"W": None, "b": None, "pad": None}, attrs={"dropout_rate": 0.1})
    upper = noop()
    parser = Model("parser_model", fwd, layers=[tok2vec, lower, upper],
                   refs={"tok2vec": tok2vec, "lower": lower, "upper": upper},
                   dims={"nI": None}, attrs={"has_upper": False})
    if oracle is None:
        lin.set_param("W", rng.standard_normal((HW, H)).astype("f") / np.sqrt(H) * 3)
        lin.set_param("b", rng.standard_normal(HW).astype("f") * 0.1)
        lower.set_param("W", rng.standard_normal((3, A, NP, HW)).astype("f") * 3)
        lower.set_param("b", rng.standard_normal((A, NP)).astype("f") * 0.1)
        lower.set_param("pad", rng.standard_normal((1, 3, A, NP)).astype("f") * 0.3)
    else:
        for k, v in oracle.items():
            (lin if k.startswith("lin") else lower).set_param(k[3:] if k.startswith("lin") else k, v)
    return parser.to_bytes()


def action_order():
    """The action table initialize_actions builds from LABELS (dacy-spec §5.4)."""
    pairs = sorted([(f, l) for l, f in LABELS.items()], reverse=True)
    out = []
    for move in "BILU":
        out += [f"{move}-{l}" for _, l in pairs]
    return out + ["U-", "O"]


def moves_bytes():
    freqs = {str(m): dict(LABELS) for m in (1, 2, 3, 4)}
    freqs["0"] = {}
    freqs["4"][""] = 1
    freqs["5"] = {"": 1}
    return srsly.msgpack_dumps({"moves": srsly.json_dumps(freqs)})


CONFIG = """[paths]
vectors = null

[nlp]
lang = "da"
pipeline = ["transformer","tagger","parser","ner"]
tokenizer = {{"@tokenizers":"spacy.Tokenizer.v1"}}

[components]

[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {hw}
maxout_pieces = {np}
use_upper = false
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy-transformers.TransformerListener.v1"
grad_factor = 1.0
pooling = {{"@layers":"reduce_mean.v1"}}
upstream = "*"

[components.transformer]
factory = "transformer"
max_batch_items = 4096
set_extra_annotations = {{"@annotation_setters":"spacy-transformers.null_annotation_setter.v1"}}

[components.transformer.model]
@architectures = "spacy-transformers.TransformerModel.v1"
name = "{name}"

[components.transformer.model.get_spans]
@span_getters = "spacy-transformers.strided_spans.v1"
window = {window}
stride = {stride}

[components.transformer.model.tokenizer_config]
use_fast = true

[training]
dev_corpus = "corpora.dev"
"""


def write_common(d, name, H, model_type, ner_bytes, window=8, stride=6):
    if os.path.exists(d):
        shutil.rmtree(d)
    for sub in ("ner", "vocab", "transformer/model", "transformer/onnx"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    with open(os.path.join(d, "config.cfg"), "w") as f:
        f.write(CONFIG.format(hw=HW, np=NP, name=name, window=window, stride=stride))
    srsly.write_json(os.path.join(d, "meta.json"), {
        "lang": "da", "name": "dacy_tiny_tft", "version": "0.0.0", "spacy_version": ">=3.0.3,<3.1.0",
        "pipeline": ["transformer", "ner"], "components": ["transformer", "ner"], "disabled": [],
        "labels": {"ner": sorted(LABELS)}})
    srsly.write_json(os.path.join(d, "ner", "cfg"), {
        "moves": None, "update_with_oracle_cut_size": 100, "multitasks": [], "min_action_freq": 1,
        "learn_tokens": False, "beam_width": 1, "beam_density": 0.0, "beam_update_prob": 0.0})
    with open(os.path.join(d, "ner", "model"), "wb") as f:
        f.write(ner_bytes)
    with open(os.path.join(d, "ner", "moves"), "wb") as f:
        f.write(moves_bytes())
    with open(os.path.join(d, "tokenizer"), "wb") as f:
        f.write(srsly.msgpack_dumps({"prefix_search": None, "suffix_search": None, "infix_finditer": None,
                                     "token_match": None, "url_match": None, "exceptions": {}}))
    srsly.write_json(os.path.join(d, "vocab", "strings.json"), [])
    with open(os.path.join(d, "vocab", "key2row"), "wb") as f:
        f.write(srsly.msgpack_dumps({}))
    with open(os.path.join(d, "vocab", "lookups.bin"), "wb") as f:
        f.write(srsly.msgpack_dumps({}))
    np.save(os.path.join(d, "vocab", "vectors"), np.zeros((0, 0), dtype="f"), allow_pickle=False)
    os.rename(os.path.join(d, "vocab", "vectors.npy"), os.path.join(d, "vocab", "vectors"))
    srsly.write_json(os.path.join(d, "transformer", "cfg"), {"max_batch_items": 4096})


def hf_config(model_type, vocab, pad):
    c = {"model_type": model_type, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
         "intermediate_size": 64, "vocab_size": vocab, "pad_token_id": pad, "hidden_act": "gelu",
         "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02}
    if model_type == "xlm-roberta":
        c.update(max_position_embeddings=130, type_vocab_size=1, layer_norm_eps=1e-5, bos_token_id=0, eos_token_id=2,
                 architectures=["XLMRobertaModel"])
    else:
        c.update(max_position_embeddings=130, type_vocab_size=2, layer_norm_eps=1e-12, architectures=["BertModel"])
    return c


def write_transformer(d, c, seed, token_types, onnx=True, legacy=False):
    torch.manual_seed(seed)
    m = tinytrf.Model(c).eval()
    with torch.no_grad():
        for n, p in m.named_parameters():
            if "LayerNorm" not in n:
                p.normal_(0, 0.3)
    json.dump(c, open(os.path.join(d, "transformer", "model", "config.json"), "w"), indent=2)
    # legacy: the pre-1.6 format, which torch.save wrote before the zip one.
    torch.save(m.state_dict(), os.path.join(d, "transformer", "model", "pytorch_model.bin"),
               _use_new_zipfile_serialization=not legacy)
    if not onnx:
        return
    ids = torch.tensor([[0, 5, 6, 2], [0, 7, 2, c["pad_token_id"]]])
    mask = (ids != c["pad_token_id"]).long()
    names = ["input_ids", "attention_mask"]
    args = (ids, mask)
    if token_types:
        names.append("token_type_ids")
        args = (ids, mask, torch.zeros_like(ids))
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    torch.onnx.export(m, args, os.path.join(d, "transformer", "onnx", "model.onnx"), input_names=names,
                      output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=14)


def read_proto_fields(buf):
    """Minimal protobuf reader: yields (field number, wire type, value)."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        field, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(wt)
        yield field, wt, v


def varint(buf, i):
    shift = out = 0
    while True:
        b = buf[i]
        i += 1
        out |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return out, i


def xlmr(path, sentences, name="tiny-xlmr", size=None):
    d = os.path.join(path, name)
    rng = np.random.default_rng(1)
    H = size["hidden_size"] if size else 32
    if size:
        write_common(d, "xlm-roberta-large", H, "xlm-roberta", ner_model(H, rng), window=128, stride=96)
    else:
        write_common(d, "xlm-roberta-large", H, "xlm-roberta", ner_model(H, rng))
    tmp = os.path.join(d, "train.txt")
    with open(tmp, "w") as f:
        f.write("\n".join(" ".join(s) for s in sentences))
    prefix = os.path.join(d, "transformer", "model", "sentencepiece.bpe")
    spm.SentencePieceTrainer.train(input=tmp, model_prefix=prefix, vocab_size=8000 if size else 300,
                                   model_type="unigram", hard_vocab_limit=not size,
                                   character_coverage=1.0, minloglevel=2, bos_id=1, eos_id=2, unk_id=0, pad_id=-1)
    os.remove(tmp)
    os.remove(prefix + ".vocab")
    proto = open(prefix + ".model", "rb").read()
    pieces, charsmap = [], b""
    for field, _, v in read_proto_fields(proto):
        if field == 1:
            p = {f: val for f, _, val in read_proto_fields(v)}
            score = np.frombuffer(p.get(2, b"\0\0\0\0"), "<f4")[0]
            pieces.append((p[1].decode(), float(score)))
        elif field == 3:
            for f, _, val in read_proto_fields(v):
                if f == 2:
                    charsmap = val
    # HF XLMRobertaConverter: fairseq specials, spm pieces from 3 on (id + 1), <mask> last.
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]] + [[p, s] for p, s in pieces[3:]]
    vocab.append(["<mask>", 0.0])
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, t in enumerate(specials)]
    added.append({"id": len(vocab) - 1, "content": "<mask>", "single_word": False, "lstrip": True, "rstrip": False,
                  "normalized": False, "special": True})
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode()},
           "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True},
           "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                              "trim_offsets": True, "add_prefix_space": True},
           "decoder": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True},
           "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab}}
    json.dump(tok, open(os.path.join(d, "transformer", "onnx", "tokenizer.json"), "w"), ensure_ascii=False)
    srsly.write_json(os.path.join(d, "transformer", "model", "special_tokens_map.json"), {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>", "pad_token": "<pad>",
        "cls_token": "<s>", "mask_token": "<mask>"})
    shutil.copy(os.path.join(d, "transformer", "model", "special_tokens_map.json"), os.path.join(d, "transformer", "onnx"))
    srsly.write_json(os.path.join(d, "transformer", "model", "tokenizer_config.json"), {"model_max_length": 512})
    c = hf_config("xlm-roberta", len(vocab), 1)
    if size:
        c.update(size)
        c["vocab_size"] = 250002
    write_transformer(d, c, 2, False, onnx=not size)


def bert(path, sentences, name="tiny-bert", size=None):
    d = os.path.join(path, name)
    rng = np.random.default_rng(3)
    H = size["hidden_size"] if size else 32
    if size:
        write_common(d, "Maltehb/danish-bert-botxo", H, "bert", ner_model(H, rng), window=128, stride=96)
    else:
        write_common(d, "Maltehb/danish-bert-botxo", H, "bert", ner_model(H, rng))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = {}
    for s in sentences:
        for w in s:
            w = "".join(c for c in unicodedata.normalize("NFD", w.lower()) if unicodedata.category(c) != "Mn")
            words[w] = words.get(w, 0) + 1
    common = [w for w, _ in sorted(words.items(), key=lambda x: (-x[1], x[0])) if w.isalpha()][:(31000 if size else 120)]
    chars = sorted({c for w in words for c in w if c.isalnum()})
    puncts = sorted({c for w in words for c in w if not c.isalnum()})
    vocab = specials + puncts + chars + ["##" + c for c in chars] + [w for w in common if len(w) > 1]
    vocab = list(dict.fromkeys(vocab))
    open(os.path.join(d, "transformer", "model", "vocab.txt"), "w").write("\n".join(vocab) + "\n")
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, t in enumerate(specials)]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                          "strip_accents": None, "lowercase": True},
           "pre_tokenizer": {"type": "BertPreTokenizer"},
           "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
           "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
           "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                     "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}}}
    json.dump(tok, open(os.path.join(d, "transformer", "onnx", "tokenizer.json"), "w"), ensure_ascii=False)
    srsly.write_json(os.path.join(d, "transformer", "model", "tokenizer_config.json"),
                     {"do_lower_case": True, "model_max_length": 512})
    srsly.write_json(os.path.join(d, "transformer", "model", "special_tokens_map.json"), {
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"})
    shutil.copy(os.path.join(d, "transformer", "model", "special_tokens_map.json"), os.path.join(d, "transformer", "onnx"))
    c = hf_config("bert", len(vocab), 0)
    if size:
        c.update(size)
        c["vocab_size"] = max(len(vocab), 32000)
    write_transformer(d, c, 4, True, legacy=not size)


def oracle(path):
    """Width-4 token vectors: x0 = capitalised, x1 = starts an ORG pair.
    Linear copies x into the first 4 of 8 units; slot f=0 (B(0)) drives
    U-PER by 10·x0 and B-ORG by 20·x1; O has bias 5 and L-ORG bias 1, so
    (by construction) capitalised → U-PER, an ORG pair → B-ORG L-ORG,
    anything else → O; B-ORG on the last word is invalid (falls to U-PER
    or O)."""
    d = os.path.join(path, "oracle")
    H = 4
    order = action_order()
    A = len(order)
    lin_w = np.zeros((HW, H), "f")
    for i in range(H):
        lin_w[i, i] = 1
    W = np.zeros((3, A, NP, HW), "f")
    b = np.zeros((A, NP), "f")
    W[0, order.index("U-PER"), 0, 0] = 10
    W[0, order.index("B-ORG"), 1, 1] = 20  # maxout piece 1
    b[order.index("O"), :] = 5
    b[order.index("L-ORG"), :] = 1
    pad = np.zeros((1, 3, A, NP), "f")
    pad[0, 1, order.index("I-ORG"), :] = -3  # a missing entity start slot never matters
    weights = {"linW": lin_w, "linb": np.zeros(HW, "f"), "W": W, "b": b, "pad": pad}
    write_common(d, "oracle", H, "bert", ner_model(H, None, oracle=weights))
    shutil.rmtree(os.path.join(d, "transformer", "onnx"))
    json.dump({"model_type": "bert", "hidden_size": H, "pad_token_id": 0},
              open(os.path.join(d, "transformer", "model", "config.json"), "w"))
    open(os.path.join(d, "actions.txt"), "w").write("\n".join(order) + "\n")


def read_conllu(path, n):
    out, cur = [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                out.append(cur)
                cur = []
                if len(out) == n:
                    break
        elif not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                cur.append(cols[1])
    return out


BASE = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
        "max_position_embeddings": 512}
LARGE = {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096,
         "max_position_embeddings": 514}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) in (4, 5) and sys.argv[1] == "bench":
        # A random DaCy medium (BERT base, vocabulary from DaNE train) or
        # large (XLM-R large: 250002 rows, a SentencePiece model of about
        # 8000 pieces trained on DaNE train, no ONNX export: 2.2 GB of
        # float32 weights, which need external data in ONNX) at real size,
        # window 128 / stride 96, for speed measurements; not committed.
        which = sys.argv[4] if len(sys.argv) == 5 else "medium"
        train = read_conllu(sys.argv[3], 10**6)
        if which == "large":
            xlmr(sys.argv[2], train, name="dacy-large", size=LARGE)
        else:
            bert(sys.argv[2], train, name="dacy-medium", size=BASE)
        return
    train = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../../shared/data/dane/ddt.train.conllu")
    sentences = read_conllu(train, 400)
    xlmr(here, sentences)
    bert(here, sentences)
    oracle(here)


if __name__ == "__main__":
    main()
