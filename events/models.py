"""Matchmaking events (路演 and 洽谈): sessions cut into slots, the listings invited, the
organisations taking part with their representatives and availability, meetings and their
workflow, ratings, schedule jobs; and introduction rounds for a list (outside events).

Meeting states change only through events.services, which records each change in
`MeetingTransition` in the same transaction. The scheduler (events.engine) reads all of this as
plain data and writes back slots and tables.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.side import CAPABILITY, SCENARIO, Side
from core.validators import validate_clean_text

MAX_TABLES = 500
MAX_SPARE_SHARE = 0.9


class Event(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, validators=[validate_clean_text])
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, validators=[validate_clean_text])
    venue_tables = models.PositiveSmallIntegerField(
        _("tables the venue holds"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TABLES)])
    tables = models.PositiveSmallIntegerField(
        _("tables for meetings"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TABLES)])
    spare_share = models.FloatField(
        _("share of tables kept free"), default=0.1,
        validators=[MinValueValidator(0.0), MaxValueValidator(MAX_SPARE_SHARE)],
        help_text=_("For meetings arranged on the day; the scheduler leaves them empty."))
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"), default=20, validators=[MinValueValidator(5), MaxValueValidator(240)])
    max_meetings = models.PositiveSmallIntegerField(
        _("most meetings per organisation"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: as many as its time allows."))
    min_per_need = models.PositiveSmallIntegerField(
        _("meetings each need should get"), default=1, validators=[MaxValueValidator(20)])
    roadshow_size = models.PositiveSmallIntegerField(
        _("presenters per side in the roadshow"), default=3, validators=[MaxValueValidator(50)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(tables__lte=models.F("venue_tables")), name="event_tables_fit_venue"),
            models.CheckConstraint(condition=Q(spare_share__gte=0) & Q(spare_share__lte=MAX_SPARE_SHARE),
                                   name="event_spare_share_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def spare_tables(self) -> int:
        from .engine.model import spare_tables_for

        return spare_tables_for(self.tables, self.spare_share)

    def clean(self) -> None:
        if self.tables and self.venue_tables and self.tables > self.venue_tables:
            raise ValidationError({"tables": _("The venue holds %(venue)d tables; %(tables)d is more than it allows.")
                                   % {"venue": self.venue_tables, "tables": self.tables}})


class Session(models.Model):
    class Kind(models.TextChoices):
        MEETINGS = "meetings", _("Meetings (洽谈)")
        ROADSHOW = "roadshow", _("Roadshow (路演)")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETINGS)
    name = models.CharField(_("name"), max_length=100, blank=True, validators=[validate_clean_text])
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_ends_after_start")]

    def __str__(self) -> str:
        return self.name or f"{timezone.localtime(self.start):%H:%M}–{timezone.localtime(self.end):%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The session ends before it starts.")})


class Slot(models.Model):
    """One meeting's time in a meetings session; written by the services from the session."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    index = models.PositiveSmallIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "index"], name="slot_unique_index")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.start):%H:%M}–{timezone.localtime(self.end):%H:%M}"


class EventListing(models.Model):
    """A listing invited to the event (need or capability: exactly one of the two keys)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="listings")
    scenario = models.ForeignKey("scenarios.Scenario", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    capability = models.ForeignKey("suppliers.Capability", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    # its place in the roadshow (路演), None when it does not present
    roadshow_order = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(scenario__isnull=False, capability__isnull=True)
                                   | Q(scenario__isnull=True, capability__isnull=False), name="eventlisting_one_side"),
            models.UniqueConstraint(fields=["event", "scenario"], name="eventlisting_unique_scenario"),
            models.UniqueConstraint(fields=["event", "capability"], name="eventlisting_unique_capability"),
        ]

    @property
    def side(self) -> Side:
        return SCENARIO if self.scenario_id else CAPABILITY

    @property
    def listing(self):
        return self.scenario if self.scenario_id else self.capability


def new_checkin_token() -> str:
    return secrets.token_urlsafe(16)


class Participant(models.Model):
    """An organisation owning invited listings: invited, then registered or declined."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REGISTERED = "registered", pgettext_lazy("taking part in an event", "Registered")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.INVITED)
    registered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True, validators=[validate_clean_text])
    # what the QR code on the agenda carries: the desk scans it to check the organisation in
    checkin_token = models.CharField(max_length=32, unique=True, default=new_checkin_token, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "organization"], name="participant_unique_org")]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.event}"


