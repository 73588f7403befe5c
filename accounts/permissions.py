"""Who is a program officer, as pages and API endpoints ask it (the rule is accounts.selectors)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.selectors import user_is_officer
from core.pages import http_errors


class IsOfficer(BasePermission):
    """Program officers only (after IsAuthenticated, so that anonymous callers get 401)."""

    message = _("Only program officers can do this.")

    def has_permission(self, request, view) -> bool:
        return user_is_officer(user=request.user)


def officer_required(view: Callable) -> Callable:
    """Logged-in program officers only: anonymous users go to the login page, others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_is_officer(user=request.user):
            raise PermissionDenied("program officers only")
        return http_errors(view)(request, *args, **kwargs)

    return wrapper
