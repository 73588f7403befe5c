"""The process-wide embedder for the current settings (engine.embedders builds it; this reads
the settings, so that the engine itself stays free of Django)."""
from __future__ import annotations

import threading
from functools import lru_cache

from django.conf import settings

from .engine.embedders import Embedder, build_embedder

_cache_lock = threading.Lock()


@lru_cache(maxsize=4)
def _cached(spec: str, num_threads: int | None) -> Embedder:
    with _cache_lock:
        return build_embedder(spec, num_threads=num_threads)


def get_embedder() -> Embedder:
    """The process-wide embedder for the current settings (loaded once, on first use)."""
    return _cached(settings.MATCHING_EMBEDDER, settings.MATCHING_EMBED_THREADS or None)
