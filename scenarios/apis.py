"""API of listings (both sides) and lists (batches).

The listing endpoints are written once, for a `side`, and instantiated for needs here
(`Scenario…Api`) and for capabilities in suppliers/apis.py. Every rule comes from
scenarios.permissions and scenarios.services, the same functions the pages call:

- reading: published listings are public; other statuses exist only for the posting
  organisation's members and officers (404 for anyone else);
- contact details only for the posting organisation and officers;
- writing: see each operation's "Permissions".
"""
from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly

from accounts.models import Organization
from accounts.permissions import IsOfficer
from accounts.selectors import membership_list_active, organization_get
from core.api.filters import ID_MAX
from core.api.schema import BODY, LIST, api_operation
from core.api.serializers import InputSerializer, ModelInputSerializer
from core.api.views import Api
from core.errors import DomainError, NotAllowed, NotFound
from core.side import SCENARIO, Side

from .filters import BatchFilter, ScenarioFilter
from .models import Batch, Language, ListingBase, ListingStatus, Scenario, TransitionBase
from .permissions import access_listing, can_see_contacts, check_can_edit
from .selectors import (
    batch_field_counts,
    batch_get,
    batch_list,
    field_by_name,
    listing_list_for_actor,
    listing_return_comment,
)
from .services import (
    COMMENT_MAX,
    allowed_actions,
    batch_create,
    listing_archive,
    listing_create,
    listing_publish,
    listing_return,
    listing_submit,
    listing_update,
    listing_withdraw,
)

ACTIONS = [a.value for a in TransitionBase.Action if a not in (TransitionBase.Action.CREATE,
                                                              TransitionBase.Action.EDIT)]
ID_PARAM = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The listing's id.")


# --- output -------------------------------------------------------------------------------------

class FieldOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label", help_text="In the request's language.")

    class Meta:
        ref_name = "Field"


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)

    class Meta:
        ref_name = "OrganizationRef"


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    phone = serializers.CharField(source="contact_phone")
    email = serializers.CharField(source="contact_email")

    class Meta:
        ref_name = "Contact"


class ListingOutputSerializer(serializers.Serializer):
    """What both sides' listings show. `contact` is null unless the caller may see it."""

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="Stable public number, e.g. S00042 or C00017.")
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    field = FieldOutputSerializer()
    province = serializers.CharField()
    city = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)
    organization = OrganizationRefSerializer()
    status = serializers.ChoiceField(choices=ListingStatus.choices)
    batch = serializers.IntegerField(source="batch_id", allow_null=True, help_text="The list it was published in.")
    number = serializers.IntegerField(allow_null=True, help_text="Its number in that list.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    contact = serializers.SerializerMethodField(
        help_text="Shown to the posting organisation and officers only; otherwise null.")
    return_comment = serializers.SerializerMethodField(
        help_text="The officer's comment when the listing was returned for changes; otherwise empty.")
    allowed_actions = serializers.SerializerMethodField(
        help_text="The workflow actions the caller may take now (an endpoint each).")
    can_edit = serializers.SerializerMethodField(help_text="Whether the caller may PATCH it now.")

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, obj: ListingBase) -> dict | None:
        if can_see_contacts(actor=self.context["actor"], listing=obj):
            return ContactSerializer(obj).data
        return None

    def get_return_comment(self, obj: ListingBase) -> str:
        return listing_return_comment(listing=obj)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS)))
    def get_allowed_actions(self, obj: ListingBase) -> list[str]:
        actor = self.context["actor"]
        if not actor.is_authenticated:
            return []
        return [str(a) for a in allowed_actions(actor=actor, listing=obj)]

    def get_can_edit(self, obj: ListingBase) -> bool:
        actor = self.context["actor"]
        if not actor.is_authenticated:
            return False
        try:
            check_can_edit(actor=actor, listing=obj)
        except DomainError:
            return False
        return True


class ScenarioOutputSerializer(ListingOutputSerializer):
    budget_min = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True, coerce_to_string=False,
                                          help_text="Budget from, in 10k CNY.")
    budget_max = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True, coerce_to_string=False,
                                          help_text="Budget up to, in 10k CNY.")
    deadline = serializers.DateField(allow_null=True)
    deployment = serializers.ChoiceField(choices=Scenario._meta.get_field("deployment").choices)
    required_certification = serializers.ChoiceField(
        choices=Scenario._meta.get_field("required_certification").choices)

    class Meta:
        ref_name = "Scenario"


