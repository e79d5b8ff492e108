from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.sanctions.models import SanctionsHit, SanctionsListVersion
from supplyesg.suppliers.sanctions.services import UN_LIST_NAME


class HitFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(SanctionsHit.Status.choices)
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ListUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=SanctionsListVersion.Format.choices)
    list_name = forms.CharField(label=_("List name"), max_length=120, initial=UN_LIST_NAME)
    source = forms.CharField(label=_("Source"), max_length=255, required=False)
    version = forms.CharField(label=_("Version (when the file does not say)"), max_length=60, required=False)
