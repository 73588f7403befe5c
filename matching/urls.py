from django.urls import path

from .views import officer, sides

app_name = "matching"

urlpatterns = [
    path("workspace/<side:side>/<int:pk>/candidates/", sides.listing_candidates, name="listing-candidates"),
    path("workspace/matches/", sides.my_matches, name="my-matches"),
    path("matches/<int:pk>/", sides.match_detail, name="match-detail"),
    path("matches/<int:pk>/interest/", sides.match_interest, name="match-interest"),
    path("officer/matches/", officer.match_queue_view, name="match-queue"),
    path("officer/matches/bulk/", officer.match_bulk, name="match-bulk"),
    path("officer/matches/<int:pk>/approve/", officer.match_decide, {"decision": "approve"}, name="match-approve"),
    path("officer/matches/<int:pk>/reject/", officer.match_decide, {"decision": "reject"}, name="match-reject"),
    path("officer/matches/<int:pk>/reopen/", officer.match_decide, {"decision": "reopen"}, name="match-reopen"),
    path("officer/matches/<int:pk>/advance/", officer.match_advance, name="match-advance"),
    path("officer/dashboard/", officer.dashboard, name="dashboard"),
    path("officer/rerank/", officer.rerank_start, name="rerank-start"),
    path("officer/rerank/progress/", officer.rerank_progress, name="rerank-progress"),
]
