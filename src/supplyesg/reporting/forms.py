from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.audits.models import Severity
from supplyesg.core.files import SPREADSHEET_EXTENSIONS
from supplyesg.core.forms_errors import checked_upload
from supplyesg.core.models import INTERNAL_ROLES, User
from supplyesg.reporting.models import AnnualFigures, ImpactSource, ReportingPeriod, ReviewAction, ScreeningSource, Snapshot
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


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt,.tsv"})
    )

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"], "file", allowed=SPREADSHEET_EXTENSIONS)


class PaymentFilterForm(forms.Form):
    STATES = [("", _("all")), ("paid", _("paid")), ("unpaid", _("unpaid")), ("late", _("paid after the due date"))]
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    supplier_code = forms.CharField(label=_("Supplier code"), max_length=30, required=False)
    state = forms.ChoiceField(label=_("Invoices"), choices=STATES, required=False)


class AnnualFiguresForm(forms.ModelForm):
    class Meta:
        model = AnnualFigures
        fields = [
            "year",
            "headcount",
            "training_hours",
            "training_person_times",
            "satisfaction_score",
            "grievances_received",
            "grievances_resolved",
            "source",
        ]

    def validate_unique(self):
        """A year already entered is replaced by the service, not refused."""


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    chair = forms.CharField(label=_("Chaired by"), max_length=150)
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}))
    snapshot = forms.ModelChoiceField(label=_("Figures reviewed (snapshot)"), queryset=Snapshot.objects.none(), required=False)
    summary = forms.CharField(label=_("Results reviewed"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, period=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = Snapshot.objects.filter(period=period).order_by("-number")
        self.fields["snapshot"].label_from_instance = lambda s: f"#{s.number} ({s.get_status_display()})"


def _owners():
    return User.objects.filter(is_active=True, role__in=INTERNAL_ROLES).order_by("username")


class ReviewActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners()


class ReviewActionChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReviewAction.Status.choices)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners()
