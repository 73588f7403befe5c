"""The demand side, and what both sides of the platform share.

`ListingBase` is the abstract base of Scenario (a need, 场景机会) and suppliers.Capability (an
offering, 供给能力). Status changes only through scenarios.services, which records each one in
the listing's `transitions` in the same transaction.
"""
from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.side import SCENARIO, Side
from core.validators import validate_clean_text

TITLE_MAX = 200
DESCRIPTION_MAX = 5000


class Field(models.Model):
    """One segment of the taxonomy (精准诊疗, 智能影像, …), with its name in each UI language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=40, unique=True)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        lang = (translation.get_language() or settings.LANGUAGE_CODE).lower()
        if lang.startswith("en"):
            return self.name_en
        if lang in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
            return self.name_zh_hant
        return self.name_zh_hans


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    ZH_HANT = "zh-hant", _("Traditional Chinese")
    EN = "en", _("English")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Deployment(models.TextChoices):
    ON_PREMISE = "on_premise", _("On-premise only")
    CLOUD = "cloud", _("Cloud only")
    EITHER = "either", _("On-premise or cloud")


class Certification(models.TextChoices):
    """NMPA device registration. The class is ordinal: a class III registration satisfies a need
    that asks for at least class II."""

    NONE = "none", _("None")
    NMPA_I = "nmpa_i", _("NMPA class I filing")
    NMPA_II = "nmpa_ii", _("NMPA class II registration")
    NMPA_III = "nmpa_iii", _("NMPA class III registration")



class Batch(models.Model):
    """A published list (清单) curated by officers, e.g. "2025 biomedicine application scenarios"."""

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_clean_text])
    published_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True, max_length=4000,
                                   validators=[validate_clean_text])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "name"]
        verbose_name = _("list (batch)")
        verbose_name_plural = _("lists (batches)")

    def __str__(self) -> str:
        return self.name


class ListingBase(models.Model):
    """What a need and an offering share. Writes go through scenarios.services."""

    SIDE: ClassVar[Side]  # which side of the platform: everything that differs between the two
    COMMON_FIELDS = ("title", "description", "field", "province", "city", "language",
                     "contact_name", "contact_phone", "contact_email")
    SIDE_FIELDS: tuple[str, ...] = ()

    @classmethod
    def editable_fields(cls) -> tuple[str, ...]:
        """The fields an owner sets through listing_create / listing_update."""
        return cls.COMMON_FIELDS + cls.SIDE_FIELDS

    title = models.CharField(_("title"), max_length=TITLE_MAX,
                             validators=[MinLengthValidator(2), validate_clean_text])
    description = models.TextField(
        _("description"),
        validators=[MinLengthValidator(10), MaxLengthValidator(DESCRIPTION_MAX), validate_clean_text],
    )
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    province = models.CharField(_("province"), max_length=32, blank=True, validators=[validate_clean_text])
    city = models.CharField(_("city"), max_length=32, blank=True, validators=[validate_clean_text])
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS)
    organization = models.ForeignKey("accounts.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="%(class)ss")
    status = models.CharField(_("status"), max_length=12, choices=ListingStatus.choices,
                              default=ListingStatus.DRAFT, db_index=True)
    batch = models.ForeignKey(Batch, verbose_name=_("list"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="%(class)ss")
    number = models.PositiveIntegerField(_("number in list"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True,
                                    validators=[validate_clean_text])
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True,
                                     validators=[validate_clean_text])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Simplified, jieba-segmented title + description, written by the services; keyword search
    # runs on it so that Traditional and Simplified input find each other.
    search_text = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-published_at", "-id"]
        # the matching pool cache checks "what changed since?" on these before every ranking
        indexes = [models.Index(fields=["status", "updated_at"], name="%(app_label)s_%(class)s_st_upd"),
                   models.Index(fields=["updated_at"], name="%(app_label)s_%(class)s_upd")]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """A stable public number such as S00042 / C00017."""
        return f"{self.SIDE.letter}{self.pk:05d}" if self.pk else ""

    @property
    def kind(self) -> str:
        """The side's name ("scenario" or "capability"), as URLs and the API spell it."""
        return self.SIDE.kind

    @property
    def region(self) -> str:
        return " ".join(p for p in (self.province, self.city) if p)

    @property
    def is_published(self) -> bool:
        return self.status == ListingStatus.PUBLISHED


class TransitionBase(models.Model):
    """One recorded change of a listing: who, when, from, to, and the comment."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        EDIT = "edit", _("Edited")
        SUBMIT = "submit", _("Submitted")
        WITHDRAW = "withdraw", _("Withdrawn")
        PUBLISH = "publish", _("Published")
        RETURN = "return", _("Returned")
        ARCHIVE = "archive", _("Archived")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=ListingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ListingStatus.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class Scenario(ListingBase):
    """A need (场景机会) posted by a hospital, CDC, pharma R&D unit or elderly-care home."""

    SIDE = SCENARIO
    SIDE_FIELDS = ("budget_min", "budget_max", "deadline", "deployment", "required_certification")

    budget_min = models.DecimalField(_("budget from (10k CNY)"), max_digits=10, decimal_places=1,
                                     null=True, blank=True)
    budget_max = models.DecimalField(_("budget up to (10k CNY)"), max_digits=10, decimal_places=1,
                                     null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deployment = models.CharField(_("deployment"), max_length=12, choices=Deployment.choices,
                                  default=Deployment.EITHER)
    required_certification = models.CharField(_("required certification"), max_length=10,
                                              choices=Certification.choices, default=Certification.NONE)

    class Meta(ListingBase.Meta):
        verbose_name = _("scenario need")
        verbose_name_plural = _("scenario needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="scenario_budget_range_ordered",
            ),
            models.CheckConstraint(condition=Q(budget_min__gte=0) | Q(budget_min__isnull=True),
                                   name="scenario_budget_min_nonnegative"),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.budget_min is not None and self.budget_min < 0:
            raise ValidationError({"budget_min": _("The budget cannot be negative.")})
        if self.budget_min is not None and self.budget_max is not None and self.budget_min > self.budget_max:
            raise ValidationError({"budget_max": _("The upper budget must not be below the lower one.")})


class ScenarioTransition(TransitionBase):
    listing = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionBase.Meta):
        verbose_name = _("scenario history entry")
        verbose_name_plural = _("scenario history")
