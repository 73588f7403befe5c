from django.urls import path

from .views import public, review, workspace

app_name = "scenarios"

urlpatterns = [
    path("", public.public_list, name="public-list"),
    path("lists/", public.batch_index, name="batch-list"),
    path("lists/<int:pk>/", public.batch_detail, name="batch-detail"),
    # the owners' workspace
    path("workspace/listings/", workspace.listing_mine, name="listing-mine"),
    path("workspace/<str:kind>/new/", workspace.listing_create, name="listing-create"),
    path("workspace/<str:kind>/<int:pk>/", workspace.listing_manage, name="listing-manage"),
    path("workspace/<str:kind>/<int:pk>/edit/", workspace.listing_edit, name="listing-edit"),
    path("workspace/<str:kind>/<int:pk>/submit/", workspace.listing_action, {"action": "submit"},
         name="listing-submit"),
    path("workspace/<str:kind>/<int:pk>/withdraw/", workspace.listing_action, {"action": "withdraw"},
         name="listing-withdraw"),
    path("workspace/<str:kind>/<int:pk>/archive/", workspace.listing_action, {"action": "archive"},
         name="listing-archive"),
    # program officers
    path("officer/review/", review.listing_review, name="listing-review"),
    path("officer/review/<str:kind>/<int:pk>/publish/", review.listing_publish, name="listing-publish"),
    path("officer/review/<str:kind>/<int:pk>/return/", review.listing_return, name="listing-return"),
    path("officer/lists/new/", review.batch_create, name="batch-create"),
    # last: the public page of one listing
    path("<str:kind>/<int:pk>/", public.listing_detail, name="listing-detail"),
]
