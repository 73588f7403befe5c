"""API of matches and re-rank jobs.

Every read goes through matching.selectors and every change through matching.workflow or
matching.services, the functions the pages call:

- a listing's ranked candidates: members of the listing's organisation and officers;
- a match: officers and members of either side (404 for anyone else);
- the other side's contact: only once an officer has approved the match;
- decisions and re-rank jobs: officers.
"""
from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import IsOfficer
from core.api.filters import query_bool
from core.api.schema import BODY, LIST, api_operation
from core.api.serializers import InputSerializer
from core.api.views import Api
from core.errors import NotFound
from core.side import CAPABILITY, SCENARIO, Side
from scenarios.apis import ContactSerializer, FieldOutputSerializer, OrganizationRefSerializer
from scenarios.models import ListingBase, ListingStatus
from scenarios.permissions import can_see_contacts

from .filters import MatchFilter
from .models import Match, MatchStatus, RerankJob
from .selectors import (
    access_match,
    can_see_match_contacts,
    match_list_for_listing,
    match_list_mine,
    match_queue,
    rerank_job_current,
    rerank_job_get,
    rerank_job_list,
)
from .services import rerank_start
from .workflow import REASON_MAX, match_approve, match_express_interest, match_reject

MATCH_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The match's id.")


# --- output -------------------------------------------------------------------------------------

class ScorePartsSerializer(serializers.Serializer):
    dense = serializers.FloatField(required=False, help_text="Cosine similarity of the embeddings.")
    lexical = serializers.FloatField(required=False, help_text="BM25 relevance of the segmented text.")
    structured = serializers.FloatField(required=False, help_text="Field, region and requirement agreement.")

    class Meta:
        ref_name = "ScoreParts"


class MatchPartsSerializer(serializers.Serializer):
    s2c = ScorePartsSerializer(required=False, help_text="Ranking the capability for the need.")
    c2s = ScorePartsSerializer(required=False, help_text="Ranking the need for the capability.")

    class Meta:
        ref_name = "MatchParts"


class RequirementCheckSerializer(serializers.Serializer):
    aspect = serializers.CharField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=["met", "not_met", "unknown"])
    detail = serializers.CharField()

    class Meta:
        ref_name = "RequirementCheck"


class ExplanationSerializer(serializers.Serializer):
    shared_terms = serializers.ListField(child=serializers.CharField(), required=False,
                                         help_text="Key terms both texts share, rarest first.")
    requirements = RequirementCheckSerializer(many=True, required=False,
                                              help_text="Each requirement the need states, met or not.")
    field_match = serializers.BooleanField(required=False)
    region_match = serializers.CharField(required=False, help_text='"city", "province" or "".')

    class Meta:
        ref_name = "MatchExplanation"


class MatchListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    field = FieldOutputSerializer()
    organization = OrganizationRefSerializer()
    province = serializers.CharField()
    city = serializers.CharField()
    status = serializers.ChoiceField(choices=ListingStatus.choices)
    contact = ContactSerializer(allow_null=True, help_text=(
        "Shown to the listing's own organisation and officers, and to the other side once an officer has "
        "approved the match; otherwise null."))

    class Meta:
        ref_name = "MatchListing"


class MatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=MatchStatus.choices)
    score = serializers.FloatField(help_text="The higher of the two directions' scores.")
    s2c_score = serializers.FloatField(allow_null=True, help_text="Score of the capability for the need.")
    s2c_rank = serializers.IntegerField(allow_null=True, help_text="The capability's rank among the need's.")
    c2s_score = serializers.FloatField(allow_null=True, help_text="Score of the need for the capability.")
    c2s_rank = serializers.IntegerField(allow_null=True, help_text="The need's rank among the capability's.")
    parts = serializers.SerializerMethodField(help_text="Score parts per direction.")
    explanation = serializers.SerializerMethodField(help_text="What a person can check about the score.")
    interest_count = serializers.SerializerMethodField(help_text="How many sides expressed interest (0–2).")
    scenario = serializers.SerializerMethodField()
    capability = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField(help_text="The officer's reason for the decision.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Match"

    @extend_schema_field(MatchPartsSerializer)
    def get_parts(self, obj: Match) -> dict:
        return obj.parts or {}

    @extend_schema_field(ExplanationSerializer)
    def get_explanation(self, obj: Match) -> dict:
        return obj.explanation or {}

    def get_interest_count(self, obj: Match) -> int:
        n = getattr(obj, "n_interest", None)
        return n if n is not None else obj.interests.count()

    def _side(self, match: Match, listing: ListingBase) -> dict:
        actor = self.context["actor"]
        data = MatchListingSerializer(listing).data
        show = can_see_contacts(actor=actor, listing=listing) or can_see_match_contacts(actor=actor, match=match)
        data["contact"] = ContactSerializer(listing).data if show else None
        return data

    @extend_schema_field(MatchListingSerializer)
    def get_scenario(self, obj: Match) -> dict:
        return self._side(obj, obj.scenario)

    @extend_schema_field(MatchListingSerializer)
    def get_capability(self, obj: Match) -> dict:
        return self._side(obj, obj.capability)


class ReasonInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=REASON_MAX, help_text="Kept with the decision (required).")

    class Meta:
        ref_name = "DecisionReason"


