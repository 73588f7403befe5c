"""What the events services share: who acts, and locking an event."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import user_is_officer
from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound

from ..models import Event


def require_officer(actor: User) -> None:
    if not user_is_officer(user=actor):
        raise NotAllowed(_("Only program officers can do this."))


def lock_event(event: Event | int) -> Event:
    pk = event.pk if isinstance(event, Event) else event
    locked = Event.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No such event."))
    return locked


def require_open(event: Event) -> None:
    if event.status != Event.Status.OPEN:
        raise InvalidTransition(_("This event is closed."))


EARLIEST, LATEST = 2000, 2100


def require_sane_date(value, *, field: str) -> None:
    """Dates and times far outside an event's life are typing mistakes (and local times near the
    ends of the calendar cannot be computed)."""
    from datetime import date, datetime

    year = value.year if isinstance(value, (date, datetime)) else None
    if year is None or not EARLIEST <= year <= LATEST:
        raise DomainError(_("Give a date between %(a)d and %(b)d.") % {"a": EARLIEST, "b": LATEST},
                          fields={field: [_("Give a date between %(a)d and %(b)d.") % {"a": EARLIEST, "b": LATEST}]})


def listing_ref(obj) -> str:
    """How a message names a listing: its reference and title."""
    return f"{obj.reference} {obj.title}"
