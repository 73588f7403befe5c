from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from core.side import SideConverter

register_converter(SideConverter, "side")

admin.site.site_header = _("SceneBridge administration")
admin.site.site_title = _("SceneBridge")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/", include("config.api_urls")),
    path("officer/imports/", include("transfer.urls")),
    path("", include("events.urls")),
    path("", include("matching.urls")),
    path("", include("scenarios.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