class InterestInputSerializer(InputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                   help_text="Why your organisation is interested (optional).")

    class Meta:
        ref_name = "Interest"


# --- examples -----------------------------------------------------------------------------------

def _side_example(side: Side) -> dict:
    if side.is_need:
        return {"id": 42, "reference": "S00042", "kind": "scenario", "title": "肺结节CT影像辅助诊断",
                "field": {"code": "smart-imaging", "name": "智能影像"},
                "organization": {"id": 3, "name": "广州市第一人民医院", "kind": "hospital"},
                "province": "广东", "city": "广州", "status": "published", "contact": None}
    return {"id": 17, "reference": "C00017", "kind": "capability", "title": "肺结节CT智能检测软件",
            "field": {"code": "smart-imaging", "name": "智能影像"},
            "organization": {"id": 5, "name": "华影智能科技有限公司", "kind": "company"},
            "province": "广东", "city": "深圳", "status": "published",
            "contact": {"name": "李经理", "phone": "0755-87654321", "email": "sales@example.com"}}


MATCH_EXAMPLE = {
    "id": 301, "status": "suggested", "score": 0.71, "s2c_score": 0.71, "s2c_rank": 1, "c2s_score": 0.66,
    "c2s_rank": 2,
    "parts": {"s2c": {"dense": 0.83, "lexical": 0.62, "structured": 0.5},
              "c2s": {"dense": 0.83, "lexical": 0.48, "structured": 0.5}},
    "explanation": {"shared_terms": ["肺结节", "CT", "私有化部署"],
                    "requirements": [{"aspect": "certification", "label": "NMPA registration", "status": "met",
                                      "detail": "needs class II or higher; holds class III"}],
                    "field_match": True, "region_match": "province"},
    "interest_count": 0, "scenario": _side_example(SCENARIO), "capability": _side_example(CAPABILITY),
    "decided_at": None, "decision_reason": "", "created_at": "2025-03-05T10:01:00+08:00",
    "updated_at": "2025-03-05T10:01:00+08:00",
}
APPROVED_EXAMPLE = {**MATCH_EXAMPLE, "status": "approved", "interest_count": 2,
                    "decided_at": "2025-03-20T15:00:00+08:00", "decision_reason": "双方均有意向，预算与资质匹配",
                    "scenario": {**_side_example(SCENARIO), "contact": {
                        "name": "张医生", "phone": "020-12345678", "email": "imaging@example.org"}}}
MATCH_VIEW = ("Program officers, and members of the need's or the capability's organisation; 404 for anyone "
              "else. The other side's `contact` is null until an officer approves the match.")


# --- a listing's ranked candidates --------------------------------------------------------------

class ListingMatchListApiBase(Api):
    side: ClassVar[Side]
    permission_classes = [IsAuthenticated]
    filterset_class = MatchFilter
    queryset = Match.objects.none()  # only for the schema's filter parameters; reads go through the selectors

    def get(self, request, pk: int):
        include_rejected = query_bool(request, "include_rejected")
        qs = match_list_for_listing(actor=request.user, side=self.side, listing_id=pk,
                                    include_rejected=include_rejected)
        return self.respond_page(MatchOutputSerializer, qs)


def _candidates_doc(kind: str, other: str) -> Any:
    return api_operation(
        summary=f"Ranked {other} candidates of a {kind}", tags=["matches"], errors=LIST,
        description=(f"The {other}s the engine suggests for one published {kind}, best first, with each score's "
                     "parts and an explanation. Empty while the listing is not published. Rejected matches are "
                     "left out unless `include_rejected=true`."),
        permissions=(f"Members of the {kind}'s organisation and program officers; 404 for anyone else (also for "
                     "published listings of other organisations). " + MATCH_VIEW.split(". ", 1)[1]),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {kind}'s id."),
                    OpenApiParameter("include_rejected", bool, description="Also list rejected matches.")],
        responses={200: MatchOutputSerializer(many=True)},
        examples=[OpenApiExample("candidates", value=MATCH_EXAMPLE, response_only=True)])


@extend_schema_view(get=_candidates_doc("scenario need", "capability"))
class ScenarioMatchListApi(ListingMatchListApiBase):
    side = SCENARIO


