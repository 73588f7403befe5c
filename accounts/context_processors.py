from functools import partial

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .selectors import membership_list_active, notification_unread_count, user_is_officer, user_listing_sides


def _optional_url(name: str) -> str:
    """A URL of a part of the site that may not be installed (spreadsheet import): '' if absent."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def roles(request: HttpRequest) -> dict:
    """What the layout needs to show the right menus. Counts are callables, so a page that does
    not render them costs no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_officer": False, "my_memberships": [], "my_listing_sides": [], "unread_notifications": 0}
    officer = user_is_officer(user=user)
    return {
        "is_officer": officer,
        "my_memberships": membership_list_active(user=user),
        "my_listing_sides": partial(user_listing_sides, user=user),
        "unread_notifications": partial(notification_unread_count, user=user),
        "imports_upload_url": _optional_url("transfer:upload") if officer else "",
    }
