"""Workflow actions for the listing admins: each one calls the service, never sets status."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .models import Batch, ListingStatus
from .services import listing_archive, listing_publish, listing_return, listing_update, validation_messages


def _run(modeladmin, request, queryset, fn, **kwargs) -> None:
    done, failed = 0, []
    for listing in queryset:
        try:
            fn(actor=request.user, listing=listing, **kwargs)
            done += 1
        except DomainError as exc:
            failed.append(f"{listing.reference}: {exc}")
    if done:
        modeladmin.message_user(request, _("%(n)d listings changed.") % {"n": done}, messages.SUCCESS)
    for line in failed:
        modeladmin.message_user(request, line, messages.ERROR)


def _form(modeladmin, request, queryset, *, title, action, need_comment, with_batch):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title, "queryset": queryset, "action": action, "need_comment": need_comment,
        "batches": Batch.objects.all() if with_batch else None, "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/listing_action.html", context)


@admin.action(description=_("Publish selected listings (optionally into a list)"))
def publish_selected(modeladmin, request, queryset):
    if "apply" not in request.POST:
        return _form(modeladmin, request, queryset, title=_("Publish listings"), action="publish_selected",
                     need_comment=False, with_batch=True)
    batch = Batch.objects.filter(pk=request.POST.get("batch") or None).first()
    _run(modeladmin, request, queryset, listing_publish, batch=batch, comment=request.POST.get("comment", ""))
    return None


@admin.action(description=_("Return selected listings with a comment"))
def return_selected(modeladmin, request, queryset):
    if "apply" not in request.POST:
        return _form(modeladmin, request, queryset, title=_("Return listings"), action="return_selected",
                     need_comment=True, with_batch=False)
    _run(modeladmin, request, queryset, listing_return, comment=request.POST.get("comment", ""))
    return None


@admin.action(description=_("Archive selected published listings"))
def archive_selected(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, listing_archive)


class ListingAdmin(admin.ModelAdmin):
    """Shared admin for needs and capabilities."""

    list_display = ("reference", "title", "status", "field", "organization", "city", "batch", "published_at")
    list_filter = ("status", "field", "city", "batch", "language")
    search_fields = ("title", "description", "search_text", "organization__name")
    list_select_related = ("field", "organization", "batch")
    readonly_fields = ("status", "organization", "batch", "number", "created_by", "created_at", "updated_at",
                       "submitted_at", "published_at")
    actions = [publish_selected, return_selected, archive_selected]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        # listings are posted by organisations (pages, API, import), never created here
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data
                if name in type(obj).editable_fields()}
        try:
            listing_update(actor=request.user, listing=obj, data=data)
        except ValidationError as exc:
            for field, msgs in validation_messages(exc).items():
                self.message_user(request, f"{field}: {' '.join(msgs)}", messages.ERROR)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ListingStatus.PUBLISHED and not request.user.is_superuser:
            # officers correct published listings; drafts belong to their authors
            return [f.name for f in obj._meta.fields if f.editable] + list(self.readonly_fields)
        return self.readonly_fields


class TransitionInline(admin.TabularInline):
    extra = 0
    can_delete = False
    fields = ("at", "actor", "action", "from_status", "to_status", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False
