from django.contrib import admin

from scenarios.admin_actions import ListingAdmin, TransitionInline

from .models import Capability, CapabilityTransition


class CapabilityTransitionInline(TransitionInline):
    model = CapabilityTransition


@admin.register(Capability)
class CapabilityAdmin(ListingAdmin):
    list_filter = ListingAdmin.list_filter + ("maturity", "certification", "deployment")
    inlines = [CapabilityTransitionInline]
