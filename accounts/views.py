"""Account pages. Who may see them: `home` needs a logged-in user."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import membership_list_active, user_is_officer


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {
        "memberships": membership_list_active(user=request.user),
        "officer": user_is_officer(user=request.user),
    })
