"""The day: the desk checks organisations in from the QR code on their agenda (or the list)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import InvalidTransition, NotFound

from ..models import Event, Participant
from .common import require_officer


@transaction.atomic
def participant_check_in(*, actor: User, event: Event, token: str = "", participant_id: int | None = None
                         ) -> tuple[Participant, bool]:
    """Check a registered organisation in, by its QR token or its id. Returns the participant
    and whether this call checked it in (False: it already was; checking in twice is harmless)."""
    require_officer(actor)
    qs = Participant.objects.select_for_update(of=("self",)).select_related("organization").filter(event=event)
    participant = (qs.filter(checkin_token=token).first() if token else
                   qs.filter(pk=participant_id).first() if participant_id else None)
    if participant is None:
        raise NotFound(_("This code is not a participant of this event."))
    if participant.status != Participant.Status.REGISTERED:
        raise InvalidTransition(_("%(org)s has not registered for this event.") % {"org": participant.organization.name})
    if participant.checked_in_at:
        return participant, False
    participant.checked_in_at = timezone.now()
    participant.save(update_fields=["checked_in_at"])
    return participant, True
