"""What the listing workflow tells the matching engine. Each call queues work to run after the
current transaction commits, so a worker never reads a row that is not there yet."""
from __future__ import annotations

from core.side import Side


def listing_changed(*, side: Side, listing_id: int) -> None:
    """A listing was published or a published one was edited: embed it, then rank it."""
    from .tasks import listing_index

    listing_index.delay_on_commit(side.kind, listing_id)


def listing_withdrawn(*, side: Side, listing_id: int) -> None:
    """A listing left the published set: drop the engine's undecided suggestions for it."""
    from .tasks import listing_unpublish

    listing_unpublish.delay_on_commit(side.kind, listing_id)


# From this many listings published at once (an import), one full re-rank is cheaper than a
# ranking task per listing: each of those ranks its candidates again in reverse and rebuilds the
# cached pool, which grows with every new vector.
BULK_RERANK_FROM = 50


def listings_published(*, actor, listings: dict[Side, list[int]]) -> None:
    """Many listings were published in one transaction ({side: ids}).

    A few are queued one by one, as single publications are. Many queue one full re-rank job
    (embedding what is new, ranking every published listing in batches) after commit; if a
    re-rank is already queued or running, that job is left to do it, and the reconciling pass
    picks up any listing a job that was already running did not see.
    """
    total = sum(len(ids) for ids in listings.values())
    if total < BULK_RERANK_FROM:
        for side, ids in listings.items():
            for listing_id in ids:
                listing_changed(side=side, listing_id=listing_id)
        return
    from .services import rerank_start

    rerank_start(actor=actor, reason=f"{total} listings published at once")
