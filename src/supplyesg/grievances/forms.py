from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.core.forms_errors import checked_upload
from supplyesg.grievances.models import Report, Topic, Visibility
from supplyesg.suppliers.models.registry import country_choices

FILE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "txt")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern), each checked by core.files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join("." + e for e in FILE_EXTENSIONS)}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [checked_upload(single(item, initial), "files", allowed=FILE_EXTENSIONS) for item in files]


def _countries():
    return [("", _("I prefer not to say"))] + country_choices()


class ReportForm(forms.Form):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—")] + Topic.choices)
    subject = forms.CharField(label=_("Short title (optional)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
        help_text=_("Where and when, who was involved, whether it still goes on. Do not write your name unless you want to."),
    )
    country = forms.ChoiceField(label=_("Country where it happened"), choices=_countries, required=False)
    files = MultipleFileField(
        label=_("Files (optional)"),
        help_text=_(
            "Photos lose their location and camera data here; Word and Excel files lose their author. "
            "PDF files keep theirs: remove your name from a PDF before you send it."
        ),
    )
    name = forms.CharField(
        label=_("Your name (optional)"), max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    contact = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Kept apart and encrypted. Handlers see it only if a second person approves their written reason."),
    )

    def __init__(self, *args, description_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if description_label:
            self.fields["description"].label = description_label


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("The 16 digits you were shown when you sent your report."),
    )


class ReporterMessageForm(forms.Form):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(
        label=_("Your message"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"})
    )
    files = MultipleFileField(label=_("Files (optional)"))


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Message"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    files = MultipleFileField(label=_("Files (optional)"))


class MoveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s, label) for s, label in Report.Status.choices if s in ("acknowledged", "in_review", "investigation", "remediation")
        ],
    )
    sub_status = forms.ChoiceField(label=_("Sub-status"), choices=Report.SubStatus.choices, required=False)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=Report.ClosureReason.choices)
    measure = forms.ChoiceField(label=_("Measure taken"), choices=Report.Measure.choices, required=False)
    text = forms.CharField(label=_("Outcome, as the reporter will read it"), widget=forms.Textarea(attrs={"rows": 4}))


class AcknowledgeForm(forms.Form):
    text = forms.CharField(
        label=_("Acknowledgement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Blank: the standard acknowledgement in the reporter's language."),
    )


class LinkForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["topic", "country", "severe", "supplier", "site", "requirement", "finding", "corrective_action", "smelter"]
        widgets = {
            name: forms.NumberInput for name in ("supplier", "site", "requirement", "finding", "corrective_action", "smelter")
        }
        help_texts = {
            name: _("Its number (id)") for name in ("supplier", "site", "requirement", "finding", "corrective_action", "smelter")
        }


class DisclosureRequestForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why does the case need the reporter's identity?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DisclosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("deny", _("Deny"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
