#!/usr/bin/python3
"""Generate the ONNX token-classification fixtures of adapters/internal/ort.

Run from this folder with Debian's Python (apt-get install python3-onnx
python3-numpy; onnx 1.12, IR version 8, opset 17, which ONNX Runtime 1.30
reads):

    /usr/bin/python3 generate.py

With --size base --out DIR it writes only a base-size random-weight BERT
(12 layers, hidden 768; see SIZES) to DIR instead, for `make
bench-onnx-base`; that folder (about 340 MB) is never committed.

Every folder it writes has the layout of an
`optimum-cli export onnx --task token-classification` export: model.onnx,
config.json, tokenizer.json, tokenizer_config.json and
special_tokens_map.json. The output is deterministic (fixed seed, sorted
JSON keys), so running it again gives the same bytes.

Folders:

oracle-wordpiece  cased WordPiece tokenizer (BertNormalizer, BertPreTokenizer,
                  BertProcessing) and a model whose logits are a fixed table
                  row per input id: logits[b, t, :] = TABLE[input_ids[b, t]].
oracle-uncased    the same with lowercase=true and strip_accents=null, which
                  in Hugging Face tokenizers means "strip accents" (NFD, then
                  drop combining marks), like uncased Danish BERT.
oracle-unigram    an XLM-R-like Unigram tokenizer (Metaspace, RobertaProcessing)
                  with the same kind of table model, model_type xlm-roberta
                  and no token_type_ids input.
bert-random       a 4-layer random-weight BERT for token classification.
electra-random    a 2-layer random-weight ELECTRA (embedding projection) for
                  token classification.
../../../{dabert,mbert,aelaectra}/testdata/<name>
                  table models with each adapter's label set, for the
                  adapters' own tests.

The table models label every token by construction:
  * a whole-word piece listed in LEXICON gets its LEXICON label;
  * any other word-initial piece gets O;
  * a continuation piece ("##x" or a Unigram piece without the leading
    "\u2581") gets I-MISC, and the special tokens get B-MISC. No test
    sentence expects MISC, so labelling a word by anything but its first
    subword shows up as a wrong label.
The oracle labels use PERSON for persons, so that adapters must map
PERSON to PER; the random-weight models use PER. lexicon.json records LEXICON for the Go tests.
"""

import argparse
import json
import os
import unicodedata

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8

LABELS = ["O", "B-PERSON", "I-PERSON", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
# The random-weight models use the datasets' own labels, so that they run
# with no label mapping (nerbench run/bench --model-dir).
STD_LABELS = [l.replace("PERSON", "PER") for l in LABELS]
# Word -> label of the word's first (and only) subword. Cased forms; the
# uncased oracle uses the lowercased, accent-stripped forms.
LEXICON = {
    "Jens": "B-PERSON",
    "Hansen": "I-PERSON",
    "Søren": "B-PERSON",
    "Kierkegaard": "I-PERSON",
    "Ærø": "B-LOC",
    "Århus": "B-LOC",
    "København": "B-LOC",
    "Novo": "B-ORG",
    "Nordisk": "I-ORG",
    "Folketinget": "B-ORG",
}
# Words that are in the vocabulary as whole pieces and labelled O.
O_WORDS = ["og", "i", "på", "bor", "har", "en", "er", "det", "til", "med", "blåbær", "ø", "år", "af"]
PUNCT = list(".,:;!?-()'\"/&%")
LOWER = list("abcdefghijklmnopqrstuvwxyzæøå")
UPPER = [c.upper() for c in LOWER]
DIGITS = list("0123456789")

HERE = os.path.dirname(os.path.abspath(__file__))


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def write_json(folder, name, obj):
    with open(os.path.join(folder, name), "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


# ---------------------------------------------------------------- tokenizers


def wordpiece_vocab(uncased):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    norm = (lambda w: strip_accents(w.lower())) if uncased else (lambda w: w)
    words = []
    for w in list(LEXICON) + O_WORDS:
        w = norm(w)
        if w not in words:
            words.append(w)
    letters = LOWER if uncased else LOWER + UPPER
    letters = [norm(c) for c in letters]
    letters = list(dict.fromkeys(letters))
    firsts = [c for c in letters + DIGITS + PUNCT if c not in words]
    conts = ["##" + c for c in letters + DIGITS]
    vocab = specials + words + firsts + conts
    return vocab, {norm(w): LEXICON[w] for w in LEXICON}


def wordpiece_tokenizer_json(vocab, uncased):
    ids = {t: i for i, t in enumerate(vocab)}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": uncased},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", ids["[SEP]"]], "cls": ["[CLS]", ids["[CLS]"]]},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }


