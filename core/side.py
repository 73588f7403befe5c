"""The two kinds of listing and the model behind each name."""
from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound

SCENARIO = "scenario"
CAPABILITY = "capability"
KINDS = (SCENARIO, CAPABILITY)
KIND_LABELS = {SCENARIO: _("Scenario opportunity"), CAPABILITY: _("Supply capability")}
# The words a published provincial list uses in its "type" column.
KIND_LIST_NAMES = {SCENARIO: "场景机会", CAPABILITY: "供给能力"}


def listing_model(kind: str):
    if kind == SCENARIO:
        return apps.get_model("scenarios", "Scenario")
    if kind == CAPABILITY:
        return apps.get_model("suppliers", "Capability")
    raise NotFound(_("Unknown listing type."))


def other_kind(kind: str) -> str:
    return CAPABILITY if kind == SCENARIO else SCENARIO
