"""The match workflow: interest from either side, officers' decisions, and the introduction.

    suggested ──interest/shortlist──▶ shortlisted ──approve──▶ approved ──▶ introduced ──▶ in_talks ──▶ agreed
        │                                 │                                                      └──▶ closed
        └──────────────reject─────────────┴──▶ rejected        (an officer may re-open a decided match)

Every status change locks the match, checks actor and source state, and writes a MatchEvent
(who, when, from, to, why) in the same transaction. The engine only creates, refreshes and drops
suggested/shortlisted matches (matching.services); a decided match is left alone by re-ranking.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.notifications import notify, organization_recipients
from accounts.selectors import user_is_member, user_is_officer
from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from scenarios.models import ListingStatus

from .models import DECIDED, Match, MatchEvent, MatchInterest, MatchStatus

M = MatchStatus
REASON_MAX = 2000
OPEN = (M.SUGGESTED, M.SHORTLISTED)
# After approval an officer records how the introduction went.
ADVANCE = {M.APPROVED: (M.INTRODUCED,), M.INTRODUCED: (M.IN_TALKS, M.CLOSED), M.IN_TALKS: (M.AGREED, M.CLOSED)}


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(_("Give a reason: it is kept with the decision."),
                          fields={"reason": [_("This field is required.")]})
    if len(reason) > REASON_MAX:
        raise DomainError(_("The reason is longer than %(n)d characters.") % {"n": REASON_MAX})
    return reason


def _lock(match: Match | int) -> Match:
    pk = match.pk if isinstance(match, Match) else match
    locked = Match.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No such match."))
    return locked


def _lock_open(match_id: int) -> Match:
    """Lock a match an officer may still decide on (suggested or shortlisted)."""
    match = _lock(match_id)
    if match.status not in OPEN:
        raise InvalidTransition(_("This match has already been decided; re-open it first."))
    return match


def _set_status(match: Match, *, actor: User | None, to: str, reason: str = "") -> None:
    from_status = match.status
    match.status = to
    fields = ["status", "updated_at"]
    if to in DECIDED or to == M.SUGGESTED:
        match.decided_by = actor if to in DECIDED else None
        match.decided_at = timezone.now() if to in DECIDED else None
        match.decision_reason = reason if to in DECIDED else ""
        fields += ["decided_by", "decided_at", "decision_reason"]
    match.save(update_fields=fields)
    MatchEvent.objects.create(match=match, actor=actor, from_status=from_status, to_status=to, reason=reason)


def _require_officer(actor: User) -> None:
    if not user_is_officer(user=actor):
        raise NotAllowed(_("Only program officers can decide on matches."))


def _side_org_id(actor: User, match: Match) -> int:
    """The organisation the actor acts for in this match (the need's or the capability's)."""
    for org_id in (match.scenario.organization_id, match.capability.organization_id):
        if user_is_member(user=actor, organization_id=org_id):
            return org_id
    if user_is_officer(user=actor):
        # officers see every match, so "no such match" would be untrue; they shortlist instead
        raise NotAllowed(_("Only the two sides of a match express interest; officers shortlist it."))
    raise NotFound(_("No such match."))


def match_express_interest(*, actor: User, match_id: int, reason: str = "") -> MatchInterest:
    """Either side says it wants an introduction; the match becomes shortlisted."""
    reason = _reason(reason, required=False)[:500]
    with transaction.atomic():
        match = _lock(match_id)
        match = Match.objects.select_related("scenario", "capability").get(pk=match.pk)
        org_id = _side_org_id(actor, match)
        if match.scenario.status != ListingStatus.PUBLISHED or match.capability.status != ListingStatus.PUBLISHED:
            raise InvalidTransition(_("Both listings must be published to express interest."))
        if match.status not in OPEN:
            raise InvalidTransition(_("This match has already been decided."))
        if MatchInterest.objects.filter(match=match, organization_id=org_id).exists():
            raise InvalidTransition(_("Your organisation has already expressed interest in this match."))
        interest = MatchInterest.objects.create(match=match, organization_id=org_id, user=actor, reason=reason)
        if match.status == M.SUGGESTED:
            _set_status(match, actor=actor, to=M.SHORTLISTED, reason=reason)
    return interest


def match_shortlist(*, actor: User, match_id: int, reason: str = "") -> Match:
    _require_officer(actor)
    with transaction.atomic():
        match = _lock(match_id)
        if match.status != M.SUGGESTED:
            raise InvalidTransition(_("Only a suggested match can be shortlisted."))
        _set_status(match, actor=actor, to=M.SHORTLISTED, reason=_reason(reason, required=False))
    return match


def _match_link(match: Match) -> str:
    try:
        return reverse("matching:my-matches")
    except NoReverseMatch:
        return ""


def match_approve(*, actor: User, match_id: int, reason: str) -> Match:
    """Approve an introduction: both sides are notified and see each other's contacts."""
    _require_officer(actor)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        match = _lock_open(match_id)
        match = Match.objects.select_related("scenario__organization", "capability__organization").get(pk=match.pk)
        if match.scenario.status != ListingStatus.PUBLISHED or match.capability.status != ListingStatus.PUBLISHED:
            raise InvalidTransition(_("Both listings must be published to approve a match."))
        _set_status(match, actor=actor, to=M.APPROVED, reason=reason)
        # in the site's language, not the approving officer's: the recipients are the two sides
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Match approved: %(s)s ↔ %(c)s") % {"s": match.scenario.title, "c": match.capability.title}
            body = gettext("A program officer approved an introduction. The other side's contact is now shown "
                           "in “My matches”.")
            notify(users=organization_recipients(organization=match.scenario.organization)
                   + organization_recipients(organization=match.capability.organization),
                   subject=subject, body=body, link=_match_link(match))
    return match


