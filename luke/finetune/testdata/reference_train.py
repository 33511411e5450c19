#!/usr/bin/python3
"""Independent PyTorch reference of DaLUKE's NER fine-tuning step, and the
generator of luke/finetune's parity fixture.

Written from ../shared/notes/daluke-spec.md section 2.8 (and 2.3-2.5 for the
training examples), not from nerbench's Go code. The model itself is the
independent spec implementation in luke/testdata/reference.py, imported from
there; what this script adds is the training:

  * training examples: per window, the candidate spans of at most
    max-entity-span word pieces together with the gold spans, sorted, cut
    into chunks of max-entities; label = index of the gold type, else 0 (O);
  * loss: CrossEntropyLoss(ignore_index=-1, weight=1/class counts with
    --loss-weight) over scores.view(-1, 5);
  * optimizer: Hugging Face transformers.AdamW written out by hand
    (betas (0.9, 0.98), eps 1e-6, correct_bias=False, weight decay applied
    after the Adam step as p -= lr*wd*p, group of names containing "bias" or
    "LayerNorm.weight" without decay);
  * schedule: get_linear_schedule_with_warmup(int(warmup*T), T) stepped after
    every optimizer step (a LambdaLR: the first update has lr*0/warmup);
  * gradient accumulation: each micro-batch's loss divided by the number of
    micro-batches of its update;
  * no dropout and no shuffling (nerbench's --deterministic).

It needs Debian's python3-torch 1.13 and python3-numpy:

    /usr/bin/python3 luke/finetune/testdata/reference_train.py luke/finetune/testdata

(`reference_train.py bench DIR [STEPS [THREADS [DEVICE [SIZE]]]]` instead writes the training
speed benchmark's model and batches and PyTorch's time per update; see
luke/finetune's BenchmarkTrainStep) and writes parity.json there: the sentences (words, word pieces, gold tags),
the training examples, the batches of each update, and for each of two runs
(plain; class-weighted loss with accumulation 2) the loss of each of the 20
updates and the span logits of held-out sentences after them. The start
model is luke/testdata/daluke-ner.tar.gz.
"""

import importlib.util
import io
import json
import math
import os
import sys
import tarfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "..", "testdata", "reference.py")
spec = importlib.util.spec_from_file_location("reference", REF)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

LABELS = ref.LABELS

TRAIN = [
    ("Mette Frederiksen besøgte København i går .", "B-PER I-PER O B-LOC O O O"),
    ("Novo Nordisk har hovedkontor i Bagsværd nord for København .", "B-ORG I-ORG O O O B-LOC O O B-LOC O"),
    ("Hej med dig , kommer du fra Danmark eller Norge ?", "O O O O O O O B-LOC O B-LOC O"),
    ("dronning Margrethe besøgte Aarhus Universitet og Odense", "O B-PER O B-ORG I-ORG O B-LOC"),
    ("Folketinget vedtog i dag en ny lov om skat for borgere i Danmark , Sverige og Norge",
     "B-ORG O O O O O O O O O O O B-LOC O B-LOC O B-LOC"),
    ("han spillede fodbold for en klub i Europa", "O O O O O O O B-LOC"),
    ("kongen og dronning Margrethe kommer fra Ærø", "O O O B-PER O O B-LOC"),
    ("USA og Irak var i krig", "B-LOC O B-LOC O O O"),
    ("forfatteren skrev en bog om Irakkrigen", "O O O O O B-MISC"),
    ("Frederik besøgte en café på Østerbrogade i København", "B-PER O O O O B-LOC O B-LOC"),
    ("Aarhus", "B-LOC"),
    ("en film om Novo Nordisk og Danmark fra 1990'erne", "O O O B-ORG I-ORG O B-LOC O O"),
]
HELDOUT = [
    "Mette Frederiksen kommer fra Aarhus .",
    "Folketinget og dronning Margrethe besøgte Sverige og Norge i dag .",
]
STEPS = 20
BATCH = 4


def load_ner():
    with tarfile.open(os.path.join(HERE, "..", "..", "testdata", "daluke-ner.tar.gz")) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    meta = json.loads(members["metadata.json"])
    sd = torch.load(io.BytesIO(members["model.bin"]))
    V, H = sd["word_embeddings.word_embeddings.weight"].shape
    P = sd["word_embeddings.position_embeddings.weight"].shape[0]
    I = sd["encoder.0.intermediate.dense.weight"].shape[0]
    h = sd["entity_embeddings.ent_embeds.weight"].shape[1]
    L = 1 + max(int(k.split(".")[1]) for k in sd if k.startswith("encoder."))
    model = ref.NER(V, H, L, I, meta["num-attention-heads"], P, h)
    model.load_state_dict(sd, strict=True)
    return model, meta


