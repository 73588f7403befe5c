from django.contrib import admin

from .models import Match, MatchEvent, MatchInterest, RerankJob


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MatchInterestInline(admin.TabularInline):
    model = MatchInterest
    extra = 0
    can_delete = False
    fields = ("at", "organization", "user", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the match queue, which audits them."""

    list_display = ("scenario", "capability", "status", "score", "s2c_rank", "c2s_rank", "updated_at")
    list_filter = ("status", "scenario__field", "scenario__city", "scenario__batch")
    search_fields = ("scenario__title", "capability__title", "scenario__organization__name",
                     "capability__organization__name")
    list_select_related = ("scenario", "capability")
    inlines = [MatchInterestInline, MatchEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RerankJob)
class RerankJobAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "done", "total", "embedded", "model_id", "created_at", "finished_at")
    list_filter = ("status",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