def match_reject(*, actor: User, match_id: int, reason: str) -> Match:
    _require_officer(actor)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        match = _lock_open(match_id)
        _set_status(match, actor=actor, to=M.REJECTED, reason=reason)
    return match


def match_reopen(*, actor: User, match_id: int, reason: str) -> Match:
    """Undo a decision: the match becomes a suggestion again, which re-ranking may refresh."""
    _require_officer(actor)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        match = _lock(match_id)
        if match.status not in DECIDED:
            raise InvalidTransition(_("Only a decided match can be re-opened."))
        to = M.SHORTLISTED if match.interests.exists() else M.SUGGESTED
        _set_status(match, actor=actor, to=to, reason=reason)
    return match


def match_advance(*, actor: User, match_id: int, to: str, reason: str = "") -> Match:
    """Record the introduction's progress (introduced, in talks, agreed, closed)."""
    _require_officer(actor)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        match = _lock(match_id)
        if to not in ADVANCE.get(match.status, ()):
            raise InvalidTransition(_("A match that is %(status)s cannot become %(to)s.")
                                    % {"status": match.get_status_display(), "to": M(to).label
                                       if to in M.values else to})
        _set_status(match, actor=actor, to=to, reason=reason)
    return match


def match_decide_bulk(*, actor: User, match_ids: Iterable[int], approve: bool, reason: str) -> dict:
    """Approve or reject many matches with one reason. Each is decided in its own transaction;
    the result says which succeeded and why the others did not."""
    _require_officer(actor)
    _reason(reason, required=True)
    done, failed = [], {}
    fn = match_approve if approve else match_reject
    for pk in dict.fromkeys(int(i) for i in match_ids):
        try:
            fn(actor=actor, match_id=pk, reason=reason)
            done.append(pk)
        except DomainError as exc:
            failed[pk] = str(exc)
    return {"done": done, "failed": failed}


# Where two sides who met in person can say "we continue talking" from (events.services.meetings).
CONTINUE_FROM = (M.SUGGESTED, M.SHORTLISTED, M.APPROVED, M.INTRODUCED)


def match_continue_talks(*, actor: User, scenario_id: int, capability_id: int, reason: str) -> Match | None:
    """Both sides of a pair said after meeting that they continue talking: the match moves to
    "in talks" (from suggested, shortlisted, approved or introduced), audited like any decision.

    The caller has checked that both sides said so. Returns None, changing nothing, where the
    pair has no match or its match is already in talks or past it, or was rejected (an officer's
    decision that only an officer re-opens)."""
    with transaction.atomic():
        found = Match.objects.filter(scenario_id=scenario_id, capability_id=capability_id).first()
        if found is None:
            return None
        match = _lock(found)
        if match.status not in CONTINUE_FROM:
            return None
        _set_status(match, actor=actor, to=M.IN_TALKS, reason=_reason(reason, required=False))
    return match