# --- input --------------------------------------------------------------------------------------

class ListingInputSerializerBase(ModelInputSerializer):
    """The owner-editable fields of a listing; the rest of the validation is the model's own
    (the services call full_clean), so the rules live in one place."""

    field = serializers.CharField(max_length=80, help_text="Field code or any of its names, e.g. `smart-imaging`.")

    def validate_field(self, value: str):
        found = field_by_name(value=value)
        if found is None:
            raise serializers.ValidationError(_("Unknown field."))
        return found


class ListingCreateMixin(serializers.Serializer):
    organization = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX,
        help_text="The posting organisation; may be left out by a member of exactly one organisation.")


class ScenarioUpdateInputSerializer(ListingInputSerializerBase):
    class Meta:
        model = Scenario
        fields = Scenario.editable_fields()
        ref_name = "ScenarioUpdate"


class ScenarioCreateInputSerializer(ListingCreateMixin, ScenarioUpdateInputSerializer):
    class Meta(ScenarioUpdateInputSerializer.Meta):
        fields = ("organization", *Scenario.editable_fields())
        ref_name = "ScenarioCreate"


class CommentInputSerializer(InputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX,
                                    help_text="Kept in the listing's history.")

    class Meta:
        ref_name = "TransitionComment"


class ReturnInputSerializer(InputSerializer):
    comment = serializers.CharField(max_length=COMMENT_MAX, help_text="What must change (required).")

    class Meta:
        ref_name = "ReturnComment"


class PublishInputSerializer(InputSerializer):
    batch = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX,
                                     help_text="Publish into this list (batch); it gets the next number.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX)

    class Meta:
        ref_name = "Publish"


# --- examples -----------------------------------------------------------------------------------

SCENARIO_EXAMPLE = {
    "id": 42, "reference": "S00042", "kind": "scenario", "title": "肺结节CT影像辅助诊断",
    "description": "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。",
    "field": {"code": "smart-imaging", "name": "智能影像"}, "province": "广东", "city": "广州",
    "language": "zh-hans", "organization": {"id": 3, "name": "广州市第一人民医院", "kind": "hospital"},
    "status": "published", "batch": 1, "number": 7,
    "created_at": "2025-03-01T09:30:00+08:00", "updated_at": "2025-03-05T10:00:00+08:00",
    "submitted_at": "2025-03-02T11:00:00+08:00", "published_at": "2025-03-05T10:00:00+08:00",
    "contact": None, "return_comment": "", "allowed_actions": [], "can_edit": False,
    "budget_min": 50.0, "budget_max": 200.0, "deadline": "2025-12-31", "deployment": "on_premise",
    "required_certification": "nmpa_ii",
}
SCENARIO_CREATE_EXAMPLE = {
    "title": "肺结节CT影像辅助诊断",
    "description": "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。",
    "field": "smart-imaging", "contact_name": "张医生", "contact_phone": "020-12345678",
    "contact_email": "imaging@example.org", "budget_min": 50, "budget_max": 200, "deployment": "on_premise",
    "required_certification": "nmpa_ii",
}


# --- listing endpoints, written once per side ---------------------------------------------------

class ListingApi(Api):
    side: ClassVar[Side]
    OutputSerializer: ClassVar[type[serializers.Serializer]]

    def listing(self, pk: int) -> ListingBase:
        return access_listing(actor=self.request.user, side=self.side, listing_id=pk)


class ListingListCreateApiBase(ListingApi):
    CreateInputSerializer: ClassVar[type[serializers.Serializer]]
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request):
        return self.respond_page(self.OutputSerializer, listing_list_for_actor(actor=request.user, side=self.side))

    def post(self, request):
        data = self.validated(self.CreateInputSerializer)
        organization = self._posting_organization(data.pop("organization", None))
        listing = listing_create(actor=request.user, side=self.side, organization=organization, data=data)
        return self.respond(self.OutputSerializer, listing, status.HTTP_201_CREATED)

    def _posting_organization(self, organization_id: int | None) -> Organization:
        if organization_id is not None:
            try:
                return organization_get(organization_id=organization_id)
            except NotFound as exc:
                raise DomainError(exc.message, fields={"organization": [exc.message]})
        memberships = list(membership_list_active(user=self.request.user))
        if not memberships:
            raise NotAllowed(_("You can only post for an organisation you are a member of."))
        if len(memberships) > 1:
            message = _("You act for several organisations: say which one posts this.")
            raise DomainError(message, fields={"organization": [message]})
        return memberships[0].organization


