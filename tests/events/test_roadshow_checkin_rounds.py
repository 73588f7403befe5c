"""The roadshow proposal and its edit, check-in, and introduction rounds approved in bulk."""
import datetime as dt

import pytest

from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from core.side import CAPABILITY, SCENARIO
from events.models import EventListing, IntroductionRoundPair, Participant
from events.selectors import roadshow_lineup
from events.services.checkin import participant_check_in
from events.services.roadshow import roadshow_candidates, roadshow_propose, roadshow_update
from events.services.rounds import round_approve, round_propose
from matching.models import Match, MatchStatus
from scenarios.models import ListingStatus
from scenarios.services import batch_create, listing_publish
from tests.factories import make_listing

pytestmark = pytest.mark.django_db


def rerank_with_strong_from(settings, capture, threshold: float) -> None:
    """Store every match's band again with another strong threshold (a full re-rank)."""
    from matching.services import rerank_start

    settings.MATCHING_BAND_STRONG = threshold
    settings.MATCHING_BAND_POSSIBLE = min(threshold, settings.MATCHING_BAND_POSSIBLE)
    with capture(execute=True):
        rerank_start(actor=None, reason="band")


def test_roadshow_proposal_takes_the_listings_with_most_strong_matches_grouped_by_field(
        fair, settings, django_capture_on_commit_callbacks):
    rerank_with_strong_from(settings, django_capture_on_commit_callbacks, 0.0)  # every match strong: counts decide
    assert not Match.objects.exclude(band="strong").exists()
    fair.event.roadshow_size = 1
    fair.event.save(update_fields=["roadshow_size"])
    ranked = roadshow_candidates(event=fair.event)
    best_need = next(d for d in ranked if d["side"] is SCENARIO)
    best_cap = next(d for d in ranked if d["side"] is CAPABILITY)
    lineup = roadshow_propose(actor=fair.officer, event=fair.event)
    assert {r.pk for r in lineup} == {best_need["row"].pk, best_cap["row"].pk}
    # grouped by field (the taxonomy's order), needs first within a field
    keys = [(r.listing.field.order, r.listing.field.code, not r.side.is_need) for r in roadshow_lineup(event=fair.event)]
    assert keys == sorted(keys)
    # only registered organisations present: the other hospital is invited but not registered
    assert all(r.organization_id != fair.other_hospital.pk for r in lineup)


def test_the_roadshow_leaves_out_listings_without_strong_matches(fair, settings, django_capture_on_commit_callbacks):
    rerank_with_strong_from(settings, django_capture_on_commit_callbacks, 1.01)
    assert not Match.objects.filter(band="strong").exists()
    assert roadshow_propose(actor=fair.officer, event=fair.event) == []


def test_the_officer_reorders_the_roadshow_and_bad_orders_are_refused(fair):
    rows = list(EventListing.objects.filter(event=fair.event).order_by("pk"))
    out = roadshow_update(actor=fair.officer, event=fair.event, order=[rows[2].pk, rows[0].pk])
    assert [r.pk for r in roadshow_lineup(event=fair.event)] == [rows[2].pk, rows[0].pk] == [r.pk for r in out]
    with pytest.raises(DomainError):
        roadshow_update(actor=fair.officer, event=fair.event, order=[rows[0].pk, rows[0].pk])
    with pytest.raises(DomainError):
        roadshow_update(actor=fair.officer, event=fair.event, order=[987654])
    with pytest.raises(NotAllowed):
        roadshow_update(actor=fair.hospital_user, event=fair.event, order=[rows[0].pk])
    assert [r.pk for r in roadshow_lineup(event=fair.event)] == [rows[2].pk, rows[0].pk]


def test_check_in_by_the_qr_token_is_harmless_twice(fair):
    p = Participant.objects.get(event=fair.event, organization=fair.hospital)
    checked, new = participant_check_in(actor=fair.officer, event=fair.event, token=p.checkin_token)
    assert new and checked.checked_in_at
    again, new = participant_check_in(actor=fair.officer, event=fair.event, participant_id=p.pk)
    assert not new and again.checked_in_at == checked.checked_in_at


