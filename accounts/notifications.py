"""In-app notifications and the e-mail that goes with each."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from .models import Membership, Notification, Organization, User

log = logging.getLogger(__name__)


def organization_recipients(*, organization: Organization) -> list[User]:
    return [m.user for m in Membership.objects.filter(organization=organization, status=Membership.Status.ACTIVE)
            .select_related("user")]


def officer_recipients() -> list[User]:
    return [m.user for m in Membership.objects.filter(
        role=Membership.Role.OFFICER, status=Membership.Status.ACTIVE,
        organization__kind=Organization.Kind.AGENCY).select_related("user")]


def notify(*, users: Iterable[User], subject: str, body: str = "", link: str = "") -> list[Notification]:
    """Store a notification per user now; send the e-mails after the transaction commits.

    Texts are rendered in the site's default language: e-mail has no request to take a
    language from.
    """
    users = list({u.pk: u for u in users}.values())
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = str(subject)[:200], str(body)
    created = Notification.objects.bulk_create(
        [Notification(user=u, subject=subject, body=body, link=link) for u in users]
    )
    addresses = [u.email for u in users if u.email]
    if addresses:
        def _send() -> None:
            try:
                send_mail(subject, f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, addresses)
            except Exception:  # mail trouble must not undo the decision that caused it
                log.exception("notification e-mail failed")

        transaction.on_commit(_send)
    return created
