from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from supplyesg.core.files import SPREADSHEET_EXTENSIONS, validate_upload
from supplyesg.minerals.models import Metal


class SmelterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    metal = forms.ChoiceField(label=_("Metal"), required=False, choices=[("", _("All metals"))] + list(Metal.choices))


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("RMI template (.xlsx)"),
                           help_text=_("The current CMRT or EMRT downloaded from the RMI website."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            validate_upload(upload, allowed=("xlsx",), field=_("file"))
        except ValidationError as exc:
            raise ValidationError(exc.messages)
        return upload


class RmapUploadForm(forms.Form):
    file = forms.FileField(label=_("RMAP status list (.csv or .xlsx)"),
                           help_text=_("Columns: CID, Status, Assessment date, Next assessment."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            validate_upload(upload, allowed=SPREADSHEET_EXTENSIONS, field=_("file"))
        except ValidationError as exc:
            raise ValidationError(exc.messages)
        return upload