def wordpiece_label(token, lexicon):
    if token in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"):
        return "O" if token == "[UNK]" else "B-MISC"
    if token.startswith("##"):
        return "I-MISC"
    return lexicon.get(token, "O")


def unigram_vocab():
    # XLM-R order: <s>=0, <pad>=1, </s>=2, <unk>=3; <mask> last.
    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    pieces.append(("\u2581", -2.0))
    for w in list(LEXICON) + O_WORDS:
        pieces.append(("\u2581" + w, -1.0))
    for c in LOWER + UPPER + DIGITS + PUNCT:
        pieces.append(("\u2581" + c, -4.0))
        pieces.append((c, -5.0))
    seen, unique = set(), []
    for p, score in pieces:  # first (best-scored) entry of a piece wins
        if p not in seen:
            seen.add(p)
            unique.append((p, score))
    unique.append(("<mask>", 0.0))
    return unique


def unigram_tokenizer_json(pieces):
    ids = {p: i for i, (p, _) in enumerate(pieces)}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": ids[t], "content": t, "single_word": False, "lstrip": t == "<mask>", "rstrip": False,
             "normalized": False, "special": True}
            for t in ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"String": "  "}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", ids["</s>"]], "cls": ["<s>", ids["<s>"]],
                           "trim_offsets": True, "add_prefix_space": True},
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": ids["<unk>"], "byte_fallback": False,
                  "vocab": [[p, s] for p, s in pieces]},
    }


def unigram_label(token):
    if token in ("<s>", "<pad>", "</s>", "<mask>"):
        return "B-MISC"
    if token == "<unk>":
        return "O"
    if token.startswith("\u2581"):
        return LEXICON.get(token[1:], "O")
    return "I-MISC"


# -------------------------------------------------------------------- graphs


def io(name, elem=TensorProto.INT64, dims=("batch_size", "sequence_length")):
    return helper.make_tensor_value_info(name, elem, list(dims))