def gold_spans(tags):
    """IOB2 tags to (start, end, type) word spans."""
    out, start, typ = [], None, None
    for i, t in enumerate(tags + ["O"]):
        if start is not None and not t.startswith("I-" + typ):
            out.append((start, i, typ))
            start = None
        if t.startswith("B-") or (t.startswith("I-") and start is None):
            start, typ = i, t[2:]
    return out


def train_examples(pieces, tags, meta):
    lens = [len(p) for p in pieces]
    gold = {(s, e): LABELS.index(t) for s, e, t in gold_spans(tags)}
    out = []
    for ws, we in ref.windows(lens, meta["max-seq-length"]):
        wl = lens[ws:we]
        ids = [2] + [t for p in pieces[ws:we] for t in p] + [3]
        cum = [0]
        for n in wl:
            cum.append(cum[-1] + n)
        spans = set(ref.candidate_spans(wl, meta["max-entity-span"]))
        spans |= {(s - ws, e - ws) for s, e in gold if ws <= s and e <= we}
        spans = sorted(spans)
        for c in range(0, len(spans), meta["max-entities"]):
            chunk = spans[c:c + meta["max-entities"]]
            out.append({"ids": ids, "spans": [list(s) for s in chunk],
                        "subspans": [[cum[i] + 1, cum[j] + 1] for i, j in chunk],
                        "labels": [gold.get((i + ws, j + ws), 0) for i, j in chunk]})
    return out


def linear_schedule(warmup, total):
    def f(step):
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))
    return f


DEVICE = "cpu"


def run(model, meta, exs, batches, lr, warmup_frac, wd, loss_weight, accum):
    params = list(model.named_parameters())
    state = {n: (torch.zeros_like(p), torch.zeros_like(p)) for n, p in params}
    b1, b2, eps = 0.9, 0.98, 1e-6
    updates = [batches[i:i + accum] for i in range(0, len(batches), accum)]
    T = len(updates)
    sched = linear_schedule(int(warmup_frac * T), T)
    weight = None
    if loss_weight:
        counts = torch.zeros(len(LABELS))
        for x in exs:
            for l in x["labels"]:
                counts[l] += 1
        weight = (1 / counts).to(DEVICE)
    crit = torch.nn.CrossEntropyLoss(ignore_index=-1, weight=weight)
    losses = []
    for s, group in enumerate(updates):
        model.zero_grad()
        total = 0.0
        for micro in group:
            batch = [exs[i] for i in micro]
            Le = max(len(x["spans"]) for x in batch)
            labels = torch.full((len(batch), Le), -1, dtype=torch.long)
            for b, x in enumerate(batch):
                labels[b, :len(x["labels"])] = torch.tensor(x["labels"])
            inputs = [t.to(DEVICE) for t in ref.collate(batch, meta["max-entity-span"])]
            scores, _, _ = model.scores(*inputs)
            loss = crit(scores.view(-1, len(LABELS)), labels.to(DEVICE).view(-1))
            (loss / len(group)).backward()
            total += loss.item()
        losses.append(total / len(group))
        rate = lr * sched(s)
        with torch.no_grad():
            for n, p in params:
                if p.grad is None:
                    continue
                m, v = state[n]
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                p.addcdiv_(m, v.sqrt().add_(eps), value=-rate)
                if not ("bias" in n or "LayerNorm.weight" in n):
                    p.add_(p, alpha=-rate * wd)
    return losses


