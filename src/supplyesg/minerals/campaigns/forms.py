"""Forms for campaigns, submissions (staff, portal, bulk) and the smelter review queue."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.files import extension_of, validate_upload
from supplyesg.core.forms import CampaignScheduleForm
from supplyesg.core.forms_errors import strip_field_prefix
from supplyesg.minerals.bulk import bulk_upload_limit
from supplyesg.minerals.campaigns.services import MINERALS_BY_TEMPLATE
from supplyesg.minerals.models import Metal, SubmissionRequest, TemplateType
from supplyesg.suppliers.models import Category, Supplier

# check_file explains legacy and odd workbooks as findings, so these are stored (as invalid when need be);
# macro-enabled workbooks are refused, by name here and by content when read (campaigns.submit_declaration).
EXCEL_UPLOADS = ("xlsx", "xls")
MACRO_EXTENSIONS = ("xlsm", "xltm", "xlam")


def check_excel_upload(upload, field: str = "file"):
    """Size and container guard for a CMRT/EMRT upload; raises ValidationError naming the field."""
    if extension_of(upload.name) in MACRO_EXTENSIONS:
        raise ValidationError(
            _("%(field)s: macro-enabled workbooks (.%(ext)s) are not accepted; save the file as .xlsx.")
            % {"field": field, "ext": extension_of(upload.name)}
        )
    validate_upload(upload, allowed=EXCEL_UPLOADS, field=field)
    upload.seek(0)
    return upload


def check_zip_upload(upload, field: str = "file"):
    if upload.size > bulk_upload_limit():
        raise ValidationError(
            _("%(field)s: the archive is %(size).1f MB; the limit is %(limit)d MB.")
            % {"field": field, "size": upload.size / 1048576, "limit": bulk_upload_limit() // 1048576}
        )
    if upload.size <= 0 or extension_of(upload.name) != "zip":
        raise ValidationError(_("%(field)s: upload one .zip archive of .xlsx files.") % {"field": field})
    upload.seek(0)
    if not upload.read(4).startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("%(field)s: the content of %(name)s is not a .zip archive.") % {"field": field, "name": upload.name}
        )
    upload.seek(0)
    return upload


def _mineral_choices():
    labels = dict(Metal.choices)
    return [(template, [(m, labels[m]) for m in minerals]) for template, minerals in MINERALS_BY_TEMPLATE.items()]


class CampaignForm(CampaignScheduleForm):
    field_order = ["name", "reporting_year", "template", "minerals"]

    name = forms.CharField(label=_("Name"), max_length=200)
    reporting_year = forms.IntegerField(label=_("Reporting year"), min_value=2000, max_value=2100)
    template = forms.ChoiceField(label=_("Template"), choices=TemplateType.choices)
    minerals = forms.MultipleChoiceField(
        label=_("Minerals in scope"),
        choices=_mineral_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "CMRT: tin, tantalum, tungsten, gold. EMRT: cobalt, mica, copper, graphite, lithium, nickel. "
            "AMRT: up to ten other minerals you choose. CRT: cobalt."
        ),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tiers = forms.TypedMultipleChoiceField(
        label=_("Tiers"),
        choices=Supplier.Tier.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With categories: only these tiers of them. Alone: every approved supplier of these tiers."),
    )
    scope_by_minerals = forms.BooleanField(label=_("Every supplier whose categories involve these minerals"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporting_year"].initial = timezone.localdate().year - 1
        # CMRT campaigns remind two weeks ahead: suppliers must first ask their own suppliers.
        self.fields["remind_days_before"].initial = 14


class AddSupplierForm(forms.Form):
    code = forms.CharField(label=_("Supplier code"), max_length=30)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        supplier = Supplier.objects.filter(code__iexact=code).first()
        if supplier is None:
            raise ValidationError(_("No supplier has the code %(code)s.") % {"code": code})
        self.supplier = supplier
        return code


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + list(SubmissionRequest.Status.choices),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    @staticmethod
    def pairs(filters: dict) -> list[tuple[str, str]]:
        """The cleaned filter as the query string's name/value pairs (a bulk bar posts them back, its redirect keeps
        them)."""
        return [(name, "on" if value is True else value) for name, value in filters.items() if value]


class SubmissionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Completed CMRT or EMRT (.xlsx)"),
        help_text=_("The RMI template as filled in, in .xlsx format."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return check_excel_upload(upload, field="file")
        except ValidationError as exc:
            raise ValidationError([strip_field_prefix(m, "file") for m in exc.messages]) from None


class AcceptForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must the supplier correct?"), widget=forms.Textarea(attrs={"rows": 3}))


class CompanyNameConfirmForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this declaration belong to this supplier?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReassignForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier the declaration belongs to"), queryset=None)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, exclude=None, **kwargs):
        from supplyesg.suppliers.models import Supplier

        super().__init__(*args, **kwargs)
        choices = Supplier.objects.exclude(status__in=[Supplier.Status.BLACKLISTED, Supplier.Status.EXITED])
        self.fields["supplier"].queryset = choices.exclude(pk=exclude) if exclude else choices


class ConfirmReviewForm(forms.Form):
    cid = forms.CharField(
        label=_("Smelter id"),
        max_length=20,
        help_text=_("The suggested smelter, or another one of the same metal (e.g. CID001070)."),
    )


class SmelterSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the reference list"), max_length=255, help_text=_("A smelter name or CID."))
    metal = forms.ChoiceField(label=_("Metal"), required=False, choices=[("", _("All metals"))] + list(Metal.choices))


class WithdrawAliasForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Zip archive of completed templates"),
        help_text=_(
            "One .zip with the suppliers' .xlsx files; each is assigned to a supplier "
            "of this campaign by its company name or unique id."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return check_zip_upload(upload, field="file")
        except ValidationError as exc:
            raise ValidationError([strip_field_prefix(m, "file") for m in exc.messages]) from None


class BulkConfirmForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    supplier = forms.IntegerField(label=_("Supplier"), min_value=1)
