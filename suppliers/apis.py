"""API of capabilities (供给能力): the listing endpoints of scenarios/apis.py for the supply side,
with the same rules (scenarios.permissions, scenarios.services)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from core.side import CAPABILITY
from scenarios.apis import (
    SCENARIO_EXAMPLE,
    ListingArchiveApiBase,
    ListingCreateMixin,
    ListingDetailUpdateApiBase,
    ListingInputSerializerBase,
    ListingListCreateApiBase,
    ListingOutputSerializer,
    ListingPublishApiBase,
    ListingReturnApiBase,
    ListingSubmitApiBase,
    ListingWithdrawApiBase,
    listing_docs,
)

from .filters import CapabilityFilter
from .models import Capability


class CapabilityOutputSerializer(ListingOutputSerializer):
    maturity = serializers.ChoiceField(choices=Capability._meta.get_field("maturity").choices)
    certification = serializers.ChoiceField(choices=Capability._meta.get_field("certification").choices)
    deployment = serializers.ChoiceField(choices=Capability._meta.get_field("deployment").choices)
    reference_deployments = serializers.CharField()

    class Meta:
        ref_name = "Capability"


class CapabilityUpdateInputSerializer(ListingInputSerializerBase):
    class Meta:
        model = Capability
        fields = Capability.editable_fields()
        ref_name = "CapabilityUpdate"


class CapabilityCreateInputSerializer(ListingCreateMixin, CapabilityUpdateInputSerializer):
    class Meta(CapabilityUpdateInputSerializer.Meta):
        fields = ("organization", *Capability.editable_fields())
        ref_name = "CapabilityCreate"


_COMMON = {k: v for k, v in SCENARIO_EXAMPLE.items()
           if k not in ("budget_min", "budget_max", "deadline", "deployment", "required_certification")}
CAPABILITY_EXAMPLE = {
    **_COMMON, "id": 17, "reference": "C00017", "kind": "capability", "title": "肺结节CT智能检测软件",
    "description": "深度学习检出实性与亚实性肺结节，已获第三类医疗器械注册证，可院内私有化部署。",
    "city": "深圳", "organization": {"id": 5, "name": "华影智能科技有限公司", "kind": "company"},
    "maturity": "registered", "certification": "nmpa_iii", "deployment": "either",
    "reference_deployments": "已在省内三家三甲医院部署",
}
CAPABILITY_CREATE_EXAMPLE = {
    "title": CAPABILITY_EXAMPLE["title"], "description": CAPABILITY_EXAMPLE["description"], "field": "smart-imaging",
    "contact_name": "李经理", "contact_phone": "0755-87654321", "contact_email": "sales@example.com",
    "maturity": "registered", "certification": "nmpa_iii", "deployment": "either",
    "reference_deployments": "已在省内三家三甲医院部署",
}
CAPABILITY_DOCS = listing_docs(side=CAPABILITY, label="capability", example=CAPABILITY_EXAMPLE,
                               create_example=CAPABILITY_CREATE_EXAMPLE, output=CapabilityOutputSerializer,
                               create_input=CapabilityCreateInputSerializer,
                               update_input=CapabilityUpdateInputSerializer)


class _Capability:
    side = CAPABILITY
    OutputSerializer = CapabilityOutputSerializer
    queryset = Capability.objects.none()  # only for the schema's filter parameters; reads go through the selectors


@extend_schema_view(get=CAPABILITY_DOCS["list"], post=CAPABILITY_DOCS["create"])
class CapabilityListCreateApi(_Capability, ListingListCreateApiBase):
    CreateInputSerializer = CapabilityCreateInputSerializer
    filterset_class = CapabilityFilter


@extend_schema_view(get=CAPABILITY_DOCS["detail"], patch=CAPABILITY_DOCS["update"])
class CapabilityDetailUpdateApi(_Capability, ListingDetailUpdateApiBase):
    UpdateInputSerializer = CapabilityUpdateInputSerializer


@extend_schema_view(post=CAPABILITY_DOCS["submit"])
class CapabilitySubmitApi(_Capability, ListingSubmitApiBase):
    pass


@extend_schema_view(post=CAPABILITY_DOCS["withdraw"])
class CapabilityWithdrawApi(_Capability, ListingWithdrawApiBase):
    pass


@extend_schema_view(post=CAPABILITY_DOCS["publish"])
class CapabilityPublishApi(_Capability, ListingPublishApiBase):
    pass


@extend_schema_view(post=CAPABILITY_DOCS["return"])
class CapabilityReturnApi(_Capability, ListingReturnApiBase):
    pass


@extend_schema_view(post=CAPABILITY_DOCS["archive"])
class CapabilityArchiveApi(_Capability, ListingArchiveApiBase):
    pass
