from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.audits.models import Severity
from supplyesg.reporting.models import ImpactSource, ReportingPeriod, ScreeningSource
from supplyesg.suppliers.models import Category, Supplier
from supplyesg.suppliers.terminations.models import TerminationCase


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    entity = forms.CharField(label=_("Reporting entity"), max_length=200, required=False)


class DefinitionsForm(forms.ModelForm):
    """The period's explicit definitions, each with its help text (saved through `change_definitions`)."""

    screening_sources = forms.MultipleChoiceField(
        label=_("A supplier is screened when it has"),
        choices=ScreeningSource.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Any of the chosen sources, within the period."),
    )
    impact_sources = forms.MultipleChoiceField(
        label=_("A significant negative impact is"), choices=ImpactSource.choices, widget=forms.CheckboxSelectMultiple
    )
    impact_min_severity = forms.ChoiceField(label=_("Minimum finding severity"), choices=Severity.choices)
    termination_reasons = forms.MultipleChoiceField(
        label=_("A termination counts as 'because of the assessment' when its source is"),
        choices=TerminationCase.Source.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ReportingPeriod
        fields = (
            "entity",
            "new_supplier_basis",
            "screening_sources",
            "impact_sources",
            "impact_min_severity",
            "termination_reasons",
            "standard_payment_days",
            "late_payment_proceedings",
        )


class SnapshotForm(forms.Form):
    """Filters of a snapshot: empty means every tier, country and category."""

    tiers = forms.TypedMultipleChoiceField(
        label=_("Tiers"), choices=Supplier.Tier.choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.CharField(
        label=_("Countries"), required=False, max_length=500, help_text=_("ISO codes separated by commas, e.g. CN, MY.")
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.order_by("code"), required=False, to_field_name="code"
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean_countries(self):
        codes = [c.strip().upper() for c in self.cleaned_data["countries"].replace("，", ",").split(",") if c.strip()]
        wrong = [c for c in codes if len(c) != 2 or not c.isalpha()]
        if wrong:
            raise forms.ValidationError(_("Not a two-letter country code: %(codes)s") % {"codes": ", ".join(wrong)})
        return codes

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"tiers": data["tiers"], "countries": data["countries"], "categories": [c.code for c in data["categories"]]}
