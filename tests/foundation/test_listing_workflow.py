"""The listing lifecycle: every allowed and refused transition, who may act, what is recorded."""
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from core.side import CAPABILITY, SCENARIO
from scenarios.models import DESCRIPTION_MAX, TITLE_MAX, ListingStatus, Scenario
from scenarios.services import (
    RULES,
    listing_archive,
    listing_create,
    listing_publish,
    listing_return,
    listing_submit,
    listing_update,
    listing_withdraw,
)
from suppliers.models import Capability
from tests.factories import listing_data, make_listing

S = ListingStatus
pytestmark = pytest.mark.django_db

ACTIONS = {
    "submit": (listing_submit, "owner"),
    "withdraw": (listing_withdraw, "owner"),
    "publish": (listing_publish, "officer"),
    "return": (listing_return, "officer"),
    "archive": (listing_archive, "owner_or_officer"),
}
ALL_STATES = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.ARCHIVED]
CASES = [(action, state) for action in ACTIONS for state in ALL_STATES]


def _call(action, actor, listing):
    fn, _who = ACTIONS[action]
    kwargs = {"comment": "请补充部署方式"} if action == "return" else {}
    return fn(actor=actor, listing=listing, **kwargs)


@pytest.mark.parametrize("side", [SCENARIO, CAPABILITY])
@pytest.mark.parametrize(("action", "state"), CASES)
def test_listing_transition_allowed_only_from_its_source_states(side, action, state, hospital, hospital_user,
                                                                 vendor, vendor_user, officer):
    org, author = (hospital, hospital_user) if side.is_need else (vendor, vendor_user)
    listing = make_listing(side=side, org=org, author=author, status=state, officer=officer)
    actor = officer if ACTIONS[action][1] == "officer" else author
    before = listing.transitions.count()
    rule = RULES[action]
    if state in rule.sources:
        result = _call(action, actor, listing)
        assert result.status == rule.target
        last = result.transitions.last()
        assert (last.action, last.from_status, last.to_status, last.actor) == (action, state, rule.target, actor)
        assert result.transitions.count() == before + 1
    else:
        with pytest.raises(InvalidTransition):
            _call(action, actor, listing)
        listing.refresh_from_db()
        assert listing.status == state
        assert listing.transitions.count() == before


@pytest.mark.parametrize("action", ["publish", "return"])
def test_listing_officer_actions_refused_to_owner_members(action, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    with pytest.raises(NotAllowed):
        _call(action, hospital_user, listing)
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_listing_owner_actions_refused_to_officers(action, hospital, hospital_user, officer):
    state = S.DRAFT if action == "submit" else S.SUBMITTED
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=state, officer=officer)
    with pytest.raises(NotAllowed):
        _call(action, officer, listing)
    listing.refresh_from_db()
    assert listing.status == state


