"""Forms of the internal supplier registry: list filters, supplier, site, contact, supply link, duplicates."""

import pycountry
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.models import Category, Contact, DuplicateDecision, Site, Supplier
from supplyesg.suppliers.queries import sort_choices


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    """Category checkboxes labelled in the user's language."""

    def label_from_instance(self, obj):
        return obj.display_name(get_language())


class SupplierFilterForm(forms.Form):
    """The list's query string. Invalid values are dropped, never an error page."""

    KEY_CHOICES = [("", _("Any")), ("yes", _("Key suppliers")), ("no", _("Other suppliers"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, alias, registration id")}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    tier = forms.TypedChoiceField(label=_("Tier"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.all(),
                                      to_field_name="code", empty_label=_("Any"))
    key = forms.ChoiceField(label=_("Key supplier"), required=False, choices=KEY_CHOICES)
    risk = forms.ChoiceField(label=_("Risk level"), required=False, choices=[
        ("", _("Any")), ("high", _("High")), ("medium", _("Medium")), ("low", _("Low")), ("none", _("Not assessed"))])
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any"))] + list(Supplier.Status.choices)
        self.fields["tier"].choices = [("", _("Any"))] + list(Supplier.Tier.choices)
        self.fields["country"].choices = [("", _("Any"))] + [(code, _country_name(code)) for code in countries]
        self.fields["category"].label_from_instance = lambda c: c.display_name(get_language())
        self.fields["sort"].choices = sort_choices()

    def filters(self) -> dict:
        """The valid filters, each field checked on its own so one bad value does not drop the others."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


class SupplierForm(forms.ModelForm):
    """The registry fields. Views pass `cleaned_data` to the registry services; the form never saves."""

    categories = CategoryChoiceField(label=_("Categories"), queryset=Category.objects.all(), required=False,
                                     widget=forms.CheckboxSelectMultiple)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Supplier
        fields = ["legal_name", "local_name", "aliases", "registration_id", "registration_authority", "country",
                  "address", "website", "tier", "categories", "is_key", "spend_share"]
        widgets = {"aliases": forms.Textarea(attrs={"rows": 3}), "address": forms.Textarea(attrs={"rows": 3})}

    def registry_fields(self) -> dict:
        """Cleaned values for the service, without categories."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "categories"}


class SupplierCreateForm(SupplierForm):
    """Creating asks "is this a different company?" only once possible duplicates were shown."""

    def __init__(self, *args, ask_confirmation: bool = False, ask_blacklist: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_confirmation:
            self.fields["confirmed_not_duplicate"] = forms.BooleanField(
                label=_("This is a different company — create anyway"), required=False,
            )
        if ask_blacklist:
            self.fields["blacklist_override_reason"] = forms.CharField(
                label=_("Why this is not the blacklisted company"), max_length=500, required=False,
                help_text=_("Only users who decide the blacklist can admit a name that may be blacklisted; "
                            "the reason is kept in the audit trail."),
            )

    @property
    def blacklist_override_reason(self) -> str:
        return self.cleaned_data.get("blacklist_override_reason") or ""

    @property
    def confirmed_not_duplicate(self) -> bool:
        return bool(self.cleaned_data.get("confirmed_not_duplicate"))


class SupplierEditForm(SupplierForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=500,
                             help_text=_("Recorded in the supplier's history."))


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "kind", "country", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "is_primary", "is_authorised_signatory"]


class SupplyLinkForm(forms.Form):
    """Add an upstream supplier (one that supplies this one), found by its supplier code."""

    upstream_code = forms.CharField(label=_("Upstream supplier code"), max_length=30,
                                    help_text=_("The code of the supplier that supplies this one, e.g. S000123."))
    material = forms.CharField(label=_("Material"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_upstream_code(self):
        code = self.cleaned_data["upstream_code"].strip()
        upstream = Supplier.objects.visible_to(self.user).filter(code__iexact=code).first()
        if upstream is None:
            raise forms.ValidationError(_("No supplier has the code %(code)s."), params={"code": code})
        return upstream


class DuplicateDecisionForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=DuplicateDecision.Verdict.choices)