class ListingDetailUpdateApiBase(ListingApi):
    UpdateInputSerializer: ClassVar[type[serializers.Serializer]]
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request, pk: int):
        return self.respond(self.OutputSerializer, self.listing(pk))

    def patch(self, request, pk: int):
        # the edit permission first, so that a refused caller learns nothing about their input
        listing = access_listing(actor=request.user, side=self.side, listing_id=pk, for_edit=True)
        data = self.validated(self.UpdateInputSerializer, partial=True)
        return self.respond(self.OutputSerializer, listing_update(actor=request.user, listing=listing, data=data))


class ListingTransitionApiBase(ListingApi):
    InputSerializer: ClassVar[type[serializers.Serializer]] = CommentInputSerializer
    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        listing = self.listing(pk)
        data = self.validated(self.InputSerializer)
        return self.respond(self.OutputSerializer, self.transition(listing, data))

    def transition(self, listing: ListingBase, data: dict[str, Any]) -> ListingBase:
        raise NotImplementedError


class ListingSubmitApiBase(ListingTransitionApiBase):
    def transition(self, listing, data):
        return listing_submit(actor=self.request.user, listing=listing)


class ListingWithdrawApiBase(ListingTransitionApiBase):
    def transition(self, listing, data):
        return listing_withdraw(actor=self.request.user, listing=listing)


class ListingArchiveApiBase(ListingTransitionApiBase):
    def transition(self, listing, data):
        return listing_archive(actor=self.request.user, listing=listing, comment=data.get("comment", ""))


class ListingPublishApiBase(ListingTransitionApiBase):
    InputSerializer = PublishInputSerializer

    def transition(self, listing, data):
        batch = None
        if data.get("batch") is not None:
            try:
                batch = batch_get(batch_id=data["batch"])
            except NotFound as exc:
                raise DomainError(exc.message, fields={"batch": [exc.message]})
        return listing_publish(actor=self.request.user, listing=listing, batch=batch,
                               comment=data.get("comment", ""))


class ListingReturnApiBase(ListingTransitionApiBase):
    InputSerializer = ReturnInputSerializer

    def transition(self, listing, data):
        return listing_return(actor=self.request.user, listing=listing, comment=data["comment"])


# --- documentation, shared by both sides ----------------------------------------------------------

READ_PERMISSIONS = ("Anyone, also anonymous. Published listings are public; a listing in any other status is "
                    "visible only to members of the posting organisation and to program officers (404 for anyone "
                    "else). `contact` is null unless the caller is a member of the posting organisation or an "
                    "officer.")
TRANSITION_DOCS = {
    "submit": ("Submit a draft or returned listing for review", "draft or returned → submitted",
               "Members of the posting organisation."),
    "withdraw": ("Withdraw a listing from review", "submitted → draft", "Members of the posting organisation."),
    "publish": ("Publish a submitted listing", "submitted → published; optionally into a list (batch)",
                "Program officers."),
    "return": ("Return a submitted listing for changes", "submitted → returned, with a required comment",
               "Program officers."),
    "archive": ("Archive a published listing", "published → archived", "Members of the posting organisation "
                "and program officers."),
}


