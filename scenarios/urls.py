from django.urls import path

from .views import public, review, workspace

app_name = "scenarios"

urlpatterns = [
    path("", public.public_list, name="public-list"),
    path("lists/", public.batch_index, name="batch-list"),
    path("lists/<int:pk>/", public.batch_detail, name="batch-detail"),
    # the owners' workspace
    path("workspace/listings/", workspace.listing_mine, name="listing-mine"),
    path("workspace/<side:side>/new/", workspace.listing_create, name="listing-create"),
    path("workspace/<side:side>/<int:pk>/", workspace.listing_manage, name="listing-manage"),
    path("workspace/<side:side>/<int:pk>/edit/", workspace.listing_edit, name="listing-edit"),
    path("workspace/<side:side>/<int:pk>/submit/", workspace.listing_action, {"action": "submit"},
         name="listing-submit"),
    path("workspace/<side:side>/<int:pk>/withdraw/", workspace.listing_action, {"action": "withdraw"},
         name="listing-withdraw"),
    path("workspace/<side:side>/<int:pk>/archive/", workspace.listing_action, {"action": "archive"},
         name="listing-archive"),
    # program officers
    path("officer/review/", review.listing_review, name="listing-review"),
    path("officer/review/<side:side>/<int:pk>/publish/", review.listing_publish, name="listing-publish"),
    path("officer/review/<side:side>/<int:pk>/return/", review.listing_return, name="listing-return"),
    path("officer/lists/new/", review.batch_create, name="batch-create"),
    # last: the public page of one listing
    path("<side:side>/<int:pk>/", public.listing_detail, name="listing-detail"),
]
