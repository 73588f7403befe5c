from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """Import and export of lists and matches (no models of its own)."""

    name = "transfer"
    verbose_name = _("Import and export")