def listing_docs(*, side: Side, label: str, example: dict, create_example: dict, output: type,
                 create_input: type, update_input: type) -> dict[str, Any]:
    """The schema of one side's endpoints, keyed by endpoint, for extend_schema_view."""
    tags = ["scenarios" if side.is_need else "capabilities"]
    docs: dict[str, Any] = {
        "list": api_operation(
            summary=f"List {label}s", tags=tags, errors=LIST, permissions=READ_PERMISSIONS,
            description=f"The {label}s the caller may see, newest published first, filtered and paginated.",
            examples=[OpenApiExample(f"a page of {label}s", value=example, response_only=True)],
            responses={200: output(many=True)}),
        "create": api_operation(
            summary=f"Create a {label} (a draft)", tags=tags, errors=(*BODY, 403), request=create_input,
            permissions="Authenticated members of an organisation, for that organisation (not government "
                        "agencies): 403 otherwise. The draft is visible only to its organisation and to officers "
                        "until it is published.",
            examples=[OpenApiExample(f"new {label}", value=create_example, request_only=True),
                      OpenApiExample(f"created {label}", value={**example, "status": "draft", "batch": None,
                                                                 "number": None, "published_at": None,
                                                                 "submitted_at": None, "contact": {
                                                                     "name": create_example["contact_name"],
                                                                     "phone": create_example["contact_phone"],
                                                                     "email": create_example["contact_email"]},
                                                                 "allowed_actions": ["submit"], "can_edit": True},
                                     response_only=True, status_codes=["201"])],
            responses={201: output}),
        "detail": api_operation(
            summary=f"Read a {label}", tags=tags, errors=(404,), permissions=READ_PERMISSIONS,
            parameters=[ID_PARAM],
            examples=[OpenApiExample(label, value=example, response_only=True)], responses={200: output}),
        "update": api_operation(
            summary=f"Change a {label}", tags=tags, errors=(*BODY, 403, 404, 409), parameters=[ID_PARAM],
            request=update_input,
            permissions="Members of the posting organisation while it is a draft, returned or published; "
                        "program officers while it is published; 403 for others who can see it, 404 for those "
                        "who cannot. Under review or archived: 409. Editing a published listing re-ranks it.",
            examples=[OpenApiExample("new title", value={"title": create_example["title"] + "（二期）"},
                                     request_only=True),
                      OpenApiExample(label, value=example, response_only=True)],
            responses={200: output}),
    }
    for action, (summary, change, who) in TRANSITION_DOCS.items():
        request = {"return": ReturnInputSerializer, "publish": PublishInputSerializer}.get(
            action, CommentInputSerializer)
        request_example = {"comment": "请补充预算与部署方式"} if action == "return" else (
            {"batch": 1, "comment": ""} if action == "publish" else {"comment": ""})
        docs[action] = api_operation(
            summary=summary, tags=tags, errors=(*BODY, 403, 404, 409), parameters=[ID_PARAM], request=request,
            description=f"Status change: {change}. Recorded in the listing's history with the caller and time.",
            permissions=f"{who} Others who can see the listing: 403; listings the caller may not see: 404; "
                        "from any other status: 409.",
            examples=[OpenApiExample(f"{action} input", value=request_example, request_only=True),
                      OpenApiExample(f"after {action}", value=example, response_only=True)],
            responses={200: output})
    return docs


SCENARIO_DOCS = listing_docs(side=SCENARIO, label="scenario need", example=SCENARIO_EXAMPLE,
                             create_example=SCENARIO_CREATE_EXAMPLE, output=ScenarioOutputSerializer,
                             create_input=ScenarioCreateInputSerializer, update_input=ScenarioUpdateInputSerializer)


class _Scenario:
    side = SCENARIO
    OutputSerializer = ScenarioOutputSerializer
    queryset = Scenario.objects.none()  # only for the schema's filter parameters; reads go through the selectors


@extend_schema_view(get=SCENARIO_DOCS["list"], post=SCENARIO_DOCS["create"])
class ScenarioListCreateApi(_Scenario, ListingListCreateApiBase):
    CreateInputSerializer = ScenarioCreateInputSerializer
    filterset_class = ScenarioFilter


@extend_schema_view(get=SCENARIO_DOCS["detail"], patch=SCENARIO_DOCS["update"])
class ScenarioDetailUpdateApi(_Scenario, ListingDetailUpdateApiBase):
    UpdateInputSerializer = ScenarioUpdateInputSerializer


@extend_schema_view(post=SCENARIO_DOCS["submit"])
class ScenarioSubmitApi(_Scenario, ListingSubmitApiBase):
    pass


@extend_schema_view(post=SCENARIO_DOCS["withdraw"])
class ScenarioWithdrawApi(_Scenario, ListingWithdrawApiBase):
    pass


@extend_schema_view(post=SCENARIO_DOCS["publish"])
class ScenarioPublishApi(_Scenario, ListingPublishApiBase):
    pass


