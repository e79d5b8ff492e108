"""Forms of the rating pages: the quarter to compute, the overview filters, a business score, a decision, the
import upload. Forms check shapes; the services check the rules and their errors go under the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.core.bulk import SelectionForm
from supplyesg.core.files import SPREADSHEET_EXTENSIONS
from supplyesg.core.forms_errors import checked_upload
from supplyesg.core.models import INTERNAL_ROLES, User
from supplyesg.ratings import queries
from supplyesg.ratings.models import Action, Grade, Rating
from supplyesg.ratings.quarters import QuarterError, parse_quarter
from supplyesg.suppliers.models import Supplier


class QuarterField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Quarter"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("e.g. 2026Q3"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_quarter(value)
        except QuarterError:
            raise forms.ValidationError(_("%(value)s is not a quarter; write it like 2026Q3."), params={"value": value[:20]})


class ComputeForm(forms.Form):
    quarter = QuarterField()


class OverviewFilterForm(forms.Form):
    """The overview's query string. Invalid values are dropped, never an error page."""

    quarter = QuarterField(required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), required=False)
    esg = forms.ChoiceField(label=_("ESG score"), required=False, choices=[("", _("Any")), ("none", _("No ESG result"))])
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["grade"].choices = [("", _("All grades")), *Grade.choices]
        self.fields["decision"].choices = [("", _("Any decision")), *Rating.Decision.choices]
        self.fields["sort"].choices = [
            choice for key, label in queries.SORT_LABELS.items() for choice in ((key, f"{label} ↑"), ("-" + key, f"{label} ↓"))
        ]

    def filters(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class BusinessScoreForm(forms.Form):
    supplier = forms.CharField(label=_("Supplier code"), max_length=30)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)])
    quality = forms.DecimalField(label=_("Quality"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    delivery = forms.DecimalField(label=_("Delivery"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    cost = forms.DecimalField(label=_("Cost"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    service = forms.DecimalField(label=_("Service"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_supplier(self):
        code = self.cleaned_data["supplier"].strip()
        supplier = Supplier.objects.filter(code__iexact=code).first()
        if supplier is None:
            raise forms.ValidationError(_("No supplier has the code %(code)s."), params={"code": code})
        return supplier


class DecisionForm(forms.Form):
    CONFIRM, OVERRIDE = "confirm", "override"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(CONFIRM, _("Confirm the recommended action")), (OVERRIDE, _("Override it with another action"))],
    )
    action = forms.ChoiceField(label=_("Action instead"), required=False, choices=[("", "—"), *Action.choices])
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to override, and to end cooperation. Recorded in the supplier's history."),
    )
    # Corrective action with support (grade C): the improvement action it opens.
    owner = forms.ModelChoiceField(
        label=_("Owner of the corrective action"), required=False, queryset=User.objects.none(),
        help_text=_("Corrective action with support only: who on our side follows it up."),
    )
    due_date = forms.DateField(label=_("Corrective action due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("What is to improve"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    training_topic = forms.CharField(
        label=_("Training offered (optional)"), required=False, max_length=200,
        help_text=_("The support AIKO promises for grade C; the supplier confirms attendance in the portal."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, role__in=INTERNAL_ROLES).order_by("username")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt,.tsv"})
    )

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"], "file", allowed=SPREADSHEET_EXTENSIONS)


class BulkDecisionForm(SelectionForm):
    """The overview's bulk bar: confirm every selected recommendation, or override them all with one action and
    one reason. The filters travel along so "all matching" means the list the user saw."""

    CONFIRM, OVERRIDE = DecisionForm.CONFIRM, DecisionForm.OVERRIDE

    # Not "decision": that name is the overview's decision filter, posted along with the selection.
    verdict = forms.ChoiceField(choices=[(CONFIRM, CONFIRM), (OVERRIDE, OVERRIDE)])
    action = forms.ChoiceField(label=_("Action instead"), required=False, choices=[("", "—"), *Action.choices])
    # Assigning: grade C's corrective action with support, for every selected rating that leads to it.
    owner = forms.ModelChoiceField(label=_("Owner of the corrective actions"), required=False, queryset=User.objects.none())
    due_date = forms.DateField(label=_("Corrective actions due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("What is to improve"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, role__in=INTERNAL_ROLES).order_by("username")
