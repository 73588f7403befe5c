"""DRF permission classes that only ask the project's own rules (accounts.selectors)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.selectors import user_is_officer


class IsOfficer(BasePermission):
    """Program officers only (after IsAuthenticated, so that anonymous callers get 401)."""

    message = _("Only program officers can do this.")

    def has_permission(self, request, view) -> bool:
        return user_is_officer(user=request.user)