@extend_schema_view(post=SCENARIO_DOCS["return"])
class ScenarioReturnApi(_Scenario, ListingReturnApiBase):
    pass


@extend_schema_view(post=SCENARIO_DOCS["archive"])
class ScenarioArchiveApi(_Scenario, ListingArchiveApiBase):
    pass


# --- lists (batches) ----------------------------------------------------------------------------

class BatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    published_on = serializers.DateField()
    description = serializers.CharField()
    scenario_count = serializers.IntegerField(source="n_scenarios", help_text="Published needs in the list.")
    capability_count = serializers.IntegerField(source="n_capabilities",
                                                help_text="Published capabilities in the list.")

    class Meta:
        ref_name = "Batch"


class BatchFieldCountSerializer(serializers.Serializer):
    field = FieldOutputSerializer()
    scenario = serializers.IntegerField()
    capability = serializers.IntegerField()

    class Meta:
        ref_name = "BatchFieldCount"


class BatchDetailOutputSerializer(BatchOutputSerializer):
    field_counts = serializers.SerializerMethodField(help_text="Published needs and capabilities per field.")

    class Meta:
        ref_name = "BatchDetail"

    @extend_schema_field(BatchFieldCountSerializer(many=True))
    def get_field_counts(self, obj: Batch) -> list[dict]:
        return BatchFieldCountSerializer(batch_field_counts(batch=obj), many=True).data


class BatchCreateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=Batch._meta.get_field("name").max_length)
    published_on = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True,
                                        max_length=Batch._meta.get_field("description").max_length)

    class Meta:
        ref_name = "BatchCreate"


BATCH_EXAMPLE = {"id": 1, "name": "2025年广东省生物医药应用场景清单", "published_on": "2025-06-30",
                 "description": "38项场景机会、12项供给能力", "scenario_count": 38, "capability_count": 12}
BATCH_PERMISSIONS = "Anyone, also anonymous. Counts include published listings only."


@extend_schema_view(
    get=api_operation(
        summary="List the published lists (batches)", tags=["batches"], errors=LIST, permissions=BATCH_PERMISSIONS,
        responses={200: BatchOutputSerializer(many=True)},
        examples=[OpenApiExample("lists", value=BATCH_EXAMPLE, response_only=True)]),
    post=api_operation(
        summary="Create a list (batch)", tags=["batches"], errors=(*BODY, 403), request=BatchCreateInputSerializer,
        permissions="Program officers (403 for anyone else). Listings join a list when an officer publishes them "
                    "into it.",
        responses={201: BatchOutputSerializer},
        examples=[OpenApiExample("new list", request_only=True, value={
                      "name": BATCH_EXAMPLE["name"], "published_on": "2025-06-30", "description": ""}),
                  OpenApiExample("created list", response_only=True, status_codes=["201"],
                                 value={**BATCH_EXAMPLE, "scenario_count": 0, "capability_count": 0})]),
)
class BatchListCreateApi(Api):
    filterset_class = BatchFilter
    queryset = Batch.objects.none()  # only for the schema's filter parameters; reads go through the selectors

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsOfficer()]
        return [AllowAny()]

    def get(self, request):
        return self.respond_page(BatchOutputSerializer, batch_list())

    def post(self, request):
        data = self.validated(BatchCreateInputSerializer)
        batch = batch_create(actor=request.user, **data)
        return self.respond(BatchOutputSerializer, batch_get(batch_id=batch.pk), status.HTTP_201_CREATED)


@extend_schema_view(
    get=api_operation(
        summary="Read a list (batch) with its counts per field", tags=["batches"], errors=(404,),
        permissions=BATCH_PERMISSIONS, parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: BatchDetailOutputSerializer},
        description="The list's listings are at `/api/scenarios/?batch=<id>` and `/api/capabilities/?batch=<id>`.",
        examples=[OpenApiExample("list", response_only=True, value={**BATCH_EXAMPLE, "field_counts": [
            {"field": {"code": "smart-imaging", "name": "智能影像"}, "scenario": 9, "capability": 4}]})]),
)
class BatchDetailApi(Api):
    permission_classes = [AllowAny]

    def get(self, request, pk: int):
        return self.respond(BatchDetailOutputSerializer, batch_get(batch_id=pk))
