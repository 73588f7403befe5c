import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read messages in English, the msgids; the translated pages are tested in
    tests/web (a complete catalogue would otherwise turn every message into Chinese here)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
