"""The events endpoints' rows of the API authorization matrix (tests/api/test_matrix.py): the
expected status of each call for each role, written out from the rules of the platform.

Roles at the world's event: the hospital and the vendor are registered, the other hospital is
invited only, the other vendor was not invited (404 for it, as for a stranger)."""
from __future__ import annotations

from django.urls import reverse

from events.models import Event, Meeting, MeetingRating, Participant, ScheduleJob, Session

REGISTERED = ("hospital", "vendor")
MEETING_TARGETS = ("pending", "accepted")


def _rule(**codes):
    """codes per role; `member` stands for the three invited members not named."""
    def expect(role, *_):
        if role == "anon":
            return 401
        if role == "other_vendor" and "other_vendor" not in codes:
            return 404
        if role in codes:
            return codes[role]
        return codes.get("member", codes.get("default"))
    return expect


def officer_only(code: int):
    return _rule(officer=code, member=403)


def ev(name: str, suffix: str = ""):
    return lambda w, t: reverse(f"api:{name}", kwargs={"pk": w.event_world.event.pk}) + suffix


def mt(name: str):
    return lambda w, t: reverse(f"api:{name}", kwargs={"pk": w.event_world.meetings[t].pk})


def _window(w):
    s = w.event_world.event.sessions.filter(kind=Session.Kind.MEETINGS).first()
    return {"start": s.start.isoformat(), "end": s.end.isoformat()}


def _registration(w, role, t):
    return {"representatives": [{"name": "矩阵代表", "position": "经理"}], "windows": [_window(w)]}


def _session(w, role, t):
    import datetime as dt

    from django.utils import timezone

    day = w.event_world.event.date
    at = lambda h: timezone.make_aware(dt.datetime.combine(day, dt.time(h, 0))).isoformat()  # noqa: E731
    return {"kind": "roadshow", "name": "矩阵路演", "start": at(10), "end": at(11)}


def meeting_rule(table: dict[str, dict[str, int]]):
    """table: target → role → code; the invited-only hospital and the uninvited vendor get 404."""
    def expect(role, target):
        if role == "anon":
            return 401
        if role in ("other_hospital", "other_vendor"):
            return 404
        return table[target][role]
    return expect


def fresh_meeting(w, t):
    return Meeting.objects.get(pk=w.event_world.meetings[t].pk)


# --- checks on success --------------------------------------------------------------------------

def check_event_list(w, role, t, response):
    ids = {r["id"] for r in response.json()["results"]}
    assert ids == (set() if role == "other_vendor" else {w.event_world.event.pk})


def check_event_created(w, role, t, response):
    assert Event.objects.get(pk=response.json()["id"]).created_by == w.users[role]


def check_session(w, role, t, response):
    assert Session.objects.filter(event=w.event_world.event, kind="roadshow", name="矩阵路演").exists()


def check_invited(w, role, t, response):
    assert response.json() == {"listings": 1, "organizations": 1}
    assert Participant.objects.filter(event=w.event_world.event, organization=w.orgs["other_vendor"]).exists()


def check_registered(w, role, t, response):
    p = Participant.objects.get(event=w.event_world.event, organization=w.orgs[role])
    assert p.status == "registered" and [r.name for r in p.representatives.all()] == ["矩阵代表"]


def check_declined(w, role, t, response):
    p = Participant.objects.get(event=w.event_world.event, organization=w.orgs[role])
    assert p.status == "declined" == response.json()["status"]
    assert not Meeting.objects.filter(event=w.event_world.event, state__in=("pending", "accepted", "proposed"),
                                      scenario__organization=w.orgs[role]).exists() or role == "vendor"


def check_meetings(w, role, t, response):
    got = {r["id"] for r in response.json()["results"]}
    qs = Meeting.objects.filter(event=w.event_world.event)
    if role in ("hospital", "vendor"):
        org = w.orgs[role]
        qs = qs.filter(**({"scenario__organization": org} if role == "hospital" else {"capability__organization": org}))
    elif role != "officer":
        qs = qs.none()
    assert got == set(qs.values_list("pk", flat=True))


