"""The supply side: capabilities (供给能力) posted by companies, universities and institutes."""
from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.side import CAPABILITY
from core.validators import validate_clean_text
from scenarios.models import Certification, Deployment, ListingBase, TransitionBase


class Maturity(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    PROTOTYPE = "prototype", _("Prototype")
    CLINICAL_VALIDATION = "clinical_validation", _("Clinical validation")
    REGISTERED = "registered", _("Registered")
    DEPLOYED = "deployed", _("Deployed")


class Capability(ListingBase):
    SIDE = CAPABILITY
    SIDE_FIELDS = ("maturity", "certification", "deployment", "reference_deployments")

    maturity = models.CharField(_("maturity"), max_length=20, choices=Maturity.choices,
                                default=Maturity.PROTOTYPE)
    certification = models.CharField(_("certification held"), max_length=10,
                                     choices=Certification.choices, default=Certification.NONE)
    deployment = models.CharField(_("deployment"), max_length=12, choices=Deployment.choices,
                                  default=Deployment.EITHER)
    # declared again only to give the reverse accessors plural names (capabilities, not capabilitys)
    organization = models.ForeignKey("accounts.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="capabilities")
    batch = models.ForeignKey("scenarios.Batch", verbose_name=_("list"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="capabilities")
    reference_deployments = models.TextField(
        _("reference deployments"), blank=True,
        validators=[MaxLengthValidator(2000), validate_clean_text],
    )

    class Meta(ListingBase.Meta):
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")


class CapabilityTransition(TransitionBase):
    listing = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionBase.Meta):
        verbose_name = _("capability history entry")
        verbose_name_plural = _("capability history")
