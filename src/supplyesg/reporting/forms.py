from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.core.files import SPREADSHEET_EXTENSIONS
from supplyesg.core.forms_errors import checked_upload
from supplyesg.core.models import INTERNAL_ROLES, User
from supplyesg.reporting.models import AnnualFigures, ReviewAction, Snapshot


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    entity = forms.CharField(label=_("Reporting entity"), max_length=200, required=False)


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
