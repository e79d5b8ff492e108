"""Forms for questionnaire campaigns, reviews and uploads, and reading a fill-page POST into raw answers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import Question, QuestionnaireTemplate, RiskLevel
from supplyesg.core.forms import CampaignScheduleForm
from supplyesg.core.forms_errors import checked_upload
from supplyesg.suppliers.models import Category, Supplier

# Name of the hidden input listing the questions a fill form rendered: only those are read on save, so a
# question the page did not show (another section, hidden by a condition) is never cleared by accident.
PRESENT_FIELD = "q"
ANSWER_PREFIX = "a-"
EVIDENCE_PREFIX = "f-"
CLEAR_PREFIX = "clear-"


class CampaignForm(CampaignScheduleForm):
    field_order = ["template", "name"]
    template = forms.ModelChoiceField(
        label=_("Questionnaire template"), queryset=QuestionnaireTemplate.objects.filter(is_active=True)
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    all_suppliers = forms.BooleanField(label=_("Every approved supplier"), required=False)
    tiers = forms.TypedMultipleChoiceField(
        label=_("Tiers"),
        choices=Supplier.Tier.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_levels = forms.MultipleChoiceField(
        label=_("Risk levels"),
        choices=RiskLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The level of the supplier's latest risk assessment. Suppliers never assessed are left out."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tiers"].help_text = _(
            "Tiers, categories and risk levels combine: a supplier must match every one you choose."
        )


class AddSupplierForm(forms.Form):
    code = forms.CharField(label=_("Supplier code"), max_length=30)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        supplier = Supplier.objects.filter(code__iexact=code).first()
        if supplier is None:
            raise ValidationError(_("No supplier has the code %(code)s.") % {"code": code})
        self.supplier = supplier
        return code


class ResponseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        from supplyesg.assessments.models import Response

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses"))] + list(Response.Status.choices)


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def return_comments_from_post(post) -> dict[str, str]:
    """{question code: comment} from the review page's `comment-<code>` fields that are not blank."""
    out = {}
    for key in post:
        if key.startswith("comment-"):
            text = (post.get(key) or "").strip()
            if text:
                out[key[len("comment-") :]] = text
    return out


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in questionnaire (.xlsx)"),
        help_text=_("The workbook downloaded from this page, with your answers in column E."),
    )

    def clean_file(self):
        upload = checked_upload(self.cleaned_data["file"], "file", allowed=("xlsx",))
        upload.seek(0)
        return upload


# ---------------------------------------------------------------- the fill page


def answers_from_post(questions, post, files):
    """Read a fill form: (raw answers, evidence uploads, codes whose evidence is to be removed).

    Only the questions the form listed in PRESENT_FIELD are read. A blank field means "no answer" (None);
    multiple choice comes as a list. Raw strings are validated by the service through the engine.
    """
    present = set(post.getlist(PRESENT_FIELD))
    answers, uploads, clear = {}, {}, []
    for question in questions:
        code = question.code
        if code not in present:
            continue
        name = ANSWER_PREFIX + code
        if question.kind == Question.Kind.MULTIPLE:
            values = [v for v in post.getlist(name) if v != ""]
            answers[code] = values or None
        elif question.kind != Question.Kind.FILE:
            raw = post.get(name)
            answers[code] = None if raw is None or not str(raw).strip() else str(raw)
        upload = files.get(EVIDENCE_PREFIX + code) if files is not None else None
        if upload is not None:
            uploads[code] = upload
        if post.get(CLEAR_PREFIX + code):
            clear.append(code)
    return answers, uploads, clear
