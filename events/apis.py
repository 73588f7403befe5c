"""API of matchmaking events and introduction rounds.

Every read goes through events.selectors / events.permissions and every change through
events.services, the functions the pages call:

- an event exists for program officers and for members of the organisations it invited
  (404 for anyone else); members see only their own organisations' registration, suggestions,
  meetings and agendas;
- a meeting: officers and members of its two sides (404 for anyone else);
- creating events, sessions, invitations, scheduling, locks, attendance, the roadshow, check-in
  and introduction rounds: officers.
"""
from __future__ import annotations

from typing import Any, ClassVar

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import IsOfficer
from accounts.selectors import user_is_officer
from core.api.filters import ID_MAX
from core.api.schema import BODY, LIST, api_operation
from core.api.serializers import InputSerializer
from core.api.views import Api
from core.errors import DomainError, NotAllowed, NotFound
from matching.apis import ExplanationSerializer

from .models import (
    MAX_SPARE_SHARE,
    MAX_TABLES,
    Event,
    IntroductionRound,
    Meeting,
    MeetingState,
    Participant,
    ScheduleJob,
    Session,
)
from .permissions import access_event, access_meeting, access_participant, my_participants
from .selectors import agenda, event_list, event_participants, meeting_list, roadshow_lineup, suggestions_for
from .services import checkin, events, meetings, participation, rounds, scheduling
from .services import roadshow as roadshow_services

ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The event's id.")
MEETING_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The meeting's id.")
ROUND_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The round's id.")
EVENT_VIEW = ("Program officers, and members of the organisations the event invited; 404 for anyone else.")
OFFICERS_OF_EVENT = ("Program officers. Members of an invited organisation: 403. Anyone else: 404.")
MEETING_VIEW = "Program officers and members of the meeting's two sides; 404 for anyone else."
TAGS = ["events"]


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


# --- output -------------------------------------------------------------------------------------

class OrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "EventOrganization"


class ListingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    title = serializers.CharField()
    organization = OrgRefSerializer()

    class Meta:
        ref_name = "EventListingRef"


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    class Meta:
        ref_name = "EventSlot"


class SessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Session.Kind.choices)
    name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    slots = SlotSerializer(many=True, source="slots.all", help_text="Meeting slots (meetings sessions only).")

    class Meta:
        ref_name = "EventSession"


class RepresentativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.CharField()

    class Meta:
        ref_name = "EventRepresentative"


class WindowSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    class Meta:
        ref_name = "EventWindow"


class ParticipantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = OrgRefSerializer()
    status = serializers.ChoiceField(choices=Participant.Status.choices)
    representatives = RepresentativeSerializer(many=True, source="representatives.all")
    windows = WindowSerializer(many=True, source="windows.all", help_text="When its representatives can meet.")
    checked_in_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "EventParticipant"


class LineupSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="roadshow_order")
    listing = serializers.SerializerMethodField()

    class Meta:
        ref_name = "EventRoadshowEntry"

    @extend_schema_field(ListingRefSerializer)
    def get_listing(self, obj) -> dict:
        return _listing(obj.listing)


def _listing(obj) -> dict:
    return {"id": obj.pk, "kind": obj.kind, "reference": obj.reference, "title": obj.title,
            "organization": {"id": obj.organization_id, "name": obj.organization.name}}


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField()
    venue = serializers.CharField()
    venue_tables = serializers.IntegerField()
    tables = serializers.IntegerField()
    spare_share = serializers.FloatField()
    meeting_minutes = serializers.IntegerField()
    max_meetings = serializers.IntegerField(allow_null=True)
    min_per_need = serializers.IntegerField()
    roadshow_size = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Event.Status.choices)
    sessions = SessionOutputSerializer(many=True, source="sessions.all")
    participants = serializers.SerializerMethodField(help_text=(
        "Officers: every invited organisation. Members: their own organisations' registrations only."))
    roadshow = serializers.SerializerMethodField(help_text="Who presents in the roadshow, in order.")

    class Meta:
        ref_name = "Event"

    @extend_schema_field(ParticipantOutputSerializer(many=True))
    def get_participants(self, obj: Event) -> list:
        actor = self.context["actor"]
        rows = event_participants(event=obj) if user_is_officer(user=actor) else my_participants(actor=actor, event=obj)
        return ParticipantOutputSerializer(rows, many=True).data

    @extend_schema_field(LineupSerializer(many=True))
    def get_roadshow(self, obj: Event) -> list:
        return LineupSerializer(roadshow_lineup(event=obj), many=True).data


class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    state = serializers.ChoiceField(choices=MeetingState.choices)
    origin = serializers.ChoiceField(choices=Meeting.Origin.choices)
    scenario = serializers.SerializerMethodField()
    capability = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField(help_text="The organisation that asked (null: officer or scheduler).")
    reason = serializers.CharField()
    slot = SlotSerializer(allow_null=True)
    table = serializers.IntegerField(allow_null=True)
    locked = serializers.BooleanField()
    attendance = serializers.ChoiceField(choices=Meeting.Attendance.choices)
    need_rep = serializers.SerializerMethodField()
    capability_rep = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Meeting"

    @extend_schema_field(ListingRefSerializer)
    def get_scenario(self, obj: Meeting) -> dict:
        return _listing(obj.scenario)

    @extend_schema_field(ListingRefSerializer)
    def get_capability(self, obj: Meeting) -> dict:
        return _listing(obj.capability)

    @extend_schema_field(OrgRefSerializer(allow_null=True))
    def get_requested_by(self, obj: Meeting) -> dict | None:
        return {"id": obj.requested_by_id, "name": obj.requested_by.name} if obj.requested_by_id else None

    @extend_schema_field(RepresentativeSerializer(allow_null=True))
    def get_need_rep(self, obj: Meeting) -> dict | None:
        return RepresentativeSerializer(obj.need_rep).data if obj.need_rep_id else None

    @extend_schema_field(RepresentativeSerializer(allow_null=True))
    def get_capability_rep(self, obj: Meeting) -> dict | None:
        return RepresentativeSerializer(obj.capability_rep).data if obj.capability_rep_id else None


