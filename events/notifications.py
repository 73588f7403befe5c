"""Every notification the events app sends, in one place (so that moving to another
notification service touches this module only).

Texts are written in the site's default language, not the actor's: the recipients are other
people (as accounts.notifications.notify and the listing notifications do)."""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.notifications import notify, officer_recipients, organization_recipients

from .models import Event, Meeting, MeetingState


def _event_link(event: Event) -> str:
    try:
        return reverse("events:event-detail", kwargs={"pk": event.pk})
    except NoReverseMatch:
        return ""


def _to_orgs(orgs: Iterable[Organization], *, subject: str, body: str, link: str) -> None:
    users: list[User] = []
    for org in orgs:
        users += organization_recipients(organization=org)
    if users:
        notify(users=users, subject=subject, body=body, link=link)


def _pair(meeting: Meeting) -> dict:
    return {"s": meeting.scenario.title, "c": meeting.capability.title, "event": meeting.event.name}


def invited(*, event: Event, organizations: Iterable[Organization]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _to_orgs(organizations, subject=_("Invitation: %(event)s") % {"event": event.name},
                 body=_("Your organisation's listings are invited to %(event)s on %(date)s at %(venue)s. "
                        "Register your representatives and when they are available, or decline.")
                 % {"event": event.name, "date": event.date.isoformat(), "venue": event.venue},
                 link=_event_link(event))


def meeting_changed(*, meeting: Meeting, actor_org: Organization | None) -> None:
    """The other side (or both, when an officer acted) hears of a request, an acceptance, a
    decline or a cancellation."""
    sides = [meeting.scenario.organization, meeting.capability.organization]
    recipients = [o for o in sides if actor_org is None or o.pk != actor_org.pk]
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = {
            MeetingState.PENDING: (_("Meeting request: %(s)s ↔ %(c)s"),
                                   _("A meeting at %(event)s is requested. Accept or decline it on the event's page.")),
            MeetingState.ACCEPTED: (_("Meeting accepted: %(s)s ↔ %(c)s"),
                                    _("The meeting at %(event)s is accepted; the schedule gives it a time and a table.")),
            MeetingState.DECLINED: (_("Meeting declined: %(s)s ↔ %(c)s"),
                                    _("The meeting at %(event)s was declined.")),
            MeetingState.CANCELLED: (_("Meeting cancelled: %(s)s ↔ %(c)s"),
                                     _("The meeting at %(event)s was cancelled.")),
            MeetingState.PROPOSED: (_("Meeting proposed: %(s)s ↔ %(c)s"),
                                    _("The scheduler proposes this meeting at %(event)s.")),
        }[meeting.state]
        _to_orgs(recipients, subject=subject % _pair(meeting), body=body % _pair(meeting),
                 link=_event_link(meeting.event))


def agenda_ready(*, event: Event, organizations: Iterable[Organization]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _to_orgs(organizations, subject=_("Your agenda for %(event)s") % {"event": event.name},
                 body=_("The schedule of %(event)s changed your meetings. Your agenda shows each meeting's time "
                        "and table.") % {"event": event.name},
                 link=_event_link(event))


def schedule_finished(*, event: Event, user: User | None, failed: bool) -> None:
    users = [user] if user is not None else officer_recipients()
    with translation.override(settings.LANGUAGE_CODE):
        subject = (_("Scheduling failed: %(event)s") if failed else _("Schedule ready: %(event)s")) % {
            "event": event.name}
        try:
            link = reverse("events:officer-event", kwargs={"pk": event.pk})
        except NoReverseMatch:
            link = ""
        notify(users=users, subject=subject, body=_("The report is on the event's page."), link=link)
