"""Forms of the events pages: they parse input; the services validate and decide."""
from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scenarios.models import Batch, Field

from .models import Event, Session


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "date", "venue", "venue_tables", "tables", "spare_share", "meeting_minutes", "max_meetings",
                  "min_per_need", "roadshow_size"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "spare_share": forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "0.9"})}

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}

    def _post_clean(self) -> None:
        """Model validation is the service's (event_create), which reports it the same way to the API."""


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Session.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=100, required=False)
    start = forms.TimeField(label=_("start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("end"), widget=forms.TimeInput(attrs={"type": "time"}))

    def moments(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        return (timezone.make_aware(dt.datetime.combine(day, d["start"])),
                timezone.make_aware(dt.datetime.combine(day, d["end"])))


_REF = re.compile(r"\b([SC])0*(\d+)\b", re.IGNORECASE)


class InviteForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("a whole list"), queryset=Batch.objects.all(), required=False)
    field = forms.ModelChoiceField(label=_("a field"), queryset=Field.objects.all(), required=False,
                                   to_field_name="code")
    references = forms.CharField(label=_("chosen listings"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Their references, e.g. S00042 C00017"))

    def service_data(self) -> dict:
        needs, caps = [], []
        for letter, number in _REF.findall(self.cleaned_data.get("references") or ""):
            (needs if letter.upper() == "S" else caps).append(int(number))
        f = self.cleaned_data.get("field")
        b = self.cleaned_data.get("batch")
        return {"batch_id": b.pk if b else None, "field_code": f.code if f else "", "scenario_ids": needs,
                "capability_ids": caps}


class RoundForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("list"), queryset=Batch.objects.all())
    per_need = forms.IntegerField(label=_("introductions per need (m)"), initial=3, min_value=1, max_value=20)
    per_capability = forms.IntegerField(label=_("needs per capability at most (k)"), initial=3, min_value=1,
                                        max_value=100)
