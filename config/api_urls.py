"""Every endpoint under /api/ (URL names `api:<entity>-<action>`). tests/api/test_matrix.py fails
when a path or method here is not in its authorization matrix."""
from django.urls import path, re_path

from accounts.apis import AuthTokenApi, MeApi, OrganizationDetailApi, OrganizationListApi
from core.api.views import ApiNotFoundApi, DocsApi, SchemaApi
from events.apis import (
    EventAgendaApi,
    EventCheckinApi,
    EventDeclineApi,
    EventDetailApi,
    EventInviteApi,
    EventListCreateApi,
    EventMeetingListCreateApi,
    EventRegistrationApi,
    EventRoadshowApi,
    EventScheduleApi,
    EventSessionCreateApi,
    EventSuggestionListApi,
    MeetingAcceptApi,
    MeetingAttendanceApi,
    MeetingCancelApi,
    MeetingDeclineApi,
    MeetingDetailApi,
    MeetingLockApi,
    MeetingRatingApi,
    RoundApproveApi,
    RoundDetailApi,
    RoundListCreateApi,
)
from matching.apis import (
    CapabilityMatchListApi,
    MatchApproveApi,
    MatchDetailApi,
    MatchInterestApi,
    MatchMineListApi,
    MatchQueueApi,
    MatchRejectApi,
    RerankJobCurrentApi,
    RerankJobDetailApi,
    RerankJobListStartApi,
    ScenarioMatchListApi,
)
from scenarios.apis import (
    BatchDetailApi,
    BatchListCreateApi,
    ScenarioArchiveApi,
    ScenarioDetailUpdateApi,
    ScenarioListCreateApi,
    ScenarioPublishApi,
    ScenarioReturnApi,
    ScenarioSubmitApi,
    ScenarioWithdrawApi,
)
from suppliers.apis import (
    CapabilityArchiveApi,
    CapabilityDetailUpdateApi,
    CapabilityListCreateApi,
    CapabilityPublishApi,
    CapabilityReturnApi,
    CapabilitySubmitApi,
    CapabilityWithdrawApi,
)

app_name = "api"


def _listing_urls(prefix: str, entity: str, apis: dict) -> list:
    return [
        path(f"{prefix}/", apis["list"].as_view(), name=f"{entity}-list"),
        path(f"{prefix}/<int:pk>/", apis["detail"].as_view(), name=f"{entity}-detail"),
        *[path(f"{prefix}/<int:pk>/{action}/", apis[action].as_view(), name=f"{entity}-{action}")
          for action in ("submit", "withdraw", "publish", "return", "archive")],
        path(f"{prefix}/<int:pk>/matches/", apis["matches"].as_view(), name=f"{entity}-matches"),
    ]


urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("docs/", DocsApi.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", AuthTokenApi.as_view(), name="auth-token"),
    path("auth/me/", MeApi.as_view(), name="auth-me"),
    path("organizations/", OrganizationListApi.as_view(), name="organization-list"),
    path("organizations/<int:pk>/", OrganizationDetailApi.as_view(), name="organization-detail"),
    *_listing_urls("scenarios", "scenario", {
        "list": ScenarioListCreateApi, "detail": ScenarioDetailUpdateApi, "submit": ScenarioSubmitApi,
        "withdraw": ScenarioWithdrawApi, "publish": ScenarioPublishApi, "return": ScenarioReturnApi,
        "archive": ScenarioArchiveApi, "matches": ScenarioMatchListApi}),
    *_listing_urls("capabilities", "capability", {
        "list": CapabilityListCreateApi, "detail": CapabilityDetailUpdateApi, "submit": CapabilitySubmitApi,
        "withdraw": CapabilityWithdrawApi, "publish": CapabilityPublishApi, "return": CapabilityReturnApi,
        "archive": CapabilityArchiveApi, "matches": CapabilityMatchListApi}),
    path("batches/", BatchListCreateApi.as_view(), name="batch-list"),
    path("batches/<int:pk>/", BatchDetailApi.as_view(), name="batch-detail"),
    path("matches/", MatchQueueApi.as_view(), name="match-list"),
    path("matches/mine/", MatchMineListApi.as_view(), name="match-mine"),
    path("matches/<int:pk>/", MatchDetailApi.as_view(), name="match-detail"),
    path("matches/<int:pk>/interest/", MatchInterestApi.as_view(), name="match-interest"),
    path("matches/<int:pk>/approve/", MatchApproveApi.as_view(), name="match-approve"),
    path("matches/<int:pk>/reject/", MatchRejectApi.as_view(), name="match-reject"),
    path("jobs/", RerankJobListStartApi.as_view(), name="job-list"),
    path("jobs/current/", RerankJobCurrentApi.as_view(), name="job-current"),
    path("jobs/<int:pk>/", RerankJobDetailApi.as_view(), name="job-detail"),
    path("events/", EventListCreateApi.as_view(), name="event-list"),
    path("events/<int:pk>/", EventDetailApi.as_view(), name="event-detail"),
    path("events/<int:pk>/sessions/", EventSessionCreateApi.as_view(), name="event-sessions"),
    path("events/<int:pk>/invitations/", EventInviteApi.as_view(), name="event-invite"),
    path("events/<int:pk>/registration/", EventRegistrationApi.as_view(), name="event-register"),
    path("events/<int:pk>/decline/", EventDeclineApi.as_view(), name="event-decline"),
    path("events/<int:pk>/suggestions/", EventSuggestionListApi.as_view(), name="event-suggestions"),
    path("events/<int:pk>/meetings/", EventMeetingListCreateApi.as_view(), name="event-meetings"),
    path("events/<int:pk>/schedule/", EventScheduleApi.as_view(), name="event-schedule"),
    path("events/<int:pk>/agenda/", EventAgendaApi.as_view(), name="event-agenda"),
    path("events/<int:pk>/roadshow/", EventRoadshowApi.as_view(), name="event-roadshow"),
    path("events/<int:pk>/checkin/", EventCheckinApi.as_view(), name="event-checkin"),
    path("meetings/<int:pk>/", MeetingDetailApi.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/accept/", MeetingAcceptApi.as_view(), name="meeting-accept"),
    path("meetings/<int:pk>/decline/", MeetingDeclineApi.as_view(), name="meeting-decline"),
    path("meetings/<int:pk>/cancel/", MeetingCancelApi.as_view(), name="meeting-cancel"),
    path("meetings/<int:pk>/lock/", MeetingLockApi.as_view(), name="meeting-lock"),
    path("meetings/<int:pk>/attendance/", MeetingAttendanceApi.as_view(), name="meeting-attendance"),
    path("meetings/<int:pk>/rating/", MeetingRatingApi.as_view(), name="meeting-rating"),
    path("rounds/", RoundListCreateApi.as_view(), name="round-list"),
    path("rounds/<int:pk>/", RoundDetailApi.as_view(), name="round-detail"),
    path("rounds/<int:pk>/approve/", RoundApproveApi.as_view(), name="round-approve"),
    # last: anything else under /api/ is a 404 in the API's error shape
    re_path(r"^.*$", ApiNotFoundApi.as_view(), name="not-found"),
]
