"""Reads on matches, each filtered to what the actor may see.

- The candidates of a listing are visible to members of the listing's organisation and to
  officers, and only while the listing is published; candidates whose other side is no longer
  published are hidden.
- A match is visible to officers and to members of either side's organisation.
- Contact details of the other side are visible only once an officer has approved the match.
"""
from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from accounts.selectors import Actor, user_is_member, user_is_officer, user_organization_ids
from core.errors import NotFound
from core.side import Side
from scenarios.models import ListingStatus
from scenarios.permissions import access_listing

from .models import Match, MatchStatus, RerankJob

CONTACT_VISIBLE = (MatchStatus.APPROVED, MatchStatus.INTRODUCED, MatchStatus.IN_TALKS, MatchStatus.AGREED)
_BOTH_PUBLISHED = Q(scenario__status=ListingStatus.PUBLISHED, capability__status=ListingStatus.PUBLISHED)


def _base() -> QuerySet[Match]:
    return Match.objects.select_related("scenario__organization", "scenario__field",
                                        "capability__organization", "capability__field")


def match_list_for_listing(*, actor: Actor, side: Side, listing_id: int,
                           include_rejected: bool = False) -> QuerySet[Match]:
    """The ranked candidates of one of the actor's published listings (best first)."""
    listing = access_listing(actor=actor, side=side, listing_id=listing_id)
    if not (user_is_officer(user=actor) or user_is_member(user=actor, organization_id=listing.organization_id)):
        raise NotFound(_no_such())
    if listing.status != ListingStatus.PUBLISHED:
        return Match.objects.none()
    qs = _base().filter(_BOTH_PUBLISHED).annotate(n_interest=Count("interests"))
    if not include_rejected:
        qs = qs.exclude(status=MatchStatus.REJECTED)
    return (qs.filter(**{side.fk_id: listing.pk})
            .order_by(F(f"{side.prefix}_rank").asc(nulls_last=True), "-score", "id"))


def _no_such():
    from django.utils.translation import gettext_lazy as _

    return _("No such listing.")


def access_match(*, actor: Actor, match_id: int) -> Match:
    match = _base().filter(pk=match_id).first()
    if match is None or not can_view_match(actor=actor, match=match):
        from django.utils.translation import gettext_lazy as _

        raise NotFound(_("No such match."))
    return match


def can_view_match(*, actor: Actor, match: Match) -> bool:
    return can_view_pair(actor=actor, pair=match)


def can_view_pair(*, actor: Actor, pair) -> bool:
    """Anything between a need and a capability (a match, an event's meeting) is visible to
    officers and to members of either side's organisation."""
    if user_is_officer(user=actor):
        return True
    orgs = user_organization_ids(user=actor)
    return pair.scenario.organization_id in orgs or pair.capability.organization_id in orgs


def can_see_match_contacts(*, actor: Actor, match: Match) -> bool:
    """The other side's contact person is revealed only by an officer's approval."""
    if user_is_officer(user=actor):
        return True
    return match.status in CONTACT_VISIBLE and can_view_match(actor=actor, match=match)


def match_list_mine(*, actor: Actor) -> QuerySet[Match]:
    """Approved (and later) matches of the actor's organisations: "my matches"."""
    orgs = user_organization_ids(user=actor)
    if not orgs:
        return Match.objects.none()
    return (_base().filter(status__in=CONTACT_VISIBLE)
            .filter(Q(scenario__organization_id__in=orgs) | Q(capability__organization_id__in=orgs))
            .order_by("-decided_at", "-id"))


def match_queue(*, actor: Actor, status: str | None = None) -> QuerySet[Match]:
    """Officers' queue: open matches between published listings, best first; interest first."""
    if not user_is_officer(user=actor):
        return Match.objects.none()
    qs = _base().filter(_BOTH_PUBLISHED).annotate(n_interest=Count("interests"))
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=(MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED))
    return qs.order_by("-n_interest", "-score", "id")


