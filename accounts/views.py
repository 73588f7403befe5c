"""Account pages: sign-up, the workspace, organisations and memberships, notifications.

Who may see them: `signup` is for anonymous visitors; everything else needs a logged-in user.
The members page of an organisation is for its administrators only (403 otherwise).
"""
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.pages import member_required, show_error

from . import services
from .forms import OrganizationForm, OrganizationSearchForm, SignupForm
from .models import Membership, Organization
from .selectors import (
    membership_list_active,
    membership_list_for_organization,
    membership_list_pending,
    notification_list,
    organization_list_administered,
    organization_search,
    user_is_officer,
    user_is_org_admin,
    user_listing_sides,
)

NOTIFICATIONS_PER_PAGE = 20


def _form_errors(form, exc: ValidationError) -> None:
    for name, msgs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The workspace: the user's organisations, requests and next steps; the role's shortcuts."""
    from matching.selectors import match_count_mine, match_queue_count
    from scenarios.selectors import listing_status_counts, review_queue_count

    officer = user_is_officer(user=request.user)
    sides = user_listing_sides(user=request.user)
    return render(request, "accounts/home.html", {
        "memberships": membership_list_active(user=request.user),
        "pending": membership_list_pending(user=request.user),
        "administered": organization_list_administered(user=request.user),
        "officer": officer,
        "sides": [{"side": s, "counts": listing_status_counts(actor=request.user, side=s)} for s in sides],
        "n_matches": match_count_mine(actor=request.user) if sides else 0,
        "n_review": review_queue_count() if officer else 0,
        "n_queue": match_queue_count(actor=request.user) if officer else 0,
    })


def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may sign up; a logged-in user is sent to the workspace."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(username=data["username"], password=data["password1"],
                                        email=data["email"], first_name=data["first_name"], phone=data["phone"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Now create your organisation or ask to join one."))
            return redirect("accounts:home")
    return render(request, "accounts/signup.html", {"form": form})


@member_required
def organization_create(request: HttpRequest) -> HttpResponse:
    """Any logged-in user may create an organisation and becomes its administrator."""
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(org)s was created; you are its administrator.") % {"org": org.name})
            return redirect("accounts:home")
    return render(request, "accounts/organization_form.html", {"form": form})


@member_required
def organization_join(request: HttpRequest) -> HttpResponse:
    """Any logged-in user may look for an organisation and ask to join it."""
    if request.method == "POST":
        org = get_object_or_404(Organization, pk=request.POST.get("organization"))
        try:
            services.membership_request(actor=request.user, organization=org)
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Your request to join %(org)s was sent to its administrators.")
                             % {"org": org.name})
        return redirect("accounts:home")
    form = OrganizationSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    orgs = Paginator(organization_search(user=request.user, q=q), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/organization_join.html", {"form": form, "page": orgs})


@member_required
def organization_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators of the organisation only: its members and the requests to join."""
    org = get_object_or_404(Organization, pk=pk)
    if not user_is_org_admin(user=request.user, organization_id=org.pk):
        raise PermissionDenied("organisation administrators only")
    return render(request, "accounts/organization_members.html", {
        "organization": org, "memberships": membership_list_for_organization(organization=org),
    })


@require_POST
@member_required
def membership_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Administrators of the organisation approve or decline a request to join (403 otherwise)."""
    try:
        if decision == "approve":
            membership = services.membership_approve(actor=request.user, membership_id=pk)
            messages.success(request, _("%(user)s is now a member.") % {"user": membership.user})
            org_id = membership.organization_id
        else:
            org_id = _membership_org(pk)
            services.membership_decline(actor=request.user, membership_id=pk)
            messages.success(request, _("The request was declined."))
    except DomainError as exc:
        show_error(request, exc)
        org_id = _membership_org(pk)
    if org_id is None:
        return redirect("accounts:home")
    return redirect("accounts:organization-members", pk=org_id)


def _membership_org(pk: int) -> int | None:
    return Membership.objects.filter(pk=pk).values_list("organization_id", flat=True).first()


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    """A logged-in user's own notifications, newest first."""
    page = Paginator(notification_list(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/notification_list.html", {"page": page})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read and follow its link (same site only)."""
    notification = services.notification_mark_read(actor=request.user, notification_id=pk)
    if notification is None:
        return redirect("accounts:notification-list")
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("accounts:notification-list")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all of the user's notifications read."""
    n = services.notification_mark_all_read(actor=request.user)
    if n:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(reverse("accounts:notification-list"))