def check_meeting_created(w, role, t, response):
    body = response.json()
    assert (body["scenario"]["id"], body["capability"]["id"]) == w.event_world.free_pair
    assert body["state"] == ("accepted" if role == "officer" else "pending")


def check_schedule_started(w, role, t, response):
    assert ScheduleJob.objects.filter(event=w.event_world.event).count() == 2
    assert response.json()["mode"] == "all"


def check_agenda(w, role, t, response):
    body = response.json()
    assert body["organization"]["id"] == w.orgs["hospital"].pk
    assert {m["id"] for m in body["meetings"]} == {m.pk for m in w.event_world.meetings.values()}


def check_checkin(w, role, t, response):
    assert Participant.objects.get(event=w.event_world.event, organization=w.orgs["hospital"]).checked_in_at


def check_state(to: str):
    def check(w, role, t, response):
        assert fresh_meeting(w, t).state == to == response.json()["state"]
    return check


def check_locked(w, role, t, response):
    assert fresh_meeting(w, t).locked


def check_attendance(w, role, t, response):
    assert fresh_meeting(w, t).attendance == "held"


def check_rated(w, role, t, response):
    assert MeetingRating.objects.filter(meeting=w.event_world.meetings[t], organization=w.orgs[role]).exists()


def check_round(w, role, t, response):
    assert response.json()["per_need"] == 1 and response.json()["pairs"]


def check_round_approved(w, role, t, response):
    assert response.json()["done"] == [w.event_world.round.pairs.first().match_id]


def _lock_body(w, role, t):
    m = fresh_meeting(w, t)  # placed by the world's schedule, which ran after the world took its copies
    assert m.slot_id and m.table
    return {"slot": m.slot_id, "table": m.table}


