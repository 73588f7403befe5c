"""Pages for program officers: events (create; sessions; invitations; participants;
meetings, locks and attendance; "schedule all" and re-scheduling with progress and the report;
the roadshow order), the table plan, and the check-in desk.

Who may see them: program officers only (403 for everyone else logged in; anonymous visitors
go to the login page).
"""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required
from core.errors import DomainError
from core.pages import back, show_error

from ..forms import EventForm, InviteForm, SessionForm
from ..models import Event, Meeting, Participant, ScheduleJob, Session
from ..presenters import report_view
from ..selectors import (
    event_listing_rows,
    event_participants,
    event_sessions,
    event_slots,
    meeting_counts,
    meeting_list,
    roadshow_lineup,
    table_plan,
)
from ..services import checkin, events, meetings, roadshow, scheduling


def _event(pk: int) -> Event:
    return get_object_or_404(Event, pk=pk)


@officer_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Program officers: every event, and the form to create one."""
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = events.event_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            show_error(request, exc)
            for name, msgs in exc.fields.items():
                for msg in msgs:
                    form.add_error(name if name in form.fields else None, msg)
        else:
            messages.success(request, _("Event created. Add its sessions, then invite listings."))
            return redirect("events:officer-event", pk=event.pk)
    return render(request, "events/officer_list.html", {"events": Event.objects.all(), "form": form})


@officer_required
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: one event and everything done to it."""
    event = _event(pk)
    rows = event_listing_rows(event=event)
    registered = {p.organization_id for p in event.participants.filter(status=Participant.Status.REGISTERED)}
    return render(request, "events/officer_event.html", {
        "event": event, "sessions": event_sessions(event=event), "slots": event_slots(event=event),
        "session_form": SessionForm(), "invite_form": InviteForm(),
        "participants": event_participants(event=event),
        "needs": [r for r in rows if r.scenario_id and r.organization_id in registered],
        "caps": [r for r in rows if r.capability_id and r.organization_id in registered],
        "n_listings": len(rows),
        "meetings": meeting_list(actor=request.user, event=event).order_by("state", "slot__start", "table", "id"),
        "counts": meeting_counts(event=event), "job": scheduling.schedule_job_current(event=event),
        "report": report_view(scheduling.schedule_job_current(event=event)),
        "lineup": roadshow_lineup(event=event), "tables": range(1, event.tables + 1),
        "attendance": Meeting.Attendance.choices, "modes": ScheduleJob.Mode.choices,
    })


def _done(request: HttpRequest, pk: int, message: str | None = None) -> HttpResponse:
    if message:
        messages.success(request, message)
    return back(request, reverse("events:officer-event", kwargs={"pk": pk}))


@require_POST
@officer_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: add a session (meetings or roadshow)."""
    event = _event(pk)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the session's kind, start and end."))
        return _done(request, pk)
    start, end = form.moments(event.date)
    try:
        events.session_add(actor=request.user, event=event, start=start, end=end, kind=form.cleaned_data["kind"],
                           name=form.cleaned_data["name"])
    except DomainError as exc:
        show_error(request, exc)
        return _done(request, pk)
    return _done(request, pk, _("Session added."))


@require_POST
@officer_required
def session_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: remove a session without scheduled meetings."""
    session = get_object_or_404(Session, pk=pk)
    try:
        events.session_remove(actor=request.user, session_id=pk)
    except DomainError as exc:
        show_error(request, exc)
        return _done(request, session.event_id)
    return _done(request, session.event_id, _("Session removed."))


@require_POST
@officer_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: invite a list, a field or chosen listings."""
    event = _event(pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a list, a field or listings to invite; this selection holds no published listing."))
        return _done(request, pk)
    try:
        counts = events.event_invite(actor=request.user, event=event, **form.service_data())
    except DomainError as exc:
        show_error(request, exc)
        return _done(request, pk)
    return _done(request, pk, _("%(listings)d listings of %(organizations)d new organisations invited.") % counts)


@require_POST
@officer_required
def event_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: close an event after the day."""
    try:
        events.event_close(actor=request.user, event=_event(pk))
    except DomainError as exc:
        show_error(request, exc)
        return _done(request, pk)
    return _done(request, pk, _("Event closed."))