def bench(out, steps=20, threads=0, device="cpu", size="small"):
    """Write the training speed benchmark's model, examples and PyTorch's
    time per update into out (see luke/finetune's BenchmarkTrainStep).
    size "base" is DaLUKE's base size (hidden 768, 12 layers); device
    "cuda" times the updates on the GPU."""
    import random
    import resource
    import time
    global DEVICE
    DEVICE = device
    if threads > 0:
        torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(7)
    rnd = random.Random(7)
    V, H, L, I, heads, P, h = 2000, 256, 4, 1024, 4, 512, 64
    if size == "base":
        V, H, L, I, heads, P, h = 2000, 768, 12, 3072, 12, 512, 256
    model = ref.NER(V, H, L, I, heads, P, h)
    ref.randomize(model, gen)
    with torch.no_grad():  # modest weights, as after pretraining, so that training is stable
        for n, p in model.named_parameters():
            if p.dim() == 2:
                p.mul_(0.1)
    meta = {"max-seq-length": 512, "max-entities": 128, "max-entity-span": 30, "num-attention-heads": heads,
            "output-size": 5, "NER-words-only": False, "NER-entities-only": False}
    types = ["LOC", "PER", "ORG", "MISC"]
    exs = []
    for _ in range(steps * 8 // 2 + 8):
        n = rnd.randint(8, 30)
        pieces = [[rnd.randrange(5, V) for _ in range(rnd.choice((1, 1, 1, 2, 3)))] for _ in range(n)]
        tags = ["O"] * n
        for _ in range(rnd.randint(0, 3)):
            i = rnd.randrange(n)
            t = rnd.choice(types)
            tags[i] = "B-" + t
            if i + 1 < n and rnd.random() < 0.5 and tags[i + 1] == "O":
                tags[i + 1] = "I-" + t
        exs += train_examples(pieces, tags, meta)
    batches = [list(range(i, i + 8)) for i in range(0, 8 * (steps + 2), 8)]
    assert batches[-1][-1] < len(exs), (len(exs), batches[-1])
    ref.archive(os.path.join(out, "bench-ner.tar.gz"), [
        ("entity-vocab.json", json.dumps({"[PAD]": {"id": 0, "count": 0}, "[UNK]": {"id": 1, "count": 0},
                                          "[MASK]": {"id": 2, "count": 0}}).encode()),
        ("metadata.json", json.dumps(meta).encode()),
        ("model.bin", ref.state_bytes(model))], level=1)
    # PyTorch: 2 warm-up updates, then `steps` timed ones.
    model.to(device)
    run(model, meta, exs, batches[:2], 1e-4, 0.0, 0.01, False, 1)
    if device == "cuda":
        torch.cuda.synchronize()
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t0, c0 = time.perf_counter(), time.process_time()
    losses = run(model, meta, exs, batches[2:], 1e-4, 0.0, 0.01, False, 1)
    if device == "cuda":
        torch.cuda.synchronize()
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump({"examples": exs, "batches": batches, "torch_seconds_per_update": sec / steps,
                   "torch_cpu_seconds_per_update": cpu / steps,
                   "torch_minflt_per_update": faults / steps,
                   "torch_threads": torch.get_num_threads(), "torch_version": torch.__version__,
                   "losses": losses}, f)
    print(f"PyTorch {torch.__version__} on {device}, {torch.get_num_threads()} threads: {sec / steps * 1000:.1f} ms per update, "
          f"{cpu / steps * 1000:.1f} ms CPU time, {faults / steps:.0f} page faults "
          f"({steps / sec:.2f} updates/s), hidden {H}, {L} layers, batch 8")


def main(out):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    vocab = [l.rstrip("\n") for l in open(os.path.join(HERE, "..", "..", "testdata", "vocab.txt"), encoding="utf-8")]
    ids = {t: i for i, t in enumerate(vocab)}
    model, meta = load_ner()
    sents = []
    exs = []
    for text, tags in TRAIN:
        words, tags = text.split(), tags.split()
        assert len(words) == len(tags), text
        pieces = [ref.tokenize_word(w, ids) for w in words]
        sents.append({"words": words, "tags": tags, "pieces": pieces})
        exs += train_examples(pieces, tags, meta)
    # Batches: the examples in order, BATCH at a time, repeated as epochs.
    per_epoch = [list(range(i, min(i + BATCH, len(exs)))) for i in range(0, len(exs), BATCH)]
    held = [[ref.tokenize_word(w, ids) for w in t.split()] for t in HELDOUT]
    runs = {}
    for name, loss_weight, accum, lr in (("plain", False, 1, 2e-3), ("weighted_accum2", True, 2, 1e-3)):
        model, _ = load_ner()
        epochs = math.ceil(STEPS * accum / len(per_epoch))
        batches = (per_epoch * epochs)
        # whole epochs of micro-batches, cut after STEPS updates
        batches = batches[:STEPS * accum] if len(per_epoch) % accum == 0 else None
        assert batches is not None, "choose BATCH so that accum divides the batches per epoch"
        losses = run(model, meta, exs, batches, lr, 0.1, 0.01, loss_weight, accum)
        model.eval()
        res = ref.ner_pieces(model, held, meta)
        runs[name] = {"loss_weight": loss_weight, "accum": accum, "lr": lr, "warmup": 0.1, "weight_decay": 0.01,
                      "epochs": epochs, "losses": losses,
                      "heldout": [{"spans": r["spans"], "logits": r["logits"]} for r in res]}
    fixture = {"source": "luke/finetune/testdata/reference_train.py, torch " + torch.__version__,
               "batch_size": BATCH, "steps": STEPS, "sentences": sents, "examples": exs,
               "batches_per_epoch": per_epoch, "heldout_pieces": held, "runs": runs}
    with open(os.path.join(out, "parity.json"), "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bench":
        a = sys.argv[2:] + [None] * 5
        bench(a[0], int(a[1] or 20), int(a[2] or 0), a[3] or "cpu", a[4] or "small")
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else HERE)
