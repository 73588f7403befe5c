"""What the listing workflow tells the matching engine. Each call queues work to run after the
current transaction commits, so a worker never reads a row that is not there yet."""
from __future__ import annotations


def listing_changed(*, kind: str, listing_id: int) -> None:
    """A listing was published or a published one was edited: embed it, then rank it."""
    from .tasks import listing_index

    listing_index.delay_on_commit(kind, listing_id)


def listing_withdrawn(*, kind: str, listing_id: int) -> None:
    """A listing left the published set: drop the engine's undecided suggestions for it."""
    from .tasks import listing_unpublish

    listing_unpublish.delay_on_commit(kind, listing_id)
