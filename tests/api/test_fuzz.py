"""Schemathesis against the generated OpenAPI schema, in-process through Django's WSGI handler.

Every operation as a vendor's member and as a program officer (both with tokens), and every
public operation as an anonymous client, over the populated world of tests/api/world.py. A
fixed seed and a bounded number of examples per operation keep it reproducible and quick.
Checks: no 5xx, every status code and content type documented, every body as the schema says,
and invalid input refused with a 4xx.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

SEED = 20251124
MAX_EXAMPLES = 12
CONFIG = {
    "seed": SEED,
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
    "generation": {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
    },
}
pytestmark = pytest.mark.django_db


@pytest.fixture
def _in_test_transaction():
    """Django's WSGI handler closes "old" connections around each request, which inside the test's
    transaction would throw the transaction away; its test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded when the module is collected (Django is set up by then; the schema needs no database).
# Each operation becomes its own test item, named by method and path.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(),
                                        config=schemathesis.Config.from_dict(CONFIG))


def _world_ids(world) -> dict[str, list[int]]:
    from accounts.models import Organization
    from core.side import CAPABILITY, SCENARIO
    from matching.models import Match

    return {
        "scenarios": sorted(o.pk for o in world.every_listing if o.SIDE == SCENARIO),
        "capabilities": sorted(o.pk for o in world.every_listing if o.SIDE == CAPABILITY),
        "matches": sorted(Match.objects.values_list("pk", flat=True)),
        "organizations": sorted(Organization.objects.values_list("pk", flat=True)),
        "batches": [world.batch.pk], "jobs": [world.job.pk],
        "events": [world.event_world.event.pk],
        "meetings": sorted(m.pk for m in world.event_world.meetings.values()),
        "rounds": [world.event_world.round.pk],
    }


def _fuzz(case, world, role: str) -> None:
    # Aim generated ids at the world's objects (deterministically, from the generated value), so
    # that the fuzzing reaches real listings and matches, not only 404s.
    value = (case.path_parameters or {}).get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        ids = _world_ids(world)[case.path.split("/")[2]]
        case.path_parameters["id"] = ids[value % len(ids)]
    headers = {"Authorization": f"Token {world.tokens[role]}"} if role != "anon" else {}
    case.call_and_validate(headers=headers)


def _public(ctx) -> bool:
    """Operations an anonymous caller may use (their security allows no credentials); on the
    others an anonymous caller only ever gets the 401 that the authorization matrix checks."""
    return {} in (ctx.operation.definition.raw.get("security") or [{}])


@schema.include(_public).parametrize()
@pytest.mark.usefixtures("_in_test_transaction")
def test_api_conforms_to_its_schema_as_anonymous(case, world):
    _fuzz(case, world, "anon")


@schema.parametrize()
@pytest.mark.usefixtures("_in_test_transaction")
def test_api_conforms_to_its_schema_as_vendor(case, world):
    _fuzz(case, world, "vendor")


@schema.parametrize()
@pytest.mark.usefixtures("_in_test_transaction")
def test_api_conforms_to_its_schema_as_officer(case, world):
    _fuzz(case, world, "officer")
