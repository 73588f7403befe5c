"""Events in the Django admin: read-mostly lists (changes go through the events pages and
services, which check and record them)."""
from django.contrib import admin

from .models import Event, IntroductionRound, Meeting, Participant, ScheduleJob


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "date", "venue", "tables", "status")
    list_filter = ("status",)
    search_fields = ("name", "venue")
    readonly_fields = ("created_by", "created_at")


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("organization", "event", "status", "checked_in_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Participant._meta.fields]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("event", "scenario", "capability", "state", "slot", "table", "locked", "attendance")
    list_filter = ("state", "origin", "attendance")
    readonly_fields = [f.name for f in Meeting._meta.fields]


@admin.register(ScheduleJob)
class ScheduleJobAdmin(admin.ModelAdmin):
    list_display = ("event", "mode", "status", "progress", "created_at", "finished_at")
    readonly_fields = [f.name for f in ScheduleJob._meta.fields]


@admin.register(IntroductionRound)
class IntroductionRoundAdmin(admin.ModelAdmin):
    list_display = ("batch", "per_need", "per_capability", "created_at")
    readonly_fields = [f.name for f in IntroductionRound._meta.fields]