def save(graph, folder):
    model = helper.make_model(graph, producer_name="nerbench generate.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))


def table_graph(table, with_token_types):
    """logits = TABLE[input_ids] + 0 * (mask [+ token types]), so every
    input is used and has the usual name, type and dynamic axes."""
    inits = [numpy_helper.from_array(table.astype(np.float32), "table"),
             numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2")]
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["rows"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
    ]
    extra = "maskf"
    inputs = [io("input_ids"), io("attention_mask")]
    if with_token_types:
        inputs.append(io("token_type_ids"))
        nodes += [helper.make_node("Cast", ["token_type_ids"], ["typef"], to=TensorProto.FLOAT),
                  helper.make_node("Add", ["maskf", "typef"], ["extra"])]
        extra = "extra"
    inits.append(numpy_helper.from_array(np.array(0, dtype=np.float32), "zero"))
    nodes += [
        helper.make_node("Mul", [extra, "zero"], ["extra0"]),
        helper.make_node("Unsqueeze", ["extra0", "axis2"], ["extra3"]),
        helper.make_node("Add", ["rows", "extra3"], ["logits"]),
    ]
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", len(LABELS)])
    return helper.make_graph(nodes, "oracle", inputs, [out], inits)


class Builder:
    def __init__(self, rng):
        self.rng = rng
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, p):
        self.n += 1
        return f"{p}_{self.n}"

    def weight(self, name, shape, std=0.02):
        self.inits.append(numpy_helper.from_array(self.rng.normal(0, std, shape).astype(np.float32), name))
        return name

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def op(self, typ, ins, **attrs):
        out = self.name(typ.lower())
        self.nodes.append(helper.make_node(typ, ins, [out], **attrs))
        return out

    def linear(self, x, din, dout, prefix):
        w = self.weight(prefix + ".weight", (din, dout))
        b = self.weight(prefix + ".bias", (dout,))
        return self.op("Add", [self.op("MatMul", [x, w]), b])

    def layernorm(self, x, dim, prefix):
        g = self.const(prefix + ".gamma", np.ones(dim, np.float32) + self.rng.normal(0, 0.05, dim).astype(np.float32))
        b = self.weight(prefix + ".beta", (dim,))
        return self.op("LayerNormalization", [x, g, b], axis=-1, epsilon=1e-12)

    def gelu(self, x):
        # Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as torch.onnx exports it
        # before opset 20.
        s = self.op("Div", [x, self.const(self.name("sqrt2"), np.array(np.sqrt(2.0), np.float32))])
        e = self.op("Add", [self.op("Erf", [s]), self.const(self.name("one"), np.array(1.0, np.float32))])
        return self.op("Mul", [self.op("Mul", [x, e]), self.const(self.name("half"), np.array(0.5, np.float32))])


def encoder_graph(rng, vocab_size, n_labels, hidden, layers, heads, inter, max_pos, emb=None):
    """A BERT (emb None) or ELECTRA (emb < hidden: embedding projection)
    token classifier with the architecture of transformers'
    BertForTokenClassification / ElectraForTokenClassification."""
    b = Builder(rng)
    emb = emb or hidden
    word = b.weight("embeddings.word_embeddings", (vocab_size, emb))
    pos = b.weight("embeddings.position_embeddings", (max_pos, emb))
    typ = b.weight("embeddings.token_type_embeddings", (2, emb))
    # Position ids 0..T-1 from the dynamic sequence length.
    shape = b.op("Shape", ["input_ids"])
    t = b.op("Gather", [shape, b.const("one_idx", np.array(1, np.int64))], axis=0)
    rng_ids = b.op("Range", [b.const("r0", np.array(0, np.int64)), t, b.const("r1", np.array(1, np.int64))])
    x = b.op("Add", [b.op("Gather", [word, "input_ids"], axis=0), b.op("Gather", [pos, rng_ids], axis=0)])
    x = b.op("Add", [x, b.op("Gather", [typ, "token_type_ids"], axis=0)])
    x = b.layernorm(x, emb, "embeddings.LayerNorm")
    if emb != hidden:
        x = b.linear(x, emb, hidden, "embeddings_project")
    # Additive attention mask [B, 1, 1, T]: 0 for tokens, -10000 for padding.
    m = b.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    m = b.op("Mul", [b.op("Sub", [b.const("one_f", np.array(1.0, np.float32)), m]),
                     b.const("neg", np.array(-10000.0, np.float32))])
    m = b.op("Unsqueeze", [m, b.const("axes12", np.array([1, 2], np.int64))])
    dh = hidden // heads
    split_shape = b.const("split_shape", np.array([0, 0, heads, dh], np.int64))
    merge_shape = b.const("merge_shape", np.array([0, 0, hidden], np.int64))
    scale = b.const("scale", np.array(1.0 / np.sqrt(dh), np.float32))
    for i in range(layers):
        p = f"encoder.layer.{i}"

        def heads_of(name, perm):
            return b.op("Transpose", [b.op("Reshape", [b.linear(x, hidden, hidden, f"{p}.attention.self.{name}"),
                                                       split_shape])], perm=perm)
        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        s = b.op("Add", [b.op("Mul", [b.op("MatMul", [q, k]), scale]), m])
        a = b.op("MatMul", [b.op("Softmax", [s], axis=-1), v])
        a = b.op("Reshape", [b.op("Transpose", [a], perm=[0, 2, 1, 3]), merge_shape])
        a = b.linear(a, hidden, hidden, f"{p}.attention.output.dense")
        x = b.layernorm(b.op("Add", [a, x]), hidden, f"{p}.attention.output.LayerNorm")
        f = b.gelu(b.linear(x, hidden, inter, f"{p}.intermediate.dense"))
        f = b.linear(f, inter, hidden, f"{p}.output.dense")
        x = b.layernorm(b.op("Add", [f, x]), hidden, f"{p}.output.LayerNorm")
    logits = b.linear(x, hidden, n_labels, "classifier")
    b.nodes.append(helper.make_node("Identity", [logits], ["logits"]))
    inputs = [io("input_ids"), io("attention_mask"), io("token_type_ids")]
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", n_labels])
    return helper.make_graph(b.nodes, "encoder", inputs, [out], b.inits)


# ------------------------------------------------------------------- folders


def config_json(model_type, vocab_size, max_pos, pad_id, extra=None, labels=LABELS):
    c = {
        "_name_or_path": "nerbench/" + model_type + "-fixture",
        "architectures": [{"bert": "BertForTokenClassification", "electra": "ElectraForTokenClassification",
                           "xlm-roberta": "XLMRobertaForTokenClassification"}[model_type]],
        "model_type": model_type,
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "max_position_embeddings": max_pos,
        "vocab_size": vocab_size,
        "pad_token_id": pad_id,
        "type_vocab_size": 2 if model_type != "xlm-roberta" else 1,
        "transformers_version": "4.36.2",
    }
    c.update(extra or {})
    return c


def bert_side_files(folder, uncased, max_len):
    write_json(folder, "tokenizer_config.json", {
        "do_lower_case": uncased, "strip_accents": None, "tokenize_chinese_chars": True,
        "model_max_length": max_len, "tokenizer_class": "BertTokenizer", "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]"})
    write_json(folder, "special_tokens_map.json", {
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]"})


def make_wordpiece_oracle(name, uncased):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    vocab, lexicon = wordpiece_vocab(uncased)
    table = np.zeros((len(vocab), len(LABELS)), np.float32)
    for i, tok in enumerate(vocab):
        table[i, LABELS.index(wordpiece_label(tok, lexicon))] = 1.0
    save(table_graph(table, True), folder)
    write_json(folder, "tokenizer.json", wordpiece_tokenizer_json(vocab, uncased))
    # max_position_embeddings 16: 14 subwords per window, so windowing is
    # exercised by ordinary test sentences.
    write_json(folder, "config.json", config_json("bert", len(vocab), 16, 0))
    bert_side_files(folder, uncased, 16)
    return vocab


def make_unigram_oracle():
    folder = os.path.join(HERE, "oracle-unigram")
    os.makedirs(folder, exist_ok=True)
    pieces = unigram_vocab()
    table = np.zeros((len(pieces), len(LABELS)), np.float32)
    for i, (p, _) in enumerate(pieces):
        table[i, LABELS.index(unigram_label(p))] = 1.0
    save(table_graph(table, False), folder)
    write_json(folder, "tokenizer.json", unigram_tokenizer_json(pieces))
    # XLM-R positions start at padding_idx + 1 = 2, so 18 positions hold 16
    # tokens, as in xlm-roberta-base (514 positions, 512 tokens).
    write_json(folder, "config.json", config_json("xlm-roberta", len(pieces), 18, 1))
    write_json(folder, "tokenizer_config.json", {
        "model_max_length": 16, "tokenizer_class": "XLMRobertaTokenizer", "bos_token": "<s>", "eos_token": "</s>",
        "cls_token": "<s>", "sep_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>", "mask_token": "<mask>"})
    write_json(folder, "special_tokens_map.json", {
        "bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>", "pad_token": "<pad>",
        "unk_token": "<unk>", "mask_token": "<mask>"})


def make_encoder(name, model_type, vocab, seed, folder=None, **dims):
    folder = folder or os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    save(encoder_graph(rng, len(vocab), len(LABELS), **dims), folder)
    write_json(folder, "tokenizer.json", wordpiece_tokenizer_json(vocab, False))
    extra = {"hidden_size": dims["hidden"], "num_hidden_layers": dims["layers"],
             "num_attention_heads": dims["heads"], "intermediate_size": dims["inter"], "hidden_act": "gelu"}
    if dims.get("emb"):
        extra["embedding_size"] = dims["emb"]
    write_json(folder, "config.json", config_json(model_type, len(vocab), dims["max_pos"], 0, extra, STD_LABELS))
    bert_side_files(folder, False, dims["max_pos"])


# Label sets of the adapters' models, in id order (see each adapter's doc).
# NERDA fits sklearn's LabelEncoder, which sorts the labels.
ADAPTERS = {
    "dabert": ("bert", True, ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]),
    "mbert": ("bert", True, sorted(["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"])),
    "aelaectra": ("electra", False, ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]),
}