def test_check_in_refuses_unknown_codes_unregistered_organisations_and_members(fair):
    with pytest.raises(NotFound):
        participant_check_in(actor=fair.officer, event=fair.event, token="no-such-code")
    invited = Participant.objects.get(event=fair.event, organization=fair.other_hospital)
    with pytest.raises(InvalidTransition):
        participant_check_in(actor=fair.officer, event=fair.event, token=invited.checkin_token)
    with pytest.raises(NotAllowed):
        participant_check_in(actor=fair.hospital_user, event=fair.event, token=invited.checkin_token)
    assert not Participant.objects.filter(event=fair.event, checked_in_at__isnull=False).exists()


@pytest.fixture
def listed(fair, django_capture_on_commit_callbacks):
    """A list of two needs and two capabilities, published into it and ranked."""
    batch = batch_create(actor=fair.officer, name="轮次清单", published_on=dt.date(2025, 6, 30))
    made = {}
    for side, org, user, title in ((SCENARIO, fair.hospital, fair.hospital_user, "清单需求甲"),
                                   (SCENARIO, fair.other_hospital, fair.other_hospital_user, "清单需求乙"),
                                   (CAPABILITY, fair.vendor, fair.vendor_user, "清单能力甲"),
                                   (CAPABILITY, fair.other_vendor, fair.other_vendor_user, "清单能力乙")):
        with django_capture_on_commit_callbacks(execute=True):
            draft = make_listing(side=side, org=org, author=user, status=ListingStatus.SUBMITTED, title=title)
            made[title] = listing_publish(actor=fair.officer, listing=draft, batch=batch)
    batch.made = made
    return batch


def test_round_proposal_respects_the_caps_and_covers_every_need(fair, listed):
    rnd = round_propose(actor=fair.officer, batch_id=listed.pk, per_need=1, per_capability=1)
    pairs = list(IntroductionRoundPair.objects.filter(round=rnd).select_related("match"))
    needs = [p.match.scenario_id for p in pairs]
    caps = [p.match.capability_id for p in pairs]
    assert len(needs) == len(set(needs)) and len(caps) == len(set(caps))
    assert set(needs) == {listed.made["清单需求甲"].pk, listed.made["清单需求乙"].pk}  # only the list's
    assert rnd.summary["needs_covered"] == 2 >= rnd.summary["greedy"]["needs_covered"]


def test_round_approval_goes_through_the_bulk_approval_and_refuses_foreign_matches(fair, listed, english):
    rnd = round_propose(actor=fair.officer, batch_id=listed.pk, per_need=1, per_capability=1)
    ids = list(rnd.pairs.values_list("match_id", flat=True))
    outside = Match.objects.exclude(pk__in=ids).first()
    with pytest.raises(DomainError) as exc:
        round_approve(actor=fair.officer, round_id=rnd.pk, match_ids=[ids[0], outside.pk], reason="轮次")
    assert f"Match {outside.pk} is not part of this round." == str(exc.value)
    assert not Match.objects.filter(pk__in=ids, status=MatchStatus.APPROVED).exists()
    with pytest.raises(DomainError):  # the bulk approval's own rule: a reason is required
        round_approve(actor=fair.officer, round_id=rnd.pk, match_ids=ids, reason="")
    result = round_approve(actor=fair.officer, round_id=rnd.pk, match_ids=ids, reason="清单对接轮次")
    assert sorted(result["done"]) == sorted(ids) and result["failed"] == {}
    assert set(Match.objects.filter(pk__in=ids).values_list("status", flat=True)) == {MatchStatus.APPROVED}


def test_rounds_are_for_officers_and_existing_lists(fair, listed):
    with pytest.raises(NotAllowed):
        round_propose(actor=fair.hospital_user, batch_id=listed.pk, per_need=1, per_capability=1)
    with pytest.raises(NotFound):
        round_propose(actor=fair.officer, batch_id=987654, per_need=1, per_capability=1)
    with pytest.raises(DomainError):
        round_propose(actor=fair.officer, batch_id=listed.pk, per_need=0, per_capability=1)
