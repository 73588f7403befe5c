from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.side import SIDES, Side, side_of

from .models import Batch, Field, Language
from .selectors import ListingFilters


class PublicFilterForm(forms.Form):
    """The public list's filters; invalid values are ignored rather than erroring."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All types"))] + [(s.kind, s.label) for s in SIDES])
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
        return ListingFilters(side=side_of(data["kind"]) if data.get("kind") else None, field=data.get("field", ""), city=data.get("city", ""),
                              batch=batch.pk if batch else None, q=data.get("q", ""))


class ListingFormBase(forms.ModelForm):
    """The owner's form for a need or a capability. The model validates (messages in the user's
    language); the service validates again and its field errors are put back on this form."""

    language = forms.ChoiceField(label=_("Language"), required=False, help_text=_(
        "Leave on “Detect automatically” unless the text mixes languages."))

    def __init__(self, *args, organizations=None, **kwargs):
        # `organizations`: the ones the user may post for; a choice appears only when there are several
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Detect automatically"))] + list(Language.choices)
        self.fields["field"].empty_label = _("Choose a field")
        self.fields["field"].queryset = Field.objects.all()
        for name in ("contact_name", "contact_phone", "contact_email"):
            if name in self.fields:
                self.fields[name].help_text = _("Shown to program officers, and to the other side only after "
                                                "an officer approves a match.")
        if organizations is not None and len(organizations) > 1:
            self.fields["organization"] = forms.ModelChoiceField(
                label=_("Post for"), queryset=Organization.objects.filter(pk__in=[o.pk for o in organizations]),
                empty_label=None)
            self.order_fields(["organization"])
        if "deadline" in self.fields:
            self.fields["deadline"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def listing_data(self) -> dict:
        """The cleaned values the listing services take (no organisation; language only if chosen)."""
        data = {k: v for k, v in self.cleaned_data.items() if k in self._meta.model.editable_fields()}
        if not data.get("language"):
            data.pop("language", None)
        return data


_WIDGETS = {
    "description": forms.Textarea(attrs={"rows": 8}),
    "reference_deployments": forms.Textarea(attrs={"rows": 4}),
}


def listing_form_class(side: Side) -> type[ListingFormBase]:
    model = side.model
    fields = [f for f in model.editable_fields() if f != "language"] + ["language"]
    return forms.modelform_factory(model, form=ListingFormBase, fields=fields,
                                   widgets={k: v for k, v in _WIDGETS.items() if k in fields})


class PublishForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Into list"), required=False, queryset=Batch.objects.all(),
                                   empty_label=_("No list"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.TextInput(attrs={"placeholder": _("Optional")}))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must change"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class BatchForm(forms.Form):
    name = forms.CharField(label=_("Name of the list"), max_length=200)
    published_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
