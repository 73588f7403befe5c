"""Users, organisations and memberships.

An organisation posts listings; its active members act for it. Program officers are members of an
agency organisation with the officer role.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_clean_text


class User(AbstractUser):
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_clean_text])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username


class Organization(models.Model):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        CDC = "cdc", _("Centre for disease control")
        PHARMA = "pharma", _("Pharmaceutical R&D")
        ELDERLY_CARE = "elderly_care", _("Elderly care")
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        AGENCY = "agency", _("Government agency")

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_clean_text])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province = models.CharField(_("province"), max_length=32, blank=True, validators=[validate_clean_text])
    city = models.CharField(_("city"), max_length=32, blank=True, validators=[validate_clean_text])
    verified = models.BooleanField(_("verified"), default=False)
    description = models.TextField(_("description"), blank=True, max_length=2000, validators=[validate_clean_text])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind == self.Kind.AGENCY

    @property
    def region(self) -> str:
        return " ".join(p for p in (self.province, self.city) if p)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Administrator")
        OFFICER = "officer", _("Program officer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    def clean(self) -> None:
        if self.role == self.Role.OFFICER and self.organization_id and not self.organization.is_agency:
            raise ValidationError({"role": _("Only members of a government agency can be program officers.")})


class Notification(models.Model):
    """An in-app message; the same text is also e-mailed (console backend by default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject
