"""Forms of the supplier import: the upload, and the confirmation that applies a checked file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.core.files import SPREADSHEET_EXTENSIONS, validate_upload


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt,.tsv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed=SPREADSHEET_EXTENSIONS, field="file")
        return upload


class ImportConfirmForm(forms.Form):
    """Applies the file checked in the preview; the file itself stays on the server, named by `token`."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    confirm_different = forms.BooleanField(
        label=_("I have checked the possible duplicates: these are different companies"), required=False,
    )
