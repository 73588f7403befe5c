"""Shared set-ups for the page tests: a published need and capability with their match."""
from __future__ import annotations

from core.side import CAPABILITY, SCENARIO
from matching.models import Match
from scenarios.models import ListingStatus
from tests.factories import PASSWORD, make_listing


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def published_pair(capture, *, hospital, hospital_user, vendor, vendor_user, officer):
    """A published need and a published capability, ranked against each other (on-commit
    callbacks run so that the engine stores the match)."""
    with capture(execute=True):
        scenario = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.PUBLISHED,
                                officer=officer)
    with capture(execute=True):
        capability = make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=ListingStatus.PUBLISHED,
                                  officer=officer)
    match = Match.objects.get(scenario=scenario, capability=capability)
    return scenario, capability, match