class Representative(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("name"), max_length=64, validators=[validate_clean_text])
    position = models.CharField(_("position"), max_length=64, blank=True, validators=[validate_clean_text])

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Availability(models.Model):
    """A time window in which the organisation's representatives can meet (within a meetings session)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="windows")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="availability_ordered")]


class MeetingState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the scheduler")
    PENDING = "pending", _("Requested, waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = (MeetingState.PROPOSED, MeetingState.PENDING, MeetingState.ACCEPTED)


class Meeting(models.Model):
    class Origin(models.TextChoices):
        REQUEST = "request", _("Requested by a participant")
        OFFICER = "officer", _("Added by a program officer")
        SCHEDULER = "scheduler", _("Proposed by the scheduler")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        HELD = "held", _("Held")
        NEED_ABSENT = "need_absent", _("The need's side did not come")
        CAPABILITY_ABSENT = "capability_absent", _("The capability's side did not come")
        BOTH_ABSENT = "both_absent", _("Neither side came")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    scenario = models.ForeignKey("scenarios.Scenario", on_delete=models.CASCADE, related_name="+")
    capability = models.ForeignKey("suppliers.Capability", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PENDING)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.REQUEST)
    requested_by = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True, validators=[validate_clean_text])
    slot = models.ForeignKey(Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings")
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    need_rep = models.ForeignKey(Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    capability_rep = models.ForeignKey(Representative, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices,
                                  default=Attendance.UNKNOWN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__start", "table", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["event", "scenario", "capability"], condition=Q(state__in=ACTIVE),
                                    name="meeting_one_active_per_pair"),
            models.UniqueConstraint(fields=["slot", "table"], condition=Q(slot__isnull=False, state__in=ACTIVE),
                                    name="meeting_one_per_table_and_slot"),
            models.CheckConstraint(condition=Q(locked=False) | Q(slot__isnull=False, table__isnull=False),
                                   name="meeting_lock_has_place"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id} ↔ {self.capability_id} ({self.state})"

    @property
    def pair(self) -> tuple[int, int]:
        return (self.scenario_id, self.capability_id)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE


class MeetingTransition(models.Model):
    """Audit of every change of a meeting's state: who, when, from, to, why."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=10, choices=MeetingState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=MeetingState.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]


class MeetingRating(models.Model):
    """One side's word after a meeting: was it useful, do they want to continue talking."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ratings")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    useful = models.BooleanField(_("useful"))
    continue_talks = models.BooleanField(_("continue talks"))
    comment = models.CharField(_("comment"), max_length=500, blank=True, validators=[validate_clean_text])
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "organization"], name="rating_one_per_side")]


class ScheduleJob(models.Model):
    """One run of the scheduler for an event, with progress and its report (codes and
    parameters, rendered in the reader's language by events.presenters)."""

    class Mode(models.TextChoices):
        ALL = "all", _("Schedule all")
        KEEP = "keep", _("Re-schedule, moving as few meetings as possible")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="jobs")
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.ALL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=20, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event"], condition=Q(status__in=["queued", "running"]),
                                    name="schedulejob_one_active_per_event"),
        ]


class IntroductionRound(models.Model):
    """A proposed round of introductions for a list: each need up to `per_need` capabilities,
    each capability at most `per_capability` needs (events.engine.rounds)."""

    batch = models.ForeignKey("scenarios.Batch", on_delete=models.CASCADE, related_name="+")
    per_need = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(20)])
    per_capability = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    # figures of the proposal and of the greedy baseline on the same candidates
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class IntroductionRoundPair(models.Model):
    round = models.ForeignKey(IntroductionRound, on_delete=models.CASCADE, related_name="pairs")
    match = models.ForeignKey("matching.Match", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "match"], name="roundpair_unique_match")]
