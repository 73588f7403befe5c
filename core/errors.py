"""The project's own error types, raised by services and permission checks.

Interfaces translate them: pages show the message, the API maps `status` to the HTTP code.
Messages are lazy translations so that each user reads them in their own language.
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that the rules of the platform refuse; nothing was changed."""

    status = 400
    code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The actor is known but may not do this (HTTP 403)."""

    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    """The object does not exist or the actor may not know that it does (HTTP 404)."""

    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action (HTTP 409)."""

    status = 409
    code = "invalid_state"
