"""What the matching engine stores: listing vectors and terms, suggested matches and their
workflow, and re-rank jobs."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_clean_text

KIND_CHOICES = [("scenario", _("Scenario need")), ("capability", _("Capability"))]


class ListingVector(models.Model):
    """One listing's embedding for one model, with the hash of the text it was computed from.

    Re-embedding is skipped when (model_id, text_hash) is unchanged. Listings are referenced by
    (kind, listing_id) so that one table and one code path serve both sides.
    """

    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    listing_id = models.BigIntegerField()
    model_id = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)
    dim = models.PositiveSmallIntegerField()
    vector = models.BinaryField()  # float32, little-endian, L2-normalised
    updated_at = models.DateTimeField(auto_now=True)
    # When the listing's own ranking was last stored with this vector; the reconciling pass
    # re-queues published listings that were embedded but never ranked (a task lost to a crash).
    ranked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("listing vector")
        verbose_name_plural = _("listing vectors")
        constraints = [
            models.UniqueConstraint(fields=["kind", "listing_id", "model_id"], name="vector_unique_listing_model"),
        ]
        # the pool cache asks "what changed since?" on every ranking
        indexes = [models.Index(fields=["kind", "model_id", "updated_at"], name="vector_kind_model_upd")]


class ListingTerms(models.Model):
    """The lexical terms of one listing (jieba over Simplified text), stored so that ranking
    against 100k listings does not segment 100k texts again."""

    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    listing_id = models.BigIntegerField()
    text_hash = models.CharField(max_length=64)
    terms = models.TextField()  # space-separated, in text order, repeats kept (BM25 counts them)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "listing_id"], name="terms_unique_listing")]
        indexes = [models.Index(fields=["kind", "updated_at"], name="terms_kind_upd")]


class MatchBand(models.TextChoices):
    """What a score means, in words a person can act on; the same for every need, both directions."""

    STRONG = "strong", _("Strong")
    POSSIBLE = "possible", _("Possible")
    WEAK = "weak", _("Weak")


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INTRODUCED = "introduced", _("Introduced")
    IN_TALKS = "in_talks", _("In talks")
    AGREED = "agreed", _("Agreed")
    CLOSED = "closed", _("Closed")


# Statuses the engine may create, refresh or drop; every other status is a person's decision.
ENGINE_OWNED = (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED)
DECIDED = (MatchStatus.APPROVED, MatchStatus.REJECTED, MatchStatus.INTRODUCED, MatchStatus.IN_TALKS,
           MatchStatus.AGREED, MatchStatus.CLOSED)


class Match(models.Model):
    """A (need, capability) pair the engine suggested, with each direction's score and rank.

    The engine ranks in both directions: `s2c_*` is where the capability stands among the need's
    candidates, `c2s_*` where the need stands among the capability's. `score` is the higher of
    the two, for queues that mix both. Once an officer decides, the engine never touches the row.
    """

    scenario = models.ForeignKey("scenarios.Scenario", on_delete=models.CASCADE, related_name="matches")
    capability = models.ForeignKey("suppliers.Capability", on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(_("status"), max_length=12, choices=MatchStatus.choices,
                              default=MatchStatus.SUGGESTED, db_index=True)
    score = models.FloatField(_("score"), default=0.0, db_index=True)
    band = models.CharField(_("band"), max_length=10, choices=MatchBand.choices, default=MatchBand.WEAK,
                            db_index=True)
    s2c_score = models.FloatField(null=True, blank=True)
    s2c_rank = models.PositiveIntegerField(null=True, blank=True)
    c2s_score = models.FloatField(null=True, blank=True)
    c2s_rank = models.PositiveIntegerField(null=True, blank=True)
    # {"dense": …, "lexical": …, "structured": …} per direction, and the explanation a person
    # can check (shared terms, requirements met / not met / unknown, field and region).
    parts = models.JSONField(default=dict, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    model_id = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=2000, validators=[validate_clean_text])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "capability"], name="match_unique_pair"),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def __str__(self) -> str:
        return f"{self.scenario_id} ↔ {self.capability_id} ({self.status})"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


class MatchEvent(models.Model):
    """Audit of every change of a match's status: who, when, from, to, why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=12, choices=MatchStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=MatchStatus.choices)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions")


class MatchInterest(models.Model):
    """One side's "we are interested", with a short reason."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="interests")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True, validators=[validate_clean_text])
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "organization"], name="interest_unique_org"),
        ]


class RerankJob(models.Model):
    """A full re-rank of every published listing, with progress readable by officers."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    embedded = models.PositiveIntegerField(default=0)
    model_id = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("re-rank job")
        verbose_name_plural = _("re-rank jobs")
        constraints = [
            # at most one job queued or running at a time
            models.UniqueConstraint(fields=["status"], condition=Q(status__in=["queued", "running"]),
                                    name="rerank_one_active"),
        ]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
