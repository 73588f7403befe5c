"""Officers' import and export pages, mounted at /officer/imports/ (namespace "transfer")."""
from django.urls import path

from transfer import views as views

app_name = "transfer"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:token>/", views.preview, name="preview"),
    path("lists/<int:pk>/export.<str:fmt>", views.batch_download, name="batch-export"),
    path("matches/approved.<str:fmt>", views.matches_download, name="matches-export"),
]