def event_endpoints(Endpoint) -> list:
    E = Endpoint
    pend, acc = "pending", "accepted"
    return [
        E("event-list", "get", _rule(default=200, other_vendor=200), url=lambda w, t: reverse("api:event-list"), check=check_event_list),
        E("event-list", "post", _rule(officer=201, member=403, other_vendor=403), url=lambda w, t: reverse("api:event-list"),
          body=lambda w, r, t: {"name": "矩阵新会", "date": "2025-12-01", "venue": "会场", "venue_tables": 10, "tables": 5},
          check=check_event_created),
        E("event-detail", "get", _rule(default=200), url=ev("event-detail")),
        E("event-sessions", "post", officer_only(201), url=ev("event-sessions"), body=_session, check=check_session),
        E("event-invite", "post", officer_only(200), url=ev("event-invite"),
          body=lambda w, r, t: {"capabilities": [w.event_world.uninvited_capability]}, check=check_invited),
        E("event-register", "post", _rule(officer=403, hospital=409, vendor=409, other_hospital=201),
          url=ev("event-register"), body=_registration, check=check_registered),
        E("event-register", "put", _rule(officer=403, hospital=200, vendor=200, other_hospital=409),
          url=ev("event-register"), body=_registration, check=check_registered),
        E("event-decline", "post", _rule(officer=403, member=200), url=ev("event-decline"),
          body=lambda w, r, t: {"reason": "矩阵婉拒"}, check=check_declined),
        E("event-suggestions", "get", _rule(default=200), url=ev("event-suggestions")),
        E("event-meetings", "get", _rule(default=200), url=ev("event-meetings", "?page_size=100"), check=check_meetings),
        E("event-meetings", "post", _rule(officer=201, hospital=201, vendor=201, other_hospital=403),
          url=ev("event-meetings"), check=check_meeting_created,
          body=lambda w, r, t: {"scenario": w.event_world.free_pair[0], "capability": w.event_world.free_pair[1],
                                "reason": "矩阵"}),
        E("event-schedule", "get", officer_only(200), url=ev("event-schedule")),
        E("event-schedule", "post", officer_only(202), url=ev("event-schedule"), body=lambda w, r, t: {"mode": "all"},
          check=check_schedule_started),
        E("event-agenda", "get", _rule(officer=200, hospital=200, vendor=404, other_hospital=404),
          url=lambda w, t: reverse("api:event-agenda", kwargs={"pk": w.event_world.event.pk})
          + f"?organization={w.orgs['hospital'].pk}", check=check_agenda),
        E("event-roadshow", "post", officer_only(200), url=ev("event-roadshow"), body=lambda w, r, t: {"propose": True}),
        E("event-checkin", "post", officer_only(200), url=ev("event-checkin"),
          body=lambda w, r, t: {"token": w.event_world.hospital_token}, check=check_checkin),
        E("meeting-detail", "get", meeting_rule({pend: {"hospital": 200, "vendor": 200, "officer": 200},
                                                 acc: {"hospital": 200, "vendor": 200, "officer": 200}}),
          targets=MEETING_TARGETS, url=mt("meeting-detail")),
        E("meeting-accept", "post", meeting_rule({pend: {"hospital": 403, "vendor": 200, "officer": 403},
                                                  acc: {"hospital": 409, "vendor": 409, "officer": 403}}),
          targets=MEETING_TARGETS, url=mt("meeting-accept"), body=lambda w, r, t: {}, check=check_state("accepted")),
        E("meeting-decline", "post", meeting_rule({pend: {"hospital": 403, "vendor": 200, "officer": 403},
                                                   acc: {"hospital": 409, "vendor": 409, "officer": 403}}),
          targets=MEETING_TARGETS, url=mt("meeting-decline"), body=lambda w, r, t: {"reason": "矩阵"},
          check=check_state("declined")),
        E("meeting-cancel", "post", meeting_rule({pend: {"hospital": 200, "vendor": 403, "officer": 200},
                                                  acc: {"hospital": 200, "vendor": 200, "officer": 200}}),
          targets=MEETING_TARGETS, url=mt("meeting-cancel"), body=lambda w, r, t: {"reason": "矩阵"},
          check=check_state("cancelled")),
        E("meeting-lock", "post", meeting_rule({pend: {"hospital": 403, "vendor": 403, "officer": 409},
                                                acc: {"hospital": 403, "vendor": 403, "officer": 200}}),
          targets=MEETING_TARGETS, url=mt("meeting-lock"), body=_lock_body, check=check_locked),
        E("meeting-lock", "delete", meeting_rule({pend: {"hospital": 403, "vendor": 403, "officer": 409},
                                                  acc: {"hospital": 403, "vendor": 403, "officer": 409}}),
          targets=MEETING_TARGETS, url=mt("meeting-lock")),
        E("meeting-attendance", "post", meeting_rule({pend: {"hospital": 403, "vendor": 403, "officer": 200},
                                                      acc: {"hospital": 403, "vendor": 403, "officer": 200}}),
          targets=MEETING_TARGETS, url=mt("meeting-attendance"), body=lambda w, r, t: {"attendance": "held"},
          check=check_attendance),
        E("meeting-rating", "post", meeting_rule({pend: {"hospital": 409, "vendor": 409, "officer": 403},
                                                  acc: {"hospital": 201, "vendor": 201, "officer": 403}}),
          targets=MEETING_TARGETS, url=mt("meeting-rating"), check=check_rated,
          body=lambda w, r, t: {"useful": True, "continue_talks": True, "comment": "矩阵"}),
        E("round-list", "get", _rule(officer=200, member=403, other_vendor=403), url=lambda w, t: reverse("api:round-list")),
        E("round-list", "post", _rule(officer=201, member=403, other_vendor=403), url=lambda w, t: reverse("api:round-list"),
          body=lambda w, r, t: {"batch": w.batch.pk, "per_need": 1, "per_capability": 1}, check=check_round),
        E("round-detail", "get", _rule(officer=200, member=403, other_vendor=403),
          url=lambda w, t: reverse("api:round-detail", kwargs={"pk": w.event_world.round.pk})),
        E("round-approve", "post", _rule(officer=200, member=403, other_vendor=403),
          url=lambda w, t: reverse("api:round-approve", kwargs={"pk": w.event_world.round.pk}), check=check_round_approved,
          body=lambda w, r, t: {"matches": [w.event_world.round.pairs.first().match_id], "reason": "矩阵理由"}),
    ]