@extend_schema_view(get=_candidates_doc("capability", "scenario need"))
class CapabilityMatchListApi(ListingMatchListApiBase):
    side = CAPABILITY


# --- matches ------------------------------------------------------------------------------------

@extend_schema_view(get=api_operation(
    summary="Officers' queue of open matches", tags=["matches"], errors=(*LIST, 403),
    description=("Suggested and shortlisted matches between published listings, those with interest first, then by "
                 "score. With `status`, the matches in that status instead."),
    permissions="Program officers (403 for anyone else).",
    responses={200: MatchOutputSerializer(many=True)},
    examples=[OpenApiExample("queue", value=MATCH_EXAMPLE, response_only=True)]))
class MatchQueueApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]
    filterset_class = MatchFilter
    queryset = Match.objects.none()  # only for the schema's filter parameters; reads go through the selectors

    def get(self, request):
        # the selector applies the status (its default is the open statuses); the filter set
        # validates it and applies the rest
        status_value = request.query_params.get("status") or None
        return self.respond_page(MatchOutputSerializer, match_queue(actor=request.user, status=status_value))


@extend_schema_view(get=api_operation(
    summary="My matches: approved introductions of my organisations", tags=["matches"], errors=LIST,
    description="Matches of the caller's organisations that an officer approved (and later stages), newest first, "
                "with the other side's contact.",
    permissions="Any authenticated user; each sees only their own organisations' matches.",
    responses={200: MatchOutputSerializer(many=True)},
    examples=[OpenApiExample("my matches", value=APPROVED_EXAMPLE, response_only=True)]))
class MatchMineListApi(Api):
    permission_classes = [IsAuthenticated]
    filterset_class = MatchFilter
    queryset = Match.objects.none()  # only for the schema's filter parameters; reads go through the selectors

    def get(self, request):
        mine = match_list_mine(actor=request.user).annotate(n_interest=Count("interests"))
        return self.respond_page(MatchOutputSerializer, mine)


@extend_schema_view(get=api_operation(
    summary="Read a match", tags=["matches"], errors=(404,), permissions=MATCH_VIEW, parameters=[MATCH_ID],
    responses={200: MatchOutputSerializer},
    examples=[OpenApiExample("match", value=MATCH_EXAMPLE, response_only=True)]))
class MatchDetailApi(Api):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        return self.respond(MatchOutputSerializer, access_match(actor=request.user, match_id=pk))


class MatchActionApiBase(Api):
    InputSerializer: ClassVar[type[serializers.Serializer]] = ReasonInputSerializer
    permission_classes = [IsAuthenticated]
    success_status = status.HTTP_200_OK

    def post(self, request, pk: int):
        match = access_match(actor=request.user, match_id=pk)
        data = self.validated(self.InputSerializer)
        self.act(match, data)
        return self.respond(MatchOutputSerializer, access_match(actor=request.user, match_id=pk),
                            self.success_status)

    def act(self, match: Match, data: dict[str, Any]) -> None:
        raise NotImplementedError


def _action_doc(*, summary: str, permissions: str, description: str, request_example: dict, after: dict,
                success: int = 200) -> Any:
    return api_operation(
        summary=summary, tags=["matches"], errors=(*BODY, 403, 404, 409), parameters=[MATCH_ID],
        description=description, permissions=permissions,
        request=ReasonInputSerializer if success == 200 else InterestInputSerializer,
        responses={success: MatchOutputSerializer},
        examples=[OpenApiExample("input", value=request_example, request_only=True),
                  OpenApiExample("after", value=after, response_only=True, status_codes=[str(success)])])


@extend_schema_view(post=_action_doc(
    summary="Express interest in a match", success=201,
    description="Your organisation wants an introduction; a suggested match becomes shortlisted. Once per "
                "organisation (409 the second time), and only while the match is open and both listings are "
                "published (409 otherwise).",
    permissions="Members of the need's or the capability's organisation. Officers: 403. Anyone else: 404.",
    request_example={"reason": "预算与部署方式均符合"},
    after={**MATCH_EXAMPLE, "status": "shortlisted", "interest_count": 1}))
class MatchInterestApi(MatchActionApiBase):
    InputSerializer = InterestInputSerializer
    success_status = status.HTTP_201_CREATED

    def act(self, match, data):
        match_express_interest(actor=self.request.user, match_id=match.pk, reason=data.get("reason", ""))


@extend_schema_view(post=_action_doc(
    summary="Approve a match (introduce both sides)",
    description="Suggested or shortlisted → approved, with a required reason; both sides are notified and from "
                "then on see each other's contact. A decided match: 409.",
    permissions="Program officers. Members of either side: 403. Anyone else: 404.",
    request_example={"reason": "双方均有意向，预算与资质匹配"}, after=APPROVED_EXAMPLE))
