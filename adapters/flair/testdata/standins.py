"""Stand-ins for the flair 0.4.x, gensim 3.x classes pickled in DaNLP's
flair.ner.pt, registered under their real import paths so that pickle writes
the same GLOBAL names and BUILD dicts as the released file (flair-spec §2.3,
§9). Only Debian's python3-torch and python3-numpy are needed."""

import sys
import types

import torch


def _module(name):
    if name in sys.modules:
        return sys.modules[name]
    m = types.ModuleType(name)
    sys.modules[name] = m
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(_module(parent), child, m)
    return m


def _register(module, cls):
    cls.__module__ = module
    setattr(_module(module), cls.__name__, cls)
    return cls


class Dictionary:
    def __init__(self, items, add_unk=True):
        self.item2idx = {}
        self.idx2item = []
        if add_unk:
            self.add_item("<unk>")
        for it in items:
            self.add_item(it)

    def add_item(self, item):
        b = item.encode("utf-8")
        if b not in self.item2idx:
            self.idx2item.append(b)
            self.item2idx[b] = len(self.idx2item) - 1


class Vocab:
    def __init__(self, index, count):
        self.index = index
        self.count = count


class Word2VecKeyedVectors:
    def __init__(self, words, vectors):
        self.vectors = vectors
        self.vector_size = vectors.shape[1]
        self.index2word = list(words)
        self.vocab = {w: Vocab(i, 1) for i, w in enumerate(words)}
        self.vectors_norm = None


class LanguageModel(torch.nn.Module):
    def __init__(self, dictionary, is_forward_lm, hidden_size, nlayers, embedding_size, nout=None):
        super().__init__()
        self.dictionary = dictionary
        self.is_forward_lm = is_forward_lm
        self.dropout = 0.1
        self.hidden_size = hidden_size
        self.embedding_size = embedding_size
        self.nlayers = nlayers
        self.hidden = None
        self.nout = nout
        self.drop = torch.nn.Dropout(0.1)
        self.encoder = torch.nn.Embedding(len(dictionary.idx2item), embedding_size)
        self.rnn = torch.nn.LSTM(embedding_size, hidden_size, nlayers)
        if nout is not None:
            self.proj = torch.nn.Linear(hidden_size, nout)
            self.decoder = torch.nn.Linear(nout, len(dictionary.idx2item))
        else:
            self.proj = None
            self.decoder = torch.nn.Linear(hidden_size, len(dictionary.idx2item))


class WordEmbeddings(torch.nn.Module):
    def __init__(self, path, kv):
        super().__init__()
        self.name = path
        self.embeddings = path
        self.static_embeddings = True
        self.precomputed_word_embeddings = kv
        self.__embedding_length = kv.vector_size


class FlairEmbeddings(torch.nn.Module):
    def __init__(self, name, lm):
        super().__init__()
        self.name = name
        self.static_embeddings = True
        self.is_forward_lm = lm.is_forward_lm
        self.chars_per_chunk = 512
        self.PRETRAINED_MODEL_ARCHIVE_MAP = {"da-forward": "https://example.invalid/da-forward.pt"}
        self.lm = lm
        self.__embedding_length = lm.nout if lm.nout is not None else lm.hidden_size
        self.cache = None


class StackedEmbeddings(torch.nn.Module):
    def __init__(self, embeddings):
        super().__init__()
        self.embeddings = embeddings
        for i, e in enumerate(embeddings):
            e.name = f"{i}-{e.name}"
            self.add_module(f"list_embedding_{i}", e)
        self.name = "Stack"
        self.static_embeddings = True
        self.__embedding_type = "word-level"
        length = 0
        for e in embeddings:
            for k, v in vars(e).items():
                if k.endswith("__embedding_length"):
                    length += v
        self.__embedding_length = length


class CharacterEmbeddings(torch.nn.Module):
    """A flair embedding class the Go port does not implement."""

    def __init__(self):
        super().__init__()
        self.name = "char"


_register("flair.data", Dictionary)
_register("gensim.models.keyedvectors", Vocab)
_register("gensim.models.keyedvectors", Word2VecKeyedVectors)
_register("flair.models.language_model", LanguageModel)
_register("flair.embeddings", WordEmbeddings)
_register("flair.embeddings", FlairEmbeddings)
_register("flair.embeddings", StackedEmbeddings)
_register("flair.embeddings", CharacterEmbeddings)


class Unknown:
    """A class outside flair, gensim and torch.nn."""


_register("mypackage.things", Unknown)
