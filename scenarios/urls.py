from django.urls import path

from . import views

app_name = "scenarios"

urlpatterns = [
    path("", views.public_list, name="public-list"),
    path("lists/", views.batch_index, name="batch-list"),
    path("lists/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("<str:kind>/<int:pk>/", views.listing_detail, name="listing-detail"),
]