class MatchApproveApi(MatchActionApiBase):
    def act(self, match, data):
        match_approve(actor=self.request.user, match_id=match.pk, reason=data["reason"])


@extend_schema_view(post=_action_doc(
    summary="Reject a match",
    description="Suggested or shortlisted → rejected, with a required reason; re-ranking never revives it. "
                "A decided match: 409.",
    permissions="Program officers. Members of either side: 403. Anyone else: 404.",
    request_example={"reason": "需求要求院内部署，该能力仅支持云端"},
    after={**MATCH_EXAMPLE, "status": "rejected", "decided_at": "2025-03-20T15:00:00+08:00",
           "decision_reason": "需求要求院内部署，该能力仅支持云端"}))
class MatchRejectApi(MatchActionApiBase):
    def act(self, match, data):
        match_reject(actor=self.request.user, match_id=match.pk, reason=data["reason"])


# --- re-rank jobs -------------------------------------------------------------------------------

class RerankJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RerankJob.Status.choices)
    total = serializers.IntegerField(help_text="Published listings to rank.")
    done = serializers.IntegerField(help_text="Listings ranked so far.")
    embedded = serializers.IntegerField(help_text="Listings (re-)embedded so far.")
    percent = serializers.IntegerField()
    model_id = serializers.CharField()
    reason = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "RerankJob"


class RerankStartInputSerializer(InputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True,
                                   max_length=RerankJob._meta.get_field("reason").max_length,
                                   help_text="Why (a new model, new weights…).")

    class Meta:
        ref_name = "RerankStart"


JOB_EXAMPLE = {"id": 7, "status": "running", "total": 1240, "done": 512, "embedded": 1240, "percent": 41,
               "model_id": "intfloat/multilingual-e5-small", "reason": "新权重", "error": "",
               "created_at": "2025-04-01T09:00:00+08:00", "started_at": "2025-04-01T09:00:02+08:00",
               "finished_at": None}
JOB_PERMISSIONS = "Program officers (403 for anyone else)."


@extend_schema_view(
    get=api_operation(summary="List re-rank jobs", tags=["jobs"], errors=(*LIST, 403), permissions=JOB_PERMISSIONS,
                      responses={200: RerankJobOutputSerializer(many=True)},
                      examples=[OpenApiExample("jobs", value=JOB_EXAMPLE, response_only=True)]),
    post=api_operation(
        summary="Start a full re-rank", tags=["jobs"], errors=(*BODY, 403), permissions=JOB_PERMISSIONS,
        description="Queues a re-rank of every published listing (after a new model or new weights). If one is "
                    "already queued or running, that job is returned instead of starting a second.",
        request=RerankStartInputSerializer, responses={202: RerankJobOutputSerializer},
        examples=[OpenApiExample("input", value={"reason": "新权重"}, request_only=True),
                  OpenApiExample("queued", status_codes=["202"], response_only=True,
                                 value={**JOB_EXAMPLE, "status": "queued", "done": 0, "embedded": 0, "percent": 0,
                                        "started_at": None})]),
)
class RerankJobListStartApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]
    queryset = RerankJob.objects.none()  # only for the schema's filter parameters; reads go through the selectors

    def get(self, request):
        return self.respond_page(RerankJobOutputSerializer, rerank_job_list())

    def post(self, request):
        data = self.validated(RerankStartInputSerializer)
        job = rerank_start(actor=request.user, reason=data.get("reason", ""))
        return self.respond(RerankJobOutputSerializer, job, status.HTTP_202_ACCEPTED)


@extend_schema_view(get=api_operation(
    summary="The current re-rank job", tags=["jobs"], errors=(403, 404), permissions=JOB_PERMISSIONS,
    description="The queued or running job, else the latest one; 404 when there has never been one.",
    responses={200: RerankJobOutputSerializer},
    examples=[OpenApiExample("job", value=JOB_EXAMPLE, response_only=True)]))
class RerankJobCurrentApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]

    def get(self, request):
        job = rerank_job_current()
        if job is None:
            raise NotFound(_("No re-rank job has run yet."))
        return self.respond(RerankJobOutputSerializer, job)


@extend_schema_view(get=api_operation(
    summary="Read a re-rank job (progress)", tags=["jobs"], errors=(403, 404), permissions=JOB_PERMISSIONS,
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The job's id.")],
    responses={200: RerankJobOutputSerializer},
    examples=[OpenApiExample("job", value=JOB_EXAMPLE, response_only=True)]))
class RerankJobDetailApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]

    def get(self, request, pk: int):
        return self.respond(RerankJobOutputSerializer, rerank_job_get(job_id=pk))
