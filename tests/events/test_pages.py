"""The events pages: who may see each, what they show, in the three languages; bad input shows
a message in the user's language and changes nothing; agendas as PDF and .ics with the QR code."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Meeting, MeetingState, Participant, ScheduleJob, Session
from events.services.meetings import meeting_add, meeting_lock, meeting_request
from tests.factories import UserFactory
from tests.web.helpers import login

pytestmark = pytest.mark.django_db


def get(client, name, *args, **query):
    url = reverse(name, args=args)
    return client.get(url, query) if query else client.get(url)


OFFICER_PAGES = [("events:officer-list", ()), ("events:officer-event", ("event",)), ("events:plan", ("event",)),
                 ("events:checkin", ("event",)), ("events:round-list", ()), ("events:schedule-progress", ("event",))]


def _args(fair, spec):
    return [fair.event.pk if a == "event" else a for a in spec]


@pytest.mark.parametrize(("name", "spec"), OFFICER_PAGES)
def test_officer_pages_are_for_officers_only(client, fair, name, spec):
    args = _args(fair, spec)
    assert get(client, name, *args).status_code == 302  # anonymous: to the login page
    login(client, fair.hospital_user)
    assert get(client, name, *args).status_code == 403
    login(client, fair.officer)
    assert get(client, name, *args).status_code == 200


def test_the_event_page_exists_only_for_invited_organisations(client, fair):
    url = reverse("events:event-detail", args=[fair.event.pk])
    login(client, UserFactory())
    assert client.get(url).status_code == 404
    login(client, fair.other_hospital_user)  # invited, not registered: sees the invitation
    body = client.get(url).content.decode()
    assert fair.event.name in body and 'data-testid="registration"' in body
    assert 'data-testid="suggestion"' not in body
    login(client, fair.officer)
    assert client.get(url).status_code == 302  # officers manage the event on their page


def test_a_registered_hospital_sees_its_suggestions_with_the_explanation_and_no_contacts(client, fair):
    login(client, fair.hospital_user)
    body = get(client, "events:event-detail", fair.event.pk).content.decode()
    assert body.count('data-testid="suggestion"') >= 2
    assert 'data-testid="explanation"' in body and "共同关键词" in body
    assert fair.caps[0].title in body and fair.other_cap.title in body
    assert fair.caps[0].contact_phone not in body and fair.caps[0].contact_email not in body
    # only its own listings' candidates: the other hospital's need is nowhere
    assert fair.other_need.title not in body


def test_the_event_page_reads_in_english_and_traditional_chinese(client, fair):
    login(client, fair.hospital_user)
    client.cookies.load({"django_language": "en"})
    body = get(client, "events:event-detail", fair.event.pk).content.decode()
    assert "Suggested counterparts" in body and "Request a meeting" in body and "Shared key terms" in body
    client.cookies.load({"django_language": "zh-hant"})
    body = get(client, "events:event-detail", fair.event.pk).content.decode()
    assert "建議的洽談對象" in body and "申請洽談" in body


def test_requesting_a_meeting_from_the_page_tells_the_other_side(client, fair):
    login(client, fair.hospital_user)
    resp = client.post(reverse("events:request", args=[fair.event.pk]),
                       {"scenario": fair.needs[0].pk, "capability": fair.caps[0].pk, "reason": "想了解"}, follow=True)
    assert "洽谈申请已发送" in resp.content.decode()
    m = Meeting.objects.get(event=fair.event)
    assert (m.state, m.requested_by) == (MeetingState.PENDING, fair.hospital)
    login(client, fair.vendor_user)
    body = get(client, "events:event-detail", fair.event.pk).content.decode()
    assert f'data-testid="meeting-{m.pk}"' in body and reverse("events:meeting-answer-accept", args=[m.pk]) in body
    client.post(reverse("events:meeting-answer-accept", args=[m.pk]))
    assert Meeting.objects.get(pk=m.pk).state == MeetingState.ACCEPTED


def test_availability_outside_the_sessions_is_refused_on_the_page_in_the_users_language(client, fair):
    login(client, fair.other_hospital_user)
    session = fair.event.sessions.get(kind=Session.Kind.MEETINGS)
    form = {"organization": fair.other_hospital.pk, "rep_name": ["周主任"], "rep_position": [""],
            f"avail-{session.pk}": "1", f"from-{session.pk}": "13:00", f"to-{session.pk}": "14:30"}
    body = client.post(reverse("events:register", args=[fair.event.pk]), form, follow=True).content.decode()
    assert "13:00–14:30 不在活动的洽谈场次内" in body
    assert Participant.objects.get(event=fair.event, organization=fair.other_hospital).status == "invited"
    form[f"from-{session.pk}"] = "14:00"
    client.post(reverse("events:register", args=[fair.event.pk]), form)
    assert Participant.objects.get(event=fair.event, organization=fair.other_hospital).status == "registered"


def test_creating_an_event_with_more_tables_than_the_venue_shows_why(client, fair):
    login(client, fair.officer)
    client.cookies.load({"django_language": "en"})
    resp = client.post(reverse("events:officer-list"), {
        "name": "新会", "date": "2025-12-01", "venue": "会场", "venue_tables": 5, "tables": 8, "spare_share": 0.1,
        "meeting_minutes": 20, "min_per_need": 1, "roadshow_size": 3})
    assert resp.status_code == 200
    assert "The venue holds 5 tables; 8 is more than it allows." in resp.content.decode()
    assert not fair.event.__class__.objects.filter(name="新会").exists()


def test_schedule_all_from_the_page_shows_progress_and_the_report(client, fair, django_capture_on_commit_callbacks):
    login(client, fair.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:schedule-start", args=[fair.event.pk]), {"mode": "all"})
    job = ScheduleJob.objects.get(event=fair.event)
    assert job.status == ScheduleJob.Status.DONE
    body = get(client, "events:schedule-progress", fair.event.pk).content.decode()
    assert 'data-testid="report"' in body and "贪心基线" in body and "总契合度" in body
    plan = get(client, "events:plan", fair.event.pk).content.decode()
    placed = Meeting.objects.filter(event=fair.event, slot__isnull=False).first()
    assert placed.scenario.organization.name in plan and 'name="attendance"' in plan


def test_the_agenda_is_for_its_organisation_and_officers_with_pdf_ics_and_qr(client, fair):
    m = meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    slot = fair.event.slots.order_by("start").first()
    meeting_lock(actor=fair.officer, meeting_id=m.pk, slot_id=slot.pk, table=4)
    args = (fair.event.pk, fair.hospital.pk)
    login(client, fair.vendor_user)
    assert get(client, "events:agenda", *args).status_code == 404
    assert get(client, "events:agenda-pdf", *args).status_code == 404
    login(client, fair.hospital_user)
    body = get(client, "events:agenda", *args).content.decode()
    assert fair.caps[0].title in body and "14:00–14:20" in body and "<svg" in body
    token = Participant.objects.get(event=fair.event, organization=fair.hospital).checkin_token
    pdf = get(client, "events:agenda-pdf", *args)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content
    ics = get(client, "events:agenda-ics", *args)
    text = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar") and "BEGIN:VEVENT" in text
    start = timezone.localtime(slot.start).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in text and fair.caps[0].title in text
    login(client, fair.officer)
    assert get(client, "events:agenda", *args).status_code == 200
    scan = get(client, "events:checkin-scan", fair.event.pk, token)
    assert fair.hospital.name in scan.content.decode()
    client.post(reverse("events:checkin-scan", args=[fair.event.pk, token]))
    assert Participant.objects.get(event=fair.event, organization=fair.hospital).checked_in_at


def test_a_rating_after_the_meeting_from_the_agenda_page(client, fair):
    from events.services.events import event_invite
    from tests.factories import make_event, register

    event = make_event(officer=fair.officer, day=timezone.localdate() - dt.timedelta(days=1))
    event_invite(actor=fair.officer, event=event, scenario_ids=[fair.needs[0].pk], capability_ids=[fair.caps[0].pk])
    register(event, fair.hospital, fair.hospital_user)
    register(event, fair.vendor, fair.vendor_user)
    m = meeting_add(actor=fair.officer, event=event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    meeting_lock(actor=fair.officer, meeting_id=m.pk, slot_id=event.slots.first().pk, table=1)
    login(client, fair.hospital_user)
    body = get(client, "events:agenda", event.pk, fair.hospital.pk).content.decode()
    assert f'data-testid="rate-{m.pk}"' in body
    client.post(reverse("events:meeting-rate", args=[m.pk]), {"useful": "yes", "continue": "no"})
    rating = m.ratings.get()
    assert (rating.useful, rating.continue_talks, rating.organization) == (True, False, fair.hospital)


def test_the_round_pages_show_a_proposal_to_approve_in_bulk(client, fair):
    from scenarios.models import Batch

    login(client, fair.officer)
    batch = Batch.objects.create(name="页面清单", published_on=dt.date(2025, 6, 30))
    resp = client.post(reverse("events:round-list"), {"batch": batch.pk, "per_need": 2, "per_capability": 2})
    assert resp.status_code == 302
    body = client.get(resp["Location"]).content.decode()
    assert 'data-testid="round"' in body and "批准所选" in body
    queue = get(client, "matching:match-queue").content.decode()
    assert reverse("events:round-list") in queue


def test_pending_requests_show_in_my_events_for_members(client, fair):
    meeting_request(actor=fair.vendor_user, event=fair.event, scenario_id=fair.needs[1].pk, capability_id=fair.caps[1].pk)
    login(client, fair.hospital_user)
    body = get(client, "events:my-events").content.decode()
    assert fair.event.name in body and "已报名" in body
    login(client, UserFactory())
    assert fair.event.name not in get(client, "events:my-events").content.decode()
