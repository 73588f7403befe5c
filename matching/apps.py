import logging
import threading

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from celery.signals import worker_process_init

        worker_process_init.connect(_warm_in_background, weak=False)


def _warm_in_background(**_kwargs) -> None:
    """Each worker process loads the model and both pools when it starts, in a thread (Celery
    gives a process a few seconds to come up; 100k listings take longer), so that the first
    publication does not pay for it. A task that arrives meanwhile waits on the pool lock."""
    threading.Thread(target=_warm, name="matching-warm-up", daemon=True).start()


def _warm() -> None:
    from django.db import close_old_connections

    from core.side import SIDES
    from matching.embedding import get_embedder

    from .pool import pool_for

    try:
        model_id = get_embedder().model_id
        for side in SIDES:
            pool_for(side, model_id)
    except Exception:  # a worker must start even when the database is not there yet
        log.warning("matching warm-up skipped", exc_info=True)
    finally:
        close_old_connections()
