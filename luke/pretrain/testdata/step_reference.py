#!/usr/bin/python3
"""PyTorch reference of one DaLUKE pretraining update, for luke/pretrain's parity test.

Written from ../shared/notes/daluke-spec.md §3.4 on top of luke's independent
PyTorch model (luke/testdata/reference.py, written from §1). Needs Debian's
python3-torch 1.13 (the system interpreter):

    /usr/bin/python3 luke/pretrain/testdata/step_reference.py luke/pretrain/testdata

It writes:
    step-model.bin   torch.save of a tiny random pretrained model's state dict
                     (2 layers, hidden 32, 4 heads, entity size 16, 12 entities)
    step.json        two sub-batches of masked examples ([CLS]/[SEP] included,
                     entity spans shifted), their word and entity labels, and
                     for each sub-batch the word CE, the entity CE and the loss
                     0.5·word + 0.5·entity; then the accumulated gradient
                     (each sub-batch loss divided by the 2 accumulation steps)
                     as one L2 norm per state-dict name.

Dropout is off (probability 0), so the pass is deterministic. The second
sub-batch masks no entity: its entity loss is defined as 0 (spec §3.4: the
thesis-era code has no guard and gives NaN; HEAD sets 0).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata"))
import reference  # noqa: E402  luke's independent model

V, H, L, I, HEADS, P, NE, h = 60, 32, 2, 64, 4, 40, 12, 16
M = 30  # max-entity-span
CLS, SEP, MASK, ENT_MASK = 2, 3, 4, 2

# Masked examples: word ids with [CLS]/[SEP], masked word positions and their
# original ids, entities (id after masking, start, end over word positions)
# and the masked entity slots with their original ids.
SUB_BATCHES = [
    [
        {"word_ids": [CLS, 10, 11, MASK, 13, 14, 15, 16, SEP], "word_pos": [3], "word_labels": [12],
         "entities": [[ENT_MASK, 1, 3], [5, 4, 5]], "entity_pos": [0], "entity_labels": [7]},
        {"word_ids": [CLS, 20, MASK, MASK, 23, 57, 25, SEP], "word_pos": [2, 3, 5], "word_labels": [21, 22, 33],
         "entities": [[9, 1, 2], [ENT_MASK, 2, 4], [3, 4, 7]], "entity_pos": [1], "entity_labels": [11]},
    ],
    [
        {"word_ids": [CLS, 30, 31, 32, 33, MASK, 35, 36, 37, 38, 39, SEP], "word_pos": [5, 8], "word_labels": [34, 37],
         "entities": [[6, 2, 4]], "entity_pos": [], "entity_labels": []},
    ],
]


def collate(batch):
    B = len(batch)
    Lw = max(len(x["word_ids"]) for x in batch)
    Le = max(1, max(len(x["entities"]) for x in batch))
    word_ids = torch.zeros(B, Lw, dtype=torch.long)
    word_mask = torch.zeros(B, Lw, dtype=torch.long)
    ent_ids = torch.zeros(B, Le, dtype=torch.long)
    ent_pos = torch.full((B, Le, M), -1, dtype=torch.long)
    ent_mask = torch.zeros(B, Le, dtype=torch.long)
    wmask = torch.zeros(B, Lw, dtype=torch.bool)
    emask = torch.zeros(B, Le, dtype=torch.bool)
    wl, el = [], []
    for b, x in enumerate(batch):
        n = len(x["word_ids"])
        word_ids[b, :n] = torch.tensor(x["word_ids"])
        word_mask[b, :n] = 1
        for k, (eid, s, e) in enumerate(x["entities"]):
            ent_ids[b, k] = eid
            ent_pos[b, k, :e - s] = torch.arange(s, e)
            ent_mask[b, k] = 1
        for p in x["word_pos"]:
            wmask[b, p] = True
        for k in x["entity_pos"]:
            emask[b, k] = True
        wl += x["word_labels"]
        el += x["entity_labels"]
    return word_ids, word_mask, ent_ids, ent_pos, ent_mask, wmask, emask, torch.tensor(wl), torch.tensor(el, dtype=torch.long)


def main(out):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(20261201)
    model = reference.Pretrained(V, H, L, I, HEADS, P, NE, h)
    reference.randomize(model, gen)
    model.train()
    accum = len(SUB_BATCHES)
    results = []
    for batch in SUB_BATCHES:
        word_ids, word_mask, ent_ids, ent_pos, ent_mask, wmask, emask, wl, el = collate(batch)
        X, E = model(word_ids, word_mask, ent_ids, ent_pos, ent_mask)
        ws = model.mask_word_scorer(X[wmask])
        wloss = torch.nn.functional.cross_entropy(ws, wl)
        if len(el) > 0:
            es = model.mask_entity_scorer(E[emask])
            eloss = torch.nn.functional.cross_entropy(es, el)
        else:
            eloss = torch.zeros(())
        loss = 0.5 * wloss + 0.5 * eloss
        (loss / accum).backward()
        results.append({"word_loss": float(wloss), "entity_loss": float(eloss), "loss": float(loss)})
    sd = model.state_dict()
    params = dict(model.named_parameters())
    norms = {}
    for name, t in sd.items():
        p = params.get(name)
        if p is None:  # a tied alias: find the parameter with the same storage
            p = next((q for q in params.values() if q.data_ptr() == t.data_ptr()), None)
        if p is None or p.grad is None:
            continue
        norms[name] = float(p.grad.double().norm())
    with open(os.path.join(out, "step-model.bin"), "wb") as f:
        f.write(reference.state_bytes(model))
    with open(os.path.join(out, "step.json"), "w") as f:
        json.dump({"config": {"vocab_size": V, "hidden": H, "layers": L, "intermediate": I, "heads": HEADS,
                              "max_positions": P, "entity_vocab_size": NE, "entity_size": h, "max_entity_span": M},
                   "sub_batches": SUB_BATCHES, "results": results, "grad_norms": norms},
                  f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
