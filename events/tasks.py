"""Celery task of the events app: thin, id-taking, safe to run twice (a finished job is left alone)."""
from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, InterfaceError

TRANSIENT = (DatabaseError, InterfaceError, ConnectionError)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def schedule_run(self, job_id: int) -> None:
    """Run one scheduling job of an event (events.services.scheduling.schedule_run)."""
    from .services.scheduling import schedule_run as service

    service(job_id=job_id)
