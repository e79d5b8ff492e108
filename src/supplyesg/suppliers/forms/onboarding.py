"""Forms for fast onboarding: portal invitations, the whole qualification checklist at once, several files."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from supplyesg.core.forms_errors import checked_upload

MAX_FILES_PER_UPLOAD = 20  # a form limit, not a policy number: each file also meets MAX_UPLOAD_MB


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The supplier's country decides"))] + list(settings.LANGUAGES),
        help_text=_("The language of the invitation and later e-mails, and of the portal."),
    )


# Django 5.2's documented pattern for a field taking several files:
# https://docs.djangoproject.com/en/5.2/topics/http/file-uploads/#uploading-multiple-files
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, allowed=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            files = [single_file_clean(d, initial) for d in data if d]
        else:
            files = [single_file_clean(data, initial)] if data else []
        files = [f for f in files if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                _("Send at most %(count)d files at once.") % {"count": MAX_FILES_PER_UPLOAD}, code="too_many"
            )
        errors = []
        for upload in files:
            try:
                checked_upload(upload, "file", allowed=self.allowed)
            except forms.ValidationError as exc:
                errors += [m if upload.name in m else f"{upload.name}: {m}" for m in exc.messages]
        if errors:
            raise forms.ValidationError(errors)
        return files


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChecklistItemForm(forms.Form):
    """One row of the whole-checklist form; a row left empty changes nothing."""

    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    evidence_note = forms.CharField(label=_("Evidence note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    verdict = forms.ChoiceField(label=_("Verdict"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item, **kwargs):
        from supplyesg.suppliers.models import QualificationItem
        from supplyesg.suppliers.models.lifecycle import Verdict

        kwargs.setdefault("prefix", f"item{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        choices = [("", _("Keep the current verdict")), (Verdict.PASS, Verdict.PASS.label),
                   (Verdict.FAIL, Verdict.FAIL.label)]
        if item.kind in QualificationItem.OPTIONAL_KINDS:
            choices.append((Verdict.NOT_APPLICABLE, Verdict.NOT_APPLICABLE.label))
        self.fields["verdict"].choices = choices


class ManyDocumentsForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type"))
    title = forms.CharField(label=_("Title"), max_length=150, required=False,
                            help_text=_("Empty: each document is titled by its file name."))
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=_date_input())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=_date_input(),
                                  help_text=_("Leave empty if the documents do not expire."))
    files = MultipleFileField(label=_("Files"), help_text=_("Choose several files at once if you like."))

    def __init__(self, *args, **kwargs):
        from supplyesg.suppliers.models.compliance import DocumentType

        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = DocumentType.choices


class ScanSignerForm(forms.Form):
    signer_name = forms.CharField(label=_("Signer name"), max_length=150)
    signer_title = forms.CharField(label=_("Signer title"), max_length=150)


class ScanRowForm(forms.Form):
    """One agreement of the several-agreements upload; a row without a scan is skipped."""

    agreement_type = forms.ModelChoiceField(label=_("Agreement"), queryset=None, required=False)
    signed_at = forms.DateField(label=_("Signed on"), required=False, widget=_date_input())
    scan = forms.FileField(label=_("Signed scan"), required=False, help_text=_("PDF, PNG or JPEG."))

    def __init__(self, *args, **kwargs):
        from supplyesg.suppliers.models import AgreementType

        super().__init__(*args, **kwargs)
        self.fields["agreement_type"].queryset = AgreementType.objects.all()

    def clean_scan(self):
        from supplyesg.suppliers.forms.lifecycle import SCAN_EXTENSIONS

        return checked_upload(self.cleaned_data.get("scan"), "scan", allowed=SCAN_EXTENSIONS)

    def clean(self):
        data = super().clean()
        if data.get("scan") and not data.get("agreement_type"):
            self.add_error("agreement_type", _("Choose which agreement this scan is."))
        if data.get("scan") and not data.get("signed_at"):
            self.add_error("signed_at", _("Give the signing date."))
        if data.get("agreement_type") and not data.get("scan") and self.has_changed() and "scan" not in self.errors:
            if data.get("signed_at"):
                self.add_error("scan", _("Attach the signed scan, or clear the row."))
        return data


ScanRowFormSet = forms.formset_factory(ScanRowForm, extra=0, max_num=20, absolute_max=20)
