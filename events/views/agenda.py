"""A participant's agenda: the page (printable), the PDF, the .ics file, with the check-in QR code.

Who may see them: members of that organisation and program officers; for anyone else the
participant does not exist (404).
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from core.pages import member_required

from ..documents import agenda_ics, agenda_pdf, qr_svg
from ..permissions import access_event, access_participant
from ..selectors import agenda


def _load(request: HttpRequest, pk: int, org: int):
    event = access_event(actor=request.user, event_id=pk)
    participant = access_participant(actor=request.user, event=event, organization_id=org)
    checkin = request.build_absolute_uri(reverse("events:checkin-scan",
                                                 kwargs={"pk": pk, "token": participant.checkin_token}))
    return event, participant, agenda(event=event, participant=participant), checkin


def _filename(event, participant, ext: str) -> str:
    return f"agenda-{event.pk}-{slugify(participant.organization.name, allow_unicode=False) or participant.pk}.{ext}"


@member_required
def agenda_page(request: HttpRequest, pk: int, org: int) -> HttpResponse:
    """Members of the organisation and officers: its agenda, printable, with ratings after meetings."""
    event, participant, items, checkin = _load(request, pk, org)
    return render(request, "events/agenda.html", {"event": event, "participant": participant, "items": items,
                                                  "qr": qr_svg(checkin)})


@member_required
def agenda_pdf_view(request: HttpRequest, pk: int, org: int) -> HttpResponse:
    """Members of the organisation and officers: the agenda as a PDF."""
    event, participant, items, checkin = _load(request, pk, org)
    response = HttpResponse(agenda_pdf(event=event, participant=participant, items=items, checkin_url=checkin),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(event, participant, "pdf")}"'
    return response


@member_required
def agenda_ics_view(request: HttpRequest, pk: int, org: int) -> HttpResponse:
    """Members of the organisation and officers: the agenda as an iCalendar file."""
    event, participant, items, _checkin = _load(request, pk, org)
    page = request.build_absolute_uri(reverse("events:agenda", kwargs={"pk": pk, "org": org}))
    response = HttpResponse(agenda_ics(event=event, participant=participant, items=items, base_url=page),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(event, participant, "ics")}"'
    return response
