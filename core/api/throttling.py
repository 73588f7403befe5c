"""Throttles whose rates and cache come from settings at request time.

DRF's own classes copy the rates when they are imported, so a changed setting (a test that
wants a 429, an operator tuning API_THROTTLE_*) would be ignored until a restart.
"""
from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from rest_framework import throttling


class _FromSettings:
    scope: str

    @property
    def cache(self):
        return caches[settings.API_THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope) or None


class AnonThrottle(_FromSettings, throttling.AnonRateThrottle):
    """Anonymous clients, per IP address."""

    scope = "anon"


class UserThrottle(_FromSettings, throttling.UserRateThrottle):
    """Authenticated clients, per user."""

    scope = "user"


class LoginThrottle(_FromSettings, throttling.SimpleRateThrottle):
    """Password attempts (token endpoint), per IP address whoever is logged in."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
