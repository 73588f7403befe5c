"""Validators shared by every model that stores user-written text."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, newline and carriage return; DEL; lone UTF-16 surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def validate_clean_text(value: str) -> None:
    """Refuse NUL bytes, control characters and lone surrogates.

    PostgreSQL cannot store NUL in text and a lone surrogate cannot be encoded as UTF-8, so
    either would fail deep inside the database; refusing them here gives the user a message.
    """
    if value and _FORBIDDEN.search(value):
        raise ValidationError(
            _("The text contains control characters or invalid Unicode; remove them and try again."),
            code="invalid_characters",
        )
