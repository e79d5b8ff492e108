"""Forms for corrective actions (the supplier's plan and evidence, the reviewer's decisions) and training."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.audits.models import CorrectiveAction, Severity
from supplyesg.core.forms_errors import checked_upload
from supplyesg.engagement.models import Course, RequiredTraining


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlanForm(forms.Form):
    """Fields are optional here on purpose: the service checks them all at once and names each one missing or
    wrong (with the dates), so the supplier sees every problem in one go. Browsers still ask for each."""

    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 3, "required": True})
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"), required=False, widget=forms.Textarea(attrs={"rows": 3, "required": True})
    )
    preventive_action = forms.CharField(
        label=_("Preventive action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=_("How you will stop it from happening again."),
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"required": True}),
        help_text=_("The person responsible, with their role."),
    )
    completion_date = forms.DateField(label=_("Planned completion"), required=False, widget=DateInput(attrs={"required": True}))

    @classmethod
    def for_action(cls, action: CorrectiveAction, data=None):
        initial = {
            "root_cause": action.root_cause,
            "corrective_action": action.corrective_action,
            "preventive_action": action.preventive_action,
            "owner": action.owner,
            "completion_date": action.completion_date,
        }
        form = cls(data, initial=initial)
        form.fields["completion_date"].help_text = _("On or before %(date)s, the remediation due date.") % {
            "date": date_format(action.remediation_due, "SHORT_DATE_FORMAT")
        }
        return form


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CompletionForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Photos, records or reports showing the action was carried out (PDF, images, Office files)."),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        for upload in files:
            checked_upload(upload, "files")
        return files


class ApproveForm(forms.Form):
    completion_date = forms.DateField(
        label=_("Agreed completion date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the date the supplier proposed in its plan."),
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CompletionReasonForm(ReasonForm):
    """The same reason field for refusing completion evidence, with its own ids on the page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_completion_%s")
        super().__init__(*args, **kwargs)


class CloseForm(forms.Form):
    closure = forms.ChoiceField(label=_("Closed by"), choices=CorrectiveAction.Closure.choices, widget=forms.RadioSelect)
    follow_up_audit = forms.ModelChoiceField(
        label=_("Follow-up audit"),
        queryset=None,
        required=False,
        help_text=_("Only for closure by a follow-up audit: a reported audit of the same supplier made after this one."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        from supplyesg.audits.models import Audit

        self.fields["follow_up_audit"].queryset = candidates if candidates is not None else Audit.objects.none()
        self.fields["follow_up_audit"].label_from_instance = lambda a: f"{a.get_kind_display()} · {a.report_date or a.year}"


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    supplier = forms.CharField(label=_("Supplier (code or name)"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *CorrectiveAction.Status.choices]
        self.fields["severity"].choices = [("", _("All severities")), *Severity.choices[:3]]


class TrainingForm(forms.Form):
    supplier_code = forms.CharField(label=_("Supplier code"), max_length=30)
    course = forms.ModelChoiceField(
        label=_("Course"), required=False, queryset=Course.objects.filter(is_active=True),
        help_text=_("Optional: a completed attendance of this course completes the training."),
    )
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False, help_text=_("Empty: the course's title."))
    area = forms.ChoiceField(label=_("Area"), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    audit = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Any area")), *RiskCategory.choices]

    def clean_supplier_code(self):
        from supplyesg.suppliers.models import Supplier

        code = self.cleaned_data["supplier_code"].strip()
        self.supplier = Supplier.objects.filter(code__iexact=code).first()
        if self.supplier is None:
            raise forms.ValidationError(_("No supplier has the code %(code)s.") % {"code": code})
        return code


class TrainingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    supplier = forms.CharField(label=_("Supplier (code or name)"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *RequiredTraining.Status.choices]


class AttendForm(forms.Form):
    attendee = forms.CharField(label=_("Attended by"), max_length=200, help_text=_("Names and roles of those who attended."))