def test_listing_submit_by_other_organisation_is_not_found(hospital, hospital_user, other_hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    with pytest.raises(NotFound):
        listing_submit(actor=other_hospital_user, listing=listing)
    listing.refresh_from_db()
    assert listing.status == S.DRAFT


def test_listing_archive_of_published_by_a_vendor_of_another_org_is_refused(hospital, hospital_user, vendor_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED)
    with pytest.raises(NotAllowed):
        listing_archive(actor=vendor_user, listing=listing)
    listing.refresh_from_db()
    assert listing.status == S.PUBLISHED


def test_listing_return_requires_a_comment(hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    with pytest.raises(DomainError) as err:
        listing_return(actor=officer, listing=listing, comment="   ")
    assert "comment" in err.value.fields
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED


def test_listing_return_then_resubmit_keeps_the_comment_in_history(hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.RETURNED, officer=officer)
    listing = listing_submit(actor=hospital_user, listing=listing)
    actions = list(listing.transitions.values_list("action", "comment"))
    assert actions == [("create", ""), ("submit", ""), ("return", "请补充预算"), ("submit", "")]
    assert listing.status == S.SUBMITTED


def test_listing_publish_into_batch_numbers_items(hospital, hospital_user, officer):
    from scenarios.services import batch_create

    batch = batch_create(actor=officer, name="2025年生物医药应用场景清单", published_on="2025-06-01")
    first = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    second = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    first = listing_publish(actor=officer, listing=first, batch=batch)
    second = listing_publish(actor=officer, listing=second, batch=batch)
    assert (first.batch, first.number, second.number) == (batch, 1, 2)


def test_listing_transition_and_record_commit_together(hospital, hospital_user):
    """If anything after the status change fails, neither the status nor the record stays."""
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    with mock.patch("scenarios.notifications.listing_transitioned", side_effect=RuntimeError("mail down")),\
            pytest.raises(RuntimeError):
        listing_submit(actor=hospital_user, listing=listing)
    listing.refresh_from_db()
    assert listing.status == S.DRAFT
    assert list(listing.transitions.values_list("action", flat=True)) == ["create"]


# --- editing ---------------------------------------------------------------------------------

def test_listing_update_by_owner_member_of_draft(hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    listing = listing_update(actor=hospital_user, listing=listing, data={"title": "肺结节随访管理"})
    assert Scenario.objects.get(pk=listing.pk).title == "肺结节随访管理"


@pytest.mark.parametrize("who", ["other_hospital_user", "vendor_user", "officer"])
def test_listing_update_of_draft_refused_to_non_members(who, request, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    actor = request.getfixturevalue(who)
    with pytest.raises((NotFound, NotAllowed)):
        listing_update(actor=actor, listing=listing, data={"title": "被篡改的标题"})
    assert Scenario.objects.get(pk=listing.pk).title == listing.title


def test_listing_update_under_review_is_refused(hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    with pytest.raises(InvalidTransition):
        listing_update(actor=hospital_user, listing=listing, data={"title": "审核中修改"})


def test_listing_update_of_published_by_officer_is_recorded(hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED, officer=officer)
    listing = listing_update(actor=officer, listing=listing, data={"title": "肺结节AI辅助诊断（修订）"})
    last = listing.transitions.last()
    assert (last.action, last.actor, listing.status) == ("edit", officer, S.PUBLISHED)


# --- bad input -------------------------------------------------------------------------------

def test_listing_create_missing_title_changes_nothing(hospital, hospital_user):
    with pytest.raises(ValidationError) as err:
        listing_create(actor=hospital_user, side=SCENARIO, organization=hospital, data=listing_data(title=""))
    assert "title" in err.value.message_dict
    assert Scenario.objects.count() == 0


@pytest.mark.parametrize(("name", "value"), [("title", "长" * (TITLE_MAX + 1)),
                                             ("description", "长" * (DESCRIPTION_MAX + 1)),
                                             ("description", "含有空字符\x00的描述文本内容"),
                                             ("title", "孤立代理\ud800字符")])
def test_listing_create_rejects_oversized_or_binary_text(name, value, vendor, vendor_user):
    with pytest.raises(ValidationError) as err:
        listing_create(actor=vendor_user, side=CAPABILITY, organization=vendor,
                       data=listing_data(CAPABILITY, **{name: value}))
    assert name in err.value.message_dict
    assert Capability.objects.count() == 0


def test_listing_create_for_an_organisation_one_is_not_member_of(hospital, vendor_user):
    with pytest.raises(NotAllowed):
        listing_create(actor=vendor_user, side=SCENARIO, organization=hospital, data=listing_data())
    assert Scenario.objects.count() == 0


def test_listing_create_rejects_unknown_fields(hospital, hospital_user):
    with pytest.raises(DomainError):
        listing_create(actor=hospital_user, side=SCENARIO, organization=hospital,
                       data=listing_data(status="published"))
    assert Scenario.objects.count() == 0


def test_scenario_budget_range_must_be_ordered(hospital, hospital_user):
    with pytest.raises(ValidationError) as err:
        listing_create(actor=hospital_user, side=SCENARIO, organization=hospital,
                       data=listing_data(budget_min=100, budget_max=50))
    assert "budget_max" in err.value.message_dict


def test_listing_language_detected_when_not_given(vendor, vendor_user):
    hant = listing_create(actor=vendor_user, side=CAPABILITY, organization=vendor,
                          data=listing_data(CAPABILITY, title="長者認知障礙數碼篩查平台",
                                            description="長者以平板電腦完成約十五分鐘的數碼認知評估，系統再推送遊戲化訓練。"))
    en = listing_create(actor=vendor_user, side=CAPABILITY, organization=vendor,
                        data=listing_data(CAPABILITY, title="Wastewater surveillance",
                                          description="Sewer-shed sampling with quantitative PCR for RSV."))
    assert (hant.language, en.language) == ("zh-hant", "en")
