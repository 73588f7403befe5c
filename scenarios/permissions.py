"""Who may see and change a listing (a need or a capability).

- Published listings are public, without contact details (the pages decide what they render).
- Every other status is visible only to members of the owning organisation and to officers;
  to anyone else it does not exist (404, so that ids reveal nothing).
- Owners edit drafts and returned listings; owners and officers edit published ones (which
  re-ranks them); nobody edits a listing under review or archived.
"""
from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import Actor, user_is_member, user_is_officer, user_organization_ids
from core.errors import InvalidTransition, NotAllowed, NotFound
from core.side import Side

from .models import ListingBase, ListingStatus

EDITABLE_BY_OWNER = frozenset({ListingStatus.DRAFT, ListingStatus.RETURNED, ListingStatus.PUBLISHED})


def listing_visible_q(*, actor: Actor) -> Q:
    """The filter that keeps exactly the listings `actor` may see."""
    if user_is_officer(user=actor):
        return Q()
    org_ids = user_organization_ids(user=actor)
    q = Q(status=ListingStatus.PUBLISHED)
    if org_ids:
        q |= Q(organization_id__in=org_ids)
    return q


def can_view_listing(*, actor: Actor, listing: ListingBase) -> bool:
    return (
        listing.status == ListingStatus.PUBLISHED
        or user_is_officer(user=actor)
        or user_is_member(user=actor, organization_id=listing.organization_id)
    )


def can_see_contacts(*, actor: Actor, listing: ListingBase) -> bool:
    """Contacts are shown to the owner and officers; the other side sees them only through an
    approved match (matching.selectors)."""
    return user_is_officer(user=actor) or user_is_member(user=actor, organization_id=listing.organization_id)


def check_can_edit(*, actor: Actor, listing: ListingBase) -> None:
    """Raise unless `actor` may edit `listing` in its current state."""
    if not can_view_listing(actor=actor, listing=listing):
        raise NotFound(_("No such listing."))
    owner = user_is_member(user=actor, organization_id=listing.organization_id)
    officer = user_is_officer(user=actor)
    if listing.status == ListingStatus.PUBLISHED and (owner or officer):
        return
    if not owner:
        raise NotAllowed(_("Only members of the organisation that posted this listing can edit it."))
    if listing.status not in EDITABLE_BY_OWNER:
        if listing.status == ListingStatus.SUBMITTED:
            raise InvalidTransition(_("This listing is under review; withdraw it before editing."))
        raise InvalidTransition(_("An archived listing cannot be edited."))


def access_listing(*, actor: Actor, side: Side, listing_id: int, for_edit: bool = False) -> ListingBase:
    """Fetch a listing `actor` may see (NotFound otherwise); with for_edit, one they may edit."""
    model = side.model
    listing = model.objects.select_related("organization", "field", "batch").filter(pk=listing_id).first()
    if listing is None or not can_view_listing(actor=actor, listing=listing):
        raise NotFound(_("No such listing."))
    if for_edit:
        check_can_edit(actor=actor, listing=listing)
    return listing


def can_manage_listing(*, actor: Actor, listing: ListingBase) -> bool:
    """The workspace page of a listing (status, history, officers' comments, candidates) is for
    the posting organisation and officers only, whatever the status."""
    return user_is_officer(user=actor) or user_is_member(user=actor, organization_id=listing.organization_id)


def access_listing_workspace(*, actor: Actor, side: Side, listing_id: int) -> ListingBase:
    """Fetch a listing for its workspace page: NotFound for anyone but its owners and officers
    (a published listing's public page is scenarios:listing-detail)."""
    listing = access_listing(actor=actor, side=side, listing_id=listing_id)
    if not can_manage_listing(actor=actor, listing=listing):
        raise NotFound(_("No such listing."))
    return listing
