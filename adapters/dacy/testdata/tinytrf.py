"""A hand-written BERT / XLM-RoBERTa encoder with Hugging Face's module
names (dacy-spec §4.1), for the DaCy fixtures and their reference. Post-LN
layers, erf GELU, additive attention mask (1 - mask) * -10000; RoBERTa
position ids cumsum(mask) * mask + pad_id, BERT 0..L-1."""

import math

import torch
from torch import nn


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.register_buffer("position_ids", torch.arange(c["max_position_embeddings"]).expand((1, -1)))
        self.roberta = c["model_type"] == "xlm-roberta"
        self.pad = c["pad_token_id"]

    def forward(self, ids, token_types):
        if self.roberta:
            m = (ids != self.pad).long()
            pos = torch.cumsum(m, dim=1) * m + self.pad
        else:
            pos = self.position_ids[:, : ids.shape[1]].expand_as(ids)
        x = self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(token_types)
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)

    def forward(self, x, bias):
        b, l, h = x.shape
        d = h // self.heads

        def split(t):
            return t.view(b, l, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        s = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        return (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(b, l, h)


class DenseLN(nn.Module):
    def __init__(self, n_in, h, eps):
        super().__init__()
        self.dense = nn.Linear(n_in, h)
        self.LayerNorm = nn.LayerNorm(h, eps=eps)

    def forward(self, x, res):
        return self.LayerNorm(self.dense(x) + res)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        setattr(self, "self", SelfAttention(c))
        self.output = DenseLN(c["hidden_size"], c["hidden_size"], c["layer_norm_eps"])

    def forward(self, x, bias):
        return self.output(getattr(self, "self")(x, bias), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseLN(c["intermediate_size"], c["hidden_size"], c["layer_norm_eps"])

    def forward(self, x, bias):
        a = self.attention(x, bias)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])


class Model(nn.Module):
    """AutoModel without a task head: state-dict keys have no prefix."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.pooler = Pooler(c)

    def forward(self, ids, mask, token_types=None):
        if token_types is None:
            token_types = torch.zeros_like(ids)
        bias = ((1.0 - mask[:, None, None, :].float()) * -10000.0)
        x = self.embeddings(ids, token_types)
        for layer in self.encoder.layer:
            x = layer(x, bias)
        return x
