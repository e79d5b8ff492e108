"""The dashboard's GET filters: year, tier, country (an ISO code or its name) and category. A value the form cannot
read becomes a message naming the filter; the page never guesses."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers import queries as supplier_queries
from supplyesg.suppliers.models import Category, Supplier

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Filters:
    year: int
    tier: int | None = None
    country: str = ""  # ISO alpha-2
    category: str = ""  # Category.code

    @property
    def narrowed(self) -> bool:
        return bool(self.tier or self.country or self.category)

    def suppliers(self):
        """Suppliers the tier, country and category filters select (any status)."""
        qs = Supplier.objects.all()
        if self.tier:
            qs = qs.filter(tier=self.tier)
        if self.country:
            qs = qs.filter(country=self.country)
        if self.category:
            # A subquery on the link table, not a join: one row per supplier, so counts need no DISTINCT.
            links = Supplier.categories.through.objects.filter(category__code=self.category)
            qs = qs.filter(pk__in=links.values("supplier_id"))
        return qs

    def scoped(self, qs, field: str = "supplier"):
        """`qs` narrowed to rows whose `field` is a selected supplier (one subquery, no supplier list in memory)."""
        if not self.narrowed:
            return qs
        return qs.filter(**{f"{field}__in": self.suppliers().values("pk")})


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.name if country else code


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False)
    tier = forms.TypedChoiceField(label=_("Tier"), required=False, coerce=int, empty_value=None)
    country = forms.CharField(label=_("Country"), required=False, max_length=100, widget=forms.Select)
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Any"),
    )

    def __init__(self, data, *, today):
        super().__init__(data)
        self.today = today
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=today.year + 1, placeholder=today.year)
        self.fields["tier"].choices = [("", _("Any"))] + list(Supplier.Tier.choices)
        self.fields["tier"].error_messages["invalid_choice"] = _("Tier: choose 1, 2 or 3.")
        self.fields["category"].error_messages["invalid_choice"] = _("Category: no category has this code.")
        codes = supplier_queries.countries_in_use()
        self.fields["country"].widget.choices = [("", _("Any"))] + sorted(
            ((code, country_name(code)) for code in codes if code), key=lambda pair: pair[1]
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is None:
            return self.today.year
        if not FIRST_YEAR <= year <= self.today.year + 1:
            raise forms.ValidationError(
                gettext("Year: choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": self.today.year + 1}
            )
        return year

    def clean_country(self):
        text = (self.cleaned_data["country"] or "").strip()
        if not text:
            return ""
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            raise forms.ValidationError(gettext("Country: “%(value)s” is not a country code or name.") % {"value": text})
        return country.alpha_2

    def filters(self) -> Filters:
        data = self.cleaned_data
        category = data.get("category")
        return Filters(
            year=data["year"], tier=data.get("tier"), country=data.get("country", ""), category=category.code if category else ""
        )