class CandidateSerializer(serializers.Serializer):
    match_id = serializers.IntegerField()
    score = serializers.FloatField(help_text="The pair's match score (the same on every page).")
    other = ListingRefSerializer()
    explanation = ExplanationSerializer()
    meeting_id = serializers.IntegerField(allow_null=True)
    meeting_state = serializers.ChoiceField(choices=MeetingState.choices, allow_null=True)

    class Meta:
        ref_name = "EventCandidate"


class SuggestionSerializer(serializers.Serializer):
    listing = ListingRefSerializer()
    candidates = CandidateSerializer(many=True)

    class Meta:
        ref_name = "EventSuggestions"


class AgendaSerializer(serializers.Serializer):
    organization = OrgRefSerializer()
    status = serializers.ChoiceField(choices=Participant.Status.choices)
    checkin_url = serializers.CharField(help_text="What the QR code at the check-in desk carries.")
    meetings = MeetingOutputSerializer(many=True)

    class Meta:
        ref_name = "EventAgenda"


class ScheduleJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    mode = serializers.ChoiceField(choices=ScheduleJob.Mode.choices)
    status = serializers.ChoiceField(choices=ScheduleJob.Status.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    stage = serializers.CharField()
    report = serializers.DictField(help_text=(
        "Once done: the solver's status and bound, metrics (meetings, affinity, coverage, idle minutes) against "
        "the greedy baseline, and what could not be placed and why (codes with parameters)."))
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ScheduleJob"


class RoundPairSerializer(serializers.Serializer):
    match_id = serializers.IntegerField(source="match.pk")
    score = serializers.FloatField()
    status = serializers.CharField(source="match.status")
    scenario = serializers.SerializerMethodField()
    capability = serializers.SerializerMethodField()

    class Meta:
        ref_name = "IntroductionRoundPair"

    @extend_schema_field(ListingRefSerializer)
    def get_scenario(self, obj) -> dict:
        return _listing(obj.match.scenario)

    @extend_schema_field(ListingRefSerializer)
    def get_capability(self, obj) -> dict:
        return _listing(obj.match.capability)


class RoundOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    batch = serializers.SerializerMethodField()
    per_need = serializers.IntegerField()
    per_capability = serializers.IntegerField()
    summary = serializers.DictField(help_text="Candidates, introductions, total score, needs covered, and greedy's.")
    created_at = serializers.DateTimeField()
    pairs = serializers.SerializerMethodField()

    class Meta:
        ref_name = "IntroductionRound"

    @extend_schema_field(OrgRefSerializer)
    def get_batch(self, obj) -> dict:
        return {"id": obj.batch_id, "name": obj.batch.name}

    @extend_schema_field(RoundPairSerializer(many=True))
    def get_pairs(self, obj) -> list:
        pairs = obj.pairs.select_related("match__scenario__organization", "match__capability__organization")
        return RoundPairSerializer(pairs, many=True).data


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField(), help_text="Matches approved.")
    failed = serializers.DictField(child=serializers.CharField(), help_text="Match id → why it was not approved.")

    class Meta:
        ref_name = "IntroductionRoundApproval"


class InviteResultSerializer(serializers.Serializer):
    listings = serializers.IntegerField(help_text="Listings newly invited.")
    organizations = serializers.IntegerField(help_text="Organisations newly invited (and told).")

    class Meta:
        ref_name = "EventInvitationResult"


class CheckinResultSerializer(serializers.Serializer):
    participant = ParticipantOutputSerializer()
    checked_in_now = serializers.BooleanField(help_text="False when it was checked in already.")

    class Meta:
        ref_name = "EventCheckinResult"


# --- input --------------------------------------------------------------------------------------

class EmptyInputSerializer(InputSerializer):
    """For actions that take no input: any field sent is refused."""

    class Meta:
        ref_name = "NoInput"


class EventInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    date = serializers.DateField()
    venue = serializers.CharField(max_length=200)
    venue_tables = serializers.IntegerField(min_value=1, max_value=MAX_TABLES, help_text="Tables the venue holds.")
    tables = serializers.IntegerField(min_value=1, max_value=MAX_TABLES, help_text="At most venue_tables.")
    spare_share = serializers.FloatField(required=False, default=0.1, min_value=0.0, max_value=MAX_SPARE_SHARE)
    meeting_minutes = serializers.IntegerField(required=False, default=20, min_value=5, max_value=240)
    max_meetings = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=1000)
    min_per_need = serializers.IntegerField(required=False, default=1, min_value=0, max_value=20)
    roadshow_size = serializers.IntegerField(required=False, default=3, min_value=0, max_value=50)

    class Meta:
        ref_name = "EventCreate"


class SessionInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=Session.Kind.choices, required=False, default=Session.Kind.MEETINGS)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    class Meta:
        ref_name = "EventSessionCreate"


