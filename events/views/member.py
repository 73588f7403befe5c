"""Pages for the organisations invited to an event: my events; one event (register or decline,
suggested counterparts with the match explanation, meeting requests in and out).

Who may see them: members of an invited organisation (each sees only its own organisation's
registration, suggestions and meetings) and program officers (sent to the officers' page of the
event); for anyone else the event does not exist (404).
"""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import user_is_officer, user_organization_ids
from core.errors import DomainError
from core.pages import back, member_required, show_error

from ..models import ACTIVE, MeetingState, Participant, Session
from ..permissions import access_event, access_meeting, my_participants
from ..selectors import event_list, event_sessions, meeting_list, roadshow_lineup, suggestions_for
from ..services import meetings, participation


@member_required
def my_events(request: HttpRequest) -> HttpResponse:
    """Members: the events that invited one of their organisations, with each one's answer."""
    orgs = user_organization_ids(user=request.user)
    rows = []
    for event in event_list(actor=request.user).order_by("-date", "-id"):
        mine = [p for p in event.participants.select_related("organization") if p.organization_id in orgs]
        rows.append({"event": event, "mine": mine})
    return render(request, "events/my_events.html", {"rows": rows, "officer": user_is_officer(user=request.user)})


def _page(request: HttpRequest, pk: int) -> str:
    return reverse("events:event-detail", kwargs={"pk": pk})


@member_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of an invited organisation: the event, their registration, their suggested
    counterparts and their meetings. Officers are sent to the officers' page."""
    event = access_event(actor=request.user, event_id=pk)
    mine = my_participants(actor=request.user, event=event)
    if not mine and user_is_officer(user=request.user):
        return redirect("events:officer-event", pk=pk)
    sessions = event_sessions(event=event)
    blocks = []
    for p in mine:
        windows = list(p.windows.all())
        meeting_sessions = []
        for s in sessions:
            if s.kind != Session.Kind.MEETINGS:
                continue
            inside = [w for w in windows if w.start < s.end and w.end > s.start]
            meeting_sessions.append({"session": s, "on": bool(inside) or p.status != Participant.Status.REGISTERED,
                                     "start": timezone.localtime(inside[0].start if inside else s.start),
                                     "end": timezone.localtime(inside[-1].end if inside else s.end)})
        reps = list(p.representatives.all())
        blocks.append({"p": p, "reps": reps, "rep_rows": reps + [None] * max(1, 3 - len(reps)),
                       "sessions": meeting_sessions, "suggestions": suggestions_for(event=event, participant=p)})
    org_ids = {p.organization_id for p in mine}
    own_meetings = list(meeting_list(actor=request.user, event=event).order_by("-updated_at"))
    return render(request, "events/event_detail.html", {
        "event": event, "sessions": sessions, "blocks": blocks, "org_ids": org_ids,
        "incoming": [m for m in own_meetings if m.state == MeetingState.PENDING and m.requested_by_id not in org_ids],
        "outgoing": [m for m in own_meetings if m.state == MeetingState.PENDING and m.requested_by_id in org_ids],
        "planned": [m for m in own_meetings if m.state in (MeetingState.PROPOSED, MeetingState.ACCEPTED)],
        "closed": [m for m in own_meetings if m.state not in ACTIVE],
        "lineup": roadshow_lineup(event=event),
    })


def _time(day: dt.date, value: str) -> dt.datetime | None:
    try:
        t = dt.time.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, t))


@require_POST
@member_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of an invited organisation: register (or change) its representatives and availability."""
    event = access_event(actor=request.user, event_id=pk)
    try:
        org_id = int(request.POST.get("organization") or 0)
    except ValueError:
        raise Http404("no such organisation") from None
    reps = [{"name": n, "position": p} for n, p in zip(request.POST.getlist("rep_name"),
                                                       request.POST.getlist("rep_position"), strict=False)]
    windows = []
    for s in event.sessions.filter(kind=Session.Kind.MEETINGS):
        if request.POST.get(f"avail-{s.pk}"):
            start, end = _time(event.date, request.POST.get(f"from-{s.pk}")), _time(event.date, request.POST.get(f"to-{s.pk}"))
            if start is None or end is None:
                messages.error(request, _("Give the times as HH:MM."))
                return back(request, _page(request, pk))
            windows.append((start, end))
    participant = next((p for p in my_participants(actor=request.user, event=event) if p.organization_id == org_id), None)
    try:
        if participant is not None and participant.status == Participant.Status.REGISTERED:
            participation.participant_update(actor=request.user, event=event, organization_id=org_id,
                                             representatives=reps, windows=windows)
            note = _("Registration changed.")
        else:
            participation.participant_register(actor=request.user, event=event, organization_id=org_id,
                                               representatives=reps, windows=windows)
            note = _("Registered. Your suggested counterparts are below.")
    except DomainError as exc:
        show_error(request, exc)
        return back(request, _page(request, pk))
    messages.success(request, note)
    return back(request, _page(request, pk))


@require_POST
@member_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of an invited organisation: decline the invitation (its meetings are cancelled)."""
    event = access_event(actor=request.user, event_id=pk)
    try:
        participation.participant_decline(actor=request.user, event=event,
                                          organization_id=int(request.POST.get("organization") or 0),
                                          reason=request.POST.get("reason", ""))
    except ValueError:
        raise Http404("no such organisation") from None
    except DomainError as exc:
        show_error(request, exc)
        return back(request, _page(request, pk))
    messages.success(request, _("You declined the invitation."))
    return back(request, _page(request, pk))


@require_POST
@member_required
def meeting_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Registered participants: request a meeting between one of their listings and another's."""
    event = access_event(actor=request.user, event_id=pk)
    try:
        meetings.meeting_request(actor=request.user, event=event, scenario_id=int(request.POST.get("scenario") or 0),
                                 capability_id=int(request.POST.get("capability") or 0),
                                 reason=request.POST.get("reason", ""))
    except ValueError:
        messages.error(request, _("Choose the two listings."))
        return back(request, _page(request, pk))
    except DomainError as exc:
        show_error(request, exc)
        return back(request, _page(request, pk))
    messages.success(request, _("Meeting requested; the other side was told."))
    return back(request, _page(request, pk))


@require_POST
@member_required
def meeting_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The two sides of a meeting: accept, decline or cancel it."""
    meeting = access_meeting(actor=request.user, meeting_id=pk)
    fn = {"accept": meetings.meeting_accept, "decline": meetings.meeting_decline,
          "cancel": meetings.meeting_cancel}[action]
    kwargs = {} if action == "accept" else {"reason": request.POST.get("reason", "")}
    try:
        fn(actor=request.user, meeting_id=pk, **kwargs)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, {"accept": _("Meeting accepted."), "decline": _("Meeting declined."),
                                   "cancel": _("Meeting cancelled.")}[action])
    return back(request, _page(request, meeting.event_id))


@require_POST
@member_required
def meeting_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The two sides of a meeting, after it: was it useful, do we continue talking."""
    meeting = access_meeting(actor=request.user, meeting_id=pk)
    try:
        meetings.meeting_rate(actor=request.user, meeting_id=pk, useful=request.POST.get("useful") == "yes",
                              continue_talks=request.POST.get("continue") == "yes",
                              comment=request.POST.get("comment", ""))
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Thank you: your rating was recorded."))
    return back(request, _page(request, meeting.event_id))
