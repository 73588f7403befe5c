"""Celery tasks of the matching engine: thin, id-taking, safe to run twice.

Each task loads what it needs and calls one service; the services make a second run harmless
(stored text hashes, upserts keyed by pair, status guards that leave decided matches alone).
"""
from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, InterfaceError

from core.side import side_of
from matching.engine.embedders import EmbeddingUnavailable

# Errors worth retrying: the database restarting or a lock timing out, the model not loading yet.
TRANSIENT = (DatabaseError, InterfaceError, EmbeddingUnavailable, ConnectionError, TimeoutError)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             retry_backoff_max=300, max_retries=6)
def listing_index(self, kind: str, listing_id: int) -> None:
    """Embed one published listing (skipped when unchanged), then rank it in both directions."""
    from .services import listing_index as service

    service(side=side_of(kind), listing_id=listing_id)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             retry_backoff_max=300, max_retries=6)
def listing_rank_only(self, kind: str, listing_id: int) -> None:
    """Re-rank one listing without cascading (queued for the listings a new one is suggested to)."""
    from .services import listing_rank as service

    service(side=side_of(kind), listing_id=listing_id, reverse=False)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=6)
def listing_unpublish(self, kind: str, listing_id: int) -> None:
    from .services import listing_unpublish as service

    service(side=side_of(kind), listing_id=listing_id)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def rerank_run(self, job_id: int) -> None:
    """Run a full re-rank job (re-embedding what the current model has not seen)."""
    from .services import rerank_run as service

    service(job_id=job_id)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def matching_reconcile(self) -> int:
    """Queue every published listing that has no vector for the current model and text."""
    from .services import matching_reconcile as service

    return service()
