"""What the HTML pages share: turning the project's errors into responses.

Services raise config.errors types; a page shows NotFound as 404 (ids reveal nothing), NotAllowed
as 403, and any other DomainError as a message to the user next to what they were doing.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import DomainError, NotAllowed, NotFound


def raise_http(exc: DomainError) -> None:
    """Re-raise NotFound / NotAllowed as Django's 404 / 403; return for other domain errors."""
    if isinstance(exc, NotFound):
        raise Http404(str(exc)) from exc
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(str(exc)) from exc


def http_errors(view: Callable) -> Callable:
    """Let a view call services and selectors without catching NotFound / NotAllowed itself."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, NotAllowed) as exc:
            raise_http(exc)
            raise  # unreachable: raise_http always raises for these two

    return wrapper


def member_required(view: Callable) -> Callable:
    """Logged-in users; NotFound / NotAllowed from services become 404 / 403."""
    return login_required(http_errors(view))


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Redirect to the form's `next` (same site only) or to `fallback` (a URL)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def show_error(request: HttpRequest, exc: DomainError) -> None:
    """A refused action that is the user's to fix: say why, in their language."""
    raise_http(exc)
    messages.error(request, str(exc))
