from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Notification, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Contact"), {"fields": ("phone",)}),)
    list_display = ("username", "email", "first_name", "last_name", "is_staff")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "province", "city", "verified", "created_at")
    list_filter = ("kind", "verified", "province", "city")
    search_fields = ("name", "city", "province")
    inlines = [MembershipInline]
    actions = ["mark_verified"]

    @admin.action(description=_("Mark selected organisations as verified"))
    def mark_verified(self, request, queryset):
        n = queryset.update(verified=True)
        self.message_user(request, _("%(n)d organisations verified.") % {"n": n})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "status", "created_at")
    list_filter = ("role", "status", "organization__kind")
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ["user", "organization"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "subject", "created_at", "read_at")
    search_fields = ("user__username", "subject")
