"""Officers' import and export pages, mounted at /officer/imports/ (namespace "imports")."""
from django.urls import path

from . import import_views as views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:token>/", views.preview, name="preview"),
    path("lists/<int:pk>/export.<str:fmt>", views.batch_download, name="batch-export"),
    path("matches/approved.<str:fmt>", views.matches_download, name="matches-export"),
]