FUNNEL = (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED, MatchStatus.APPROVED, MatchStatus.INTRODUCED)
# A stage counts every match that reached it or a stage beyond it, so the funnel never widens.
_BEYOND = {
    MatchStatus.SHORTLISTED: {MatchStatus.SHORTLISTED, MatchStatus.APPROVED, MatchStatus.INTRODUCED,
                              MatchStatus.IN_TALKS, MatchStatus.AGREED},
    MatchStatus.APPROVED: {MatchStatus.APPROVED, MatchStatus.INTRODUCED, MatchStatus.IN_TALKS, MatchStatus.AGREED},
    MatchStatus.INTRODUCED: {MatchStatus.INTRODUCED, MatchStatus.IN_TALKS, MatchStatus.AGREED},
}


def match_funnel() -> dict[str, int]:
    """How many matches ever reached each stage, from the audit trail (a match that was
    shortlisted and later rejected still counts as shortlisted)."""
    from .models import MatchEvent

    out = {MatchStatus.SUGGESTED.value: Match.objects.count()}
    for stage, statuses in _BEYOND.items():
        out[stage.value] = (MatchEvent.objects.filter(to_status__in=statuses)
                            .values("match_id").distinct().count())
    return out


def rerank_job_current() -> RerankJob | None:
    """The running or queued re-rank job, else the latest one."""
    job = RerankJob.objects.filter(status__in=[RerankJob.Status.RUNNING, RerankJob.Status.QUEUED]).first()
    return job or RerankJob.objects.first()


def unmet_listings(*, side: Side) -> QuerySet:
    """Published listings with no candidate at or above the score floor ("为场景找技术、为技术找场景":
    the needs no capability meets yet, and the capabilities no need calls for)."""
    from django.conf import settings
    from django.db.models import Exists, OuterRef

    good = Match.objects.filter(**{side.fk_id: OuterRef("pk")}, score__gte=settings.MATCHING_SCORE_FLOOR,
                                **{f"{side.other.fk}__status": ListingStatus.PUBLISHED}).exclude(
        status=MatchStatus.REJECTED)
    return (side.model.objects.filter(status=ListingStatus.PUBLISHED)
            .exclude(Exists(good)).select_related("organization", "field").order_by("-published_at", "-id"))


def match_interests(*, match_ids) -> dict[int, list]:
    """The interest shown in each match, {match_id: [MatchInterest, …]} (callers filter what a
    viewer may read: officers see reasons, the sides see who showed interest)."""
    from .models import MatchInterest

    out: dict[int, list] = {}
    for interest in (MatchInterest.objects.filter(match_id__in=list(match_ids))
                     .select_related("organization", "user").order_by("at", "id")):
        out.setdefault(interest.match_id, []).append(interest)
    return out


def match_events(*, match: Match) -> QuerySet:
    """A match's audit trail, oldest first (officers only; the caller checks)."""
    return match.events.select_related("actor").order_by("at", "id")


def match_queue_count(*, actor: Actor) -> int:
    return match_queue(actor=actor).count() if user_is_officer(user=actor) else 0


def match_count_mine(*, actor: Actor) -> int:
    return match_list_mine(actor=actor).count()


def match_candidate_counts(*, side: Side, listing_ids) -> dict[int, int]:
    """How many visible candidates each of these listings has (for lists of one's own listings)."""
    fk = side.fk_id
    rows = (Match.objects.filter(_BOTH_PUBLISHED, **{f"{fk}__in": list(listing_ids)})
            .exclude(status=MatchStatus.REJECTED).values(fk).annotate(n=Count("id")))
    return {row[fk]: row["n"] for row in rows}
def rerank_job_list() -> QuerySet[RerankJob]:
    """Every re-rank job, newest first (officers only; the caller checks)."""
    return RerankJob.objects.order_by("-created_at", "-id")


def rerank_job_get(*, job_id: int) -> RerankJob:
    """One re-rank job (officers only; the caller checks); NotFound otherwise."""
    from django.utils.translation import gettext_lazy as _

    job = RerankJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such job."))
    return job
