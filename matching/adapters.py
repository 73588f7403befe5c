"""From the ORM to the engine's plain data (matching.engine): listings as the ranking sees
them, the text each is embedded from and the hashes that say whether it changed, the weights from
settings, and the stored vectors and terms of a set of listings."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
from django.conf import settings

from core.regions import province_of
from core.side import Side
from core.text import for_embedding
from matching.engine import ranking
from scenarios.models import ListingBase, ListingStatus

from .models import ListingTerms, ListingVector


def ranking_listing(obj: ListingBase) -> ranking.Listing:
    side = obj.SIDE
    return ranking.Listing(
        id=obj.pk, side=side, title=obj.title, description=obj.description,
        field=obj.field.code if obj.field_id else "",
        province=obj.province or province_of(obj.city), city=obj.city, language=obj.language,
        deployment=obj.deployment,
        certification=obj.required_certification if side.is_need else obj.certification,
        extra=getattr(obj, "reference_deployments", "") or "",
    )


def embedding_text(listing: ranking.Listing) -> str:
    return for_embedding(f"{listing.title}\n{listing.description}")


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def vector_hash(listing: ranking.Listing) -> str:
    return _hash(listing.side.role, embedding_text(listing))


def terms_hash(listing: ranking.Listing) -> str:
    return _hash(ranking.TERMS_VERSION, listing.title, listing.description, listing.extra)


def band_of(score: float) -> str:
    """The band of a stored score (thresholds in settings)."""
    from .models import MatchBand

    if score >= settings.MATCHING_BAND_STRONG:
        return MatchBand.STRONG
    if score >= settings.MATCHING_BAND_POSSIBLE:
        return MatchBand.POSSIBLE
    return MatchBand.WEAK


def weights() -> ranking.Weights:
    w = settings.MATCHING_WEIGHTS
    return ranking.Weights(dense=w["dense"], lexical=w["lexical"], structured=w["structured"])


def published_listings(side: Side):
    return side.model.objects.filter(status=ListingStatus.PUBLISHED).select_related("field")



def load_vectors(side: Side, model_id: str, ids: Iterable[int]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    ids = list(ids)
    for start in range(0, len(ids), 5000):
        rows = ListingVector.objects.filter(kind=side.kind, model_id=model_id, listing_id__in=ids[start:start + 5000])
        for lid, blob in rows.values_list("listing_id", "vector"):
            out[lid] = np.frombuffer(bytes(blob), dtype="<f4")
    return out


def load_terms(side: Side, ids: Iterable[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    ids = list(ids)
    for start in range(0, len(ids), 5000):
        rows = ListingTerms.objects.filter(kind=side.kind, listing_id__in=ids[start:start + 5000])
        out.update({lid: terms.split() for lid, terms in rows.values_list("listing_id", "terms")})
    return out


