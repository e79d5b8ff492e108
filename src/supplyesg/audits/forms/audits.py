"""Forms of the audit programme and of conducting an audit."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supplyesg.assessments.models import RiskCategory
from supplyesg.audits.models import Audit, ChecklistItem, Finding, Severity
from supplyesg.audits.reports import requirement_title
from supplyesg.audits.services.programme import auditor_choices
from supplyesg.core.forms_errors import checked_upload
from supplyesg.suppliers.models import Site, Supplier

MIN_YEAR, MAX_YEAR = 2000, 2100


def _item_label(item) -> str:
    return f"{item.requirement.code} {requirement_title(item.requirement, translation.get_language())}"


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class ProgrammeFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    reason = forms.ChoiceField(label=_("Why planned"), required=False)
    q = forms.CharField(label=_("Supplier"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Audit.Status.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *Audit.Kind.choices]
        self.fields["reason"].choices = [("", _("All reasons")), *Audit.Reason.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("Name or code")

    def filters(self, default_year: int) -> dict:
        """The valid filters (an invalid one is dropped, the others still apply)."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in ("", None, False)}
        data.setdefault("year", default_year)
        return data


class CalendarForm(forms.Form):
    year = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)


class AuditFieldsForm(forms.Form):
    """What a planner sets on an audit (plan and edit)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Audit.Kind.choices)
    scheme = forms.ChoiceField(label=_("Standard"), choices=Audit.Scheme.choices, initial=Audit.Scheme.INTERNAL)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DATE)
    lead_auditor = forms.ModelChoiceField(label=_("Lead auditor"), queryset=None, required=False)
    audit_firm = forms.CharField(
        label=_("Audit firm"), max_length=200, required=False, help_text=_("Required for a third-party audit.")
    )
    scope = forms.MultipleChoiceField(
        label=_("Scope (risk categories)"),
        choices=RiskCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every requirement of the code of conduct."),
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)

    def __init__(self, *args, supplier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_auditor"].queryset = auditor_choices()
        self.fields["lead_auditor"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if supplier is not None:
            self.fields["site"].queryset = Site.objects.filter(supplier=supplier)


class PlanAuditForm(AuditFieldsForm):
    field_order = ["supplier_code", "year", "kind"]
    supplier_code = forms.CharField(label=_("Supplier code"), max_length=30)
    year = forms.IntegerField(label=_("Programme year"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.supplier = None
        code = (self.data.get(self.add_prefix("supplier_code")) or "").strip() if self.is_bound else ""
        supplier = Supplier.objects.filter(code__iexact=code).first() if code else None
        if supplier is not None:
            self.fields["site"].queryset = Site.objects.filter(supplier=supplier)

    def clean_supplier_code(self):
        code = self.cleaned_data["supplier_code"].strip()
        supplier = Supplier.objects.filter(code__iexact=code).first()
        if supplier is None:
            raise ValidationError(_("No supplier has the code %(code)s.") % {"code": code})
        self.supplier = supplier
        return code


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=ChecklistItem.Verdict.choices)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 1}))


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    checklist_item = forms.ModelChoiceField(label=_("Checklist item"), queryset=ChecklistItem.objects.none(), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False, help_text=_("Taken from the checklist item when one is chosen."))
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, audit=None, **kwargs):
        kwargs.setdefault("auto_id", "finding-%s")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—"), *RiskCategory.choices]
        if audit is not None:
            self.fields["checklist_item"].queryset = audit.checklist.select_related("requirement")
            self.fields["checklist_item"].label_from_instance = _item_label

    def clean(self):
        data = super().clean()
        if not data.get("area") and not data.get("checklist_item") and "severity" in data:
            self.add_error("area", _("Choose the area, or a checklist item."))
        return data


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    checklist_item = forms.ModelChoiceField(label=_("Checklist item"), queryset=ChecklistItem.objects.none(), required=False)
    finding = forms.ModelChoiceField(label=pgettext_lazy("audit", "Finding"), queryset=Finding.objects.none(), required=False)

    def __init__(self, *args, audit=None, **kwargs):
        kwargs.setdefault("auto_id", "evidence-%s")
        super().__init__(*args, **kwargs)
        if audit is not None:
            self.fields["checklist_item"].queryset = audit.checklist.select_related("requirement")
            self.fields["checklist_item"].label_from_instance = _item_label
            self.fields["finding"].queryset = audit.findings.all()
            self.fields["finding"].label_from_instance = lambda f: f"#{f.pk} {f.get_severity_display()}: {f.description[:60]}"

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"), "file")


class ReportFileForm(forms.Form):
    report_file = forms.FileField(label=_("Audit firm's report"))

    def clean_report_file(self):
        return checked_upload(self.cleaned_data.get("report_file"), "report_file")


class IssueReportForm(forms.Form):
    report_date = forms.DateField(label=_("Report date"), widget=DATE)
    summary = forms.CharField(label=_("Summary"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_date"].initial = timezone.localdate()
