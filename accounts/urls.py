from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("home/", views.home, name="home"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/join/", views.organization_join, name="organization-join"),
    path("organizations/<int:pk>/members/", views.organization_members, name="organization-members"),
    path("memberships/<int:pk>/approve/", views.membership_decide, {"decision": "approve"},
         name="membership-approve"),
    path("memberships/<int:pk>/decline/", views.membership_decide, {"decision": "decline"},
         name="membership-decline"),
    path("notifications/", views.notification_list_view, name="notification-list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
]
