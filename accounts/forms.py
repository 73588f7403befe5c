from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Organization, User


class SignupForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("Letters, digits and @/./+/-/_ only."))
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("Notifications are sent to this address."))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken; choose another."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(username=data.get("username", ""), email=data.get("email", ""),
                         first_name=data.get("first_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (value, label) for value, label in Organization.Kind.choices if value != Organization.Kind.AGENCY])
    province = forms.CharField(label=_("Province"), max_length=32, required=False)
    city = forms.CharField(label=_("City"), max_length=32, required=False)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
