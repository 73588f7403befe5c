"""Forms of the officers' import pages: upload, column mapping, confirm."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from transfer import columns as C
from transfer.spreadsheets import SpreadsheetError, format_of

IMPORT_MAX_BYTES = 10 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    batch_name = forms.CharField(label=_("Publish into the list"), max_length=200, required=False,
                                 help_text=_("Created if it does not exist; leave empty to publish without a list."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            format_of(upload.name)
        except SpreadsheetError as exc:
            raise forms.ValidationError(str(exc))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(n)d MB.") % {"n": IMPORT_MAX_BYTES // 2**20})
        return upload


def column_choices() -> list[tuple[str, str]]:
    return [("", _("— not imported —"))] + [
        (c.key, f"{c.header} · {c.label}" + (" *" if c.required else "")) for c in C.COLUMNS]


class ImportMappingForm(forms.Form):
    """One choice per column of the file: which listing value it holds (or none)."""

    batch_name = forms.CharField(label=_("Publish into the list"), max_length=200, required=False)

    def __init__(self, *args, headers: list[str], mapping: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = column_choices()
        for index, header in enumerate(headers):
            self.fields[f"col-{index}"] = forms.ChoiceField(
                label=header or _("(column %(n)d, no header)") % {"n": index + 1}, choices=choices, required=False,
                initial=mapping.get(index, ""))

    def mapping(self) -> dict[int, str]:
        return {i: self.cleaned_data.get(f"col-{i}") or "" for i in range(len(self.headers))
                if self.cleaned_data.get(f"col-{i}")}

    def column_fields(self):
        return [self[f"col-{i}"] for i in range(len(self.headers))]
