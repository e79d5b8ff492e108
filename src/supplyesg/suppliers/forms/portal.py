"""Portal forms: profile change proposals, document uploads, signatures, qualification evidence."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.forms.onboarding import MultipleFileField
from supplyesg.suppliers.models import Supplier
from supplyesg.suppliers.models.compliance import DocumentType
from supplyesg.suppliers.models.registry import PROFILE_FIELDS


def _normalise_newlines(value: str) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


class ProfileChangeForm(forms.ModelForm):
    """The profile fields a supplier may propose to change, prefilled with the current values.

    Built without an instance so validating it never touches the supplier object the service compares against.
    """

    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Supplier
        fields = PROFILE_FIELDS
        widgets = {"aliases": forms.Textarea(attrs={"rows": 3}), "address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, supplier: Supplier, **kwargs):
        self.supplier = supplier
        kwargs["initial"] = {name: getattr(supplier, name) for name in PROFILE_FIELDS}
        super().__init__(*args, **kwargs)

    def clean_aliases(self):
        return _normalise_newlines(self.cleaned_data["aliases"])

    def clean_address(self):
        return _normalise_newlines(self.cleaned_data["address"])

    def changes(self) -> dict:
        """Only the fields whose cleaned value differs from the supplier's current one."""
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS
                if self.cleaned_data[name] != getattr(self.supplier, name)}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DocumentUploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DateInput)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DateInput,
                                  help_text=_("Leave empty if the document does not expire."))
    file = MultipleFileField(label=_("File"), help_text=_("Choose several files at once if you like."))


class SignAgreementForm(forms.Form):
    signer_name = forms.CharField(label=_("Signer name"), max_length=150)
    signer_title = forms.CharField(label=_("Signer title"), max_length=150,
                                   help_text=_("e.g. General Manager"))
    authorised = forms.BooleanField(required=True)
    accepted_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, supplier: Supplier, **kwargs):
        super().__init__(*args, **kwargs)
        label = _("I am authorised to sign for %(supplier)s and accept this text")
        self.fields["authorised"].label = label % {"supplier": supplier.legal_name}


class QualificationEvidenceForm(forms.Form):
    file = MultipleFileField(label=_("Evidence file"), required=False,
                             help_text=_("Choose several files at once if you like."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not (cleaned.get("note") or "").strip():
            self.add_error("file", _("Attach a file or write a note."))
        return cleaned
