from django.http import HttpRequest

from .selectors import membership_list_active, user_is_officer


def roles(request: HttpRequest) -> dict:
    """What the layout needs to show the right menus; evaluated lazily by the templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_officer": False, "my_memberships": []}
    return {"is_officer": user_is_officer(user=user), "my_memberships": membership_list_active(user=user)}