class InviteInputSerializer(InputSerializer):
    batch = _id(required=False, allow_null=True, default=None, help_text="Invite a whole list.")
    field = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                  help_text="Invite a field (its code).")
    scenarios = serializers.ListField(child=_id(), required=False, default=list, max_length=1000)
    capabilities = serializers.ListField(child=_id(), required=False, default=list, max_length=1000)

    class Meta:
        ref_name = "EventInvitation"


class RepresentativeInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=64)
    position = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "EventRepresentativeInput"


class WindowInputSerializer(InputSerializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    class Meta:
        ref_name = "EventWindowInput"


class RegistrationInputSerializer(InputSerializer):
    organization = _id(required=False, allow_null=True, default=None,
                       help_text="Needed only when several of your organisations are invited.")
    representatives = RepresentativeInputSerializer(many=True, max_length=20)
    windows = WindowInputSerializer(many=True, max_length=50, help_text="Within the meetings sessions.")

    class Meta:
        ref_name = "EventRegistration"


class DeclineInputSerializer(InputSerializer):
    organization = _id(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    class Meta:
        ref_name = "EventDecline"


class MeetingInputSerializer(InputSerializer):
    scenario = _id(help_text="The need (an invited listing).")
    capability = _id(help_text="The capability (an invited listing).")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    class Meta:
        ref_name = "MeetingRequest"


class ReasonInputSerializer(InputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    class Meta:
        ref_name = "MeetingReason"


class LockInputSerializer(InputSerializer):
    slot = _id()
    table = serializers.IntegerField(min_value=1, max_value=MAX_TABLES)

    class Meta:
        ref_name = "MeetingLock"


class AttendanceInputSerializer(InputSerializer):
    attendance = serializers.ChoiceField(choices=Meeting.Attendance.choices)

    class Meta:
        ref_name = "MeetingAttendance"


class RatingInputSerializer(InputSerializer):
    useful = serializers.BooleanField()
    continue_talks = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    class Meta:
        ref_name = "MeetingRating"


class ScheduleInputSerializer(InputSerializer):
    mode = serializers.ChoiceField(choices=ScheduleJob.Mode.choices, required=False, default=ScheduleJob.Mode.ALL)

    class Meta:
        ref_name = "ScheduleStart"


class RoadshowInputSerializer(InputSerializer):
    propose = serializers.BooleanField(required=False, default=False, help_text="Replace the order by the proposal.")
    order = serializers.ListField(child=_id(), required=False, default=list, max_length=200,
                                  help_text="Invited listing rows (roadshow entries' ids), in order.")

    class Meta:
        ref_name = "EventRoadshow"


class CheckinInputSerializer(InputSerializer):
    token = serializers.CharField(required=False, allow_blank=True, default="", max_length=64,
                                  help_text="What the participant's QR code carries.")
    participant = _id(required=False, allow_null=True, default=None)

    class Meta:
        ref_name = "EventCheckin"


class RoundInputSerializer(InputSerializer):
    batch = _id(help_text="The list.")
    per_need = serializers.IntegerField(min_value=1, max_value=20, help_text="m: introductions per need at most.")
    per_capability = serializers.IntegerField(min_value=1, max_value=100, help_text="k: needs per capability at most.")

    class Meta:
        ref_name = "IntroductionRoundCreate"


class RoundApproveInputSerializer(InputSerializer):
    matches = serializers.ListField(child=_id(), max_length=10000, help_text="Matches of this round to approve.")
    reason = serializers.CharField(max_length=2000, help_text="Kept with each decision (required).")

    class Meta:
        ref_name = "IntroductionRoundApprove"


# --- examples -----------------------------------------------------------------------------------

_ORG_H = {"id": 3, "name": "广州市第一人民医院"}
_ORG_V = {"id": 5, "name": "华影智能科技有限公司"}
_NEED = {"id": 42, "kind": "scenario", "reference": "S00042", "title": "肺结节CT影像辅助诊断", "organization": _ORG_H}
_CAP = {"id": 17, "kind": "capability", "reference": "C00017", "title": "肺结节CT智能检测软件", "organization": _ORG_V}
_SLOT = {"id": 9, "start": "2025-11-20T14:20:00+08:00", "end": "2025-11-20T14:40:00+08:00"}
EVENT_EXAMPLE = {
    "id": 1, "name": "2025生物医药应用场景供需对接会", "date": "2025-11-20", "venue": "广州国际会议中心",
    "venue_tables": 40, "tables": 30, "spare_share": 0.1, "meeting_minutes": 20, "max_meetings": 4,
    "min_per_need": 1, "roadshow_size": 3, "status": "open",
    "sessions": [{"id": 2, "kind": "meetings", "name": "洽谈", "start": "2025-11-20T14:00:00+08:00",
                  "end": "2025-11-20T17:00:00+08:00", "slots": [_SLOT]}],
    "participants": [{"id": 4, "organization": _ORG_H, "status": "registered",
                      "representatives": [{"id": 6, "name": "王主任", "position": "信息科"}],
                      "windows": [{"start": "2025-11-20T14:00:00+08:00", "end": "2025-11-20T16:00:00+08:00"}],
                      "checked_in_at": None}],
    "roadshow": [{"order": 1, "listing": _NEED}],
}
MEETING_EXAMPLE = {
    "id": 11, "event": 1, "state": "accepted", "origin": "request", "scenario": _NEED, "capability": _CAP,
    "requested_by": _ORG_H, "reason": "想了解院内部署方案", "slot": _SLOT, "table": 3, "locked": False,
    "attendance": "unknown", "need_rep": {"id": 6, "name": "王主任", "position": "信息科"},
    "capability_rep": {"id": 8, "name": "李经理", "position": "销售"},
    "created_at": "2025-11-01T10:00:00+08:00", "updated_at": "2025-11-02T09:00:00+08:00",
}
JOB_EXAMPLE = {"id": 3, "event": 1, "mode": "all", "status": "done", "progress": 100, "stage": "done",
               "report": {"status": "OPTIMAL", "metrics": {"meetings": 243, "affinity": 203.98, "coverage": 1.0},
                          "greedy": {"meetings": 243, "affinity": 209.01, "coverage": 0.705}, "unplaced": []},
               "error": "", "created_at": "2025-11-18T09:00:00+08:00", "started_at": "2025-11-18T09:00:01+08:00",
               "finished_at": "2025-11-18T09:00:40+08:00"}
ROUND_EXAMPLE = {"id": 2, "batch": {"id": 1, "name": "2025年广东省生物医药应用场景清单"}, "per_need": 3,
                 "per_capability": 2, "summary": {"pairs": 1, "total": 0.71, "needs": 1, "needs_covered": 1},
                 "created_at": "2025-11-18T09:00:00+08:00",
                 "pairs": [{"match_id": 301, "score": 0.71, "status": "suggested", "scenario": _NEED,
                            "capability": _CAP}]}


def _doc(*, summary: str, permissions: str, responses: dict, example: Any, errors=(), request=None,
         request_example: dict | None = None, description: str = "", parameters=(ID,), success: int = 200) -> Any:
    examples = [OpenApiExample("response", value=example, response_only=True, status_codes=[str(success)])]
    if request_example is not None:
        examples.append(OpenApiExample("input", value=request_example, request_only=True))
    return api_operation(summary=summary, tags=TAGS, permissions=permissions, responses=responses,
                         errors=(*errors, *((BODY) if request is not None else ())), request=request,
                         examples=examples, description=description, parameters=parameters)


def _org_for(actor, event: Event, organization: int | None) -> int:
    """The organisation the caller answers for: the one named, or its only invited one."""
    if organization:
        return organization
    mine = my_participants(actor=actor, event=event)
    if len(mine) > 1:
        raise DomainError(_("Several of your organisations are invited: name the organisation."),
                          fields={"organization": [_("This field is required.")]})
    if not mine:
        raise NotAllowed(_("Your organisation is not invited to this event."))
    return mine[0].organization_id


def _event_out(api: Api, event_id: int, code: int = status.HTTP_200_OK):
    event = access_event(actor=api.request.user, event_id=event_id)
    return api.respond(EventOutputSerializer, event, code)


# --- events -------------------------------------------------------------------------------------

@extend_schema_view(
    get=_doc(summary="List events", permissions="Any authenticated user: officers see every event, members the "
             "events that invited one of their organisations.", errors=LIST,
             responses={200: EventOutputSerializer(many=True)}, example=EVENT_EXAMPLE, parameters=()),
    post=_doc(summary="Create an event", permissions="Program officers (403 for anyone else).", errors=(403,),
              description="Refused (400, naming the problem): more tables than the venue holds, a spare share "
                          "out of range.",
              request=EventInputSerializer, responses={201: EventOutputSerializer}, example=EVENT_EXAMPLE,
              request_example={"name": "2025生物医药应用场景供需对接会", "date": "2025-11-20", "venue": "广州国际会议中心",
                               "venue_tables": 40, "tables": 30, "spare_share": 0.1, "meeting_minutes": 20,
                               "max_meetings": 4, "min_per_need": 1}, parameters=(), success=201))
class EventListCreateApi(Api):
    permission_classes = [IsAuthenticated]
    queryset = Event.objects.none()

    def get(self, request):
        return self.respond_page(EventOutputSerializer, event_list(actor=request.user).order_by("-date", "-id"))

    def post(self, request):
        if not user_is_officer(user=request.user):
            raise NotAllowed(_("Only program officers can do this."))
        event = events.event_create(actor=request.user, **self.validated(EventInputSerializer))
        return self.respond(EventOutputSerializer, event, status.HTTP_201_CREATED)


@extend_schema_view(get=_doc(summary="Read an event", permissions=EVENT_VIEW, errors=(404,),
                             responses={200: EventOutputSerializer}, example=EVENT_EXAMPLE))
class EventDetailApi(Api):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        return _event_out(self, pk)


class EventActionApi(Api):
    """Fetch the event the caller may see (404 otherwise), then one service call."""

    permission_classes = [IsAuthenticated]
    queryset = Event.objects.none()  # only for the schema; reads go through events.permissions

    def event(self, pk: int) -> Event:
        return access_event(actor=self.request.user, event_id=pk)


@extend_schema_view(post=_doc(
    summary="Add a session", permissions=OFFICERS_OF_EVENT, errors=(403, 404, 409),
    description="A meetings session is cut into slots of the meeting length. Refused (400): a session that ends "
                "before it starts, one on another day, one overlapping another of its kind, one shorter than a "
                "meeting. A closed event: 409.",
    request=SessionInputSerializer, responses={201: EventOutputSerializer}, example=EVENT_EXAMPLE, success=201,
    request_example={"kind": "meetings", "name": "洽谈", "start": "2025-11-20T14:00:00+08:00",
                     "end": "2025-11-20T17:00:00+08:00"}))
class EventSessionCreateApi(EventActionApi):
    def post(self, request, pk: int):
        event = self.event(pk)
        data = self.validated(SessionInputSerializer)
        events.session_add(actor=request.user, event=event, **data)
        return _event_out(self, pk, status.HTTP_201_CREATED)


@extend_schema_view(post=_doc(
    summary="Invite listings", permissions=OFFICERS_OF_EVENT, errors=(403, 404, 409),
    description="A whole list, a field, or chosen published listings; their organisations become invited "
                "participants and are told. A chosen listing that does not exist or is not published: 400, by name, "
                "and nothing is invited.",
    request=InviteInputSerializer, responses={200: InviteResultSerializer},
    example={"listings": 12, "organizations": 9}, request_example={"batch": 1, "scenarios": [42], "capabilities": [17]}))
class EventInviteApi(EventActionApi):
    def post(self, request, pk: int):
        event = self.event(pk)
        d = self.validated(InviteInputSerializer)
        counts = events.event_invite(actor=request.user, event=event, batch_id=d["batch"], field_code=d["field"],
                                     scenario_ids=d["scenarios"], capability_ids=d["capabilities"])
        return self.respond(InviteResultSerializer, counts)


_REGISTRATION_EXAMPLE = {"representatives": [{"name": "王主任", "position": "信息科"}],
                         "windows": [{"start": "2025-11-20T14:00:00+08:00", "end": "2025-11-20T16:00:00+08:00"}]}


def _registration(api: Api, pk: int, fn) -> Any:
    event = access_event(actor=api.request.user, event_id=pk)
    d = api.validated(RegistrationInputSerializer)
    org = _org_for(api.request.user, event, d["organization"])
    fn(actor=api.request.user, event=event, organization_id=org,
       representatives=[dict(r) for r in d["representatives"]], windows=[(w["start"], w["end"]) for w in d["windows"]])
    return access_participant(actor=api.request.user, event=event, organization_id=org)


@extend_schema_view(
    post=_doc(summary="Register for an event", errors=(403, 404, 409),
              permissions="Members of an invited organisation (for it). Officers and others: 403; anyone the event "
                          "did not invite: 404.",
              description="Representatives and when they are available. Refused: availability outside the meetings "
                          "sessions (400); an organisation already registered (409: change it with PUT).",
              request=RegistrationInputSerializer, responses={201: ParticipantOutputSerializer},
              example=EVENT_EXAMPLE["participants"][0], request_example=_REGISTRATION_EXAMPLE, success=201),
    put=_doc(summary="Change a registration", errors=(403, 404, 409),
             permissions="Members of a registered organisation (for it). Officers: 403; anyone the event did not "
                         "invite: 404.",
             description="Replaces the representatives and the availability. Not registered yet: 409.",
             request=RegistrationInputSerializer, responses={200: ParticipantOutputSerializer},
             example=EVENT_EXAMPLE["participants"][0], request_example=_REGISTRATION_EXAMPLE))
class EventRegistrationApi(EventActionApi):
    def post(self, request, pk: int):
        participant = _registration(self, pk, participation.participant_register)
        return self.respond(ParticipantOutputSerializer, participant, status.HTTP_201_CREATED)

    def put(self, request, pk: int):
        return self.respond(ParticipantOutputSerializer, _registration(self, pk, participation.participant_update))


@extend_schema_view(post=_doc(
    summary="Decline an invitation", errors=(403, 404, 409),
    permissions="Members of an invited organisation (for it). Officers: 403; anyone the event did not invite: 404.",
    description="Also after registering: the organisation's meetings are cancelled and the other sides told.",
    request=DeclineInputSerializer, responses={200: ParticipantOutputSerializer},
    example={**EVENT_EXAMPLE["participants"][0], "status": "declined"}, request_example={"reason": "档期冲突"}))
class EventDeclineApi(EventActionApi):
    def post(self, request, pk: int):
        event = self.event(pk)
        d = self.validated(DeclineInputSerializer)
        org = _org_for(request.user, event, d["organization"])
        participation.participant_decline(actor=request.user, event=event, organization_id=org, reason=d["reason"])
        return self.respond(ParticipantOutputSerializer,
                            access_participant(actor=request.user, event=event, organization_id=org))


@extend_schema_view(get=_doc(
    summary="Suggested counterparts", errors=(404,), permissions=EVENT_VIEW + " Each member sees the candidates "
    "of their own organisations' listings only; officers get an empty list.",
    description="For each invited listing of the caller's registered organisations: the listings of the other "
                "registered organisations, by the stored match score, with the explanation, and any meeting "
                "already between them.",
    responses={200: SuggestionSerializer(many=True)},
    example={"listing": _NEED, "candidates": [{"match_id": 301, "score": 0.71, "other": _CAP,
                                               "explanation": {"shared_terms": ["肺结节"], "requirements": [],
                                                               "field_match": True, "region_match": "province"},
                                               "meeting_id": None, "meeting_state": None}]}))
class EventSuggestionListApi(EventActionApi):
    pagination_class = None  # one block per listing of the caller's: a handful, never paged
    def get(self, request, pk: int):
        event = self.event(pk)
        out = []
        for p in my_participants(actor=request.user, event=event):
            for block in suggestions_for(event=event, participant=p):
                out.append({"listing": _listing(block.listing), "candidates": [
                    {"match_id": s.match.pk, "score": s.match.score, "other": _listing(s.other),
                     "explanation": s.match.explanation or {}, "meeting_id": s.meeting.pk if s.meeting else None,
                     "meeting_state": s.meeting.state if s.meeting else None} for s in block.rows]})
        return Response(SuggestionSerializer(out, many=True, context=self.serializer_context()).data)


@extend_schema_view(
    get=_doc(summary="Meetings of an event", errors=(*LIST,), permissions=EVENT_VIEW + " Members see their own "
             "organisations' meetings only.", responses={200: MeetingOutputSerializer(many=True)},
             example=MEETING_EXAMPLE),
    post=_doc(summary="Request (or, officers: add) a meeting", errors=(403, 404, 409),
              permissions=("Members of a registered organisation, for one of its invited listings (pending until "
                           "the other side answers); program officers add an accepted meeting. Anyone the event did "
                           "not invite: 404."),
              description="Refused: a listing not in the event (400, by name), a side not registered or a pair "
                          "already requested or planned (409).",
              request=MeetingInputSerializer, responses={201: MeetingOutputSerializer},
              example={**MEETING_EXAMPLE, "state": "pending", "slot": None, "table": None}, success=201,
              request_example={"scenario": 42, "capability": 17, "reason": "想了解院内部署方案"}))
class EventMeetingListCreateApi(EventActionApi):

    def get(self, request, pk: int):
        event = self.event(pk)
        return self.respond_page(MeetingOutputSerializer, meeting_list(actor=request.user, event=event).order_by("id"))

    def post(self, request, pk: int):
        event = self.event(pk)
        d = self.validated(MeetingInputSerializer)
        fn = meetings.meeting_add if user_is_officer(user=request.user) else meetings.meeting_request
        meeting = fn(actor=request.user, event=event, scenario_id=d["scenario"], capability_id=d["capability"],
                     reason=d["reason"])
        return self.respond(MeetingOutputSerializer, access_meeting(actor=request.user, meeting_id=meeting.pk),
                            status.HTTP_201_CREATED)


@extend_schema_view(
    get=_doc(summary="The event's current scheduling job", errors=(403, 404), permissions=OFFICERS_OF_EVENT,
             description="The latest job with its progress and, once done, its report. 404 before the first.",
             responses={200: ScheduleJobOutputSerializer}, example=JOB_EXAMPLE),
    post=_doc(summary="Schedule all, or re-schedule", errors=(403, 404, 409), permissions=OFFICERS_OF_EVENT,
              description="Queues the scheduler (a Celery task): `all` places accepted meetings and fills the tables "
                          "with proposals of high match score, locked meetings kept; `keep` revises the schedule "
                          "moving as few meetings as possible. Locks that cannot all hold: 400 naming them, nothing "
                          "queued. A job already queued or running is returned instead of a second.",
              request=ScheduleInputSerializer, responses={202: ScheduleJobOutputSerializer},
              example={**JOB_EXAMPLE, "status": "queued", "progress": 0, "report": {}}, success=202,
              request_example={"mode": "all"}))
class EventScheduleApi(EventActionApi):
    def get(self, request, pk: int):
        event = self.event(pk)
        if not user_is_officer(user=request.user):
            raise NotAllowed(_("Only program officers can do this."))
        job = scheduling.schedule_job_current(event=event)
        if job is None:
            raise NotFound(_("This event has not been scheduled yet."))
        return self.respond(ScheduleJobOutputSerializer, job)

    def post(self, request, pk: int):
        event = self.event(pk)
        d = self.validated(ScheduleInputSerializer)
        job = scheduling.schedule_start(actor=request.user, event=event, mode=d["mode"])
        job.refresh_from_db()
        return self.respond(ScheduleJobOutputSerializer, job, status.HTTP_202_ACCEPTED)


@extend_schema_view(get=_doc(
    summary="An organisation's agenda", errors=(400, 404),
    permissions="Members of the organisation and program officers; 404 for anyone else.",
    description="Its scheduled meetings in time order, and what its check-in QR code carries. The PDF and the "
                ".ics file are on the agenda page.",
    parameters=(ID, OpenApiParameter("organization", int, required=False, description=(
        "The organisation (required for officers and for members of several invited organisations)."))),
    responses={200: AgendaSerializer},
    example={"organization": _ORG_H, "status": "registered", "checkin_url": "https://example.org/officer/events/1/checkin/abc/",
             "meetings": [MEETING_EXAMPLE]}))
class EventAgendaApi(EventActionApi):
    def get(self, request, pk: int):
        event = self.event(pk)
        raw = request.query_params.get("organization")
        if raw is not None:
            if not raw.isdigit() or not 0 < int(raw) <= ID_MAX:
                raise DomainError(_("Give the organisation's id."), fields={"organization": [_("A whole number.")]})
            org = int(raw)
        elif user_is_officer(user=request.user) and not my_participants(actor=request.user, event=event):
            raise DomainError(_("Give the organisation's id."), fields={"organization": [_("This field is required.")]})
        else:
            org = _org_for(request.user, event, None)
        participant = access_participant(actor=request.user, event=event, organization_id=org)
        url = request.build_absolute_uri(reverse("events:checkin-scan", kwargs={"pk": pk, "token": participant.checkin_token}))
        items = agenda(event=event, participant=participant)
        return self.respond(AgendaSerializer, {
            "organization": {"id": org, "name": participant.organization.name}, "status": participant.status,
            "checkin_url": url, "meetings": [i.meeting for i in items]})


@extend_schema_view(post=_doc(
    summary="Propose or edit the roadshow", errors=(403, 404), permissions=OFFICERS_OF_EVENT,
    description="`propose`: the needs and capabilities with most strong matches among the registered audience, "
                "grouped by field. Else `order`: the invited listings (by their entry ids) in the order given; one "
                "not invited or given twice: 400.",
    request=RoadshowInputSerializer, responses={200: EventOutputSerializer}, example=EVENT_EXAMPLE,
    request_example={"propose": True}))
class EventRoadshowApi(EventActionApi):
    def post(self, request, pk: int):
        event = self.event(pk)
        d = self.validated(RoadshowInputSerializer)
        if d["propose"]:
            roadshow_services.roadshow_propose(actor=request.user, event=event)
        else:
            roadshow_services.roadshow_update(actor=request.user, event=event, order=d["order"])
        return _event_out(self, pk)


@extend_schema_view(post=_doc(
    summary="Check an organisation in", errors=(403, 404, 409), permissions=OFFICERS_OF_EVENT,
    description="By the token of its QR code, or its participant id; twice is harmless. Not registered: 409.",
    request=CheckinInputSerializer, responses={200: CheckinResultSerializer},
    example={"participant": EVENT_EXAMPLE["participants"][0], "checked_in_now": True},
    request_example={"token": "T0k3n-from-the-QR-code"}))
class EventCheckinApi(EventActionApi):
    def post(self, request, pk: int):
        event = self.event(pk)
        d = self.validated(CheckinInputSerializer)
        if not d["token"] and not d["participant"]:
            raise DomainError(_("Give the token of the QR code or the participant."))
        participant, new = checkin.participant_check_in(actor=request.user, event=event, token=d["token"],
                                                        participant_id=d["participant"])
        participant = event.participants.prefetch_related("representatives", "windows").get(pk=participant.pk)
        return self.respond(CheckinResultSerializer, {"participant": participant, "checked_in_now": new})


# --- meetings -----------------------------------------------------------------------------------

@extend_schema_view(get=_doc(summary="Read a meeting", permissions=MEETING_VIEW, errors=(404,),
                             parameters=(MEETING_ID,), responses={200: MeetingOutputSerializer},
                             example=MEETING_EXAMPLE))
class MeetingDetailApi(Api):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        return self.respond(MeetingOutputSerializer, access_meeting(actor=request.user, meeting_id=pk))


class MeetingActionApi(Api):
    InputSerializer: ClassVar[type[serializers.Serializer]] = ReasonInputSerializer
    permission_classes = [IsAuthenticated]
    success_status = status.HTTP_200_OK

    def post(self, request, pk: int):
        access_meeting(actor=request.user, meeting_id=pk)
        self.act(pk, self.validated(self.InputSerializer))
        return self.respond(MeetingOutputSerializer, access_meeting(actor=request.user, meeting_id=pk),
                            self.success_status)

    def act(self, pk: int, data: dict[str, Any]) -> None:
        raise NotImplementedError


def _meeting_doc(*, summary: str, permissions: str, description: str, request: Any, request_example: dict,
                 after: dict, success: int = 200) -> Any:
    return _doc(summary=summary, permissions=permissions, description=description, errors=(403, 404, 409),
                request=request, request_example=request_example, responses={success: MeetingOutputSerializer},
                example=after, parameters=(MEETING_ID,), success=success)


@extend_schema_view(post=_meeting_doc(
    summary="Accept a meeting", request=EmptyInputSerializer, request_example={},
    permissions="The side that was asked (a pending request), or either side (a proposed meeting). The requester "
                "and officers: 403. Anyone else: 404.",
    description="Pending or proposed → accepted; the other side is told. Any other state: 409.",
    after=MEETING_EXAMPLE))
class MeetingAcceptApi(MeetingActionApi):
    InputSerializer = EmptyInputSerializer

    def act(self, pk, data):
        meetings.meeting_accept(actor=self.request.user, meeting_id=pk)


@extend_schema_view(post=_meeting_doc(
    summary="Decline a meeting", request=ReasonInputSerializer, request_example={"reason": "方向不符"},
    permissions="The side that was asked (a pending request), or either side (a proposed meeting). The requester "
                "and officers: 403. Anyone else: 404.",
    description="Pending or proposed → declined; it is never proposed again. Any other state: 409.",
    after={**MEETING_EXAMPLE, "state": "declined", "slot": None, "table": None}))
class MeetingDeclineApi(MeetingActionApi):
    def act(self, pk, data):
        meetings.meeting_decline(actor=self.request.user, meeting_id=pk, reason=data["reason"])


@extend_schema_view(post=_meeting_doc(
    summary="Cancel a meeting", request=ReasonInputSerializer, request_example={"reason": "行程变更"},
    permissions="The requester (a pending request), either side or an officer (a proposed or accepted meeting). "
                "The side that was asked, for a pending request: 403 (decline it). Anyone else: 404.",
    description="→ cancelled, its place freed (re-scheduling fills it without moving the others). Declined or "
                "cancelled already: 409.",
    after={**MEETING_EXAMPLE, "state": "cancelled", "slot": None, "table": None}))
class MeetingCancelApi(MeetingActionApi):
    def act(self, pk, data):
        meetings.meeting_cancel(actor=self.request.user, meeting_id=pk, reason=data["reason"])


@extend_schema_view(
    post=_meeting_doc(
        summary="Lock a meeting to a slot and table", request=LockInputSerializer, request_example={"slot": 9, "table": 3},
        permissions="Program officers. The two sides: 403. Anyone else: 404.",
        description="Only an accepted meeting (409 otherwise). Refused (400, naming the clash): a lock that cannot "
                    "hold with the others (same table and time, a side in two places, not available, over its "
                    "cap, into the spare tables), a table that does not exist.",
        after={**MEETING_EXAMPLE, "locked": True}),
    delete=_doc(summary="Unlock a meeting", permissions="Program officers. The two sides: 403. Anyone else: 404.",
                errors=(403, 404, 409), parameters=(MEETING_ID,), responses={200: MeetingOutputSerializer},
                example=MEETING_EXAMPLE, description="Not locked: 409."))
class MeetingLockApi(MeetingActionApi):
    InputSerializer = LockInputSerializer

    def act(self, pk, data):
        meetings.meeting_lock(actor=self.request.user, meeting_id=pk, slot_id=data["slot"], table=data["table"])

    def delete(self, request, pk: int):
        access_meeting(actor=request.user, meeting_id=pk)
        meetings.meeting_unlock(actor=request.user, meeting_id=pk)
        return self.respond(MeetingOutputSerializer, access_meeting(actor=request.user, meeting_id=pk))


@extend_schema_view(post=_meeting_doc(
    summary="Record a meeting's attendance", request=AttendanceInputSerializer, request_example={"attendance": "held"},
    permissions="Program officers. The two sides: 403. Anyone else: 404.",
    description="Held, or who did not come (no-show). A meeting without a place: 409.",
    after={**MEETING_EXAMPLE, "attendance": "held"}))
class MeetingAttendanceApi(MeetingActionApi):
    InputSerializer = AttendanceInputSerializer

    def act(self, pk, data):
        meetings.meeting_mark_attendance(actor=self.request.user, meeting_id=pk, attendance=data["attendance"])


@extend_schema_view(post=_meeting_doc(
    summary="Rate a meeting", request=RatingInputSerializer,
    request_example={"useful": True, "continue_talks": True, "comment": "约定下月现场演示"},
    permissions="Members of either side, once per side. Officers: 403. Anyone else: 404.",
    description="After the meeting took place (409 before, for a side recorded absent, or rated already). When both "
                "sides want to continue talking, the match moves to \"in talks\".",
    after=MEETING_EXAMPLE, success=201))
class MeetingRatingApi(MeetingActionApi):
    InputSerializer = RatingInputSerializer
    success_status = status.HTTP_201_CREATED

    def act(self, pk, data):
        meetings.meeting_rate(actor=self.request.user, meeting_id=pk, useful=data["useful"],
                              continue_talks=data["continue_talks"], comment=data["comment"])


# --- introduction rounds ------------------------------------------------------------------------

ROUND_PERMISSIONS = "Program officers (403 for anyone else)."


@extend_schema_view(
    get=_doc(summary="List introduction rounds", permissions=ROUND_PERMISSIONS, errors=(*LIST, 403),
             responses={200: RoundOutputSerializer(many=True)}, example=ROUND_EXAMPLE, parameters=()),
    post=_doc(summary="Propose an introduction round for a list", permissions=ROUND_PERMISSIONS, errors=(403, 404),
              description="Each need gets up to `per_need` capabilities and each capability at most `per_capability` "
                          "needs, maximising the total score with every need covered where possible (a min-cost "
                          "flow), over the list's open matches. Approve it with …/approve/.",
              request=RoundInputSerializer, responses={201: RoundOutputSerializer}, example=ROUND_EXAMPLE,
              request_example={"batch": 1, "per_need": 3, "per_capability": 2}, parameters=(), success=201))
class RoundListCreateApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]
    queryset = IntroductionRound.objects.none()

    def get(self, request):
        return self.respond_page(RoundOutputSerializer, IntroductionRound.objects.select_related("batch"))

    def post(self, request):
        d = self.validated(RoundInputSerializer)
        rnd = rounds.round_propose(actor=request.user, batch_id=d["batch"], per_need=d["per_need"],
                                   per_capability=d["per_capability"])
        return self.respond(RoundOutputSerializer, rnd, status.HTTP_201_CREATED)


def _round(pk: int) -> IntroductionRound:
    rnd = IntroductionRound.objects.select_related("batch").filter(pk=pk).first()
    if rnd is None:
        raise NotFound(_("No such round."))
    return rnd


@extend_schema_view(get=_doc(summary="Read an introduction round", permissions=ROUND_PERMISSIONS, errors=(403, 404),
                             parameters=(ROUND_ID,), responses={200: RoundOutputSerializer}, example=ROUND_EXAMPLE))
class RoundDetailApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]

    def get(self, request, pk: int):
        return self.respond(RoundOutputSerializer, _round(pk))


@extend_schema_view(post=_doc(
    summary="Approve introductions of a round", permissions=ROUND_PERMISSIONS, errors=(403, 404),
    description="The match queue's bulk approval over the chosen matches of this round, with one reason: each is "
                "approved in its own transaction; `failed` says why the others were not. A match outside the "
                "round: 400.", parameters=(ROUND_ID,), request=RoundApproveInputSerializer,
    responses={200: BulkResultSerializer}, example={"done": [301], "failed": {}},
    request_example={"matches": [301], "reason": "清单对接轮次：得分最高且覆盖全部需求"}))
class RoundApproveApi(Api):
    permission_classes = [IsAuthenticated, IsOfficer]

    def post(self, request, pk: int):
        rnd = _round(pk)
        d = self.validated(RoundApproveInputSerializer)
        result = rounds.round_approve(actor=request.user, round_id=rnd.pk, match_ids=d["matches"], reason=d["reason"])
        return self.respond(BulkResultSerializer, {"done": result["done"],
                                                   "failed": {str(k): v for k, v in result["failed"].items()}})
