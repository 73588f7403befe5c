"""Who hears about a listing's transitions, and what they are told."""
from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify, officer_recipients, organization_recipients

from .models import ListingBase, TransitionBase

Action = TransitionBase.Action


def listing_link(listing: ListingBase) -> str:
    try:
        return reverse("scenarios:listing-detail", kwargs={"side": listing.SIDE, "pk": listing.pk})
    except NoReverseMatch:
        return ""


def listing_transitioned(*, listing: ListingBase, action: str, actor: User | None, comment: str) -> None:
    """Owners hear when their listing is published or returned; officers when one is submitted.

    Written in the site's default language, not the actor's: the recipients are other people."""
    with translation.override(settings.LANGUAGE_CODE):
        _notify(listing=listing, action=action, comment=comment)


def _notify(*, listing: ListingBase, action: str, comment: str) -> None:
    link = listing_link(listing)
    if action == Action.PUBLISH:
        notify(users=organization_recipients(organization=listing.organization),
               subject=_("Published: %(title)s") % {"title": listing.title},
               body=_("Your listing “%(title)s” has been published.") % {"title": listing.title}, link=link)
    elif action == Action.RETURN:
        notify(users=organization_recipients(organization=listing.organization),
               subject=_("Returned for changes: %(title)s") % {"title": listing.title},
               body=_("The program officer's comment: %(comment)s") % {"comment": comment}, link=link)
    elif action == Action.SUBMIT:
        notify(users=officer_recipients(),
               subject=_("Waiting for review: %(title)s") % {"title": listing.title},
               body=_("%(org)s submitted “%(title)s”.") % {"org": listing.organization.name,
                                                            "title": listing.title}, link=link)
