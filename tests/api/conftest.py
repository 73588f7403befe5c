import itertools

import pytest
from django.utils import translation
from rest_framework.test import APIClient

_cache_names = itertools.count()


@pytest.fixture(autouse=True)
def _api_throttle_isolated(settings):
    """Each test counts requests in a fresh in-memory cache (never the shared Redis of CI) and
    with rates no test reaches; tests about throttling lower them."""
    alias = f"api-throttle-{next(_cache_names)}"
    settings.CACHES = {**settings.CACHES,
                       alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}}
    settings.API_THROTTLE_CACHE = alias
    settings.API_THROTTLE_RATES = {"anon": "100000/min", "user": "100000/min", "login": "100000/min"}
    # the world's users have MD5 hashes (tests/api/world.py): PBKDF2 would cost seconds per module
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 *[h for h in settings.PASSWORD_HASHERS if "MD5" not in h]]
    yield


@pytest.fixture(autouse=True)
def _english(settings):
    """API tests read error messages in English, the msgids (requests carry no Accept-Language,
    so the site default applies)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The populated platform of tests/api/world.py, built once per module inside a transaction
    that is rolled back at the end; each test runs in its own savepoint inside it."""
    from django.db import transaction

    from .world import build_world

    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)


@pytest.fixture
def client_for(world):
    """An API client authenticated with the role's token (anonymous for "anon")."""

    def make(role: str) -> APIClient:
        client = APIClient()
        if role != "anon":
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        return client

    return make