def make_adapter_fixture(name):
    """A table model with an adapter's labels, written to
    adapters/<name>/testdata/<name>: lexicon words get their label
    (PERSON as PER), every other token O."""
    model_type, uncased, labels = ADAPTERS[name]
    folder = os.path.join(HERE, "..", "..", "..", name, "testdata", name)
    os.makedirs(folder, exist_ok=True)
    vocab, lexicon = wordpiece_vocab(uncased)
    table = np.zeros((len(vocab), len(labels)), np.float32)
    for i, tok in enumerate(vocab):
        label = lexicon.get(tok, "O").replace("PERSON", "PER")
        table[i, labels.index(label)] = 1.0
    graph = table_graph(table, True)
    graph.output[0].type.tensor_type.shape.dim[2].dim_value = len(labels)
    save(graph, folder)
    write_json(folder, "tokenizer.json", wordpiece_tokenizer_json(vocab, uncased))
    write_json(folder, "config.json", config_json(model_type, len(vocab), 16, 0, labels=labels))
    bert_side_files(folder, uncased, 16)


# Sizes of the random-weight BERT that --size writes to --out. "base" has
# the dimensions of bert-base (Devlin et al. 2019, and Danish BERT):
# 12 layers, hidden 768, 12 heads, intermediate 3072, 512 positions.
SIZES = {
    "small": dict(hidden=64, layers=4, heads=4, inter=256, max_pos=128),
    "base": dict(hidden=768, layers=12, heads=12, inter=3072, max_pos=512),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES),
                    help="write only a random-weight BERT of this size (with the fixtures' cased WordPiece "
                         "tokenizer) to --out, instead of the fixtures; not committed (base: about 340 MB)")
    ap.add_argument("--out", help="export folder for --size")
    args = ap.parse_args()
    if (args.size is None) != (args.out is None):
        ap.error("--size and --out go together")
    if args.size:
        vocab, _ = wordpiece_vocab(False)
        make_encoder("bert-" + args.size + "-random", "bert", vocab, seed=5, folder=args.out, **SIZES[args.size])
        return
    vocab = make_wordpiece_oracle("oracle-wordpiece", uncased=False)
    make_wordpiece_oracle("oracle-uncased", uncased=True)
    make_unigram_oracle()
    make_encoder("bert-random", "bert", vocab, seed=5, **SIZES["small"])
    make_encoder("electra-random", "electra", vocab, seed=6, hidden=64, layers=2, heads=2, inter=128,
                 max_pos=128, emb=32)
    for name in ADAPTERS:
        make_adapter_fixture(name)
    write_json(HERE, "lexicon.json", {"labels": LABELS, "lexicon": LEXICON, "o_words": O_WORDS})


if __name__ == "__main__":
    main()