@require_POST
@officer_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: add an (accepted) meeting between two registered participants."""
    try:
        meetings.meeting_add(actor=request.user, event=_event(pk), scenario_id=int(request.POST.get("scenario") or 0),
                             capability_id=int(request.POST.get("capability") or 0),
                             reason=request.POST.get("reason", ""))
    except (ValueError, DomainError) as exc:
        show_error(request, exc if isinstance(exc, DomainError) else DomainError(_("Choose a need and a capability.")))
        return _done(request, pk)
    return _done(request, pk, _("Meeting added; both sides were told."))


@require_POST
@officer_required
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Program officers: lock, unlock, cancel a meeting, or record its attendance."""
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        if action == "lock":
            meetings.meeting_lock(actor=request.user, meeting_id=pk, slot_id=int(request.POST.get("slot") or 0),
                                  table=int(request.POST.get("table") or 0))
            note = _("Meeting locked at its place.")
        elif action == "unlock":
            meetings.meeting_unlock(actor=request.user, meeting_id=pk)
            note = _("Meeting unlocked.")
        elif action == "cancel":
            meetings.meeting_cancel(actor=request.user, meeting_id=pk, reason=request.POST.get("reason", ""))
            note = _("Meeting cancelled; both sides were told.")
        else:
            meetings.meeting_mark_attendance(actor=request.user, meeting_id=pk,
                                             attendance=request.POST.get("attendance", ""))
            note = _("Attendance recorded.")
    except ValueError:
        messages.error(request, _("Choose a time and a table."))
        return _done(request, meeting.event_id)
    except DomainError as exc:
        show_error(request, exc)
        return _done(request, meeting.event_id)
    return _done(request, meeting.event_id, note)


@require_POST
@officer_required
def schedule_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: "schedule all", or re-schedule moving as few meetings as possible."""
    event = _event(pk)
    try:
        scheduling.schedule_start(actor=request.user, event=event, mode=request.POST.get("mode", ScheduleJob.Mode.ALL))
    except DomainError as exc:
        show_error(request, exc)
    if request.htmx:
        return schedule_progress(request, pk)
    return _done(request, pk)


@officer_required
def schedule_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: the scheduling job's progress and report (an htmx partial that polls while it runs)."""
    event = _event(pk)
    job = scheduling.schedule_job_current(event=event)
    return render(request, "events/_schedule.html", {"event": event, "job": job, "report": report_view(job),
                                                     "modes": ScheduleJob.Mode.choices})


@require_POST
@officer_required
def roadshow_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: propose the roadshow, or save the order they edited."""
    event = _event(pk)
    try:
        if request.POST.get("propose"):
            roadshow.roadshow_propose(actor=request.user, event=event)
            note = _("Roadshow proposed: the listings with most strong matches among the registered audience.")
        else:
            orders = []
            for row in event.listings.all():
                value = (request.POST.get(f"order-{row.pk}") or "").strip()
                if value:
                    orders.append((float(value), row.pk))
            roadshow.roadshow_update(actor=request.user, event=event, order=[pk for _o, pk in sorted(orders)])
            note = _("Roadshow order saved.")
    except ValueError:
        messages.error(request, _("The order is a number for each presenter."))
        return _done(request, pk)
    except DomainError as exc:
        show_error(request, exc)
        return _done(request, pk)
    return _done(request, pk, note)


@officer_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: the table plan (slots × tables), printable, with attendance on the day."""
    event = _event(pk)
    slots, tables, at = table_plan(event=event)
    grid = [(slot, [(t, at.get((slot.pk, t))) for t in tables]) for slot in slots]
    spare = set(range(event.tables - event.spare_tables + 1, event.tables + 1))
    return render(request, "events/plan.html", {"event": event, "tables": tables, "grid": grid, "spare": spare,
                                                "attendance": Meeting.Attendance.choices})


@officer_required
def checkin_desk(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: the check-in list (and checking in by hand)."""
    event = _event(pk)
    if request.method == "POST":
        try:
            participant, new = checkin.participant_check_in(actor=request.user, event=event,
                                                           participant_id=int(request.POST.get("participant") or 0))
        except (ValueError, DomainError) as exc:
            show_error(request, exc if isinstance(exc, DomainError) else DomainError(_("No such participant.")))
        else:
            messages.success(request, (_("%(org)s checked in.") if new else _("%(org)s was already checked in."))
                             % {"org": participant.organization.name})
        return redirect("events:checkin", pk=pk)
    participants = [p for p in event_participants(event=event) if p.status == Participant.Status.REGISTERED]
    return render(request, "events/checkin.html", {"event": event, "participants": participants,
                                                   "n_in": sum(1 for p in participants if p.checked_in_at)})


@officer_required
def checkin_scan(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Program officers: what the QR code on an agenda opens; checking in takes a POST."""
    event = _event(pk)
    participant = Participant.objects.select_related("organization").filter(event=event, checkin_token=token).first()
    if request.method == "POST":
        try:
            participant, new = checkin.participant_check_in(actor=request.user, event=event, token=token)
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, (_("%(org)s checked in.") if new else _("%(org)s was already checked in."))
                             % {"org": participant.organization.name})
            return redirect("events:checkin", pk=pk)
    return render(request, "events/checkin_scan.html", {"event": event, "participant": participant}, status=200 if participant else 404)
