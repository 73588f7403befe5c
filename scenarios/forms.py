from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_LABELS
from .models import Batch, Field
from .selectors import ListingFilters


class PublicFilterForm(forms.Form):
    """The public list's filters; invalid values are ignored rather than erroring."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All types"))] + list(KIND_LABELS.items()))
    field = forms.ChoiceField(label=_("Field"), required=False)
    city = forms.CharField(label=_("City"), required=False, max_length=32)
    batch = forms.ModelChoiceField(label=_("List"), required=False, queryset=Batch.objects.all(),
                                   empty_label=_("All lists"))

    def __init__(self, *args, cities: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields"))] + [(f.code, f.label) for f in Field.objects.all()]
        self.fields["city"].widget = forms.Select(choices=[("", _("All cities"))] + [(c, c) for c in cities or []])

    def to_filters(self) -> ListingFilters:
        data = self.cleaned_data if self.is_valid() else {}
        batch = data.get("batch")
        return ListingFilters(kind=data.get("kind", ""), field=data.get("field", ""), city=data.get("city", ""),
                              batch=batch.pk if batch else None, q=data.get("q", ""))
