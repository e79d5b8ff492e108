"""Forms for minerals risk cases: the list filters, opening a case, and one form per step."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supplyesg.minerals.cases.models import RiskCase
from supplyesg.minerals.models import Smelter
from supplyesg.suppliers.models import Supplier

NOTE_MAX = 4000


def _text(label, help_text="", rows=3, required=True):
    return forms.CharField(
        label=label,
        max_length=NOTE_MAX,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    risk_type = forms.ChoiceField(label=_("Risk type"), required=False)
    supplier = forms.CharField(label=_("Supplier"), required=False, max_length=255)
    due = forms.BooleanField(label=_("Only those to act on"), required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["status"].choices = [("", _("Open cases")), ("all", _("All cases")), *RiskCase.Status.choices]
        self.fields["risk_type"].choices = [("", _("All risk types")), *RiskCase.RiskType.choices]

    def filter(self, cases, *, today):
        """The cases matching the valid filters (an invalid filter is ignored rather than dropping the others)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or ""
        if status == "":
            cases = cases.open()
        elif status != "all":
            cases = cases.filter(status=status)
        if data.get("risk_type"):
            cases = cases.filter(risk_type=data["risk_type"])
        text = (data.get("supplier") or "").strip()
        if text:
            match = Q(supplier__legal_name__icontains=text) | Q(supplier__local_name__icontains=text)
            match |= Q(supplier__code__iexact=text)
            if text.isdigit():
                match |= Q(supplier_id=int(text))
            cases = cases.filter(match)
        if data.get("due"):
            cases = cases.needing_attention(today)
        return cases


class OpenCaseForm(forms.Form):
    supplier = forms.CharField(
        label=_("Supplier code"), max_length=30, help_text=_("The supplier's code in the registry, e.g. S000123.")
    )
    risk_type = forms.ChoiceField(label=_("Risk type (OECD Annex II)"), choices=RiskCase.RiskType.choices)
    description = _text(_("Description"), _("What points to the risk: findings, sources, the smelter or mine concerned."), 4)
    source = forms.CharField(
        label=_("How it was identified"),
        max_length=200,
        required=False,
        help_text=_("For example a CMRT declaration, an audit, a grievance or a media report."),
    )
    smelter_cid = forms.CharField(
        label=_("Smelter ID (optional)"),
        max_length=12,
        required=False,
        help_text=_("The RMI smelter identification number, e.g. CID001070."),
    )
    plan = _text(
        _("Risk-management plan (security forces, bribery and fraud)"),
        _(
            "For these risks the policy prescribes a plan at once: given here, it is adopted with the case. "
            "The other risks suspend trade at once and have no plan."
        ),
        4,
        required=False,
    )

    def clean_supplier(self):
        code = self.cleaned_data["supplier"].strip()
        supplier = Supplier.objects.filter(code__iexact=code).first()
        if supplier is None:
            raise forms.ValidationError(_("No supplier has the code %(code)s.") % {"code": code})
        return supplier

    def clean_smelter_cid(self):
        cid = self.cleaned_data["smelter_cid"].strip().upper()
        if not cid:
            return None
        smelter = Smelter.objects.filter(cid__iexact=cid).order_by("pk").first()
        if smelter is None:
            raise forms.ValidationError(_("No smelter in the reference list has the ID %(cid)s.") % {"cid": cid})
        return smelter


class AdoptPlanForm(forms.Form):
    plan = _text(
        _("Risk-management plan"),
        _("The measures agreed with the supplier and stakeholders to prevent or mitigate the risk."),
        5,
    )


class ReviewPlanForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("yes", _("The plan is working: close the case")), ("no", _("No effect: suspend trade"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("What the review found"))


class DisengageForm(forms.Form):
    mode = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    note = _text(_("Reason"))

    MODES = {
        "suspend": _("Suspend trade with the supplier"),
        "terminate": _("Recommend terminating cooperation (procurement decides)"),
    }

    def __init__(self, *args, modes=("suspend", "terminate"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [(m, self.MODES[m]) for m in modes]


class RevisePlanForm(forms.Form):
    plan = _text(_("Revised risk-management plan"), rows=5)
    targets = _text(
        _("Performance targets"), _("What the supplier must reach before trade resumes, measurable where possible."), 4
    )


class NoteForm(forms.Form):
    note = _text(_("Note"))


class DismissProposalForm(forms.Form):
    supplier = forms.IntegerField(widget=forms.HiddenInput)
    cid = forms.CharField(max_length=12, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why no risk case is needed"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
