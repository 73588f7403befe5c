from django.contrib import admin
from django.db.models import Count

from .admin_actions import ListingAdmin, TransitionInline
from .models import Batch, Field, Scenario, ScenarioTransition


class ScenarioTransitionInline(TransitionInline):
    model = ScenarioTransition


@admin.register(Scenario)
class ScenarioAdmin(ListingAdmin):
    list_filter = ListingAdmin.list_filter + ("deployment", "required_certification")
    inlines = [ScenarioTransitionInline]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh_hans", "name_zh_hant", "name_en", "order")
    search_fields = ("code", "name_zh_hans", "name_zh_hant", "name_en")


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("name", "published_on", "scenario_count", "capability_count")
    search_fields = ("name",)
    date_hierarchy = "published_on"
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_scenarios=Count("scenarios", distinct=True), n_capabilities=Count("capabilities", distinct=True))

    @admin.display(ordering="n_scenarios")
    def scenario_count(self, obj) -> int:
        return obj.n_scenarios

    @admin.display(ordering="n_capabilities")
    def capability_count(self, obj) -> int:
        return obj.n_capabilities

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
